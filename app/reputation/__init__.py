"""Reputation (product.md, "Reputation"): the points peers earn, their badges, the champions
companies name, and the leaderboards.

Points change in the transaction of their cause (``points``, called by the answers,
questions and moderation services); badges are awarded once (``badges``); champions are
named by a company's admins (``champions``); ``queries`` reads the stored totals;
``recompute`` proves them equal a recomputation (``flask reputation recompute``).
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("reputation", __name__)


def init_app(app: Flask) -> None:
    """Routes of the ``reputation`` blueprint and the ``flask reputation`` commands."""
    from app.reputation import cli, views  # noqa: F401 - views registers routes

    if bp.name in app.blueprints:
        return
    app.register_blueprint(bp)
    app.cli.add_command(cli.reputation_cli)
