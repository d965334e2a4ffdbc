"""The answer cards of a question page, kept rendered by what they show (issue 19).

A question page's thirty answer cards were most of its cost for everyone the anonymous page
cache does not serve (signed-in customers, staff, moderators, a first reader). Each card is
now two pieces, each kept in the page cache's store (``app.page_cache``: Redis in
production, a process's own simple cache in tests) under a key of everything it shows that
may change:

- the **content** (``answer_card_head`` in templates/_macros/answers.html): the badges, the
  author with their points and champion badge, the text, the images, a hidden answer's
  notice. It is the same for every viewer who may read the answer at all (app.visibility
  decides which answers a page gets, so a hidden answer's notice only ever reaches its
  author and moderators). Whether the viewer reads private details is part of the key; an
  answer that shows them private details (text or images) is rendered for that response
  only, so the shared store never holds them (tests/private_details/test_leaks.py);
- the **controls** (``answer_card_controls``): the footer (helpful, best answer, endorse,
  edit, delete, report, hide) and the comments with their tools and form. What this viewer
  may do and has done is worked out here first, as plain flags (``CardControls``: the
  policy asked once per control, no WTForms), and the key holds those flags, so viewers with
  the same marks share the piece and no viewer ever gets another's controls. The CSRF token
  of the controls' forms is per session: it is stored as a marker and the viewer's own
  token put in when serving, never kept in the shared HTML.

The whole page asks the store once (``get_many``: one round trip to Redis) and writes what it
lacked once. Times shown as "5 minutes ago" may lag by up to ``PAGE_CACHE_SECONDS``, as with
the list rows; everything else the card shows is in a key, so a vote, an edit, a best answer,
an endorsement, a hide or restore, a comment, new points or images show at once.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.extensions import cache
from app.page_cache import CSRF_MARKER, store_keys
from app.policy import Permission, can

log = logging.getLogger(__name__)

_END = Markup("\n  </article>")


@dataclass(frozen=True, slots=True)
class CommentControls:
    """What the viewer may do to one comment shown."""

    edit: bool = False
    delete: bool = False
    hide: bool = False


_NO_COMMENT_CONTROLS = CommentControls()


@dataclass(frozen=True, slots=True)
class ThreadControls:
    """What the viewer may do under a post: add a comment (``comment``), and to each of its
    ``page_comments`` in order (``comments``)."""

    comment: bool = False
    comments: tuple[CommentControls, ...] = ()


def thread_controls(viewer: Any, post: Any) -> ThreadControls:
    """The flags ``comment_thread`` (templates/comments/_thread.html) renders from."""
    comments = getattr(post, "page_comments", None) or ()
    if not viewer.is_authenticated:
        return ThreadControls(False, (_NO_COMMENT_CONTROLS,) * len(comments))
    return ThreadControls(
        can(viewer, Permission.COMMENT_CREATE, post),
        tuple(
            CommentControls(
                edit=can(viewer, Permission.COMMENT_EDIT, comment),
                delete=comment.hidden_at is None and can(viewer, Permission.POST_DELETE, comment),
                hide=can(viewer, Permission.POST_HIDE, comment),
            )
            for comment in comments
        ),
    )


@dataclass(frozen=True, slots=True)
class CardControls:
    """What one viewer may do to one answer and has done: all ``answer_card_controls``
    renders from besides the answer's own shown values."""

    signed_in: bool = False
    own: bool = False  # the viewer wrote it (no "Report" on one's own answer)
    helpful: bool = False  # the viewer found it helpful
    reported: bool = False  # the viewer reported it
    vote: bool = False
    choose_best: bool = False
    endorse: bool = False
    edit: bool = False
    delete: bool = False
    hide: bool = False
    thread: ThreadControls = ThreadControls()


def card_controls(
    viewer: Any,
    answer: Any,
    question: Any,
    *,
    helpful: bool = False,
    reported: bool = False,
    choose_best: bool | None = None,
) -> CardControls:
    """The viewer's controls of one answer card, each asked of ``can`` as the page always
    did. ``choose_best`` (the question's, the same for every card) may come worked out."""
    if not viewer.is_authenticated:
        return CardControls(thread=thread_controls(viewer, answer))
    if choose_best is None:
        choose_best = can(viewer, Permission.QUESTION_CHOOSE_BEST, question)
    return CardControls(
        signed_in=True,
        own=viewer.id == answer.author_id,
        helpful=helpful,
        reported=reported,
        vote=can(viewer, Permission.ANSWER_VOTE_HELPFUL, answer),
        choose_best=choose_best,
        # An official answer already speaks for the company: only peer answers are endorsed.
        endorse=not answer.is_official and can(viewer, Permission.ANSWER_ENDORSE, answer),
        edit=can(viewer, Permission.ANSWER_EDIT, answer),
        delete=answer.hidden_at is None and can(viewer, Permission.POST_DELETE, answer),
        hide=can(viewer, Permission.POST_HIDE, answer),
        thread=thread_controls(viewer, answer),
    )


def digest(html: str) -> tuple[int, int]:
    """What names a stored HTML in a key (also the question's head: app.questions.header)."""
    # Stored HTML changes with its edit time; its length and checksum (the same in every
    # process, unlike hash()) also catch a re-render that kept the time.
    return len(html), zlib.adler32(html.encode())


def person_key(user: Any) -> tuple[object, ...]:
    """What ``person``, ``points`` and ``avatar`` draw of a person, for a key."""
    return (user.id, user.username, user.display_name, user.deleted_at, user.reputation)


def images_key(post: Any) -> tuple[object, ...]:
    """The images a post on the page shows (its ``attached``), for a key."""
    attached = getattr(post, "attached", None)
    if not attached:
        return ()
    return (
        tuple((image.id, image.width, image.height) for image in attached.post),
        tuple((image.id, image.width, image.height) for image in attached.private),
    )


def _head_key(answer: Any, question: Any, private_details: bool) -> tuple[object, ...]:
    """Everything ``answer_card_head`` shows that may change."""
    company = question.company
    return (
        "answer-head",
        answer.id,
        answer.created_at,
        answer.updated_at,
        answer.body_renderer_version,
        digest(answer.body_html),
        answer.id == question.best_answer_id,
        answer.is_official,
        answer.staff_title,
        answer.is_endorsed,
        answer.by_champion,
        company.name,
        company.is_claimed,
        person_key(answer.author),
        answer.hidden_at,
        answer.hidden_reason,
        private_details,
        images_key(answer),
    )


def shows_private(post: Any) -> bool:
    """Whether the post shows private details to a reader of them (only then loaded): its
    card, or the question's head (app.questions.header)."""
    attached = getattr(post, "attached", None)
    return bool(post.private_details_html or (attached and attached.private))


def comments_key(post: Any) -> tuple[object, ...]:
    """The comments a post on the page shows (its ``page_comments``), for a key."""
    return tuple(
        (
            comment.id,
            comment.created_at,
            comment.updated_at,
            comment.body_renderer_version,
            digest(comment.body_html),
            comment.hidden_at,
            comment.hidden_reason,
            person_key(comment.author),
        )
        for comment in getattr(post, "page_comments", None) or ()
    )


def _controls_key(answer: Any, question: Any, controls: CardControls) -> tuple[object, ...]:
    """Everything ``answer_card_controls`` shows that may change: the viewer's flags and
    the answer's own values the footer and the comments draw."""
    return (
        "answer-controls",
        answer.id,
        question.id,
        answer.helpful_count,
        answer.id == question.best_answer_id,
        answer.is_official,
        answer.is_endorsed,
        answer.hidden_at is None,
        question.company.name,
        controls,
        comments_key(answer),
    )


def _macros() -> Any:
    return current_app.jinja_env.get_template("_macros/answers.html").module


def answer_cards(
    question: Any,
    answers: Sequence[Any],
    viewer: Any,
    *,
    helpful_ids: Any = frozenset(),
    flagged_ids: Any = frozenset(),
    private_details: bool = False,
    reason_errors: dict[str, tuple[str, str]] | None = None,
) -> list[Markup]:
    """The page's answer cards, in order, each as the viewer sees it: the same HTML
    ``answer_card`` renders, most of it from the cache."""
    macros = _macros()
    choose_best = viewer.is_authenticated and can(viewer, Permission.QUESTION_CHOOSE_BEST, question)
    controls = [
        card_controls(
            viewer,
            answer,
            question,
            helpful=answer.id in helpful_ids,
            reported=answer.id in flagged_ids,
            choose_best=choose_best,
        )
        for answer in answers
    ]
    seconds = current_app.config["PAGE_CACHE_SECONDS"]
    # A refused moderator's reason is shown in its form, for this one response: not kept.
    if seconds <= 0 or not answers:
        return [
            _card(macros, answer, question, viewer, private_details, control, reason_errors)
            for answer, control in zip(answers, controls, strict=True)
        ]
    head_names = store_keys("fragment", (_head_key(a, question, private_details) for a in answers))
    # Private details are never kept in the shared store: rendered for their reader each time.
    keep_head = [not (private_details and shows_private(a)) for a in answers]
    keep_controls = not reason_errors
    control_names = (
        store_keys(
            "fragment",
            (_controls_key(a, question, c) for a, c in zip(answers, controls, strict=True)),
        )
        if keep_controls
        else []
    )
    try:
        found = cache.get_many(*head_names, *control_names)
    except Exception:
        log.exception("the page cache could not be read; rendering instead")
        found = [None] * (len(head_names) + len(control_names))
    heads, kept_controls = found[: len(answers)], found[len(answers) :]
    token: str | None = None
    missing: dict[str, str] = {}
    cards = []
    for i, answer in enumerate(answers):
        head = heads[i] if keep_head[i] else None
        if head is None:
            head = str(macros.answer_card_head(answer, question, private_details))
            if keep_head[i]:
                missing[head_names[i]] = head
        if keep_controls and kept_controls[i] is not None:
            footer = kept_controls[i]
            if CSRF_MARKER in footer:
                token = token or generate_csrf()
                footer = footer.replace(CSRF_MARKER, token)
        else:
            footer = str(
                macros.answer_card_controls(answer, question, viewer, controls[i], reason_errors)
            )
            if keep_controls:
                stored = footer
                if controls[i].signed_in:  # a signed-out viewer's controls hold no form
                    token = token or generate_csrf()
                    stored = footer.replace(token, CSRF_MARKER)
                missing[control_names[i]] = stored
        # Rendered by the template (escaped) now or a moment ago, kept by this module only.
        cards.append(Markup(head + footer) + _END)  # noqa: S704
    if missing:
        try:
            cache.set_many(missing, timeout=seconds)
        except Exception:
            log.exception("the page cache could not be written")
    return cards


def _card(
    macros: Any,
    answer: Any,
    question: Any,
    viewer: Any,
    private_details: bool,
    controls: CardControls,
    reason_errors: Any,
) -> Markup:
    return (
        macros.answer_card_head(answer, question, private_details)
        + macros.answer_card_controls(answer, question, viewer, controls, reason_errors)
        + _END
    )


__all__ = [
    "CSRF_MARKER",
    "CardControls",
    "CommentControls",
    "ThreadControls",
    "answer_cards",
    "card_controls",
    "comments_key",
    "digest",
    "images_key",
    "person_key",
    "shows_private",
    "thread_controls",
]
