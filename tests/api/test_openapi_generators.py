"""The OpenAPI document reads well to client generators (app.api.openapi): anonymous
operations, shared enums, names, tags, servers and the rate-limit headers. The generated
client itself is built, type-checked and run in tests/standards."""

from __future__ import annotations

import re

from tests.api.helpers import API
from tests.factories import PASSWORD, make_user

SCHEMAS = "#/components/schemas/"
SHARED_ENUMS = {"Kind", "Status", "Feeling", "ClaimStatus", "StaffRole"}


def _document(client) -> dict:
    return client.get(f"{API}/openapi.json").get_json()


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield method, path, operation


def _nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def test_operations_without_a_token_declare_no_security(client):
    document = _document(client)
    securities = {
        (method, path): operation["security"] for method, path, operation in _operations(document)
    }

    assert securities[("post", f"{API}/users")] == []
    assert securities[("post", f"{API}/tokens")] == []
    assert securities[("get", f"{API}/search")] == []
    assert securities[("post", f"{API}/companies")] == [{"bearerAuth": []}]
    assert {str(each) for each in securities.values()} == {"[]", "[{'bearerAuth': []}]"}


def test_kinds_statuses_feelings_claim_statuses_and_roles_are_shared_components(client):
    document = _document(client)
    schemas = document["components"]["schemas"]

    assert SHARED_ENUMS <= set(schemas)
    assert schemas["Status"]["type"] == "string" and "solved" in schemas["Status"]["enum"]
    assert schemas["Feeling"]["enum"] == ["happy", "excited", "confused", "frustrated", "sad"]
    question = schemas["Question"]["properties"]
    assert question["status"] == {"$ref": f"{SCHEMAS}Status"}
    assert question["kind"] == {"$ref": f"{SCHEMAS}Kind"}
    # Null beside an enum: anyOf with the null type, never null inside the enum.
    assert question["feeling"] == {"anyOf": [{"$ref": f"{SCHEMAS}Feeling"}, {"type": "null"}]}
    # The status operation takes the very type a question's status is.
    assert schemas["StatusRequest"]["properties"]["status"]["$ref"] == f"{SCHEMAS}Status"
    assert schemas["QuestionCreate"]["properties"]["kind"]["$ref"] == f"{SCHEMAS}Kind"
    assert schemas["Claim"]["properties"]["status"] == {"$ref": f"{SCHEMAS}ClaimStatus"}
    assert schemas["InvitationRequest"]["properties"]["role"]["$ref"] == f"{SCHEMAS}StaffRole"
    # No other copy of their values is left inline.
    shared = [schemas[name] for name in SHARED_ENUMS]
    for node in _nodes(document):
        if "enum" in node and not any(node is component for component in shared):
            assert None not in node["enum"], node
            assert set(node["enum"]) not in [set(each["enum"]) for each in shared], node


def test_no_schema_is_named_like_one_of_its_properties_and_none_is_unused(client):
    document = _document(client)
    schemas = document["components"]["schemas"]
    text = str({key: value for key, value in document.items() if key != "components"})
    text += str(schemas) + str(document["components"]["responses"])

    for name, schema in schemas.items():
        own = {prop.replace("_", "").lower() for prop in schema.get("properties", {})}
        assert name.lower() not in own, name
        assert f"'{SCHEMAS}{name}'" in text, f"{name} is never used"
    assert "PaginationMetadata" not in schemas
    assert {"ErrorResponse", "TokenResponse", "StatusRequest"} <= set(schemas)


def test_operations_are_tagged_by_area_and_the_server_is_named(client):
    document = _document(client)
    tags = {tag["name"]: tag["description"] for tag in document["tags"]}
    used = {tuple(operation["tags"]) for _, _, operation in _operations(document)}

    assert {"accounts", "questions", "answers", "companies", "search"} <= set(tags)
    assert all(description.endswith(".") for description in tags.values())
    assert {tag for (tag,) in used} == set(tags)
    assert document["servers"] == [{"url": "http://helpsquare.test", "description": "This server."}]


def test_rate_limit_headers_are_documented_where_they_are_sent(client):
    document = _document(client)
    tokens = document["paths"][f"{API}/tokens"]["post"]["responses"]
    questions = document["paths"][f"{API}/questions"]["get"]["responses"]
    too_many = document["components"]["responses"]["TOO_MANY_REQUESTS"]["headers"]
    unauthorized = document["components"]["responses"]["UNAUTHORIZED"]["headers"]

    assert set(tokens["201"]["headers"]) == {
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
    }
    assert "headers" not in questions["200"]
    assert {"Retry-After", "X-RateLimit-Limit"} <= set(too_many)
    assert "Retry-After" not in unauthorized
    make_user("ada")
    sent = client.post(f"{API}/tokens", json={"username": "ada", "password": PASSWORD})
    assert sent.status_code == 201 and sent.headers["X-RateLimit-Remaining"]
    assert "Retry-After" not in sent.headers


def test_retry_after_is_sent_on_429_only_not_on_a_plain_401(app, client):
    make_user("ada")
    wrong = {"username": "ada", "password": "not-" + PASSWORD}

    refused = client.post(f"{API}/tokens", json=wrong)

    assert refused.status_code == 401
    assert refused.headers["X-RateLimit-Limit"] and "Retry-After" not in refused.headers
    for _ in range(10):
        refused = client.post(f"{API}/tokens", json=wrong)
        if refused.status_code == 429:
            break
    assert refused.status_code == 429
    assert re.fullmatch(r"\d+", refused.headers["Retry-After"])
