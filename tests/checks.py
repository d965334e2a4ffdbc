"""Assertions many tests share."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table: what "nothing changed" means in a refusal test."""
    db.session.expire_all()
    return {
        table.name: sorted(
            (tuple(map(str, row)) for row in db.session.execute(sa.select(table))), key=str
        )
        for table in db.metadata.sorted_tables
    }


def person(username: str, display_name: str = "") -> str:
    """The inside of how pages name a person (``app.templating.person``): the display name
    beside the @username."""
    handle = f'<span class="person__handle">@{username}</span>'
    if not display_name:
        return handle
    return f'<bdi class="person__name">{display_name}</bdi> {handle}'
