"""Notification e-mails: written to the outbox after the fact, never inside the request
that caused them, and at most once per notification.

- ``send_due``: notifications whose recipient wants them right away become one e-mail
  each, at most ``NOTIFICATION_EMAILS_PER_HOUR`` (10) to one person in any hour; past that
  the rest wait and go out together in ONE summary e-mail once the hour has room again.
  It runs right after a request that made notifications (MAIL_SEND=inline, bounded by
  ``INLINE_LIMIT`` people, before the outbox is sent in the same teardown) and from
  ``flask notifications send [--loop]``.
- ``send_digests``: for each person with daily notifications not yet e-mailed, one digest
  grouping them by question, at most one a day (``flask notifications digest``, from cron
  at any hour, as often as you like).

Each batch is claimed with a conditional ``UPDATE … SET emailed_at … WHERE emailed_at IS
NULL … RETURNING id`` in the transaction that writes the outbox rows, so two senders
running at once never e-mail one notification twice; the immediate sender also locks
each person's window row (``app.notifications.hourly_cap``), so two senders never serve
one person at once and the hourly cap holds.

Every e-mail carries absolute links, a link to the settings page and a signed one-click
unsubscribe link (also as RFC 8058 ``List-Unsubscribe`` and ``List-Unsubscribe-Post``
headers).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, url_for
from sqlalchemy.orm import joinedload

from app.db import insert_if_absent, utcnow
from app.extensions import db
from app.i18n import _l, in_language, lazy_ngettext
from app.mail import queue_message
from app.notifications import hourly_cap
from app.notifications.models import (
    Category,
    EmailChoice,
    Notification,
    NotificationDigest,
)
from app.notifications.queries import email_verified, notification_visible, with_subjects
from app.notifications.services import (
    CREATED_FLAG,
    DIGEST_SCOPE,
    IMMEDIATE_SCOPE,
    unsubscribe_token,
)

# People e-mailed right after one request: a request never drains a backlog.
INLINE_LIMIT = 20
# How many of a summary's notifications it lists with their links (the rest are counted,
# and all of them are on the notifications page).
SUMMARY_LIST_MAX = 50
SUBJECT_MAX = 250
# The same words as the partial index ix_notifications_email_due, so both databases use it.
_EMAIL_DUE = sa.text("emailed_at IS NULL AND email IN ('immediate', 'daily')")


def email_due() -> list[sa.ColumnElement[bool]]:
    """Notifications still to be e-mailed that their recipient may still see: what every
    sender here claims, and what the immediate sender picks its people by. Only verified
    addresses are mailed: a recipient who has not verified is never picked, so waiting
    notifications of theirs cannot crowd out everyone else's."""
    return [
        _EMAIL_DUE,
        notification_visible(Notification.user_id),
        email_verified(Notification.user_id),
    ]


def _claim(where: Iterable[sa.ColumnElement[bool]], limit: int | None = None) -> list[int]:
    """Mark due notifications as e-mailed now and return their ids, oldest first.

    Conditional on ``emailed_at IS NULL`` (checked again after any lock wait), so of two
    senders each notification goes to exactly one. Only notifications their recipient
    may still see, at a verified address, are taken.
    """
    table = Notification.__table__
    conditions = [*where, *email_due()]
    # Not correlated with the UPDATE's own table: a subquery of its own rows.
    due = sa.select(Notification.id).where(*conditions).order_by(Notification.id).correlate(None)
    if limit is not None:
        due = due.limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = db.session.execute(
        sa.update(table)
        .where(table.c.id.in_(due), table.c.emailed_at.is_(None))
        .values(emailed_at=utcnow())
        .returning(table.c.id)
    ).scalars()
    return sorted(ids)


def _load(ids: list[int]) -> list[Notification]:
    """The claimed notifications with their recipient and what they name (one SELECT)."""
    if not ids:
        return []
    query = with_subjects(sa.select(Notification)).options(joinedload(Notification.user))
    rows = db.session.execute(query.where(Notification.id.in_(ids))).scalars().unique()
    return sorted(rows, key=lambda n: n.id)


def _headers(unsubscribe: str) -> dict[str, str]:
    """RFC 8058: mail clients show "Unsubscribe" and POST to the link, one click."""
    return {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _unsubscribe_url(user_id: int, scope: Category | str) -> str:
    return url_for(
        "notifications.unsubscribe", token=unsubscribe_token(user_id, scope), _external=True
    )


def link_of(notification: Notification) -> str:
    """The absolute link an e-mail gives for a notification."""
    endpoint, values = notification.target
    return url_for(endpoint, _external=True, **values)


def _subject(text: str) -> str:
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1].rstrip() + "…"


# Why the recipient gets the e-mail (lazy: worded in the locale the e-mail is rendered in).
REASONS = {
    Category.MY_QUESTIONS: _l("you asked this question"),
    Category.FOLLOWED_QUESTIONS: _l("you follow this question"),
    Category.MY_ANSWERS: _l("it is about your answer"),
    Category.STATUS_CHANGES: _l("you follow this question"),
    Category.NEW_QUESTIONS: _l("you follow this product or company"),
    Category.COMPANY: _l("it is about your company"),
}


def send_due(limit: int = 100) -> int:
    """Write the e-mails of notifications wanted right away, for up to ``limit`` people;
    how many e-mails.

    Each notification is an e-mail of its own while its recipient was sent fewer than
    ``NOTIFICATION_EMAILS_PER_HOUR`` in the last hour (a summary counts as one); the oldest
    fill what room there is. The rest wait, never lost: once the hour has room again,
    everything that waited goes out as ONE summary e-mail (a lone one as itself). People
    whose hour is full are not even looked at until it has room. One transaction with the
    ``emailed_at`` marks and the people's windows.
    """
    cap = current_app.config["NOTIFICATION_EMAILS_PER_HOUR"]
    now = utcnow()
    hourly_cap.open_windows(email_due())
    db.session.commit()
    windows = hourly_cap.take_windows(now, limit, email_due())
    due = hourly_cap.due_of([w.user_id for w in windows], email_due(), per_person=cap + 1)
    single_ids: list[int] = []
    summarized: list[int] = []
    for window in windows:
        waiting = due.get(window.user_id, [])
        if window.waited(waiting) and len(waiting) > 1:
            summarized.append(window.user_id)
        else:
            single_ids.extend(
                notification_id for notification_id, _ in waiting[: window.room(now, cap)]
            )
    singles = _load(_claim([Notification.id.in_(single_ids)])) if single_ids else []
    _email_each(singles)
    sent = Counter(notification.user_id for notification in singles)
    for user_id in summarized:
        ids = _claim([Notification.user_id == user_id, Notification.email == EmailChoice.IMMEDIATE])
        if len(ids) == 1:  # the others were hidden meanwhile: no summary of one
            _email_each(_load(ids))
        elif ids:
            _email_summary(_load(ids[:SUMMARY_LIST_MAX]), total=len(ids), per_hour=cap)
        sent[user_id] += 1 if ids else 0
    hourly_cap.record_sent(windows, sent, now, cap)
    db.session.commit()
    return sum(sent.values())


def _email_each(notifications: list[Notification]) -> None:
    """One e-mail per notification, each in its recipient's language."""
    settings = url_for("notifications.settings", _external=True)
    for notification in notifications:
        unsubscribe = _unsubscribe_url(notification.user_id, notification.category)
        language = notification.user.email_language
        with in_language(language):  # the sentence and subject too, not only the body
            sentence = notification.sentence
            queue_message(
                notification.user.email,
                _subject(sentence),
                "notification",
                headers=_headers(unsubscribe),
                language=language,
                user=notification.user,
                sentence=sentence,
                link=link_of(notification),
                reason=REASONS[notification.category],
                category=notification.category,
                settings_link=settings,
                unsubscribe_link=unsubscribe,
            )


def _email_summary(listed: list[Notification], *, total: int, per_hour: int) -> None:
    """One e-mail for everything that waited for the hour to have room: what happened,
    each with its link (the first ``SUMMARY_LIST_MAX``), and how many more; in the
    recipient's language."""
    user = listed[0].user
    categories = sorted({n.category for n in listed}, key=list(Category).index)
    unsubscribe = _unsubscribe_url(user.id, IMMEDIATE_SCOPE)
    queue_message(
        user.email,
        lazy_ngettext(
            "%(num)d more thing happened on Helpsquare",
            "%(num)d more things happened on Helpsquare",
            total,
        ),
        "notification_summary",
        headers=_headers(unsubscribe),
        language=user.email_language,
        user=user,
        total=total,
        items=[(notification, link_of(notification)) for notification in listed],
        more=total - len(listed),
        per_hour=per_hour,
        notifications_link=url_for("notifications.index", _external=True),
        settings_link=url_for("notifications.settings", _external=True),
        unsubscribe_link=unsubscribe,
        category_links=[(c, _unsubscribe_url(user.id, c)) for c in categories],
    )


def send_due_after_request() -> None:
    """The inline step (``app.mail.add_inline_step``): after a request that made
    notifications, e-mail a bounded number of the immediate ones."""
    if not g.pop(CREATED_FLAG, False):
        return
    db.session.rollback()  # only what the request committed
    send_due(INLINE_LIMIT)


@dataclass
class DigestSection:
    """The digest's notifications about one question (or about no question)."""

    title: str
    link: str | None
    items: list[tuple[Notification, str]]


def _sections(notifications: list[Notification]) -> list[DigestSection]:
    """Group by question, in the order each question first appears; the rest last."""
    by_question: dict[int | None, DigestSection] = {}
    for notification in notifications:
        question = notification.question
        key = question.id if question is not None else None
        if key not in by_question:
            if question is not None:
                link = url_for(
                    "questions.show", question_id=question.id, slug=question.slug, _external=True
                )
                by_question[key] = DigestSection(question.title, link, [])
            else:
                by_question[key] = DigestSection(_l("Your companies"), None, [])
        by_question[key].items.append((notification, link_of(notification)))
    other = by_question.pop(None, None)
    return [*by_question.values(), *([other] if other else [])]


def _digest_for(user_id: int, day: Any) -> bool:
    """One user's digest for ``day``, in one transaction; False when there is none to send
    (already sent today, or nothing left to send)."""
    now = utcnow()
    if not insert_if_absent(
        db.session,
        NotificationDigest.__table__,
        {"user_id": user_id, "day": day, "created_at": now, "notification_count": 0},
    ):
        db.session.rollback()
        return False
    notifications = _load(
        _claim([Notification.user_id == user_id, Notification.email == EmailChoice.DAILY])
    )
    if not notifications:
        db.session.rollback()  # no digest row either: a later run may still send one
        return False
    notifications.sort(key=lambda n: (n.created_at, n.id))
    digests = NotificationDigest.__table__
    db.session.execute(
        sa.update(digests)
        .where(digests.c.user_id == user_id, digests.c.day == day)
        .values(notification_count=len(notifications))
    )
    user = notifications[0].user
    unsubscribe = _unsubscribe_url(user_id, DIGEST_SCOPE)
    categories = sorted({n.category for n in notifications}, key=list(Category).index)
    count = len(notifications)
    queue_message(
        user.email,
        lazy_ngettext(
            "Your Helpsquare digest: %(num)d update",
            "Your Helpsquare digest: %(num)d updates",
            count,
        ),
        "notification_digest",
        headers=_headers(unsubscribe),
        language=user.email_language,
        user=user,
        count=count,
        sections=_sections(notifications),
        settings_link=url_for("notifications.settings", _external=True),
        unsubscribe_link=unsubscribe,
        category_links=[(c, _unsubscribe_url(user_id, c)) for c in categories],
    )
    db.session.commit()
    return True


def send_digests(limit: int | None = None) -> int:
    """Write today's digest for everyone with daily notifications not yet e-mailed; how many.

    At most one digest per person per UTC day (a ``notification_digests`` row, written
    with the outbox row and the ``emailed_at`` marks): safe to run at any hour, twice, or
    from two machines at once. What arrives after today's digest waits for tomorrow's.
    """
    day = utcnow().date()
    digests = NotificationDigest.__table__
    waiting = (
        sa.select(Notification.user_id)
        .where(
            Notification.email == EmailChoice.DAILY,
            _EMAIL_DUE,
            email_verified(Notification.user_id),
        )
        .where(~sa.exists().where(digests.c.user_id == Notification.user_id, digests.c.day == day))
        .distinct()
        .order_by(Notification.user_id)
    )
    if limit is not None:
        waiting = waiting.limit(limit)
    user_ids = list(db.session.execute(waiting).scalars())
    # SQLite: end the read before writing (a read that turns into a write can deadlock).
    db.session.commit()
    return sum(1 for user_id in user_ids if _digest_for(user_id, day))


__all__ = [
    "INLINE_LIMIT",
    "email_due",
    "link_of",
    "send_digests",
    "send_due",
    "send_due_after_request",
]
