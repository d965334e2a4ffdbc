"""``flask doctor``: is this configuration fit for production? Each check says in a sentence
what it found; a problem says what to do about it. Exit code 1 when there is any problem.

It reads the configuration the app would run with (environment, instance/config.py), asks
the database, each Redis and the SMTP server, and tries writing where the app writes. It
changes nothing (the probe files it writes are removed at once).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from app import config as app_config
from app.db import SQLITE_BEGIN_OPTION
from app.extensions import db

PROBLEM, NOTE, OK = "problem", "note", "ok"
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class Finding:
    level: str  # PROBLEM, NOTE (worth knowing, not wrong) or OK
    text: str


Check = Callable[[dict[str, Any]], Iterator[Finding]]


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def check_secret_and_cookies(config: dict[str, Any]) -> Iterator[Finding]:
    secret = config.get("SECRET_KEY") or ""
    if not secret or secret == app_config.DEFAULT_SECRET_KEY:
        yield Finding(
            PROBLEM,
            "SECRET_KEY is the development default, so anyone can forge a session. Set it to "
            "a long random value, such as the output of: openssl rand -base64 48",
        )
    elif len(secret) < MIN_SECRET_LENGTH:
        yield Finding(
            PROBLEM,
            f"SECRET_KEY is only {len(secret)} characters long; use at least "
            f"{MIN_SECRET_LENGTH} random ones.",
        )
    else:
        yield Finding(OK, "SECRET_KEY is set to a long value.")
    if config.get("APP_ENV") != "production":
        yield Finding(
            PROBLEM,
            "APP_ENV is not production: session cookies are not marked Secure and no HSTS "
            "header is sent. Set APP_ENV=production.",
        )
    elif not config.get("SESSION_COOKIE_SECURE"):
        yield Finding(
            PROBLEM,
            "SESSION_COOKIE_SECURE is off: the session cookie would travel over plain HTTP.",
        )
    else:
        yield Finding(OK, "APP_ENV is production: secure cookies and HSTS.")


def check_hosts_and_proxies(config: dict[str, Any]) -> Iterator[Finding]:
    hosts = config.get("TRUSTED_HOSTS") or []
    if hosts:
        yield Finding(OK, f"The site answers to {', '.join(hosts)} only (TRUSTED_HOSTS).")
    elif config.get("SERVER_NAME"):
        yield Finding(OK, f"The site's address is {config['SERVER_NAME']} (SERVER_NAME).")
    else:
        yield Finding(
            PROBLEM,
            "Neither TRUSTED_HOSTS nor SERVER_NAME is set: e-mailed links are built from "
            "whatever Host header a request carries. Set TRUSTED_HOSTS=your.site.",
        )
    count = config.get("TRUSTED_PROXY_COUNT", 0)
    if count == 0:
        yield Finding(
            NOTE,
            "TRUSTED_PROXY_COUNT is 0: the client is whoever connects. Behind one nginx, set "
            "it to 1, or every visitor shares nginx's address in the rate limits.",
        )
    else:
        yield Finding(
            OK,
            f"TRUSTED_PROXY_COUNT is {count}: make sure exactly {count} proxies of yours add "
            "to X-Forwarded-For, or clients can choose their own address.",
        )


def check_database(config: dict[str, Any]) -> Iterator[Finding]:
    url = sa.engine.make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield Finding(
            NOTE,
            "The database is SQLite: fine for one machine with light traffic; use PostgreSQL "
            "(DATABASE_URL) for more, or for more than one app machine.",
        )
    try:
        options = {SQLITE_BEGIN_OPTION: "DEFERRED"}  # a read: never SQLite's write lock
        with db.engine.connect().execution_options(**options) as connection:
            connection.exec_driver_sql("SELECT 1")
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:
        yield Finding(
            PROBLEM,
            f"The database cannot be reached ({url.render_as_string(hide_password=True)}): "
            f"{_first_line(error)}",
        )
        return
    migrations = current_app.extensions["migrate"].directory
    expected = set(ScriptDirectory(migrations).get_heads())
    if not current:
        yield Finding(
            PROBLEM,
            "The database has no schema yet: run `flask db upgrade` before starting the app.",
        )
    elif current != expected:
        yield Finding(
            PROBLEM,
            f"The database is at revision {', '.join(sorted(current))} but this code needs "
            f"{', '.join(sorted(expected))}: run `flask db upgrade` before the workers start.",
        )
    else:
        yield Finding(OK, f"The database answers and is migrated ({', '.join(expected)}).")


def _ping(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3).ping()
    except Exception as error:
        return _first_line(error)
    return None


def check_redis(config: dict[str, Any]) -> Iterator[Finding]:
    if not config.get("RATELIMIT_ENABLED", True):
        yield Finding(
            PROBLEM, "RATELIMIT_ENABLED is off: sign-in, sign-up and posting are not limited."
        )
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if storage.startswith("memory://"):
        yield Finding(
            PROBLEM,
            "Rate limits are counted in each process (RATELIMIT_STORAGE_URI=memory://): with "
            "4 workers a limit lets 4 times as much through. Set it to redis://host:6379/0.",
        )
    elif storage.startswith(("redis://", "rediss://")):
        failed = _ping(storage)
        if failed:
            yield Finding(PROBLEM, f"The rate limits' Redis does not answer: {failed}")
        else:
            yield Finding(OK, "The rate limits' Redis answers.")
    if str(config.get("CACHE_TYPE", "")).lower().endswith("rediscache"):
        failed = _ping(config.get("CACHE_REDIS_URL") or "redis://localhost:6379/0")
        if failed:
            yield Finding(PROBLEM, f"The page cache's Redis does not answer: {failed}")
        else:
            yield Finding(OK, "The page cache's Redis answers.")
    elif config.get("PAGE_CACHE_SECONDS", 0) > 0:
        yield Finding(
            NOTE,
            "Each process keeps its own page cache (CACHE_TYPE=SimpleCache); "
            "CACHE_TYPE=RedisCache with CACHE_REDIS_URL shares one between workers and machines.",
        )


def check_mail(config: dict[str, Any]) -> Iterator[Finding]:
    from app.mail.backends import SMTPBackend

    backend = config.get("MAIL_BACKEND")
    if backend != "smtp":
        yield Finding(
            PROBLEM,
            f"MAIL_BACKEND is {backend}: e-mails (sign-up links, password resets) are not "
            "delivered. Set MAIL_BACKEND=smtp and MAIL_SERVER.",
        )
    else:
        if config.get("MAIL_USERNAME") and not (
            config.get("MAIL_USE_TLS") or config.get("MAIL_USE_SSL")
        ):
            yield Finding(
                PROBLEM,
                "MAIL_USERNAME is set but neither MAIL_USE_TLS nor MAIL_USE_SSL: the SMTP "
                "password would travel in clear.",
            )
        server = f"{config.get('MAIL_SERVER')}:{config.get('MAIL_PORT')}"
        try:
            SMTPBackend(config).check()
        except Exception as error:
            yield Finding(
                PROBLEM, f"The SMTP server {server} does not accept us: {_first_line(error)}"
            )
        else:
            yield Finding(OK, f"The SMTP server {server} accepts a connection.")
    sender = str(config.get("MAIL_DEFAULT_SENDER") or "")
    if not sender or sender.rstrip(">").endswith("@localhost"):
        yield Finding(
            PROBLEM,
            f"MAIL_DEFAULT_SENDER is {sender or 'empty'}: set the From address, like "
            "Helpsquare <no-reply@your.site>.",
        )
    if config.get("MAIL_SEND") == "inline":
        yield Finding(
            NOTE,
            "MAIL_SEND is inline: e-mail goes out from the web workers after each request. "
            "MAIL_SEND=worker with `flask mail send --loop` keeps SMTP out of the web tier.",
        )


def _writable(folder: Path) -> str | None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as error:
        return _first_line(error)
    return None


def check_folders(config: dict[str, Any]) -> Iterator[Finding]:
    """Where the app writes: the instance folder (SQLite, instance/config.py, mail files);
    the file backend's folder; the metrics folder. Helpsquare keeps no uploaded files."""
    folders = {"The instance folder": Path(current_app.instance_path)}
    if config.get("MAIL_BACKEND") == "file":
        folders["MAIL_FILE_DIR"] = Path(
            config.get("MAIL_FILE_DIR") or Path(current_app.instance_path, "mail")
        )
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        folders["PROMETHEUS_MULTIPROC_DIR"] = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    for name, folder in folders.items():
        failed = _writable(folder)
        if failed:
            yield Finding(PROBLEM, f"{name} ({folder}) cannot be written to: {failed}")
        else:
            yield Finding(OK, f"{name} ({folder}) is writable.")


def check_operations(config: dict[str, Any]) -> Iterator[Finding]:
    if not config.get("METRICS_TOKEN"):
        yield Finding(
            NOTE,
            "METRICS_TOKEN is not set: only a scraper on this machine (loopback, no proxy) "
            "can read /metrics.",
        )
    if config.get("LOG_FORMAT") != "json":
        yield Finding(NOTE, "LOG_FORMAT is text; LOG_FORMAT=json writes one JSON line per request.")


CHECKS: list[Check] = [
    check_secret_and_cookies,
    check_hosts_and_proxies,
    check_database,
    check_redis,
    check_mail,
    check_folders,
    check_operations,
]


def diagnose(config: dict[str, Any]) -> list[Finding]:
    return [finding for check in CHECKS for finding in check(config)]


@click.command("doctor")
def doctor_command() -> None:
    """Check this configuration for production and say what is wrong (exit code 1 if any)."""
    findings = diagnose(current_app.config)
    labels = {PROBLEM: "PROBLEM", NOTE: "note   ", OK: "ok     "}
    for finding in findings:
        click.echo(f"{labels[finding.level]}  {finding.text}")
    problems = sum(finding.level == PROBLEM for finding in findings)
    if problems:
        click.echo(f"\n{problems} problem{'' if problems == 1 else 's'} to fix before production.")
        raise SystemExit(1)
    click.echo("\nNo problems found.")
