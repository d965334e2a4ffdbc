"""HTML views: the home page, question lists, asking, the question page, editing, me too,
statuses, and the company's "Waiting for an answer" page."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from app import in_place
from app.answers import queries as answer_queries
from app.answers.forms import AnswerForm
from app.answers.queries import AnswerSort
from app.comments import queries as comment_queries
from app.comments.preview import show_previews, wants_preview
from app.companies.queries import (
    SUGGEST_QUERY_MAX,
    get_company,
    list_companies,
    suggest_companies,
    suggest_message,
)
from app.companies.views import add_company_url
from app.errors import DomainError, NotFound, RateLimited, ValidationError
from app.forms import refused, show_errors
from app.i18n import _, _l
from app.moderation.forms import MergeForm
from app.moderation.merge_queries import merge_redirect
from app.page_cache import anonymous_page, kept_page, shareable
from app.pagination import BAD_PAGE_LINK, BadCursor, cursor_from
from app.policy import Permission, can, require
from app.products.queries import list_products
from app.questions import bp, history, services
from app.questions.filters import read_question_list
from app.questions.forms import (
    ANSWER_PRIVATE_DETAILS_HINT,
    MARKDOWN_HINT,
    PRIVATE_DETAILS_HINT,
    AskForm,
    EditQuestionForm,
    MeTooForm,
    StatusForm,
    StillBrokenForm,
    UnansweredFilterForm,
)
from app.questions.header import QuestionParts, question_controls
from app.questions.models import TITLE_MAX, Kind, Question, Status
from app.questions.queries import (
    Sort,
    get_question,
    list_questions,
    list_unanswered,
    listed_page_key,
)
from app.search.queries import related_questions, similar_questions
from app.uploads.forms import chosen
from app.uploads.queries import page_images
from app.visibility import can_read_private_details

HOME_QUESTIONS = 15
HOME_COMPANIES = 8
# The ask form's hidden field: "1" once the asker has seen the similar questions (the
# no-JavaScript first step showed them, or the page's script shows them while typing).
SEEN_SIMILAR = "seen_similar"


def viewer() -> Any:
    """The signed-in user (the real object, not the proxy), or the anonymous user."""
    return current_user._get_current_object()


def question_url(question: Question, anchor: str | None = None, cursor: str | None = None) -> str:
    """The canonical URL of a question page, with its current slug; with ``cursor``, the
    later page of its answers that cursor leads to."""
    return url_for(
        "questions.show",
        question_id=question.id,
        slug=question.slug,
        cursor=cursor or None,
        _anchor=anchor,
    )


def _here() -> str:
    """This request's path and query string, as a ``next`` to come back to."""
    query = request.query_string.decode("latin-1")
    return f"{request.path}?{query}" if query else request.path


def sign_in_redirect(next_path: str) -> Response:
    """Send an anonymous visitor to sign in, then back to ``next_path`` (a GET page).

    After a POST the visitor comes back to the page the button was on, not to
    the action's URL (which would answer a GET with 405).
    """
    if in_place.wants_json():  # an in-place action's script: 401 in JSON, no redirect
        return in_place.sign_in_needed()
    flash(_("Please sign in to do that."), "info")
    return redirect(url_for("accounts.sign_in", next=next_path), 303)


def render_question_page(
    question: Question,
    *,
    cursor: str | None = None,
    sort: AnswerSort = AnswerSort.BEST,
    answer_form: AnswerForm | None = None,
    status_form: StatusForm | None = None,
    merge_form: MergeForm | None = None,
    still_broken_form: StillBrokenForm | None = None,
    reason_errors: dict[str, tuple[str, str]] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The question page: a fixed number of SELECTs whatever the number of answers.

    The first page shows the question, its first ``ANSWERS_PER_PAGE`` answers, the forms and
    related questions; a ``cursor`` asks for a later page of answers (``BAD_PAGE_LINK``, a 400,
    for one this server did not issue), which shows the answers only.

    The question with author, company and product (1), one page of answers with their
    authors and their staff titles (1), on the first page related questions (1), and for a
    signed-in viewer their helpful votes, me-too, following and reports (1), and on a claimed
    company's page their staff roles (1, asked once by the policy and remembered for the
    request); the newest status changes (1) only for a question whose status has changed, and
    the images (1) only when a post on the page has some.

    ``sort``: the order of the answers (``?sort=``: best first, newest or oldest); a later
    page's cursor carries its own.

    ``reason_errors``: a moderator's refused hide or lock, by form (``hide-question``,
    ``lock-question``, ``hide-answer-<id>``): the reason as typed and what is wrong with it.
    """
    user = viewer()
    marks = answer_queries.viewer_marks(user, question.id)
    # The question's and its answers' private details, for their readers only (no statement
    # of its own: the staff roles are the policy's, asked once a request).
    private_details = can_read_private_details(user, question)
    try:
        page = answer_queries.answers_page(question, cursor=cursor, sort=sort, for_page=True)
    except BadCursor as error:
        raise DomainError(BAD_PAGE_LINK) from error
    show_images(question, page.items, private_details=private_details)
    comment_queries.attach(question, page.items, user)  # one SELECT: every comment shown
    if cursor:
        body = render_template(
            "questions/answers_page.html",
            question=question,
            private_details=private_details,
            page=page,
            helpful_ids=marks.helpful_ids,
            flagged_ids=marks.flagged_answer_ids,
            reason_errors=reason_errors or {},
        )
        return body, status
    # Only signed-in people get forms: making one puts a CSRF token in the session, and a
    # signed-out reader's GET must leave them no cookie (nor a page uncacheable). And only
    # the forms this viewer may use: the page asks the same of can(). A blank form is built
    # only when its kept HTML is missing (``cached_form``): none on most reads.
    if answer_form is not None:
        answer_form.set_company(question.company)
        answer_form.set_kind(question.kind)
    if status_form is not None:
        status_form.set_question(question)
    # Who may say so is the page's to ask (it costs a query); this is only the kind.
    offer_still_broken = (
        user.is_authenticated and question.kind is Kind.PROBLEM and question.status is Status.SOLVED
    )
    related = related_questions(question)
    parts = QuestionParts(
        question,
        question_controls(
            user,
            question,
            said_me_too=marks.me_too,
            following=marks.following,
            reported=marks.flagged_question,
        ),
        private_details=private_details,
        # What search engines read: only what is listed (a moderator sees more on the page).
        listed=[a for a in page.items if a.hidden_at is None],
        related=related,
        reason_errors=reason_errors,
    )
    body = render_template(
        "questions/show.html",
        question=question,
        private_details=private_details,
        # Offered to the company's active staff (and moderators) on a claimed company.
        offer_private_details=user.is_authenticated
        and question.company.is_claimed
        and can(user, Permission.ANSWER_PRIVATE_DETAILS, question),
        page=page,
        answers=page.items,
        answer_sorts=list(AnswerSort),
        official_staff=answer_queries.official_staff_count(page.items),
        helpful_ids=marks.helpful_ids,
        flagged_ids=marks.flagged_answer_ids,
        open_flags=marks.open_flags,
        me_too=marks.me_too,
        answer_form=answer_form,
        status_form=status_form,
        merge_form=merge_form,
        still_broken_form=still_broken_form,
        offer_still_broken=offer_still_broken or still_broken_form is not None,
        blank=BlankForms(question),
        status_history=history.recent(question),
        markdown_hint=MARKDOWN_HINT,
        private_details_hint=ANSWER_PRIVATE_DETAILS_HINT,
        related=related,
        reason_errors=reason_errors or {},
        parts=parts,
    )
    parts.save()
    return body, status


class BlankForms:
    """The question page's forms as a viewer first gets them, built only when the template
    renders one (its kept HTML missing: ``app.page_cache.cached_form``)."""

    def __init__(self, question: Question) -> None:
        self.question = question

    def answer(self) -> AnswerForm:
        form = AnswerForm(formdata=None)
        form.set_company(self.question.company)
        form.set_kind(self.question.kind)
        return form

    def status(self) -> StatusForm:
        form = StatusForm(formdata=None)
        form.set_question(self.question)
        return form

    def merge(self) -> MergeForm:
        return MergeForm(formdata=None)

    def still_broken(self) -> StillBrokenForm:
        return StillBrokenForm(formdata=None)


def show_images(question: Question, answers: list[Any], *, private_details: bool) -> None:
    """Hand each post on the page its images (``attached``, read by the templates' macro):
    one SELECT, and none when no post on the page has any."""
    images = page_images(question, answers, private_details=private_details)
    question.attached = images.question  # type: ignore[attr-defined]
    for answer in answers:
        answer.attached = images.of_answer(answer.id)


@bp.get("/")
def home() -> str:
    companies = list_companies(limit=HOME_COMPANIES).items
    questions = list_questions(sort=Sort.ACTIVE, limit=HOME_QUESTIONS).items
    return render_template("questions/home.html", companies=companies, questions=questions)


@bp.get("/questions")
def index() -> tuple[str, int]:
    listing = read_question_list(request.args)
    return render_template("questions/index.html", **listing.template_args()), listing.status


@bp.get("/ask")
def ask_start() -> Any:
    """ "Which company is it about?": the first step of asking from anywhere (the header's and
    the home page's "Ask"). ``company`` holds the words typed; the companies whose name or
    domain starts with them lead to their own ask page, which carries on as ever (product,
    similar questions). None? "Add it", and the new company's ask page follows.

    One statement for the matches (``suggest_companies``), none without words. The page's
    script fills the same list while typing, from /companies/suggest.
    """
    if not current_user.is_authenticated:
        return sign_in_redirect(_here())
    require(viewer(), Permission.QUESTION_ASK)  # unverified: "verify your e-mail" first
    words = request.args.get("company", "").replace("\x00", "").strip()[:SUGGEST_QUERY_MAX]
    companies = suggest_companies(words) if words else []
    return render_template(
        "questions/ask_start.html",
        words=words,
        companies=companies,
        message=suggest_message(words, len(companies)),
        add_url=add_company_url(words, found=bool(companies)),
    )


@bp.route("/companies/<company_slug>/ask", methods=["GET", "POST"])
def ask(company_slug: str) -> Any:
    if not current_user.is_authenticated:
        return sign_in_redirect(_here())
    user = viewer()
    company = get_company(company_slug)
    require(user, Permission.QUESTION_ASK, company)
    products = list_products(company.id)
    form = AskForm()
    form.set_company(company, products)
    if request.method in ("GET", "HEAD"):  # HEAD: a GET without the body
        wanted = request.args.get("product", "")
        if any(product.slug == wanted for product in products):
            form.product.data = wanted
        # The widget's "Ask" (app.integrations.widget) brings the title typed there.
        form.title.data = request.args.get("title", "")[:TITLE_MAX]
        return _render_ask(form, company)
    if wants_preview():  # nothing saved: the form again, the preview below it
        show_previews(form)
        return _render_ask(form, company)
    if form.validate_on_submit():
        product = next((p for p in products if p.slug == form.product.data), None)
        if request.form.get(SEEN_SIMILAR) != "1":
            # Search before you ask: the first submit shows questions that may be the same
            # (everything typed is kept); "None of these — continue" posts it.
            similar = similar_questions(form.title.data, company_id=company.id, ignore=company.name)
            if similar:
                return _render_ask(form, company, similar=similar)
        try:
            question = services.ask_question(
                user,
                company,
                title=form.title.data,
                body=form.body.data,
                kind=form.kind.data,
                product=product,
                feeling=form.feeling.data or None,
                private_details=form.private_details.data or None,
                images=chosen(form.images),
                private_images=chosen(form.private_images),
            )
        except (ValidationError, RateLimited) as error:
            show_errors(form, error)
            return (_render_ask(form, company), *refused(error))
        else:
            flash(_("Your question is posted. You will find the answers here."), "success")
            return redirect(question_url(question), 303)
    return _render_ask(form, company), 422


def _render_ask(form: AskForm, company: Any, similar: list[Any] | None = None) -> str:
    return render_template(
        "questions/ask.html",
        form=form,
        company=company,
        markdown_hint=MARKDOWN_HINT,
        private_details_hint=PRIVATE_DETAILS_HINT,
        similar=similar or [],
        offer_private_details=company.is_claimed,
        # Once shown (or after a refused post, which showed the form again), not again.
        seen_similar=similar is not None or request.form.get(SEEN_SIMILAR) == "1",
    )


@bp.get("/questions/<id:question_id>", defaults={"slug": None})
@bp.get("/questions/<id:question_id>/<slug>")
def show(question_id: int, slug: str | None) -> Any:
    if shareable():
        # Most signed-out readers are served from the page cache: its key comes from a light
        # read of a listed question, and the question itself is read only on a miss (or for
        # a redirect or a 404, which that read leaves to the path below).
        known = listed_page_key(question_id)
        if known is not None and known.slug == slug:
            page = kept_page(_page_key(question_id, known.page_version))
            if page is not None:
                return page
    question = _question_or_original(question_id)
    if question.id != question_id:
        # Merged into an earlier question: its address leads there for good.
        return redirect(question_url(question), 301)
    if slug != question.slug:
        # The slug is cosmetic: a missing, old or mistyped one leads to the canonical URL.
        location = question_url(question)
        if request.query_string:
            location += "?" + request.query_string.decode("latin-1")
        return redirect(location, 301)
    try:
        cursor = cursor_from(request.args)
    except BadCursor as error:
        raise DomainError(BAD_PAGE_LINK) from error
    if cursor:
        # A later page of answers: read far less than the first, and not kept in the cache.
        # Its order is the one its cursor was issued for.
        sort = answer_queries.cursor_sort(cursor)
        return render_question_page(question, cursor=cursor, sort=sort)[0]
    # An unknown ?sort= is the usual order, not an error.
    sort = AnswerSort.parse(request.args.get("sort"))
    return anonymous_page(
        _page_key(question.id, question.page_version, sort),
        lambda: render_question_page(question, sort=sort)[0],
    )


def _question_or_original(question_id: int) -> Question:
    """The question the page shows, or for a merged one the original its address leads to
    (``NotFound`` when neither is for this reader). Finding a merged question costs a
    statement more; the others are found with one."""
    try:
        question = get_question(question_id, for_page=True)
    except NotFound:
        question = None
    if question is None or question.merged_into_id is not None:
        merged = merge_redirect(question_id)
        if merged is not None:
            return merged[1]
    if question is None:
        raise NotFound(_("There is no such question. It may have been removed."))
    return question


def _page_key(
    question_id: int, page_version: int, sort: AnswerSort = AnswerSort.BEST
) -> tuple[object, ...]:
    """The first page of a question as signed-out readers share it: the question, its
    ``page_version``, which every change the page shows moves (app/page_cache.py), and the
    order of its answers (``?sort=``)."""
    return ("question-page", question_id, page_version, sort.value)


@bp.route("/questions/<id:question_id>/edit", methods=["GET", "POST"])
def edit(question_id: int) -> Any:
    if not current_user.is_authenticated:
        return sign_in_redirect(_here())
    user = viewer()
    question = get_question(question_id)
    fields = services.editable_fields(user, question)
    products = list_products(question.company_id) if "product" in fields else []
    form = EditQuestionForm(
        data={
            "title": question.title,
            "body": question.body,
            "kind": question.kind.value,
            "product": question.product.slug if question.product else "",
            # Only for its author or a moderator: the form keeps it for them alone.
            "private_details": question.private_details if "private_details" in fields else None,
        }
    )
    form.keep_only(fields, products, question, user)
    if request.method in ("GET", "HEAD"):  # HEAD: a GET without the body
        return _render_edit(form, question)
    if wants_preview():  # nothing saved: the form again, the preview below it
        show_previews(form)
        return _render_edit(form, question)
    if form.validate_on_submit():
        old_status = question.status
        try:
            services.edit_question(
                user,
                question,
                title=form.title.data if "title" in form else None,
                body=form.body.data if "body" in form else None,
                kind=form.kind.data if "kind" in form else None,
                product=(
                    next((p for p in products if p.slug == form.product.data), None)
                    if "product" in form
                    else services.KEEP
                ),
                private_details=form.private_details.data if "private_details" in form else None,
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(_("Your changes are saved."), "success")
            if question.status is not old_status:
                flash(_status_sentence(question, old_status), "info")
            return redirect(question_url(question), 303)
    return _render_edit(form, question), 422


# "a problem cannot be Planned", "an idea cannot be Solved", "praise cannot be Solved":
# a sentence per kind, as languages give each kind its own article.
_WENT_BACK = {
    Kind.QUESTION: _l("The status went back to Open: a question cannot be %(status)s."),
    Kind.PROBLEM: _l("The status went back to Open: a problem cannot be %(status)s."),
    Kind.IDEA: _l("The status went back to Open: an idea cannot be %(status)s."),
    Kind.PRAISE: _l("The status went back to Open: praise cannot be %(status)s."),
}


def _status_sentence(question: Question, old_status: Status) -> str:
    """Why changing the kind changed the status."""
    if question.status is Status.ANSWERED:
        return _("The status is now Answered: this question has a best or an official answer.")
    return _WENT_BACK[question.kind] % {"status": old_status.label}


def _render_edit(form: EditQuestionForm, question: Question) -> str:
    return render_template(
        "questions/edit.html",
        form=form,
        question=question,
        markdown_hint=MARKDOWN_HINT,
        private_details_hint=PRIVATE_DETAILS_HINT,
        # New private details only on a claimed company; ones already there may be cleared.
        offer_private_details="private_details" in form
        and (question.company.is_claimed or question.private_details is not None),
    )


@bp.post("/questions/<id:question_id>/me-too")
def me_too(question_id: int) -> Response:
    question = get_question(question_id)
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(question))
    form = MeTooForm()
    if not form.validate_on_submit():
        abort(400)
    user = viewer()
    pressed = form.action.data == "add"
    if pressed:
        changed = services.add_me_too(user, question)
        outcome = "added" if changed else "already"
    else:
        changed = services.remove_me_too(user, question)
        outcome = "removed" if changed else "not_said"
    message = question.kind.me_too_sentence(outcome)
    category = "success" if changed else "info"
    return in_place.reply(
        message,
        category,
        back_to=lambda: question_url(question, anchor="me-too"),
        state=lambda: {
            "pressed": pressed,
            "action": in_place.next_action(pressed),
            "label": in_place.me_too_label(question),
            "count": question.me_too_count,
            "count_text": in_place.me_too_count_text(question),
        },
    )


@bp.post("/questions/<id:question_id>/status")
def set_status(question_id: int) -> Any:
    question = get_question(question_id)
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(question))
    user = viewer()
    # Asked before the form, so someone who may not set it learns that, not "pick one".
    require(user, Permission.QUESTION_SET_STATUS, question)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.set_status(user, question, form.status.data, form.fixed_in.data or None)
        except ValidationError as error:
            show_errors(form, error)
        else:
            if question.fixed_in:
                done = _(
                    "Status set to %(status)s in %(version)s.",
                    status=question.status.label,
                    version=question.fixed_in,
                )
            else:
                done = _("Status set to %(status)s.", status=question.status.label)
            flash(done, "success")
            return redirect(question_url(question, anchor="question-status"), 303)
    # The question page again, with the error at the status select.
    return render_question_page(question, status_form=form, status=422)


@bp.post("/questions/<id:question_id>/still-broken")
def still_broken(question_id: int) -> Any:
    question = get_question(question_id)
    if not current_user.is_authenticated:
        return sign_in_redirect(question_url(question))
    user = viewer()
    # Asked before the form; a question that is not a solved problem is a 409 page (the
    # service's Conflict, a sentence).
    require(user, Permission.QUESTION_STILL_BROKEN, question)
    form = StillBrokenForm()
    if form.validate_on_submit():
        try:
            reported = services.report_still_broken(user, question, form.version.data or None)
        except ValidationError as error:
            show_errors(form, error)
        else:
            if not reported:
                flash(_("You already said this problem is still broken."), "info")
            elif question.status is Status.SOLVED:
                flash(
                    _("Thanks: you are counted among the people it is still broken for."),
                    "success",
                )
            else:
                flash(
                    _("Thanks: the problem is open again and the staff have been told."),
                    "success",
                )
            return redirect(question_url(question, anchor="question-status"), 303)
    return render_question_page(question, still_broken_form=form, status=422)


@bp.get("/companies/<company_slug>/unanswered")
def unanswered(company_slug: str) -> Any:
    if not current_user.is_authenticated:
        return sign_in_redirect(_here())
    user = viewer()
    company = get_company(company_slug)
    require(user, Permission.COMPANY_VIEW_UNANSWERED, company)
    products = list_products(company.id)
    form = UnansweredFilterForm(formdata=request.args)
    form.set_products(products)
    page = None
    status = 200
    if form.validate():
        product = next((p for p in products if p.slug == form.product.data), None)
        try:
            page = list_unanswered(
                company.id,
                product_id=product.id if product is not None else None,
                kind=Kind(form.kind.data) if form.kind.data else None,
                cursor=cursor_from(request.args),
                limit=current_app.config["PAGE_SIZE"],
            )
        except BadCursor as error:
            raise DomainError(BAD_PAGE_LINK) from error
    else:
        status = 422
    body = render_template("questions/unanswered.html", company=company, form=form, page=page)
    return body, status
