"""The company's own-site settings and the widget in Danish (``Accept-Language: da``): the
SSO settings page for the company's admin, a refused sign-in link, the embedded page and
the words of the widget's script, which sits on the company's own pages before its
customers."""

from __future__ import annotations

import html

from app.extensions import db
from tests.conftest import login_as
from tests.factories import make_company, make_staff, make_user
from tests.integrations.helpers import sso_company

DANISH = {"Accept-Language": "da"}


def _page(response) -> str:  # noqa: ANN001 - a test response
    return html.unescape(response.get_data(as_text=True))


def test_the_sso_settings_page_speaks_danish(client):
    company, admin, _ = sso_company()
    db.session.commit()
    login_as(client, admin)

    page = _page(client.get(f"/companies/{company.slug}/integrations", headers=DANISH))

    assert '<html lang="da"' in page
    for words in (
        "Acme Cloud på jeres eget websted",
        "Single sign-on (SSO)",
        "Erstat hemmeligheden",
        "Widgetten",
        "Websteder, der må vise widgetten (én oprindelse pr. linje, fx https://shop.example)",
        "Gem webstederne",
        "Eksport",
        "Hent acme-cloud.jsonl",
    ):
        assert words in page
    assert "Single sign-on</h2>" not in page and "Save the sites" not in page


def test_a_refused_origin_is_explained_in_danish(client):
    company, admin, _ = sso_company()
    db.session.commit()
    login_as(client, admin)

    response = client.post(
        f"/companies/{company.slug}/integrations/widget",
        data={"widget_origins": "http://shop.example"},
        headers=DANISH,
    )

    assert response.status_code == 422
    assert (
        "'http://shop.example' er ikke en oprindelse: brug https://, et værtsnavn og "
        "eventuelt en port, uden sti, fx https://shop.example."
    ) in _page(response)


def test_a_bad_sign_in_link_is_refused_in_danish(client):
    company, _, _ = sso_company()
    db.session.commit()

    response = client.get(f"/sso/{company.slug}?token=nonsense", headers=DANISH)

    assert response.status_code == 400
    assert (
        "Dette login-link er ikke gyldigt: det er måske udløbet, allerede brugt eller ikke "
        "underskrevet af Acme Cloud."
    ) in _page(response)


def test_the_widget_follows_the_visitors_language(client):
    company = make_company("Acme Cloud", slug="acme-cloud", domain="acme-cloud.com")
    make_staff(company, make_user("acme-admin"), role="admin")
    db.session.commit()

    embed = _page(client.get("/embed/companies/acme-cloud", headers=DANISH))
    english_embed = _page(client.get("/embed/companies/acme-cloud"))
    script = client.get("/widget.js", headers=DANISH)
    english_script = client.get("/widget.js").get_data(as_text=True)

    assert '<html lang="da">' in embed and '<html lang="en">' in english_embed
    assert "Hjælp fra Acme Cloud" in embed and "Spørg (åbner en ny fane)" in embed
    assert "Help from Acme Cloud" in english_embed
    words = script.get_data(as_text=True)
    assert '{"help": "Hj\\u00e6lp", "close": "Luk"}' in words
    assert '{"help": "Help", "close": "Close"}' in english_script
    assert "Accept-Language" in script.headers["Vary"]
