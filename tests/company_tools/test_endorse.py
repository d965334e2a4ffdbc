"""Endorsements: a claimed company's staff (or a site admin) vouch for a peer answer."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

import app.db
from app.answers import services
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from tests.checks import snapshot
from tests.company_tools.helpers import make_acme
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user
from tests.questions.helpers import text

NOON = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def acme():
    return make_acme()


@pytest.fixture
def answer(acme):
    question = make_question(acme.company, author=acme.asker, slug="sync")
    return make_answer(question, author=acme.peer, body="Hold the button for ten seconds.")


def _endorse(client, answer, action: str = "add"):
    return client.post(f"/answers/{answer.id}/endorse", data={"action": action})


def _page(client, answer) -> str:
    return text(client.get(f"/questions/{answer.question_id}/sync"))


def test_staff_endorse_a_peer_answer_and_everyone_sees_the_badge(client, acme, answer, monkeypatch):
    monkeypatch.setattr(app.db, "CLOCK", lambda: NOON)
    db.session.commit()
    login_as(client, acme.jane)
    before = _page(client, answer)

    response = _endorse(client, answer)

    assert 'aria-pressed="false">Endorse for Acme</button>' in before
    assert response.status_code == 303
    assert response.location == f"/questions/{answer.question_id}/sync#answer-{answer.id}"
    db.session.refresh(answer)
    assert (answer.is_endorsed, answer.endorsed_by_id, answer.endorsed_at) == (
        True,
        acme.jane.id,
        NOON,
    )
    page = _page(client, answer)
    assert "The answer is endorsed" in page
    assert (
        '<span class="badge badge--answered"><span aria-hidden="true">✓ </span>Acme endorsed</span>'
        in page
    )
    assert 'aria-pressed="true">Endorse for Acme</button>' in page
    client.post("/sign-out")
    anonymous = text(client.get(f"/questions/{answer.question_id}/sync"))
    assert "Acme endorsed</span>" in anonymous
    assert "Endorse for Acme" not in anonymous


def test_endorsing_twice_keeps_the_first_endorsement(client, acme, answer, monkeypatch):
    monkeypatch.setattr(app.db, "CLOCK", lambda: NOON)
    services.endorse_answer(acme.jane, answer)
    monkeypatch.setattr(app.db, "CLOCK", lambda: NOON.replace(hour=13))
    db.session.commit()
    login_as(client, acme.boss)

    response = _endorse(client, answer)

    assert response.status_code == 303
    db.session.refresh(answer)
    assert (answer.endorsed_by_id, answer.endorsed_at) == (acme.jane.id, NOON)
    assert "already endorsed" in _page(client, answer)
    assert services.endorse_answer(acme.jane, answer) is False


def test_any_of_the_companys_staff_withdraws_an_endorsement(client, acme, answer):
    services.endorse_answer(acme.jane, answer)
    db.session.commit()
    login_as(client, acme.boss)

    response = _endorse(client, answer, "remove")
    again = _endorse(client, answer, "remove")

    assert response.status_code == again.status_code == 303
    db.session.refresh(answer)
    assert (answer.is_endorsed, answer.endorsed_by_id, answer.endorsed_at) == (False, None, None)
    page = _page(client, answer)
    assert "was not endorsed" in page
    assert "Acme endorsed</span>" not in page


def test_an_official_answer_cannot_be_endorsed(client, acme, answer):
    official = make_answer(answer.question, author=acme.jane, is_official=True, body="Official.")
    db.session.commit()
    login_as(client, acme.boss)
    page = _page(client, answer)
    before = snapshot()

    response = _endorse(client, official)

    # Only the peer answer offers the button.
    assert page.count("Endorse for Acme</button>") == 1
    assert response.status_code == 422
    assert "already speaks for Acme" in text(response)
    assert snapshot() == before
    with pytest.raises(ValidationError):
        services.endorse_answer(acme.boss, official)


@pytest.mark.parametrize("who", ["peer", "asker", "stranger", "rival", "revoked"])
def test_people_who_do_not_speak_for_the_company_are_refused(client, acme, answer, who):
    users = {
        "peer": acme.peer,  # even on their own answer
        "asker": acme.asker,
        "stranger": make_user("stranger"),
        "rival": acme.rival,  # staff of another company
        "revoked": make_user("former"),
    }
    if who == "revoked":
        membership = make_staff(acme.company, users["revoked"])
        membership.revoked_at = app.db.utcnow()
    db.session.commit()
    login_as(client, users[who])
    page = _page(client, answer)
    before = snapshot()

    added = _endorse(client, answer)
    removed = _endorse(client, answer, "remove")

    assert "Endorse for" not in page
    assert (added.status_code, removed.status_code) == (403, 403)
    assert snapshot() == before
    with pytest.raises(PermissionDenied):
        services.endorse_answer(users[who], answer)


def test_anonymous_visitors_are_sent_to_sign_in(client, answer):
    db.session.commit()
    before = snapshot()

    response = _endorse(client, answer)

    assert response.status_code == 303
    assert urlsplit(response.location).path == "/sign-in"
    assert snapshot() == before


def test_a_site_admin_may_endorse(client, acme, answer):
    db.session.commit()
    login_as(client, acme.keeper)

    response = _endorse(client, answer)

    assert response.status_code == 303
    db.session.refresh(answer)
    assert (answer.is_endorsed, answer.endorsed_by_id) == (True, acme.keeper.id)


@pytest.mark.parametrize("who", ["stranger", "site admin"])
def test_nobody_endorses_on_an_unclaimed_company_not_even_a_site_admin(client, who):
    # An endorsement speaks for the company (product.md: claimed companies only), and
    # nobody speaks for an unclaimed one.
    company = make_company("Umbrella", domain="umbrella.com")
    answer = make_answer(make_question(company, slug="sync"))
    user = make_user("keeper", is_admin=True) if who == "site admin" else make_user("stranger")
    db.session.commit()
    login_as(client, user)
    before = snapshot()

    added, withdrawn = _endorse(client, answer), _endorse(client, answer, "remove")

    assert (added.status_code, withdrawn.status_code) == (403, 403)
    assert snapshot() == before
    assert "Endorse for Umbrella" not in _page(client, answer)
    with pytest.raises(PermissionDenied):
        services.endorse_answer(user, answer)


@pytest.mark.parametrize("data", [{}, {"action": "maybe"}])
def test_a_malformed_request_is_refused(client, acme, answer, data):
    db.session.commit()
    login_as(client, acme.jane)
    before = snapshot()

    response = client.post(f"/answers/{answer.id}/endorse", data=data)

    assert response.status_code == 400
    assert snapshot() == before


def test_an_unknown_answer_is_not_found(client, acme):
    db.session.commit()
    login_as(client, acme.jane)

    assert client.post("/answers/99999/endorse", data={"action": "add"}).status_code == 404
    assert client.post(f"/answers/{2**31}/endorse", data={"action": "add"}).status_code == 404
