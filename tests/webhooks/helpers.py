"""Shared by the webhook tests: a claimed company with an admin, and endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.webhooks import services
from app.webhooks.models import EVENTS, WebhookDelivery
from tests.factories import make_company, make_staff, make_user


@dataclass
class Shop:
    company: Any
    boss: Any  # admin staff
    agent: Any
    asker: Any
    keeper: Any  # site admin


def make_shop() -> Shop:
    company = make_company("Acme", domain="acme.com")
    boss = make_user("boss", display_name="Bo Boss")
    make_staff(company, boss, role="admin")
    agent = make_user("agent")
    make_staff(company, agent, role="agent")
    shop = Shop(company, boss, agent, make_user("asker"), make_user("keeper", is_admin=True))
    db.session.commit()
    return shop


@pytest.fixture
def allow_private(app, monkeypatch):
    """Tests send to their own receiver on 127.0.0.1: WEBHOOKS_ALLOW_PRIVATE=true."""
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
    monkeypatch.setitem(app.config, "WEBHOOKS_SEND", "inline")


def add_endpoint(shop: Shop, url: str, events=EVENTS):  # noqa: ANN001, ANN201
    return services.create_endpoint(shop.boss, shop.company, url=url, events=list(events))


def deliveries(endpoint_id: int | None = None) -> list[WebhookDelivery]:
    db.session.expire_all()
    query = sa.select(WebhookDelivery).order_by(WebhookDelivery.id)
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    return list(db.session.scalars(query))
