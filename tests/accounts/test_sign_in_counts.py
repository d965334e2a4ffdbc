"""Failed sign-ins are counted per account and address, per address and per account, the
typed login resolved to its account first; a browser that has signed in to an account
before is never held back by anybody else's failures."""

from __future__ import annotations

import re

import pytest

from app.accounts import sign_in as sign_in_module
from app.accounts.throttle import network_of, wait_in_words
from tests.accounts.helpers import HOST, SIGN_IN_FAILED, sign_in, signed_in_username
from tests.api.helpers import API, error_of
from tests.factories import PASSWORD, make_user

WRONG = "certainly not the password"
OFFICE = "203.0.113.7"


def _words(response) -> str:  # noqa: ANN001 - a test response
    """The page, its request id (a reference on error pages, new for every request) and its
    script's nonce (new for every response too) left out."""
    page = response.get_data(as_text=True).replace(response.headers["X-Request-ID"], "")
    return re.sub(r'nonce="[^"]*"', 'nonce=""', page)


def _throttled(response) -> bool:  # noqa: ANN001 - a test response
    return (
        response.status_code == 429
        and "Too many sign-in attempts." in response.get_data(as_text=True)
        and int(response.headers["Retry-After"]) > 0
    )


def _browser_cookie(client):  # noqa: ANN001, ANN202
    return client.get_cookie(sign_in_module.BROWSER_COOKIE, domain=HOST, path="/sign-in")


# Someone else's failures -------------------------------------------------------------------


def test_a_colleague_behind_the_same_address_is_never_refused_for_someone_elses_failures(app):
    make_user("bob")
    bobs_laptop = app.test_client()
    assert sign_in(bobs_laptop, "bob", address=OFFICE).status_code == 302
    bobs_laptop.post("/sign-out")
    # Someone else in the office sprays passwords over many accounts, bob's too, and a
    # botnet tries bob's account from everywhere: every shared count is full.
    intruder = app.test_client()
    answers = [sign_in(intruder, "bob", WRONG, address=OFFICE).status_code for _ in range(3)]
    answers += [sign_in(intruder, f"user{n}", WRONG, address=OFFICE).status_code for n in range(5)]
    for n in range(12):
        sign_in(intruder, "bob", WRONG, address=f"198.51.100.{n + 1}")
    assert answers == [422] * 6 + [429] * 2
    assert _throttled(sign_in(intruder, "bob", PASSWORD, address=OFFICE))

    response = sign_in(bobs_laptop, "bob", PASSWORD, address=OFFICE)

    assert response.status_code == 302
    assert signed_in_username(bobs_laptop) == "bob"


def test_a_browser_new_to_the_account_is_held_back_with_its_address(app):
    make_user("cleo")
    intruder = app.test_client()
    for n in range(6):
        assert sign_in(intruder, f"user{n}", WRONG, address=OFFICE).status_code == 422
    cleos_new_phone = app.test_client()

    held_back = sign_in(cleos_new_phone, "cleo", PASSWORD, address=OFFICE)
    unknown = sign_in(cleos_new_phone, "nobody-here", PASSWORD, address=OFFICE)

    assert _throttled(held_back) and _throttled(unknown)
    # The same words whether or not the account exists (but for each request's own id).
    assert _words(held_back) == _words(unknown)
    assert sign_in(cleos_new_phone, "cleo", PASSWORD, address="198.51.100.20").status_code == 302


def test_a_browser_that_signed_in_before_has_a_count_of_its_own(app):
    make_user("ada")
    laptop = app.test_client()
    assert sign_in(laptop, "ada", address=OFFICE).status_code == 302
    laptop.post("/sign-out")

    answers = [sign_in(laptop, "ada", WRONG, address=OFFICE).status_code for _ in range(7)]

    assert answers == [422] * 6 + [429]
    # Its failures were its own: the office and ada's other browsers are not held back.
    assert sign_in(app.test_client(), "ada", PASSWORD, address=OFFICE).status_code == 302


def test_the_browser_cookie_is_signed_httponly_and_only_sent_to_the_sign_in_page(app):
    make_user("ada")
    laptop = app.test_client()
    sign_in(laptop, "ada", address=OFFICE)
    cookie = _browser_cookie(laptop)

    assert cookie is not None
    assert cookie.http_only and cookie.path == "/sign-in"
    assert cookie.expires is not None
    assert sign_in_module.read_browser(cookie.value).account_ids != ()
    assert sign_in_module.read_browser(cookie.value[:-2] + "xx") is None
    assert sign_in_module.read_browser("made up") is None
    assert sign_in_module.read_browser(None) is None


def test_a_tampered_browser_cookie_is_a_browser_new_to_the_account(app):
    make_user("ada")
    intruder = app.test_client()
    for n in range(6):
        sign_in(intruder, f"user{n}", WRONG, address=OFFICE)
    laptop = app.test_client()
    sign_in(laptop, "ada", address="198.51.100.20")
    forged = app.test_client()
    forged.set_cookie(
        sign_in_module.BROWSER_COOKIE,
        _browser_cookie(laptop).value[:-3] + "abc",
        domain=HOST,
        path="/sign-in",
    )

    assert _throttled(sign_in(forged, "ada", PASSWORD, address=OFFICE))
    assert sign_in(laptop, "ada", PASSWORD, address=OFFICE).status_code == 302


def test_the_browser_is_trusted_for_a_year_after_its_last_sign_in(app, monkeypatch):
    from datetime import timedelta

    from app import db as db_module

    ada = make_user("ada")
    bob = make_user("bob")
    cookie = sign_in_module.browser_cookie_after_sign_in(None, ada)
    cookie = sign_in_module.browser_cookie_after_sign_in(cookie, bob)
    now = db_module.utcnow()

    assert sign_in_module.read_browser(cookie).account_ids == (bob.id, ada.id)
    monkeypatch.setattr(db_module, "CLOCK", lambda: now + timedelta(days=364))
    assert sign_in_module.read_browser(cookie) is not None
    monkeypatch.setattr(db_module, "CLOCK", lambda: now + timedelta(days=366))
    assert sign_in_module.read_browser(cookie) is None


# One account, however it is typed ----------------------------------------------------------


def test_the_username_and_the_email_address_share_one_count(client):
    make_user("ada", email="ada@example.org")
    for n in range(10):
        login = "ada" if n % 2 else " ADA@Example.org "
        response = sign_in(client, login, WRONG, address=f"198.51.100.{n + 1}")
        assert response.status_code == 422

    assert _throttled(sign_in(client, "ada", PASSWORD, address="192.0.2.99"))
    assert _throttled(sign_in(client, "ada@example.org", PASSWORD, address="192.0.2.98"))


def test_an_unknown_login_is_counted_by_what_was_typed(client):
    for n in range(10):
        assert sign_in(client, "ghost", WRONG, address=f"198.51.100.{n + 1}").status_code == 422

    assert _throttled(sign_in(client, " GHOST ", WRONG, address="192.0.2.99"))
    assert sign_in(client, "ghost@example.org", WRONG, address="192.0.2.99").status_code == 422


def test_one_account_from_one_address_has_a_count_of_its_own(app, client, monkeypatch):
    # An operator behind a large shared network loosens the address and account counts;
    # one source guessing one account is still stopped at 6 a minute.
    monkeypatch.setitem(app.config, "SIGNIN_LIMITS_PER_ADDRESS", "100 per minute")
    monkeypatch.setitem(app.config, "SIGNIN_LIMITS_PER_ACCOUNT", "100 per hour")
    make_user("ada")
    make_user("bob")

    answers = [sign_in(client, "ada", WRONG, address=OFFICE).status_code for _ in range(7)]

    assert answers == [422] * 6 + [429]
    assert sign_in(client, "bob", WRONG, address=OFFICE).status_code == 422
    assert sign_in(client, "ada", PASSWORD, address="198.51.100.20").status_code == 302


def test_the_counts_per_account_and_address_come_from_the_config(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNIN_LIMITS_PER_ACCOUNT_AND_ADDRESS", "2 per minute")

    assert [sign_in(client, "ada", WRONG).status_code for _ in range(2)] == [422, 422]

    assert _throttled(sign_in(client, "ada", WRONG))


def test_a_right_password_gives_its_place_back(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNIN_LIMITS_PER_ADDRESS", "3 per minute")
    make_user("ada")
    for _ in range(5):
        assert sign_in(app.test_client(), "ada", PASSWORD, address=OFFICE).status_code == 302

    answers = [sign_in(client, f"user{n}", WRONG, address=OFFICE).status_code for n in range(4)]

    assert answers == [422, 422, 422, 429]


def test_an_ipv6_home_network_is_one_address(client):
    for n in range(6):
        response = sign_in(client, f"someone{n}", WRONG, address=f"2001:db8:1:2::{n + 1}")
        assert response.status_code == 422

    assert _throttled(sign_in(client, "someone", WRONG, address="2001:db8:1:2:ffff::1"))
    assert sign_in(client, "someone", WRONG, address="2001:db8:1:3::1").status_code == 422


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("not an address", "not an address"),
        (None, "unknown"),
    ],
)
def test_the_network_an_address_stands_for(address, network):
    assert network_of(address) == network


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(1, "a minute"), (89, "a minute"), (91, "2 minutes"), (3599, "an hour"), (7300, "2 hours")],
)
def test_waits_are_said_as_a_person_would(seconds, words):
    assert wait_in_words(seconds) == words


# Both doors, one count ---------------------------------------------------------------------


def test_token_requests_and_the_sign_in_page_share_the_counts(client):
    make_user("ada")
    for n in range(6):
        assert sign_in(client, f"user{n}", WRONG, address=OFFICE).status_code == 422

    response = client.post(
        f"{API}/tokens",
        json={"username": "ada", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": OFFICE},
    )

    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


def test_a_failed_sign_in_still_says_only_that_the_pair_does_not_match(client):
    make_user("ada")

    wrong = sign_in(client, "ada", WRONG).get_data(as_text=True)
    unknown = sign_in(client, "nobody-at-all", WRONG).get_data(as_text=True)

    assert SIGN_IN_FAILED in wrong and SIGN_IN_FAILED in unknown
