"""Running Helpsquare: health and readiness for a load balancer, Prometheus metrics, a request
id on every response, and one JSON log line per request (``LOG_FORMAT=json``).

- ``GET /healthz``: the process answers (nothing else is looked at).
- ``GET /readyz``: the database answers ``SELECT 1`` within ``READY_TIMEOUT`` (1 s), and every
  Redis the configuration names (the limiter's storage, the page cache) answers PING; else
  503, with which one failed (never its address).
- ``GET /metrics``: Prometheus text, to a scraper on the loopback interface that did not
  come through a proxy, or to ``Authorization: Bearer $METRICS_TOKEN`` (compared in
  constant time). Requests by route (the URL rule, never the raw path: no token in a link
  becomes a label) and status, their latency, the connections of the database pool, and
  the backlog of every outbox (``OUTBOXES``: one line per outbox).

None of the three reads the session, sets a cookie, writes to the database or may be cached.

Under gunicorn with several workers, ``PROMETHEUS_MULTIPROC_DIR`` makes every worker write
its counters to files there and ``/metrics`` sums them, whichever worker answers
(gunicorn.conf.py clears the folder at start and marks dead workers).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import os
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, current_app, g, has_request_context, request
from flask import session as flask_session
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from app.db import SQLITE_BEGIN_OPTION, utcnow
from app.extensions import db

log = logging.getLogger(__name__)
request_log = logging.getLogger("app.requests")

bp = Blueprint("ops", __name__)

READY_TIMEOUT = 1.0  # seconds the database (and each Redis) has to answer /readyz
NO_STORE = "no-store"

# --------------------------------------------------------------------------- request id

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's id may look like (nginx's $request_id is 32 hex digits; others use UUIDs
# or dotted/colon-separated forms): anything else is replaced, never logged or echoed.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id() -> str:
    """This request's id: the one our proxy set (``X-Request-ID``, when TRUSTED_PROXY_COUNT
    says a proxy of ours stands in front, and it looks like an id), else a fresh one.
    Returned in the response's ``X-Request-ID``, logged, and shown on error pages."""
    state = g._get_current_object()  # type: ignore[attr-defined]
    found = getattr(state, "request_id", None)
    if found is None:
        given = (
            request.headers.get(REQUEST_ID_HEADER, "")
            if current_app.config["TRUSTED_PROXY_COUNT"]
            else ""
        )
        found = state.request_id = (
            given if _SAFE_REQUEST_ID.fullmatch(given) else secrets.token_hex(16)
        )
    return found


# --------------------------------------------------------------------------- metrics

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"  # the route label of a request no URL rule matched (a 404, a 405)

REQUESTS = Counter(
    "helpsquare_http_requests",
    "HTTP requests answered, by method, URL rule and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "helpsquare_http_request_duration_seconds",
    "Time from the first request hook to the response, by method, URL rule and status.",
    ["method", "route", "status"],
    buckets=(0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
# Summed over the live workers (a dead worker's connections are gone).
DB_CONNECTIONS_IN_USE = Gauge(
    "helpsquare_db_pool_connections_in_use",
    "Database connections checked out of the pools.",
    multiprocess_mode="livesum",
)
DB_CONNECTIONS_OPEN = Gauge(
    "helpsquare_db_pool_connections_open",
    "Database connections the pools hold open (in use or idle).",
    multiprocess_mode="livesum",
)


def _watch_pool(engine: sa.Engine) -> None:
    sa.event.listen(engine, "connect", lambda *_: DB_CONNECTIONS_OPEN.inc())
    sa.event.listen(engine, "close", lambda *_: DB_CONNECTIONS_OPEN.dec())
    sa.event.listen(engine, "checkout", lambda *_: DB_CONNECTIONS_IN_USE.inc())
    sa.event.listen(engine, "checkin", lambda *_: DB_CONNECTIONS_IN_USE.dec())


@dataclass(frozen=True)
class Outbox:
    """Work written in a transaction for a sender to do later: how much waits, how old the
    oldest is. ``waiting`` returns the conditions of what its sender still has to do."""

    name: str
    queued_at: Any  # the column saying when an item was queued
    waiting: Callable[[], list[Any]]


def outboxes() -> list[Outbox]:
    """Every outbox whose backlog /metrics reports. A new one is one line here."""
    from app.mail.models import OutboxMessage
    from app.notifications import mailer
    from app.notifications.models import EmailChoice, Notification
    from app.webhooks.models import DeliveryState, WebhookDelivery

    return [
        # Not sent yet: due, waiting for a retry, or given up (`flask mail retry`).
        Outbox("mail", OutboxMessage.created_at, lambda: [OutboxMessage.sent_at.is_(None)]),
        # Wanted right away and still to be e-mailed by `flask notifications send` (what it
        # takes; those over the hourly cap wait here for their summary).
        Outbox(
            "notifications",
            Notification.created_at,
            lambda: [*mailer.email_due(), Notification.email == EmailChoice.IMMEDIATE],
        ),
        # Webhook deliveries still to go out: due, or waiting for a retry.
        Outbox(
            "webhooks",
            WebhookDelivery.created_at,
            lambda: [WebhookDelivery.state == DeliveryState.PENDING],
        ),
    ]


class _OutboxCollector:
    """Read at each scrape from the database, which every worker shares: never summed."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        backlog = GaugeMetricFamily(
            "helpsquare_outbox_backlog", "Items waiting in an outbox.", labels=["outbox"]
        )
        oldest = GaugeMetricFamily(
            "helpsquare_outbox_oldest_age_seconds",
            "Age of the oldest item waiting in an outbox (0 when none waits).",
            labels=["outbox"],
        )
        now = utcnow()
        try:
            for outbox in outboxes():
                count, first = db.session.execute(
                    sa.select(sa.func.count(), sa.func.min(outbox.queued_at)).where(
                        *outbox.waiting()
                    )
                ).one()
                if isinstance(first, str):  # SQLite's min() of a timestamp column
                    first = datetime.fromisoformat(first)
                if first is not None and first.tzinfo is None:
                    first = first.replace(tzinfo=UTC)
                backlog.add_metric([outbox.name], count)
                oldest.add_metric([outbox.name], (now - first).total_seconds() if first else 0)
        except Exception:
            log.exception("the outbox backlog could not be read for /metrics")
            db.session.rollback()
            return
        finally:
            db.session.rollback()  # end the read transaction: a GET writes nothing
        yield backlog
        yield oldest


def _multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def metrics_text() -> bytes:
    """This process's metrics (or every worker's, summed, in multiprocess mode), then the
    outboxes' backlog read now."""
    folder = _multiprocess_dir()
    if folder:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=folder)
        counted = generate_latest(registry)
    else:
        counted = generate_latest(REGISTRY)
    live = CollectorRegistry()
    live.register(_OutboxCollector())
    return counted + generate_latest(live)


def _from_loopback_directly() -> bool:
    """A scraper on this machine that came through no proxy (a proxy on the same machine
    forwards everyone's requests from 127.0.0.1, but adds X-Forwarded-For)."""
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def _bearer_matches() -> bool:
    expected = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    if not expected or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given[len("Bearer ") :].encode(), expected.encode())


# --------------------------------------------------------------------------- the routes


def _plain(text: str, status: int = 200, **headers: str) -> Response:
    response = Response(text, status, mimetype="text/plain")
    response.headers.update(headers)
    return response


@bp.get("/healthz")
def healthz() -> Response:
    return _plain("ok\n")


@bp.get("/metrics")
def metrics() -> Response:
    if not (_from_loopback_directly() or _bearer_matches()):
        return _plain(
            "Metrics are served to the loopback interface or with the METRICS_TOKEN bearer.\n",
            401,
            **{"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    return Response(metrics_text(), 200, content_type=CONTENT_TYPE_LATEST)


def _within(seconds: float, probe: Callable[[], None]) -> str:
    """ "ok" when ``probe`` returns within ``seconds``; else "timeout" or "unreachable". The
    probe runs in a thread of its own, so a database that hangs cannot hold the answer (the
    thread ends with the driver's own timeouts: connect_timeout, statement_timeout)."""
    outcome: dict[str, BaseException | None] = {}

    def run() -> None:
        try:
            probe()
            outcome["error"] = None
        except BaseException as error:  # noqa: BLE001 - reported, never raised
            outcome["error"] = error

    thread = threading.Thread(target=run, name="readyz-probe", daemon=True)
    thread.start()
    thread.join(seconds)
    if "error" not in outcome:
        return "timeout"
    if outcome["error"] is not None:
        log.warning("readiness probe failed: %s", outcome["error"])
        return "unreachable"
    return "ok"


def _redis_urls(config: dict[str, Any]) -> dict[str, str]:
    urls = {}
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith(("redis://", "rediss://")):
        urls["rate_limits"] = config["RATELIMIT_STORAGE_URI"]
    if str(config.get("CACHE_TYPE", "")).lower().endswith("rediscache"):
        urls["page_cache"] = config.get("CACHE_REDIS_URL") or "redis://localhost:6379/0"
    return urls


def _redis_client(url: str) -> Any:
    import redis

    clients = current_app.extensions.setdefault("ops_redis", {})
    if url not in clients:
        clients[url] = redis.Redis.from_url(
            url, socket_timeout=READY_TIMEOUT, socket_connect_timeout=READY_TIMEOUT
        )
    return clients[url]


def database_probe(engine: sa.Engine) -> Callable[[], None]:
    def probe() -> None:
        # DEFERRED on SQLite: a probe must never take the write lock (app.db).
        with engine.connect().execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"}) as c:
            c.exec_driver_sql("SELECT 1")

    return probe


@bp.get("/readyz")
def readyz() -> Response:
    checks = {"database": _within(READY_TIMEOUT, database_probe(db.engine))}
    for name, url in _redis_urls(current_app.config).items():
        checks[name] = _within(READY_TIMEOUT, _redis_client(url).ping)
    ready = all(state == "ok" for state in checks.values())
    body = json.dumps({"status": "ready" if ready else "unavailable", "checks": checks})
    return Response(body + "\n", 200 if ready else 503, mimetype="application/json")


@bp.after_request
def _never_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = NO_STORE
    return response


# --------------------------------------------------------------------------- every request


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _signed_in_id() -> int | str | None:
    """Who made the request, as far as the request itself found out (Flask-Login's user, the
    API's token), else the id the signed session cookie names. Never marks the session as
    read (that would add ``Vary: Cookie``) and never runs a query."""
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return user.id
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user.id
    value = dict.get(flask_session._get_current_object(), "_user_id")  # type: ignore[attr-defined]
    return int(value) if isinstance(value, str) and value.isdigit() else value


# (method, route, status) → its request counter and latency histogram, found once per
# process: ``labels()`` takes a lock and checks the values on every call.
_SERIES: dict[tuple[str, str, str], tuple[Any, Any]] = {}


def _series(method: str, route: str, status: str) -> tuple[Any, Any]:
    key = (method, route, status)
    found = _SERIES.get(key)
    if found is None:
        found = _SERIES[key] = (REQUESTS.labels(*key), LATENCY.labels(*key))
    return found


def _finish(response: Response) -> Response:
    """The request id on the response; the request counted and timed; its log line."""
    req = request._get_current_object()  # type: ignore[attr-defined]
    state = g._get_current_object()  # type: ignore[attr-defined]
    started = getattr(state, "request_started", None)
    duration = time.perf_counter() - started if started is not None else 0.0
    rid = request_id()
    response.headers[REQUEST_ID_HEADER] = rid
    method = req.method if req.method in _METHODS else "OTHER"
    rule = req.url_rule
    route = rule.rule if rule is not None else UNMATCHED
    counter, histogram = _series(method, route, str(response.status_code))
    counter.inc()
    histogram.observe(duration)
    if current_app.config["LOG_FORMAT"] == "json":
        request_log.info(
            "request",
            extra={
                "request_fields": {
                    "request_id": rid,
                    "method": method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 2),
                    "user_id": _signed_in_id(),
                }
            },
        )
    return response


# --------------------------------------------------------------------------- JSON logs


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, then a request's fields (the request
    line) or the message (anything else, with the request id when inside a request)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "request_fields", None)
        if fields is not None:
            entry.update(fields)
        else:
            entry["message"] = record.getMessage()
            if has_request_context():
                entry["request_id"] = request_id()
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (gunicorn's, or a test's capture)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


JSON_HANDLER = _StderrHandler()


def _log_json(app: Flask) -> None:
    """Every ``app.*`` logger (requests, mail, errors) writes JSON lines to stderr."""
    logger = logging.getLogger("app")
    if JSON_HANDLER not in logger.handlers:
        logger.addHandler(JSON_HANDLER)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)


def init_app(app: Flask) -> None:
    log_format = app.config["LOG_FORMAT"]
    if log_format not in ("text", "json"):
        from app.config import ConfigError

        raise ConfigError(f"LOG_FORMAT must be text or json, not {log_format!r}.")
    if log_format == "json":
        _log_json(app)
    # First of the request hooks, so the time covers the others.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_timer)
    # After-request hooks run last-registered first: this one runs last, on the final response.
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)
    app.register_blueprint(bp)
    with app.app_context():
        _watch_pool(db.engine)
    app.jinja_env.globals["request_id"] = request_id
