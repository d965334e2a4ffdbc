"""Reputation in Danish: the leaderboards, the badges page and the champions page follow
``Accept-Language: da``. A badge is stored as its code; its name and rule are read in the
reader's language each time, so the same badge reads in English and in Danish."""

from __future__ import annotations

import html

import sqlalchemy as sa

from app.answers import services as answers
from app.extensions import db
from app.reputation.models import Badge, BadgeCode
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user

DANISH = {"Accept-Language": "da"}


def _page(response) -> str:  # noqa: ANN001 - a test response
    return html.unescape(response.get_data(as_text=True))


def _forum():  # noqa: ANN202
    """Acme (claimed), an admin, and Pat whose answer two people found helpful (20 points)."""
    acme = make_company("Acme", domain="acme.example")
    admin = make_user("acmeadmin")
    make_staff(acme, admin, role="admin")
    pat = make_user("pat", display_name="Pat")
    answer = make_answer(make_question(acme), author=pat)
    db.session.commit()
    for voter in (make_user("v1"), make_user("v2")):
        answers.vote_helpful(voter, answer)
    return acme, admin, pat


def test_the_leaderboards_speak_danish(client):
    _forum()

    site = _page(client.get("/leaderboard", headers=DANISH))
    acme = _page(client.get("/companies/acme/leaderboard?period=month", headers=DANISH))

    assert '<html lang="da"' in site
    assert 'aria-current="page">Alle tider' in site
    assert "De kunder, der har hjulpet mest på Helpsquare." in site
    assert '<th scope="col">Plads</th>' in site and "Point i alt" in site
    assert "@pat" in site and "<td>20</td>" in site
    assert "Rangliste for Acme" in acme and 'aria-current="page">Denne måned' in acme
    assert "Leaderboard period" not in site and "Points in all" not in site


def test_an_empty_board_says_so_in_danish(client):
    make_company("Quiet")
    db.session.commit()

    page = _page(client.get("/companies/quiet/leaderboard?period=month", headers=DANISH))

    assert (
        "Ingen har fået point i denne måned endnu. Besvar et spørgsmål for at blive den første."
        in page
    )


def test_a_badge_is_stored_as_its_code_and_read_in_the_readers_language(client):
    acme = make_company("Acme", domain="acme.example")
    peer, asker = make_user("peer"), make_user("asker")
    question = make_question(acme, author=asker)
    db.session.commit()
    answers.post_answer(peer, question, body="Take the battery out.")
    login_as(client, peer)

    stored = db.session.scalars(sa.select(Badge.code).where(Badge.user_id == peer.id)).all()
    danish = _page(client.get("/badges", headers=DANISH))
    english = _page(client.get("/badges"))

    assert stored == [BadgeCode.FIRST_ANSWER]
    assert "Første svar</span>" in danish and "First answer</span>" in english
    assert "Har besvaret en andens spørgsmål som medkunde for første gang." in danish
    assert "Dine svar har fået 100 hjælpsom-stemmer." in danish
    assert danish.count("Du fik det") == 1
    assert "Mærker og point" in danish and "<strong>10 point</strong>" in danish


def test_the_champions_page_speaks_danish_and_refuses_in_danish(client):
    acme, admin, pat = _forum()
    login_as(client, admin)

    page = _page(client.get("/companies/acme/champions", headers=DANISH))
    refused = client.post("/companies/acme/champions", data={"username": "@nobody"}, headers=DANISH)
    named = client.post("/companies/acme/champions", data={"username": "@pat"}, headers=DANISH)

    assert "Mestre hos Acme" in page and "Udnævn en mester" in page
    assert "Udnævn Pat (@pat) til mester" in page
    assert refused.status_code == 422
    assert "Der er ingen, der hedder @nobody, på Helpsquare." in _page(refused)
    after = _page(client.get(named.location, headers=DANISH))
    assert "Pat (@pat) er mester hos Acme." in after
    assert "Mester hos Acme</span>" in _page(
        client.get("/companies/acme/leaderboard", headers=DANISH)
    )
