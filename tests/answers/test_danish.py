"""Answer cards and answering in Danish (issue 17): badges, counts with their plural, the
buttons and the flashes; the answers themselves as written."""

from __future__ import annotations

from app.extensions import db
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user
from tests.questions.helpers import text

DANISH = {"Accept-Language": "da"}


def test_an_official_best_answer_reads_in_danish(client):
    company = make_company("Acme")
    asker = make_user("asker")
    question = make_question(company, author=asker, slug="sync")
    staff = make_staff(company, make_user("sam", display_name="Sam"), title="Support").user
    official = make_answer(question, author=staff, body="Update to 4.3.", is_official=True)
    official.helpful_count = 1
    peer = make_answer(question, body="Sign out and in again.")
    peer.helpful_count = 2
    question.best_answer_id = official.id
    question.has_official_answer = True
    db.session.commit()
    login_as(client, asker)

    page = text(client.get(f"/questions/{question.id}/sync", headers=DANISH))

    assert '<html lang="da">' in page
    assert "Bedste svar</span>" in page
    assert "Officielt svar · " in page and ", Support hos Acme</span>" in page
    assert "1 fandt dette hjælpsomt" in page and "2 fandt dette hjælpsomt" in page
    assert ">Fjern markering som bedste svar</button>" in page
    assert ">Vælg som bedste svar</button>" in page
    assert "Acme deltager i fællesskabet" in page
    assert "Update to 4.3." in page and "Sign out and in again." in page
    for english in ("Best answer", "Official answer", "found this helpful", "Helpful<"):
        assert english not in page


def test_answering_in_danish_flashes_in_danish(client):
    question = make_question(make_company("Acme"), slug="sync")
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)

    refused = client.post(f"/questions/{question.id}/answers", data={"body": ""}, headers=DANISH)
    assert refused.status_code == 422
    assert "Skriv dit svar først." in text(refused)

    posted = client.post(
        f"/questions/{question.id}/answers", data={"body": "Turn it off."}, headers=DANISH
    )
    page = text(client.get(posted.location, headers=DANISH))

    assert "Tak, dit svar er slået op." in page
    assert ">1 svar</h2>" in page


def test_the_edit_page_is_danish(client):
    peer = make_user("peer")
    answer = make_answer(make_question(make_company("Acme")), author=peer)
    db.session.commit()
    login_as(client, peer)

    page = text(client.get(f"/answers/{answer.id}/edit", headers=DANISH))

    assert '<html lang="da">' in page
    assert "<h1>Redigér svar</h1>" in page and ">Gem ændringer</button>" in page
    assert ">Dit svar</label>" in page
