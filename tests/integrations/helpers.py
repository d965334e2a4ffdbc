"""What the integration tests share: a company with SSO on, and tokens as its site signs them."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt

from app.companies.models import Company
from app.integrations import sso
from tests.factories import make_company, make_staff, make_user


def sso_company(name: str = "Acme Cloud", slug: str = "acme-cloud") -> tuple[Company, Any, str]:
    """A claimed company, its admin, and its SSO secret (made through the service)."""
    company = make_company(name, slug=slug, domain=f"{slug}.com")
    admin = make_user(f"{slug}-admin")
    make_staff(company, admin, role="admin")
    return company, admin, sso.create_secret(admin, company)


def sso_token(secret: str, **claims: Any) -> str:
    """A token as the company's site signs it: fresh, unique, for ``customer-1`` unless told."""
    now = int(time.time())
    payload: dict[str, Any] = {
        "email": "kim@shop.example",
        "name": "Kim Jensen",
        "external_id": "customer-1",
        "iat": now,
        "exp": now + 120,
        "jti": uuid.uuid4().hex,
    }
    payload.update(claims)
    payload = {key: value for key, value in payload.items() if value is not None}
    return jwt.encode(payload, secret.encode("utf-8"), algorithm="HS256")


def signed_in_user_id(client: Any) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")
