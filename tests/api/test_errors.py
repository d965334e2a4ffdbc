"""Whatever a client sends, the answer is a 4xx in the one error shape, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from app.api.views import companies
from tests.api.helpers import API, Api, error_of, save
from tests.checks import snapshot
from tests.factories import make_answer, make_company, make_question, make_user

HUGE = 2**63


@pytest.fixture
def scene(client):
    acme = make_company("Acme")
    question = make_question(acme)
    answer = make_answer(question)
    api = Api(client, make_user("ada"))
    save()
    return api, question, answer


def _post_raw(api: Api, path: str, data: bytes | str, content_type: str | None):
    headers = {"Content-Type": content_type} if content_type else {}
    return api.call("POST", path, data=data, headers=headers)


@pytest.mark.parametrize(
    "data",
    [
        b"{",
        b'{"name": "Globex", }',
        b"\xff\xfe\x00not utf-8",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"name": ' + b"9" * 5000 + b"}",
        b'{"name": "\\ud800 lone surrogate", "domain": "globex.com"}',
        b'{"name": NaN}',
    ],
    ids=["cut", "trailing-comma", "not-utf8", "deep", "5000-digits", "surrogate", "nan"],
)
def test_a_body_that_is_not_json_is_400(scene, data):
    api, _, _ = scene
    before = snapshot()

    response = _post_raw(api, "/companies", data, "application/json")

    # NaN is JSON to Python: the name is then not text, which is a 422.
    assert response.status_code in ((422,) if data == b'{"name": NaN}' else (400,))
    error = error_of(response)
    assert error["code"] == ("invalid" if response.status_code == 422 else "malformed_json")
    assert snapshot() == before


@pytest.mark.parametrize(
    "data, content_type",
    [
        (b"name=Globex&domain=globex.com", "application/x-www-form-urlencoded"),
        (b'{"name": "Globex", "domain": "globex.com"}', "text/plain"),
        (b'{"name": "Globex", "domain": "globex.com"}', None),
    ],
)
def test_a_body_sent_as_something_else_than_json_is_400(scene, data, content_type):
    api, _, _ = scene

    response = _post_raw(api, "/companies", data, content_type)

    assert response.status_code == 400
    assert "Content-Type: application/json" in error_of(response)["message"]


@pytest.mark.parametrize("data", [b"", b"null", b"[]", b'"text"', b"42"])
def test_an_empty_or_non_object_body_is_422(scene, data):
    api, _, _ = scene

    response = _post_raw(api, "/companies", data, "application/json")

    assert response.status_code == 422
    error = error_of(response)
    if data in (b"", b"null"):
        assert set(error["fields"]) >= {"name", "domain"} or "JSON object" in error["message"]
    else:
        assert "JSON object" in error["message"]


def test_a_body_too_large_is_413(scene):
    api, _, _ = scene

    response = api.post("/companies", {"name": "x" * (2 * 1024 * 1024), "domain": "a.com"})

    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"


@pytest.mark.parametrize(
    "body",
    [
        {"answer_id": HUGE},
        {"answer_id": -HUGE},
        {"answer_id": 2**31},
        {"answer_id": "1" * 400},
        {"answer_id": [1]},
        {"answer_id": {"id": 1}},
        {"answer_id": 1e308},
    ],
)
def test_numbers_out_of_range_or_of_the_wrong_type_are_422(scene, body):
    api, question, _ = scene
    asker = Api(api.client, question.author)
    save()

    response = asker.put(f"/questions/{question.id}/best-answer", body)

    assert response.status_code == 422
    assert "answer_id" in error_of(response)["fields"]


@pytest.mark.parametrize(
    "path",
    [
        f"/questions/{HUGE}",
        f"/questions/{2**31}",
        "/questions/-1",
        "/questions/0",
        "/questions/abc",
        "/questions/1e3",
        f"/answers/{HUGE}/helpful",
        f"/claims/{HUGE}/approve",
        f"/companies/acme/staff/{HUGE}",
        "/companies/ACME",
        "/companies/a%00b",
        "/companies/acme/products/" + "p" * 500,
        "/nowhere",
        "/",
        "",
    ],
)
def test_ids_and_slugs_that_cannot_exist_are_404(scene, path):
    api, _, _ = scene

    for method in ("GET", "POST", "DELETE", "PATCH", "PUT"):
        response = api.call(method, path, {} if method in ("POST", "PATCH", "PUT") else None)
        assert response.status_code in (404, 405), (method, path)
        if response.status_code == 405:
            assert response.headers["Allow"]
        assert response.is_json, (method, path)
        error_of(response)


def test_a_method_a_path_does_not_have_is_405_with_allow(scene):
    api, question, _ = scene

    response = api.call("PUT", f"/questions/{question.id}", {})

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "PATCH", "DELETE"}


@pytest.mark.parametrize(
    "path",
    ["/questions", "/companies", "/companies/acme/products", "/companies/acme/staff",
     "/search?q=rocket", "QUESTION_ANSWERS"],
)  # fmt: skip
@pytest.mark.parametrize(
    "query, status",
    [
        ("limit=0", 422),
        ("limit=101", 422),
        ("limit=-5", 422),
        ("limit=abc", 422),
        ("limit=2.5", 422),
        (f"limit={HUGE}", 422),
        ("limit=", 422),
        ("cursor=not-a-cursor", 400),
        ("cursor=%00%00", 400),
        ("cursor=" + "A" * 5000, 400),
        ("cursor=WzEsMl0", 400),  # base64 of [1,2]: well-formed, but not for every list
        ("cursor=bnVsbA", 400),  # base64 of null
        ("cursor=W251bGwsbnVsbF0", 400),  # [null, null]
        ("cursor=WyJ4IiwgOTk5OTk5OTk5OTk5OTk5OTk5OV0", 400),  # a huge id
    ],
)
def test_bad_limits_are_422_and_cursors_the_server_did_not_issue_are_400(
    scene, path, query, status
):
    api, question, _ = scene
    if path == "QUESTION_ANSWERS":
        path = f"/questions/{question.id}/answers"
    if query == "cursor=WzEsMl0" and path in ("/companies", "/companies/acme/products"):
        status = 200  # [1, 2] happens to be a valid key there: (count 1, id 2) / refused below
        if path == "/companies/acme/products":
            status = 400  # the key must be the id itself
    separator = "&" if "?" in path else "?"

    response = api.get(f"{path}{separator}{query}")

    assert response.status_code == status, response.get_json()
    if status != 200:
        error = error_of(response)
        assert ("limit" if status == 422 else "cursor") in error["fields"]


@pytest.mark.parametrize(
    "query",
    ["q=%00", "q=" + "x" * 300, "q=%25_%5C", "company=%00", "kind=%00", "sort=%00"],
)
def test_odd_query_strings_are_answered(scene, query):
    api, _, _ = scene

    response = (
        api.get(f"/companies?{query}") if query.startswith("q=") else api.get(f"/questions?{query}")
    )

    assert response.status_code in (200, 404, 422)
    if response.status_code != 200:
        error_of(response)


@pytest.mark.parametrize(
    "path, body",
    [
        ("/companies", {"name": "Nul\x00Corp", "domain": "nul.com"}),
        ("/companies", {"name": "Fine Corp", "domain": "fi\x00ne.com"}),
        ("/companies", {"name": "Fine Corp", "domain": "fine.com", "description": "\x00"}),
        ("/companies/acme/claims", {"work_email": "me\x00@acme.example.com"}),
        ("QUESTION/answers", {"body": "\x00"}),
        ("/companies/acme/questions", {"title": "Hello\x00there", "body": "x"}),
        ("/companies/acme/questions", {"title": "Hello there", "body": "x", "product": "\x00"}),
        ("/claims/verify", {"token": "\x00"}),
        ("/invitations/accept", {"token": "\x00"}),
        ("/tokens", {"username": "ada\x00", "password": "\x00" * 12}),
        ("/users", {"username": "nul\x00", "email": "a\x00@b.c", "password": "\x00" * 12}),
    ],
)
def test_nul_bytes_anywhere_are_refused_cleanly(scene, path, body):
    api, question, _ = scene
    path = path.replace("QUESTION", f"/questions/{question.id}")
    before = snapshot()

    response = api.post(path, body)

    assert 400 <= response.status_code < 500
    error_of(response)
    assert snapshot() == before


@pytest.mark.parametrize("value", [None, True, 12, 1.5, [], {}, ["a"], {"a": "b"}, "x" * 25_000])
def test_wrong_types_in_every_text_field_are_422(scene, value):
    api, question, _ = scene
    before = snapshot()

    responses = [
        api.post("/companies", {"name": value, "domain": value, "description": value}),
        api.post("/companies/acme/questions", {"title": value, "body": value, "kind": value}),
        api.post(f"/questions/{question.id}/answers", {"body": value}),
        api.patch("/companies/acme", {"description": value, "website": value}),
        api.put(f"/questions/{question.id}/status", {"status": value}),
        api.post("/companies/acme/claims", {"work_email": value}),
        api.post("/companies/acme/invitations", {"email": value, "role": value}),
    ]

    for response in responses:
        assert response.status_code in (403, 422), response.get_json()
        error_of(response)
    assert snapshot() == before


def test_a_head_request_is_answered_like_a_get(scene):
    api, question, _ = scene

    response = api.call("HEAD", f"/questions/{question.id}")

    assert response.status_code == 200


def test_unknown_paths_outside_the_api_keep_their_html_pages(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_the_error_documented_for_a_json_404_is_what_the_api_sends(client):
    response = client.get(f"{API}/questions/999999")

    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert error_of(response) == {
        "code": "not_found",
        "message": "There is no such question. It may have been removed.",
        "fields": {},
    }


def test_a_database_that_cannot_be_reached_is_503_with_retry_after(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(companies.queries, "list_companies", unreachable)

    response = client.get(f"{API}/companies")

    assert response.status_code == 503
    assert error_of(response)["code"] == "unavailable"
    assert response.headers["Retry-After"] == "5"


def test_an_unexpected_error_is_a_500_in_the_same_shape(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(companies.queries, "list_companies", broken)

    response = client.get(f"{API}/companies")

    assert response.status_code == 500
    assert error_of(response)["code"] == "server_error"
    assert "bug" not in response.get_data(as_text=True)
