"""Hiding and restoring posts, locking and unlocking questions (product.md, "Keeping it
clean").

A hidden post is gone for everyone but its author and moderators: ``app.visibility`` is the
rule every way out asks; this module changes the rows it reads and keeps every counter it
affects exact, in the same transaction:

- hiding an answer takes it out of its question's ``answer_count`` (restoring puts it back)
  and recomputes ``has_official_answer`` and an automatic ``answered`` status from the
  answers still shown; the best answer stays chosen (a hidden best answer is not shown);
- hiding a question takes it out of its company's and product's ``question_count``;
- the post's unread notifications are withdrawn (deleted, each recipient's bell counter
  going down by exactly the rows this call deleted); read ones stay, out of sight while
  the post is hidden (``app.notifications.queries.notification_visible``);
- the search index drops a hidden question, and a hidden answer's text;
- the points the post earned its author are taken back, and restoring gives them back
  (``app.reputation.points``: an answer's votes, endorsement and best answer, a question's
  "me too"s);
- the question's page version moves (``page_changed``), so no cache serves the old page;
- one line goes to the public moderation log per post hidden or restored, with the public
  reason (never the hidden text).

Every change is a conditional UPDATE (``... WHERE hidden_at IS NULL``): doing it twice,
or twice at once, changes the row once, counts once and logs once.

``apply_hide`` / ``apply_restore`` ask no policy and never commit: other services use them
(flags hide with ``by=None``; an author deleting their own post hides it with
``action=DELETE`` and the reason "deleted by its author"). ``hide_post``,
``restore_post``, ``lock_question`` and ``unlock_question`` are the moderator's doors:
they ask the policy, check the reason and commit.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.answers.models import Answer
from app.comments.models import Comment
from app.companies.models import Company
from app.db import increment, utcnow
from app.errors import ValidationError
from app.extensions import db
from app.i18n import _
from app.moderation import log
from app.moderation.flag_models import FlaggedPost, FlagStatus
from app.moderation.models import ModerationAction, TargetType
from app.notifications.models import Notification
from app.policy import Permission, require
from app.products.models import Product
from app.questions import history
from app.questions.models import REASON_MAX, Kind, Question, Status
from app.questions.services import clean_text, page_changed
from app.reputation import points
from app.search import index as search_index

Post = Question | Answer


def clean_reason(reason: Any) -> str:
    """The moderator's public reason, stripped: plain text with a visible character, at most
    ``REASON_MAX`` characters; ``ValidationError`` on ``reason`` otherwise."""
    text, why = clean_text(reason, label=_("The reason"), minimum=1, maximum=REASON_MAX)
    if why:
        raise ValidationError(_("Please give a reason."), fields={"reason": why})
    return text


def _target(post: Post) -> TargetType:
    if isinstance(post, Question):
        return TargetType.QUESTION
    if isinstance(post, Answer):
        return TargetType.ANSWER
    raise TypeError(f"not a post: {post!r}")


def _question_id(post: Post) -> int:
    return post.id if isinstance(post, Question) else post.question_id


def _withdraw_notifications(post: Post | Comment) -> int:
    """Delete the post's (or comment's) unread notifications; each recipient's unread count
    goes down by the rows this statement deleted (so a concurrent ``mark_read`` is never
    counted twice)."""
    notifications = Notification.__table__
    if isinstance(post, Question):
        about = notifications.c.question_id == post.id
    elif isinstance(post, Comment):
        about = notifications.c.comment_id == post.id
    else:
        about = notifications.c.answer_id == post.id
    deleted = db.session.execute(
        sa.delete(notifications)
        .where(about, notifications.c.read_at.is_(None))
        .returning(notifications.c.user_id)
    ).all()
    per_user: dict[int, int] = {}
    for (user_id,) in deleted:
        per_user[user_id] = per_user.get(user_id, 0) + 1
    users = db.metadata.tables["users"]
    for user_id in sorted(per_user):
        db.session.execute(
            sa.update(users)
            .where(users.c.id == user_id)
            .values(
                unread_notification_count=users.c.unread_notification_count - per_user[user_id]
            ),
            execution_options={"synchronize_session": False},
        )
    return len(deleted)


def _recount_answers(question_id: int) -> None:
    """Recompute what the question derives from the answers it shows: whether an official
    one is among them, and (kind ``question``) the automatic answered/open status."""
    answers = Answer.__table__
    official = (
        sa.exists()
        .where(
            answers.c.question_id == question_id,
            answers.c.is_official.is_(True),
            answers.c.hidden_at.is_(None),
        )
        .correlate_except(answers)
    )
    best_shown = (
        sa.exists()
        .where(answers.c.id == Question.best_answer_id, answers.c.hidden_at.is_(None))
        .correlate_except(answers)
    )
    status_type = Question.__table__.c.status.type
    status = sa.case(
        (
            Question.kind == Kind.QUESTION.value,
            sa.case(
                (sa.or_(official, best_shown), sa.literal(Status.ANSWERED, status_type)),
                else_=sa.literal(Status.OPEN, status_type),
            ),
        ),
        else_=Question.status,
    )
    # An automatic change (answered ↔ open) goes to the status history, by nobody.
    history.record_sql(question_id, status)
    db.session.execute(
        sa.update(Question)
        .where(Question.id == question_id)
        .values(has_official_answer=official, status=status)
        .execution_options(synchronize_session=False)
    )


def _count_question(question: Question, by: int) -> None:
    """The company's and product's question counts, for a question that was or becomes
    listed (a merged question is counted by merging, not here)."""
    if question.merged_into_id is not None:
        return
    increment(db.session, Company.question_count, question.company_id, by)
    if question.product_id is not None:
        increment(db.session, Product.question_count, question.product_id, by)


def _set_hidden(post: Post, values: dict[str, Any], *, hidden: bool) -> bool:
    model = type(post)
    condition = model.hidden_at.is_(None) if hidden else model.hidden_at.is_not(None)
    result = db.session.execute(
        sa.update(model)
        .where(model.id == post.id, condition)
        .values(**values)
        .execution_options(synchronize_session=False),
        execution_options={"preserve_rowcount": True},
    )
    return result.rowcount == 1


def apply_hide(
    post: Post, *, by: Any, reason: str, action: ModerationAction = ModerationAction.HIDE
) -> bool:
    """Hide the post (no policy check, no commit): True when THIS call hid it.

    ``by`` is the moderator (or the author deleting their own post), None when no person
    did it by hand (flags). The reason is public: the author sees it, the log lists it.
    """
    target = _target(post)
    question_id = _question_id(post)
    changed = _set_hidden(
        post,
        {"hidden_at": utcnow(), "hidden_reason": reason, "hidden_by_id": getattr(by, "id", None)},
        hidden=True,
    )
    if changed:
        page_changed(question_id, scorecard=True)
        if isinstance(post, Answer):
            increment(db.session, Question.answer_count, question_id, -1)
            _recount_answers(question_id)
            points.answer_hidden(post.id)
        else:
            _count_question(post, -1)
            points.question_hidden(post.id)
        _withdraw_notifications(post)
        log.record(by, action, target, post.id, reason=reason)
        search_index.refresh_question(question_id)
    db.session.expire(post)
    if isinstance(post, Answer):
        _expire_question(question_id)
    return changed


def apply_restore(post: Post, *, by: Any) -> bool:
    """Show the post again (no policy check, no commit): True when THIS call restored it.
    Everything hiding took out comes back, counters exact."""
    target = _target(post)
    question_id = _question_id(post)
    changed = _set_hidden(
        post, {"hidden_at": None, "hidden_reason": "", "hidden_by_id": None}, hidden=False
    )
    if changed:
        page_changed(question_id, scorecard=True)
        if isinstance(post, Answer):
            increment(db.session, Question.answer_count, question_id, 1)
            _recount_answers(question_id)
            points.answer_restored(post.id)
        else:
            _count_question(post, 1)
            points.question_restored(post.id)
        log.record(by, ModerationAction.RESTORE, target, post.id)
        search_index.refresh_question(question_id)
    db.session.expire(post)
    if isinstance(post, Answer):
        _expire_question(question_id)
    return changed


def _expire_question(question_id: int) -> None:
    question = db.session.identity_map.get(
        db.session.identity_key(Question, question_id)  # type: ignore[arg-type]
    )
    if question is not None:
        db.session.expire(question)


def hide_post(moderator: Any, post: Post, *, reason: Any) -> Post:
    """A moderator hides a question or an answer, with a public reason the author sees.
    Hiding a hidden post changes nothing (and logs nothing)."""
    require(moderator, Permission.POST_HIDE, post)
    text = clean_reason(reason)
    apply_hide(post, by=moderator, reason=text)
    db.session.commit()
    return post


def restore_post(moderator: Any, post: Post) -> Post:
    """A moderator shows a hidden post again. Restoring a shown post changes nothing.

    The restore also settles the post's flags: waiting in the review queue, or settled
    by hiding, they read as dismissed by this moderator from now on, so the queue never
    lists a post as hidden that everybody can read."""
    require(moderator, Permission.POST_HIDE, post)
    if apply_restore(post, by=moderator):
        _dismiss_flags(post, moderator)
    db.session.commit()
    return post


def _dismiss_flags(post: Post, moderator: Any) -> None:
    column = FlaggedPost.question_id if isinstance(post, Question) else FlaggedPost.answer_id
    db.session.execute(
        sa.update(FlaggedPost)
        .where(column == post.id, FlaggedPost.status != FlagStatus.DISMISSED)
        .values(status=FlagStatus.DISMISSED, resolved_by_id=moderator.id, resolved_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _set_comment_hidden(comment: Comment, values: dict[str, Any], *, hidden: bool) -> bool:
    condition = Comment.hidden_at.is_(None) if hidden else Comment.hidden_at.is_not(None)
    result = db.session.execute(
        sa.update(Comment)
        .where(Comment.id == comment.id, condition)
        .values(**values)
        .execution_options(synchronize_session=False),
        execution_options={"preserve_rowcount": True},
    )
    db.session.expire(comment)
    return result.rowcount == 1


def apply_comment_hide(
    comment: Comment, *, by: Any, reason: str, action: ModerationAction = ModerationAction.HIDE
) -> bool:
    """Hide a comment (issue 13; no policy check, no commit): True when THIS call hid it.
    Its question's page version moves, its unread notifications are withdrawn and the
    public log has a line, as for posts. ``action=DELETE``: its author deleting it."""
    question_id = comment.question_id
    changed = _set_comment_hidden(
        comment,
        {"hidden_at": utcnow(), "hidden_reason": reason, "hidden_by_id": getattr(by, "id", None)},
        hidden=True,
    )
    if changed:
        page_changed(question_id)
        _withdraw_notifications(comment)
        log.record(by, action, TargetType.COMMENT, comment.id, reason=reason)
    return changed


def apply_comment_restore(comment: Comment, *, by: Any) -> bool:
    """Show a hidden comment again (no policy check, no commit): True when THIS call did."""
    question_id = comment.question_id
    changed = _set_comment_hidden(
        comment, {"hidden_at": None, "hidden_reason": "", "hidden_by_id": None}, hidden=False
    )
    if changed:
        page_changed(question_id)
        log.record(by, ModerationAction.RESTORE, TargetType.COMMENT, comment.id)
    return changed


def hide_all_posts_of(user: Any, *, by: Any, reason: str) -> int:
    """Hide every shown question, answer and comment of the user ("delete spammer"); how
    many this call hid. One log line per post hidden (each post's line is what its restore
    undoes). No policy check and no commit: the calling service does both."""
    hidden = 0
    questions = db.session.scalars(
        sa.select(Question).where(Question.author_id == user.id, Question.hidden_at.is_(None))
    ).all()
    for question in questions:
        hidden += apply_hide(question, by=by, reason=reason)
    answers = db.session.scalars(
        sa.select(Answer).where(Answer.author_id == user.id, Answer.hidden_at.is_(None))
    ).all()
    for answer in answers:
        hidden += apply_hide(answer, by=by, reason=reason)
    comments = db.session.scalars(
        sa.select(Comment).where(Comment.author_id == user.id, Comment.hidden_at.is_(None))
    ).all()
    for comment in comments:
        hidden += apply_comment_hide(comment, by=by, reason=reason)
    return hidden


def _set_lock(question: Question, *, locked: bool, reason: str) -> bool:
    result = db.session.execute(
        sa.update(Question)
        .where(Question.id == question.id, Question.locked.is_(not locked))
        .values(locked=locked, lock_reason=reason)
        .execution_options(synchronize_session=False),
        execution_options={"preserve_rowcount": True},
    )
    return result.rowcount == 1


def lock_question(moderator: Any, question: Question, *, reason: Any) -> Question:
    """A moderator locks a question, with a public reason the page shows: no new answers,
    helpful votes or "me too" from anyone but moderators. Locking a locked question
    changes nothing."""
    require(moderator, Permission.QUESTION_LOCK, question)
    text = clean_reason(reason)
    if _set_lock(question, locked=True, reason=text):
        page_changed(question.id)
        log.record(moderator, ModerationAction.LOCK, TargetType.QUESTION, question.id, reason=text)
    db.session.commit()
    db.session.expire(question)
    return question


def unlock_question(moderator: Any, question: Question) -> Question:
    """A moderator unlocks a question. Unlocking an unlocked question changes nothing."""
    require(moderator, Permission.QUESTION_LOCK, question)
    if _set_lock(question, locked=False, reason=""):
        page_changed(question.id)
        log.record(moderator, ModerationAction.UNLOCK, TargetType.QUESTION, question.id)
    db.session.commit()
    db.session.expire(question)
    return question


__all__ = [
    "apply_hide",
    "apply_restore",
    "clean_reason",
    "hide_all_posts_of",
    "hide_post",
    "lock_question",
    "restore_post",
    "unlock_question",
]
