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
from flask_babel import format_number
from markupsafe import Markup

from app.i18n import _, ngettext

bp = Blueprint("reputation", __name__)


def points_label(user: Any) -> Markup:
    """A person's reputation beside their name ("· 120 points"); nothing for a deleted
    account, which names nobody. The number comes with the person's row (no query)."""
    if user is None or user.is_former_member:
        return Markup("")
    number = format_number(user.reputation)
    words = ngettext("%(points)s point", "%(points)s points", user.reputation, points=number)
    return Markup('<span class="reputation">{}</span>').format(words)


def champion_badge(company: Any) -> Markup:
    """The badge on a champion's answers for the company: words, with an icon for the eye."""
    words = _("%(company)s champion", company=company.name)
    return Markup(
        '<span class="badge badge--champion"><span aria-hidden="true">♛ </span>{}</span>'
    ).format(words)


def init_app(app: Flask) -> None:
    """Routes of the ``reputation`` blueprint and the ``flask reputation`` commands."""
    from app.reputation import cli, views  # noqa: F401 - views registers routes

    if bp.name in app.blueprints:
        return
    app.register_blueprint(bp)
    app.cli.add_command(cli.reputation_cli)
    # format_number: a count as the reader writes it ("1,250" in English, "1.250" in Danish).
    app.jinja_env.filters.update(
        points=points_label, champion_badge=champion_badge, format_number=format_number
    )
