"""Webhook endpoints (register, list, delete, send a test event) and the events themselves.

A company's admin staff (or a site admin) register HTTPS endpoints and choose events. The
services that ask, answer, set a status and merge call ``emit`` before their commit, so a
delivery is written to the outbox (``webhook_deliveries``) in the same transaction as the
event; ``app.webhooks.delivery`` sends it afterwards.

What goes out is what an anonymous reader of the API sees: the question and answer as the
API shows them to someone signed out, never private details, and nothing about a post that
is hidden (the event is not written, and a delivery whose post was hidden before it went
out is withheld).
"""

from __future__ import annotations

import base64
import json
import math
import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, has_request_context

from app import outgoing
from app.companies.models import Company
from app.db import MAX_ID, utcnow
from app.errors import Conflict, NotFound, RateLimited, ValidationError
from app.extensions import db
from app.i18n import _, ngettext
from app.pagination import Page, decode_cursor, encode_cursor
from app.policy import Permission, require
from app.webhooks.models import (
    EVENTS,
    TEST_EVENT,
    DeliveryState,
    WebhookDelivery,
    WebhookEndpoint,
)

# Endpoints one company may have (disabled ones count: delete those first).
ENDPOINTS_PER_COMPANY = 10
# "Send test event": per endpoint, within an hour.
TEST_EVENTS_PER_HOUR = 5
KEY_BYTES = 24
SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret

# Set in ``g`` once a request wrote a delivery: it is sent after the response.
SCHEDULED = "webhooks_scheduled"


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes it: ``whsec_`` + base64 of the key."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def new_message_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


# Endpoints ---------------------------------------------------------------------------------


def _clean_events(events: Any) -> list[str]:
    if isinstance(events, str):
        events = [events]
    if not isinstance(events, list | tuple) or not events:
        why = _("Choose at least one event.")
        raise ValidationError(why, fields={"events": why})
    chosen = []
    for event in events:
        if event not in EVENTS:
            why = _("Choose among %(events)s.", events=", ".join(EVENTS))
            raise ValidationError(why, fields={"events": why})
        if event not in chosen:
            chosen.append(event)
    return [event for event in EVENTS if event in chosen]


def _clean_url(url: Any) -> str:
    try:
        return outgoing.check_destination(url, current_app.config)
    except outgoing.OutgoingRefused as error:
        raise ValidationError(str(error), fields={"url": str(error)}) from error


def endpoint_problems(url: Any, events: Any) -> dict[str, str]:
    """What ``create_endpoint`` would refuse in each field (empty when nothing): for the API."""
    problems: dict[str, str] = {}
    for check, value in ((_clean_url, url), (_clean_events, events)):
        try:
            check(value)
        except ValidationError as error:
            problems.update(error.fields)
    return problems


def create_endpoint(user: Any, company: Company, *, url: Any, events: Any) -> WebhookEndpoint:
    """A company's admin staff (or a site admin) register an endpoint for some events.

    The URL is ``https://`` (``http://`` too with ``WEBHOOKS_ALLOW_PRIVATE``), at most 2,000
    characters, and its host resolves to public addresses only (checked again at every
    delivery); at least one of the four events is chosen. A company has at most
    ``ENDPOINTS_PER_COMPANY`` endpoints. The endpoint gets a new signing secret, which the
    caller shows once.
    """
    require(user, Permission.WEBHOOKS_MANAGE, company)
    problems = endpoint_problems(url, events)
    if problems:
        raise ValidationError(_("Please correct the marked fields."), fields=problems)
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(WebhookEndpoint)
        .where(WebhookEndpoint.company_id == company.id)
    )
    if count >= ENDPOINTS_PER_COMPANY:
        raise Conflict(
            ngettext(
                "%(company)s has %(num)s webhook endpoint, the most we allow. Delete it "
                "before adding another.",
                "%(company)s has %(num)s webhook endpoints, the most we allow. Delete one "
                "before adding another.",
                count,
                company=company.name,
            )
        )
    endpoint = WebhookEndpoint(
        company_id=company.id,
        url=_clean_url(url),
        events=",".join(_clean_events(events)),
        secret=new_secret(),
        created_by_id=user.id,
        created_at=utcnow(),
        disabled_reason="",
    )
    db.session.add(endpoint)
    db.session.commit()
    return endpoint


def list_endpoints(company_id: int) -> list[WebhookEndpoint]:
    """The company's endpoints, oldest first: one SELECT (at most ``ENDPOINTS_PER_COMPANY``)."""
    return list(
        db.session.scalars(
            sa.select(WebhookEndpoint)
            .where(WebhookEndpoint.company_id == company_id)
            .order_by(WebhookEndpoint.id)
        )
    )


def get_endpoint(company: Company, endpoint_id: int) -> WebhookEndpoint:
    """The company's endpoint with this id, or ``NotFound``."""
    endpoint = None
    if 0 < endpoint_id <= MAX_ID:
        endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.company_id != company.id:
        raise NotFound(_("There is no such webhook endpoint."))
    return endpoint


def delete_endpoint(user: Any, endpoint: WebhookEndpoint) -> None:
    """The company's admin staff (or a site admin) delete an endpoint, its log with it;
    what was still waiting to go to it is not sent."""
    require(user, Permission.WEBHOOKS_MANAGE, endpoint.company)
    db.session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.delete(endpoint)
    db.session.commit()


def enable_endpoint(user: Any, endpoint: WebhookEndpoint) -> bool:
    """The company's admin staff (or a site admin) turn a disabled endpoint back on, once
    they have mended it: events from now on go to it again, with its secret and log kept.
    What failed while it was off is not sent again. True when it was off."""
    require(user, Permission.WEBHOOKS_MANAGE, endpoint.company)
    if endpoint.is_active:
        return False
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    db.session.commit()
    return True


def send_test_event(user: Any, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a ``webhook.test`` delivery to the endpoint, signed like any other, whatever
    events it chose; at most ``TEST_EVENTS_PER_HOUR`` per endpoint in an hour. A disabled
    endpoint is refused (turn it back on first: ``enable_endpoint``)."""
    require(user, Permission.WEBHOOKS_MANAGE, endpoint.company)
    if not endpoint.is_active:
        raise Conflict(
            _(
                "This endpoint is disabled: its deliveries failed for three days. Turn it "
                "back on once it is mended."
            )
        )
    now = utcnow()
    recent = list(
        db.session.scalars(
            sa.select(WebhookDelivery.created_at)
            .where(
                WebhookDelivery.endpoint_id == endpoint.id,
                WebhookDelivery.event_type == TEST_EVENT,
                WebhookDelivery.created_at > now - timedelta(hours=1),
            )
            .order_by(WebhookDelivery.created_at)
            .limit(TEST_EVENTS_PER_HOUR)
        )
    )
    if len(recent) >= TEST_EVENTS_PER_HOUR:
        wait = math.ceil((recent[0] + timedelta(hours=1) - now).total_seconds())
        raise RateLimited(
            ngettext(
                "You sent %(sent)s test events to this endpoint within the hour, the most we "
                "allow. Try again in %(num)s minute.",
                "You sent %(sent)s test events to this endpoint within the hour, the most we "
                "allow. Try again in %(num)s minutes.",
                max(1, math.ceil(wait / 60)),
                sent=TEST_EVENTS_PER_HOUR,
            ),
            retry_after=wait,
        )
    body = {"type": TEST_EVENT, "timestamp": _iso(now), "data": {}}
    delivery = _queue(endpoint, TEST_EVENT, body, now=now)
    db.session.commit()
    return delivery


def delivery_log(endpoint: WebhookEndpoint, *, cursor: str | None, limit: int) -> Page:
    """A page of the endpoint's deliveries, newest first (keyset on id): one SELECT."""
    query = sa.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if cursor:
        _, before = decode_cursor(cursor, int)  # BadCursor for one we did not issue
        query = query.where(WebhookDelivery.id < before)
    rows = list(db.session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=encode_cursor(rows[-1].id, rows[-1].id) if more else None)


# Events ------------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _as_anonymous_reader(question: Any, answer: Any) -> dict[str, Any]:
    """The question (and answer) as the API shows them to someone signed out."""
    from app.api.schemas import AnswerSchema, QuestionSchema

    missing = object()
    viewer = g.get("api_user", missing) if has_request_context() else missing
    if has_request_context():
        g.api_user = None  # app.visibility.request_viewer: nobody signed in
    try:
        data: dict[str, Any] = {"question": QuestionSchema().dump(question)}
        if answer is not None:
            data["answer"] = AnswerSchema().dump(answer)
    finally:
        if has_request_context():
            if viewer is missing:
                g.pop("api_user", None)
            else:
                g.api_user = viewer
    return data


def _queue(
    endpoint: WebhookEndpoint,
    event: str,
    body: dict[str, Any],
    *,
    now: datetime,
    question_id: int | None = None,
    answer_id: int | None = None,
) -> WebhookDelivery:
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        event_type=event,
        message_id=new_message_id(),
        payload=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        question_id=question_id,
        answer_id=answer_id,
        state=DeliveryState.PENDING,
        created_at=now,
        send_after=now,
        last_error="",
    )
    db.session.add(delivery)
    _schedule_sending()
    return delivery


def emit(
    event: str,
    company_id: int,
    *,
    question: Any,
    answer: Any = None,
    extra: dict[str, Any] | None = None,
) -> int:
    """Write the event's deliveries, one per active endpoint of the company subscribed to
    it, into the caller's transaction; how many. Nothing for a hidden or merged question,
    or a hidden answer: what only moderators (or the author) can read never goes out.
    One SELECT when the company has no endpoint for the event."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    if question.hidden_at is not None or question.merged_into_id is not None:
        return 0
    if answer is not None and answer.hidden_at is not None:
        return 0
    endpoints = [
        endpoint
        for endpoint in db.session.scalars(
            sa.select(WebhookEndpoint).where(
                WebhookEndpoint.company_id == company_id,
                WebhookEndpoint.disabled_at.is_(None),
                WebhookEndpoint.events.contains(event),
            )
        )
        if event in endpoint.event_list
    ]
    if not endpoints:
        return 0
    db.session.flush()
    now = utcnow()
    data = _as_anonymous_reader(question, answer)
    data.update(extra or {})
    body = {"type": event, "timestamp": _iso(now), "data": data}
    for endpoint in endpoints:
        _queue(
            endpoint,
            event,
            body,
            now=now,
            question_id=question.id,
            answer_id=answer.id if answer is not None else None,
        )
    return len(endpoints)


def _schedule_sending() -> None:
    """In a request with ``WEBHOOKS_SEND=inline``: send the outbox once the response is out
    (the service has committed by then). Elsewhere the sender (``flask webhooks send``)
    does it."""
    if not has_request_context() or current_app.config["WEBHOOKS_SEND"] != "inline":
        return
    if g.get(SCHEDULED):
        return
    setattr(g, SCHEDULED, True)
    from app.mail import after_response
    from app.webhooks.delivery import send_after_request

    after_response(send_after_request)
