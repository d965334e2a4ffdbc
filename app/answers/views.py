"""HTML views: posting and editing answers, helpful votes, the best answer, endorsements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from app import in_place
from app.answers import bp, services
from app.answers import queries as answer_queries
from app.answers.forms import AnswerForm, BestAnswerForm, EndorseForm, HelpfulForm
from app.answers.models import Answer
from app.answers.queries import get_answer
from app.comments.preview import show_previews, wants_preview
from app.errors import RateLimited, ValidationError
from app.forms import refused, show_errors
from app.i18n import _, _l
from app.policy import Permission, can, require
from app.questions.forms import ANSWER_PRIVATE_DETAILS_HINT, MARKDOWN_HINT
from app.questions.queries import get_question
from app.questions.views import question_url, render_question_page, sign_in_redirect, viewer
from app.uploads.forms import chosen


def answer_page_url(answer: Answer) -> str:
    """Where an answer is shown now: the page of its question's answers that holds it
    (the first page, or a later one starting with it), at the answer."""
    question = answer.question
    cursor = answer_queries.page_cursor_for(question, answer)
    return question_url(question, anchor=f"answer-{answer.id}", cursor=cursor)


@bp.get("/answers/<id:answer_id>")
def show(answer_id: int) -> Response:
    """An answer's own address, for links written once and followed later (e-mails, feeds,
    profiles, the API's ``url``): votes move answers between pages, so where it is shown
    is looked up when the link is followed. Two SELECTs."""
    return redirect(answer_page_url(get_answer(answer_id)), 302)


@bp.post("/questions/<id:question_id>/answers")
def create(question_id: int) -> Any:
    question = get_question(question_id)
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(question))
    user = viewer()
    # Asked before the form, so a locked question says so rather than "write something".
    require(user, Permission.ANSWER_CREATE, question)
    form = AnswerForm()
    if wants_preview():  # nothing saved: the page again, the preview below the form
        show_previews(form)
        return render_question_page(question, answer_form=form)
    if form.validate_on_submit():
        try:
            answer = services.post_answer(
                user,
                question,
                body=form.body.data,
                private_details=form.private_details.data or None,
                images=chosen(form.images),
                private_images=chosen(form.private_images),
            )
        except (ValidationError, RateLimited) as error:
            show_errors(form, error)
            status, headers = refused(error)
            return (*render_question_page(question, answer_form=form, status=status), headers)
        else:
            flash(_("Thanks, your answer is posted."), "success")
            return redirect(answer_page_url(answer), 303)
    # The question page again, with the error at the answer and the text kept.
    return render_question_page(question, answer_form=form, status=422)


@bp.route("/answers/<id:answer_id>/edit", methods=["GET", "POST"])
def edit(answer_id: int) -> Any:
    if not current_user.is_authenticated:
        return sign_in_redirect(request.path)
    user = viewer()
    answer = get_answer(answer_id)
    require(user, Permission.ANSWER_EDIT, answer)
    question = answer.question
    # Only an editor who may write them (the company's active staff, moderators) gets the
    # private details in the form; for anyone else the field starts empty.
    writes_private = can(user, Permission.ANSWER_PRIVATE_DETAILS, question)
    form = AnswerForm(
        data={
            "body": answer.body,
            "private_details": answer.private_details if writes_private else None,
        }
    )
    form.set_company(question.company)
    if wants_preview():
        show_previews(form)
    elif form.validate_on_submit():
        try:
            services.edit_answer(
                user, answer, body=form.body.data, private_details=form.private_details.data
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(_("Your answer is updated."), "success")
            return redirect(answer_page_url(answer), 303)
    status = 422 if request.method == "POST" and not wants_preview() else 200
    page = render_template(
        "answers/edit.html",
        form=form,
        answer=answer,
        markdown_hint=MARKDOWN_HINT,
        private_details_hint=ANSWER_PRIVATE_DETAILS_HINT,
        offer_private_details=writes_private
        and (question.company.is_claimed or answer.private_details is not None),
    )
    return page, status


HELPFUL_SAYS = in_place.Sentences(
    done=_l("Thanks for saying this answer helped."),
    already=_l("You already found this answer helpful."),
    undone=_l("Your helpful vote is withdrawn."),
    was_not=_l("You had not voted this answer helpful."),
)
ENDORSE_SAYS = in_place.Sentences(
    done=_l("The answer is endorsed: readers see the badge on it."),
    already=_l("This answer is already endorsed."),
    undone=_l("The endorsement is withdrawn."),
    was_not=_l("This answer was not endorsed."),
)


def _toggle(
    answer_id: int,
    form_class: type[HelpfulForm] | type[EndorseForm],
    press: Callable[[Any, Answer], bool],
    release: Callable[[Any, Answer], bool],
    sentences: in_place.Sentences,
    state: Callable[[Answer], dict[str, Any]],
) -> Response:
    """A toggle button on an answer (helpful, endorse): the form says whether it is
    pressed or released; ``press``/``release`` is the service, saying whether anything
    changed (its refusals reach the error pages, nothing changes); ``state(answer)`` is
    what the page shows besides the button's pressed state."""
    answer = get_answer(answer_id)
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(answer.question))
    form = form_class()
    if not form.validate_on_submit():
        abort(400)
    pressed = form.action.data == "add"
    changed = (press if pressed else release)(viewer(), answer)
    return in_place.toggled(
        pressed,
        changed,
        sentences,
        back_to=lambda: answer_page_url(answer),
        state=lambda: state(answer),
    )


@bp.post("/answers/<id:answer_id>/helpful")
def helpful(answer_id: int) -> Response:
    return _toggle(
        answer_id,
        HelpfulForm,
        services.vote_helpful,
        services.withdraw_helpful,
        HELPFUL_SAYS,
        _helpful_state,
    )


def _helpful_state(answer: Answer) -> dict[str, Any]:
    return {
        "label": in_place.helpful_label(),
        "count": answer.helpful_count,
        "count_text": in_place.helpful_count_text(answer.helpful_count),
    }


@bp.post("/questions/<id:question_id>/best-answer")
def best(question_id: int) -> Response:
    question = get_question(question_id)
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(question))
    form = BestAnswerForm()
    if not form.validate_on_submit():
        abort(400)
    user = viewer()
    if form.wants_clear():
        services.clear_best_answer(user, question)
        return in_place.reply(
            _("The best answer is unmarked."),
            "success",
            back_to=lambda: question_url(question),
            state=lambda: in_place.best_answer_state(question),
        )
    if form.answer_id.data is None:
        abort(400)
    answer = get_answer(form.answer_id.data)
    # An answer of another question is refused by the service (422), nothing changes.
    services.choose_best_answer(user, question, answer)
    return in_place.reply(
        _("Marked as the best answer. Thanks for letting everyone know what worked."),
        "success",
        back_to=lambda: answer_page_url(answer),
        state=lambda: in_place.best_answer_state(question),
    )


@bp.post("/answers/<id:answer_id>/endorse")
def endorse(answer_id: int) -> Response:
    # Refusals (403, or 422 for an official answer) reach the error pages; nothing changes.
    return _toggle(
        answer_id,
        EndorseForm,
        services.endorse_answer,
        services.withdraw_endorsement,
        ENDORSE_SAYS,
        _endorse_state,
    )


def _endorse_state(answer: Answer) -> dict[str, Any]:
    company = answer.question.company
    return {
        "label": in_place.endorse_label(company),
        "endorsed": {"shown": answer.is_endorsed, "text": in_place.endorsed_badge_text(company)},
    }
