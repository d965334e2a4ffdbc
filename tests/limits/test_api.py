"""The limits on writing through the API: 429 ``rate_limited`` with Retry-After and the
same sentence as the pages; links and repeated text are 422 at ``body``."""

from __future__ import annotations

from datetime import timedelta

from app.answers.models import Answer
from app.questions.models import Question
from tests.api.helpers import Api, count, error_of, save
from tests.checks import snapshot
from tests.factories import make_company, make_question, make_user
from tests.limits.conftest import HOME, OFFICE


def _ask(api: Api, n: int, address: str = OFFICE, body: str | None = None):  # noqa: ANN202
    return api.post(
        "/companies/acme/questions",
        {"title": f"Question number {n} about syncing", "body": body or f"Details {n}."},
        environ_base={"REMOTE_ADDR": address},
    )


def _rows() -> dict:
    """Every row, but the token's "last used" (written at most once a minute, by design)."""
    rows = snapshot()
    del rows["api_tokens"]
    return rows


def test_the_sixth_question_is_429_with_retry_after_and_the_sentence(client, clock):
    make_company("Acme")
    api = Api(client, make_user("ada", created_at=clock.now - timedelta(days=30)))
    save()
    assert [_ask(api, n).status_code for n in range(5)] == [201] * 5
    clock.move(minutes=31)
    before = _rows()

    response = _ask(api, 5, address=HOME)

    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(29 * 60)
    assert error_of(response) == {
        "code": "rate_limited",
        "message": "You have asked 5 questions in the last hour, the most Helpsquare allows. "
        "You can ask another question in 29 minutes.",
        "fields": {},
    }
    assert _rows() == before
    assert count(Question) == 5


def test_one_address_is_limited_across_tokens_of_different_accounts(client, clock):
    make_company("Acme")
    old = clock.now - timedelta(days=30)
    ada, bea = (
        Api(client, make_user("ada", created_at=old)),
        Api(client, make_user("bea", created_at=old)),
    )
    save()
    for n in range(5):
        assert _ask(ada if n % 2 else bea, n).status_code == 201

    refused = _ask(ada, 5)
    elsewhere = _ask(ada, 6, address=HOME)

    assert refused.status_code == 429
    assert error_of(refused)["message"].startswith("5 questions were asked from your network")
    assert elsewhere.status_code == 201


def test_answers_on_the_first_day_stop_at_ten(client, clock):
    question = make_question()
    api = Api(client, make_user("newbie"))
    save()
    path = f"/questions/{question.id}/answers"
    statuses = [api.post(path, {"body": f"Answer {n}."}).status_code for n in range(11)]

    assert statuses == [201] * 10 + [429]
    assert count(Answer) == 10


def test_links_and_repeated_text_are_422_at_the_body(client, clock):
    make_company("Acme")
    question = make_question()
    api = Api(client, make_user("newbie"))
    save()
    links = _ask(api, 1, body="https://a.example.com https://b.example.com https://c.example.com")
    first = api.post(f"/questions/{question.id}/answers", {"body": "Same again."})
    clock.move(minutes=2)
    again = api.post(f"/questions/{question.id}/answers", {"body": "same  AGAIN."})

    assert links.status_code == 422
    assert error_of(links)["code"] == "invalid"
    assert error_of(links)["fields"]["body"].startswith(
        "New accounts can include at most 2 links (or images) in a post in their first day; "
        "this one has 3."
    )
    assert first.status_code == 201
    assert again.status_code == 422
    assert error_of(again)["fields"] == {
        "body": "You posted this same text 2 minutes ago. Change it, or post it again in 8 minutes."
    }
    assert "Retry-After" not in again.headers
    assert count(Answer) == 1


def test_ratelimit_enabled_false_lets_a_flood_through(app, client, clock, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    make_company("Acme")
    api = Api(client, make_user("newbie"))
    save()

    statuses = [
        _ask(api, n, body="https://a.example.com b.example.com c.example.com") for n in range(8)
    ]

    assert [response.status_code for response in statuses] == [201] * 8


def test_the_openapi_document_says_asking_and_answering_may_be_429(client):
    document = client.get("/api/v1/openapi.json").get_json()

    for path in ("/api/v1/companies/{slug}/questions", "/api/v1/questions/{question_id}/answers"):
        limited = document["paths"][path]["post"]["responses"]["429"]
        assert limited == {"$ref": "#/components/responses/TOO_MANY_REQUESTS"}, path
    assert "Retry-After" in document["components"]["responses"]["TOO_MANY_REQUESTS"]["headers"]
