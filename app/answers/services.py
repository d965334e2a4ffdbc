"""Answer writes: posting, editing, helpful votes, the best answer, endorsements.

Every function takes the acting user first, asks the policy, validates every
field again (the JSON API calls these without forms), changes rows and commits
once. Counters change only through SQL increments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

import sqlalchemy as sa

from app import content, limits, policy
from app.answers.models import BODY_MAX, BODY_MIN, Answer, HelpfulVote
from app.db import increment, insert_if_absent, utcnow
from app.errors import ValidationError
from app.extensions import db
from app.i18n import _
from app.moderation import audit, revisions
from app.notifications.models import NotificationKind
from app.notifications.services import Event, add_follow, notify
from app.policy import Permission, can, require
from app.questions import history
from app.questions import private_details as private
from app.questions.models import Kind, Question, Status
from app.questions.services import clean_text, page_changed
from app.reputation import badges, points
from app.search import deferred as search_deferred
from app.search import index as search_index
from app.uploads import services as uploads
from app.uploads.models import Place
from app.webhooks import services as webhooks


def _clean_body(body: Any) -> str:
    text, why = clean_text(body, label=_("Your answer"), minimum=BODY_MIN, maximum=BODY_MAX)
    if why:
        raise ValidationError(_("Please correct your answer."), fields={"body": why})
    return text


def answer_problems(
    body: Any,
    *,
    question: Question | None = None,
    user: Any = None,
    private_details: Any = None,
    current: str | None = None,
) -> dict[str, str]:
    """What posting or editing would refuse in ``body`` (empty when nothing; with a question
    given, a body left out is an edit that keeps it) and, given the question answered and
    who writes, in ``private_details`` (the answer's now: ``current``): for the API, which
    reports them beside its own shape checks, and for the services."""
    problems = {}
    if body is not None or question is None:
        try:
            _clean_body(body)
        except ValidationError as error:
            problems.update(error.fields)
    if question is not None:
        problems.update(_private_details_problems(user, question, private_details, current))
    return problems


def _private_details_problems(
    user: Any, question: Question, value: Any, current: str | None = None
) -> dict[str, str]:
    """What is wrong with ``user`` setting an answer's private details (now ``current``) to
    ``value`` on ``question`` (``app.questions.private_details``): staff of its claimed
    company, and moderators, may."""
    return private.problems(
        question.company,
        value,
        current=current,
        may_write=can(user, Permission.ANSWER_PRIVATE_DETAILS, question),
    )


def post_answer(
    author: Any,
    question: Question,
    *,
    body: str,
    private_details: str | None = None,
    images: Sequence[IO[bytes]] = (),
    private_images: Sequence[IO[bytes]] = (),
) -> Answer:
    """Anyone signed in answers a question that is not locked (site admins answer any).

    The Markdown body has 1–20,000 characters (stripped, no NUL). The answer is
    official when its author is active verified staff of the question's company
    right now; the server decides, never the client. An official answer marks
    the question as having one, and a question of kind ``question`` as answered. The
    answerer follows the question; its other followers are notified (an official answer
    says so). The limits on writing apply (``app.limits``), once the body is valid.

    ``private_details`` (Markdown, at most 5,000 characters; empty: none), for the asker,
    the staff and moderators: only the active staff of a claimed company (and moderators)
    add them, else a field error (``app.questions.private_details``).

    ``images`` and ``private_images``: up to 4 files each, stored re-encoded
    (``app.uploads``); images in private details under the same rule as the details.
    """
    require(author, Permission.ANSWER_CREATE, question)
    errors = answer_problems(body, question=question, user=author, private_details=private_details)
    if private_images:
        # Who may add private details may add images to them: the same field rules.
        why = _private_details_problems(author, question, "image")
        if why:
            errors[uploads.PRIVATE_IMAGES] = why["private_details"]
    post_images = uploads.check(images, uploads.IMAGES, errors)
    hidden_images = uploads.check(private_images, uploads.PRIVATE_IMAGES, errors)
    if errors:
        raise ValidationError(_("Please correct your answer."), fields=errors)
    body_text = _clean_body(body)
    details = private.clean(private_details)[0]
    if details is not None or hidden_images:
        # Known to be allowed; ``require`` adds what every write needs (a verified address).
        require(author, Permission.ANSWER_PRIVATE_DETAILS, question)
    limits.admit_answer(author, body=body_text)
    uploads.admit(author, len(post_images) + len(hidden_images))

    now = utcnow()
    rendered = content.render(body_text)
    official = policy.is_company_staff(author, question.company)
    answer = Answer(
        question_id=question.id,
        author_id=author.id,
        body=body_text,
        body_html=rendered.html,
        body_renderer_version=rendered.version,
        is_official=official,
        created_at=now,
        updated_at=now,
    )
    private.write(answer, details)
    db.session.add(answer)
    db.session.flush()
    for prepared, place in ((post_images, Place.POST), (hidden_images, Place.PRIVATE)):
        uploads.attach(author, prepared, place=place, question_id=question.id, answer_id=answer.id)
    increment(db.session, Question.answer_count, question.id)
    # Only an official answer can move the company's official answer rank.
    page_changed(question.id, scorecard=True, rank=official)
    question.last_activity_at = now
    if official:
        question.has_official_answer = True
        if question.kind == Kind.QUESTION and question.status is not Status.ANSWERED:
            old_status, question.status = question.status, Status.ANSWERED
            history.record(question, old_status, by_id=None)
    # The thread's index entry is rewritten after the commit (app.search.deferred): an FTS5
    # row is rewritten whole, the whole thread's text, which was most of answering's cost.
    search_deferred.queue(question.id, entry=True)
    add_follow(author.id, question_id=question.id)
    badges.answer_posted(answer, question)
    notify(
        Event(
            NotificationKind.OFFICIAL_ANSWER if official else NotificationKind.ANSWER,
            actor_id=author.id,
            question_id=question.id,
            answer_id=answer.id,
            company_id=question.company_id,
        )
    )
    webhooks.emit("answer.created", question.company_id, question=question, answer=answer)
    db.session.commit()
    search_deferred.after_commit(question.id)
    return answer


def edit_answer(
    user: Any, answer: Answer, *, body: str | None = None, private_details: str | None = None
) -> Answer:
    """The author (or a site admin) edits an answer's body and its private details; the same
    bounds and rules as posting. Left out (``None``): unchanged; ``private_details=""``
    clears them.

    The version the edit replaces is kept in the edit history, in this transaction; an edit
    of someone else's answer is written to the audit log. Saving the same text again keeps
    nothing and changes nothing. The private details keep no version, and changing only
    them changes nothing others see (``app.questions.private_details``).

    The author of an official answer edits it only while still active staff of the
    question's company (``policy``'s answer:edit rule).
    """
    require(user, Permission.ANSWER_EDIT, answer)
    revisions.lock_for_edit(answer)
    question = answer.question
    errors = answer_problems(
        body,
        question=question,
        user=user,
        private_details=private_details,
        current=answer.private_details,
    )
    if errors:
        raise ValidationError(_("Please correct your answer."), fields=errors)
    body_text = answer.body if body is None else _clean_body(body)
    details = (
        answer.private_details if private_details is None else private.clean(private_details)[0]
    )
    changed = [
        name
        for name, now, wanted in (
            ("body", answer.body, body_text),
            ("private details", answer.private_details, details),
        )
        if now != wanted
    ]
    if not changed:
        return answer
    if "private details" in changed:
        require(user, Permission.ANSWER_PRIVATE_DETAILS, question)
        private.write(answer, details)
    if "body" in changed:
        revisions.keep_answer_version(user, answer)
        rendered = content.render(body_text)
        answer.body = body_text
        answer.body_html = rendered.html
        answer.body_renderer_version = rendered.version
        answer.updated_at = utcnow()
        page_changed(answer.question_id)
        search_index.refresh_question(answer.question_id)
    if user.id != answer.author_id:
        audit.record(
            user,
            "answer.edited",
            company_id=question.company_id,
            subject_user_id=answer.author_id,
            note=f"Answer {answer.id} on question {answer.question_id}: changed "
            + " and ".join(changed),
        )
    db.session.commit()
    return answer


def vote_helpful(user: Any, answer: Answer) -> bool:
    """A signed-in user finds an answer helpful; never their own answer.

    Once per user per answer: a second click changes nothing. True when this
    call added the vote. The answer's author is notified (votes grouped while unread)
    and earns its points (``app.reputation.points``).
    """
    require(user, Permission.ANSWER_VOTE_HELPFUL, answer)
    added = insert_if_absent(
        db.session,
        HelpfulVote.__table__,
        {"answer_id": answer.id, "user_id": user.id, "created_at": utcnow()},
    )
    if added:
        increment(db.session, Answer.helpful_count, answer.id)
        page_changed(answer.question_id)
        points.helpful_vote_given(answer.id, user.id)
        notify(
            Event(
                NotificationKind.HELPFUL,
                actor_id=user.id,
                question_id=answer.question_id,
                answer_id=answer.id,
                recipient_id=answer.author_id,
            )
        )
    db.session.commit()
    return added


def withdraw_helpful(user: Any, answer: Answer) -> bool:
    """A user withdraws their helpful vote (and its points); True when there was one to
    withdraw."""
    require(user, Permission.ANSWER_VOTE_HELPFUL, answer)
    result = db.session.execute(
        sa.delete(HelpfulVote).where(
            HelpfulVote.answer_id == answer.id, HelpfulVote.user_id == user.id
        )
    )
    removed = bool(result.rowcount)
    if removed:
        increment(db.session, Answer.helpful_count, answer.id, -1)
        page_changed(answer.question_id)
        points.helpful_vote_withdrawn(answer.id, user.id)
    db.session.commit()
    return removed


def choose_best_answer(user: Any, question: Question, answer: Answer) -> Question:
    """The asker (or a site admin) marks one of the question's answers as the best one.

    They may change their choice later. A question of kind ``question`` then
    reads as answered; other kinds keep the status their company's staff set. The
    answer's author is notified, and the best answer's points move to them.
    """
    require(user, Permission.QUESTION_CHOOSE_BEST, question)
    if answer.question_id != question.id:
        raise ValidationError(
            _("That answer belongs to another question."),
            fields={"answer_id": _("Choose one of this question's answers.")},
        )
    page_changed(question.id, scorecard=True)  # locks the question: choices come in turn
    points.best_answer_chosen(question.id, answer.id, user.id)
    if question.best_answer_id != answer.id:
        notify(
            Event(
                NotificationKind.BEST_ANSWER,
                actor_id=user.id,
                question_id=question.id,
                answer_id=answer.id,
                company_id=question.company_id,
                recipient_id=answer.author_id,
            )
        )
    question.best_answer_id = answer.id
    if question.kind == Kind.QUESTION and question.status is not Status.ANSWERED:
        old_status, question.status = question.status, Status.ANSWERED
        history.record(question, old_status, by_id=None)
    db.session.commit()
    return question


def clear_best_answer(user: Any, question: Question) -> Question:
    """The asker (or a site admin) unmarks the best answer.

    A question of kind ``question`` goes back to open unless an official answer exists:
    a question with an official answer stays answered. The best answer's points go.
    """
    require(user, Permission.QUESTION_CHOOSE_BEST, question)
    page_changed(question.id, scorecard=True)
    points.best_answer_cleared(question.id)
    question.best_answer_id = None
    if (
        question.kind == Kind.QUESTION
        and not question.has_official_answer
        and question.status is not Status.OPEN
    ):
        old_status, question.status = question.status, Status.OPEN
        history.record(question, old_status, by_id=None)
    db.session.commit()
    return question


def endorse_answer(user: Any, answer: Answer) -> bool:
    """Staff of the question's claimed company (or a site admin) endorse a peer answer;
    nobody endorses on an unclaimed company.

    An official answer already speaks for the company, so endorsing it is refused
    with an explanation. Endorsing twice changes nothing: the first endorser and
    time are kept. True when this call endorsed the answer; its author is notified and
    earns its points.
    """
    require(user, Permission.ANSWER_ENDORSE, answer)
    if answer.is_official:
        company = answer.question.company.name
        raise ValidationError(
            _(
                "This is an official answer: it already speaks for %(company)s. "
                "Endorse answers from fellow customers instead.",
                company=company,
            )
        )
    # A conditional UPDATE, so two staff clicking at once endorse it once.
    result = db.session.execute(
        sa.update(Answer)
        .where(Answer.id == answer.id, Answer.is_endorsed.is_(False))
        .values(is_endorsed=True, endorsed_by_id=user.id, endorsed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    endorsed = result.rowcount == 1
    if endorsed:
        page_changed(answer.question_id)
        points.endorsed(answer.id, user.id)
        notify(
            Event(
                NotificationKind.ENDORSED,
                actor_id=user.id,
                question_id=answer.question_id,
                answer_id=answer.id,
                company_id=answer.question.company_id,
                recipient_id=answer.author_id,
            )
        )
    db.session.commit()
    return endorsed


def withdraw_endorsement(user: Any, answer: Answer) -> bool:
    """Staff of the question's claimed company (or a site admin) withdraw an endorsement.

    Any of them may withdraw it, whoever gave it. True when there was one to withdraw.
    """
    require(user, Permission.ANSWER_ENDORSE, answer)
    result = db.session.execute(
        sa.update(Answer)
        .where(Answer.id == answer.id, Answer.is_endorsed.is_(True))
        .values(is_endorsed=False, endorsed_by_id=None, endorsed_at=None)
        .execution_options(synchronize_session=False)
    )
    withdrawn = result.rowcount == 1
    if withdrawn:
        page_changed(answer.question_id)
        points.endorsement_withdrawn(answer.id)
    db.session.commit()
    return withdrawn
