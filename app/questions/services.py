"""Question writes: asking, editing, "me too", statuses.

Every function takes the acting user first, asks the policy, validates every
field again (the JSON API calls these without forms), changes rows and commits
once. Counters change only through SQL increments.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from slugify import slugify

from app import content
from app.companies.models import Company
from app.db import increment, insert_if_absent, utcnow
from app.errors import ValidationError
from app.extensions import db
from app.notifications.models import NotificationKind
from app.notifications.services import Event, add_follow, notify
from app.policy import Permission, require
from app.products.models import Product
from app.questions.models import (
    BODY_MAX,
    BODY_MIN,
    SLUG_MAX,
    STATUSES_BY_KIND,
    TITLE_MAX,
    TITLE_MIN,
    Feeling,
    Kind,
    MeToo,
    Question,
    Status,
)
from app.search import index as search_index

# Path segments that follow ``/questions/<id>/``: a slug equal to one of them
# would make the canonical URL reach an action instead of the question.
_RESERVED_SLUGS = frozenset({"edit", "me-too", "answers", "best-answer", "status", "follow"})
_FALLBACK_SLUG = "question"

NUL_MESSAGE = "This cannot contain NUL characters."


def clean_text(
    value: Any, *, label: str, minimum: int, maximum: int, one_line: bool = False
) -> tuple[str, str | None]:
    """The stripped text and what is wrong with it (``None`` when it is fine).

    ``one_line`` folds every run of whitespace into one space (titles).
    """
    if not isinstance(value, str):
        return "", f"{label} must be text."
    if "\x00" in value:
        return value, NUL_MESSAGE
    text = " ".join(value.split()) if one_line else value.strip()
    if len(text) < minimum:
        if minimum <= 1:
            return text, f"{label} cannot be empty."
        return text, f"{label} needs at least {minimum} characters."
    if len(text) > maximum:
        return text, f"{label} can be at most {maximum:,} characters (it has {len(text):,})."
    return text, None


def question_slug(title: str) -> str:
    """The cosmetic slug of a question's URL, made from its title."""
    slug = slugify(title, max_length=SLUG_MAX) or _FALLBACK_SLUG
    if slug in _RESERVED_SLUGS:
        slug = f"{slug}-{_FALLBACK_SLUG}"
    return slug


def _parse_kind(value: Kind | str | None, errors: dict[str, str]) -> Kind:
    if value is None or value == "":
        return Kind.QUESTION
    try:
        return Kind(value)
    except ValueError:
        errors["kind"] = "Choose one of: " + ", ".join(k.label for k in Kind) + "."
        return Kind.QUESTION


def _parse_feeling(value: Feeling | str | None, errors: dict[str, str]) -> Feeling | None:
    if value is None or value == "":
        return None
    try:
        return Feeling(value)
    except ValueError:
        errors["feeling"] = "Choose one of the feelings listed, or none."
        return None


def _check_title_and_body(title: Any, body: Any, errors: dict[str, str]) -> tuple[str, str]:
    title_text, why = clean_text(
        title, label="The title", minimum=TITLE_MIN, maximum=TITLE_MAX, one_line=True
    )
    if why:
        errors["title"] = why
    body_text, why = clean_text(body, label="The details", minimum=BODY_MIN, maximum=BODY_MAX)
    if why:
        errors["body"] = why
    return title_text, body_text


def question_problems(
    *, title: Any = None, body: Any = None, kind: Any = None, feeling: Any = None
) -> dict[str, str]:
    """What asking or editing would refuse among the fields given (None: not given), field
    by field: for the API, which reports them beside its own shape checks."""
    errors: dict[str, str] = {}
    if title is not None or body is not None:
        _check_title_and_body(title, body, errors)
        for given, field in ((title, "title"), (body, "body")):
            if given is None:
                errors.pop(field, None)
    if kind is not None:
        _parse_kind(kind, errors)
    if feeling is not None:
        _parse_feeling(feeling, errors)
    return errors


def ask_question(
    author: Any,
    company: Company,
    *,
    title: str,
    body: str,
    kind: Kind | str = Kind.QUESTION,
    product: Product | None = None,
    feeling: Feeling | str | None = None,
) -> Question:
    """Anyone signed in asks a company a question, optionally about one of its products.

    The title has 5–200 characters and the Markdown body 1–20,000 (both stripped,
    no NUL); the kind defaults to ``question``; the feeling is optional; the
    product, when given, must belong to the company. The question starts open. The
    asker follows it; the followers of its product and of its company are notified.
    """
    require(author, Permission.QUESTION_ASK, company)
    errors: dict[str, str] = {}
    title_text, body_text = _check_title_and_body(title, body, errors)
    question_kind = _parse_kind(kind, errors)
    question_feeling = _parse_feeling(feeling, errors)
    if product is not None and product.company_id != company.id:
        errors["product"] = f"Choose one of {company.name}'s products, or none."
    if errors:
        raise ValidationError("Please correct the marked fields.", fields=errors)

    now = utcnow()
    rendered = content.render(body_text)
    question = Question(
        company_id=company.id,
        product_id=product.id if product is not None else None,
        author_id=author.id,
        kind=question_kind,
        feeling=question_feeling,
        status=Status.OPEN,
        title=title_text,
        slug=question_slug(title_text),
        body=body_text,
        body_html=rendered.html,
        body_renderer_version=rendered.version,
        created_at=now,
        updated_at=now,
        last_activity_at=now,
    )
    db.session.add(question)
    db.session.flush()
    increment(db.session, Company.question_count, company.id)
    if product is not None:
        increment(db.session, Product.question_count, product.id)
    search_index.refresh_question(question.id)
    search_index.refresh_related(question)
    add_follow(author.id, question_id=question.id)
    notify(
        Event(
            NotificationKind.NEW_QUESTION,
            actor_id=author.id,
            question_id=question.id,
            company_id=company.id,
            product_id=product.id if product is not None else None,
        )
    )
    db.session.commit()
    return question


def edit_question(user: Any, question: Question, *, title: str, body: str) -> Question:
    """The author (or a site admin) edits a question's title and body.

    The same bounds as asking apply. The slug follows the new title; the old URL
    still works because the slug is cosmetic and redirects to the new one.
    """
    require(user, Permission.QUESTION_EDIT, question)
    errors: dict[str, str] = {}
    title_text, body_text = _check_title_and_body(title, body, errors)
    if errors:
        raise ValidationError("Please correct the marked fields.", fields=errors)

    rendered = content.render(body_text)
    question.title = title_text
    question.slug = question_slug(title_text)
    question.body = body_text
    question.body_html = rendered.html
    question.body_renderer_version = rendered.version
    question.updated_at = utcnow()
    search_index.refresh_question(question.id)
    search_index.refresh_related(question)
    db.session.commit()
    return question


def add_me_too(user: Any, question: Question) -> bool:
    """A signed-in user says the question affects them too; never on their own question.

    Once per user: a second click changes nothing. True when this call added it. The
    user follows the question (withdrawing the "me too" keeps following it).
    """
    require(user, Permission.QUESTION_ME_TOO, question)
    added = insert_if_absent(
        db.session,
        MeToo.__table__,
        {"question_id": question.id, "user_id": user.id, "created_at": utcnow()},
    )
    if added:
        increment(db.session, Question.me_too_count, question.id)
    add_follow(user.id, question_id=question.id)
    db.session.commit()
    return added


def remove_me_too(user: Any, question: Question) -> bool:
    """A user withdraws their "me too"; True when there was one to withdraw."""
    require(user, Permission.QUESTION_ME_TOO, question)
    result = db.session.execute(
        sa.delete(MeToo).where(MeToo.question_id == question.id, MeToo.user_id == user.id)
    )
    removed = bool(result.rowcount)
    if removed:
        increment(db.session, Question.me_too_count, question.id, -1)
    db.session.commit()
    return removed


def allowed_statuses(kind: Kind) -> str:
    """The statuses a kind may have, as a sentence: "Open, Acknowledged or Solved"."""
    labels = [status.label for status in STATUSES_BY_KIND[kind]]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def set_status(user: Any, question: Question, status: Status | str) -> Question:
    """Staff of the question's claimed company (or a site admin) set its status; nobody
    sets one on an unclaimed company.

    The status must be one its kind has (product.md): a problem is open,
    acknowledged, in progress or solved; an idea open, under consideration,
    planned, implemented or declined; praise open or acknowledged. A question
    (kind ``question``) is open or answered: it turns answered by itself when a
    best or an official answer exists, staff may mark it answered by hand, and
    it cannot be set back to open while such an answer exists. A change of status is
    notified to the question's followers.
    """
    require(user, Permission.QUESTION_SET_STATUS, question)
    wanted = _wanted_status(question, status)
    if wanted is not question.status:
        notify(
            Event(
                NotificationKind.STATUS_CHANGED,
                actor_id=user.id,
                question_id=question.id,
                company_id=question.company_id,
                detail=wanted.value,
            )
        )
    question.status = wanted
    # Activity, not an edit: updated_at (and the "(edited)" marker) is for the author's words.
    question.last_activity_at = utcnow()
    db.session.commit()
    return question


def _wanted_status(question: Question, status: Any) -> Status:
    """The status asked for, if the question may take it; ``ValidationError`` otherwise."""
    allowed = STATUSES_BY_KIND[question.kind]
    kind = question.kind.label.lower()
    wanted: Status | None = None
    if isinstance(status, str):
        try:
            wanted = Status(status)
        except ValueError:
            wanted = None
    if wanted is None or wanted not in allowed:
        raise ValidationError(
            "Please choose one of the statuses listed.",
            fields={"status": f"This {kind} can be {allowed_statuses(question.kind)}."},
        )
    if wanted is Status.OPEN and question.kind == Kind.QUESTION and question.is_answered:
        raise ValidationError(
            "This question stays answered.",
            fields={
                "status": "This question has a best or an official answer, so it stays answered."
            },
        )
    return wanted


def status_problems(question: Question, status: Any) -> dict[str, str]:
    """What ``set_status`` would refuse in ``status`` (empty when nothing): for the API."""
    try:
        _wanted_status(question, status)
    except ValidationError as error:
        return error.fields
    return {}
