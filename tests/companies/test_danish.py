"""Company pages in Danish: a reader whose browser asks for Danish (``Accept-Language: da``)
reads the company page, the claim form and the staff page in Danish, with ``lang="da"``;
the names people gave (the company's, a person's) stay as they were written."""

from __future__ import annotations

import html

from app.extensions import db
from tests.conftest import login_as
from tests.factories import make_company, make_product, make_question, make_staff, make_user

DANISH = {"Accept-Language": "da"}


def _page(response) -> str:  # noqa: ANN001 - a test response
    return html.unescape(response.get_data(as_text=True))


def test_the_company_page_speaks_danish(client):
    company = make_company("Acme", domain="acme.com")
    make_product(company, "Anvil")
    make_question(company, title="How do I sharpen an anvil?")
    db.session.commit()

    page = _page(client.get("/companies/acme", headers=DANISH))

    assert '<html lang="da"' in page
    for words in (
        "Stil et spørgsmål",
        "Acme er ikke kommet på Helpsquare endnu. Svarene her kommer fra andre kunder.",
        "Log ind for at overtage virksomheden",
        "Produkter",
        "1 spørgsmål",
        "Sådan svarer Acme",
        "Rangliste for Acme",
    ):
        assert words in page
    for english in ("Ask a question", "Products", "Champions", "Do you work at"):
        assert english not in page
    # Posts and names are not translated.
    assert "How do I sharpen an anvil?" in page and "Anvil" in page


def test_english_stays_the_default(client):
    make_company("Acme", domain="acme.com")
    db.session.commit()

    page = _page(client.get("/companies/acme"))

    assert '<html lang="en"' in page and "Ask a question" in page


def test_a_refused_claim_says_why_in_danish_at_its_field(client):
    make_company("Acme", domain="acme.com")
    jane = make_user("jane")
    db.session.commit()
    login_as(client, jane)

    form = _page(client.get("/companies/acme/claim", headers=DANISH))
    response = client.post(
        "/companies/acme/claim", data={"work_email": "jane@gmail.com"}, headers=DANISH
    )

    assert "Overtag Acme" in form and "Det sker der nu" in form
    assert "En adresse på acme.com, fx jane@acme.com. Kun sitets administratorer ser den." in form
    assert response.status_code == 422
    page = _page(response)
    assert '<html lang="da"' in page
    assert (
        '<p class="field__error" id="work_email-error">'
        "Brug din arbejdsmail på acme.com (eller et underdomæne), fx jane@acme.com.</p>"
    ) in page
    assert "Din arbejdsmail" in page  # the field's label


def test_the_staff_page_speaks_danish_to_an_admin(client):
    company = make_company("Acme", domain="acme.com")
    boss = make_user("boss", display_name="Bo Boss")
    make_staff(company, boss, role="admin", title="Head of Support")
    db.session.commit()
    login_as(client, boss)

    page = _page(client.get("/companies/acme/staff", headers=DANISH))

    assert '<html lang="da"' in page
    for words in (
        "Medarbejdere hos Acme",
        "1 medarbejder",
        "Administrator ·",
        "Din offentlige titel",
        "Gem titel",
        "Invitér medarbejdere",
        "Supportmedarbejder: svarer officielt, anbefaler svar, sætter status",
        "Ingen invitationer venter.",
        "Den eneste administrator: invitér en anden administrator, før du fjerner Bo Boss (@boss).",
    ):
        assert words in page
    assert "Head of Support" in page  # a title someone typed stays as typed
    assert "Invite staff" not in page and "staff member" not in page


def test_an_invitation_refused_at_its_field_in_danish(client):
    company = make_company("Acme", domain="acme.com")
    boss = make_user("boss")
    make_staff(company, boss, role="admin")
    db.session.commit()
    login_as(client, boss)

    response = client.post(
        "/companies/acme/staff/invitations", data={"email": "", "role": "agent"}, headers=DANISH
    )

    assert response.status_code == 422
    page = _page(response)
    assert "Skriv arbejdsmailen for den person, du vil invitere." in page
