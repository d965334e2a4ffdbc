"""The one visibility rule (architecture.md, "One visibility rule").

What a viewer may see of a question or an answer is decided here and nowhere else. Two
kinds of question per object:

- ``*_listed()``: SQL for what every list, count, search, feed, sitemap, digest and
  notification shows. The same for everyone (a moderator's list equals an anonymous
  visitor's), so cached anonymous pages stay shared and no list leaks a hidden post.
- ``*_visible(viewer)`` (SQL) and ``can_see_*(viewer, obj)`` (Python, no query): whether
  the viewer may open the object itself (its page, its API object). A hidden post stays
  visible to its author, marked hidden with the reason, and to moderators; everyone else
  gets 404. A merged question is never listed; its address redirects to the original.

An answer is listed only while its question is, and visible only while its question is
visible to the viewer. A comment (issue 13) likewise: listed only while it and the post it is
on (its answer, its question) are; visible while that post is visible to the viewer and the
comment is not hidden, or the viewer wrote it or moderates.

Private details (product.md, "Private details") are a third question, asked of the question
for both kinds of post: ``can_read_private_details(viewer, question)``. They belong to no
list (lists are the same for everyone), so only the doors that show one post to one reader
ask it: the question page and its later pages of answers, the API's question object and a
question's answers, the edit forms, and the images attached to them (``can_see_image``).
Every other way out (search, feeds, the sitemap, JSON-LD,
notifications, e-mails, edit histories, the cached anonymous page) never reads them at all.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context
from flask_login import current_user

from app.answers.models import Answer
from app.comments.models import Comment
from app.policy import is_company_staff, is_moderator
from app.questions.models import Question
from app.uploads.models import Image, Place


def request_viewer() -> Any:
    """Who is reading in this request: the API token's user (None when the API call sent
    none), else the signed-in user of the pages (or the anonymous user); None outside a
    request. The API never reads the session cookie (app/api/auth.py), so neither does this
    for an API request."""
    if not has_request_context():
        return None
    if "api_user" in g:
        return g.api_user
    return current_user._get_current_object()


def signed_in(viewer: Any) -> bool:
    """Whether the viewer is a signed-in person (not anonymous, not outside a request)."""
    return bool(viewer is not None and getattr(viewer, "is_authenticated", False))


def question_listed(question: Any = Question) -> sa.ColumnElement[bool]:
    """SQL: the question shows in lists, counts, search, feeds, sitemap, notifications and
    e-mails: not hidden and not merged into another. ``question`` may be an alias (or a
    Core table) of ``questions``."""
    columns = getattr(question, "c", question)
    return sa.and_(columns.hidden_at.is_(None), columns.merged_into_id.is_(None))


def question_visible(viewer: Any, question: Any = Question) -> sa.ColumnElement[bool]:
    """SQL: the viewer may open the question: listed, or the viewer moderates, or the viewer
    wrote it and it is hidden (not merged)."""
    columns = getattr(question, "c", question)
    if is_moderator(viewer):
        return sa.true()
    listed = question_listed(question)
    if not signed_in(viewer):
        return listed
    return sa.or_(
        listed,
        sa.and_(columns.author_id == viewer.id, columns.merged_into_id.is_(None)),
    )


def can_see_question(viewer: Any, question: Question) -> bool:
    """Whether the viewer may open this question (no query): what ``question_visible`` says."""
    if question.hidden_at is None and question.merged_into_id is None:
        return True
    if is_moderator(viewer):
        return True
    return signed_in(viewer) and question.merged_into_id is None and question.author_id == viewer.id


# The question of an answer, under its own alias so it never correlates with a
# ``questions`` the caller joined. Made once: an alias copies every column of the table,
# which cost more than the rest of the answers query on a question page.
_ANSWER_QUESTION = Question.__table__.alias("answer_question")


def answer_listed(answer: Any = Answer) -> sa.ColumnElement[bool]:
    """SQL: the answer shows in lists, counts, search, feeds and notifications: not hidden,
    and its question is listed."""
    columns = getattr(answer, "c", answer)
    question = _ANSWER_QUESTION
    return sa.and_(
        columns.hidden_at.is_(None),
        sa.exists().where(question.c.id == columns.question_id, question_listed(question)),
    )


def answer_visible(
    viewer: Any, answer: Any = Answer, question: Question | None = None
) -> sa.ColumnElement[bool]:
    """SQL: the viewer may read the answer: its question is visible to the viewer, and the
    answer is not hidden, or the viewer wrote it or moderates.

    ``question``: the answers' question when the caller holds it (a page of one question's
    answers): whether the viewer sees it is asked here without SQL, and the statement
    only asks of the answers themselves."""
    columns = getattr(answer, "c", answer)
    if is_moderator(viewer):
        return sa.true()
    if question is not None:
        if not can_see_question(viewer, question):
            return sa.false()
        if not signed_in(viewer):
            return columns.hidden_at.is_(None)
        return sa.or_(columns.hidden_at.is_(None), columns.author_id == viewer.id)
    if not signed_in(viewer):
        return answer_listed(answer)
    question_row = _ANSWER_QUESTION
    return sa.and_(
        sa.or_(columns.hidden_at.is_(None), columns.author_id == viewer.id),
        sa.exists().where(
            question_row.c.id == columns.question_id, question_visible(viewer, question_row)
        ),
    )


def can_see_answer(viewer: Any, answer: Answer, question: Question | None = None) -> bool:
    """Whether the viewer may read this answer (no query when its question is loaded or
    given): its question is visible to them, and it is not hidden or they wrote it or
    moderate."""
    if not can_see_question(viewer, question if question is not None else answer.question):
        return False
    if answer.hidden_at is None or is_moderator(viewer):
        return True
    return signed_in(viewer) and answer.author_id == viewer.id


# A comment's answer and question, under their own aliases (as ``_ANSWER_QUESTION``).
_COMMENT_ANSWER = Answer.__table__.alias("comment_answer")
_COMMENT_QUESTION = Question.__table__.alias("comment_question")


def comment_listed(comment: Any = Comment) -> sa.ColumnElement[bool]:
    """SQL: the comment shows in counts and notifications (and would in any list): not
    hidden, its question listed, and its answer (if it is on one) not hidden."""
    columns = getattr(comment, "c", comment)
    question, answer = _COMMENT_QUESTION, _COMMENT_ANSWER
    return sa.and_(
        columns.hidden_at.is_(None),
        sa.exists().where(question.c.id == columns.question_id, question_listed(question)),
        sa.or_(
            columns.answer_id.is_(None),
            sa.exists().where(answer.c.id == columns.answer_id, answer.c.hidden_at.is_(None)),
        ),
    )


def comment_shown(viewer: Any, comment: Any = Comment) -> sa.ColumnElement[bool]:
    """SQL: of the comments on posts the viewer is reading (a page that already asked
    ``can_see_question``/``answer_visible`` of them), the ones the viewer sees: not hidden,
    or the viewer wrote it or moderates."""
    columns = getattr(comment, "c", comment)
    if is_moderator(viewer):
        return sa.true()
    if not signed_in(viewer):
        return columns.hidden_at.is_(None)
    return sa.or_(columns.hidden_at.is_(None), columns.author_id == viewer.id)


def can_see_comment(viewer: Any, comment: Comment) -> bool:
    """Whether the viewer may read this comment: the post it is on is visible to them, and
    it is not hidden or they wrote it or moderate (loads its post if not loaded)."""
    question = comment.question
    if comment.answer_id is not None:
        if not can_see_answer(viewer, comment.answer, question):
            return False
    elif not can_see_question(viewer, question):
        return False
    if comment.hidden_at is None or is_moderator(viewer):
        return True
    return signed_in(viewer) and comment.author_id == viewer.id


def sees_hidden(viewer: Any, post: Any) -> bool:
    """Whether the viewer is told a post is hidden, and why (its author and moderators);
    everyone else reads ``hidden: false`` and an empty reason."""
    if post.hidden_at is None:
        return False
    return is_moderator(viewer) or (signed_in(viewer) and post.author_id == viewer.id)


def can_read_private_details(viewer: Any, question: Question) -> bool:
    """Whether the viewer reads the private details of the question and of its answers: its
    asker, the active staff of its company, and moderators; nobody else, and nobody who may
    not open the question at all.

    Staff membership is asked afresh in every request (``app.companies.queries.staff_roles``
    remembers it for one request only), so staff who are revoked lose access at once. One
    SELECT at most, shared with the policy's other staff questions in the request; none for
    anonymous readers, the asker, moderators and on an unclaimed company (which has no staff).
    """
    if not signed_in(viewer) or not can_see_question(viewer, question):
        return False
    if viewer.id == question.author_id or is_moderator(viewer):
        return True
    company = question.company
    return company.is_claimed and is_company_staff(viewer, company)


def can_see_image(
    viewer: Any, image: Image, question: Question | None, answer: Answer | None = None
) -> bool:
    """Whether the viewer may fetch an attached image (no query once its post is loaded):
    a company logo, anyone; an image in a post, whoever may read that post (so none of a
    hidden, deleted or merged-away post's images leave for anyone else); an image in
    private details, whoever reads those private details, and of an answer's only while
    they may read the answer too."""
    if image.place is Place.LOGO:
        return True
    if question is None or (image.answer_id is not None and answer is None):
        return False
    if answer is not None and not can_see_answer(viewer, answer, question):
        return False
    if answer is None and not can_see_question(viewer, question):
        return False
    if image.place is Place.PRIVATE:
        return can_read_private_details(viewer, question)
    return True


__all__ = [
    "answer_listed",
    "answer_visible",
    "can_read_private_details",
    "can_see_image",
    "can_see_answer",
    "can_see_comment",
    "comment_listed",
    "comment_shown",
    "can_see_question",
    "question_listed",
    "question_visible",
    "request_viewer",
    "sees_hidden",
    "signed_in",
]
