"""Notification writes: follows, the fan-out of events, reading, preferences, unsubscribing.

``notify(event)`` is the one function other domains call, in their own transaction and
before their commit (it never commits). It writes every recipient's notification with
ONE ``INSERT … SELECT`` over the followers (the recipient's e-mail preference worked out
in the same SELECT) and bumps their unread counters with ONE ``UPDATE``, so a question
with 10,000 followers costs its answerer two statements, not 10,000 objects.

Other domains' tables are named by string: this module imports no questions, answers or
companies code, so their services may call it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import g, has_app_context, has_request_context
from sqlalchemy.orm.attributes import set_committed_value

from app.db import insert_if_absent, utcnow
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.i18n import _
from app.notifications.models import (
    DEFAULT_EMAIL,
    Category,
    EmailChoice,
    Follow,
    Notification,
    NotificationKind,
    NotificationPreference,
    PendingFanout,
)
from app.notifications.queries import (
    answer_listed_id,
    comment_listed_id,
    email_verified,
    preferences_of,
    question_visible,
)
from app.policy import Permission, require
from app.tokens import InvalidToken, Purpose, make_token, read_token

# Who hears about what, and where each kind is filed for e-mail preferences.
_QUESTION_FOLLOWERS = frozenset(
    {
        NotificationKind.ANSWER,
        NotificationKind.OFFICIAL_ANSWER,
        NotificationKind.STATUS_CHANGED,
        # Sent about the original, once its followers include the duplicate's.
        NotificationKind.QUESTION_MERGED,
    }
)
_CATEGORY: dict[NotificationKind, Category] = {
    # Answers are filed by the recipient: their own question, or one they follow.
    NotificationKind.ANSWER: Category.FOLLOWED_QUESTIONS,
    NotificationKind.OFFICIAL_ANSWER: Category.FOLLOWED_QUESTIONS,
    NotificationKind.BEST_ANSWER: Category.MY_ANSWERS,
    NotificationKind.ENDORSED: Category.MY_ANSWERS,
    NotificationKind.HELPFUL: Category.MY_ANSWERS,
    NotificationKind.STATUS_CHANGED: Category.STATUS_CHANGES,
    # A merge brings the duplicate's answers to the original.
    NotificationKind.QUESTION_MERGED: Category.FOLLOWED_QUESTIONS,
    # The staff hear that a problem they solved is broken still.
    NotificationKind.STILL_BROKEN: Category.STATUS_CHANGES,
    NotificationKind.NEW_QUESTION: Category.NEW_QUESTIONS,
    NotificationKind.CLAIM_DECISION: Category.COMPANY,
    NotificationKind.STAFF_INVITATION: Category.COMPANY,
    # Earned by answering (app.reputation.badges); never e-mailed (``_IN_APP_ONLY``).
    NotificationKind.BADGE: Category.MY_ANSWERS,
    # Filed by the recipient like answers (``_comment_category``); this is the default.
    NotificationKind.COMMENT: Category.FOLLOWED_QUESTIONS,
}
# Events told to followers, whose number has no bound: past this many, told after the commit.
_FOLLOWER_KINDS = _QUESTION_FOLLOWERS | {NotificationKind.NEW_QUESTION}
FANOUT_INLINE_MAX = 1000
# Set in ``g`` when a request deferred a fan-out (``app.notifications.fanout`` tells it).
FANOUTS_QUEUED = "notification_fanouts_queued"
_ANSWER_KINDS = frozenset({NotificationKind.ANSWER, NotificationKind.OFFICIAL_ANSWER})
# Told on the notifications page (the bell) and never e-mailed: a badge is good news, not
# worth an e-mail (and at most one per badge per person).
_IN_APP_ONLY = frozenset({NotificationKind.BADGE})

# Set in ``g`` when a request made notifications: the mailer's after-request step then
# e-mails the immediate ones (app.notifications.mailer).
CREATED_FLAG = "notifications_created"
# The unsubscribe link of a daily digest: every category e-mailed daily, at once.
DIGEST_SCOPE = "digest"
# The unsubscribe link of a summary (the hourly cap's): every category e-mailed right away.
IMMEDIATE_SCOPE = "immediate"
_SCOPE_CHOICES = {DIGEST_SCOPE: EmailChoice.DAILY, IMMEDIATE_SCOPE: EmailChoice.IMMEDIATE}
# Unsubscribe links keep working this long (they are not single-use: unsubscribing twice
# is harmless); a year covers any e-mail someone still acts on.
UNSUBSCRIBE_LINK_AGE = timedelta(days=365)


@dataclass(frozen=True)
class Event:
    """Something that happened, for ``notify``: what, who did it, and what it is about.

    Followers are found from ``question_id`` (answers, status changes) or ``product_id``
    and ``company_id`` (new questions); the direct kinds name their one recipient by
    ``recipient_id`` (or ``recipient_email`` for an invitation to an address that may
    have an account). ``detail`` carries the new status, ``approved``/``rejected``, the
    role offered, or the badge earned.
    """

    kind: NotificationKind
    actor_id: int | None = None
    question_id: int | None = None
    answer_id: int | None = None
    comment_id: int | None = None
    company_id: int | None = None
    product_id: int | None = None
    detail: str = ""
    recipient_id: int | None = None
    recipient_email: str | None = None
    claim_id: int | None = None
    invitation_id: int | None = None
    occurred_at: datetime = field(default_factory=utcnow)

    @property
    def key(self) -> str:
        """What makes this event one event: nobody is notified twice with the same key."""
        kind = self.kind
        if kind in _ANSWER_KINDS:
            return f"answer:{self._need(self.answer_id)}"
        if kind is NotificationKind.BEST_ANSWER:
            return f"best:{self._need(self.answer_id)}"
        if kind is NotificationKind.COMMENT:
            return f"comment:{self._need(self.comment_id)}"
        if kind is NotificationKind.ENDORSED:
            return f"endorsed:{self._need(self.answer_id)}"
        if kind is NotificationKind.HELPFUL:
            return f"helpful:{self._need(self.answer_id)}:{self._need(self.actor_id)}"
        if kind is NotificationKind.STATUS_CHANGED:
            # A status may come back (solved, reopened, solved): each change is an event.
            moment = int(self.occurred_at.timestamp() * 1_000_000)
            return f"status:{self._need(self.question_id)}:{moment}"
        if kind is NotificationKind.QUESTION_MERGED:
            return f"merged:{self.detail}"
        if kind is NotificationKind.STILL_BROKEN:
            moment = int(self.occurred_at.timestamp() * 1_000_000)
            return f"still-broken:{self._need(self.question_id)}:{moment}"
        if kind is NotificationKind.NEW_QUESTION:
            return f"question:{self._need(self.question_id)}"
        if kind is NotificationKind.CLAIM_DECISION:
            return f"claim:{self._need(self.claim_id)}"
        if kind is NotificationKind.BADGE:
            # A badge is awarded once: its one notification.
            return f"badge:{self._need(self.recipient_id)}:{self.detail}"
        return f"invitation:{self._need(self.invitation_id)}"

    def _need(self, value: int | None) -> int:
        if value is None:
            raise ValueError(f"a {self.kind.value} event needs more ids than {self!r}")
        return value


# Follows -------------------------------------------------------------------------------


def _one_target(**ids: int | None) -> dict[str, int]:
    """The one followed target's column and id, from ``question_id``/``product_id``/
    ``company_id`` of which exactly one is given."""
    given = {name: value for name, value in ids.items() if value is not None}
    if len(given) != 1:
        raise ValueError("follow exactly one question, product or company")
    return given


def _target(question: Any, product: Any, company: Any) -> dict[str, int]:
    return _one_target(
        question_id=question.id if question is not None else None,
        product_id=product.id if product is not None else None,
        company_id=company.id if company is not None else None,
    )


def add_follow(
    user_id: int,
    *,
    question_id: int | None = None,
    product_id: int | None = None,
    company_id: int | None = None,
) -> bool:
    """The user follows one target, in the caller's transaction (no commit, no policy).

    For other services' automatic follows (asking, answering, "me too", joining a
    company's staff). Following twice changes nothing; True when this call added it.
    """
    target = _one_target(question_id=question_id, product_id=product_id, company_id=company_id)
    return insert_if_absent(
        db.session, Follow.__table__, {"user_id": user_id, "created_at": utcnow(), **target}
    )


def follow(user: Any, *, question: Any = None, product: Any = None, company: Any = None) -> bool:
    """Anyone signed in follows a question, a product or a company, to hear what happens.

    Following twice changes nothing; True when this call started following.
    """
    require(user, Permission.FOLLOW, question or product or company)
    added = add_follow(user.id, **_target(question, product, company))
    db.session.commit()
    return added


def unfollow(user: Any, *, question: Any = None, product: Any = None, company: Any = None) -> bool:
    """A user stops following; notifications already made stay. True when there was a
    follow to remove."""
    require(user, Permission.FOLLOW, question or product or company)
    ((column, target_id),) = _target(question, product, company).items()
    removed = db.session.execute(
        sa.delete(Follow).where(Follow.user_id == user.id, getattr(Follow, column) == target_id),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    db.session.commit()
    return bool(removed)


# The fan-out ---------------------------------------------------------------------------


def _recipients(event: Event) -> sa.Subquery:
    """The people an event concerns, one row (``user_id``) each, before exclusions."""
    follows = Follow.__table__
    if event.kind is NotificationKind.STATUS_CHANGED:
        # Its followers and everyone it affects ("me too"), one row each.
        me_toos = db.metadata.tables["me_toos"]
        question_id = event._need(event.question_id)
        query = sa.union(
            sa.select(follows.c.user_id).where(follows.c.question_id == question_id),
            sa.select(me_toos.c.user_id.label("user_id")).where(
                me_toos.c.question_id == question_id
            ),
        )
    elif event.kind is NotificationKind.COMMENT:
        # The question's followers and the author of the post commented on, one row each.
        query = sa.union(
            sa.select(follows.c.user_id).where(
                follows.c.question_id == event._need(event.question_id)
            ),
            sa.select(sa.literal(event._need(event.recipient_id), sa.Integer).label("user_id")),
        )
    elif event.kind in _QUESTION_FOLLOWERS:
        query = sa.select(follows.c.user_id).where(
            follows.c.question_id == event._need(event.question_id)
        )
    elif event.kind is NotificationKind.STILL_BROKEN:
        memberships = db.metadata.tables["memberships"]
        query = sa.select(memberships.c.user_id).where(
            memberships.c.company_id == event._need(event.company_id),
            memberships.c.revoked_at.is_(None),
        )
    elif event.kind is NotificationKind.NEW_QUESTION:
        targets = [follows.c.company_id == event._need(event.company_id)]
        if event.product_id is not None:
            targets.append(follows.c.product_id == event.product_id)
        # Following both the product and its company still makes one notification.
        query = sa.select(follows.c.user_id).where(sa.or_(*targets)).distinct()
    elif event.recipient_id is not None:
        query = sa.select(sa.literal(event.recipient_id, sa.Integer).label("user_id"))
    elif event.recipient_email is not None:
        # Only an account that proved the address is told of what was sent to it.
        users = db.metadata.tables["users"]
        query = sa.select(users.c.id.label("user_id")).where(
            users.c.email == event.recipient_email, users.c.email_verified_at.is_not(None)
        )
    else:
        raise ValueError(f"a {event.kind.value} event names no recipient")
    return query.subquery("recipients")


def _int(value: int | None) -> sa.ColumnElement[Any]:
    """A typed value for INSERT … SELECT (PostgreSQL cannot guess the type of a bare NULL)."""
    if value is None:
        return sa.cast(sa.null(), sa.Integer)
    return sa.literal(value, sa.Integer)


def notify(event: Event) -> int:
    """Tell everyone the event concerns, except whoever caused it; how many were told.

    An event with more than ``FANOUT_INLINE_MAX`` followers, in a request, is not told here:
    a row of ``notification_fanouts`` is written instead (in the caller's transaction, so it
    exists exactly when the change does) and ``app.notifications.fanout`` tells them after
    the commit, inline after the request or by the worker; this returns 0 then.

    In the caller's transaction, never committing: the notifications exist exactly when
    the change does. Recipients: the question's followers (answers, status changes; for a
    comment, they and the author of the post commented on), the
    followers of the product or the company (new questions, one notification for someone
    following both), or the one person named (best answer, endorsed, helpful, claim
    decision, invitation; an invitation only to an account whose verified address it was
    sent to). The actor is never notified; neither is anybody who can no longer see the
    question (``queries.question_visible``), nor anybody already notified of the same
    event. Each notification records, from the recipient's preferences (or the defaults),
    whether it is e-mailed right away, in the daily digest or not at all; never for a
    recipient whose address is not verified; claim decisions and invitations have e-mails
    of their own, so theirs are never e-mailed, and badges are told on the page only.
    Helpful votes on one answer are grouped: while the author has not read the
    notification, another vote raises its count instead of adding one.
    """
    if event.kind is NotificationKind.HELPFUL and _group_helpful(event):
        return 0
    if event.kind in _FOLLOWER_KINDS and has_request_context() and _defer_if_many(event):
        return 0
    return tell(event)


def tell(event: Event) -> int:
    """``notify``'s fan-out itself, whatever the number of recipients (the caller's
    transaction): for ``notify`` and for the deferred fan-outs (``app.notifications.fanout``)."""
    now = event.occurred_at
    key = event.key
    recipients = _recipients(event)
    user_id = recipients.c.user_id
    notifications = Notification.__table__
    preferences = NotificationPreference.__table__

    questions = db.metadata.tables["questions"]
    if event.kind in _ANSWER_KINDS:
        is_author = questions.c.author_id == user_id
        category: sa.ColumnElement[Any] = sa.case(
            (is_author, Category.MY_QUESTIONS.value), else_=Category.FOLLOWED_QUESTIONS.value
        )
        default: sa.ColumnElement[Any] = sa.case(
            (is_author, DEFAULT_EMAIL[Category.MY_QUESTIONS].value),
            else_=DEFAULT_EMAIL[Category.FOLLOWED_QUESTIONS].value,
        )
    elif event.kind is NotificationKind.COMMENT:
        category, default = _comment_category(event, user_id, questions)
    else:
        fixed = _CATEGORY[event.kind]
        category = sa.literal(fixed.value, sa.String)
        default = sa.literal(DEFAULT_EMAIL[fixed].value, sa.String)
    if _CATEGORY[event.kind].emailed_separately or event.kind in _IN_APP_ONLY:
        email: sa.ColumnElement[Any] = sa.literal(EmailChoice.OFF.value, sa.String)
    else:
        # An address not verified yet receives no notification e-mails: its notification
        # is recorded, never e-mailed (not later either, when the address is verified).
        email = sa.case(
            (email_verified(user_id), sa.func.coalesce(preferences.c.email, default)),
            else_=sa.literal(EmailChoice.OFF.value, sa.String),
        )

    # Who is told: the recipients the recipient rule found, minus the actor, minus anybody
    # who can no longer see the question, minus anybody already told of this event.
    told_already = sa.exists().where(
        notifications.c.event_key == key, notifications.c.user_id == user_id
    )
    who = sa.select(user_id).select_from(recipients).where(~told_already)
    if event.question_id is not None:
        who = who.join(questions, questions.c.id == event.question_id)
        who = who.where(question_visible(event.question_id, user_id))
    if event.answer_id is not None:
        who = who.where(answer_listed_id(event.answer_id))
    if event.comment_id is not None:
        who = who.where(comment_listed_id(event.comment_id))
    if event.actor_id is not None:
        who = who.where(user_id != event.actor_id)

    # Counted first, then written: both read the same rows in this transaction.
    users = db.metadata.tables["users"]
    told = db.session.execute(
        sa.update(users)
        .where(users.c.id.in_(who))
        .values(unread_notification_count=users.c.unread_notification_count + 1),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    if not told:
        return 0
    rows = who.outerjoin(
        preferences, sa.and_(preferences.c.user_id == user_id, preferences.c.category == category)
    ).with_only_columns(
        user_id,
        sa.literal(event.kind.value, sa.String),
        category,
        _int(event.actor_id),
        _int(event.question_id),
        _int(event.answer_id),
        _int(event.comment_id),
        _int(event.company_id),
        _int(event.product_id),
        sa.literal(event.detail, sa.String),
        sa.literal(key, sa.String),
        sa.literal(now, notifications.c.created_at.type),
        email,
        maintain_column_froms=False,
    )
    columns = [
        "user_id",
        "kind",
        "category",
        "actor_id",
        "question_id",
        "answer_id",
        "comment_id",
        "company_id",
        "product_id",
        "detail",
        "event_key",
        "created_at",
        "email",
    ]
    insert = _dialect_insert()(notifications).from_select(columns, rows)
    # The unique (event_key, user_id) stays the last word should the same event race itself.
    db.session.execute(insert.on_conflict_do_nothing())
    if has_app_context():
        setattr(g, CREATED_FLAG, True)
    return told


def _comment_category(
    event: Event, user_id: sa.ColumnElement[Any], questions: sa.Table
) -> tuple[sa.ColumnElement[Any], sa.ColumnElement[Any]]:
    """A comment is filed by its recipient: on their own answer (activity on my answers),
    on their own question, or on one they follow; the category and its default e-mail."""
    whens = []
    if event.answer_id is not None:
        whens.append((user_id == event.recipient_id, Category.MY_ANSWERS))
    whens.append((questions.c.author_id == user_id, Category.MY_QUESTIONS))
    other = Category.FOLLOWED_QUESTIONS
    category = sa.case(*((when, kind.value) for when, kind in whens), else_=other.value)
    default = sa.case(
        *((when, DEFAULT_EMAIL[kind].value) for when, kind in whens),
        else_=DEFAULT_EMAIL[other].value,
    )
    return category, default


def _defer_if_many(event: Event) -> bool:
    """More than ``FANOUT_INLINE_MAX`` followers: the event is written to
    ``notification_fanouts`` for after the commit, and True. One SELECT that stops counting
    past the bound, whatever the number of followers."""
    first = sa.select(_recipients(event).c.user_id).limit(FANOUT_INLINE_MAX + 1).subquery()
    many = db.session.scalar(sa.select(sa.func.count()).select_from(first)) or 0
    if many <= FANOUT_INLINE_MAX:
        return False
    db.session.execute(
        sa.insert(PendingFanout).values(event=event_json(event), send_after=utcnow())
    )
    g.setdefault(FANOUTS_QUEUED, True)
    return True


def event_json(event: Event) -> str:
    """An event as JSON, for ``notification_fanouts`` (``event_from_json`` reads it back)."""
    values = {f.name: getattr(event, f.name) for f in fields(event)}
    values["kind"] = event.kind.value
    values["occurred_at"] = event.occurred_at.isoformat()
    return json.dumps(values)


def event_from_json(text: str) -> Event:
    values = json.loads(text)
    values["kind"] = NotificationKind(values["kind"])
    values["occurred_at"] = datetime.fromisoformat(values["occurred_at"])
    return Event(**values)


def _dialect_insert() -> Any:
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _group_helpful(event: Event) -> bool:
    """Another helpful vote joins the author's unread notification about that answer (its
    count goes up and it moves to the top); False when there is none to join."""
    if event.recipient_id is None or event.recipient_id == event.actor_id:
        return event.recipient_id is not None  # one's own vote never notifies (nor groups)
    bumped = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.user_id == event.recipient_id,
            Notification.kind == NotificationKind.HELPFUL,
            Notification.answer_id == event._need(event.answer_id),
            Notification.read_at.is_(None),
        )
        .values(
            count=Notification.count + 1,
            created_at=event.occurred_at,
            actor_id=event.actor_id,
        ),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    return bumped > 0


# Reading -------------------------------------------------------------------------------


def _adjust_unread(user_id: int, by: int) -> None:
    users = db.metadata.tables["users"]
    db.session.execute(
        sa.update(users)
        .where(users.c.id == user_id)
        .values(unread_notification_count=users.c.unread_notification_count + by),
        execution_options={"synchronize_session": False},
    )


def mark_read(user: Any, notification_id: int) -> bool:
    """The recipient marks one of their notifications read; nobody else can (``NotFound``,
    as for a notification that does not exist). True when it was unread."""
    require(user, Permission.NOTIFICATIONS_OWN)
    changed = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow()),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    if changed:
        _adjust_unread(user.id, -changed)
    else:
        mine = db.session.execute(
            sa.select(Notification.id).where(
                Notification.id == notification_id, Notification.user_id == user.id
            )
        ).first()
        if mine is None:
            db.session.rollback()
            raise NotFound(_("There is no such notification."))
    db.session.commit()
    return bool(changed)


def mark_shown_read(user: Any, notification_ids: Any) -> int:
    """Opening the notifications page reads what it shows: the recipient's notifications
    among ``notification_ids`` (the page's unread ones) are marked read with ONE UPDATE, and
    the counter on the user row goes down by exactly as many (a second UPDATE, which
    answers the new count). How many were unread; nothing runs for an empty list.

    The page renders after this from the objects it already holds: they are not expired
    by this commit, so the page shows them as they were when it opened ("New"), and
    ``user.unread_notification_count`` is the row's new count, for the bell.
    """
    ids = sorted({int(notification_id) for notification_id in notification_ids})
    if not ids:
        return 0
    require(user, Permission.NOTIFICATIONS_OWN)
    changed = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.id.in_(ids),
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow()),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    if not changed:
        return 0  # read meanwhile (another tab): nothing written, nothing to commit
    users = db.metadata.tables["users"]
    unread = db.session.execute(
        sa.update(users)
        .where(users.c.id == user.id)
        .values(unread_notification_count=users.c.unread_notification_count - changed)
        .returning(users.c.unread_notification_count),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
    set_committed_value(user, "unread_notification_count", unread)
    return changed


def mark_all_read(user: Any) -> int:
    """The recipient marks all their notifications read; how many were unread.

    The counter goes down by exactly that many, so a notification arriving meanwhile
    stays counted.
    """
    require(user, Permission.NOTIFICATIONS_OWN)
    changed = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    if changed:
        _adjust_unread(user.id, -changed)
    db.session.commit()
    return changed


# Preferences ---------------------------------------------------------------------------


def _choice(value: Any) -> EmailChoice | None:
    try:
        return EmailChoice(value)
    except ValueError:
        return None


def _save_choice(user_id: int, category: Category, choice: EmailChoice) -> None:
    """Store one choice and apply it to what is still waiting to be e-mailed."""
    table = NotificationPreference.__table__
    now = utcnow()
    if not insert_if_absent(
        db.session,
        table,
        {"user_id": user_id, "category": category.value, "email": choice.value, "updated_at": now},
    ):
        db.session.execute(
            sa.update(table)
            .where(table.c.user_id == user_id, table.c.category == category.value)
            .values(email=choice.value, updated_at=now)
        )
    # Turning e-mail off (or to the digest) also holds back what is waiting to be sent.
    db.session.execute(
        sa.update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.category == category,
            Notification.emailed_at.is_(None),
            Notification.email != EmailChoice.OFF,
        )
        .values(email=choice),
        execution_options={"synchronize_session": False},
    )


def set_preferences(user: Any, choices: dict[Category, Any]) -> dict[Category, EmailChoice]:
    """A user chooses, for each category, e-mail right away, in a daily digest, or never.

    Categories not given keep their choice; an unknown choice is refused at its field.
    Notifications still waiting for their e-mail follow the new choice. Claims and
    invitations are e-mailed on their own and have no choice here.
    """
    require(user, Permission.NOTIFICATIONS_OWN)
    errors: dict[str, str] = {}
    parsed: dict[Category, EmailChoice] = {}
    for category, value in choices.items():
        choice = _choice(value)
        if category.emailed_separately or choice is None:
            errors[category.value] = _("Choose right away, daily digest or never.")
        else:
            parsed[category] = choice
    if errors:
        raise ValidationError(_("Please choose one option for each kind of e-mail."), fields=errors)
    for category, choice in parsed.items():
        _save_choice(user.id, category, choice)
    db.session.commit()
    return preferences_of(user.id)


# Unsubscribing -------------------------------------------------------------------------


def unsubscribe_token(user_id: int, scope: Category | str) -> str:
    """The signed one-click unsubscribe link's token: it names the user and what to stop
    (one category, ``DIGEST_SCOPE`` for every category e-mailed daily, or
    ``IMMEDIATE_SCOPE`` for every category e-mailed right away)."""
    return make_token(Purpose.NOTIFICATION_UNSUBSCRIBE, user_id, str(scope))


def read_unsubscribe_token(token: Any) -> tuple[Any, str]:
    """The user and scope a genuine unsubscribe token names; ``InvalidToken`` otherwise
    (tampered, made for another purpose, too old, or naming nobody). Reads only."""
    user_id, scope = read_token(
        token, Purpose.NOTIFICATION_UNSUBSCRIBE, max_age=UNSUBSCRIBE_LINK_AGE
    )
    if scope not in _SCOPE_CHOICES and scope not in {c.value for c in Category}:
        raise InvalidToken(_("That link is not valid."))
    if scope not in _SCOPE_CHOICES and Category(scope).emailed_separately:
        raise InvalidToken(_("That link is not valid."))
    users = db.metadata.tables["users"]
    user = db.session.execute(
        sa.select(users.c.id, users.c.email).where(users.c.id == user_id)
    ).first()
    if user is None:
        raise InvalidToken(_("That link is not valid."))
    return user, scope


def scope_categories(user_id: int, scope: str) -> list[Category]:
    """The categories an unsubscribe scope turns off for the user."""
    if scope not in _SCOPE_CHOICES:
        return [Category(scope)]
    return [
        category
        for category, choice in preferences_of(user_id).items()
        if choice is _SCOPE_CHOICES[scope] and not category.emailed_separately
    ]


def unsubscribe(token: Any) -> list[Category]:
    """Following an e-mail's unsubscribe link (and pressing its button) turns that kind
    of e-mail off, without signing in: the signed link is the authority. Not single-use:
    doing it twice changes nothing more. The categories turned off."""
    user, scope = read_unsubscribe_token(token)
    categories = scope_categories(user.id, scope)
    for category in categories:
        _save_choice(user.id, category, EmailChoice.OFF)
    db.session.commit()
    return categories


__all__ = [
    "CREATED_FLAG",
    "DIGEST_SCOPE",
    "IMMEDIATE_SCOPE",
    "Event",
    "add_follow",
    "follow",
    "mark_all_read",
    "mark_read",
    "mark_shown_read",
    "notify",
    "read_unsubscribe_token",
    "scope_categories",
    "set_preferences",
    "unfollow",
    "unsubscribe",
    "unsubscribe_token",
]
