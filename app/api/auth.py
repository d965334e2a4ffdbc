"""Who is calling: ``Authorization: Bearer <token>``, and nothing else.

The API never reads the session cookie: a browser that is signed in on the HTML pages is
anonymous here unless it sends a token, so a page on another site cannot make a signed-in
visitor's browser call the API (which is why the API needs no CSRF token). A header that
is present but malformed, or a token that is unknown or revoked, is a 401 on every
endpoint (silently treating it as anonymous would hide the mistake); a token of a
suspended account is a 403 ``suspended`` on every endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from http import HTTPStatus
from typing import Any

from flask import g, request

from app.accounts import access_tokens
from app.accounts.models import User
from app.accounts.suspension import suspension_message
from app.api.errors import Unauthenticated
from app.api.openapi import area as openapi_area
from app.errors import Suspended
from app.i18n import _l

BEARER_SCHEME = "bearerAuth"
NO_TOKEN = _l("Sign in first: send a token as Authorization: Bearer <token>.")
BAD_HEADER = _l("Send the token as Authorization: Bearer <token>.")
BAD_TOKEN = _l("This token is unknown or has been revoked.")

# Every operation may answer these: a bad token (401), the database being away (503).
ALWAYS = (401, 503)


def authenticate_request() -> None:
    """The blueprint's ``before_request``: put the token's user (or None) in ``g``."""
    g.api_user = None
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise Unauthenticated(BAD_HEADER)
    user = access_tokens.user_for_token(secret)
    if user is None or user.is_former_member:
        raise Unauthenticated(BAD_TOKEN)
    if user.is_suspended:
        # However the suspension was written: the token is refused, saying why.
        raise Suspended(suspension_message(user))
    g.api_user = user


def api_user() -> User | None:
    """The user whose token came with this request, or None."""
    return g.get("api_user")


def signed_in_user() -> User:
    """The user whose token came with this request; 401 without one."""
    user = api_user()
    if user is None:
        raise Unauthenticated(NO_TOKEN)
    return user


def operation(
    blueprint: Any, *, signed_in: bool, errors: Iterable[int] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a view as needing a token (or not) and document the errors it may answer.

    Goes right under ``@blueprint.route`` and above ``@blueprint.arguments``, so that a
    client without a token hears 401 before anything about its request body.
    """
    statuses = sorted({*ALWAYS, *errors})

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        if signed_in:

            @wraps(view)
            def guarded(*args: Any, **kwargs: Any) -> Any:
                signed_in_user()
                return view(*args, **kwargs)

            wrapped: Callable[..., Any] = guarded
        else:
            wrapped = view
        for status in statuses:
            wrapped = blueprint.alt_response(status, response=HTTPStatus(status).name)(wrapped)
        # Without a token: ``security: []``, which generators read as "any client may call
        # it" (a token, when sent, is still read: answers may then say more). Listing
        # anonymous access as ``{}`` beside the token made them demand one.
        security = [{BEARER_SCHEME: []}] if signed_in else []
        # The view's name is its operationId: what client generators and links name it by;
        # its tag is its area (the views' module).
        return blueprint.doc(
            operationId=view.__name__, security=security, tags=[openapi_area(view)]
        )(wrapped)

    return decorate
