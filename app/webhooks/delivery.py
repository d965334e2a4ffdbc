"""The webhook sender: delivers the outbox the services wrote, signed, with retries.

Like the mail outbox (``app.mail.outbox``), deliveries are taken one at a time, oldest
first, each finished with its own commit; several senders may run at once:

- on PostgreSQL a sender locks the row it takes with ``SELECT … FOR UPDATE SKIP LOCKED``
  and keeps the lock until its commit; the others skip that row;
- on SQLite a sender takes a row with a conditional ``UPDATE`` that moves its
  ``send_after`` a lease ahead, and commits before sending.

Each request is signed as the Standard Webhooks specification says: headers
``webhook-id`` (the same on every attempt), ``webhook-timestamp`` (seconds, this attempt)
and ``webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`` keyed with
the base64-decoded part of the endpoint's ``whsec_`` secret. It goes through
``app.outgoing.fetch``: public addresses only, 5 s timeout, no redirects.

An answer 2xx is a success; anything else (another status, a redirect, a timeout, a refused
address) is a failure, retried with exponential backoff (30 s, doubling, at most 12 hours
apart) for three days from the event. A delivery still failing after that fails for good:
its endpoint is disabled and the company's admins are e-mailed.

Before sending, the delivery's post is looked at again: if it was hidden (or deleted)
meanwhile, the delivery is withheld, never sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import httpx
import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import LazyString, force_locale
from sqlalchemy import orm

from app import outgoing
from app.answers.models import Answer
from app.companies.models import Membership, StaffRole
from app.db import utcnow
from app.extensions import db
from app.i18n import _l
from app.mail.outbox import take_oldest
from app.questions.models import Question
from app.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint

log = logging.getLogger("app.webhooks")

RETRY_FIRST = timedelta(seconds=30)
RETRY_LONGEST = timedelta(hours=12)
# Retried for this long from the event; then the endpoint is disabled.
RETRY_FOR = timedelta(days=3)
LEASE = timedelta(minutes=5)
ERROR_MAX = 2000
# Deliveries the inline sender makes after one request: a request never drains a backlog.
INLINE_LIMIT = 10
# The delivery log keeps finished deliveries this long (``flask webhooks prune``).
LOG_KEEP = timedelta(days=30)
DISABLED_SUBJECT = _l("A webhook endpoint on Helpsquare was disabled")

# The log's sentences. A sender has no reader (it runs in a worker, or after somebody's
# request) and the API reports them as written, so they are stored in English
# (``_english``); the log page says each again in its reader's language (``shown``).
NOT_SENT = _l("Not sent: %(why)s")
ANSWERED = _l("The endpoint answered %(status)s.")
POST_GONE = _l("Not sent: its post was hidden or deleted before it went out.")
ENDPOINT_DISABLED = _l("Not sent: the endpoint was disabled.")
FAILED_FOR_DAYS = _l("Deliveries failed for three days; the last: %(error)s")
# The whole sentences first: "Not sent: %(why)s" would read POST_GONE as a reason.
LOG_SENTENCES = (
    POST_GONE,
    ENDPOINT_DISABLED,
    ANSWERED,
    FAILED_FOR_DAYS,
    NOT_SENT,
    *outgoing.REFUSALS,
)


def _english(sentence: LazyString, **values: Any) -> str:
    """A log sentence as it is stored: in English, whoever's request it follows."""
    with force_locale("en"):
        template = str(sentence)
    return template % values if values else template


def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression reading a sentence written from ``template``: each
    ``%(name)s`` is a group of that name."""
    parts = re.split(r"%\((\w+)\)s", template)
    pattern = "".join(
        f"(?P<{part}>.*?)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(pattern, re.DOTALL)


@cache
def _sentences() -> tuple[tuple[LazyString, re.Pattern[str]], ...]:
    """Each log sentence with the pattern of its English form (made once: English is the
    catalogue's own text, the same in every request)."""
    with force_locale("en"):
        return tuple((sentence, _pattern(str(sentence))) for sentence in LOG_SENTENCES)


def shown(text: str) -> str:
    """A stored log sentence in the reader's language: the sentence whose English it is,
    said again with the same values (a value that is a sentence of its own, like the reason
    in "Not sent: …", is said again too). Anything else (an HTTP library's own words) is
    shown as it was stored."""
    if not text:
        return text
    for sentence, pattern in _sentences():
        found = pattern.fullmatch(text)
        if found:
            values = {name: shown(value) for name, value in found.groupdict().items()}
            template = str(sentence)
            return template % values if values else template
    return text


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    withheld: int = 0
    disabled: int = 0


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value for one attempt (Standard Webhooks)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 30 s, doubling, at most
    12 hours."""
    return min(RETRY_FIRST * 2 ** min(max(attempts - 1, 0), 20), RETRY_LONGEST)


def _ready(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        WebhookDelivery.state == DeliveryState.PENDING,
        WebhookDelivery.send_after <= now,
        WebhookDelivery.endpoint_id.in_(
            sa.select(WebhookEndpoint.id).where(WebhookEndpoint.disabled_at.is_(None))
        ),
    )


def _take_next(session: orm.Session, *, locked: bool) -> WebhookDelivery | None:
    """The oldest delivery ready to go that no other sender holds, now held by us."""
    return take_oldest(session, WebhookDelivery, _ready, lease=LEASE, locked=locked)


def _still_shown(session: orm.Session, delivery: WebhookDelivery) -> bool:
    """Whether the delivery's question (and answer) may still go out: not hidden, not
    deleted. A test event is about nothing."""
    if delivery.question_id is not None:
        hidden = session.scalar(
            sa.select(Question.hidden_at.is_not(None)).where(Question.id == delivery.question_id)
        )
        if hidden is None or hidden:
            return False
    if delivery.answer_id is not None:
        hidden = session.scalar(
            sa.select(Answer.hidden_at.is_not(None)).where(Answer.id == delivery.answer_id)
        )
        if hidden is None or hidden:
            return False
    return True


def _finish(session: orm.Session, delivery_id: int, **values: Any) -> None:
    session.execute(
        sa.update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(**values),
        execution_options={"synchronize_session": False},
    )
    session.commit()


def _attempt(endpoint: WebhookEndpoint, delivery: WebhookDelivery, config: Mapping[str, Any]):
    """Send once: (the HTTP status or None, the error text or "")."""
    body = delivery.payload.encode("utf-8")
    timestamp = int(utcnow().timestamp())
    headers = {
        "content-type": "application/json",
        "user-agent": "Helpsquare-Webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(endpoint.secret, delivery.message_id, timestamp, body),
    }
    try:
        answer = outgoing.fetch("POST", endpoint.url, config, content=body, headers=headers)
    except outgoing.OutgoingRefused as error:
        return None, _english(NOT_SENT, why=str(error))
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if 200 <= answer.status_code < 300:
        return answer.status_code, ""
    return answer.status_code, _english(ANSWERED, status=answer.status_code)


def _deliver(
    session: orm.Session, delivery: WebhookDelivery, config: Mapping[str, Any], *, locked: bool
) -> str:
    """Deliver one delivery we hold and commit the result: its new state."""
    delivery_id, attempts, created_at = delivery.id, delivery.attempts, delivery.created_at
    endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
    if endpoint is None or not _still_shown(session, delivery):
        _finish(
            session,
            delivery_id,
            state=DeliveryState.WITHHELD,
            finished_at=utcnow(),
            last_error=_english(POST_GONE),
        )
        return DeliveryState.WITHHELD
    if not locked:
        session.commit()  # SQLite: the lease keeps it ours; let other writers in meanwhile
    with force_locale("en"):  # a refusal from ``outgoing`` is stored in English too
        status, error = _attempt(endpoint, delivery, config)
    now = utcnow()
    attempts += 1
    common = {
        "attempts": attempts,
        "last_attempt_at": now,
        "response_status": status,
        "last_error": error[:ERROR_MAX],
    }
    if not error:
        _finish(session, delivery_id, state=DeliveryState.DELIVERED, finished_at=now, **common)
        return DeliveryState.DELIVERED
    deadline = created_at + RETRY_FOR
    if now >= deadline:
        _finish(session, delivery_id, state=DeliveryState.FAILED, finished_at=now, **common)
        _disable(session, endpoint.id, error)
        return DeliveryState.FAILED
    next_try = min(now + retry_delay(attempts), deadline)
    _finish(session, delivery_id, send_after=next_try, **common)
    log.warning(
        "webhook delivery %s to endpoint %s failed (attempt %s), retried at %s: %s",
        delivery_id,
        endpoint.id,
        attempts,
        next_try.isoformat(),
        error,
    )
    return DeliveryState.PENDING


def _disable(session: orm.Session, endpoint_id: int, error: str) -> None:
    """Disable the endpoint (once) and e-mail the company's admins, in one commit."""
    from app.mail import queue_message

    now = utcnow()
    reason = _english(FAILED_FOR_DAYS, error=error)[:500]
    changed = session.execute(
        sa.update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.disabled_at.is_(None))
        .values(disabled_at=now, disabled_reason=reason),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    if changed != 1:
        session.commit()
        return
    # What still waited for it will not go: the log says so.
    session.execute(
        sa.update(WebhookDelivery)
        .where(
            WebhookDelivery.endpoint_id == endpoint_id,
            WebhookDelivery.state == DeliveryState.PENDING,
        )
        .values(
            state=DeliveryState.FAILED,
            finished_at=now,
            last_error=_english(ENDPOINT_DISABLED),
        ),
        execution_options={"synchronize_session": False},
    )
    endpoint = session.get(WebhookEndpoint, endpoint_id, populate_existing=True)
    company = endpoint.company
    admins = session.scalars(
        sa.select(Membership)
        .options(orm.joinedload(Membership.user))
        .where(
            Membership.company_id == company.id,
            Membership.role == StaffRole.ADMIN,
            Membership.revoked_at.is_(None),
        )
    ).all()
    link = url_for("webhooks.log", slug=company.slug, endpoint_id=endpoint.id, _external=True)
    for membership in admins:
        queue_message(
            membership.user.email,
            DISABLED_SUBJECT,
            "webhook_disabled",
            language=membership.user.email_language,
            user=membership.user,
            company=company,
            endpoint=endpoint,
            reason=reason,
            link=link,
        )
    session.commit()
    log.error("webhook endpoint %s disabled: %s", endpoint_id, reason)


def deliver_pending(
    limit: int = 100,
    *,
    session: orm.Session | None = None,
    config: Mapping[str, Any] | None = None,
    stop: Callable[[], bool] | None = None,
) -> Outcome:
    """Deliver up to ``limit`` deliveries that are due, oldest first, one commit each.
    One failing endpoint does not stop the run: the others still get theirs."""
    session = session if session is not None else db.session
    config = config if config is not None else current_app.config
    locked = session.get_bind().dialect.name == "postgresql"
    outcome = Outcome()
    done = 0
    while done < limit and not (stop and stop()):
        delivery = _take_next(session, locked=locked)
        if delivery is None:
            break
        done += 1
        state = _deliver(session, delivery, config, locked=locked)
        if state == DeliveryState.DELIVERED:
            outcome.sent += 1
        elif state == DeliveryState.WITHHELD:
            outcome.withheld += 1
        else:
            outcome.failed += 1
            outcome.disabled += state == DeliveryState.FAILED
    return outcome


def send_after_request() -> None:
    """``WEBHOOKS_SEND=inline``: after the response of a request that wrote deliveries."""
    try:
        deliver_pending(INLINE_LIMIT)
    except Exception:
        log.exception("webhooks could not be sent after the request; they wait for the next")
        db.session.rollback()


def prune_log(session: orm.Session | None = None) -> int:
    """Delete finished deliveries older than ``LOG_KEEP`` (30 days); how many."""
    session = session if session is not None else db.session
    count = session.execute(
        sa.delete(WebhookDelivery).where(
            WebhookDelivery.state != DeliveryState.PENDING,
            WebhookDelivery.created_at < utcnow() - LOG_KEEP,
        ),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    session.commit()
    return count


def backlog(session: orm.Session | None = None) -> int:
    """Deliveries waiting to go out (for operators and metrics)."""
    session = session if session is not None else db.session
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(WebhookDelivery)
        .where(WebhookDelivery.state == DeliveryState.PENDING)
    )
