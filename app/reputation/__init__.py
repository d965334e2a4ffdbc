"""Reputation (product.md, "Reputation"): the points peers earn, their badges, the champions
companies name, and the leaderboards.

Points change in the transaction of their cause (``points``, called by the answers,
questions and moderation services); badges are awarded once (``badges``); champions are
named by a company's admins (``champions``); ``queries`` reads the stored totals;
``recompute`` proves them equal a recomputation (``flask reputation recompute``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask
from markupsafe import Markup

bp = Blueprint("reputation", __name__)


def points_label(user: Any) -> Markup:
    """A person's reputation beside their name ("· 120 points"); nothing for a deleted
    account, which names nobody. The number comes with the person's row (no query)."""
    if user is None or user.is_former_member:
        return Markup("")
    unit = "point" if user.reputation == 1 else "points"
    return Markup('<span class="reputation">{:,} {}</span>').format(user.reputation, unit)


def champion_badge(company: Any) -> Markup:
    """The badge on a champion's answers for the company: words, with an icon for the eye."""
    return Markup(
        '<span class="badge badge--champion"><span aria-hidden="true">♛ </span>{} champion</span>'
    ).format(company.name)


def init_app(app: Flask) -> None:
    """Routes of the ``reputation`` blueprint and the ``flask reputation`` commands."""
    from app.reputation import cli, views  # noqa: F401 - views registers routes

    if bp.name in app.blueprints:
        return
    app.register_blueprint(bp)
    app.cli.add_command(cli.reputation_cli)
    app.jinja_env.filters.update(points=points_label, champion_badge=champion_badge)
