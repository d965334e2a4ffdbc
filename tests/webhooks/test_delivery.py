"""Deliveries: written with the event, signed (Standard Webhooks), sent after the request or
by the worker, retried with backoff for three days, then the endpoint is disabled."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from standardwebhooks.webhooks import Webhook

from app.answers import services as answer_services
from app.db import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.moderation import hiding, merging
from app.questions import services as question_services
from app.webhooks import delivery, services
from app.webhooks.cli import webhooks_cli
from app.webhooks.models import DeliveryState, WebhookEndpoint
from tests.conftest import login_as
from tests.factories import make_question
from tests.servers import http_receiver
from tests.webhooks.helpers import add_endpoint, deliveries, make_shop


@pytest.fixture
def shop():
    return make_shop()


def test_a_question_asked_on_the_page_is_delivered_signed_and_verifies(client, shop, allow_private):
    with http_receiver() as receiver:
        endpoint = add_endpoint(shop, receiver.url())
        login_as(client, shop.asker)
        response = client.post(
            f"/companies/{shop.company.slug}/ask",
            data={
                "title": "Where is my parcel today?",
                "body": "It did not come.",
                "kind": "question",
            },
        )
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]

    assert len(receiver.requests) == 1
    sent = receiver.requests[0]
    # The receiver checks it as the Standard Webhooks library does: id, time, signature.
    payload = Webhook(endpoint.secret).verify(sent.body, sent.headers)
    assert payload["type"] == "question.created"
    question = payload["data"]["question"]
    assert question["title"] == "Where is my parcel today?"
    assert question["company"] == "acme"
    assert question["hidden"] is False
    assert sent.headers["webhook-id"].startswith("msg_")
    assert sent.headers["content-type"] == "application/json"
    [row] = deliveries(endpoint.id)
    assert (row.state, row.response_status, row.attempts) == (DeliveryState.DELIVERED, 200, 1)


def test_a_tampered_body_does_not_verify(shop, allow_private):
    with http_receiver() as receiver:
        endpoint = add_endpoint(shop, receiver.url(), events=["answer.created"])
        question = make_question(shop.company, author=shop.asker)
        db.session.commit()
        answer_services.post_answer(shop.agent, question, body="We are on it.")
        delivery.deliver_pending()
    sent = receiver.requests[0]
    verified = Webhook(endpoint.secret).verify(sent.body, sent.headers)
    assert verified["type"] == "answer.created"
    assert verified["data"]["answer"]["is_official"] is True
    assert verified["data"]["question"]["id"] == question.id
    with pytest.raises(Exception, match="signature"):
        Webhook(endpoint.secret).verify(sent.body.replace(b"We are", b"We arent"), sent.headers)


def test_only_the_subscribed_events_are_written(shop, allow_private):
    answers_only = add_endpoint(shop, "http://127.0.0.1:9/a", events=["answer.created"])
    everything = add_endpoint(shop, "http://127.0.0.1:9/b")
    question = question_services.ask_question(
        shop.asker, shop.company, title="Which cable do I need?", body="For the dock."
    )
    assert [d.event_type for d in deliveries(answers_only.id)] == []
    assert [d.event_type for d in deliveries(everything.id)] == ["question.created"]
    question_services.set_status(shop.agent, question, "answered")
    answer_services.post_answer(shop.asker, question, body="Found it: the USB-C one.")
    assert [d.event_type for d in deliveries(answers_only.id)] == ["answer.created"]
    assert [d.event_type for d in deliveries(everything.id)] == [
        "question.created",
        "question.status_changed",
        "answer.created",
    ]
    status_event = json.loads(deliveries(everything.id)[1].payload)
    assert status_event["data"]["question"]["status"] == "answered"
    assert status_event["data"]["previous_status"] == "open"


def test_a_merge_is_sent_with_the_original_question(shop, allow_private):
    endpoint = add_endpoint(shop, "http://127.0.0.1:9/", events=["question.merged"])
    original = make_question(shop.company, author=shop.asker, title="The app crashes on start")
    duplicate = make_question(shop.company, author=shop.boss, title="Crash when starting app")
    duplicate.created_at = original.created_at + timedelta(minutes=1)
    db.session.commit()
    merging.merge_question(shop.agent, duplicate, into=original)
    [row] = deliveries(endpoint.id)
    body = json.loads(row.payload)
    assert body["type"] == "question.merged"
    assert body["data"]["question"]["id"] == original.id
    assert body["data"]["duplicate_id"] == duplicate.id


def test_private_details_never_go_out(shop, allow_private):
    endpoint = add_endpoint(shop, "http://127.0.0.1:9/")
    question_services.ask_question(
        shop.asker, shop.company, title="My order number is wrong", body="See the details."
    )
    [row] = deliveries(endpoint.id)
    assert "private" not in json.loads(row.payload)["data"]["question"]


def test_a_hidden_post_is_not_sent(shop, allow_private):
    """Hidden before the event: nothing written. Hidden after it, before it went out: the
    delivery is withheld, never sent."""
    with http_receiver() as receiver:
        endpoint = add_endpoint(shop, receiver.url())
        hidden = make_question(shop.company, author=shop.asker)
        db.session.commit()
        hiding.apply_hide(hidden, by=shop.keeper, reason="Spam.")
        db.session.commit()
        answer_services.post_answer(shop.keeper, hidden, body="Moderator note.")
        assert deliveries(endpoint.id) == []

        question = question_services.ask_question(
            shop.asker, shop.company, title="Buy cheap pills here now", body="Spam."
        )
        hiding.apply_hide(question, by=shop.keeper, reason="Spam.")
        db.session.commit()
        outcome = delivery.deliver_pending()
    assert (outcome.sent, outcome.withheld) == (0, 1)
    assert receiver.requests == []
    assert [d.state for d in deliveries(endpoint.id)] == [DeliveryState.WITHHELD]


def test_a_failing_endpoint_is_retried_with_backoff_then_disabled_and_its_admins_told(
    shop, allow_private
):
    with http_receiver(status=500) as receiver:
        endpoint = add_endpoint(shop, receiver.url())
        question_services.ask_question(
            shop.asker, shop.company, title="Does it work offline?", body="On a plane."
        )
        outcome = delivery.deliver_pending()
        assert (outcome.sent, outcome.failed) == (1 - 1, 1)
        [row] = deliveries(endpoint.id)
        assert (row.state, row.attempts, row.response_status) == ("pending", 1, 500)
        assert row.send_after - row.last_attempt_at == delivery.RETRY_FIRST
        # Not due yet: the next run sends nothing.
        assert delivery.deliver_pending().failed == 0

        # Due again: the second failure waits twice as long.
        row.send_after = utcnow()
        db.session.commit()
        delivery.deliver_pending()
        [row] = deliveries(endpoint.id)
        assert row.attempts == 2
        assert row.send_after - row.last_attempt_at == 2 * delivery.RETRY_FIRST

        # Three days after the event, the last attempt fails too: given up, disabled.
        row.created_at = utcnow() - delivery.RETRY_FOR - timedelta(seconds=1)
        row.send_after = utcnow()
        db.session.commit()
        outcome = delivery.deliver_pending()
    assert outcome.disabled == 1
    assert len(receiver.requests) == 3
    [row] = deliveries(endpoint.id)
    assert row.state == DeliveryState.FAILED
    disabled = db.session.get(WebhookEndpoint, endpoint.id)
    assert disabled.disabled_at is not None
    assert "answered 500" in disabled.disabled_reason
    mail = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to_address == shop.boss.email)
    ).all()
    assert [m.subject for m in mail] == [delivery.DISABLED_SUBJECT]
    assert endpoint.url in mail[0].body_text
    # A disabled endpoint gets nothing more.
    question_services.ask_question(
        shop.asker, shop.company, title="Another question for them", body="Hello?"
    )
    assert len(deliveries(endpoint.id)) == 1


def test_the_backoff_is_bounded_and_ends_at_three_days():
    assert delivery.retry_delay(1) == timedelta(seconds=30)
    assert delivery.retry_delay(2) == timedelta(minutes=1)
    assert delivery.retry_delay(50) == delivery.RETRY_LONGEST
    # Attempts at the schedule's times until three days have passed: a bounded number.
    elapsed, attempts = timedelta(0), 1
    while elapsed < delivery.RETRY_FOR:
        elapsed = min(elapsed + delivery.retry_delay(attempts), delivery.RETRY_FOR)
        attempts += 1
    assert 10 < attempts < 25


def test_an_address_that_is_not_public_is_refused_at_delivery(shop, allow_private, app):
    """Registered while allowed, sent when no longer: the metadata address gets nothing."""
    endpoint = add_endpoint(shop, "http://169.254.169.254/latest/meta-data/")
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    question_services.ask_question(
        shop.asker, shop.company, title="Is there a student price?", body="Asking."
    )
    delivery.deliver_pending()
    [row] = deliveries(endpoint.id)
    assert row.response_status is None
    assert "not a public address" in row.last_error or "https://" in row.last_error


def test_worker_mode_leaves_sending_to_the_command(client, shop, allow_private, app):
    app.config["WEBHOOKS_SEND"] = "worker"
    with http_receiver() as receiver:
        endpoint = add_endpoint(shop, receiver.url())
        login_as(client, shop.asker)
        client.post(
            f"/companies/{shop.company.slug}/ask",
            data={"title": "How long is the warranty?", "body": "Two years?", "kind": "question"},
        )
        assert receiver.requests == []
        assert [d.state for d in deliveries(endpoint.id)] == ["pending"]
        result = CliRunner().invoke(webhooks_cli, ["send"], obj=None, catch_exceptions=False)
    assert "Delivered 1 webhook" in result.output
    assert "0 waiting" in result.output
    assert len(receiver.requests) == 1


def test_the_delivery_log_is_pruned_after_30_days(shop, allow_private):
    endpoint = add_endpoint(shop, "http://127.0.0.1:9/")
    for n in range(3):
        question_services.ask_question(
            shop.asker, shop.company, title=f"Question number {n} here", body=f"Hi {n}."
        )
    old, recent, pending = deliveries(endpoint.id)
    old.state = recent.state = DeliveryState.DELIVERED
    old.created_at = utcnow() - delivery.LOG_KEEP - timedelta(days=1)
    pending.created_at = old.created_at
    db.session.commit()
    assert delivery.prune_log() == 1
    assert [d.id for d in deliveries(endpoint.id)] == [recent.id, pending.id]


def test_the_readme_snippet_verifies_a_delivery(shop, allow_private):
    """The few lines README.md offers receivers accept a real delivery, refuse a forgery."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"```python\n(import base64.*?def verify.*?)```", readme, re.S).group(1)
    namespace: dict = {}
    exec(snippet, namespace)  # noqa: S102 - our own README's code
    with http_receiver() as receiver:
        endpoint = add_endpoint(shop, receiver.url())
        services.send_test_event(shop.boss, endpoint)
        delivery.deliver_pending()
    sent = receiver.requests[0]
    assert namespace["verify"](endpoint.secret, sent.headers, sent.body)
    assert not namespace["verify"](endpoint.secret, sent.headers, sent.body + b" ")


def test_a_status_the_question_takes_by_itself_is_sent_too(shop, allow_private):
    """An official answer marks a question answered: that change goes out as well."""
    endpoint = add_endpoint(shop, "http://127.0.0.1:9/", events=["question.status_changed"])
    question = make_question(shop.company, author=shop.asker)
    db.session.commit()
    answer_services.post_answer(shop.agent, question, body="Official: use the reset button.")
    [row] = deliveries(endpoint.id)
    body = json.loads(row.payload)
    assert body["data"]["question"]["status"] == "answered"
    assert body["data"]["previous_status"] == "open"
