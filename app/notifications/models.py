"""Follows, notifications, e-mail preferences and the daily digests' ledger.

Other domains' tables are named by string (``"questions.id"``): questions, answers and
companies call into notifications, never the other way round.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, string_enum, utcnow
from app.extensions import db
from app.i18n import _, _l, ngettext

EVENT_KEY_MAX = 80
DETAIL_MAX = 60  # a status and a fixed-in version (40): "solved:4.2.1"


class NotificationKind(StrEnum):
    """What happened."""

    ANSWER = "answer"
    OFFICIAL_ANSWER = "official_answer"
    BEST_ANSWER = "best_answer"
    ENDORSED = "endorsed"
    HELPFUL = "helpful"
    STATUS_CHANGED = "status_changed"
    NEW_QUESTION = "new_question"
    CLAIM_DECISION = "claim_decision"
    STAFF_INVITATION = "staff_invitation"
    QUESTION_MERGED = "question_merged"
    # To the company's staff: a solved problem was reopened by "still broken" reports.
    STILL_BROKEN = "still_broken"
    # To a person who earned a badge (``detail`` is its code: app.reputation.badges).
    BADGE = "badge"
    # Issue 13: to the author of the post commented on and the question's followers.
    COMMENT = "comment"


class Category(StrEnum):
    """The groups of notifications a person chooses e-mail for (the settings page)."""

    MY_QUESTIONS = "my_questions"
    FOLLOWED_QUESTIONS = "followed_questions"
    MY_ANSWERS = "my_answers"
    STATUS_CHANGES = "status_changes"
    NEW_QUESTIONS = "new_questions"
    COMPANY = "company"

    @property
    def label(self) -> str:
        return str(CATEGORY_LABELS[self])  # in the reader's (or recipient's) language

    @property
    def emailed_separately(self) -> bool:
        """Claim decisions and invitations have e-mails of their own (app/companies), which
        carry the links to act on; their notifications are never e-mailed a second time."""
        return self is Category.COMPANY


CATEGORY_LABELS = {
    Category.MY_QUESTIONS: _l("Answers to questions I asked"),
    Category.FOLLOWED_QUESTIONS: _l("Answers to other questions I follow"),
    Category.MY_ANSWERS: _l("Activity on my answers (best answer, endorsed, helpful)"),
    Category.STATUS_CHANGES: _l("Status changes on questions I follow"),
    Category.NEW_QUESTIONS: _l("New questions about products and companies I follow"),
    Category.COMPANY: _l("My company claims and staff invitations"),
}


class EmailChoice(StrEnum):
    """When a category's notifications are e-mailed."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    OFF = "off"

    @property
    def label(self) -> str:
        return str(EMAIL_CHOICE_LABELS[self])


EMAIL_CHOICE_LABELS = {
    EmailChoice.IMMEDIATE: _l("Right away"),
    EmailChoice.DAILY: _l("In a daily digest"),
    EmailChoice.OFF: _l("Never"),
}

# What a person who never opened the settings page gets: answers to their own questions
# right away, the rest once a day (claims and invitations are e-mailed on their own).
DEFAULT_EMAIL: dict[Category, EmailChoice] = {
    Category.MY_QUESTIONS: EmailChoice.IMMEDIATE,
    Category.FOLLOWED_QUESTIONS: EmailChoice.DAILY,
    Category.MY_ANSWERS: EmailChoice.DAILY,
    Category.STATUS_CHANGES: EmailChoice.DAILY,
    Category.NEW_QUESTIONS: EmailChoice.DAILY,
    Category.COMPANY: EmailChoice.IMMEDIATE,
}


def _one_target() -> sa.CheckConstraint:
    present = " + ".join(
        f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
        for column in ("question_id", "product_id", "company_id")
    )
    return sa.CheckConstraint(f"{present} = 1", name="one_target")


class Follow(db.Model):
    """A user follows exactly one question, product or company.

    One row per user and target. The unique constraints lead with the target, so they
    also find a target's followers (the fan-out) with an index.
    """

    __tablename__ = "follows"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE")
    )
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"))
    company_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        _one_target(),
        sa.UniqueConstraint("question_id", "user_id"),
        sa.UniqueConstraint("product_id", "user_id"),
        sa.UniqueConstraint("company_id", "user_id"),
        sa.Index("ix_follows_user", "user_id", "created_at"),
    )


# Notifications still to be e-mailed, found by the mailer (immediate) and the digest (daily).
_EMAIL_DUE = "emailed_at IS NULL AND email IN ('immediate', 'daily')"


class Notification(db.Model):
    """Something that happened, for one recipient; made by ``services.notify``.

    ``email`` is what the recipient's preference said when it was made (immediate, daily or
    off); ``emailed_at`` is set in the transaction that writes its e-mail to the outbox.
    ``event_key`` names the event, so one event never notifies one person twice.
    ``count`` grows when more people find the same answer helpful before it is read.
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(
        string_enum(NotificationKind, "notification_kind")
    )
    category: Mapped[Category] = mapped_column(string_enum(Category, "notification_category"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE")
    )
    answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"))
    # The comment a ``comment`` notification is about (app/comments).
    comment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"))
    company_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE")
    )
    # The product a new question is about, when it is about one.
    product_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("products.id", ondelete="SET NULL")
    )
    count: Mapped[int] = mapped_column(default=1, server_default="1")
    # The new status (status_changed), approved/rejected (claim_decision), the role offered
    # (staff_invitation), the duplicate's id (question_merged); empty otherwise.
    detail: Mapped[str] = mapped_column(sa.String(DETAIL_MAX), default="", server_default="")
    event_key: Mapped[str] = mapped_column(sa.String(EVENT_KEY_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email: Mapped[EmailChoice] = mapped_column(string_enum(EmailChoice, "notification_email"))
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id])
    actor = relationship("User", foreign_keys=[actor_id])
    question = relationship("Question")
    company = relationship("Company")
    product = relationship("Product")

    __table_args__ = (
        # One event notifies one person once; led by the key, so the fan-out finds the rows
        # it just wrote (to count them as unread) with this index.
        sa.UniqueConstraint("event_key", "user_id"),
        # The notifications page: newest first, keyset on (created_at, id).
        sa.Index("ix_notifications_user_created", "user_id", "created_at", "id"),
        # Unread ones (helpful votes are grouped into an unread row; "mark all as read").
        sa.Index(
            "ix_notifications_unread",
            "user_id",
            "kind",
            "answer_id",
            postgresql_where=sa.text("read_at IS NULL"),
            sqlite_where=sa.text("read_at IS NULL"),
        ),
        # What the mailer and the digest still have to send.
        sa.Index(
            "ix_notifications_email_due",
            "email",
            "user_id",
            "id",
            postgresql_where=sa.text(_EMAIL_DUE),
            sqlite_where=sa.text(_EMAIL_DUE),
        ),
        sa.Index("ix_notifications_question", "question_id"),
        sa.Index("ix_notifications_answer", "answer_id"),
        sa.Index("ix_notifications_comment", "comment_id"),
        sa.CheckConstraint("count >= 1", name="count_positive"),
    )

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def sentence(self) -> str:
        """What happened, in one plain-text sentence (the page, the e-mails; escaped by
        the templates). Needs actor, question, company and product loaded
        (``queries.with_subjects``).

        Worded when it is read, never stored: the row keeps the facts (kind, actor, detail),
        so the page speaks its reader's language, and an e-mail its recipient's (the mailer
        renders it under the recipient's locale)."""
        actor = self.actor.label if self.actor is not None else _("Someone")
        title = (
            _("“%(title)s”", title=self.question.title)
            if self.question is not None
            else _("a question")
        )
        company = self.company.name if self.company is not None else _("The company")
        kind = self.kind
        if kind is NotificationKind.ANSWER:
            return _("%(actor)s answered %(title)s", actor=actor, title=title)
        if kind is NotificationKind.OFFICIAL_ANSWER:
            return _(
                "%(actor)s answered %(title)s officially for %(company)s",
                actor=actor,
                title=title,
                company=company,
            )
        if kind is NotificationKind.BEST_ANSWER:
            return _(
                "%(actor)s chose your answer to %(title)s as the best answer",
                actor=actor,
                title=title,
            )
        if kind is NotificationKind.ENDORSED:
            return _("%(company)s endorsed your answer to %(title)s", company=company, title=title)
        if kind is NotificationKind.HELPFUL:
            if self.count == 1:
                return _(
                    "%(actor)s found your answer to %(title)s helpful", actor=actor, title=title
                )
            return ngettext(
                "%(num)d person found your answer to %(title)s helpful",
                "%(num)d people found your answer to %(title)s helpful",
                self.count,
                title=title,
            )
        if kind is NotificationKind.COMMENT:
            if self.answer_id is not None:
                return _("%(actor)s commented on an answer to %(title)s", actor=actor, title=title)
            return _("%(actor)s commented on %(title)s", actor=actor, title=title)
        if kind is NotificationKind.STATUS_CHANGED:
            return self._status_sentence(company, title)
        if kind is NotificationKind.STILL_BROKEN:
            # ``detail``: "asker", or how many others reported it.
            if self.detail == "asker":
                return _(
                    "%(actor)s, who asked it, says %(title)s is still broken: reopened",
                    actor=actor,
                    title=title,
                )
            return _(
                "%(title)s is still broken for %(num)s people: reopened",
                title=title,
                num=self.detail,
            )
        if kind is NotificationKind.QUESTION_MERGED:
            return _(
                "%(actor)s merged a duplicate question into %(title)s: its answers are here now",
                actor=actor,
                title=title,
            )
        if kind is NotificationKind.NEW_QUESTION:
            about = self.product.name if self.product is not None else company
            return _(
                "%(actor)s asked about %(about)s: %(title)s", actor=actor, about=about, title=title
            )
        if kind is NotificationKind.BADGE:
            from app.reputation.badges import badge_sentence  # reputation builds on this

            return badge_sentence(self.detail)
        if kind is NotificationKind.CLAIM_DECISION:
            if self.detail == "approved":
                return _(
                    "Your claim on %(company)s is approved: you are its admin on Helpsquare now",
                    company=company,
                )
            return _(
                "Your claim on %(company)s was not approved (the e-mail we sent says why)",
                company=company,
            )
        if self.detail:
            return _(
                "%(actor)s invited you to join %(company)s's staff as %(role)s: "
                "open the link in the invitation e-mail to accept",
                actor=actor,
                company=company,
                role=self.detail,
            )
        return _(
            "%(actor)s invited you to join %(company)s's staff as staff member: "
            "open the link in the invitation e-mail to accept",
            actor=actor,
            company=company,
        )

    def _status_sentence(self, company: str, title: str) -> str:
        """ "Acme marked this problem solved in 4.2.1: “Sync stops”". ``detail`` is the
        status, and after a ":" the version it was fixed in."""
        from app.questions.models import Status  # questions build on notifications

        value, _sep, fixed_in = self.detail.partition(":")
        try:
            status = Status(value).label.lower()
        except ValueError:
            status = value.replace("_", " ")
        what = self.question.kind.label.lower() if self.question is not None else _("question")
        values = {"company": company, "what": what, "status": status, "title": title}
        if self.company is not None and self.company.is_claimed:
            if fixed_in:
                return _(
                    "%(company)s marked this %(what)s %(status)s in %(version)s: %(title)s",
                    version=fixed_in,
                    **values,
                )
            return _("%(company)s marked this %(what)s %(status)s: %(title)s", **values)
        if fixed_in:
            return _(
                "A Helpsquare moderator marked this %(what)s %(status)s in %(version)s: %(title)s",
                version=fixed_in,
                **values,
            )
        return _("A Helpsquare moderator marked this %(what)s %(status)s: %(title)s", **values)

    @property
    def target(self) -> tuple[str, dict[str, object]]:
        """Where the notification leads, as ``url_for`` arguments: the answer (its own
        address finds the page of answers that holds it), the question, or the company."""
        if self.kind is NotificationKind.BADGE:
            # The badges page, at the badge's rule.
            return "reputation.badges", {"_anchor": f"badge-{self.detail}"}
        if self.comment_id is not None:
            return "comments.show", {"comment_id": self.comment_id}
        if self.answer_id is not None:
            return "answers.show", {"answer_id": self.answer_id}
        if self.question is not None:
            values: dict[str, object] = {
                "question_id": self.question.id,
                "slug": self.question.slug,
            }
            if self.kind is NotificationKind.STATUS_CHANGED:
                values["_anchor"] = "question"
            return "questions.show", values
        if self.company is not None:
            return "companies.show", {"slug": self.company.slug}
        return "notifications.index", {}


class NotificationPreference(db.Model):
    """How one person wants one category e-mailed; no row means the default."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[Category] = mapped_column(
        string_enum(Category, "notification_preference_category"), primary_key=True
    )
    email: Mapped[EmailChoice] = mapped_column(
        string_enum(EmailChoice, "notification_preference_email")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationDigest(db.Model):
    """A daily digest that went to one person on one (UTC) day: at most one a day."""

    __tablename__ = "notification_digests"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notification_count: Mapped[int] = mapped_column(default=0, server_default="0")


class NotificationMailWindow(db.Model):
    """The notification e-mails one person was sent lately: at most
    ``NOTIFICATION_EMAILS_PER_HOUR`` in any hour (app/notifications/mailer.py).

    ``sent`` holds the times (ISO 8601, UTC) of the person's last that-many e-mails of
    notifications wanted right away, a summary counting as one. ``room_at`` is when the
    hour has room again: an hour after the oldest of them, once there are that many (null
    before). What became due before ``room_at`` has waited and goes out in one summary.
    The row is also what a sender locks while it serves the person, so two senders never
    e-mail one person at the same time.
    """

    __tablename__ = "notification_mail_windows"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    sent: Mapped[list[str]] = mapped_column(sa.JSON, server_default="[]")
    room_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PendingFanout(db.Model):
    """An event whose followers are too many to tell inside the request that caused it
    (more than ``services.FANOUT_INLINE_MAX``): written in that request's transaction, so
    it exists exactly when the change does, and told afterwards by ``services.run_fanouts``
    (the inline step after the request with ``MAIL_SEND=inline``, else ``flask notifications
    send``), taken like outbox messages (``app.mail.outbox.take_oldest``) and deleted once
    told. Telling twice tells nobody twice (``Notification.event_key``).
    """

    __tablename__ = "notification_fanouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The event's fields as JSON (``services.Event``).
    event: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
