"""The served OpenAPI document is valid OpenAPI 3.1, describes every endpoint of docs/api.md,
and every error an operation can answer."""

from __future__ import annotations

import re
from pathlib import Path

from openapi_spec_validator import validate

from tests.api.helpers import API

# The endpoints table of docs/api.md, as (method, path).
CONTRACT = {
    ("POST", "/users"), ("POST", "/tokens"), ("GET", "/me"),
    ("POST", "/users/verify-email"),  # issue 11
    ("GET", "/companies"), ("POST", "/companies"),
    ("GET", "/companies/{slug}"), ("PATCH", "/companies/{slug}"),
    ("GET", "/companies/{slug}/products"), ("POST", "/companies/{slug}/products"),
    ("GET", "/companies/{slug}/products/{product}"),
    ("POST", "/companies/{slug}/claims"), ("POST", "/claims/verify"), ("GET", "/claims"),
    ("POST", "/claims/{id}/approve"), ("POST", "/claims/{id}/reject"),
    ("GET", "/companies/{slug}/staff"), ("POST", "/companies/{slug}/invitations"),
    ("POST", "/invitations/accept"), ("DELETE", "/companies/{slug}/staff/{user_id}"),
    ("GET", "/questions"), ("POST", "/companies/{slug}/questions"),
    ("GET", "/questions/{id}"), ("PATCH", "/questions/{id}"),
    ("PUT", "/questions/{id}/status"), ("PUT", "/questions/{id}/best-answer"),
    ("POST", "/questions/{id}/me-too"), ("DELETE", "/questions/{id}/me-too"),
    ("GET", "/questions/{id}/answers"), ("POST", "/questions/{id}/answers"),
    ("PATCH", "/answers/{id}"),
    ("POST", "/answers/{id}/helpful"), ("DELETE", "/answers/{id}/helpful"),
    ("POST", "/answers/{id}/endorse"), ("DELETE", "/answers/{id}/endorse"),
    ("GET", "/search"), ("GET", "/questions/similar"),
    ("GET", "/questions/{id}/revisions"), ("GET", "/answers/{id}/revisions"),  # issue 12
    ("DELETE", "/questions/{id}"), ("DELETE", "/answers/{id}"),
    ("POST", "/questions/{id}/merge"),
    ("POST", "/questions/{id}/flags"), ("POST", "/answers/{id}/flags"),
    ("GET", "/flags"), ("POST", "/flags/{id}/resolve"),
    ("POST", "/questions/{id}/hide"), ("POST", "/answers/{id}/hide"),
    ("POST", "/questions/{id}/restore"), ("POST", "/answers/{id}/restore"),
    ("POST", "/questions/{id}/lock"), ("DELETE", "/questions/{id}/lock"),
    ("GET", "/moderation/log"),
    ("PUT", "/users/{username}/moderator"),
    ("POST", "/users/{username}/suspend"), ("DELETE", "/users/{username}/suspend"),
    ("DELETE", "/me"),
    ("POST", "/questions/{id}/still-broken"),  # issue 14
    ("GET", "/questions/{id}/status-history"),
    ("GET", "/companies/{slug}/scorecard"),  # issue 14
    ("GET", "/companies/{slug}/webhooks"), ("POST", "/companies/{slug}/webhooks"),  # issue 15
    ("DELETE", "/companies/{slug}/webhooks/{id}"),
    ("GET", "/companies/{slug}/export"), ("POST", "/companies/{slug}/sso"),  # issue 15
    ("GET", "/companies/{slug}/insights"),  # issue 14
    ("GET", "/companies/{slug}/champions"),  # issue 16
    ("PUT", "/companies/{slug}/champions/{username}"),
    ("DELETE", "/companies/{slug}/champions/{username}"),
}  # fmt: skip
# Endpoints of docs/api.md's Part 2 not built yet, with the issue that builds them. An endpoint
# moves from here to CONTRACT when it is built; the test below keeps the two sets honest.
# Every one is built now: a new endpoint in api.md comes here until it is.
PENDING: set[tuple[str, str]] = set()
# docs/api.md beside the repository (CI lays shared/ next to the clone).
API_MD = Path(__file__).resolve().parents[2].parent / "shared" / "docs" / "api.md"
# A table row's first cell (a "|" inside backticks is escaped as "\|"), and each
# `METHOD /path` in it; "GET/POST" names two methods.
FIRST_CELL = re.compile(r"^\|((?:[^|\\]|\\.)*)\|")
ENDPOINT = re.compile(r"`([A-Z/]+) (/[^` ?]*)")


def _plain(path: str) -> str:
    return re.sub(r"\{[a-z_]+\}", "{x}", path)


def _documented_endpoints(text: str) -> set[tuple[str, str]]:
    """Every API endpoint in the tables of docs/api.md; pages (SSO, the widget) left out."""
    rows = set()
    for line in text.splitlines():
        cell = FIRST_CELL.match(line)
        if not cell or "a page" in cell.group(1):
            continue
        endpoints = ENDPOINT.findall(cell.group(1))
        for methods, path in endpoints:
            rows.update((method, _plain(path)) for method in methods.split("/"))
        if endpoints and "`DELETE` same" in cell.group(1):
            rows.add(("DELETE", _plain(endpoints[0][1])))
    return rows


def _document(client) -> dict:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def _operations(document: dict) -> set[tuple[str, str]]:
    """(method, path) of every operation, path parameters named {id} whatever their name."""
    found = set()
    for path, item in document["paths"].items():
        for method in item:
            if method in {"get", "post", "put", "patch", "delete"}:
                plain = re.sub(r"\{(question_id|answer_id|claim_id|flag_id)\}", "{id}", path)
                found.add((method.upper(), plain.removeprefix(API)))
    return found


def test_the_document_is_valid_openapi_3_1(client):
    document = _document(client)

    assert document["openapi"] == "3.1.0"
    validate(document)


def test_the_document_lists_every_endpoint_of_the_contract_and_no_other(client):
    assert _operations(_document(client)) == CONTRACT


def test_the_contract_table_is_the_one_in_docs_api_md():
    # Read when the shared docs are beside the repository (on developers' machines and in CI).
    if not API_MD.exists():
        return
    documented = _documented_endpoints(API_MD.read_text())
    built = {(method, _plain(path)) for method, path in CONTRACT}
    pending = {(method, _plain(path)) for method, path in PENDING}

    assert not built & pending
    assert documented == built | pending


def test_every_operation_documents_its_errors_in_the_one_shape(client):
    document = _document(client)
    error_ref = {"$ref": "#/components/schemas/ErrorResponse"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            codes = set(operation["responses"])
            assert {"401", "503"} <= codes, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if any(p["name"] in ("cursor", "limit") for p in operation.get("parameters", [])):
                assert {"400", "422"} <= codes, (method, path)
            assert "default" not in codes
    for name, response in document["components"]["responses"].items():
        assert response["content"]["application/json"]["schema"] == error_ref, name
    error = document["components"]["schemas"]["ErrorResponse"]
    assert error["required"] == ["error"]
    body = document["components"]["schemas"]["ErrorBody"]
    assert set(body["required"]) == {"code", "message", "fields"}


def test_operations_that_need_a_token_say_so(client):
    document = _document(client)
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal access token from POST /api/v1/tokens.",
    }
    me = document["paths"][f"{API}/me"]["get"]
    companies = document["paths"][f"{API}/companies"]["get"]
    assert me["security"] == [{"bearerAuth": []}]
    assert companies["security"] == []  # a token is optional: generators read "anyone"


def test_every_object_documents_its_url_beside_its_id(client):
    schemas = _document(client)["components"]["schemas"]
    for name in ("User", "Company", "Product", "Question", "Answer", "Claim", "Invitation"):
        properties = schemas[name]["properties"]
        assert {"id", "url"} <= set(properties), name
        # A former member (an account its owner deleted) has no page: its url is null.
        expected = ["string", "null"] if name == "User" else "string"
        assert properties["url"]["type"] == expected, name
        # Every field is always there but private details: left out for all but their few
        # readers (api.md Part 2).
        optional = {"private_details"} if name in ("Question", "Answer") else set()
        assert set(schemas[name]["required"]) == set(properties) - optional, name
    assert "url" in schemas["Staff"]["properties"]


def test_private_details_are_documented_for_one_question_never_in_lists(client):
    document = _document(client)
    schemas = document["components"]["schemas"]
    for name in ("Question", "Answer"):
        field = schemas[name]["properties"]["private_details"]
        assert field["type"] == ["string", "null"]
        assert "moderators" in field["description"]
    listed = schemas["ListedQuestion"]
    assert set(listed["properties"]) == set(schemas["Question"]["properties"]) - {"private_details"}
    for path in ("/questions", "/search", "/questions/similar"):
        page = document["paths"][f"{API}{path}"]["get"]["responses"]["200"]
        ref = page["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
        items = schemas[ref]["properties"]["items"]["items"]
        assert items == {"$ref": "#/components/schemas/ListedQuestion"}, path
    for body in ("QuestionCreate", "QuestionEdit", "AnswerCreate", "AnswerEdit"):
        field = schemas[body]["properties"]["private_details"]
        assert field["maxLength"] == 5_000 and not field.get("readOnly"), body


def test_request_bodies_name_what_they_accept_and_refuse_the_rest(client):
    # api.md Part 2: a field the resource does not have is a 422; the resource's own fields
    # may be sent back as read (readOnly: the server owns them, or an edit must not change
    # them).
    document = _document(client)
    schemas = document["components"]["schemas"]
    bodies = {
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "requestBody" in operation
    }
    assert bodies
    for name in bodies:
        assert schemas[name]["additionalProperties"] is False, name
    edit = schemas["QuestionEdit"]["properties"]
    assert {"title", "body"} <= set(edit)
    assert not any(edit[own].get("readOnly") for own in ("title", "body"))
    assert edit["locked"] == {
        "type": "boolean",
        "readOnly": True,
        "description": "Read-only: sent back unchanged it is ignored; another value is a 422.",
    }
    assert edit["id"]["readOnly"] is True and "ignored" in edit["id"]["description"]
    assert set(edit) == set(schemas["Question"]["properties"])
    assert {"domain", "name"} <= set(schemas["CompanyEdit"]["properties"])
