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
}  # fmt: skip
# docs/api.md beside the repository (CI lays shared/ next to the clone).
API_MD = Path(__file__).resolve().parents[2].parent / "shared" / "docs" / "api.md"
ROW = re.compile(r"^\| `([A-Z]+) (/[^` ]*)")


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
                plain = re.sub(r"\{(question_id|answer_id|claim_id)\}", "{id}", path)
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
    rows = set()
    for line in API_MD.read_text().splitlines():
        match = ROW.match(line)
        if match:
            method, path = match.groups()
            path = re.sub(r"\{[a-z_]+\}", "{x}", path.split("?")[0])
            rows.add((method, path))
            if "`DELETE` same" in line:
                rows.add(("DELETE", path))
    ours = {(method, re.sub(r"\{[a-z_]+\}", "{x}", path)) for method, path in CONTRACT}
    assert len(rows) == len(CONTRACT) == 36
    assert rows == ours


def test_every_operation_documents_its_errors_in_the_one_shape(client):
    document = _document(client)
    error_ref = {"$ref": "#/components/schemas/Error"}
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
    error = document["components"]["schemas"]["Error"]
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
    assert companies["security"] == [{}, {"bearerAuth": []}]


def test_every_object_documents_its_url_beside_its_id(client):
    schemas = _document(client)["components"]["schemas"]
    for name in ("User", "Company", "Product", "Question", "Answer", "Claim", "Invitation"):
        properties = schemas[name]["properties"]
        assert {"id", "url"} <= set(properties), name
        assert properties["url"]["type"] == "string"
        assert set(schemas[name]["required"]) == set(properties), name
    assert "url" in schemas["Staff"]["properties"]
