"""The question page's tools for taking posts down and tidying up: deleting one's own
question or answer, and merging a duplicate question into an earlier one.

Each view parses, calls one service and answers; the services hold every rule. A refused
merge shows the question page again with the message at the field and what was typed kept.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.answers.queries import get_answer
from app.errors import NotFound, ValidationError
from app.forms import show_errors
from app.i18n import _, _l
from app.moderation.deleting import delete_post
from app.moderation.forms import MergeForm, question_id_in
from app.moderation.merging import MERGE_MESSAGE, NO_SUCH_QUESTION, merge_question
from app.policy import Permission, require
from app.questions.queries import get_question
from app.questions.views import question_url, render_question_page, sign_in_redirect, viewer

bp = Blueprint("posts", __name__)

NOT_A_QUESTION = _l("Paste the original question's address, or its number.")


@bp.post("/questions/<id:question_id>/delete")
def delete_question(question_id: int) -> Response:
    """Delete a question (its author, while nobody else answered; or a moderator), then
    land on its company's page."""
    question = get_question(question_id)
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(question))
    company_slug = question.company.slug
    delete_post(viewer(), question)
    flash(_("The question is deleted: nobody else sees it any more."), "success")
    return redirect(url_for("companies.show", slug=company_slug), 303)


@bp.post("/answers/<id:answer_id>/delete")
def delete_answer(answer_id: int) -> Response:
    """Delete an answer (its author, or a moderator), then go back to its question."""
    answer = get_answer(answer_id)
    question = answer.question
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(question))
    delete_post(viewer(), answer)
    flash(_("The answer is deleted: nobody else sees it any more."), "success")
    return redirect(question_url(question, anchor="answers-heading"), 303)


@bp.post("/questions/<id:question_id>/merge")
def merge(question_id: int) -> Any:
    """Merge this question into an earlier one (staff of the claimed company, or a
    moderator), then land on the original."""
    question = get_question(question_id)
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(question))
    user = viewer()
    # Asked before the form, so someone who may not merge learns that, not "pick one".
    require(user, Permission.QUESTION_MERGE, question)
    form = MergeForm()
    if form.validate_on_submit():
        try:
            into_id = question_id_in(form.into.data)
            if into_id is None:
                raise ValidationError(str(MERGE_MESSAGE), fields={"into": str(NOT_A_QUESTION)})
            try:
                into = get_question(into_id)
            except NotFound:
                raise ValidationError(
                    str(MERGE_MESSAGE), fields={"into": str(NO_SUCH_QUESTION)}
                ) from None
            original = merge_question(user, question, into=into)
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(
                _(
                    "Merged: its answers, “me too” people and followers are here now, "
                    "and its address leads here."
                ),
                "success",
            )
            return redirect(question_url(original), 303)
    # The question page again, with the message at the field and the input kept.
    return render_question_page(question, merge_form=form, status=422)
