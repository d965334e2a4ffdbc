"""Accounts through the API: sign up, verify the e-mail address, get a token, who am I."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from app.accounts import access_tokens, services, verification
from app.accounts.models import User
from app.api import bp
from app.api.auth import operation, signed_in_user
from app.api.schemas import (
    LinkTokenSchema,
    MeSchema,
    SignUpSchema,
    TokenRequestSchema,
    TokenSchema,
    UserSchema,
)
from app.extensions import limiter
from app.i18n import _l, current_language

SIGN_UP_THROTTLED = _l("Too many new accounts from your network.")
TOKENS_THROTTLED = _l("Too many token requests.")


# Rate limits, read from the config at each request (the same settings as the HTML
# sign-up and sign-in forms). Requests are limited per door; failed token requests count
# as failed sign-ins, in the same counts as the sign-in page (app.accounts.sign_in).


def _sign_up_limits_per_address() -> str:
    return current_app.config["SIGNUP_LIMITS_PER_ADDRESS"]


def _token_limits_per_address() -> str:
    return current_app.config.get(
        "API_TOKEN_LIMITS_PER_ADDRESS", current_app.config["SIGNIN_LIMITS_PER_ADDRESS"]
    )


@bp.route("/users", methods=["POST"])
@operation(bp, signed_in=False, errors=(400, 413, 422, 429))
@limiter.limit(
    _sign_up_limits_per_address,
    scope="api-sign-up-address",
    error_message=SIGN_UP_THROTTLED,
)
@bp.arguments(SignUpSchema)
@bp.response(201, UserSchema)
def create_user(body: dict[str, Any]) -> User:
    """Sign up.

    The username is 3–30 of a–z, 0–9, - and _ (capitals are lowered), not reserved and
    not taken; the password 10–128 characters and not a common one; the display name
    (optional) is shown beside the @username, without "@". Limited per client
    address. A verification e-mail goes to the address: its link's last path segment is
    the token for ``POST /users/verify-email``. Until then the account may get a token and
    read, but its writes are refused with 403 ``email_unverified``.
    """
    return services.sign_up(
        body["username"],
        body["email"],
        body["password"],
        body["display_name"],
        language=current_language(),
    )


@bp.route("/tokens", methods=["POST"])
@operation(bp, signed_in=False, errors=(400, 409, 413, 422, 429))
@limiter.limit(
    _token_limits_per_address,
    scope="api-token-address",
    error_message=TOKENS_THROTTLED,
)
@bp.arguments(TokenRequestSchema)
@bp.response(201, TokenSchema)
def create_token(body: dict[str, Any]) -> dict[str, str]:
    """Get a personal access token.

    The token is shown in this answer only: keep it. Wrong credentials are a 401 that
    does not say whether the account exists. Limited per client address; failed attempts
    count as failed sign-ins (per account and address, per address, per account).
    """
    issued = access_tokens.issue_token(
        body["username"], body["password"], address=request.remote_addr
    )
    return {"token": issued.secret}


@bp.route("/users/verify-email", methods=["POST"])
@operation(bp, signed_in=False, errors=(400, 413, 422))
@bp.arguments(LinkTokenSchema)
@bp.response(200, UserSchema)
def verify_email(body: dict[str, Any]) -> User:
    """Verify an account's e-mail address with the token from the verification e-mail.

    Anyone holding the token may (it proves control of the address). A token works once,
    for 48 hours, and only the newest one sent to the account; an unknown, used, expired,
    replaced or tampered token is a 400 with the code invalid_token.
    """
    return verification.verify_email(body["token"])


@bp.route("/me", methods=["GET"])
@operation(bp, signed_in=True)
@bp.response(200, MeSchema)
def me() -> User:
    """The account the token belongs to, and whether its e-mail address is verified."""
    return signed_in_user()
