"""How Flask-Login finds the signed-in user, and why an old cookie stops working.

A session stores ``"<user id>:<session version>"``. Signing out or changing the
password bumps the user's version, so every cookie issued before is refused. A suspended
or deleted account signs nobody in, whatever its cookie says (a suspension bumps the
version too, but one written some other way, say by hand, holds all the same).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import LoginManager

from app.accounts.models import User
from app.db import MAX_ID
from app.extensions import db
from app.i18n import _l


def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()) or int(user_id) > MAX_ID:
        return None
    user = db.session.execute(sa.select(User).where(User.id == int(user_id))).scalar_one_or_none()
    if user is None or user.session_version != int(version):
        return None
    if user.is_suspended or user.is_former_member:
        return None
    return user


def init_login_manager(login_manager: LoginManager) -> None:
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Please sign in to do that.")
    login_manager.localize_callback = str  # the lazy message, in the request's language
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
