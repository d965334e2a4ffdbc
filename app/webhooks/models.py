"""Webhook endpoints a company admin registers, and the outbox of their deliveries."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.i18n import _l

URL_MAX = 2000
EVENTS_MAX = 200
SECRET_MAX = 100
EVENT_TYPE_MAX = 40
MESSAGE_ID_MAX = 40
REASON_MAX = 500

# The events an endpoint may subscribe to (api.md Part 2), in the order the pages list them.
EVENTS = ("question.created", "answer.created", "question.status_changed", "question.merged")
EVENT_LABELS = {
    "question.created": _l("A question is asked"),
    "answer.created": _l("A question is answered"),
    "question.status_changed": _l("A question's status changes"),
    "question.merged": _l("A duplicate is merged into a question"),
}
# What "send test event" sends, whatever the endpoint subscribed to.
TEST_EVENT = "webhook.test"


class DeliveryState:
    PENDING = "pending"
    DELIVERED = "delivered"
    # Retried for three days without success; the endpoint was disabled.
    FAILED = "failed"
    # Not sent: its question or answer was hidden (or deleted) before it went out.
    WITHHELD = "withheld"

    ALL = (PENDING, DELIVERED, FAILED, WITHHELD)


# What the delivery log calls each state (the stored value is the code the API reports).
STATE_LABELS = {
    DeliveryState.PENDING: _l("pending"),
    DeliveryState.DELIVERED: _l("delivered"),
    DeliveryState.FAILED: _l("failed"),
    DeliveryState.WITHHELD: _l("withheld"),
}


class WebhookEndpoint(db.Model):
    """An HTTPS address that receives a company's events, signed with its secret."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(sa.String(URL_MAX))
    # The subscribed events, comma-separated, each one of ``EVENTS``.
    events: Mapped[str] = mapped_column(sa.String(EVENTS_MAX))
    # ``whsec_`` + base64 of the key (Standard Webhooks). Kept to sign; shown once.
    secret: Mapped[str] = mapped_column(sa.String(SECRET_MAX))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a delivery failed for three days: nothing more is sent to it.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_reason: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="")

    company = relationship("Company")

    __table_args__ = (sa.Index("ix_webhook_endpoints_company", "company_id", "id"),)

    @property
    def event_list(self) -> list[str]:
        return [event for event in self.events.split(",") if event]

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None


class WebhookDelivery(db.Model):
    """One event for one endpoint: written in the transaction of the change that caused it,
    sent afterwards, retried with backoff; its row is the endpoint's delivery log."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    event_type: Mapped[str] = mapped_column(sa.String(EVENT_TYPE_MAX))
    # ``webhook-id``: the same on every attempt, so a receiver can drop a repeat.
    message_id: Mapped[str] = mapped_column(sa.String(MESSAGE_ID_MAX), unique=True)
    # The JSON body, as signed and sent.
    payload: Mapped[str] = mapped_column(sa.Text)
    # What the event is about: checked again before sending (a hidden post's events stay).
    # Plain ids, not foreign keys: a deleted post leaves its log rows behind.
    question_id: Mapped[int | None] = mapped_column()
    answer_id: Mapped[int | None] = mapped_column()
    state: Mapped[str] = mapped_column(sa.String(16), default=DeliveryState.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The HTTP status of the last answer (None: no answer, see last_error).
    response_status: Mapped[int | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint = relationship("WebhookEndpoint")

    __table_args__ = (
        sa.Index("ix_webhook_deliveries_pending", "state", "send_after", "id"),
        sa.Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
        sa.CheckConstraint(
            "state IN ('pending', 'delivered', 'failed', 'withheld')", name="state_known"
        ),
    )
