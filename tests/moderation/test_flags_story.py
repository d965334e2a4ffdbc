"""The story of issue 12: three users flag an answer as spam → it is hidden at once → a
moderator dismisses the flags (restores it) → everything is back, counts exact: the
question's answer_count, the lists, the API, search."""

from __future__ import annotations

from app.answers import services as answer_services
from app.extensions import db
from app.moderation.flag_models import FlagStatus
from app.questions import services as question_services
from app.questions.models import Question
from app.search.queries import search_questions
from tests.api.helpers import Api, save
from tests.claims.helpers import text
from tests.conftest import login_as
from tests.factories import make_company, make_user
from tests.moderation.helpers import flagged_of, log_lines


def _state(client, question, answer_id, reader_api):
    db.session.expire_all()
    row = db.session.get(Question, question.id)
    page = text(client.get(f"/questions/{question.id}/{question.slug}"))
    listed = reader_api.get(f"/questions/{question.id}/answers").get_json()["items"]
    api_question = reader_api.get(f"/questions/{question.id}").get_json()
    hits = [hit.question.id for hit in search_questions("zanzibarwatches").hits]
    return {
        "answer_count": row.answer_count,
        "api_answer_count": api_question["answer_count"],
        "on_page": "zanzibarwatches" in page,
        "heading": "2 answers" in page,
        "api_answers": sorted(item["id"] for item in listed),
        "search": hits,
    }


def test_three_spam_flags_hide_and_a_dismissal_brings_everything_back(client):
    acme = make_company("Acme")
    asker, helper, spammer = make_user("asker"), make_user("helper"), make_user("spammer")
    reporters = [make_user(f"reporter{n}") for n in range(3)]
    moderator = make_user("mod", is_moderator=True)
    reader = make_user("reader")
    save()
    question = question_services.ask_question(
        asker, acme, title="My watch strap broke", body="The strap broke after a week."
    )
    good = answer_services.post_answer(helper, question, body="Ask for a free replacement.")
    spam = answer_services.post_answer(spammer, question, body="Buy zanzibarwatches now!")
    reader_api = Api(client, reader)
    save()
    shown = _state(client, question, spam.id, reader_api)
    assert shown == {
        "answer_count": 2, "api_answer_count": 2, "on_page": True, "heading": True,
        "api_answers": sorted([good.id, spam.id]), "search": [question.id],
    }  # fmt: skip

    # Three readers report it as spam, through the page and the API.
    for n, reporter in enumerate(reporters):
        if n < 2:
            login_as(client, reporter)
            response = client.post(f"/answers/{spam.id}/flag", data={"reason": "spam"})
            assert response.status_code == 303
        else:
            response = Api(client, reporter).post(f"/answers/{spam.id}/flags", {"reason": "spam"})
            assert response.status_code == 201
    login_as(client, reader)

    hidden = _state(client, question, spam.id, reader_api)
    assert hidden == {
        "answer_count": 1, "api_answer_count": 1, "on_page": False, "heading": False,
        "api_answers": [good.id], "search": [],
    }  # fmt: skip
    assert flagged_of(spam).status is FlagStatus.OPEN and flagged_of(spam).hidden_by_flags
    # Its author still sees it, marked hidden, with the reason.
    login_as(client, spammer)
    own = text(client.get(f"/questions/{question.id}/{question.slug}"))
    assert "zanzibarwatches" in own

    # The moderator finds it in the queue and dismisses the flags: it comes back.
    mod_api = Api(client, moderator)
    queued = mod_api.get("/flags").get_json()["items"]
    assert [(i["target_id"], i["reasons"], i["post_hidden"]) for i in queued] == [
        (spam.id, {"spam": 3}, True)
    ]
    resolved = mod_api.post(f"/flags/{queued[0]['id']}/resolve", {"action": "dismiss"})
    assert resolved.status_code == 200

    login_as(client, reader)
    assert _state(client, question, spam.id, reader_api) == shown
    assert [line[:4] for line in log_lines()] == [
        ("hide", "answer", spam.id, None),
        ("restore", "answer", spam.id, moderator.id),
    ]
    assert mod_api.get("/flags").get_json()["items"] == []
