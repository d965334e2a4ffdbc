"""Comment writes: posting, editing, deleting one's own, and moderators hiding and restoring.

Every function takes the acting user first, asks the policy, validates the text again (the
forms only give quicker messages), changes rows and commits once. Every change the
question's page shows moves its ``page_version`` (``page_changed``), so the anonymous page
cache never serves the old page. Hiding and deleting go through the moderation services
(``app.moderation.hiding.apply_comment_hide``): a hidden or deleted comment takes its unread
notifications with it, and the public moderation log gets a line, as for posts ("delete
spammer" hides an account's comments there too).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app import content, limits
from app.answers.models import Answer
from app.comments.models import BODY_MAX, BODY_MIN, PER_POST_MAX, Comment
from app.db import increment, utcnow
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.i18n import _
from app.moderation import audit, hiding
from app.moderation.deleting import BY_AUTHOR, BY_MODERATOR
from app.moderation.models import ModerationAction
from app.notifications.models import NotificationKind
from app.notifications.services import Event, add_follow, notify
from app.policy import Permission, require
from app.questions.models import Question
from app.questions.services import page_changed
from app.text import clean_text

Post = Question | Answer


def _clean_body(body: Any) -> str:
    """The comment's text, stripped; a ``ValidationError`` at ``body`` saying what is wrong."""
    text, why = clean_text(body, label=_("Your comment"), minimum=BODY_MIN, maximum=BODY_MAX)
    if why:
        raise ValidationError(_("Please correct your comment."), fields={"body": why})
    return text


def _shown_on(post: Post) -> sa.ColumnElement[bool]:
    """SQL: the comments shown on ``post`` (not hidden)."""
    on_post = (
        Comment.answer_id == post.id
        if isinstance(post, Answer)
        else sa.and_(Comment.question_id == post.id, Comment.answer_id.is_(None))
    )
    return sa.and_(on_post, Comment.hidden_at.is_(None))


def post_comment(author: Any, post: Post, *, body: Any) -> Comment:
    """Whoever may answer the question comments on it or on one of its answers: not on a
    locked question (moderators may), nor on a hidden or deleted post (``comment:create``).

    The text is Markdown with inline formatting and links only (no images), 1–600
    characters (``content.render_comment``). A post keeps at most ``PER_POST_MAX`` comments
    shown: past that, a clarification belongs in an answer. The limits on writing apply
    (``limits.admit_comment``: per hour, the first day, links, the same text twice).

    The commenter follows the question; the post's author and the question's followers are
    notified (never the commenter).
    """
    require(author, Permission.COMMENT_CREATE, post)
    text = _clean_body(body)
    question = post if isinstance(post, Question) else post.question
    shown = db.session.scalar(sa.select(sa.func.count()).where(_shown_on(post)))
    if shown >= PER_POST_MAX:
        why = _(
            "This already has %(count)d comments, the most one post keeps. Add an answer instead.",
            count=PER_POST_MAX,
        )
        raise ValidationError(why, fields={"body": why})
    limits.admit_comment(author, body=text)

    now = utcnow()
    rendered = content.render_comment(text)
    comment = Comment(
        question_id=question.id,
        answer_id=post.id if isinstance(post, Answer) else None,
        author_id=author.id,
        body=text,
        body_html=rendered.html,
        body_renderer_version=rendered.version,
        created_at=now,
        updated_at=now,
    )
    db.session.add(comment)
    db.session.flush()
    page_changed(question.id)
    increment(db.session, Question.comments_made, question.id)
    add_follow(author.id, question_id=question.id)
    notify(
        Event(
            NotificationKind.COMMENT,
            actor_id=author.id,
            question_id=question.id,
            answer_id=comment.answer_id,
            comment_id=comment.id,
            company_id=question.company_id,
            recipient_id=post.author_id,
        )
    )
    db.session.commit()
    return comment


def edit_comment(user: Any, comment: Comment, *, body: Any) -> Comment:
    """The author edits their own comment while it is shown; a moderator edits any (written
    to the audit log). The same bounds as posting; the same text again changes nothing."""
    require(user, Permission.COMMENT_EDIT, comment)
    text = _clean_body(body)
    if text == comment.body:
        return comment
    rendered = content.render_comment(text)
    comment.body = text
    comment.body_html = rendered.html
    comment.body_renderer_version = rendered.version
    comment.updated_at = utcnow()
    page_changed(comment.question_id)
    if user.id != comment.author_id:
        audit.record(
            user,
            "comment.edited",
            company_id=comment.question.company_id,
            subject_user_id=comment.author_id,
            note=f"Comment {comment.id} on question {comment.question_id}",
        )
    db.session.commit()
    return comment


def delete_comment(user: Any, comment: Comment) -> None:
    """The author deletes their own comment; a moderator deletes anybody's. Deleting is
    hiding with the reason "deleted by its author" (or "deleted by a moderator"), as for
    posts; a comment already gone is not found. Allowed before the address is verified."""
    require(user, Permission.POST_DELETE, comment)
    reason = BY_AUTHOR if comment.author_id == user.id else BY_MODERATOR
    if not hiding.apply_comment_hide(
        comment, by=user, reason=reason, action=ModerationAction.DELETE
    ):
        db.session.rollback()
        raise NotFound(_("It is deleted already."))
    db.session.commit()


def hide_comment(moderator: Any, comment: Comment, *, reason: Any) -> Comment:
    """A moderator hides a comment with a public reason (its author still sees it, marked
    hidden). Hiding a hidden comment changes nothing."""
    require(moderator, Permission.POST_HIDE, comment)
    hiding.apply_comment_hide(comment, by=moderator, reason=hiding.clean_reason(reason))
    db.session.commit()
    return comment


def restore_comment(moderator: Any, comment: Comment) -> Comment:
    """A moderator shows a hidden (or deleted) comment again."""
    require(moderator, Permission.POST_HIDE, comment)
    hiding.apply_comment_restore(comment, by=moderator)
    db.session.commit()
    return comment


__all__ = ["delete_comment", "edit_comment", "hide_comment", "post_comment", "restore_comment"]
