"""The question's own part of its page, kept rendered like the answer cards (issue 19).

After the answer cards (app.answers.cards), the question itself was the largest part of a
question page that every viewer the anonymous page cache does not serve paid for anew. It
is now two pieces, each kept in the page cache's store (Redis in production) under a key of
everything it shows that may change, plus ``key_parts()`` (scheme, host, language):

- the **head** (templates/questions/show.html, ``parts.head``): breadcrumb, title, kind,
  status and feeling, the asker with their avatar, when it was asked and edited, the status
  line, the hidden and locked notices, the text and its images. The same for every viewer
  who may open the question at all (``app.visibility`` decides that before the page is
  rendered; a hidden question's notice only ever reaches its author and moderators, and
  the key holds the hidden state). Whether the viewer reads private details is part of the
  key; a head that shows its reader private details (text or images) is rendered for that
  response only, so the shared store never holds them;
- the **controls** (``parts.controls``): me too, follow, edit, delete, report, and the
  comments under the question with their tools and form. What the viewer may do and has
  done is worked out here first as plain flags (``QuestionControls``: ``can()`` asked once
  per control; the template draws from these flags, not from ``can()``), and the key holds
  those flags, so viewers with the same flags share the piece and nobody gets another's. The
  session's CSRF token is kept as a marker and the viewer's own put back when serving.

Beside them the page's JSON-LD (``qa_page``, the same for every viewer: only listed answers)
and its list of related questions are kept the same way. All are read with one ``get_many``
and what was missing written with one ``set_many`` after the page is rendered (``save``).
The question's ``page_version`` is in the question's keys, and beside it every value the
pieces draw, as the cards' keys do, so what lives outside the question (the asker's name or
points, the company's name) shows at once too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from flask_wtf.csrf import generate_csrf
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from app.answers.cards import (
    ThreadControls,
    comments_key,
    digest,
    images_key,
    person_key,
    shows_private,
)
from app.answers.cards import thread_controls as _thread_controls
from app.extensions import cache
from app.feeds.structured_data import qa_page
from app.page_cache import CSRF_MARKER, store_keys
from app.policy import Permission, can

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class QuestionControls:
    """What one viewer may do to the question and has done: all the question's footer and
    comments render from besides the question's own shown values."""

    signed_in: bool = False
    own: bool = False  # the viewer asked it (no "Report" on one's own question)
    me_too: bool = False  # may say "me too"
    said_me_too: bool = False
    following: bool = False
    reported: bool = False
    edit: bool = False
    change_kind: bool = False  # only when ``edit`` is not offered
    delete: bool = False
    thread: ThreadControls = ThreadControls()


def question_controls(
    viewer: Any, question: Any, *, said_me_too: bool, following: bool, reported: bool
) -> QuestionControls:
    """The viewer's controls of the question, each asked of ``can`` as the page always did."""
    if not viewer.is_authenticated:
        return QuestionControls(thread=_thread_controls(viewer, question))
    edit = can(viewer, Permission.QUESTION_EDIT, question)
    return QuestionControls(
        signed_in=True,
        own=viewer.id == question.author_id,
        me_too=can(viewer, Permission.QUESTION_ME_TOO, question),
        said_me_too=said_me_too,
        following=following,
        reported=reported,
        edit=edit,
        change_kind=not edit and can(viewer, Permission.QUESTION_CHANGE_KIND, question),
        delete=question.hidden_at is None and can(viewer, Permission.POST_DELETE, question),
        thread=_thread_controls(viewer, question),
    )


def _head_key(question: Any, private_details: bool) -> tuple[object, ...]:
    """Everything the head shows that may change."""
    company, product = question.company, question.product
    return (
        "question-head",
        question.id,
        question.page_version,
        question.title,
        question.kind.value,
        question.status.value,
        question.is_answered,
        question.fixed_in,
        question.feeling,
        question.still_broken_count,
        question.created_at,
        question.updated_at,
        question.body_renderer_version,
        digest(question.body_html),
        question.hidden_at,
        question.hidden_reason,
        question.locked,
        question.lock_reason,
        company.id,
        company.slug,
        company.name,
        company.is_claimed,
        (product.id, product.slug, product.name) if product is not None else None,
        person_key(question.author),
        private_details,
        images_key(question),
    )


def _structured_data_key(question: Any, listed: Sequence[Any]) -> tuple[object, ...]:
    """Everything ``qa_page`` says of the question and its listed answers on the page."""
    return (
        "question-structured-data",
        question.id,
        question.page_version,
        question.slug,
        person_key(question.author),
        tuple(
            (
                answer.id,
                answer.updated_at,
                answer.helpful_count,
                answer.is_official,
                person_key(answer.author),
            )
            for answer in listed
        ),
    )


def _related_key(related: Sequence[Any]) -> tuple[object, ...]:
    """Everything the related questions' list shows (the same for every viewer: only
    listed questions are related, ``app.search.queries.related_questions``)."""
    return (
        "question-related",
        tuple(
            (
                item.id,
                item.title,
                item.slug,
                item.kind.value,
                item.status.value,
                item.answer_count,
                item.has_best_answer,
                item.has_official_answer,
                item.fixed_in,
            )
            for item in related
        ),
    )


def _controls_key(question: Any, controls: QuestionControls) -> tuple[object, ...]:
    """Everything the controls show that may change: the viewer's flags, the question's own
    values they draw, and the page's path (the sign-in link comes back to it)."""
    return (
        "question-controls",
        question.id,
        question.page_version,
        question.kind.value,
        question.me_too_count,
        question.hidden_at is None,
        request.path,
        controls,
        comments_key(question),
    )


class QuestionParts:
    """The question's two pieces for one response: ``{% call parts.head() %}`` and ``{% call
    parts.controls() %}`` in show.html give the kept HTML, or render the body (and keep it);
    ``save()`` after rendering writes what was missing."""

    def __init__(
        self,
        question: Any,
        controls: QuestionControls,
        *,
        private_details: bool,
        listed: Sequence[Any] = (),
        related: Sequence[Any] = (),
        reason_errors: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        self.flags = controls
        self._question, self._listed = question, listed
        self._seconds = current_app.config["PAGE_CACHE_SECONDS"]
        self._missing: dict[str, str] = {}
        # Private details are never kept in the shared store; nor a refused moderator's
        # reason, shown in its form for this one response.
        keep_head = not (private_details and shows_private(question))
        keep_controls = not reason_errors
        wanted = []
        if keep_head:
            wanted.append(("head", _head_key(question, private_details)))
        if keep_controls:
            wanted.append(("controls", _controls_key(question, controls)))
        wanted.append(("structured-data", _structured_data_key(question, listed)))
        if related:
            wanted.append(("related", _related_key(related)))
        self._names: dict[str, str] = {}
        self._found: dict[str, str | None] = {}
        if self._seconds <= 0 or not wanted:
            return
        names = store_keys("fragment", (key for _, key in wanted))
        self._names = {piece: name for (piece, _), name in zip(wanted, names, strict=True)}
        try:
            found = cache.get_many(*names)
        except Exception:
            log.exception("the page cache could not be read; rendering instead")
            found = [None] * len(names)
        self._found = {piece: html for (piece, _), html in zip(wanted, found, strict=True)}

    def head(self, caller: Callable[[], Markup]) -> Markup:
        """The question's head: kept, or rendered by the call's body."""
        return self._piece("head", caller)

    def controls(self, caller: Callable[[], Markup]) -> Markup:
        """The question's footer and comments: kept, or rendered by the call's body."""
        return self._piece("controls", caller)

    def related(self, caller: Callable[[], Markup]) -> Markup:
        """The related questions' list: kept, or rendered by the call's body."""
        return self._piece("related", caller)

    def structured_data(self) -> Markup | None:
        """What search engines read (``qa_page`` of the listed answers) as JSON safe in a
        ``<script>`` element, as ``|tojson`` writes it; None when there is none."""
        kept = self._found.get("structured-data")
        if kept is not None:
            # Written by htmlsafe_json_dumps below a moment ago, kept by this module only.
            return Markup(kept) if kept else None  # noqa: S704
        data = qa_page(self._question, self._listed)
        html = None
        if data is not None:
            policies = current_app.jinja_env.policies
            html = htmlsafe_json_dumps(
                data, dumps=policies["json.dumps_function"], **policies["json.dumps_kwargs"]
            )
        name = self._names.get("structured-data")
        if name is not None:
            self._missing[name] = str(html or "")
        return html

    def _piece(self, piece: str, caller: Callable[[], Markup]) -> Markup:
        kept = self._found.get(piece)
        if kept is not None:
            if CSRF_MARKER in kept:
                kept = kept.replace(CSRF_MARKER, generate_csrf())
            # What the template rendered (escaped) a moment ago, kept by this module only.
            return Markup(kept)  # noqa: S704
        html = caller()
        name = self._names.get(piece)
        if name is not None:
            stored = str(html)
            if piece == "controls" and self.flags.signed_in:
                # A signed-out viewer's controls hold no form (and must not make a token).
                stored = stored.replace(generate_csrf(), CSRF_MARKER)
            self._missing[name] = stored
        return html

    def save(self) -> None:
        """Keep the pieces this response rendered (one write)."""
        if not self._missing:
            return
        try:
            cache.set_many(self._missing, timeout=self._seconds)
        except Exception:
            log.exception("the page cache could not be written")
        self._missing = {}


__all__ = ["QuestionControls", "QuestionParts", "question_controls"]
