"""The API's error ``message`` speaks the request's language (Accept-Language, or the token
owner's setting); its codes, field names and shapes stay the same in every language."""

from __future__ import annotations

from app.extensions import db
from tests.api.helpers import error_of, token_for
from tests.factories import make_user

API = "/api/v1"
DANISH = {"Accept-Language": "da"}


def test_a_not_found_is_danish_but_its_code_is_not(client):
    response = client.get(f"{API}/questions/999999", headers=DANISH)
    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] == "not_found"
    assert error["message"] == "Det spørgsmål findes ikke. Det er måske blevet fjernet."
    assert "Set-Cookie" not in response.headers


def test_marshmallows_own_messages_are_translated_too(client):
    response = client.post(f"{API}/users", json={"username": "mette"}, headers=DANISH)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert error["fields"]["email"] == "Feltet skal udfyldes."
    assert error["fields"]["password"] == "Feltet skal udfyldes."
    english = error_of(client.post(f"{API}/users", json={"username": "mette"}))
    assert english["fields"]["email"] == "Missing data for required field."


def test_the_services_rules_and_the_schemas_bounds_are_danish(client):
    response = client.post(
        f"{API}/users",
        json={"username": "me", "email": "mette@example.org", "password": "x" * 12, "extra": 1},
        headers=DANISH,
    )
    fields = error_of(response)["fields"]
    assert fields["username"] == "Brug 3 til 30 tegn."
    assert fields["extra"] == "Det felt findes ikke her."


def test_the_token_owners_setting_chooses_the_language(client):
    user = make_user("mette", language="da")
    db.session.commit()
    token = token_for(user)
    response = client.get(
        f"{API}/questions/999999",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert (
        error_of(response)["message"] == "Det spørgsmål findes ikke. Det er måske blevet fjernet."
    )
