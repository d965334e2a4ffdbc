"""/metrics: Prometheus text, to loopback or the bearer token; requests by URL rule and status;
the outboxes' backlog; the database pool; sums across the workers of one machine."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.db import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.notifications.models import Category, EmailChoice, Notification, NotificationKind
from app.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company, make_question, make_user

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-for-the-test"  # noqa: S105 - a test value
AFAR = {"REMOTE_ADDR": "203.0.113.7"}


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text page: (name, sorted labels) → value. Parsing it
    proves the format."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_url_rule_and_status(client):
    question = make_question(title="Where is the manual")
    db.session.commit()
    path = f"/questions/{question.id}/{question.slug}"
    before = samples(client.get("/metrics").get_data(as_text=True))

    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    assert client.get("/no/such/page").status_code == 404
    response = client.get("/metrics")

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    after = samples(text)
    rule = "/questions/<id:question_id>/<slug>"
    labels = {"method": "GET", "route": rule, "status": "200"}
    counted = "helpsquare_http_requests_total"
    assert value(after, counted, **labels) - value(before, counted, **labels) == 2
    timed = "helpsquare_http_request_duration_seconds_count"
    assert value(after, timed, **labels) - value(before, timed, **labels) == 2
    lost = {"method": "GET", "route": "<unmatched>", "status": "404"}
    assert value(after, counted, **lost) - value(before, counted, **lost) == 1
    assert question.slug not in text and "/no/such/page" not in text  # never a raw path


def test_the_outbox_backlog_and_its_oldest_age(client):
    now = utcnow()
    for minutes in (30, 5):
        db.session.add(
            OutboxMessage(
                to_address="someone@example.com",
                subject="Waiting",
                body_text="…",
                created_at=now - timedelta(minutes=minutes),
            )
        )
    db.session.add(
        OutboxMessage(
            to_address="someone@example.com",
            subject="Sent",
            body_text="…",
            created_at=now - timedelta(hours=5),
            sent_at=now - timedelta(hours=5),
        )
    )
    reader = make_user("reader")
    question = make_question(title="A question to follow")
    for email, key in ((EmailChoice.IMMEDIATE, "a"), (EmailChoice.DAILY, "b")):
        db.session.add(
            Notification(
                user_id=reader.id,
                kind=NotificationKind.ANSWER,
                category=Category.MY_QUESTIONS,
                question_id=question.id,
                event_key=key,
                email=email,
                created_at=now - timedelta(minutes=2),
            )
        )
    company = make_company("Hooked", slug="hooked")
    endpoint = WebhookEndpoint(
        company_id=company.id,
        url="https://93.184.215.14/",
        events="answer.created",
        secret="whsec_" + "A" * 32,
        created_at=now,
        disabled_reason="",
    )
    db.session.add(endpoint)
    db.session.flush()
    for n, (minutes, state) in enumerate(
        ((20, DeliveryState.PENDING), (60, DeliveryState.DELIVERED), (1, DeliveryState.PENDING))
    ):
        db.session.add(
            WebhookDelivery(
                endpoint_id=endpoint.id,
                event_type="answer.created",
                message_id=f"msg_metrics_{n}",
                payload="{}",
                state=state,
                created_at=now - timedelta(minutes=minutes),
                send_after=now,
                last_error="",
            )
        )
    db.session.commit()
    before = snapshot()

    found = samples(client.get("/metrics").get_data(as_text=True))

    assert value(found, "helpsquare_outbox_backlog", outbox="mail") == 2
    assert 30 * 60 <= value(found, "helpsquare_outbox_oldest_age_seconds", outbox="mail") < 40 * 60
    # The daily one waits for the digest: not the immediate sender's backlog.
    assert value(found, "helpsquare_outbox_backlog", outbox="notifications") == 1
    age = value(found, "helpsquare_outbox_oldest_age_seconds", outbox="notifications")
    assert 2 * 60 <= age < 10 * 60
    # Delivered ones are the log, not the backlog.
    assert value(found, "helpsquare_outbox_backlog", outbox="webhooks") == 2
    age = value(found, "helpsquare_outbox_oldest_age_seconds", outbox="webhooks")
    assert 20 * 60 <= age < 30 * 60
    assert snapshot() == before  # a GET writes nothing


def test_empty_outboxes_say_zero(client):
    found = samples(client.get("/metrics").get_data(as_text=True))

    for outbox in ("mail", "notifications", "webhooks"):
        assert ("helpsquare_outbox_backlog", (("outbox", outbox),)) in found
        assert value(found, "helpsquare_outbox_oldest_age_seconds", outbox=outbox) == 0


def test_the_database_pool_is_reported(client):
    found = samples(client.get("/metrics").get_data(as_text=True))

    # The test's own transaction holds a connection for the whole test.
    assert value(found, "helpsquare_db_pool_connections_in_use") >= 1
    assert value(found, "helpsquare_db_pool_connections_open") >= 1


def test_only_loopback_or_the_token_may_read_them(make_app):
    app = make_app(METRICS_TOKEN=TOKEN)
    client = app.test_client()

    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    afar = client.get("/metrics", environ_base=AFAR)
    assert afar.status_code == 401
    assert afar.headers["WWW-Authenticate"].startswith("Bearer")
    assert "helpsquare_" not in afar.get_data(as_text=True)
    wrong = {"Authorization": f"Bearer {TOKEN}x"}
    assert client.get("/metrics", environ_base=AFAR, headers=wrong).status_code == 401
    right = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/metrics", environ_base=AFAR, headers=right).status_code == 200
    # Through a proxy on this machine everyone seems to come from 127.0.0.1: not enough.
    proxied = {"X-Forwarded-For": "198.51.100.9"}
    assert client.get("/metrics", headers=proxied).status_code == 401


def test_without_a_token_configured_no_bearer_opens_them(client):
    response = client.get("/metrics", environ_base=AFAR, headers={"Authorization": "Bearer "})

    assert response.status_code == 401


def test_a_signed_in_browser_gets_no_cookie(client):
    login_as(client, make_user("watcher"))

    response = client.get("/metrics")

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


WORKER = textwrap.dedent(
    """
    import sys
    from app import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
    client = app.test_client()
    for _ in range(int(sys.argv[2])):
        assert client.get("/healthz").status_code == 200
    if sys.argv[3] == "scrape":
        from app.extensions import db

        with app.app_context():
            db.create_all()  # a scratch database: the outboxes' tables, empty
        print(client.get("/metrics").get_data(as_text=True))
    """
)


def _worker(tmp_path: Path, folder: Path, requests: int, scrape: bool = False) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", WORKER, f"sqlite:///{tmp_path / 'w.db'}", str(requests),
         "scrape" if scrape else "-"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout


@pytest.mark.timeout(120)
def test_the_workers_of_one_machine_add_up(tmp_path):
    """Three processes as gunicorn's workers would be (PROMETHEUS_MULTIPROC_DIR): whichever
    answers /metrics reports the requests of all of them."""
    folder = tmp_path / "prometheus"
    folder.mkdir()

    _worker(tmp_path, folder, 3)
    _worker(tmp_path, folder, 4)
    text = _worker(tmp_path, folder, 2, scrape=True)

    found = samples(text)
    labels = {"method": "GET", "route": "/healthz", "status": "200"}
    assert value(found, "helpsquare_http_requests_total", **labels) == 9
    assert value(found, "helpsquare_http_request_duration_seconds_count", **labels) == 9
    assert len(list(folder.glob("counter_*.db"))) == 3  # one file per process
    # Read once, not once per worker.
    assert ("helpsquare_outbox_backlog", (("outbox", "mail"),)) in found
