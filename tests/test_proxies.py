"""The client's address behind proxies: the app trusts exactly TRUSTED_PROXY_COUNT proxies of
its own, and no X-Forwarded-For a client wrote."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app import create_app
from app.config import ConfigError, settings_from_env
from app.extensions import db
from tests.conftest import RequestClient
from tests.factories import make_user
from tests.mail.helpers import links_in, read_mail, use_file_backend

WRONG = "certainly not the password"
PROXY = "10.0.0.2"  # our reverse proxy, as the app sees it connect


@pytest.fixture
def proxied(app: Flask) -> Iterator[Flask]:
    """The app behind one proxy of ours (TRUSTED_PROXY_COUNT=1), on the same database."""
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PAGE_CACHE_SECONDS": 0,
            "TRUSTED_HOSTS": ["helpsquare.test"],
            "TRUSTED_PROXY_COUNT": 1,
        }
    )
    other.test_client_class = RequestClient
    yield other
    with other.app_context():
        db.engine.dispose()


def _behind_proxy(client, login: str, forwarded_for: str, password: str = WRONG):  # noqa: ANN001, ANN202
    return client.post(
        "/sign-in",
        data={"login": login, "password": password},
        headers={"X-Forwarded-For": forwarded_for, "Host": "helpsquare.test"},
        environ_base={"REMOTE_ADDR": PROXY},
    )


def test_without_trusted_proxies_a_forged_x_forwarded_for_changes_nothing(client):
    # Each attempt claims another address; the client is whoever connected.
    for n in range(6):
        forged = {"X-Forwarded-For": f"198.51.100.{n + 1}"}
        response = client.post(
            "/sign-in",
            data={"login": f"someone{n}", "password": WRONG},
            headers=forged,
            environ_base={"REMOTE_ADDR": "203.0.113.7"},
        )
        assert response.status_code == 422

    seventh = client.post(
        "/sign-in",
        data={"login": "someone-else", "password": WRONG},
        headers={"X-Forwarded-For": "192.0.2.200"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )

    assert seventh.status_code == 429
    assert "Too many sign-in attempts." in seventh.get_data(as_text=True)


def test_behind_one_proxy_the_last_hop_is_the_client_and_earlier_hops_are_ignored(proxied):
    client = proxied.test_client()
    # The client wrote a different first hop each time; our proxy appended the address
    # it was really connected from.
    for n in range(6):
        response = _behind_proxy(client, f"someone{n}", f"192.0.2.{n + 1}, 203.0.113.7")
        assert response.status_code == 422

    spoofed = _behind_proxy(client, "someone-else", "192.0.2.99, 203.0.113.7")
    other_client = _behind_proxy(client, "someone-else", "192.0.2.99, 198.51.100.9")

    assert spoofed.status_code == 429
    # Everybody behind the proxy is not one address: another client is not held back.
    assert other_client.status_code == 422


def test_behind_one_proxy_links_take_its_scheme_but_never_a_forwarded_host(
    proxied, monkeypatch, tmp_path
):
    mailbox = use_file_backend(proxied, monkeypatch, tmp_path / "mail")
    make_user("ada", email="ada@example.org")
    db.session.commit()

    response = proxied.test_client().post(
        "/forgot-password",
        data={"email": "ada@example.org"},
        headers={
            "Host": "helpsquare.test",
            "X-Forwarded-For": "203.0.113.7",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "evil.example",
        },
        environ_base={"REMOTE_ADDR": PROXY},
    )

    assert response.status_code == 302
    (message,) = read_mail(mailbox)
    assert links_in(message)[0].startswith("https://helpsquare.test/reset-password/")


def test_without_trusted_proxies_a_forged_scheme_is_ignored(app, client, monkeypatch, tmp_path):
    mailbox = use_file_backend(app, monkeypatch, tmp_path / "mail")
    make_user("ada", email="ada@example.org")
    db.session.commit()

    client.post(
        "/forgot-password",
        data={"email": "ada@example.org"},
        headers={"X-Forwarded-Proto": "https"},
    )

    (message,) = read_mail(mailbox)
    assert links_in(message)[0].startswith("http://helpsquare.test/reset-password/")


def test_trusted_proxy_count_comes_from_the_environment_and_defaults_to_none(app):
    assert app.config["TRUSTED_PROXY_COUNT"] == 0
    assert settings_from_env({"TRUSTED_PROXY_COUNT": "2"})["TRUSTED_PROXY_COUNT"] == 2


@pytest.mark.parametrize("count", [-1, "1", 1.5, True])
def test_a_proxy_count_that_is_not_a_whole_number_of_proxies_is_refused(count):
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_COUNT"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TRUSTED_PROXY_COUNT": count})
