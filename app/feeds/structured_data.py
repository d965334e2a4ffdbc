"""schema.org ``QAPage`` data for a question page, as search engines read it.

Built here as plain Python values; the template writes it with Jinja's ``tojson``,
which escapes ``<``, ``>``, ``&`` and ``'`` as ``\\u003c`` and friends, so no user text
can close the ``<script type="application/ld+json">`` element or open a comment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import url_for

from app.search.text import plain_text

SUGGESTED_MAX = 10


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
        "text": plain_text(answer.body_html),
        "dateCreated": answer.created_at.isoformat(),
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
    """The best answer; without one, the newest official answer; else none."""
    for answer in answers:
        if answer.id == question.best_answer_id:
            return answer
    official = [answer for answer in answers if answer.is_official]
    return max(official, key=lambda a: (a.created_at, a.id)) if official else None


def qa_page(question: Any, answers: Sequence[Any]) -> dict[str, Any]:
    """The page as a ``QAPage`` whose ``mainEntity`` is the question; ``answers`` are those
    on the page (its first page of answers: the best and official ones come first).

    ``acceptedAnswer`` is the best answer, else the newest official one; the others
    (at most ``SUGGESTED_MAX``, in the page's order) are ``suggestedAnswer``.
    ``upvoteCount`` counts helpful votes on answers and "me too" on the question.
    """
    accepted = accepted_answer(question, answers)
    others = [answer for answer in answers if answer is not accepted][:SUGGESTED_MAX]
    main: dict[str, Any] = {
        "@type": "Question",
        "name": question.title,
        "text": plain_text(question.body_html) or question.title,
        # All of them, not only the first page's.
        "answerCount": max(question.answer_count, len(answers)),
        "upvoteCount": question.me_too_count,
        "dateCreated": question.created_at.isoformat(),
        "author": _person(question.author),
        "url": url_for(
            "questions.show", question_id=question.id, slug=question.slug, _external=True
        ),
    }
    if accepted is not None:
        main["acceptedAnswer"] = _answer(question, accepted)
    if others:
        main["suggestedAnswer"] = [_answer(question, answer) for answer in others]
    return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": main}
