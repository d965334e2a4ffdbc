"""Failed sign-ins are throttled per address and per account; sign-ups per address."""

from tests.accounts.helpers import SIGN_IN_FAILED, sign_in, signed_in_username, user_count
from tests.factories import PASSWORD, make_user

WRONG = "certainly not the password"


def _assert_throttled(response) -> None:  # noqa: ANN001 - a test response
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many sign-in attempts." in page
    assert "Please wait " in page
    assert "Retry-After" in response.headers


def test_the_seventh_failed_sign_in_from_one_address_within_a_minute_is_refused(client):
    make_user("ada")
    for attempt in range(6):
        response = sign_in(client, f"someone{attempt}", WRONG, address="203.0.113.7")
        assert response.status_code == 422

    seventh = sign_in(client, "ada", PASSWORD, address="203.0.113.7")

    _assert_throttled(seventh)
    assert "Please wait a minute and try again." in seventh.get_data(as_text=True)
    assert signed_in_username(client) is None


def test_another_address_is_not_held_back(client):
    make_user("ada")
    for _ in range(6):
        sign_in(client, "ada", WRONG, address="203.0.113.7")
    # Per-account limit (10 an hour) not reached yet: ada may still sign in elsewhere.

    response = sign_in(client, "ada", PASSWORD, address="198.51.100.20")

    assert response.status_code == 302


def test_one_account_is_throttled_across_many_addresses(client):
    make_user("ada")
    for n in range(10):
        response = sign_in(client, "ada", WRONG, address=f"198.51.100.{n + 1}")
        assert response.status_code == 422

    # The same account, typed differently, from an address never seen before.
    response = sign_in(client, " ADA ", PASSWORD, address="192.0.2.99")

    _assert_throttled(response)
    assert "Please wait an hour and try again." in response.get_data(as_text=True)
    assert signed_in_username(client) is None


def test_an_unknown_account_is_throttled_the_same_way(client):
    for n in range(10):
        assert sign_in(client, "ghost", WRONG, address=f"198.51.100.{n + 1}").status_code == 422

    _assert_throttled(sign_in(client, "ghost", WRONG, address="192.0.2.99"))


def test_successful_sign_ins_do_not_count(client):
    make_user("ada")
    for _ in range(8):
        assert sign_in(client, "ada", PASSWORD, address="203.0.113.7").status_code == 302
    for _ in range(6):
        response = sign_in(client, "ada", WRONG, address="203.0.113.7")
        assert response.status_code == 422
        assert SIGN_IN_FAILED in response.get_data(as_text=True)

    _assert_throttled(sign_in(client, "ada", WRONG, address="203.0.113.7"))


def test_viewing_the_sign_in_page_does_not_count(client):
    for _ in range(10):
        assert (
            client.get("/sign-in", environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 200
        )


def test_the_limits_come_from_the_config(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNIN_LIMITS_PER_ADDRESS", "2 per minute")

    for _ in range(2):
        assert sign_in(client, "ada", WRONG).status_code == 422

    _assert_throttled(sign_in(client, "ada", WRONG))


def test_sign_ups_are_limited_per_address(client):
    address = {"REMOTE_ADDR": "203.0.113.50"}
    for _ in range(10):
        response = client.post("/sign-up", data={"username": "x"}, environ_base=address)
        assert response.status_code == 422

    response = client.post(
        "/sign-up",
        data={
            "username": "latecomer",
            "email": "late@example.org",
            "password": "a fine passphrase",
        },
        environ_base=address,
    )

    assert response.status_code == 429
    assert "Too many new accounts from your network." in response.get_data(as_text=True)
    before = user_count()
    other = client.post(
        "/sign-up",
        data={
            "username": "latecomer",
            "email": "late@example.org",
            "password": "a fine passphrase",
        },
        environ_base={"REMOTE_ADDR": "203.0.113.51"},
    )
    assert other.status_code == 302
    assert user_count() == before + 1


def test_wrong_current_passwords_are_throttled_per_account(client):
    make_user("ada")
    sign_in(client, "ada")
    for _ in range(10):
        response = client.post(
            "/account/password",
            data={"current_password": WRONG, "new_password": "a brand new passphrase"},
        )
        assert response.status_code == 422

    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )

    assert response.status_code == 429
    assert "Too many attempts with a wrong current password." in response.get_data(as_text=True)
