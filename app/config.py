"""Settings in layers: class defaults → instance/config.py → environment → test_config."""

from __future__ import annotations

import os
from typing import Any

DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production below

# Environment variables read as-is (strings) or converted by the function given.
_ENV_SETTINGS: dict[str, Any] = {
    "SECRET_KEY": str,
    "SQLALCHEMY_DATABASE_URI": str,
    "RATELIMIT_STORAGE_URI": str,
    "RATELIMIT_KEY_PREFIX": str,
    "RATELIMIT_ENABLED": lambda v: v.strip().lower() not in {"0", "false", "no", "off"},
    "SESSION_COOKIE_SECURE": lambda v: v.strip().lower() in {"1", "true", "yes", "on"},
    "TRUSTED_HOSTS": lambda v: [h.strip() for h in v.split(",") if h.strip()],
    "SERVER_NAME": str,
    "PREFERRED_URL_SCHEME": str,
    "MAX_CONTENT_LENGTH": int,
    # How many reverse proxies in front of the app add to X-Forwarded-For (app/__init__.py).
    "TRUSTED_PROXY_COUNT": int,
    # E-mail (app/mail): which backend delivers, and when.
    "MAIL_BACKEND": lambda v: v.strip().lower(),
    "MAIL_SEND": lambda v: v.strip().lower(),
    "MAIL_DEFAULT_SENDER": str,
    # Where people write to the people who run the site (the Contact and Accessibility pages).
    "CONTACT_EMAIL": str,
    "MAIL_FILE_DIR": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_TLS": lambda v: v.strip().lower() in {"1", "true", "yes", "on"},
    "MAIL_USE_SSL": lambda v: v.strip().lower() in {"1", "true", "yes", "on"},
    "MAIL_TIMEOUT": float,
    # Compression (app/__init__.py): true when the reverse proxy compresses responses itself.
    "PROXY_COMPRESSES": lambda v: v.strip().lower() in {"1", "true", "yes", "on"},
    # Issue 15: http://127.0.0.1:<port> and http://localhost:<port> as widget origins (tests).
    "WIDGET_ALLOW_LOCAL": lambda v: v.strip().lower() in {"1", "true", "yes", "on"},
    "SSO_LIMITS_PER_ADDRESS": str,
    "EXPORT_LIMITS_PER_COMPANY": str,
    # The anonymous page cache (app/page_cache.py).
    "CACHE_TYPE": str,
    "CACHE_REDIS_URL": str,
    "CACHE_THRESHOLD": int,
    "PAGE_CACHE_SECONDS": int,
    # Verified e-mail before writing (app.accounts.verification): "required" or "off".
    "EMAIL_VERIFICATION": lambda v: v.strip().lower(),
    # Limits on writing (app/limits.py) and on notification e-mails.
    "QUESTION_LIMITS": str,
    "ANSWER_LIMITS": str,
    "FIRST_DAY_QUESTION_LIMITS": str,
    "FIRST_DAY_ANSWER_LIMITS": str,
    "COMMENT_LIMITS": str,
    "FIRST_DAY_COMMENT_LIMITS": str,
    "PREVIEW_LIMITS": str,
    "COMPANY_SUGGEST_LIMITS": str,
    "FIRST_DAY_LINKS_PER_POST": int,
    "FIRST_DAY_ENDS_AT_REPUTATION": int,
    "REPEATED_TEXT_MINUTES": int,
    "FLAG_LIMITS": str,
    # Images (app/uploads): per account; where they are stored.
    "UPLOAD_LIMITS": str,
    "UPLOAD_REQUEST_MAX": int,
    "UPLOADS_BACKEND": lambda v: v.strip().lower(),
    "UPLOADS_DIR": str,
    "UPLOADS_S3_BUCKET": str,
    "UPLOADS_S3_ENDPOINT_URL": str,
    "UPLOADS_S3_REGION": str,
    "NOTIFICATION_EMAILS_PER_HOUR": int,
    # Webhooks and claim proofs (app/webhooks, app/outgoing.py).
    "WEBHOOKS_SEND": lambda v: v.strip().lower(),
    "WEBHOOKS_ALLOW_PRIVATE": lambda v: v.strip().lower() in {"1", "true", "yes", "on"},
    "DNS_NAMESERVER": str,
    "DNS_PORT": int,
    "CLAIM_PROOF_URL": str,
    # Running it (app/ops.py): "json" logs one JSON line per request; the bearer token that
    # lets a scraper off the loopback interface read /metrics.
    "LOG_FORMAT": lambda v: v.strip().lower(),
    "METRICS_TOKEN": str,
}

EMAIL_VERIFICATION_MODES = ("required", "off")


class DefaultConfig:
    SECRET_KEY = DEFAULT_SECRET_KEY
    # Relative SQLite paths are resolved inside the instance folder by Flask-SQLAlchemy.
    SQLALCHEMY_DATABASE_URI = "sqlite:///helpsquare.db"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MiB is far above the largest form (a 20,000 char body)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead: a long answer draft stays postable
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # "N per minute" means any minute, as app/limits.py counts writing: a fixed window let
    # 2N through across a window's edge (and made a limit's test pass N + 1 requests there).
    RATELIMIT_STRATEGY = "moving-window"
    # Issue 15: SSO sign-ins per network address (a link is cheap to forge, a signature
    # check and a write each), and exports per company (each reads the whole company).
    SSO_LIMITS_PER_ADDRESS = "30 per minute; 300 per hour"
    EXPORT_LIMITS_PER_COMPANY = "10 per hour"
    # Issue 15: http loopback origins may frame the widget (the browser tests' "company
    # site"); never in production.
    WIDGET_ALLOW_LOCAL = False
    # Failed sign-ins (app/accounts/sign_in.py): per network address across accounts, per
    # account across addresses, and per account from one address (or one browser that has
    # signed in to it before). Successful sign-ins never count.
    SIGNIN_LIMITS_PER_ADDRESS = "6 per minute; 30 per hour"
    SIGNIN_LIMITS_PER_ACCOUNT = "10 per hour"
    SIGNIN_LIMITS_PER_ACCOUNT_AND_ADDRESS = "6 per minute; 10 per hour"
    # Compression (flask-compress): Brotli or gzip, as the client prefers, for text over
    # 500 bytes (smaller gains little). Off when the reverse proxy compresses instead
    # (PROXY_COMPRESSES=true): compressing twice only costs CPU.
    PROXY_COMPRESSES = False
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 500
    COMPRESS_STREAMS = False  # no response streams; files are read whole first
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/plain",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/xml",
        "application/atom+xml",
        "image/svg+xml",
    ]
    # Reverse proxies in front of the app: 0 trusts no X-Forwarded-* header at all (the
    # client is whoever connected); n trusts the last n hops of X-Forwarded-For and
    # X-Forwarded-Proto, each added by one proxy of ours.
    TRUSTED_PROXY_COUNT = 0
    SIGNUP_LIMITS_PER_ADDRESS = "10 per hour"
    # "Forgot your password?": per network address, and per e-mail address typed (so
    # nobody can flood one inbox with reset links from many addresses).
    PASSWORD_RESET_LIMITS_PER_ADDRESS = "5 per hour"  # noqa: S105 - a rate, not a password
    PASSWORD_RESET_LIMITS_PER_EMAIL = "3 per hour"  # noqa: S105 - a rate, not a password
    # Limits on writing (app/limits.py), per account and per network address, in the
    # notation of the `limits` library ("5 per hour; 30 per day" holds both).
    QUESTION_LIMITS = "5 per hour"
    ANSWER_LIMITS = "20 per hour"
    # Per account, while it is less than a day old: 3 (or 10) in all in its first day.
    FIRST_DAY_QUESTION_LIMITS = "3 per day"
    FIRST_DAY_ANSWER_LIMITS = "10 per day"
    FIRST_DAY_LINKS_PER_POST = 2
    # Comments (app/comments): short clarifications, so more of them than answers.
    COMMENT_LIMITS = "30 per hour"
    FIRST_DAY_COMMENT_LIMITS = "10 per day"
    # Markdown previews (app/comments/preview.py) per account: typing, not posting.
    PREVIEW_LIMITS = "60 per minute; 600 per hour"
    # The ask page's company type-ahead (/companies/suggest) per network address: typing.
    COMPANY_SUGGEST_LIMITS = "120 per minute"
    # An account with this many reputation points leaves the first-day limits at once
    # (product.md, "Reputation": points decide how soon an account leaves them).
    FIRST_DAY_ENDS_AT_REPUTATION = 50
    # The same text from the same author again within this many minutes is refused.
    REPEATED_TEXT_MINUTES = 10
    # Flags (app/moderation/flags.py): posts one account may flag.
    FLAG_LIMITS = "20 per hour"
    # Images (app/uploads): how many one account may add, in posts and logos together.
    UPLOAD_LIMITS = "40 per hour"
    # "local": files under UPLOADS_DIR (instance/uploads when empty); "s3": a bucket of any
    # S3-compatible store (UPLOADS_S3_BUCKET, UPLOADS_S3_ENDPOINT_URL, UPLOADS_S3_REGION).
    UPLOADS_BACKEND = "local"
    UPLOADS_DIR = ""
    # A form with images may be this large (two fields of four 5 MB images, and the text);
    # every other request keeps MAX_CONTENT_LENGTH.
    UPLOAD_REQUEST_MAX = 41 * 1024 * 1024
    # Notification e-mails sent right away, per person in any hour; the rest wait for
    # one summary (app/notifications/mailer.py).
    NOTIFICATION_EMAILS_PER_HOUR = 10
    PAGE_SIZE = 20
    # Question pages as anonymous visitors see them, kept this long (app/page_cache.py):
    # per process by default; RedisCache with CACHE_REDIS_URL shares them between workers.
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 60
    CACHE_KEY_PREFIX = "helpsquare:"
    # SimpleCache's most items (Flask-Caching's default is 500): a question page keeps two
    # pieces per answer card (app/answers/cards.py), and past the limit SimpleCache sorts all
    # it holds on every write. Some 3 KB each: about 30 MB per process at most.
    CACHE_THRESHOLD = 10_000
    PAGE_CACHE_SECONDS = 60
    # The interface's languages (app/i18n.py): the first is the default; catalogues live in
    # app/translations and are compiled by `make install` (pybabel compile).
    LANGUAGES = ("en", "da")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # Static URLs carry a content hash (templating.static_url), so they may be cached long.
    SEND_FILE_MAX_AGE_DEFAULT = 31536000
    HSTS = False
    APP_ENV = "development"
    # E-mail. console: written to the log (the terminal of `make run`); file: one .eml
    # file per message in MAIL_FILE_DIR (default instance/mail); smtp: MAIL_SERVER.
    MAIL_BACKEND = "console"
    # inline: delivered right after the request that wrote it; worker: only by
    # `flask mail send --loop` running as its own process.
    MAIL_SEND = "inline"
    MAIL_DEFAULT_SENDER = "Helpsquare <no-reply@localhost>"
    CONTACT_EMAIL = "help@localhost"
    MAIL_FILE_DIR = ""
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = False  # STARTTLS after connecting (usually port 587)
    MAIL_USE_SSL = False  # TLS from the first byte (usually port 465)
    MAIL_TIMEOUT = 10.0  # seconds for each SMTP connect, command and reply
    # required: a new account writes nothing others see until it follows the link e-mailed
    # at sign-up; off: it writes at once (the link still goes out, and notification e-mails
    # still wait for it).
    EMAIL_VERIFICATION = "required"
    # Webhooks: inline (sent right after the request that caused them) or worker (only by
    # `flask webhooks send --loop`). ALLOW_PRIVATE lets webhooks and claim proofs reach
    # loopback and private addresses, and http:// (tests only).
    WEBHOOKS_SEND = "inline"
    WEBHOOKS_ALLOW_PRIVATE = False
    # The DNS server for claim proofs and outgoing requests (an IP address; tests run their
    # own); empty: the system's resolver.
    DNS_NAMESERVER = ""
    DNS_PORT = 53
    # Where a claimant may publish the proof file ({domain}: the company's domain).
    CLAIM_PROOF_URL = "https://{domain}/.well-known/helpsquare-verify.txt"
    # text: Flask's usual log lines; json: one JSON object per line, with one line per
    # request (time, request id, method, URL rule, status, duration, user id).
    LOG_FORMAT = "text"
    # /metrics answers the loopback interface, or a request with this bearer token.
    METRICS_TOKEN = ""


class ProductionConfig:
    """What changes when APP_ENV (or FLASK_ENV) is ``production``; the environment still wins."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    PREFERRED_URL_SCHEME = "https"


def database_url_from_env(url: str) -> str:
    """Accept the usual ``postgresql://`` form and use the psycopg 3 driver for it."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def settings_from_env(environ: dict[str, str] | os._Environ[str]) -> dict[str, Any]:
    """The settings the environment gives, converted to their types."""
    settings: dict[str, Any] = {}
    for name, convert in _ENV_SETTINGS.items():
        if name in environ:
            settings[name] = convert(environ[name])
    if environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = database_url_from_env(environ["DATABASE_URL"])
    env = environ.get("APP_ENV") or environ.get("FLASK_ENV")
    if env:
        settings["APP_ENV"] = env
    return settings


def engine_options(uri: str) -> dict[str, Any]:
    """Connection settings that let the app ride out a database restart."""
    if uri.startswith("postgresql"):
        return {
            "pool_pre_ping": True,
            "connect_args": {
                "connect_timeout": 5,
                "options": "-c statement_timeout=15000",
            },
        }
    return {}


class ConfigError(RuntimeError):
    """The configuration is not safe to run with."""


def check_email_verification(config: dict[str, Any]) -> None:
    """Refuse to start with an EMAIL_VERIFICATION that is neither "required" nor "off"."""
    mode = config.get("EMAIL_VERIFICATION")
    if mode not in EMAIL_VERIFICATION_MODES:
        raise ConfigError(
            f"EMAIL_VERIFICATION must be one of {', '.join(EMAIL_VERIFICATION_MODES)}, "
            f"not {mode!r}."
        )


def check_production(config: dict[str, Any]) -> None:
    """Refuse to start in production with settings that are only fit for a laptop."""
    if config.get("APP_ENV") != "production":
        return
    if not config.get("SECRET_KEY") or config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise ConfigError("SECRET_KEY must be set to a long random value in production.")
    if not config.get("SERVER_NAME") and not config.get("TRUSTED_HOSTS"):
        # E-mailed links (password reset, claims) are built from the request's Host header;
        # unchecked, a forged Host would point them at someone else's site.
        raise ConfigError(
            "Set TRUSTED_HOSTS (or SERVER_NAME) in production: e-mailed links are built "
            "from the request's host."
        )
