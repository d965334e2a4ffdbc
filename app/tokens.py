"""Signed tokens for links sent by e-mail: claim and e-mail verification, invitations,
password reset.

A token is signed with the app's SECRET_KEY and salted with its purpose, so a token
made for one purpose is worthless for another. It names one object and carries a
``version`` that the object changes once the token has been used (a claim's status,
an invitation's acceptance, a user's session version), which makes it single-use.
Expiry is checked against ``app.db.utcnow`` so tests move the clock instead of sleeping.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from enum import StrEnum
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from app.db import MAX_ID, utcnow
from app.i18n import _

TOKEN_MAX = 500


class Purpose(StrEnum):
    CLAIM_VERIFY = "claim-verify"
    STAFF_INVITATION = "staff-invitation"
    PASSWORD_RESET = "password-reset"  # noqa: S105 - a purpose name, not a password
    # Its version is the EmailVerification row it was sent with (app.accounts.verification).
    EMAIL_VERIFY = "email-verify"
    # Not single-use: its version is the preference group it turns off (app.notifications).
    NOTIFICATION_UNSUBSCRIBE = "notification-unsubscribe"


class InvalidToken(Exception):
    """Unknown, tampered, expired, used, or made for something else."""


class _ClockSigner(TimestampSigner):
    """Timestamps from Helpsquare's clock, so expiry tests need no sleeping."""

    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"helpsquare:{purpose}", signer=_ClockSigner
    )


def make_token(purpose: Purpose, object_id: int, version: str | int = "") -> str:
    """A token for ``purpose`` naming ``object_id``; ``version`` makes it single-use."""
    return _serializer(purpose).dumps({"id": object_id, "v": str(version)})


def read_token(token: Any, purpose: Purpose, *, max_age: timedelta) -> tuple[int, str]:
    """The (object id, version) a valid token names; ``InvalidToken`` for anything else."""
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX or "\x00" in token:
        raise InvalidToken(_("That link is not valid."))
    try:
        payload, signed_at = _serializer(purpose).loads(token, return_timestamp=True)
    except (BadSignature, ValueError, TypeError) as error:
        raise InvalidToken(_("That link is not valid.")) from error
    if not isinstance(payload, dict):
        raise InvalidToken(_("That link is not valid."))
    object_id, version = payload.get("id"), payload.get("v")
    if type(object_id) is not int or not 0 < object_id <= MAX_ID or not isinstance(version, str):
        raise InvalidToken(_("That link is not valid."))
    if signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=UTC)
    if utcnow() - signed_at > max_age:
        raise InvalidToken(_("That link has expired."))
    return object_id, version


__all__ = ["InvalidToken", "Purpose", "make_token", "read_token"]
