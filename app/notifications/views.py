"""HTML views: the notifications page, marking read, e-mail settings, one-click
unsubscribe, and the follow buttons of question, product and company pages."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app import in_place
from app.companies.queries import get_company
from app.errors import DomainError, ValidationError
from app.extensions import csrf
from app.forms import show_errors
from app.i18n import _, _l, ngettext
from app.notifications import bp, queries, services
from app.notifications.forms import ActionForm, FollowForm, SettingsForm
from app.pagination import BAD_PAGE_LINK, BadCursor, cursor_from
from app.products.queries import get_product
from app.questions.models import Kind
from app.questions.queries import get_question
from app.questions.views import question_url, sign_in_redirect, viewer
from app.templating import iso, time_ago
from app.tokens import InvalidToken

UNSUBSCRIBE_INVALID = _l(
    "That unsubscribe link does not work: it may be cut short or changed. Copy the whole "
    "link from the e-mail, or sign in and choose your e-mails on the settings page."
)


# The notifications page ----------------------------------------------------------------


def _prefetch() -> bool:
    """Whether the browser only fetches the page ahead of a click it guesses (a prefetch or
    prerender): no person has seen it yet, so it reads nothing."""
    purpose = request.headers.get("Sec-Purpose") or request.headers.get("Purpose") or ""
    return "prefetch" in purpose.lower() or request.headers.get("X-Moz") == "prefetch"


@bp.get("/notifications")
@login_required
def index() -> str:
    """The signed-in user's notifications, newest first. Opening the page reads what it
    shows (``services.mark_shown_read``): they still say "New" on this page, the bell
    counts them no more, and the next page (``cursor``) stays unread until it is opened.
    A HEAD request or a browser's prefetch marks nothing: nobody has seen them."""
    user = viewer()
    try:
        page = queries.notifications_page(
            user,
            cursor=cursor_from(request.args),
            limit=current_app.config["PAGE_SIZE"],
        )
    except BadCursor:
        raise DomainError(BAD_PAGE_LINK) from None
    shown_unread = [notification.id for notification in page.items if notification.is_unread]
    marked: list[int] = []
    if request.method == "GET" and shown_unread and not _prefetch():
        services.mark_shown_read(user, shown_unread)
        marked = shown_unread
    return render_template("notifications/index.html", page=page, marked=marked)


# How many notifications the bell's list shows; the page has the rest.
LATEST_LIMIT = 6


@bp.get("/notifications/latest")
def latest() -> Response | tuple[Response, int]:
    """The bell's list: the newest few notifications as JSON, for the header's script.

    The same query as the notifications page (``queries.notifications_page``: the viewer's
    own rows, only what they may still see), so one SELECT. Opening the list marks nothing
    read. Without the script the bell is a plain link to the page. Signed out: 401.
    """
    if not current_user.is_authenticated:
        return jsonify(error=_("Sign in to see your notifications.")), 401
    page = queries.notifications_page(viewer(), limit=LATEST_LIMIT)
    items = []
    for notification in page.items:
        endpoint, values = notification.target
        items.append(
            {
                "text": notification.sentence,
                "url": url_for(endpoint, **values),
                "unread": notification.is_unread,
                "when": time_ago(notification.created_at),
                "when_iso": iso(notification.created_at),
            }
        )
    return jsonify(
        items=items,
        all_url=url_for("notifications.index"),
        labels={
            "all": _("All notifications"),
            "new": _("New"),
            "empty": _("No notifications yet."),
            "heading": _("Latest notifications"),
        },
    )


def _back_to_list() -> str:
    cursor = request.args.get("cursor") or None
    return url_for("notifications.index", cursor=cursor)


@bp.post("/notifications/<id:notification_id>/read")
def mark_read(notification_id: int) -> Response:
    if not current_user.is_authenticated:
        return sign_in_redirect(url_for("notifications.index"))
    if not ActionForm().validate_on_submit():
        abort(400)
    user = viewer()
    # Someone else's notification is not found (404), as if it did not exist.
    changed = services.mark_read(user, notification_id)
    if not changed and not in_place.wants_json():
        return redirect(_back_to_list(), 303)  # read already: nothing to say
    return in_place.reply(
        _("Marked as read.") if changed else _("This notification was read already."),
        "success" if changed else "info",
        back_to=_back_to_list,
        state=lambda: {"read": True, "bell": in_place.bell(user.unread_notification_count)},
    )


@bp.post("/notifications/read-all")
def mark_all_read() -> Response:
    if not current_user.is_authenticated:
        return sign_in_redirect(url_for("notifications.index"))
    if not ActionForm().validate_on_submit():
        abort(400)
    count = services.mark_all_read(viewer())
    if count:
        flash(
            ngettext(
                "Marked %(num)d notification as read.",
                "Marked %(num)d notifications as read.",
                count,
            ),
            "success",
        )
    else:
        flash(_("Nothing was unread."), "info")
    return redirect(url_for("notifications.index"), 303)


# Settings --------------------------------------------------------------------------------


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings() -> Any:
    """Which notifications are e-mailed: right away, in a daily digest, or never."""
    user = viewer()
    form = SettingsForm()
    if request.method in ("GET", "HEAD"):  # HEAD: a GET without the body
        form.fill(queries.preferences_of(user.id))
        return render_template("notifications/settings.html", form=form)
    if form.validate_on_submit():
        try:
            services.set_preferences(user, form.choices())
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(_("Your e-mail choices are saved."), "success")
            return redirect(url_for("notifications.settings"), 303)
    return render_template("notifications/settings.html", form=form), 422


# One-click unsubscribe -------------------------------------------------------------------


def _scope_labels(user_id: int, scope: str) -> list[str]:
    return [category.label for category in services.scope_categories(user_id, scope)]


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail clients POST here without a session (RFC 8058); the signed token decides
def unsubscribe(token: str) -> Any:
    """GET shows what the link stops and a button (a GET changes nothing); POST stops it,
    without signing in."""
    try:
        user, scope = services.read_unsubscribe_token(token)
    except InvalidToken:
        message = str(UNSUBSCRIBE_INVALID)
        return render_template("notifications/unsubscribe_invalid.html", message=message), 400
    if request.method in ("GET", "HEAD"):  # HEAD: a GET without the body
        labels = _scope_labels(user.id, scope)
        return render_template(
            "notifications/unsubscribe.html", token=token, labels=labels, scope=scope
        )
    stopped = services.unsubscribe(token)
    return render_template(
        "notifications/unsubscribed.html", labels=[category.label for category in stopped]
    )


# Follow buttons --------------------------------------------------------------------------


# A question named by its kind, as the follow messages say it (each language has its own
# words for "this", so each kind is one phrase).
THIS_KIND = {
    Kind.QUESTION: _l("this question"),
    Kind.PROBLEM: _l("this problem"),
    Kind.IDEA: _l("this idea"),
    Kind.PRAISE: _l("this praise"),
}


def _toggle(target_kind: str, target: Any, back_to: str) -> Response:
    if not current_user.is_authenticated:
        return sign_in_redirect(back_to)
    form = FollowForm()
    if not form.validate_on_submit():
        abort(400)
    user = viewer()
    # As its button says it: "this problem", "this idea"…, or the product's or company's name.
    what = str(THIS_KIND[target.kind]) if target_kind == "question" else target.name
    following = form.action.data == "add"
    if following:
        services.follow(user, **{target_kind: target})
        message, category = (
            _("You follow %(what)s now: new activity shows under Notifications.", what=what),
            "success",
        )
    elif services.unfollow(user, **{target_kind: target}):
        message, category = _("You no longer follow %(what)s.", what=what), "success"
    else:
        message, category = _("You were not following %(what)s.", what=what), "info"
    return in_place.reply(
        message,
        category,
        back_to=lambda: back_to + "#follow",
        state=lambda: {
            "following": following,
            "action": in_place.next_action(following),
            "label": in_place.follow_label(what, following),
        },
    )


@bp.post("/questions/<id:question_id>/follow")
def follow_question(question_id: int) -> Response:
    question = get_question(question_id)
    return _toggle("question", question, question_url(question))


@bp.post("/companies/<company_slug>/products/<product_slug>/follow")
def follow_product(company_slug: str, product_slug: str) -> Response:
    product = get_product(company_slug, product_slug)
    back_to = url_for("products.show", company_slug=company_slug, product_slug=product.slug)
    return _toggle("product", product, back_to)


@bp.post("/companies/<slug>/follow")
def follow_company(slug: str) -> Response:
    company = get_company(slug)
    return _toggle("company", company, url_for("companies.show", slug=company.slug))
