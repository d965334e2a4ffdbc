"""Choosing the language: the account's setting, else the footer's ``lang`` cookie, else the
browser's Accept-Language; the sign-up language is kept for e-mails; dates, relative times
and numbers follow the page's language."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

import app.db as app_db
from app.accounts.models import User
from app.extensions import db
from app.templating import format_date, number, time_ago
from tests.conftest import login_as
from tests.factories import make_user

DANISH = {"Accept-Language": "da"}
NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def _text(response) -> str:  # noqa: ANN001
    return html.unescape(response.get_data(as_text=True))


def _language_of(username: str) -> tuple[str | None, str | None]:
    return db.session.execute(
        sa.select(User.language, User.signup_language)
        .where(User.username == username)
        .execution_options(populate_existing=True)
    ).one()


def test_the_browsers_language_chooses_the_page(client):
    danish = _text(client.get("/sign-in", headers=DANISH))
    assert '<html lang="da">' in danish
    assert "Log ind på Helpsquare" in danish and "Gå til indholdet" in danish
    english = _text(client.get("/sign-in"))
    assert '<html lang="en">' in english and "Sign in to Helpsquare" in english


def test_a_sign_up_field_error_is_danish_and_the_sign_up_language_is_kept(client):
    refused = client.post(
        "/sign-up",
        data={"username": "", "email": "mette@example.org", "password": "short"},
        headers=DANISH,
    )
    assert refused.status_code == 422
    page = _text(refused)
    assert "Vælg et brugernavn." in page and "Brug mindst 10 tegn." in page

    client.post(
        "/sign-up",
        data={"username": "mette", "email": "mette@example.org", "password": "lang-og-sikker-42"},
        headers=DANISH,
    )
    assert _language_of("mette") == (None, "da")


def test_the_language_link_sets_a_cookie_and_goes_back_on_this_site_only(client):
    response = client.get("/language/da?next=/questions")
    assert response.status_code == 303 and response.location == "/questions"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=da;") and "Max-Age=31536000" in cookie
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie
    # The cookie is read from then on, without any Accept-Language.
    assert '<html lang="da">' in _text(client.get("/sign-in"))

    for outside in ("//evil.com", "https://evil.com", "/\\evil.com", "javascript:alert(1)"):
        assert client.get("/language/en", query_string={"next": outside}).location == "/"


def test_the_language_cookie_is_secure_when_the_app_says_so(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert "Secure" in client.get("/language/da").headers["Set-Cookie"]


def test_an_unknown_language_is_a_404(client):
    response = client.get("/language/xx", headers=DANISH)
    assert response.status_code == 404
    assert "Helpsquare findes ikke på det sprog." in _text(response)
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]


def test_the_footer_links_every_language_and_the_sites_pages(client):
    page = _text(client.get("/sign-in?next=//evil.com", headers=DANISH))
    assert 'hreflang="en" href="/language/en?next=/sign-in"' in page
    assert '<span lang="da" aria-current="true">Dansk</span>' in page
    for label in ("Om", "Vilkår", "Privatliv", "Tilgængelighedserklæring", "Kontakt"):
        assert f">{label}</a>" in page


def test_the_setting_is_saved_and_wins_over_cookie_and_browser(client):
    user = make_user("mette")
    db.session.commit()
    login_as(client, user)
    client.set_cookie("lang", "en", domain="helpsquare.test")

    saved = client.post("/account/profile", data={"display_name": "Mette", "language": "da"})
    assert saved.status_code == 302
    assert _language_of("mette")[0] == "da"
    page = _text(client.get("/account/profile", headers={"Accept-Language": "en"}))
    assert '<html lang="da">' in page and "Redigér din profil" in page
    # The footer sends a person with a setting to it, not to the cookie's link.
    assert "Din konto bestemmer sproget" in page
    assert '<option lang="en" value="en">English</option>' in page
    assert '/account/profile#language">English</a>' in page

    # The link of the footer changes nothing stored, and says where the setting is.
    followed = client.get("/language/en")
    assert followed.status_code == 303 and followed.location == "/account/profile#language"
    assert _language_of("mette")[0] == "da"

    client.post("/account/profile", data={"display_name": "Mette", "language": ""})
    assert _language_of("mette")[0] is None


def test_a_language_the_site_does_not_have_is_refused_at_the_field(client):
    user = make_user("mette")
    db.session.commit()
    login_as(client, user)

    refused = client.post(
        "/account/profile", data={"display_name": "Mette", "language": "xx"}, headers=DANISH
    )
    assert refused.status_code == 422
    assert "Vælg et af de viste sprog." in _text(refused)
    assert _language_of("mette")[0] is None


@pytest.mark.parametrize(
    ("language", "date", "ago", "days", "thousands"),
    [
        ("en", "3 March 2026", "5 minutes ago", "1 day ago", "12,345"),
        ("da", "3. marts 2026", "for 5 minutter siden", "for 1 dag siden", "12.345"),
    ],
)
def test_dates_times_and_numbers_follow_the_language(  # noqa: PLR0913
    app, monkeypatch, language, date, ago, days, thousands
):
    monkeypatch.setattr(app_db, "CLOCK", lambda: NOW)
    with app.test_request_context("/", headers={"Accept-Language": language}):
        assert format_date(datetime(2026, 3, 3, 9, 0, tzinfo=UTC)) == date
        assert time_ago(NOW - timedelta(minutes=5, seconds=30)) == ago
        assert time_ago(NOW - timedelta(days=1, hours=3)) == days
        assert number(12345) == thousands


@pytest.mark.parametrize(
    ("path", "english", "danish"),
    [
        ("/about", "About Helpsquare", "Om Helpsquare"),
        ("/terms", "Terms of use", "Vilkår for brug"),
        ("/privacy", "What we keep", "Hvad vi gemmer"),
        ("/accessibility", "WCAG) 2.2 at level AA", "WCAG) 2.2 på niveau AA"),
        ("/contact", "help@localhost", "Skriv til dem, der driver Helpsquare"),
    ],
)
def test_the_sites_own_pages_in_both_languages(client, path, english, danish):
    assert english in _text(client.get(path))
    page = _text(client.get(path, headers=DANISH))
    assert danish in page and '<html lang="da">' in page


def test_the_accessibility_statement_says_how_to_report_a_barrier(client):
    page = _text(client.get("/accessibility"))
    for part in ("Known gaps", "axe-core", "Nu HTML Checker", "Keyboard journeys"):
        assert part in page
    assert 'href="mailto:help@localhost"' in page
