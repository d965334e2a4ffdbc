"""Merging a duplicate question into an earlier one (product.md, "Duplicates").

Staff of the claimed company and moderators merge a question into an earlier question of
the same company. In ONE transaction:

- the duplicate's answers move to the original (``Answer.question_id``), with their helpful
  votes, official and endorsed marks (they live on the answer rows and follow them); an
  answer's private details are for its question's asker, so a duplicate whose answers hold
  some is merged only into a question of the same asker (else a field error on ``into``:
  the original's asker would read what staff wrote for someone else);
- its "me too" people join the original's, nobody counted twice: each missing one is
  inserted, the original's asker is never a "me too" of their own question, and the
  duplicate's asker becomes one unless they asked the original;
- its followers (its asker among them) follow the original, once each, and the
  notifications about it lead to the original (where its answers are now);
- the counters of both questions are recomputed from the rows (never adjusted by guess):
  ``answer_count`` (the answers shown, ``app.visibility.answer_listed``), ``me_too_count``,
  ``has_official_answer``, ``last_activity_at``; the duplicate leaves its company's and
  product's question counts;
- the duplicate gets ``merged_into_id``: ``app.visibility.question_listed`` then keeps it
  out of every list, search result, feed and sitemap, and its address redirects (301);
- the followers of either question hear about it once (one notification each);
- one line goes to the public moderation log, and both pages' versions move.

The claim is a conditional UPDATE (``… WHERE merged_into_id IS NULL``): merging the same
question twice at once leaves one merge, and the second is told it is already merged.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.answers.models import Answer
from app.companies.models import Company
from app.db import increment
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.i18n import _, _l
from app.moderation import log
from app.moderation.models import ModerationAction, TargetType
from app.moderation.reasons import duplicate_reason
from app.notifications.models import Follow, Notification, NotificationKind
from app.notifications.services import Event, notify
from app.policy import Permission, require
from app.products.models import Product
from app.questions import history
from app.questions.models import Kind, MeToo, Question, Status
from app.questions.services import page_changed
from app.search import index as search_index
from app.uploads.models import Image, Place
from app.visibility import answer_listed, question_listed
from app.webhooks import services as webhooks

NO_SUCH_QUESTION = _l("There is no such question.")
MERGE_MESSAGE = _l("Please choose the question to merge this one into.")


def merge_problems(duplicate: Question, into: Question | None) -> dict[str, str]:
    """What is wrong with merging ``duplicate`` into ``into``, at the field ``into`` (empty
    when nothing): the original must be another question of the same company, asked
    before the duplicate, shown to everyone (not hidden), and not merged itself."""
    if into is None:
        return {"into": str(NO_SUCH_QUESTION)}
    if into.id == duplicate.id:
        return {"into": _("A question cannot be merged into itself: choose the original.")}
    if into.company_id != duplicate.company_id:
        return {"into": _("Choose a question about %(company)s.", company=duplicate.company.name)}
    if (into.created_at, into.id) >= (duplicate.created_at, duplicate.id):
        return {
            "into": _("Choose a question asked before this one: the later one is the duplicate.")
        }
    if into.merged_into_id is not None:
        return {
            "into": _(
                "That question is merged into question %(id)s: choose that one.",
                id=into.merged_into_id,
            )
        }
    if not _listed(into.id):
        return {"into": _("That question is not shown to everyone: choose another.")}
    return _private_details_problem(duplicate, into)


PRIVATE_DETAILS_FOR_ANOTHER_ASKER = _l(
    "Answers to this question hold private details for its asker, and that question has "
    "another asker, who would read them. Remove the private details from those answers "
    "first, or leave the questions apart."
)


def _private_details_problem(duplicate: Question, into: Question) -> dict[str, str]:
    """Answers with private details (or images in them) move only to a question of the same
    asker (one SELECT, none when the asker is the same)."""
    if into.author_id == duplicate.author_id:
        return {}
    private_images = sa.exists().where(Image.answer_id == Answer.id, Image.place == Place.PRIVATE)
    held = db.session.execute(
        sa.select(Answer.id)
        .where(
            Answer.question_id == duplicate.id,
            sa.or_(Answer.private_details.is_not(None), private_images),
        )
        .limit(1)
    ).first()
    return {"into": str(PRIVATE_DETAILS_FOR_ANOTHER_ASKER)} if held else {}


def _listed(question_id: int) -> bool:
    return bool(
        db.session.execute(
            sa.select(Question.id).where(Question.id == question_id, question_listed())
        ).first()
    )


def merge_question(user: Any, duplicate: Question, *, into: Question | None) -> Question:
    """Staff of the question's claimed company, or a moderator, merge a duplicate question
    into an earlier one of the same company; the original is returned.

    ``into`` must be another question of the same company, asked earlier, shown to
    everyone and not merged itself (else a field error on ``into``). A question already
    merged cannot be merged again (``Conflict``). Everything the module docstring lists
    happens in one transaction.

    The duplicate's best answer stays an answer of the original, not its best answer: the
    original's asker chooses the best answer to their own question.
    """
    require(user, Permission.QUESTION_MERGE, duplicate)
    if duplicate.merged_into_id is not None:
        raise Conflict(_already_merged(duplicate.merged_into_id))
    errors = merge_problems(duplicate, into)
    if errors or into is None:
        raise ValidationError(str(MERGE_MESSAGE), fields=errors or {"into": str(NO_SUCH_QUESTION)})

    # The original first, later-created before earlier everywhere (no deadlock): it must
    # still be shown and not merged when this merge commits.
    kept = _update(
        sa.update(Question)
        .where(Question.id == into.id, question_listed())
        .values(page_version=Question.page_version + 1)
    )
    if not kept:
        db.session.rollback()
        raise ValidationError(
            str(MERGE_MESSAGE),
            fields={"into": _("That question is not shown to everyone any more.")},
        )
    claimed = db.session.execute(
        sa.update(Question)
        .where(Question.id == duplicate.id, Question.merged_into_id.is_(None))
        .values(merged_into_id=into.id, best_answer_id=None)
        .returning(Question.hidden_at)
        .execution_options(synchronize_session=False)
    ).first()
    if claimed is None:
        db.session.rollback()
        db.session.expire(duplicate)
        raise Conflict(_already_merged(duplicate.merged_into_id))
    # Asked again now that the duplicate's row is ours: an answer posted meanwhile counts.
    late = _private_details_problem(duplicate, into)
    if late:
        db.session.rollback()
        raise ValidationError(MERGE_MESSAGE, fields=late)
    was_listed = claimed.hidden_at is None

    _move_answers(duplicate.id, into.id)
    _move_me_toos(duplicate, into)
    _move_followers(duplicate.id, into.id)
    _move_notifications(duplicate.id, into.id)
    _recount(duplicate.id)
    _recount(into.id)
    _promote_status(into.id)
    if was_listed:
        # It leaves its company's and product's counts, as hiding takes it out of them.
        increment(db.session, Company.question_count, duplicate.company_id, -1)
        if duplicate.product_id is not None:
            increment(db.session, Product.question_count, duplicate.product_id, -1)
    page_changed(duplicate.id, scorecard=True)
    search_index.refresh_question(duplicate.id)
    search_index.refresh_question(into.id)
    log.record(
        user,
        ModerationAction.MERGE,
        TargetType.QUESTION,
        duplicate.id,
        reason=duplicate_reason(into.id),
    )
    notify(
        Event(
            NotificationKind.QUESTION_MERGED,
            actor_id=user.id,
            question_id=into.id,
            company_id=into.company_id,
            detail=str(duplicate.id),
        )
    )
    db.session.flush()
    db.session.expire(into)  # its counts moved in SQL: the event shows them as they are now
    webhooks.emit(
        "question.merged", into.company_id, question=into, extra={"duplicate_id": duplicate.id}
    )
    db.session.commit()
    db.session.expire(duplicate)
    db.session.expire(into)
    return into


def _already_merged(into_id: int | None) -> str:
    return _("This question is already merged into question %(id)s.", id=into_id)


def _update(statement: Any) -> Any:
    """Run a conditional UPDATE; how many rows it changed."""
    result = db.session.execute(
        statement.execution_options(synchronize_session=False),
        execution_options={"preserve_rowcount": True},
    )
    return result.rowcount


def _move_answers(duplicate_id: int, into_id: int) -> None:
    """The answers change question; their votes and marks are theirs and come along."""
    db.session.execute(
        sa.update(Answer)
        .where(Answer.question_id == duplicate_id)
        .values(question_id=into_id)
        .execution_options(synchronize_session=False)
    )
    # Their images too (the duplicate's own stay with it, read as it is read).
    db.session.execute(
        sa.update(Image)
        .where(Image.question_id == duplicate_id, Image.answer_id.is_not(None))
        .values(question_id=into_id)
        .execution_options(synchronize_session=False)
    )


def _move_me_toos(duplicate: Question, into: Question) -> None:
    """The duplicate's "me too" people, and its asker, join the original's, once each;
    the original's asker is never one of their own question."""
    me_toos = MeToo.__table__
    from_duplicate = sa.select(
        me_toos.c.user_id.label("joiner_id"), me_toos.c.created_at.label("since")
    ).where(me_toos.c.question_id == duplicate.id, me_toos.c.user_id != into.author_id)
    joiners = from_duplicate
    if duplicate.author_id != into.author_id:
        joiners = sa.union(
            from_duplicate,
            sa.select(
                sa.literal(duplicate.author_id, sa.Integer).label("joiner_id"),
                sa.literal(duplicate.created_at, me_toos.c.created_at.type).label("since"),
            ),
        )
    # One row per person (the asker may also have said "me too" on their own duplicate).
    people = joiners.subquery("joiners")
    first = (
        sa.select(people.c.joiner_id, sa.func.min(people.c.since).label("since"))
        .group_by(people.c.joiner_id)
        .subquery("people")
    )
    missing = sa.select(sa.literal(into.id, sa.Integer), first.c.joiner_id, first.c.since).where(
        ~sa.exists().where(me_toos.c.question_id == into.id, me_toos.c.user_id == first.c.joiner_id)
    )
    db.session.execute(
        sa.insert(me_toos).from_select(["question_id", "user_id", "created_at"], missing)
    )
    db.session.execute(sa.delete(me_toos).where(me_toos.c.question_id == duplicate.id))


def _move_followers(duplicate_id: int, into_id: int) -> None:
    """Whoever follows the duplicate follows the original, once."""
    follows = Follow.__table__
    other = follows.alias("already")
    missing = sa.select(
        follows.c.user_id, sa.literal(into_id, sa.Integer), follows.c.created_at
    ).where(
        follows.c.question_id == duplicate_id,
        ~sa.exists().where(other.c.question_id == into_id, other.c.user_id == follows.c.user_id),
    )
    db.session.execute(
        sa.insert(follows).from_select(["user_id", "question_id", "created_at"], missing)
    )
    db.session.execute(sa.delete(follows).where(follows.c.question_id == duplicate_id))


def _move_notifications(duplicate_id: int, into_id: int) -> None:
    """Notifications about the duplicate (its answers, its status) lead to the original,
    where those answers are now: a merged question is seen by nobody, so they would
    otherwise vanish from their pages while still counted as unread."""
    notifications = Notification.__table__
    db.session.execute(
        sa.update(notifications)
        .where(notifications.c.question_id == duplicate_id)
        .values(question_id=into_id)
    )


def _recount(question_id: int) -> None:
    """Counters from the rows: the answers shown, the "me too" rows, an official answer
    among those shown, and the last activity (asking, or the newest answer shown)."""
    answers = Answer.__table__.alias("counted")
    shown = sa.and_(answers.c.question_id == question_id, answer_listed(answers))
    me_toos = MeToo.__table__
    newest_answer = sa.select(sa.func.max(answers.c.created_at)).where(shown).scalar_subquery()
    db.session.execute(
        sa.update(Question)
        .where(Question.id == question_id)
        .values(
            answer_count=sa.select(sa.func.count())
            .select_from(answers)
            .where(shown)
            .scalar_subquery(),
            me_too_count=sa.select(sa.func.count())
            .select_from(me_toos)
            .where(me_toos.c.question_id == question_id)
            .scalar_subquery(),
            has_official_answer=sa.exists().where(shown, answers.c.is_official.is_(True)),
            last_activity_at=sa.case(
                (
                    sa.and_(newest_answer.is_not(None), newest_answer > Question.last_activity_at),
                    newest_answer,
                ),
                else_=Question.last_activity_at,
            ),
        )
        .execution_options(synchronize_session=False)
    )


def _promote_status(into_id: int) -> None:
    """A question (kind ``question``) that now has an official answer reads answered, as
    posting one would have made it."""
    status_type = Question.__table__.c.status.type
    history.record_sql(
        into_id,
        sa.literal(Status.ANSWERED, status_type),
        Question.kind == Kind.QUESTION,
        Question.has_official_answer.is_(True),
    )
    db.session.execute(
        sa.update(Question)
        .where(
            Question.id == into_id,
            Question.kind == Kind.QUESTION,
            Question.has_official_answer.is_(True),
        )
        .values(status=Status.ANSWERED)
        .execution_options(synchronize_session=False)
    )


__all__ = ["merge_problems", "merge_question"]
