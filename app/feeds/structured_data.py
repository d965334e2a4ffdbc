"""schema.org ``QAPage`` data for a question page, as search engines read it.

Built here as plain Python values; the template writes it with Jinja's ``tojson``,
which escapes ``<``, ``>``, ``&`` and ``'`` as ``\\u003c`` and friends, so no user text
can close the ``<script type="application/ld+json">`` element or open a comment.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from flask import url_for

from app.search.text import text_with_lines

SUGGESTED_MAX = 10


@lru_cache(maxsize=1024)
def _text(html: str) -> str:
    """A post's text for ``text``: parsing its HTML was a tenth of a question page's cost
    (issue 19), and a page's answers change far less often than it is read. Kept per
    process by the HTML itself, so an edited post is parsed anew."""
    return text_with_lines(html)


def _person(user: Any) -> dict[str, str]:
    if user.is_former_member:  # no profile any more
        return {"@type": "Person", "name": user.label}
    return {
        "@type": "Person",
        "name": user.label,
        "url": url_for("accounts.profile", username=user.username, _external=True),
    }


def _answer(question: Any, answer: Any) -> dict[str, Any]:
    return {
        "@type": "Answer",
        "text": _text(answer.body_html),
        "dateCreated": answer.created_at.isoformat(),
        "datePublished": answer.created_at.isoformat(),
        "upvoteCount": answer.helpful_count,
        "url": url_for(
            "questions.show",
            question_id=question.id,
            slug=question.slug,
            _anchor=f"answer-{answer.id}",
            _external=True,
        ),
        "author": _person(answer.author),
    }


def accepted_answer(question: Any, answers: Sequence[Any]) -> Any | None:
    """The asker's best answer, if they chose one (an official answer is not "accepted":
    the asker did not say it solved their question)."""
    for answer in answers:
        if answer.id == question.best_answer_id:
            return answer
    return None


def qa_page(question: Any, answers: Sequence[Any]) -> dict[str, Any] | None:
    """The page as a ``QAPage`` whose ``mainEntity`` is the question; ``answers`` are those
    on the page (its first page of answers: the best and official ones come first). None
    when it has no answer: a QAPage without one is not what search engines show.

    ``acceptedAnswer`` is the asker's best answer only; the others (at most
    ``SUGGESTED_MAX``) are ``suggestedAnswer``, official answers first, then in the page's
    order. ``upvoteCount`` counts helpful votes on answers and "me too" on the question.
    """
    if not answers:
        return None
    accepted = accepted_answer(question, answers)
    others = [answer for answer in answers if answer is not accepted]
    others.sort(key=lambda answer: not answer.is_official)  # stable: the page's order
    main: dict[str, Any] = {
        "@type": "Question",
        "name": question.title,
        "text": _text(question.body_html) or question.title,
        # All of them, not only the first page's.
        "answerCount": max(question.answer_count, len(answers)),
        "upvoteCount": question.me_too_count,
        "dateCreated": question.created_at.isoformat(),
        "datePublished": question.created_at.isoformat(),
        "author": _person(question.author),
        "url": url_for(
            "questions.show", question_id=question.id, slug=question.slug, _external=True
        ),
    }
    if accepted is not None:
        main["acceptedAnswer"] = _answer(question, accepted)
    if others:
        main["suggestedAnswer"] = [_answer(question, answer) for answer in others[:SUGGESTED_MAX]]
    return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": main}
