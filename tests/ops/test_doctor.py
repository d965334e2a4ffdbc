"""``flask doctor``: a configuration fit for production passes (exit 0); each thing wrong is
said in a sentence and makes the exit code 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mail.smtp_server import smtp_server

REDIS = "redis://127.0.0.1:6379/7"
NOTHING_LISTENS = "127.0.0.1:1"


@pytest.fixture
def smtp_port():
    with smtp_server() as (port, _mailbox):
        yield port


@pytest.fixture
def production(smtp_port) -> dict:
    """Settings with nothing wrong, on the suite's (migrated) database."""
    return {
        "APP_ENV": "production",
        "SESSION_COOKIE_SECURE": True,
        "SECRET_KEY": "k" * 48,
        "TRUSTED_HOSTS": ["help.example.com"],
        "TRUSTED_PROXY_COUNT": 1,
        "RATELIMIT_STORAGE_URI": REDIS,
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": REDIS,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_SEND": "worker",
        "MAIL_DEFAULT_SENDER": "Helpsquare <no-reply@help.example.com>",
        "METRICS_TOKEN": "t" * 32,
        "LOG_FORMAT": "json",
    }


def doctor(make_app, **settings):
    app = make_app(**settings)
    # Its own app context: the suite's app is the current one for the whole test.
    with app.app_context():
        return app.test_cli_runner().invoke(args=["doctor"])


@pytest.fixture(autouse=True)
def _plain_logs():
    import logging

    from app import ops

    yield
    logging.getLogger("app").removeHandler(ops.JSON_HANDLER)


def test_a_production_configuration_passes(make_app, production):
    result = doctor(make_app, **production)

    assert result.exit_code == 0, result.output
    assert "PROBLEM" not in result.output
    assert "The database answers and is migrated" in result.output
    assert "The rate limits' Redis answers." in result.output
    assert "accepts a connection" in result.output
    assert result.output.rstrip().endswith("No problems found.")


def test_the_development_defaults_are_named_one_by_one(make_app):
    result = doctor(make_app, SERVER_NAME=None)

    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line.startswith("PROBLEM")]
    for words in (
        "SECRET_KEY is",  # the suite's short key
        "APP_ENV is not production",
        "Neither TRUSTED_HOSTS nor SERVER_NAME",
        "RATELIMIT_STORAGE_URI=memory://",
        "MAIL_BACKEND is console",
        "MAIL_DEFAULT_SENDER is Helpsquare <no-reply@localhost>",
    ):
        assert any(words in line for line in problems), words
    assert f"{len(problems)} problems to fix before production." in result.output


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY is only 5 characters long"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE is off"),
        ({"RATELIMIT_ENABLED": False}, "RATELIMIT_ENABLED is off"),
        (
            {"RATELIMIT_STORAGE_URI": f"redis://{NOTHING_LISTENS}/0"},
            "The rate limits' Redis does not answer",
        ),
        ({"CACHE_REDIS_URL": f"redis://{NOTHING_LISTENS}/0"}, "The page cache's Redis does not"),
        ({"MAIL_PORT": 1}, "The SMTP server 127.0.0.1:1 does not accept us"),
        ({"MAIL_USERNAME": "helpsquare"}, "the SMTP password would travel in clear"),
        ({"MAIL_BACKEND": "file", "MAIL_FILE_DIR": "/dev/null/mail"}, "cannot be written to"),
        (
            {"SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@{NOTHING_LISTENS}/x"},
            "The database cannot be reached",
        ),
    ],
)
def test_each_problem_is_said_and_fails(make_app, production, change, said):
    result = doctor(make_app, **(production | change))

    assert result.exit_code == 1
    assert any(
        line.startswith("PROBLEM") and said in line for line in result.output.splitlines()
    ), result.output


def test_an_unmigrated_database_says_to_upgrade(make_app, production, tmp_path: Path):
    result = doctor(
        make_app, **production, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'new.db'}"
    )

    assert result.exit_code == 1
    assert "The database has no schema yet: run `flask db upgrade`" in result.output


def test_a_database_behind_the_code_says_to_upgrade(make_app, production, tmp_path: Path):
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('0017_problem_life')")
    engine.dispose()

    result = doctor(make_app, **production, SQLALCHEMY_DATABASE_URI=url)

    assert result.exit_code == 1
    assert "at revision 0017_problem_life but this code needs" in result.output


def test_the_database_url_password_is_never_printed(make_app, production):
    url = f"postgresql+psycopg://postgres:s3cret-pw@{NOTHING_LISTENS}/x"

    result = doctor(make_app, **production, SQLALCHEMY_DATABASE_URI=url)

    assert "s3cret-pw" not in result.output
