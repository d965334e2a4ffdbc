"""Comments on the question page, as readers see them: shown under their post, posted
without JavaScript, refused at the field, a hidden one gone from every way out (the page, the
later pages of answers, notifications, e-mails), and the page's statements fixed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.comments import services as comments
from app.comments.models import Comment
from app.db import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.notifications import mailer
from app.notifications import services as notification_services
from app.questions.models import Question
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_user
from tests.questions.helpers import text

MARKER = "Zebra-marker-4417"


@pytest.fixture
def thread():
    week_ago = utcnow() - timedelta(days=7)
    asker = make_user("asker", created_at=week_ago)
    answerer = make_user("answerer", created_at=week_ago)
    question = make_question(make_company("Acme"), author=asker, title="Why does it beep?")
    answer = make_answer(question, author=answerer, body="Because of the battery.")
    db.session.commit()
    return question, answer, asker, answerer


def _url(question: Question) -> str:
    return f"/questions/{question.id}/{question.slug}"


def test_comments_show_under_their_post_for_everybody(client, thread):
    question, answer, asker, answerer = thread
    on_question = comments.post_comment(answerer, question, body="Which *model*?")
    on_answer = comments.post_comment(asker, answer, body="The big one, [manual](https://e.org).")

    page = text(client.get(_url(question)))

    assert f'id="comment-{on_question.id}"' in page
    assert "<p>Which <em>model</em>?</p>" in page
    assert '<a href="https://e.org" rel="nofollow ugc">manual</a>' in page
    # Under the answer it is on: after the answer's own text.
    assert page.index("Because of the battery.") < page.index(f'id="comment-{on_answer.id}"')
    # A signed-out reader gets no form (their page is cached and holds no token).
    assert "Add a comment" not in page and "csrf_token" not in page


def test_a_signed_in_reader_comments_without_javascript(client, thread):
    question, answer, asker, _ = thread
    login_as(client, asker)
    page = text(client.get(_url(question)))
    assert f'action="/answers/{answer.id}/comments"' in page
    assert f'action="/questions/{question.id}/comments"' in page

    response = client.post(f"/answers/{answer.id}/comments", data={"body": "Which one?"})

    comment = db.session.scalars(sa.select(Comment)).one()
    assert response.status_code == 303
    assert response.location == f"{_url(question)}#comment-{comment.id}"
    assert "Thanks, your comment is posted." in text(client.get(response.location))


def test_a_refused_comment_comes_back_at_the_field_with_the_text_kept(client, thread):
    question, _, asker, _ = thread
    login_as(client, asker)
    before = snapshot()

    response = client.post(f"/questions/{question.id}/comments", data={"body": "x" * 601})

    page = text(response)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in page and "x" * 601 in page
    assert "A comment can be at most 600 characters." in page
    assert snapshot() == before


def test_the_preview_button_shows_the_comment_and_saves_nothing(client, thread):
    question, _, asker, _ = thread
    login_as(client, asker)
    before = snapshot()

    response = client.post(
        f"/questions/{question.id}/comments",
        data={"body": "Is it **on**? <script>alert(1)</script>", "preview": "1"},
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<p>Is it <strong>on</strong>? &lt;script&gt;alert(1)&lt;/script&gt;</p>" in page
    assert "<script>alert(1)" not in page
    # Kept as typed, escaped.
    assert "Is it **on**? &lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in page
    assert snapshot() == before


def test_the_author_edits_a_comment_on_its_page(client, thread):
    question, _, asker, _ = thread
    comment = comments.post_comment(asker, question, body="Is it on?")
    login_as(client, asker)

    form = text(client.get(f"/comments/{comment.id}/edit"))
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "Is it plugged in?"})

    assert "Is it on?</textarea>" in form
    assert response.status_code == 303
    assert "Is it plugged in?" in text(client.get(response.location))


def test_a_comments_address_leads_to_it(client, thread):
    question, answer, asker, _ = thread
    comment = comments.post_comment(asker, answer, body="Is it on?")

    response = client.get(f"/comments/{comment.id}")

    assert response.status_code == 302
    assert response.location == f"{_url(question)}#comment-{comment.id}"


@pytest.mark.parametrize(
    "how", ["deleted by its author", "hidden by a moderator", "on a hidden answer"]
)
def test_a_hidden_comment_shows_nowhere_but_to_its_author_and_moderators(client, thread, how):
    question, answer, asker, answerer = thread
    keeper = make_user("keeper", is_admin=True)
    reader = make_user("reader")
    notification_services.add_follow(reader.id, question_id=question.id)
    comment = comments.post_comment(asker, answer, body=f"Call me: {MARKER}")
    # Read already: it stays in the database, and the notifications page must leave it out.
    notification_services.mark_all_read(reader)
    if how == "deleted by its author":
        comments.delete_comment(asker, comment)
    elif how == "hidden by a moderator":
        comments.hide_comment(keeper, comment, reason="Personal data.")
    else:
        from app.moderation import hiding

        hiding.hide_post(keeper, answer, reason="Spam.")
    db.session.commit()

    # The page, signed out (and so the cached page) and signed in as someone else.
    assert MARKER not in text(client.get(_url(question)))
    login_as(client, reader)
    assert MARKER not in text(client.get(_url(question)))
    assert client.get(f"/comments/{comment.id}").status_code == 404
    assert client.get(f"/comments/{comment.id}/edit").status_code in (403, 404)
    # The notifications page and the e-mails of those it was notified to.
    for who in (reader, answerer):
        login_as(client, who)
        assert "commented on" not in text(client.get("/notifications"))
    mailer.send_due()
    mailer.send_digests()
    assert not db.session.scalars(sa.select(OutboxMessage)).all()
    # Its author still sees it, marked; so do moderators.
    if how != "on a hidden answer":
        login_as(client, asker)
        page = text(client.get(_url(question)))
        assert MARKER in page and "Hidden:" in page
    login_as(client, keeper)
    assert MARKER in text(client.get(_url(question)))


def test_a_shown_comment_is_notified_and_emailed(client, thread):
    """The other side of the test above: the same comment, not hidden, goes out."""
    question, answer, asker, answerer = thread
    comments.post_comment(asker, answer, body=f"Call me: {MARKER}")
    db.session.commit()

    login_as(client, answerer)
    assert "Asker (@asker) commented on an answer to “Why does it beep?”" in text(
        client.get("/notifications")
    )
    mailer.send_due()
    mailer.send_digests()
    sent = db.session.scalars(sa.select(OutboxMessage)).all()
    assert [message.to_address for message in sent] == ["answerer@example.org"]
    # Notifications and e-mails name the post, never quote the comment.
    assert MARKER not in sent[0].body_text


def _question_with_commented_answers(n: int) -> Question:
    question = make_question(make_company(f"Company {n}"), title=f"Question with {n} answers")
    for i in range(n):
        answer = make_answer(question, created_at=question.created_at + timedelta(minutes=i))
        db.session.add(
            Comment(
                question_id=question.id,
                answer_id=answer.id,
                author_id=answer.author_id,
                body=f"Comment {i}",
                body_html=f"<p>Comment {i}</p>",
                body_renderer_version=1,
            )
        )
    question.comments_made = n
    return question


@pytest.mark.parametrize("signed_in", [False, True])
def test_comments_cost_the_page_one_statement_whatever_their_number(
    client, count_queries, signed_in
):
    small = _question_with_commented_answers(3)
    large = _question_with_commented_answers(30)
    plain = make_question(make_company("Quiet"), title="Nobody commented on this")
    make_answer(plain)
    make_answer(plain)
    reader = make_user("reader")
    db.session.commit()
    if signed_in:
        login_as(client, reader)

    counts = []
    urls = [_url(question) for question in (small, large, plain)]
    for url in urls:
        db.session.expunge_all()
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(statements))

    assert counts[0] == counts[1] == counts[2] + 1
    assert "Comment 29" in text(client.get(urls[1]))


def test_the_comments_speak_danish_to_a_danish_reader(client, thread):
    question, answer, asker, answerer = thread
    comment = comments.post_comment(answerer, answer, body="Hvilken model?")
    comments.delete_comment(answerer, comment)
    comments.post_comment(answerer, question, body="Hvilken version?")
    login_as(client, answerer)

    page = text(client.get(_url(question), headers={"Accept-Language": "da"}))

    assert "Skriv en kommentar" in page and "Send kommentar" in page
    assert "Forhåndsvis" in page and "Kommentarer" in page
    assert "Kun forfatteren og moderatorer kan se denne kommentar." in page
    assert "Add a comment" not in page and "Post comment" not in page


def test_a_moderators_hide_without_a_reason_comes_back_at_its_form(client, thread):
    question, answer, asker, _ = thread
    comment = comments.post_comment(asker, answer, body="Which one?")
    keeper = make_user("keeper", is_admin=True)
    db.session.commit()
    login_as(client, keeper)
    before = snapshot()

    response = client.post(f"/comments/{comment.id}/hide", data={"reason": "  "})

    page = text(response)
    assert response.status_code == 422
    assert f'<details class="moderation-tool" id="hide-comment-{comment.id}" open>' in page
    assert "The reason cannot be empty." in page
    assert snapshot() == before
