"""Pages: a moderator hides and restores posts, locks and unlocks questions (small forms
on the question page, working without JavaScript), and the public moderation log.

Views only parse, call ``app.moderation.hiding`` and render; the services hold every rule.
A reason the service refuses comes back on the question page, at the form, with what was
typed (422).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from app.answers.queries import get_answer
from app.errors import DomainError, ValidationError
from app.i18n import _
from app.moderation import hiding
from app.moderation.forms import ReasonForm
from app.moderation.queries import MODERATION_LABELS, list_moderation_log
from app.pagination import BAD_PAGE_LINK, BadCursor, cursor_from
from app.policy import Permission, require
from app.questions.queries import get_question
from app.questions.views import question_url, render_question_page, sign_in_redirect, viewer

bp = Blueprint("hiding", __name__)


def _form() -> ReasonForm:
    form = ReasonForm()
    if not form.validate_on_submit():  # only the CSRF token can fail
        abort(400)
    return form


def _refused(question: Any, key: str, form: ReasonForm, error: ValidationError) -> Any:
    """The question page again, the reason as typed and the error at the form ``key``."""
    why = error.fields.get("reason") or error.message
    return render_question_page(
        question, reason_errors={key: (form.reason.data or "", why)}, status=422
    )


@bp.post("/questions/<id:question_id>/hide")
def hide_question(question_id: int) -> Any:
    question = get_question(question_id)
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(question))
    require(viewer(), Permission.POST_HIDE, question)
    form = _form()
    try:
        hiding.hide_post(viewer(), question, reason=form.reason.data)
    except ValidationError as error:
        return _refused(question, "hide-question", form, error)
    flash(_("The question is hidden: only its author and moderators see it now."), "success")
    return redirect(question_url(question), 303)


@bp.post("/questions/<id:question_id>/restore")
def restore_question(question_id: int) -> Response:
    question = get_question(question_id)
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(question))
    require(viewer(), Permission.POST_HIDE, question)
    _form()
    hiding.restore_post(viewer(), question)
    flash(_("The question is restored: everyone sees it again."), "success")
    return redirect(question_url(question), 303)


@bp.post("/questions/<id:question_id>/lock")
def lock_question(question_id: int) -> Any:
    question = get_question(question_id)
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(question))
    require(viewer(), Permission.QUESTION_LOCK, question)
    form = _form()
    try:
        hiding.lock_question(viewer(), question, reason=form.reason.data)
    except ValidationError as error:
        return _refused(question, "lock-question", form, error)
    flash(_("The question is locked: no new answers, votes or me-toos."), "success")
    return redirect(question_url(question), 303)


@bp.post("/questions/<id:question_id>/unlock")
def unlock_question(question_id: int) -> Response:
    question = get_question(question_id)
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(question))
    require(viewer(), Permission.QUESTION_LOCK, question)
    _form()
    hiding.unlock_question(viewer(), question)
    flash(_("The question is unlocked."), "success")
    return redirect(question_url(question), 303)


@bp.post("/answers/<id:answer_id>/hide")
def hide_answer(answer_id: int) -> Any:
    answer = get_answer(answer_id)
    question = answer.question
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(question))
    require(viewer(), Permission.POST_HIDE, answer)
    form = _form()
    try:
        hiding.hide_post(viewer(), answer, reason=form.reason.data)
    except ValidationError as error:
        return _refused(get_question(question.id), f"hide-answer-{answer.id}", form, error)
    flash(_("The answer is hidden: only its author and moderators see it now."), "success")
    return redirect(question_url(question, anchor=f"answer-{answer.id}"), 303)


@bp.post("/answers/<id:answer_id>/restore")
def restore_answer(answer_id: int) -> Response:
    answer = get_answer(answer_id)
    question = answer.question
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(question))
    require(viewer(), Permission.POST_HIDE, answer)
    _form()
    hiding.restore_post(viewer(), answer)
    flash(_("The answer is restored: everyone sees it again."), "success")
    return redirect(question_url(question, anchor=f"answer-{answer_id}"), 303)


@bp.get("/moderation/log")
def log() -> str:
    """The public moderation log, newest first: what was done to which post or account, by
    whom, when and why (never the hidden text). Anyone reads it; one SELECT a page."""
    try:
        page = list_moderation_log(
            cursor=cursor_from(request.args), limit=current_app.config["PAGE_SIZE"]
        )
    except BadCursor:
        raise DomainError(BAD_PAGE_LINK) from None
    return render_template("moderation/log.html", page=page, labels=MODERATION_LABELS)
