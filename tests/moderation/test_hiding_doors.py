"""Hiding, restoring, locking through both doors: the question page's small forms and the
API; what the author, a moderator and everyone else then read; the public moderation log."""

from __future__ import annotations

import re

import pytest

from app.answers.models import Answer
from app.extensions import cache, db
from app.moderation import hiding
from app.questions.models import Question
from tests.api.helpers import API, Api, error_of
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user


@pytest.fixture
def w():
    class W:
        pass

    w = W()
    w.mod = make_user("mod", is_moderator=True)
    w.asker = make_user("asker")
    w.peer = make_user("peer")
    w.reader = make_user("reader")
    w.staff = make_user("agent")
    w.acme = make_company("Acme", domain="acme.example")
    make_staff(w.acme, w.staff, role="admin")
    w.question = make_question(w.acme, author=w.asker, title="Widget beeps all night")
    w.answer = make_answer(w.question, author=w.peer, body="Answer with a secret-marker.")
    db.session.commit()
    return w


def _page(question: Question) -> str:
    return f"/questions/{question.id}/{question.slug}"


def _fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


# The page's forms ----------------------------------------------------------------------


def test_moderators_get_the_forms_and_nobody_else_does(client, w):
    for user in (w.asker, w.peer, w.staff):
        login_as(client, user)
        html = client.get(_page(w.question)).get_data(as_text=True)
        assert "/hide" not in html and "/lock" not in html
    login_as(client, w.mod)
    html = client.get(_page(w.question)).get_data(as_text=True)
    assert f'action="/questions/{w.question.id}/hide"' in html
    assert f'action="/questions/{w.question.id}/lock"' in html
    assert f'action="/answers/{w.answer.id}/hide"' in html
    assert 'name="csrf_token"' in html


def test_hiding_an_answer_on_the_page_leaves_it_to_its_author_and_moderators(client, w):
    login_as(client, w.mod)
    done = client.post(f"/answers/{w.answer.id}/hide", data={"reason": "Off topic."})
    assert done.status_code == 303

    html = client.get(_page(w.question)).get_data(as_text=True)
    assert "secret-marker" in html and "Hidden:</strong> Off topic." in html
    assert f'action="/answers/{w.answer.id}/restore"' in html
    login_as(client, w.peer)
    html = client.get(_page(w.question)).get_data(as_text=True)
    assert "secret-marker" in html and "Hidden:</strong> Off topic." in html
    for user in (w.reader, w.staff, w.asker):
        login_as(client, user)
        html = client.get(_page(w.question)).get_data(as_text=True)
        assert "secret-marker" not in html and "0 answers" in html
        assert client.get(f"/answers/{w.answer.id}").status_code == 404
    client.get("/sign-out")

    login_as(client, w.mod)
    assert client.post(f"/answers/{w.answer.id}/restore", data={}).status_code == 303
    assert _fresh(Question, w.question.id).answer_count == 1


def test_a_hidden_question_is_404_for_everyone_but_its_author_and_moderators(app, w):
    app.config["PAGE_CACHE_SECONDS"] = 60
    try:
        anonymous = app.test_client()
        assert anonymous.get(_page(w.question)).status_code == 200  # now in the cache
        moderator = login_as(app.test_client(), w.mod)
        done = moderator.post(f"/questions/{w.question.id}/hide", data={"reason": "Spam <b>x</b>"})
        assert done.status_code == 303

        assert anonymous.get(_page(w.question)).status_code == 404
        for user in (w.reader, w.staff, w.peer):
            assert login_as(app.test_client(), user).get(_page(w.question)).status_code == 404
        for user in (w.asker, w.mod):
            html = login_as(app.test_client(), user).get(_page(w.question)).get_data(as_text=True)
            assert "Widget beeps all night" in html
            # The reason is plain text, escaped.
            assert "Hidden:</strong> Spam &lt;b&gt;x&lt;/b&gt;" in html

        assert moderator.post(f"/questions/{w.question.id}/restore").status_code == 303
        assert anonymous.get(_page(w.question)).status_code == 200
    finally:
        app.config["PAGE_CACHE_SECONDS"] = 0
        with app.app_context():
            cache.clear()


@pytest.mark.parametrize(
    ("path", "key"),
    [("/questions/{q}/hide", "hide-question"), ("/questions/{q}/lock", "lock-question")],
)
def test_a_blank_reason_comes_back_at_the_form_with_what_was_typed(client, w, path, key):
    login_as(client, w.mod)
    before = snapshot()

    refused = client.post(path.format(q=w.question.id), data={"reason": "  \u200b "})

    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert f'id="{key}-reason-error"' in html and "only invisible characters" in html
    assert re.search(rf'<details class="moderation-tool" id="{key}" open>', html)
    assert snapshot() == before


def test_an_answers_blank_reason_comes_back_at_its_own_form(client, w):
    login_as(client, w.mod)
    refused = client.post(f"/answers/{w.answer.id}/hide", data={"reason": "x" * 501})
    assert refused.status_code == 422
    assert f'id="hide-answer-{w.answer.id}-reason-error"' in refused.get_data(as_text=True)


def test_the_forms_need_their_csrf_token(app, client, w, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login_as(client, w.mod)
    before = snapshot()
    for path in ("hide", "lock", "restore", "unlock"):
        response = client.post(f"/questions/{w.question.id}/{path}", data={"reason": "Spam."})
        assert response.status_code == 400, path
    assert client.post(f"/answers/{w.answer.id}/hide", data={"reason": "x"}).status_code == 400
    assert snapshot() == before


def test_anonymous_visitors_are_sent_to_sign_in(client, w):
    before = snapshot()
    response = client.post(f"/questions/{w.question.id}/lock", data={"reason": "x"})
    assert response.status_code == 303 and "/sign-in" in response.location
    assert snapshot() == before


def test_a_locked_question_says_why_and_has_no_answer_form(client, w):
    login_as(client, w.mod)
    assert (
        client.post(f"/questions/{w.question.id}/lock", data={"reason": "Heated."}).status_code
        == 303
    )
    login_as(client, w.reader)
    html = client.get(_page(w.question)).get_data(as_text=True)
    assert "Locked:</strong> Heated." in html
    assert f'action="/questions/{w.question.id}/answers"' not in html
    assert f'action="/questions/{w.question.id}/me-too"' not in html
    assert f'action="/answers/{w.answer.id}/helpful"' not in html
    refused = client.post(f"/questions/{w.question.id}/answers", data={"body": "Calm."})
    assert refused.status_code == 403

    login_as(client, w.mod)
    assert client.post(f"/questions/{w.question.id}/unlock").status_code == 303
    login_as(client, w.reader)
    assert f'action="/questions/{w.question.id}/answers"' in client.get(_page(w.question)).get_data(
        as_text=True
    )


def test_a_moderators_question_page_stays_within_six_statements(client, w, count_queries):
    for n in range(5):
        make_answer(w.question, body=f"Answer {n}.")
    db.session.commit()
    hiding.hide_post(w.mod, w.answer, reason="Spam.")
    hiding.lock_question(w.mod, _fresh(Question, w.question.id), reason="Heated.")
    page = _page(w.question)
    for user in (w.mod, w.peer):
        login_as(client, user)
        with count_queries() as statements:
            response = client.get(page)
        assert response.status_code == 200
        # question, answers, related, the viewer, their marks, their staff roles (Acme is
        # claimed): the moderator's forms and the hidden answers cost nothing more.
        assert len(statements) <= 6, statements
        assert "Hidden:</strong> Spam." in response.get_data(as_text=True)


# The public moderation log -------------------------------------------------------------


def test_the_moderation_log_lists_who_did_what_and_why_never_the_hidden_text(app, client, w):
    hiding.hide_post(w.mod, w.answer, reason="Advertising.")
    hiding.lock_question(w.mod, _fresh(Question, w.question.id), reason="Heated.")
    hiding.apply_hide(_fresh(Question, w.question.id), by=None, reason="Flagged as spam.")
    db.session.commit()

    html = client.get("/moderation/log").get_data(as_text=True)
    assert "Advertising." in html and "Heated." in html and "Flags from the community" in html
    assert "secret-marker" not in html
    # Each line leads to its post (whose page then says who may see it).
    assert f'href="/answers/{w.answer.id}">answer {w.answer.id}</a>' in html
    assert f'href="/questions/{w.question.id}">question {w.question.id}</a>' in html
    assert 'href="/moderation/log"' in client.get("/").get_data(as_text=True)

    body = client.get(f"{API}/moderation/log").get_json()
    assert [(i["action"], i["target_type"], i["reason"]) for i in body["items"]] == [
        ("hide", "question", "Flagged as spam."),
        ("lock", "question", "Heated."),
        ("hide", "answer", "Advertising."),
    ]
    assert body["items"][0]["moderator"] is None
    assert body["items"][1]["moderator"]["username"] == "mod"
    assert set(body["items"][1]) == {
        "action",
        "target_type",
        "target_id",
        "moderator",
        "reason",
        "at",
    }
    assert "secret-marker" not in str(body)

    app.config["PAGE_SIZE"] = 1
    try:
        first = client.get("/moderation/log").get_data(as_text=True)
        cursor = re.search(r'rel="next" href="/moderation/log\?cursor=([^"]+)"', first)[1]
        assert client.get(f"/moderation/log?cursor={cursor}").status_code == 200
        assert client.get("/moderation/log?cursor=nonsense").status_code == 400
    finally:
        app.config["PAGE_SIZE"] = 20
    page = client.get(f"{API}/moderation/log?limit=1").get_json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    assert client.get(f"{API}/moderation/log?cursor=nonsense").status_code == 400


# The API -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["asker", "peer", "staff"])
def test_the_api_refuses_everyone_but_moderators(client, w, who):
    api = Api(client, getattr(w, who))
    before = snapshot()
    for method, path, body in (
        ("POST", f"/questions/{w.question.id}/hide", {"reason": "Spam."}),
        ("POST", f"/answers/{w.answer.id}/hide", {"reason": "Spam."}),
        ("POST", f"/questions/{w.question.id}/restore", None),
        ("POST", f"/answers/{w.answer.id}/restore", None),
        ("POST", f"/questions/{w.question.id}/lock", {"reason": "Heated."}),
        ("DELETE", f"/questions/{w.question.id}/lock", None),
    ):
        response = api.call(method, path, body)
        assert response.status_code == 403, (method, path)
    assert (
        client.post(f"{API}/questions/{w.question.id}/hide", json={"reason": "x"}).status_code
        == 401
    )
    assert snapshot() == before


def test_the_api_names_a_bad_reason(client, w):
    api = Api(client, w.mod)
    before = snapshot()
    for body in ({"reason": ""}, {"reason": "\u200b"}, {"reason": "x" * 501}, {}, {"reason": 5}):
        response = api.post(f"/questions/{w.question.id}/hide", body)
        assert response.status_code == 422, body
        assert "reason" in error_of(response)["fields"]
    assert (
        api.post(f"/questions/{w.question.id}/lock", {"reason": "x", "why": 1}).status_code == 422
    )
    assert snapshot() == before


def test_hidden_posts_through_the_api(client, w):
    mod, author, reader, anonymous = (
        Api(client, w.mod),
        Api(client, w.peer),
        Api(client, w.reader),
        Api(client),
    )
    hidden = mod.post(f"/answers/{w.answer.id}/hide", {"reason": "Off topic."})
    assert hidden.status_code == 200
    assert (hidden.get_json()["hidden"], hidden.get_json()["hidden_reason"]) == (True, "Off topic.")
    answers = f"/questions/{w.question.id}/answers"
    for api in (mod, author):
        items = api.get(answers).get_json()["items"]
        assert [(i["id"], i["hidden"], i["hidden_reason"]) for i in items] == [
            (w.answer.id, True, "Off topic.")
        ]
        assert api.get(f"/answers/{w.answer.id}/revisions").status_code == 200
    for api in (reader, anonymous):
        assert api.get(answers).get_json()["items"] == []
        assert api.get(f"/answers/{w.answer.id}/revisions").status_code == 404
    assert reader.post(f"/answers/{w.answer.id}/helpful").status_code == 404
    assert anonymous.get(f"/questions/{w.question.id}").get_json()["answer_count"] == 0

    question = mod.post(f"/questions/{w.question.id}/hide", {"reason": "Spam."}).get_json()
    assert (question["hidden"], question["hidden_reason"]) == (True, "Spam.")
    for api in (reader, anonymous, Api(client, w.staff)):
        assert api.get(f"/questions/{w.question.id}").status_code == 404
        assert api.get(answers).status_code == 404
        assert w.question.id not in [q["id"] for q in api.get("/questions").get_json()["items"]]
    mine = Api(client, w.asker).get(f"/questions/{w.question.id}").get_json()
    assert (mine["hidden"], mine["hidden_reason"]) == (True, "Spam.")

    restored = mod.post(f"/questions/{w.question.id}/restore").get_json()
    assert (restored["hidden"], restored["hidden_reason"]) == (False, "")
    back = mod.post(f"/answers/{w.answer.id}/restore").get_json()
    assert back["hidden"] is False
    public = anonymous.get(f"/questions/{w.question.id}").get_json()
    assert (public["answer_count"], public["hidden"]) == (1, False)


def test_locking_through_the_api(client, w):
    mod = Api(client, w.mod)
    locked = mod.post(f"/questions/{w.question.id}/lock", {"reason": "Heated."}).get_json()
    assert (locked["locked"], locked["lock_reason"]) == (True, "Heated.")
    reader = Api(client, w.reader)
    assert reader.post(f"/questions/{w.question.id}/answers", {"body": "Hm."}).status_code == 403
    assert reader.post(f"/questions/{w.question.id}/me-too").status_code == 403
    assert reader.post(f"/answers/{w.answer.id}/helpful").status_code == 403
    unlocked = mod.delete(f"/questions/{w.question.id}/lock").get_json()
    assert (unlocked["locked"], unlocked["lock_reason"]) == (False, "")
    assert reader.post(f"/questions/{w.question.id}/me-too").status_code == 200
    assert _fresh(Answer, w.answer.id).hidden_at is None
