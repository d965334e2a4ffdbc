"""Two webhook senders at the same time make each delivery exactly once (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, a conditional UPDATE on SQLite), as the mail senders do
(tests/mail/test_concurrency.py): two real threads with their own sessions, over committed
rows, each holding its first delivery until the other holds one too."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from app import db as db_module
from app.companies.models import Company
from app.db import utcnow
from app.webhooks import delivery
from app.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint

DELIVERIES = 12


@pytest.fixture
def engine(app: Flask) -> Iterator[sa.Engine]:
    engine = sa.create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"], **app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    db_module.configure_engine(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def committed(engine: sa.Engine) -> Iterator[int]:
    now = utcnow()
    with orm.Session(engine) as session:
        company = Company(
            name="Concurrent Hooks", slug="concurrent-hooks", domain="concurrent-hooks.example"
        )
        session.add(company)
        session.flush()
        endpoint = WebhookEndpoint(
            company_id=company.id,
            url="https://93.184.215.14/",
            events="answer.created",
            secret="whsec_" + "A" * 32,
            created_at=now,
            disabled_reason="",
        )
        session.add(endpoint)
        session.flush()
        session.add_all(
            WebhookDelivery(
                endpoint_id=endpoint.id,
                event_type="webhook.test",
                message_id=f"msg_concurrent_{n}",
                payload=f'{{"n": {n}}}',
                state=DeliveryState.PENDING,
                created_at=now,
                send_after=now,
                last_error="",
            )
            for n in range(DELIVERIES)
        )
        session.commit()
        company_id, endpoint_id = company.id, endpoint.id
    yield endpoint_id
    with engine.begin() as connection:
        connection.execute(
            sa.delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        )
        connection.execute(sa.delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id))
        connection.execute(sa.delete(Company).where(Company.id == company_id))


def test_two_senders_at_once_make_each_delivery_exactly_once(app, monkeypatch, engine, committed):
    sent: list[tuple[str, str]] = []
    both_hold_one = threading.Barrier(2, timeout=10)
    held: set[str] = set()

    def attempt(endpoint, row, config):  # noqa: ANN001, ANN202 - delivery._attempt's shape
        name = threading.current_thread().name
        if name not in held:
            held.add(name)
            both_hold_one.wait()
        sent.append((name, row.message_id))
        return 200, ""

    monkeypatch.setattr(delivery, "_attempt", attempt)
    results: dict[str, delivery.Outcome] = {}
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            with app.app_context(), orm.Session(engine) as session:
                name = threading.current_thread().name
                results[name] = delivery.deliver_pending(100, session=session)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=sender, name=f"sender-{n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(m for _, m in sent) == sorted(f"msg_concurrent_{n}" for n in range(DELIVERIES))
    assert {name for name, _ in sent} == {"sender-1", "sender-2"}
    assert sum(r.sent for r in results.values()) == DELIVERIES
    with engine.connect() as connection:
        pending = connection.scalar(
            sa.select(sa.func.count())
            .select_from(WebhookDelivery)
            .where(
                WebhookDelivery.endpoint_id == committed,
                WebhookDelivery.state != DeliveryState.DELIVERED,
            )
        )
    assert pending == 0
