"""Question writes: asking, editing (words, kind and product), "me too", statuses.

Every function takes the acting user first, asks the policy, validates every
field again (the JSON API calls these without forms), changes rows and commits
once. Counters change only through SQL increments.

One room past 400 lines: asking, editing and statuses share the field rules (text
bounds, kinds, the statuses each kind has), and each change of a question's kind is a
change of its status too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any, cast

import sqlalchemy as sa
from slugify import slugify

from app import content, limits
from app.companies.models import Company
from app.db import increment, insert_if_absent, utcnow
from app.errors import Conflict, PermissionDenied, ValidationError
from app.extensions import db
from app.i18n import _, _l
from app.insights.scorecard import scorecard_changed
from app.moderation import audit, revisions
from app.notifications.models import NotificationKind
from app.notifications.services import Event, add_follow, notify
from app.policy import Permission, can, require
from app.products.models import Product
from app.questions import history
from app.questions import private_details as private
from app.questions.models import (
    BODY_MAX,
    BODY_MIN,
    FIXED_IN_MAX,
    SLUG_MAX,
    STATUSES_BY_KIND,
    STILL_BROKEN_REOPEN_AT,
    TITLE_MAX,
    TITLE_MIN,
    VERSION_MAX,
    Feeling,
    Kind,
    MeToo,
    Question,
    Status,
    StillBroken,
)
from app.reputation import points
from app.search import deferred
from app.search import index as search_index
from app.text import clean_text
from app.uploads import services as uploads
from app.uploads.models import Place
from app.webhooks import services as webhooks

# Path segments that follow ``/questions/<id>/``: a slug equal to one of them
# would make the canonical URL reach an action instead of the question.
_RESERVED_SLUGS = frozenset(
    {
        "edit",
        "me-too",
        "answers",
        "best-answer",
        "status",
        "follow",
        "hide",
        "restore",
        "lock",
        "unlock",
        "flag",
        "still-broken",
        "status-history",
    }
)
_FALLBACK_SLUG = "question"


def page_changed(question_id: int, *, scorecard: bool = False, rank: bool = True) -> None:
    """Something the question's page shows changed: its ``page_version`` moves by one.

    Every service that changes what the page shows calls this in its own transaction (an
    answer posted or edited, a helpful vote or an endorsement given or withdrawn, the best
    answer, the status, an edit of the question, a "me too"; moderation on hide, restore and
    lock), so the anonymous page cache, keyed by the version, never serves the old page.
    An SQL increment: concurrent changes each move it. Call it before notifying anyone, so
    the question's row is always locked before notification rows (no deadlock between two
    services).

    ``scorecard=True``: the change is one the company's public scorecard shows too (an
    answer posted, a best answer, a hide or restore, a merge, a status or a kind), so the
    company's ``scorecard_version`` moves and its directory rank is set anew
    (``app.insights.scorecard.scorecard_changed``): one more UPDATE, after the question's
    row, the order every service locks them in. ``rank=False``: the change cannot move the
    company's official answer rank (a peer's answer), so it is not computed again.
    """
    increment(db.session, Question.page_version, question_id)
    if scorecard:
        company_of = sa.select(Question.company_id).where(Question.id == question_id)
        scorecard_changed(company_of.scalar_subquery(), rank=rank)


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
        errors["kind"] = _("Choose one of: %(kinds)s.", kinds=", ".join(k.label for k in Kind))
        return Kind.QUESTION


def _parse_feeling(value: Feeling | str | None, errors: dict[str, str]) -> Feeling | None:
    if value is None or value == "":
        return None
    try:
        return Feeling(value)
    except ValueError:
        errors["feeling"] = _("Choose one of the feelings listed, or none.")
        return None


def _check_title_and_body(title: Any, body: Any, errors: dict[str, str]) -> tuple[str, str]:
    title_text, why = clean_text(
        title, label=_("The title"), minimum=TITLE_MIN, maximum=TITLE_MAX, one_line=True
    )
    if why:
        errors["title"] = why
    body_text, why = clean_text(body, label=_("The details"), minimum=BODY_MIN, maximum=BODY_MAX)
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
    private_details: str | None = None,
    images: Sequence[IO[bytes]] = (),
    private_images: Sequence[IO[bytes]] = (),
) -> Question:
    """Anyone signed in asks a company a question, optionally about one of its products.

    The title has 5–200 characters and the Markdown body 1–20,000 (both stripped,
    no NUL); the kind defaults to ``question``; the feeling is optional; the
    product, when given, must belong to the company. The question starts open. The
    asker follows it; the followers of its product and of its company are notified.
    The limits on writing apply (``app.limits``), once everything else is valid.

    ``private_details`` (Markdown, at most 5,000 characters; empty: none) are for a
    claimed company only, else a field error (``app.questions.private_details``).

    ``images`` and ``private_images``: up to 4 files each, stored re-encoded (``app.uploads``);
    images in private details, like the details themselves, only on a claimed company.
    """
    require(author, Permission.QUESTION_ASK, company)
    errors: dict[str, str] = {}
    title_text, body_text = _check_title_and_body(title, body, errors)
    question_kind = _parse_kind(kind, errors)
    question_feeling = _parse_feeling(feeling, errors)
    if product is not None and product.company_id != company.id:
        errors["product"] = _(
            "Choose one of %(company)s's products, or none.", company=company.name
        )
    errors.update(private.problems(company, private_details))
    if private_images and not company.is_claimed:
        errors[uploads.PRIVATE_IMAGES] = private.unclaimed(company)
    post_images = uploads.check(images, uploads.IMAGES, errors)
    hidden_images = uploads.check(private_images, uploads.PRIVATE_IMAGES, errors)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), fields=errors)
    limits.admit_question(author, body=body_text)
    uploads.admit(author, len(post_images) + len(hidden_images))

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
    private.write(question, private.clean(private_details)[0])
    db.session.add(question)
    db.session.flush()
    uploads.attach(author, post_images, place=Place.POST, question_id=question.id)
    uploads.attach(author, hidden_images, place=Place.PRIVATE, question_id=question.id)
    increment(db.session, Company.question_count, company.id)
    if product is not None:
        increment(db.session, Product.question_count, product.id)
    search_index.refresh_question(question.id)
    # Found after the commit (app.search.deferred): matching the title is the costly part.
    deferred.queue(question.id, related=True)
    # A new question shows on the company's scorecard at once; with no official answer yet,
    # it cannot move the company's rank.
    scorecard_changed(company.id, rank=False)
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
    webhooks.emit("question.created", company.id, question=question)
    db.session.commit()
    deferred.after_commit(question.id)
    return question


class _Keep:
    """The product argument left out: the question keeps its product."""

    def __repr__(self) -> str:
        return "KEEP"


# ``edit_question(…, product=KEEP)``: unchanged; ``product=None``: the company in general.
KEEP = _Keep()

# Which permission changes which field of a question.
_FIELD_PERMISSIONS = {
    "title": Permission.QUESTION_EDIT,
    "body": Permission.QUESTION_EDIT,
    "kind": Permission.QUESTION_CHANGE_KIND,
    "product": Permission.QUESTION_CHANGE_PRODUCT,
    "private_details": Permission.QUESTION_EDIT,
}
# The fields an edit keeps the previous version of (app.moderation.revisions), and that
# others see change: the private details are neither.
_PUBLIC_FIELDS = ("title", "body", "kind", "product")
_NOT_YOURS = {
    "title": _l("Only the author or a moderator may change the title."),
    "body": _l("Only the author or a moderator may change the details."),
    "kind": _l("Only the author, the company's staff or a moderator may change the kind."),
    "product": _l("Only the author, the company's staff or a moderator may change the product."),
    "private_details": _l("Only the asker or a moderator may change the private details."),
}


def editable_fields(user: Any, question: Question) -> frozenset[str]:
    """The fields of the question ``user`` may change: ``title``, ``body`` and
    ``private_details`` (its author or a moderator), ``kind`` and ``product`` (also the staff
    of its claimed company).

    Raises ``PermissionDenied`` for someone who may change none of them.
    """
    fields = frozenset(
        name for name, permission in _FIELD_PERMISSIONS.items() if can(user, permission, question)
    )
    if not fields:
        raise PermissionDenied(_("You are not allowed to edit this question."))
    return fields


def status_for_kind(question: Question, kind: Kind) -> Status:
    """The status a question has once it becomes ``kind``: its status when the kind has it,
    else open; a ``question`` with a best or an official answer is answered."""
    if kind == Kind.QUESTION and question.is_answered:
        return Status.ANSWERED
    return question.status if question.status in STATUSES_BY_KIND[kind] else Status.OPEN


def _current(question: Question) -> dict[str, Any]:
    return {
        "title": question.title,
        "body": question.body,
        "kind": question.kind,
        "product": question.product_id,
        "private_details": question.private_details,
    }


def _wanted(
    question: Question,
    *,
    title: str | None,
    body: str | None,
    kind: Kind | str | None,
    product: Product | None | _Keep,
    private_details: str | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """What an edit asks for (the current value of each field left out; the product by id),
    and what is wrong with it, field by field."""
    wanted, errors = _current(question), {}
    # The same checks as asking, of the fields given (a title stored before a rule was
    # added is not held against someone changing only the kind).
    text_errors: dict[str, str] = {}
    title_text, body_text = _check_title_and_body(
        question.title if title is None else title,
        question.body if body is None else body,
        text_errors,
    )
    for name, given, text in (("title", title, title_text), ("body", body, body_text)):
        if given is not None:
            wanted[name] = text
            if name in text_errors:
                errors[name] = text_errors[name]
    if kind is not None:
        wanted["kind"] = _parse_kind(kind, errors)
    if not isinstance(product, _Keep):
        if product is not None and product.company_id != question.company_id:
            errors["product"] = _(
                "Choose one of %(company)s's products, or none.", company=question.company.name
            )
        wanted["product"] = product.id if product is not None else None
    if private_details is not None:
        wanted["private_details"] = private.clean(private_details)[0]
        errors.update(
            private.problems(question.company, private_details, current=question.private_details)
        )
    return wanted, errors


def _product_name(product_id: int | None) -> str:
    product = db.session.get(Product, product_id) if product_id is not None else None
    return product.name if product is not None else "none"


def _audit_edit(
    user: Any, question: Question, changed: list[str], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Write an edit of someone else's question to the audit log: which question and which
    fields, with the old and new kind and product; never its text."""
    notes = [f"Question {question.id}: changed " + ", ".join(changed)]
    if "kind" in changed:
        notes.append(f"kind {old['kind'].value} → {new['kind'].value}")
    if "product" in changed:
        notes.append(f"product {_product_name(old['product'])} → {_product_name(new['product'])}")
    audit.record(
        user,
        "question.edited",
        company_id=question.company_id,
        subject_user_id=question.author_id,
        note="; ".join(notes),
    )


def edit_question(
    user: Any,
    question: Question,
    *,
    title: str | None = None,
    body: str | None = None,
    kind: Kind | str | None = None,
    product: Product | None | _Keep = KEEP,
    private_details: str | None = None,
) -> Question:
    """Edit a question: its title, body and private details (the author, or a moderator),
    its kind and its product (also the staff of its claimed company).

    Fields left out (``None``, ``KEEP``) stay as they are. Someone who may change none of
    them is refused; naming a field one may not change, with a value other than the current
    one, is a field error and changes nothing. The same bounds as asking apply; the product
    is one of the question's company's, or none. The slug follows the new title; the old URL
    still works because the slug is cosmetic and redirects to the new one.

    A status the new kind lacks goes back to open (a ``question`` with a best or an official
    answer reads answered), and the change is written to the audit log. A new product moves
    the question's count from the old product to the new one; the new product's followers
    are not notified: moving a question is not news, and would let anyone who may move one
    ring a product's followers at will.

    The version the edit replaces is kept in the edit history, in this transaction; an edit
    of someone else's question is written to the audit log. Saving with nothing changed keeps
    nothing and changes nothing.

    ``private_details`` (``""`` clears them) follow ``app.questions.private_details``: new
    ones only on a claimed company; no version is kept of them, and changing only them
    changes nothing others see (no "edited" time, the page's version stays).
    """
    allowed = editable_fields(user, question)
    revisions.lock_for_edit(question)
    old = _current(question)
    wanted, errors = _wanted(
        question,
        title=title,
        body=body,
        kind=kind,
        product=product,
        private_details=private_details,
    )
    changed = [name for name in wanted if wanted[name] != old[name] and name not in errors]
    errors.update((name, str(_NOT_YOURS[name])) for name in changed if name not in allowed)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), fields=errors)
    for name in changed:
        # The rule is known to allow it; ``require`` adds what holds for every write (a
        # verified e-mail address).
        require(user, _FIELD_PERMISSIONS[name], question)
    if not changed:
        return question

    old_status = question.status
    public = [name for name in changed if name in _PUBLIC_FIELDS]
    if public:
        revisions.keep_question_version(user, question)
    if "private_details" in changed:
        private.write(question, wanted["private_details"])
    if "title" in changed:
        question.title = wanted["title"]
        question.slug = question_slug(wanted["title"])
    if "body" in changed:
        rendered = content.render(wanted["body"])
        question.body = wanted["body"]
        question.body_html = rendered.html
        question.body_renderer_version = rendered.version
    if "kind" in changed:
        question.status = status_for_kind(question, wanted["kind"])
        question.kind = wanted["kind"]
        if question.status is not Status.SOLVED:
            question.fixed_in = ""
    if "product" in changed:
        if old["product"] is not None:
            increment(db.session, Product.question_count, old["product"], -1)
        if wanted["product"] is not None:
            increment(db.session, Product.question_count, wanted["product"])
        question.product = product if isinstance(product, Product) else None
    if public:
        question.updated_at = utcnow()
        page_changed(question.id, scorecard="kind" in changed)
    if "title" in changed or "body" in changed:
        search_index.refresh_question(question.id)
    if "title" in changed:
        deferred.queue(question.id, related=True)
    if user.id != question.author_id:
        _audit_edit(user, question, changed, old, wanted)
    if question.status is not old_status:
        _record_status_change(user, question, old_status, why="the kind changed")
        history.record(question, old_status, by_id=user.id)
    db.session.commit()
    if "title" in changed:
        deferred.after_commit(question.id)
    return question


def _record_status_change(user: Any, question: Question, old: Status, *, why: str = "") -> None:
    """Write a status change to the audit log: who, which question, from what to what."""
    note = f"Question {question.id}: {old.value} → {question.status.value}"
    audit.record(
        user,
        "question.status_changed",
        company_id=question.company_id,
        subject_user_id=question.author_id,
        note=f"{note} ({why})" if why else note,
    )


def add_me_too(user: Any, question: Question) -> bool:
    """A signed-in user says the question affects them too; never on their own question.

    Once per user: a second click changes nothing. True when this call added it. The
    user follows the question (withdrawing the "me too" keeps following it); the asker
    earns its points (``app.reputation.points``).
    """
    require(user, Permission.QUESTION_ME_TOO, question)
    added = insert_if_absent(
        db.session,
        MeToo.__table__,
        {"question_id": question.id, "user_id": user.id, "created_at": utcnow()},
    )
    if added:
        increment(db.session, Question.me_too_count, question.id)
        page_changed(question.id)
        points.me_too_said(question.id, user.id)
    add_follow(user.id, question_id=question.id)
    db.session.commit()
    return added


def remove_me_too(user: Any, question: Question) -> bool:
    """A user withdraws their "me too" (and its points); True when there was one to
    withdraw."""
    require(user, Permission.QUESTION_ME_TOO, question)
    result = db.session.execute(
        sa.delete(MeToo).where(MeToo.question_id == question.id, MeToo.user_id == user.id)
    )
    removed = bool(result.rowcount)
    if removed:
        increment(db.session, Question.me_too_count, question.id, -1)
        page_changed(question.id)
        points.me_too_withdrawn(question.id, user.id)
    db.session.commit()
    return removed


def allowed_statuses(kind: Kind) -> str:
    """The statuses a kind may have, as a sentence: "Open, Acknowledged or Solved"."""
    labels = [status.label for status in STATUSES_BY_KIND[kind]]
    return _("%(first)s or %(last)s", first=", ".join(labels[:-1]), last=labels[-1])


# "This problem can be Open, Acknowledged, In progress or Solved.": a sentence per kind,
# as languages give each kind its own article.
_CAN_BE = {
    Kind.QUESTION: _l("This question can be %(statuses)s."),
    Kind.PROBLEM: _l("This problem can be %(statuses)s."),
    Kind.IDEA: _l("This idea can be %(statuses)s."),
    Kind.PRAISE: _l("This praise can be %(statuses)s."),
}


def set_status(
    user: Any, question: Question, status: Status | str, fixed_in: Any = None
) -> Question:
    """Staff of the question's claimed company (or a site admin) set its status; nobody
    sets one on an unclaimed company.

    The status must be one its kind has (product.md): a problem is open,
    acknowledged, in progress or solved; an idea open, under consideration,
    planned, implemented or declined; praise open or acknowledged. A question
    (kind ``question``) is open or answered: it turns answered by itself when a
    best or an official answer exists, staff may mark it answered by hand, and
    it cannot be set back to open while such an answer exists.

    ``fixed_in`` (at most 40 characters, one line of plain text) is the version a problem
    was solved in, accepted only with ``solved`` on a problem; it is kept on the question
    until the status leaves solved (left out, ``None``, while it stays solved: kept; ``""``:
    cleared). Marking a problem solved starts a new round of
    "still broken" reports (``still_broken_count`` back to 0).

    A change (of the status, or of the fixed-in version of a solved problem) is written to
    the status history and the audit log, and notified to the question's followers and
    affected users ("me too"), once each.
    """
    require(user, Permission.QUESTION_SET_STATUS, question)
    wanted, version = _wanted_status(question, status, fixed_in)
    old_status = question.status
    changed = wanted is not old_status or version != question.fixed_in
    page_changed(question.id, scorecard=True)
    if changed:
        notify(
            Event(
                NotificationKind.STATUS_CHANGED,
                actor_id=user.id,
                question_id=question.id,
                company_id=question.company_id,
                detail=f"{wanted.value}:{version}" if version else wanted.value,
            )
        )
    question.status = wanted
    question.fixed_in = version
    if wanted is Status.SOLVED and old_status is not Status.SOLVED:
        question.still_broken_count = 0
    if changed:
        _record_status_change(user, question, old_status)
        history.record(question, old_status, by_id=user.id, fixed_in=version)
    # Activity, not an edit: updated_at (and the "(edited)" marker) is for the author's words.
    question.last_activity_at = utcnow()
    db.session.commit()
    return question


def _wanted_status(question: Question, status: Any, fixed_in: Any = None) -> tuple[Status, str]:
    """The status and fixed-in version asked for, if the question may take them;
    ``ValidationError`` naming every field refused otherwise."""
    allowed = STATUSES_BY_KIND[question.kind]
    errors: dict[str, str] = {}
    stays_answered = False
    wanted: Status | None = None
    if isinstance(status, str):
        try:
            wanted = Status(status)
        except ValueError:
            wanted = None
    if wanted is None or wanted not in allowed:
        errors["status"] = _CAN_BE[question.kind] % {"statuses": allowed_statuses(question.kind)}
    elif wanted is Status.OPEN and question.kind == Kind.QUESTION and question.is_answered:
        stays_answered = True
        errors["status"] = _(
            "This question has a best or an official answer, so it stays answered."
        )
    # Left out while it stays solved: the version it was solved in stays.
    version = question.fixed_in if fixed_in is None and wanted is question.status else ""
    if fixed_in is not None and fixed_in != "":
        version, why = clean_text(
            fixed_in, label=_("Fixed in"), minimum=0, maximum=FIXED_IN_MAX, one_line=True
        )
        if why:
            errors["fixed_in"] = why
        elif version and (question.kind != Kind.PROBLEM or wanted is not Status.SOLVED):
            errors["fixed_in"] = _("Only a problem marked Solved can say which version fixed it.")
    if errors:
        message = (
            _("This question stays answered.")
            if stays_answered
            else _("Please correct the marked fields.")
        )
        raise ValidationError(message, fields=errors)
    return cast(Status, wanted), version


def status_problems(question: Question, status: Any, fixed_in: Any = None) -> dict[str, str]:
    """What ``set_status`` would refuse in ``status`` and ``fixed_in`` (empty when nothing):
    for the API."""
    try:
        _wanted_status(question, status, fixed_in)
    except ValidationError as error:
        return error.fields
    return {}


# In English (as logs and tests read it); raised through ``_()`` in the reader's language.
NOT_A_SOLVED_PROBLEM = str(_l("Only a problem marked Solved can be reported still broken."))


def report_still_broken(user: Any, question: Question, version: Any = None) -> bool:
    """The asker or an affected user ("me too") says a solved problem is still broken,
    optionally naming their version (at most 40 characters, one line of plain text).

    Once each, ever (a unique row per user and question): a repeat changes nothing and is
    False. A question that is not a solved problem is a ``Conflict``. The asker's report, or
    the third from others since the problem was last marked solved, reopens it: the status
    goes back to acknowledged and the fixed-in version is cleared, written to the status
    history by the reporter whose report reopened it ("Reopened: still broken for 3
    people"), to the audit log, to its followers and affected users (a status change) and
    to the company's active staff. Twice at once: the question's row is locked by the
    count's increment, so exactly one report reopens it.
    """
    require(user, Permission.QUESTION_STILL_BROKEN, question)
    if question.kind != Kind.PROBLEM or question.status is not Status.SOLVED:
        raise Conflict(_(NOT_A_SOLVED_PROBLEM))
    text = ""
    if version is not None and version != "":
        text, why = clean_text(
            version, label=_("Your version"), minimum=0, maximum=VERSION_MAX, one_line=True
        )
        if why:
            raise ValidationError(_("Please correct the marked fields."), fields={"version": why})
    added = insert_if_absent(
        db.session,
        StillBroken.__table__,
        {"question_id": question.id, "user_id": user.id, "version": text, "created_at": utcnow()},
    )
    if not added:
        db.session.rollback()
        return False
    increment(db.session, Question.still_broken_count, question.id)
    page_changed(question.id)
    # The increment locked the row: what is read now is what this report follows.
    db.session.refresh(question)
    by_asker = user.id == question.author_id
    count = question.still_broken_count
    if question.status is Status.SOLVED and (by_asker or count >= STILL_BROKEN_REOPEN_AT):
        _reopen(user, question, by_asker=by_asker, count=count)
    db.session.commit()
    return True


def _reopen(user: Any, question: Question, *, by_asker: bool, count: int) -> None:
    old_status = question.status
    question.status = Status.ACKNOWLEDGED
    question.fixed_in = ""
    question.last_activity_at = utcnow()
    # A solved problem fewer on the company's public scorecard (the page moved already).
    scorecard_changed(question.company_id)
    for kind, detail in (
        (NotificationKind.STATUS_CHANGED, Status.ACKNOWLEDGED.value),
        (NotificationKind.STILL_BROKEN, "asker" if by_asker else str(count)),
    ):
        notify(
            Event(
                kind,
                actor_id=user.id,
                question_id=question.id,
                company_id=question.company_id,
                detail=detail,
            )
        )
    _record_status_change(user, question, old_status, why="still broken")
    history.record(question, old_status, by_id=user.id, still_broken=count)
