"""Pages of flags: the "Report" page of a question or an answer, and the moderators' review
queue at /moderation/flags (product.md, "Flags", "Review queue")."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.answers.queries import get_answer
from app.errors import Conflict, DomainError, ValidationError
from app.forms import refused, show_errors
from app.i18n import _, _l
from app.moderation import flag_queries, flags
from app.moderation.flag_forms import FlagDecisionForm, FlagForm, decision_form
from app.moderation.flag_models import FlagStatus
from app.pagination import BAD_PAGE_LINK, BadCursor, cursor_from
from app.policy import Permission, require
from app.questions.models import Question
from app.questions.queries import get_question
from app.questions.views import question_url, sign_in_redirect
from app.visibility import can_see_answer, can_see_question

bp = Blueprint("flags", __name__)

# The queue's tabs, in the order shown; the first is where a moderator starts.
TABS = [
    (FlagStatus.OPEN, _l("Waiting for review")),
    (FlagStatus.HIDDEN, _l("Hidden")),
    (FlagStatus.DISMISSED, _l("Dismissed")),
]


def _user() -> Any:
    return current_user._get_current_object()


# Reporting a post ------------------------------------------------------------------------


@bp.route("/questions/<id:question_id>/flag", methods=["GET", "POST"])
def flag_question(question_id: int) -> Any:
    question = get_question(question_id)
    return _report(question, question, url_for("flags.flag_question", question_id=question_id))


@bp.route("/answers/<id:answer_id>/flag", methods=["GET", "POST"])
def flag_answer(answer_id: int) -> Any:
    answer = get_answer(answer_id)
    return _report(answer, answer.question, url_for("flags.flag_answer", answer_id=answer_id))


def _report(post: Any, question: Question, here: str) -> Any:
    """The report page of a post: GET shows the form, POST files the report."""
    if not current_user.is_authenticated:
        return sign_in_redirect(here)
    user = _user()
    # Asked before anything is typed: one's own post, or an unverified address, is refused
    # here with the page that says why.
    require(user, Permission.POST_FLAG, post)
    form = FlagForm()
    if flags.has_flagged(user, post):
        # Reported already: the page says so; a second report is refused (409).
        return _render(form, post, question, reported=True), (
            409 if request.method == "POST" else 200
        )
    if request.method != "POST":
        return _render(form, post, question)
    if not form.validate_on_submit():
        # Only the CSRF token can fail here: the service checks the fields.
        return _render(form, post, question), 400
    try:
        flags.flag_post(
            user,
            post,
            reason=form.reason.data or "",
            note=form.note.data or "",
            duplicate_of=form.duplicate_of.data or None,
        )
    except Conflict:
        return _render(form, post, question, reported=True), 409
    except DomainError as error:
        show_errors(form, error)
        status, headers = refused(error)
        return _render(form, post, question), status, headers
    flash(str(flags.THANKS), "success")
    return redirect(_back_to(post, question), 303)


def _back_to(post: Any, question: Question) -> str:
    """Where a reporter goes next: back to the post, or (when their flag hid it) to the
    question, or to the company when the question itself is gone from their sight."""
    viewer = _user()
    if not can_see_question(viewer, question):
        return url_for("companies.show", slug=question.company.slug)
    if isinstance(post, Question):
        return question_url(question)
    if can_see_answer(viewer, post, question):
        return question_url(question, anchor=f"answer-{post.id}")
    return question_url(question, anchor="answers-heading")


def _render(form: FlagForm, post: Any, question: Question, *, reported: bool = False) -> str:
    return render_template(
        "moderation/report.html",
        form=form,
        post=post,
        question=question,
        is_question=isinstance(post, Question),
        reported=reported,
        back=question_url(question)
        if isinstance(post, Question)
        else question_url(question, anchor=f"answer-{post.id}"),
    )


# The review queue ------------------------------------------------------------------------


def _tab_from(value: str | None) -> FlagStatus:
    """The tab asked for; anything unknown shows the posts waiting for review."""
    try:
        return FlagStatus(value) if value else FlagStatus.OPEN
    except ValueError:
        return FlagStatus.OPEN


@bp.get("/moderation/flags", endpoint="queue")
def queue() -> str:
    """The review queue: a fixed number of SELECTs whatever the number of flagged posts."""
    require(current_user, Permission.FLAG_REVIEW)
    status = _tab_from(request.args.get("status"))
    try:
        page = flag_queries.list_flagged(
            status, cursor=cursor_from(request.args), limit=current_app.config["PAGE_SIZE"]
        )
    except BadCursor:
        raise DomainError(BAD_PAGE_LINK) from None
    forms = {
        row.flagged.id: decision_form(row.flagged.id, formdata=None)
        for row in page.items
        if row.flagged.status is FlagStatus.OPEN
    }
    return render_template(
        "moderation/flags.html", page=page, status=status, tabs=TABS, forms=forms
    )


@bp.route("/moderation/flags/<id:flagged_id>", methods=["GET", "POST"], endpoint="flagged")
def flagged_page(flagged_id: int) -> Any:
    """One flagged post on a page of its own: where a refused decision is shown again (so
    reloading it is not a 405), and where the decision is posted."""
    require(current_user, Permission.FLAG_REVIEW)
    row = flag_queries.get_row(flagged_id)
    is_open = row.flagged.status is FlagStatus.OPEN
    if request.method != "POST":
        forms = {row.flagged.id: decision_form(flagged_id, formdata=None)} if is_open else {}
        return render_template("moderation/flagged.html", row=row, forms=forms)
    form: FlagDecisionForm = decision_form(flagged_id)
    if not form.validate_on_submit():
        return render_template("moderation/flagged.html", row=row, forms={flagged_id: form}), 400
    try:
        flags.resolve(_user(), row.flagged, action=form.action.data, note=form.note.data or "")
    except Conflict as error:
        flash(error.message, "info")
        return redirect(url_for("flags.flagged", flagged_id=flagged_id), 303)
    except ValidationError as error:
        show_errors(form, error)
        page = render_template("moderation/flagged.html", row=row, forms={flagged_id: form})
        return page, error.status
    if form.action.data == "hide":
        flash(_("Done: the post is hidden."), "success")
    else:
        flash(_("Done: the post is dismissed."), "success")
    return redirect(url_for("flags.queue"), 303)


__all__ = ["bp"]
