"""Comment rules on the services (app/comments/services.py): who may comment, edit, delete
and hide; the bounds; the limits on writing; who is notified; the page version."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.comments import services as comments
from app.comments.models import BODY_MAX, PER_POST_MAX, Comment
from app.db import utcnow
from app.errors import EmailUnverified, NotFound, PermissionDenied, RateLimited, ValidationError
from app.extensions import db
from app.moderation import hiding
from app.moderation.models import ModerationLogEntry, TargetType
from app.notifications import services as notification_services
from app.notifications.models import Category, NotificationKind
from app.questions.models import Question
from tests.checks import snapshot
from tests.factories import make_answer, make_company, make_question, make_user
from tests.notifications.helpers import notifications_of


@pytest.fixture
def thread():
    """A question by "asker" with an answer by "answerer", followed by "fan"; accounts past
    their first day."""
    week_ago = utcnow() - timedelta(days=7)
    asker = make_user("asker", created_at=week_ago)
    answerer = make_user("answerer", created_at=week_ago)
    fan = make_user("fan", created_at=week_ago)
    question = make_question(make_company("Acme"), author=asker, title="Why does it beep?")
    answer = make_answer(question, author=answerer, body="Because of the battery.")
    notification_services.add_follow(fan.id, question_id=question.id)
    db.session.commit()
    return question, answer, asker, answerer, fan


def _version(question: Question) -> int:
    return db.session.scalar(sa.select(Question.page_version).where(Question.id == question.id))


def test_a_comment_on_an_answer_is_saved_rendered_and_notified(thread):
    question, answer, asker, answerer, fan = thread
    before = _version(question)

    comment = comments.post_comment(asker, answer, body="Which **battery**, the big one?")

    assert comment.answer_id == answer.id and comment.question_id == question.id
    assert comment.body_html == "<p>Which <strong>battery</strong>, the big one?</p>\n"
    assert _version(question) == before + 1
    # The answer's author (filed as activity on their answer) and the question's follower.
    (told,) = notifications_of(answerer, NotificationKind.COMMENT)
    assert told.category is Category.MY_ANSWERS and told.comment_id == comment.id
    assert told.sentence == "Asker (@asker) commented on an answer to “Why does it beep?”"
    assert [n.category for n in notifications_of(fan, NotificationKind.COMMENT)] == [
        Category.FOLLOWED_QUESTIONS
    ]
    # Never the commenter, though the asker follows their own question by now.
    assert notifications_of(asker, NotificationKind.COMMENT) == []


def test_a_comment_on_the_question_tells_its_asker_not_the_commenting_answerer(thread):
    question, _, asker, answerer, fan = thread

    comments.post_comment(answerer, question, body="Which model is it?")

    (told,) = notifications_of(asker, NotificationKind.COMMENT)
    assert told.category is Category.MY_QUESTIONS
    assert told.sentence == "Answerer (@answerer) commented on “Why does it beep?”"
    assert len(notifications_of(fan, NotificationKind.COMMENT)) == 1
    assert notifications_of(answerer, NotificationKind.COMMENT) == []


def test_images_and_blocks_are_not_comment_markdown(thread):
    question, _, asker, *_ = thread

    comment = comments.post_comment(
        asker, question, body="![x](https://e.example/x.png) # Big\n<img src=x onerror=alert(1)>"
    )

    assert "<img" not in comment.body_html and "<h1" not in comment.body_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in comment.body_html


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("", "Your comment cannot be empty."),
        ("   \u200b ", "Your comment cannot be empty: it has only invisible characters."),
        ("x" * (BODY_MAX + 1), "Your comment can be at most 600 characters (it has 601)."),
    ],
)
def test_a_comment_needs_1_to_600_characters(thread, body, why):
    question, _, asker, *_ = thread
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        comments.post_comment(asker, question, body=body)

    assert refused.value.fields == {"body": why}
    assert snapshot() == before


def test_600_characters_are_fine(thread):
    question, _, asker, *_ = thread

    assert len(comments.post_comment(asker, question, body="y" * BODY_MAX).body) == BODY_MAX


def test_an_unverified_account_cannot_comment(thread):
    question, *_ = thread
    newcomer = make_user("newcomer", email_verified=False)
    before = snapshot()

    with pytest.raises(EmailUnverified):
        comments.post_comment(newcomer, question, body="Hello?")

    assert snapshot() == before


def test_a_locked_question_takes_comments_from_moderators_only(thread):
    question, answer, asker, *_ = thread
    keeper = make_user("keeper", is_admin=True)
    hiding.lock_question(keeper, question, reason="Heated.")

    for post in (question, answer):
        with pytest.raises(PermissionDenied):
            comments.post_comment(asker, post, body="Still here.")
    assert comments.post_comment(keeper, question, body="Calm, please.").id


def test_nobody_comments_on_a_hidden_post(thread):
    question, answer, asker, answerer, _ = thread
    keeper = make_user("keeper", is_admin=True)
    hiding.hide_post(keeper, answer, reason="Spam.")

    for who in (asker, answerer, keeper):
        with pytest.raises(PermissionDenied):
            comments.post_comment(who, answer, body="On a hidden answer.")


def test_a_post_keeps_at_most_30_comments(thread, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    question, _, asker, *_ = thread
    for n in range(PER_POST_MAX):
        comments.post_comment(asker, question, body=f"Comment {n}.")
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        comments.post_comment(asker, question, body="One too many.")

    assert refused.value.fields["body"] == (
        "This already has 30 comments, the most one post keeps. Add an answer instead."
    )
    assert snapshot() == before


def test_comments_have_an_hourly_limit(thread):
    question, _, asker, *_ = thread
    for n in range(30):
        comments.post_comment(asker, question if n < 15 else thread[1], body=f"Note {n}.")

    with pytest.raises(RateLimited) as refused:
        comments.post_comment(asker, question, body="Note 31.")

    assert refused.value.message.startswith("You have posted 30 comments in the last hour")


def test_a_new_account_posts_10_comments_in_its_first_day(thread):
    question, *_ = thread
    newcomer = make_user("newcomer")
    for n in range(10):
        comments.post_comment(newcomer, question, body=f"First-day note {n}.")

    with pytest.raises(RateLimited) as refused:
        comments.post_comment(newcomer, question, body="First-day note 11.")

    assert refused.value.message.startswith("New accounts can post 10 comments in their first day")


def test_the_same_comment_twice_is_refused(thread):
    question, answer, asker, *_ = thread
    comments.post_comment(asker, question, body="Is it charged?")

    with pytest.raises(ValidationError) as refused:
        comments.post_comment(asker, answer, body="is it  CHARGED?")

    assert refused.value.fields["body"].startswith("You posted this same text")


def test_the_author_edits_their_comment_and_others_cannot(thread):
    question, _, asker, answerer, _ = thread
    comment = comments.post_comment(asker, question, body="Is it charged?")
    before = _version(question)

    comments.edit_comment(asker, comment, body="Is it *fully* charged?")

    assert comment.body_html == "<p>Is it <em>fully</em> charged?</p>\n"
    assert comment.updated_at > comment.created_at
    assert _version(question) == before + 1
    with pytest.raises(PermissionDenied):
        comments.edit_comment(answerer, comment, body="Rewritten by someone else.")


def test_deleting_ones_own_comment_hides_it_and_withdraws_its_notifications(thread):
    question, answer, asker, answerer, fan = thread
    comment = comments.post_comment(asker, answer, body="Which battery?")
    before = _version(question)

    comments.delete_comment(asker, comment)

    assert comment.hidden_at is not None and comment.hidden_reason == "deleted by its author"
    assert _version(question) == before + 1
    assert notifications_of(answerer, NotificationKind.COMMENT) == []
    assert notifications_of(fan, NotificationKind.COMMENT) == []
    with pytest.raises(NotFound):
        comments.delete_comment(asker, comment)
    with pytest.raises(PermissionDenied):
        comments.edit_comment(asker, comment, body="Back again.")


def test_only_its_author_or_a_moderator_deletes_a_comment(thread):
    question, _, asker, answerer, _ = thread
    comment = comments.post_comment(asker, question, body="Which battery?")

    with pytest.raises(PermissionDenied):
        comments.delete_comment(answerer, comment)
    comments.delete_comment(make_user("keeper", is_admin=True), comment)

    assert comment.hidden_reason == "deleted by a moderator"


def test_moderators_hide_and_restore_comments_in_the_public_log(thread):
    question, _, asker, answerer, _ = thread
    keeper = make_user("keeper", is_admin=True)
    comment = comments.post_comment(asker, question, body="Buy cheap pills.")

    with pytest.raises(PermissionDenied):
        comments.hide_comment(answerer, comment, reason="Spam.")
    with pytest.raises(ValidationError):
        comments.hide_comment(keeper, comment, reason="   ")
    comments.hide_comment(keeper, comment, reason="Spam.")
    comments.hide_comment(keeper, comment, reason="Spam again.")  # changes nothing
    assert comment.hidden_reason == "Spam."
    comments.restore_comment(keeper, comment)

    assert comment.hidden_at is None
    log = db.session.scalars(
        sa.select(ModerationLogEntry.action).where(
            ModerationLogEntry.target_type == TargetType.COMMENT,
            ModerationLogEntry.target_id == comment.id,
        )
    ).all()
    assert [action.value for action in log] == ["hide", "restore"]


def test_comments_made_counts_every_comment_of_the_question(thread):
    question, answer, asker, *_ = thread
    comments.post_comment(asker, question, body="One.")
    comments.delete_comment(asker, comments.post_comment(asker, answer, body="Two."))

    made = sa.select(Question.comments_made).where(Question.id == question.id)
    assert db.session.scalar(made) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 2


def test_deleting_a_spammer_hides_their_comments_too(thread):
    from app.moderation import accounts as moderation_accounts

    question, answer, asker, answerer, _ = thread
    spammer = make_user("spammer", created_at=utcnow() - timedelta(days=7))
    first = comments.post_comment(spammer, question, body="Cheap pills!")
    second = comments.post_comment(spammer, answer, body="Cheap pills, again!")

    moderation_accounts.suspend_user(
        make_user("keeper", is_admin=True),
        spammer,
        reason="Spam.",
        forever=True,
        delete_spammer=True,
    )

    assert all(comment.hidden_at is not None for comment in (first, second))
    assert notifications_of(asker, NotificationKind.COMMENT) == []
    assert notifications_of(answerer, NotificationKind.COMMENT) == []
