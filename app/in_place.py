"""Actions answered in place (issue 13): helpful, me too, follow, mark read, endorse and the
best answer update the page they were clicked on, without reloading it.

One door, two answers. Each of these actions is a one-button form (``action_button`` in
``templates/_macros/forms.html`` with ``fetch=True``) that POSTs with its CSRF token:

- Without JavaScript the view flashes its sentence and redirects back to the page (303),
  as it always did.
- The page's script (the "Actions in place" block of ``static/js/helpsquare.js``) sends
  the same POST with ``Accept: application/json`` and the token in the ``X-CSRFToken``
  header; the view calls the same service and answers what the page needs to change: the
  button's pressed state and label, the count's sentence, the badge, and the sentence the
  flash would have said (announced next to the button). Refusals answer
  ``{"error": {...}}`` with their status (``app.errors``): the script shows the message
  next to the button.

The words of those answers live HERE, one function per thing the page shows, so the
pages' words and the JSON's stay one decision: a template that changes a label or a count's
sentence changes the function here too (``tests/test_in_place.py`` compares the JSON with
the page rendered after the action).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, jsonify, redirect, request, url_for
from werkzeug.wrappers import Response

from app.i18n import _, ngettext

JSON = "application/json"
# The answers differ by what the request accepts; neither may be kept by any cache.
NO_STORE = "private, no-store"


def wants_json() -> bool:
    """Whether the request asked for JSON rather than a page (the in-place script's
    ``Accept: application/json``; a browser's own navigation prefers HTML)."""
    return request.accept_mimetypes.best_match(["text/html", JSON]) == JSON


def _uncached(response: Response) -> Response:
    response.headers["Cache-Control"] = NO_STORE
    response.vary.add("Accept")
    return response


def reply(
    message: str,
    category: str,
    *,
    back_to: Callable[[], str],
    state: Callable[[], dict[str, Any]],
) -> Response:
    """The action's answer: JSON with ``state()`` and ``message`` when the script asked for
    it, otherwise the flash and a 303 to ``back_to()`` (each computed only when needed)."""
    if wants_json():
        return _uncached(jsonify({"message": str(message), "category": category, **state()}))
    flash(message, category)
    return _uncached(redirect(back_to(), 303))


@dataclass(frozen=True)
class Sentences:
    """What a toggle button's flash says, by what the press did: pressed, ``done`` (or
    ``already`` when it was so); released, ``undone`` (or ``was_not`` when it was not)."""

    done: str
    already: str
    undone: str
    was_not: str

    def after(self, pressed: bool, changed: bool) -> str:
        if pressed:
            return self.done if changed else self.already
        return self.undone if changed else self.was_not


def toggled(
    pressed: bool,
    changed: bool,
    sentences: Sentences,
    *,
    back_to: Callable[[], str],
    state: Callable[[], dict[str, Any]],
) -> Response:
    """A toggle button's answer (helpful, endorse): its sentence, "success" when the press
    changed something and "info" when it already was so; in JSON, the button's pressed
    state and next action, and ``state()``: what else the page shows (its label, a count,
    a badge)."""
    return reply(
        str(sentences.after(pressed, changed)),  # a lazy string cannot go into the session
        "success" if changed else "info",
        back_to=back_to,
        state=lambda: {"pressed": pressed, "action": next_action(pressed), **state()},
    )


def error(status: int, code: str, title: str, message: str, **extra: Any) -> Response:
    """A refusal in JSON: ``{"error": {"status", "code", "title", "message", ...}}``."""
    body = {"status": status, "code": code, "title": str(title), "message": str(message)}
    response = jsonify({"error": {**body, **extra}})
    response.status_code = status
    return _uncached(response)


def sign_in_needed() -> Response:
    """A signed-out visitor's action: 401 and where to sign in, never a redirect (the
    script would follow it and get a page)."""
    return error(
        401,
        "sign_in",
        _("Please sign in"),
        _("Please sign in to do that."),
        sign_in_url=url_for("accounts.sign_in"),
    )


def next_action(pressed: bool) -> str:
    """What the toggle's hidden ``action`` field says next: undo when it is pressed."""
    return "remove" if pressed else "add"


# The words the page shows, in the reader's language --------------------------------------
# Each says exactly what its template says (same message ids, same translations).


def helpful_label() -> str:
    """The helpful button (``templates/_macros/answers.html``)."""
    return _("Helpful")


def helpful_count_text(count: int) -> str:
    """The count beside the helpful button."""
    return ngettext(
        "%(count)s found this helpful", "%(count)s found this helpful", count, count=count
    )


def me_too_label(question: Any) -> str:
    """The me-too button of a question page, in its kind's words ("Me too", "Support",
    "Agree": ``Kind.me_too_label``)."""
    return question.kind.me_too_label


def me_too_count_text(question: Any) -> str:
    """The sentence beside the me-too button, by the question's kind
    (``Kind.me_too_count_text``, as ``me_too_count`` in templates/_macros/questions.html)."""
    return question.kind.me_too_count_text(question.me_too_count)


def follow_label(what: str, following: bool) -> str:
    """The follow button (``templates/notifications/_macros.html``)."""
    return _("Unfollow %(what)s", what=what) if following else _("Follow %(what)s", what=what)


def endorse_label(company: Any) -> str:
    return _("Endorse for %(company)s", company=company.name)


def endorsed_badge_text(company: Any) -> str:
    """The badge on an endorsed answer."""
    if company.is_claimed:
        return _("%(company)s endorsed", company=company.name)
    return _("Endorsed by a Helpsquare moderator")


def best_answer_state(question: Any) -> dict[str, Any]:
    """Which answer holds the best answer's badge now, the badge's and the two button
    labels' words, and whether the question reads as answered (its "Answered" badge,
    ``status_badge`` in ``templates/_macros/questions.html``). The answers keep their order
    until the page is loaded again (best first)."""
    return {
        "best_answer_id": question.best_answer_id,
        "badge_text": _("Best answer"),
        "choose_label": _("Choose as best answer"),
        "unmark_label": _("Unmark best answer"),
        "answered": {
            "shown": question.is_answered or question.status.value == "answered",
            "text": _("Answered"),
        },
    }


def bell(unread: int) -> dict[str, Any]:
    """The header's bell (``templates/base.html``): its count and its accessible name."""
    label = (
        ngettext("Notifications, %(num)d unread", "Notifications, %(num)d unread", unread)
        if unread
        else _("Notifications, none unread")
    )
    return {"count": unread, "label": label}
