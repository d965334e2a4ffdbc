"""Questions: what customers post about a company or one of its products."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, string_enum, utcnow
from app.extensions import db
from app.i18n import _, _l, ngettext

REASON_MAX = 500  # a moderator's public reason (hide, lock); as app.accounts.models

TITLE_MIN, TITLE_MAX = 5, 200
BODY_MIN, BODY_MAX = 1, 20_000
# Private details (product.md): Markdown, on questions and answers of claimed companies.
PRIVATE_DETAILS_MAX = 5_000
# The deferred group of the private details' columns: loaded only by the loaders of one
# post (and of a page of answers for a reader allowed them), never by lists or search.
PRIVATE_DETAILS = "private_details"
# Both rows hold private details entirely (source, HTML and its renderer's version) or not at all.
PRIVATE_DETAILS_RENDERED = (
    "(private_details IS NULL AND private_details_html IS NULL"
    " AND private_details_renderer_version IS NULL)"
    " OR (private_details IS NOT NULL AND private_details_html IS NOT NULL"
    " AND private_details_renderer_version IS NOT NULL)"
)
SLUG_MAX = 80
# "Solved in 4.2.1" and the version a "still broken" report names: one short line.
FIXED_IN_MAX = VERSION_MAX = 40
# Reports of "still broken" from people other than the asker that reopen a solved problem.
STILL_BROKEN_REOPEN_AT = 3


class Kind(StrEnum):
    """Get Satisfaction's topic types."""

    QUESTION = "question"
    PROBLEM = "problem"
    IDEA = "idea"
    PRAISE = "praise"

    @property
    def label(self) -> str:
        """The kind's name in the reader's language ("Question", "Spørgsmål"); the API
        sends the code (``value``)."""
        return str(KIND_LABELS[self])

    @property
    def this(self) -> str:
        """ "this question", "this idea": a phrase of its own, as languages give each kind
        its own article ("dette spørgsmål", "denne idé")."""
        return str(THIS_KIND[self])

    # Each kind speaks its own language about a "me too" and about answers: an idea is
    # supported, praise is agreed with, a question or a problem keeps "Me too"; ideas and
    # praise take replies rather than answers. The one place the question page, the lists
    # and any JSON response take these words from.

    @property
    def me_too_label(self) -> str:
        """The me-too button's text: "Me too", "Support" (an idea), "Agree" (praise)."""
        return str(ME_TOO_LABELS[self])

    @property
    def me_too_sign_in(self) -> str:
        """The link a signed-out reader follows to say it: "Sign in to support this idea"."""
        return str(ME_TOO_SIGN_IN[self])

    def me_too_sentence(self, outcome: str) -> str:
        """What pressing the me-too button said, in the kind's words: ``outcome`` is
        ``added``, ``already`` (said before), ``removed`` or ``not_said``."""
        return str(ME_TOO_SENTENCES[outcome][self])

    def me_too_count_text(self, count: int) -> str:
        """The me-too count in words: "12 people have this problem", "12 people support
        this", "5 people agree", "3 people have this question too"."""
        if self is Kind.PROBLEM:
            return ngettext(
                "%(num)d person has this problem", "%(num)d people have this problem", count
            )
        if self is Kind.IDEA:
            return ngettext("%(num)d person supports this", "%(num)d people support this", count)
        if self is Kind.PRAISE:
            return ngettext("%(num)d person agrees", "%(num)d people agree", count)
        return ngettext(
            "%(num)d person has this question too", "%(num)d people have this question too", count
        )

    @property
    def takes_replies(self) -> bool:
        """Ideas and praise are talked about ("Reply"); questions and problems answered."""
        return self in (Kind.IDEA, Kind.PRAISE)

    def answer_count_text(self, count: int) -> str:
        """ "3 answers", or "3 replies" for an idea or praise."""
        if self.takes_replies:
            return ngettext("%(num)d reply", "%(num)d replies", count)
        return ngettext("%(num)d answer", "%(num)d answers", count)

    @property
    def answer_heading(self) -> str:
        """The answer form's heading: "Add an answer", or "Reply" for an idea or praise."""
        return _("Reply") if self.takes_replies else _("Add an answer")

    @property
    def answer_button(self) -> str:
        """The answer form's button: "Post your answer", or "Post your reply"."""
        return _("Post your reply") if self.takes_replies else _("Post your answer")

    @property
    def answer_field_label(self) -> str:
        """The answer form's body label: "Your answer", or "Your reply"."""
        return _("Your reply") if self.takes_replies else _("Your answer")


# Lazy: forms build their choices from these at import time, before any request.
KIND_LABELS = {
    Kind.QUESTION: _l("Question"),
    Kind.PROBLEM: _l("Problem"),
    Kind.IDEA: _l("Idea"),
    Kind.PRAISE: _l("Praise"),
}
ME_TOO_LABELS = {
    Kind.QUESTION: _l("Me too"),
    Kind.PROBLEM: _l("Me too"),
    Kind.IDEA: _l("Support"),
    Kind.PRAISE: _l("Agree"),
}
ME_TOO_SIGN_IN = {
    Kind.QUESTION: _l("Sign in to say me too"),
    Kind.PROBLEM: _l("Sign in to say me too"),
    Kind.IDEA: _l("Sign in to support this idea"),
    Kind.PRAISE: _l("Sign in to agree"),
}
ME_TOO_SENTENCES = {
    "added": {
        Kind.QUESTION: _l("Thanks. You are counted among the people this affects."),
        Kind.PROBLEM: _l("Thanks. You are counted among the people this affects."),
        Kind.IDEA: _l("Thanks: you support this idea."),
        Kind.PRAISE: _l("Thanks: you agree with this praise."),
    },
    "already": {
        Kind.QUESTION: _l("You already said this affects you too."),
        Kind.PROBLEM: _l("You already said this affects you too."),
        Kind.IDEA: _l("You already support this idea."),
        Kind.PRAISE: _l("You already agree with this praise."),
    },
    "removed": {
        Kind.QUESTION: _l("You are no longer counted for this question."),
        Kind.PROBLEM: _l("You are no longer counted for this problem."),
        Kind.IDEA: _l("You no longer support this idea."),
        Kind.PRAISE: _l("You no longer agree with this praise."),
    },
    "not_said": {
        Kind.QUESTION: _l("You had not said “me too” here."),
        Kind.PROBLEM: _l("You had not said “me too” here."),
        Kind.IDEA: _l("You had not supported this idea."),
        Kind.PRAISE: _l("You had not agreed with this praise."),
    },
}
THIS_KIND = {
    Kind.QUESTION: _l("this question"),
    Kind.PROBLEM: _l("this problem"),
    Kind.IDEA: _l("this idea"),
    Kind.PRAISE: _l("this praise"),
}


class Feeling(StrEnum):
    """How the asker feels about it (optional)."""

    HAPPY = "happy"
    EXCITED = "excited"
    CONFUSED = "confused"
    FRUSTRATED = "frustrated"
    SAD = "sad"

    @property
    def label(self) -> str:
        return str(FEELING_LABELS[self])


FEELING_LABELS = {
    Feeling.HAPPY: _l("Happy"),
    Feeling.EXCITED: _l("Excited"),
    Feeling.CONFUSED: _l("Confused"),
    Feeling.FRUSTRATED: _l("Frustrated"),
    Feeling.SAD: _l("Sad"),
}


class Status(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    SOLVED = "solved"
    UNDER_CONSIDERATION = "under_consideration"
    PLANNED = "planned"
    IMPLEMENTED = "implemented"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        """The status's name in the reader's language; the API sends the code."""
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.OPEN: _l("Open"),
    Status.ANSWERED: _l("Answered"),
    Status.ACKNOWLEDGED: _l("Acknowledged"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.SOLVED: _l("Solved"),
    Status.UNDER_CONSIDERATION: _l("Under consideration"),
    Status.PLANNED: _l("Planned"),
    Status.IMPLEMENTED: _l("Implemented"),
    Status.DECLINED: _l("Declined"),
}


# The statuses each kind may have (product.md). A question's status is set by
# the server (open → answered); the others are chosen by the company's staff.
STATUSES_BY_KIND: dict[Kind, tuple[Status, ...]] = {
    Kind.QUESTION: (Status.OPEN, Status.ANSWERED),
    Kind.PROBLEM: (Status.OPEN, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.SOLVED),
    Kind.IDEA: (
        Status.OPEN,
        Status.UNDER_CONSIDERATION,
        Status.PLANNED,
        Status.IMPLEMENTED,
        Status.DECLINED,
    ),
    Kind.PRAISE: (Status.OPEN, Status.ACKNOWLEDGED),
}


@dataclass(frozen=True)
class StateBadge:
    """The one badge a row of a question list shows: the kind and its most important state.

    ``state`` is a class name's tail (``badge--state-<state>``), ``text`` what it says
    ("Idea · Planned"), ``icon`` a mark shown beside it and hidden from screen readers (the
    text says it all, so the badge reads the same without colour or icon)."""

    state: str
    text: str
    icon: str = ""


def state_badge(
    kind: Kind,
    status: Status,
    *,
    fixed_in: str | None = None,
    has_best_answer: bool = False,
    has_official_answer: bool = False,
) -> StateBadge:
    """The combined badge of a question in a list, by this priority (the first that holds):

    1. a status the company (or a moderator) set, other than open and answered:
       "Problem · Solved in 4.2.1", "Idea · Planned", "Praise · Acknowledged";
    2. a best answer: "Question · Best answer" ★;
    3. an official answer: "Problem · Official answer" ◆;
    4. marked answered by the company's staff: "Question · Answered" ✓;
    5. otherwise the kind alone: "Idea".

    The question lists (templates/_macros/questions.html), the similar-questions lists
    (templates/search/_macros.html) and their script (static/js/helpsquare.js, from
    ``/search/similar``) all show this one badge.

    The same state says the same in a language: each badge is worded once per process and
    language (gettext costs more than the rest of a list's row)."""
    return _worded_badge(
        str(get_locale()), kind, status, fixed_in or "", has_best_answer, has_official_answer
    )


@lru_cache(maxsize=1024)
def _worded_badge(
    language: str,
    kind: Kind,
    status: Status,
    fixed_in: str,
    has_best_answer: bool,
    has_official_answer: bool,
) -> StateBadge:
    """``state_badge`` in ``language``, the request's: a key of the cache, not an argument
    the words are taken from."""
    kind_label = kind.label
    if status not in (Status.OPEN, Status.ANSWERED):
        if status is Status.SOLVED and fixed_in:
            said = _("Solved in %(version)s", version=fixed_in)
        else:
            said = status.label
        return StateBadge(status.value, _("%(kind)s · %(state)s", kind=kind_label, state=said))
    if has_best_answer:
        best = _("Best answer")
        return StateBadge("best", _("%(kind)s · %(state)s", kind=kind_label, state=best), "★")
    if has_official_answer:
        official = _("Official answer")
        return StateBadge(
            "official", _("%(kind)s · %(state)s", kind=kind_label, state=official), "◆"
        )
    if status is Status.ANSWERED:
        answered = _("Answered")
        return StateBadge(
            "answered", _("%(kind)s · %(state)s", kind=kind_label, state=answered), "✓"
        )
    return StateBadge("open", kind_label)


class ShowsState:
    """What a question shows of its state, for a question and for any lighter row of one
    (a search result, a similar question): one source for the answered mark and the badge.

    The class it is mixed into has ``kind``, ``status``, ``fixed_in``, ``has_best_answer``
    and ``has_official_answer``."""

    if TYPE_CHECKING:  # declared by each class it is mixed into, columns or fields
        kind: Kind
        status: Status
        fixed_in: str | None
        has_best_answer: bool
        has_official_answer: bool

    @property
    def is_answered(self) -> bool:
        """Reads as answered once a best answer or an official answer exists."""
        return self.has_best_answer or self.has_official_answer

    @property
    def state_badge(self) -> StateBadge:
        """The one badge its row in a list shows (``state_badge``)."""
        return state_badge(
            self.kind,
            self.status,
            fixed_in=self.fixed_in,
            has_best_answer=self.has_best_answer,
            has_official_answer=self.has_official_answer,
        )


class Question(ShowsState, db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("products.id", ondelete="SET NULL")
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[Kind] = mapped_column(string_enum(Kind, "question_kind"), default=Kind.QUESTION)
    feeling: Mapped[Feeling | None] = mapped_column(string_enum(Feeling, "question_feeling"))
    status: Mapped[Status] = mapped_column(
        string_enum(Status, "question_status"), default=Status.OPEN
    )
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX))
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    body_renderer_version: Mapped[int] = mapped_column()
    # The asker's private details (order number, account e-mail, logs), on claimed companies
    # only: read by whom ``app.visibility.can_read_private_details`` names, nowhere else.
    # Deferred, so lists, search, feeds and the sitemap never even load them.
    private_details: Mapped[str | None] = mapped_column(
        sa.Text, deferred=True, deferred_group=PRIVATE_DETAILS
    )
    private_details_html: Mapped[str | None] = mapped_column(
        sa.Text, deferred=True, deferred_group=PRIVATE_DETAILS
    )
    private_details_renderer_version: Mapped[int | None] = mapped_column(
        deferred=True, deferred_group=PRIVATE_DETAILS
    )
    # The best answer's id; the foreign key is added after both tables exist.
    best_answer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("answers.id", ondelete="SET NULL", use_alter=True)
    )
    has_official_answer: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    locked: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The moderator's public reason for the lock, shown on the page ("" while unlocked).
    lock_reason: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="", server_default="")
    # Hidden by a moderator, by flags or by its author ("deleted by its author"): gone for
    # everyone but its author and moderators (app.visibility). The reason is public.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="", server_default="")
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Merged into an earlier question of the same company: its URL redirects there.
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="SET NULL")
    )
    answer_count: Mapped[int] = mapped_column(default=0, server_default="0")
    me_too_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # The version staff named when they marked the problem solved ("" otherwise): cleared
    # when the status leaves solved.
    fixed_in: Mapped[str] = mapped_column(sa.String(FIXED_IN_MAX), default="", server_default="")
    # "Still broken" reports since the problem was last solved (``StillBroken`` rows).
    still_broken_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Images attached to it, in its body and its private details (app.uploads): the page
    # reads images only when a post on it has some.
    image_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Rows of its status history (``StatusChange``): the page reads the history only when
    # there is one.
    status_change_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Comments ever made on it and its answers, hidden ones too (app/comments): the page
    # reads the comments only when there are some to read.
    comments_made: Mapped[int] = mapped_column(default=0, server_default="0")
    # Moves by one with every change the question's page shows (``services.page_changed``):
    # the anonymous page cache keys the page by it, so no reader sees an old page.
    page_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", foreign_keys=[author_id])
    company = relationship("Company")
    product = relationship("Product")

    __table_args__ = (
        # Keyset pagination for each sort, site-wide and per company / product.
        sa.Index("ix_questions_activity", "last_activity_at", "id"),
        sa.Index("ix_questions_created", "created_at", "id"),
        sa.Index("ix_questions_me_too", "me_too_count", "id"),
        sa.Index("ix_questions_company_activity", "company_id", "last_activity_at", "id"),
        sa.Index("ix_questions_company_created", "company_id", "created_at", "id"),
        sa.Index("ix_questions_product_activity", "product_id", "last_activity_at", "id"),
        sa.Index("ix_questions_product_created", "product_id", "created_at", "id"),
        sa.Index("ix_questions_author", "author_id", "created_at"),
        # "Waiting for an answer from <company>": oldest first among questions with no
        # official and no best answer. The predicates match the query's rendered SQL, so
        # both databases use them.
        sa.Index(
            "ix_questions_company_unanswered",
            "company_id",
            "created_at",
            "id",
            postgresql_where=sa.text("has_official_answer IS false AND best_answer_id IS NULL"),
            sqlite_where=sa.text("has_official_answer IS 0 AND best_answer_id IS NULL"),
        ),
        sa.Index(
            "ix_questions_product_unanswered",
            "product_id",
            "created_at",
            "id",
            postgresql_where=sa.text("has_official_answer IS false AND best_answer_id IS NULL"),
            sqlite_where=sa.text("has_official_answer IS 0 AND best_answer_id IS NULL"),
        ),
        # A company's insights (app/insights/queries.py) read the questions of a window from
        # this index alone: it holds every column their four statements read of them, so no
        # row is visited, nor the Markdown bodies stored before the later columns
        # (bench/RESULTS.md, "Company insights").
        sa.Index(
            "ix_questions_insights",
            "company_id",
            "created_at",
            "hidden_at",
            "merged_into_id",
            "kind",
            "feeling",
            "status",
            "product_id",
            "best_answer_id",
            "me_too_count",
            "id",
        ),
        sa.CheckConstraint("answer_count >= 0", name="answer_count_not_negative"),
        sa.CheckConstraint("me_too_count >= 0", name="me_too_count_not_negative"),
        sa.CheckConstraint("still_broken_count >= 0", name="still_broken_count_not_negative"),
        sa.CheckConstraint(PRIVATE_DETAILS_RENDERED, name="private_details_rendered"),
    )

    @property
    def has_best_answer(self) -> bool:
        return self.best_answer_id is not None

    @property
    def statuses(self) -> tuple[Status, ...]:
        return STATUSES_BY_KIND[self.kind]

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.title!r}>"


class MeToo(db.Model):
    """A signed-in user says the question affects them too (once per user)."""

    __tablename__ = "me_toos"

    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.Index("ix_me_toos_user", "user_id"),)


class StatusChange(db.Model):
    """One change of a question's status (with the fixed-in version, for solved): who made
    it (``None``: the server, e.g. answered when an official answer arrives) and when.
    Questions from before the history was kept have no rows for their earlier changes."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    from_status: Mapped[Status] = mapped_column(string_enum(Status, "status_change_from"))
    to_status: Mapped[Status] = mapped_column(string_enum(Status, "status_change_to"))
    fixed_in: Mapped[str] = mapped_column(sa.String(FIXED_IN_MAX), default="", server_default="")
    # "Reopened: still broken for N people": the count that reopened it (0 otherwise).
    still_broken: Mapped[int] = mapped_column(default=0, server_default="0")
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    by = relationship("User")

    __table_args__ = (sa.Index("ix_status_changes_question", "question_id", "id"),)

    # The API's names.
    @property
    def status(self) -> Status:
        return self.to_status


class StillBroken(db.Model):
    """The asker or an affected user says a solved problem is still broken: once each, for
    as long as the question exists (a reopened and solved again problem keeps the rows)."""

    __tablename__ = "still_broken_reports"

    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[str] = mapped_column(sa.String(VERSION_MAX), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.Index("ix_still_broken_reports_user", "user_id"),)
