"""HTML views: commenting on questions and answers, editing, deleting, hiding, restoring.

The question page carries a small form under every post (``templates/comments/``); a refused
comment, or its Preview button, shows the comment's own page with the form, what was typed
and the error or the preview. Views only parse, call ``app.comments.services`` and answer.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from app.answers import queries as answer_queries
from app.answers.models import Answer
from app.answers.queries import get_answer
from app.comments import bp, services
from app.comments.forms import COMMENT_HINT, CommentForm
from app.comments.models import Comment
from app.comments.preview import COMMENT, show_previews, wants_preview
from app.comments.queries import get_comment
from app.errors import RateLimited, ValidationError
from app.forms import refused, show_errors
from app.i18n import _
from app.moderation.forms import ReasonForm
from app.policy import Permission, require
from app.questions.models import Question
from app.questions.queries import get_question
from app.questions.views import question_url, render_question_page, sign_in_redirect, viewer


def comment_url(comment: Comment) -> str:
    """Where a comment is shown now: under its question, or under its answer on the page of
    answers that holds it, at the comment."""
    question = comment.question
    cursor = None
    if comment.answer_id is not None:
        cursor = answer_queries.page_cursor_for(question, comment.answer)
    return question_url(question, anchor=f"comment-{comment.id}", cursor=cursor)


def _post_url(post: Question | Answer) -> str:
    if isinstance(post, Answer):
        cursor = answer_queries.page_cursor_for(post.question, post)
        return question_url(post.question, anchor=f"answer-{post.id}", cursor=cursor)
    return question_url(post, anchor="question")


def _render_form(
    form: CommentForm,
    post: Question | Answer,
    *,
    comment: Comment | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> tuple[str, int, dict[str, str]]:
    """The comment's own page: the post it is on, the form, and a preview when asked."""
    question = post.question if isinstance(post, Answer) else post
    if wants_preview():
        show_previews(form, kind=COMMENT)
    page = render_template(
        "comments/form.html",
        form=form,
        post=post,
        question=question,
        comment=comment,
        is_answer=isinstance(post, Answer),
        hint=COMMENT_HINT,
        action=request.path,
        back=_post_url(post),
    )
    return page, status, headers or {}


def _comment_on(post: Question | Answer) -> Any:
    """Show the form (GET), preview it, or post the comment and go back to it on the page."""
    if not current_user.is_authenticated:
        return sign_in_redirect(_post_url(post))
    user = viewer()
    # Asked before the form, so a locked question says so rather than "write something".
    require(user, Permission.COMMENT_CREATE, post)
    form = CommentForm()
    if request.method in ("GET", "HEAD") or wants_preview():
        form.validate_on_submit()  # the CSRF token and the text's messages, nothing saved
        return _render_form(form, post)
    if form.validate_on_submit():
        try:
            comment = services.post_comment(user, post, body=form.body.data)
        except (ValidationError, RateLimited) as error:
            show_errors(form, error)
            status, headers = refused(error)
            return _render_form(form, post, status=status, headers=headers)
        flash(_("Thanks, your comment is posted."), "success")
        return redirect(comment_url(comment), 303)
    return _render_form(form, post, status=422)


@bp.route("/questions/<id:question_id>/comments", methods=["GET", "POST"])
def on_question(question_id: int) -> Any:
    return _comment_on(get_question(question_id))


@bp.route("/answers/<id:answer_id>/comments", methods=["GET", "POST"])
def on_answer(answer_id: int) -> Any:
    return _comment_on(get_answer(answer_id))


@bp.get("/comments/<id:comment_id>")
def show(comment_id: int) -> Response:
    """A comment's own address (notifications, e-mails): where it is shown now."""
    return redirect(comment_url(get_comment(comment_id)), 302)


@bp.route("/comments/<id:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id: int) -> Any:
    if not current_user.is_authenticated:
        return sign_in_redirect(request.path)
    user = viewer()
    comment = get_comment(comment_id)
    require(user, Permission.COMMENT_EDIT, comment)
    form = CommentForm(data={"body": comment.body})
    if request.method == "POST" and not wants_preview():
        if form.validate_on_submit():
            try:
                services.edit_comment(user, comment, body=form.body.data)
            except ValidationError as error:
                show_errors(form, error)
            else:
                flash(_("Your comment is updated."), "success")
                return redirect(comment_url(comment), 303)
        return _render_form(form, comment.post, comment=comment, status=422)
    form.validate_on_submit()
    return _render_form(form, comment.post, comment=comment)


def _comment_for(action: Permission) -> tuple[Any, Comment] | Response:
    """The signed-in user and the comment of the URL, checked for ``action`` (a visitor is
    sent to sign in, then back to the comment)."""
    comment = get_comment(int((request.view_args or {})["comment_id"]))
    if not current_user.is_authenticated:
        return sign_in_redirect(comment_url(comment))
    user = viewer()
    require(user, action, comment)
    return user, comment


@bp.post("/comments/<id:comment_id>/delete")
def delete(comment_id: int) -> Response:
    found = _comment_for(Permission.POST_DELETE)
    if isinstance(found, Response):
        return found
    user, comment = found
    if not ReasonForm().validate_on_submit():  # the CSRF token
        abort(400)
    services.delete_comment(user, comment)
    flash(_("Your comment is deleted."), "success")
    return redirect(_post_url(comment.post), 303)


@bp.post("/comments/<id:comment_id>/hide")
def hide(comment_id: int) -> Any:
    found = _comment_for(Permission.POST_HIDE)
    if isinstance(found, Response):
        return found
    user, comment = found
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.hide_comment(user, comment, reason=form.reason.data)
    except ValidationError as error:
        why = error.fields.get("reason") or error.message
        cursor = None
        if comment.answer_id is not None:
            cursor = answer_queries.page_cursor_for(comment.question, comment.answer)
        return render_question_page(
            comment.question,
            cursor=cursor,
            reason_errors={f"hide-comment-{comment.id}": (form.reason.data or "", why)},
            status=422,
        )
    flash(_("The comment is hidden: only its author and moderators see it now."), "success")
    return redirect(comment_url(comment), 303)


@bp.post("/comments/<id:comment_id>/restore")
def restore(comment_id: int) -> Response:
    found = _comment_for(Permission.POST_HIDE)
    if isinstance(found, Response):
        return found
    user, comment = found
    if not ReasonForm().validate_on_submit():  # the CSRF token
        abort(400)
    services.restore_comment(user, comment)
    flash(_("The comment is shown again."), "success")
    return redirect(comment_url(comment), 303)
