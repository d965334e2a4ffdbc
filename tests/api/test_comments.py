"""A question's comments through the API (issue 13): listed oldest first, page by page; a
hidden or deleted comment, or one on a hidden answer, never listed, for anybody."""

from __future__ import annotations

from datetime import timedelta

from app.comments import services as comments
from app.db import utcnow
from app.extensions import db
from app.moderation import hiding
from tests.api.helpers import Api
from tests.factories import make_answer, make_company, make_question, make_user

MARKER = "Okapi-marker-9021"


def _thread():
    week_ago = utcnow() - timedelta(days=7)
    asker = make_user("asker", created_at=week_ago)
    answerer = make_user("answerer", created_at=week_ago)
    question = make_question(make_company("Acme"), author=asker, title="Why does it beep?")
    answer = make_answer(question, author=answerer)
    return question, answer, asker, answerer


def test_comments_are_listed_oldest_first_page_by_page(client):
    question, answer, asker, answerer = _thread()
    first = comments.post_comment(answerer, question, body="Which *model*?")
    second = comments.post_comment(asker, answer, body="The big one.")
    db.session.commit()

    page = Api(client).get(f"/questions/{question.id}/comments?limit=1").get_json()
    rest = (
        Api(client)
        .get(f"/questions/{question.id}/comments?limit=1&cursor={page['next_cursor']}")
        .get_json()
    )

    (item,) = page["items"]
    assert item["id"] == first.id and item["answer_id"] is None
    assert item["body_html"] == "<p>Which <em>model</em>?</p>\n"
    assert item["author"]["username"] == "answerer"
    assert item["url"] == f"http://helpsquare.test/comments/{first.id}"
    assert [c["id"] for c in rest["items"]] == [second.id]
    assert rest["items"][0]["answer_id"] == answer.id
    assert rest["next_cursor"] is None


def test_hidden_comments_are_never_listed(client):
    question, answer, asker, answerer = _thread()
    keeper = make_user("keeper", is_admin=True)
    comments.delete_comment(asker, comments.post_comment(asker, question, body=f"1 {MARKER}"))
    hidden = comments.post_comment(asker, answer, body=f"2 {MARKER}")
    comments.hide_comment(keeper, hidden, reason="Personal data.")
    other = make_answer(question, author=answerer)
    comments.post_comment(asker, other, body=f"3 {MARKER}")
    hiding.hide_post(keeper, other, reason="Spam.")
    comments.post_comment(answerer, question, body="Still shown.")
    db.session.commit()

    for who in (None, asker, keeper):
        response = Api(client, who).get(f"/questions/{question.id}/comments").get_json()
        assert MARKER not in str(response)
        assert [c["body"] for c in response["items"]] == ["Still shown."]
