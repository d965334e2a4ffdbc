"""Reads for account pages."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from app.accounts.models import USERNAME_MAX, USERNAME_MIN, USERNAME_PATTERN, User
from app.errors import NotFound
from app.extensions import db
from app.i18n import _


def get_user_by_username(username: str) -> User:
    """The user with this username (in any letter case), or ``NotFound``.

    A string that cannot be a username is not looked up at all, so nothing a visitor
    types into the URL (a NUL byte, a megabyte) reaches the database.
    """
    name = username.strip().lower()
    if not USERNAME_MIN <= len(name) <= USERNAME_MAX or not re.fullmatch(USERNAME_PATTERN, name):
        raise NotFound(_("There is no such person on Helpsquare."))
    # With the bio (deferred elsewhere): the profile shows it.
    query = sa.select(User).where(User.username == name).options(undefer(User.bio))
    user = db.session.execute(query).scalar_one_or_none()
    if user is None:
        raise NotFound(_("There is no such person on Helpsquare."))
    return user
