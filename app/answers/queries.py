"""Reads for answers: a question's answers in their order, what the viewer did on a question
page (helpful votes, me too, following), a user's answers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload, undefer_group
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.answers.models import Answer, HelpfulVote
from app.companies.models import Membership
from app.db import MAX_ID
from app.errors import NotFound
from app.extensions import db
from app.i18n import _, _l
from app.moderation.flag_models import Flag, FlaggedPost, FlagStatus
from app.notifications.models import Follow
from app.pagination import BadCursor, Page, decode_cursor, encode_cursor
from app.policy import is_moderator
from app.questions.models import PRIVATE_DETAILS, MeToo, Question
from app.questions.queries import VIEWER_OF_REQUEST
from app.reputation.models import Champion
from app.visibility import (
    answer_listed,
    answer_visible,
    can_read_private_details,
    can_see_answer,
    request_viewer,
    signed_in,
)


def get_answer(answer_id: int, *, viewer: Any = VIEWER_OF_REQUEST) -> Answer:
    """The answer with its author, question and the question's company, or ``NotFound`` when
    there is none or the viewer may not read it (``app.visibility.can_see_answer``).
    ``viewer`` defaults to this request's reader. As ``get_question``, the answer's and its
    question's private details come along for a signed-in viewer only."""
    if viewer is VIEWER_OF_REQUEST:
        viewer = request_viewer()
    query = sa.select(Answer).options(
        joinedload(Answer.author),
        joinedload(Answer.question).joinedload(Question.company),
    )
    if signed_in(viewer):
        query = query.options(
            undefer_group(PRIVATE_DETAILS),
            joinedload(Answer.question).undefer_group(PRIVATE_DETAILS),
        )
    answer = db.session.execute(query.where(Answer.id == answer_id)).scalar_one_or_none()
    if answer is None or not can_see_answer(viewer, answer):
        raise NotFound(_("There is no such answer. It may have been removed."))
    return answer


# What a page of posts shows of their authors: their names (``app.templating.person``,
# ``User.label``, the avatar's initials), whether the account is deleted, their points.
PAGE_AUTHOR_COLUMNS = (User.id, User.username, User.display_name, User.deleted_at, User.reputation)

# A question page shows at most this many answers; the rest are on its later pages.
ANSWERS_PER_PAGE = 30


class AnswerSort(StrEnum):
    """The orders a question's answers are read in (``?sort=`` on the question page)."""

    BEST = "best"
    NEWEST = "newest"
    OLDEST = "oldest"

    @property
    def label(self) -> str:
        return str(ANSWER_SORT_LABELS[self])

    @classmethod
    def parse(cls, value: Any) -> AnswerSort:
        """The order ``value`` names; the default (best first) for anything else: an
        unknown ``?sort=`` is no error, the page just shows its usual order."""
        try:
            return cls(value)
        except ValueError:
            return cls.BEST


ANSWER_SORT_LABELS = {
    AnswerSort.BEST: _l("Best first"),
    AnswerSort.NEWEST: _l("Newest first"),
    AnswerSort.OLDEST: _l("Oldest first"),
}
# A cursor of a page in time order starts with its order's letter: a cursor carries its sort.
_TIME_CURSOR = {AnswerSort.NEWEST: "n", AnswerSort.OLDEST: "o"}


@dataclass(frozen=True)
class AnswerPage(Page[Answer]):
    """A page of a question's answers, where it starts among them (1 for the first), and
    the order it is in."""

    start: int = 1
    sort: AnswerSort = AnswerSort.BEST


def _reading_rank(question: Question) -> sa.ColumnElement[int]:
    """0 for the best answer, 1 for official answers, 2 for the others."""
    whens: list[tuple[sa.ColumnElement[bool], int]] = []
    if question.best_answer_id is not None:
        whens.append((Answer.id == question.best_answer_id, 0))
    whens.append((Answer.is_official, 1))
    return sa.case(*whens, else_=2)


def _rank_of(question: Question, answer: Answer) -> int:
    """What ``_reading_rank`` says of one answer already loaded."""
    if answer.id == question.best_answer_id:
        return 0
    return 1 if answer.is_official else 2


def _number(text: str) -> int:
    """A whole number written by ``answers_page``'s cursors; ``BadCursor`` for anything else."""
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > MAX_ID:
        raise BadCursor("cursor is not valid")
    return int(text)


def _decode_answer_cursor(cursor: str) -> tuple[int, int, int, datetime, int]:
    """A cursor of ``answers_page``: ``<rank>.<helpful count>.<answers shown>.<created_at,
    id cursor>``."""
    parts = cursor.split(".", 3)
    if len(parts) != 4 or parts[0] not in {"0", "1", "2"}:
        raise BadCursor("cursor is not valid")
    created_at, last_id = decode_cursor(parts[3], datetime)
    return int(parts[0]), _number(parts[1]), _number(parts[2]), created_at, last_id


def cursor_sort(cursor: str) -> AnswerSort:
    """The order a cursor of ``answers_page`` was issued for (it carries it): a later page
    keeps the order of the first, whatever ``?sort=`` says beside it."""
    head = cursor.split(".", 1)[0]
    for sort, letter in _TIME_CURSOR.items():
        if head == letter:
            return sort
    return AnswerSort.BEST


def _decode_time_cursor(cursor: str, sort: AnswerSort) -> tuple[int, datetime, int]:
    """A cursor of a page in time order: ``<n|o>.<answers shown>.<created_at, id cursor>``."""
    parts = cursor.split(".", 2)
    if len(parts) != 3 or parts[0] != _TIME_CURSOR[sort]:
        raise BadCursor("cursor is not valid")
    created_at, last_id = decode_cursor(parts[2], datetime)
    return _number(parts[1]), created_at, last_id


def answers_page(
    question: Question,
    *,
    cursor: str | None = None,
    limit: int = ANSWERS_PER_PAGE,
    viewer: Any = VIEWER_OF_REQUEST,
    sort: AnswerSort = AnswerSort.BEST,
    for_page: bool = False,
) -> AnswerPage:
    """A page of the question's answers in reading order, with their authors (one SELECT).

    ``sort``: best first (the reading order below, the default), or by time, ``newest``
    or ``oldest`` first (keyset on creation time and id). Each order's cursors carry it
    (``cursor_sort``): a cursor of another order is a ``BadCursor``.

    The best answer first, then official answers, then the most helpful, then the oldest;
    the id breaks ties so the order never wobbles between requests. The question page and
    the API's list of answers both read this, so they agree.

    Keyset on (rank, helpful votes, creation time, id): a later page costs what the first
    costs. The cursor also counts the answers before it, so a page knows where it starts.
    Raises ``BadCursor`` for a cursor this server did not issue.

    Each answer also carries ``staff_title``: for an official answer, the public title on
    its author's membership of the question's company ("Head of Support"; empty when they
    chose none), read by an outer join in the same SELECT. The membership row stays when
    staff are revoked, so an earlier official answer keeps its badge. ``None`` for every
    other answer. And ``by_champion``: the author is a champion of the question's company
    and the answer is not official (another outer join of the same SELECT); its author
    comes with their reputation (a column of theirs).

    Only the answers the viewer may read (``app.visibility.answer_visible``): hidden ones
    only for their author and moderators, who see them marked. Their private details come in
    the same SELECT for a viewer who may read them
    (``app.visibility.can_read_private_details``), and are not read for anyone else.

    ``for_page``: only the columns the question page shows (issue 19): not the answers'
    Markdown source, and of their authors only what names them and their points.
    """
    if viewer is VIEWER_OF_REQUEST:
        viewer = request_viewer()
    rank = _reading_rank(question)
    membership = sa.and_(
        Membership.company_id == question.company_id, Membership.user_id == Answer.author_id
    )
    champion = sa.and_(
        Champion.company_id == question.company_id, Champion.user_id == Answer.author_id
    )
    query = (
        sa.select(Answer, Membership.title, Champion.user_id.is_not(None))
        .outerjoin(Membership, membership)
        .outerjoin(Champion, champion)
        .where(Answer.question_id == question.id, answer_visible(viewer, question=question))
    )
    if for_page:
        query = query.options(
            defer(Answer.body),
            joinedload(Answer.author).load_only(*PAGE_AUTHOR_COLUMNS),
        )
    else:
        query = query.options(joinedload(Answer.author))
    if can_read_private_details(viewer, question):
        query = query.options(undefer_group(PRIVATE_DETAILS))
    if sort is not AnswerSort.BEST:
        return _time_page(question, query, cursor=cursor, limit=limit, sort=sort)
    if cursor and cursor_sort(cursor) is not AnswerSort.BEST:
        raise BadCursor("cursor is not valid")
    shown = 0
    if cursor:
        after_rank, helpful, shown, created_at, last_id = _decode_answer_cursor(cursor)
        key = sa.tuple_(rank, -Answer.helpful_count, Answer.created_at, Answer.id)
        after = sa.tuple_(
            sa.literal(after_rank),
            sa.literal(-helpful),
            sa.literal(created_at, Answer.created_at.type),
            sa.literal(last_id),
        )
        query = query.where(key > after)
    query = query.order_by(
        rank, Answer.helpful_count.desc(), Answer.created_at.asc(), Answer.id.asc()
    ).limit(limit + 1)
    answers = _loaded(question, query)
    # A cursor is a reader's to edit: where a page says it starts never passes the end.
    shown = min(shown, max(question.answer_count - min(len(answers), limit), 0))
    if len(answers) <= limit:
        return AnswerPage(answers, None, start=shown + 1)
    answers = answers[:limit]
    last = answers[-1]
    after_last = encode_cursor(last.created_at, last.id)
    next_cursor = f"{_rank_of(question, last)}.{last.helpful_count}.{shown + limit}.{after_last}"
    return AnswerPage(answers, next_cursor, start=shown + 1)


def _loaded(question: Question, query: sa.Select) -> list[Answer]:
    """The answers of a page's SELECT, each with its staff title and champion mark."""
    answers = []
    for answer, title, champion in db.session.execute(query).all():
        # The page already holds the question: no lazy load per answer.
        set_committed_value(answer, "question", question)
        # Plain attributes, not columns: they live as long as this page's objects.
        answer.staff_title = (title or "") if answer.is_official else None
        answer.by_champion = bool(champion) and not answer.is_official
        answers.append(answer)
    return answers


def _time_page(
    question: Question, query: sa.Select, *, cursor: str | None, limit: int, sort: AnswerSort
) -> AnswerPage:
    """``answers_page`` in time order: keyset on (creation time, id), one way or the other."""
    key = sa.tuple_(Answer.created_at, Answer.id)
    shown = 0
    if cursor:
        shown, created_at, last_id = _decode_time_cursor(cursor, sort)
        after = sa.tuple_(sa.literal(created_at, Answer.created_at.type), sa.literal(last_id))
        query = query.where(key < after if sort is AnswerSort.NEWEST else key > after)
    if sort is AnswerSort.NEWEST:
        query = query.order_by(Answer.created_at.desc(), Answer.id.desc())
    else:
        query = query.order_by(Answer.created_at.asc(), Answer.id.asc())
    answers = _loaded(question, query.limit(limit + 1))
    shown = min(shown, max(question.answer_count - min(len(answers), limit), 0))
    if len(answers) <= limit:
        return AnswerPage(answers, None, start=shown + 1, sort=sort)
    answers = answers[:limit]
    last = answers[-1]
    after_last = encode_cursor(last.created_at, last.id)
    next_cursor = f"{_TIME_CURSOR[sort]}.{shown + limit}.{after_last}"
    return AnswerPage(answers, next_cursor, start=shown + 1, sort=sort)


def page_cursor_for(
    question: Question, answer: Answer, *, viewer: Any = VIEWER_OF_REQUEST
) -> str | None:
    """The cursor of a page of the question's answers that starts at ``answer``, or None
    when it is among the first page's: where a link to the answer leads (one SELECT, a
    count of the answers before it in reading order).

    Votes move answers between pages, so this is asked when the link is followed, not
    when it is written.
    """
    if viewer is VIEWER_OF_REQUEST:
        viewer = request_viewer()
    rank = _rank_of(question, answer)
    key = sa.tuple_(_reading_rank(question), -Answer.helpful_count, Answer.created_at, Answer.id)
    its_key = sa.tuple_(
        sa.literal(rank),
        sa.literal(-answer.helpful_count),
        sa.literal(answer.created_at, Answer.created_at.type),
        sa.literal(answer.id),
    )
    before = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Answer)
        .where(
            Answer.question_id == question.id,
            answer_visible(viewer, question=question),
            key < its_key,
        )
    )
    if before < ANSWERS_PER_PAGE:
        return None
    # Strictly after the key just below this answer's: the page starts with it. (Ids start
    # at 1; an id of 1 takes the microsecond before instead, where no other answer can be.)
    if answer.id > 1:
        after = encode_cursor(answer.created_at, answer.id - 1)
    else:
        after = encode_cursor(answer.created_at - timedelta(microseconds=1), MAX_ID)
    return f"{rank}.{answer.helpful_count}.{before}.{after}"


def official_staff_count(answers: Iterable[Answer]) -> int:
    """How many different staff members answered officially among these answers (no query)."""
    return len({answer.author_id for answer in answers if answer.is_official})


@dataclass(frozen=True)
class ViewerMarks:
    """What the viewer did on a question page: said "me too", follows it, found answers
    helpful, reported the question or answers (flags)."""

    me_too: bool = False
    following: bool = False
    helpful_ids: frozenset[int] = field(default_factory=frozenset)
    flagged_question: bool = False
    flagged_answer_ids: frozenset[int] = field(default_factory=frozenset)
    # For a moderator: how many flagged posts wait for review (the header's count), read in
    # the same statement; None for everyone else.
    open_flags: int | None = None


def _viewer_marks_statement(moderator: bool) -> sa.CompoundSelect:
    """The viewer's marks as one UNION ALL of small indexed lookups, for any user and
    question (bound at execution): made once per kind of viewer, since building and keying
    a five-armed statement cost more than running it."""
    user_id, question_id = sa.bindparam("user_id"), sa.bindparam("question_id")
    helpful = (
        sa.select(sa.literal("helpful").label("mark"), HelpfulVote.answer_id.label("id"))
        .join(Answer, Answer.id == HelpfulVote.answer_id)
        .where(HelpfulVote.user_id == user_id, Answer.question_id == question_id)
    )
    me_too = sa.select(sa.literal("me_too"), MeToo.question_id).where(
        MeToo.user_id == user_id, MeToo.question_id == question_id
    )
    following = sa.select(sa.literal("following"), Follow.question_id).where(
        Follow.user_id == user_id, Follow.question_id == question_id
    )
    flagged_question = (
        sa.select(sa.literal("flagged_question"), FlaggedPost.question_id)
        .join(Flag, Flag.flagged_post_id == FlaggedPost.id)
        .where(Flag.user_id == user_id, FlaggedPost.question_id == question_id)
    )
    flagged_answers = (
        sa.select(sa.literal("flagged_answer"), FlaggedPost.answer_id)
        .join(Flag, Flag.flagged_post_id == FlaggedPost.id)
        .join(Answer, Answer.id == FlaggedPost.answer_id)
        .where(Flag.user_id == user_id, Answer.question_id == question_id)
    )
    arms = [helpful, me_too, following, flagged_question, flagged_answers]
    if moderator:
        arms.append(
            sa.select(sa.literal("open_flags"), sa.func.count())
            .select_from(FlaggedPost)
            .where(FlaggedPost.status == FlagStatus.OPEN)
        )
    return sa.union_all(*arms)


_VIEWER_MARKS = {moderator: _viewer_marks_statement(moderator) for moderator in (False, True)}


def viewer_marks(user: Any, question_id: int) -> ViewerMarks:
    """The viewer's marks on a question and its answers: one SELECT (none for anonymous).

    Five small indexed lookups in one statement (UNION ALL), so the page's statement
    count does not grow with what a signed-in viewer can do on it; a moderator's also
    counts the flagged posts waiting for review.
    """

    if user is None or not user.is_authenticated:
        return ViewerMarks()
    moderator = is_moderator(user)
    rows = db.session.execute(
        _VIEWER_MARKS[moderator], {"user_id": user.id, "question_id": question_id}
    ).all()
    marks = {mark for mark, _ in rows}
    return ViewerMarks(
        me_too="me_too" in marks,
        following="following" in marks,
        helpful_ids=frozenset(answer_id for mark, answer_id in rows if mark == "helpful"),
        flagged_question="flagged_question" in marks,
        flagged_answer_ids=frozenset(i for mark, i in rows if mark == "flagged_answer"),
        open_flags=next((n for mark, n in rows if mark == "open_flags"), 0) if moderator else None,
    )


def list_answers_by_author(
    author_id: int, cursor: str | None = None, limit: int = 20
) -> Page[Answer]:
    """A page of a user's answers, newest first, each with its question loaded.

    Raises ``app.pagination.BadCursor`` for a cursor this server did not issue.
    """
    query = (
        sa.select(Answer)
        .options(joinedload(Answer.question))
        .where(Answer.author_id == author_id, answer_listed())
    )
    if cursor:
        created, last_id = decode_cursor(cursor, datetime)
        after = sa.tuple_(sa.literal(created, Answer.created_at.type), sa.literal(last_id))
        query = query.where(sa.tuple_(Answer.created_at, Answer.id) < after)
    query = query.order_by(Answer.created_at.desc(), Answer.id.desc()).limit(limit + 1)
    rows = list(db.session.execute(query).scalars())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id)
    return Page(items=rows, next_cursor=next_cursor)
