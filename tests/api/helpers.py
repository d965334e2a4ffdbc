"""What the API tests share: tokens without the slow password check, and requests with them."""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from app.accounts.access_tokens import TOKEN_PREFIX, token_digest
from app.accounts.models import ApiToken, User
from app.db import utcnow
from app.extensions import db

API = "/api/v1"


def token_for(user: User, *, used_just_now: bool = True) -> str:
    """A working token for ``user``, written straight to the table (flushed).

    Marked as used just now, so that the requests of a test within the minute do not
    write "last used" again (which would show in a before/after snapshot).
    """
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        ApiToken(
            user_id=user.id,
            token_hash=token_digest(secret),
            hint=secret[:8],
            created_at=now,
            last_used_at=now if used_just_now else None,
        )
    )
    db.session.flush()
    return secret


def auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


class Api:
    """A JSON client for one caller: ``api.get("/me")``, ``api.post("/companies", {...})``."""

    def __init__(self, client: FlaskClient, user: User | None = None) -> None:
        self.client = client
        self.token = token_for(user) if user is not None else None

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        headers = {**auth(self.token), **kwargs.pop("headers", {})}
        if body is not None:
            kwargs["json"] = body
        return self.client.open(API + path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("PATCH", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("PUT", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.call("DELETE", path, **kwargs)


def save() -> None:
    """Commit what the test arranged (a refused request rolls back its own session)."""
    db.session.commit()


def error_of(response: Any) -> dict[str, Any]:
    """The error a response carries, checked to have the API's one error shape."""
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def count(model: Any, *conditions: Any) -> int:
    db.session.expire_all()
    return db.session.execute(
        sa.select(sa.func.count()).select_from(model).where(*conditions)
    ).scalar_one()
