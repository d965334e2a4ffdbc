#!/usr/bin/env python
"""Benchmark Helpsquare's key pages at 10k and 100k questions, on SQLite and PostgreSQL.

    .venv/bin/python bench/run.py --db sqlite --db postgresql

For every database and size it loads a forum with ``flask seed-bench`` (or reuses one
loaded with the same parameters, ``--reuse``), then:

1. in-process: each key page is requested through the whole WSGI stack (no network);
   the median and p95 wall time and CPU time per request are measured around the app,
   and every SQL statement is counted through an engine event (writes separately:
   a GET never writes);
2. at the largest size: cProfile excerpts for the question and search pages and for
   every page that misses a target, and the query plans of the search, list and
   question-page statements (``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL, ``EXPLAIN
   QUERY PLAN`` on SQLite);
3. at the largest size: gunicorn (2 sync workers) on loopback under wrk, for the key
   pages and for a minimal Flask page served the same way; requests per second, their
   ratio, and the workers' CPU time per request (from /proc), plus PostgreSQL's own.

It prints the tables and rewrites the measured part of ``bench/RESULTS.md`` (between
the ``bench:begin`` and ``bench:end`` markers; the hand-written analysis around them
stays).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import hashlib
import io
import json
import os
import pickle
import platform
import pstats
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "RESULTS.md"
VENV_BIN = Path(sys.executable).parent
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/hs_bench"

# What people search for, in the generated forum's words (plain words, phrases, exclusions).
SEARCHES = [
    "sync", "battery drains", "export csv", '"two-factor codes"', "bluetooth pairing",
    "refund", "crash -windows", "router disconnecting", "error 502", "dark mode",
    "brakes", "apple pay", "firmware update", "heart rate", "esim", "logs me out",
    "notifications not working", "reset pin", "seat selection", "shared folders",
]  # fmt: skip
# Titles typed on the ask page ("search before you ask").
SIMILAR_TITLES = [
    "Drive stops syncing after the update", "Battery drains fast on Android",
    "How do I export card payments?", "Bluetooth pairing fails with my earbuds",
    "Router keeps disconnecting every evening", "Error 502 when I try to upload files",
    "Please add dark mode to the app", "Heart rate is wrong during workouts",
    "Refund for a cancelled booking", "Smart bulb will not pair with the hub",
]  # fmt: skip

TARGET_MEDIAN_MS = 8.0
TARGET_P95_MS = 20.0
TARGET_SEARCH_P95_MS = 50.0
TARGET_STATEMENTS = 6
TARGET_QUESTION_CPU_MS = 4.0
TARGET_LIST_CPU_MS = 3.0
TARGET_RPS_SHARE = 0.15
# "Page 500 no slower than page 1 beyond noise": within 20% or 0.5 ms of page 1's median.
NOISE_SHARE, NOISE_MS = 0.20, 0.5

PAGE_LABELS = {
    "home": "home",
    "company": "company",
    "product": "product",
    "question": "question, 50 answers",
    "question_signed_in": "question, 50 answers, signed in",
    "question_uncached": "question, 50 answers, page cache bypassed",
    "question_staff": "question, 50 answers, a site admin",
    "search": "search",
    "similar": "similar questions",
    "ask": "asking a question (POST)",
    "answer": "answering a question (POST)",
    "ask_inline": "asking, MAIL_SEND=inline",
    "answer_inline": "answering, MAIL_SEND=inline",
    "list_1": "list, page 1",
    "list_500": "list, page 500",
    "leaderboard": "leaderboard, site-wide",
    "company_leaderboard": "leaderboard, a company",
}
WRK_PAGES = ["question", "question_uncached", "search", "list_1", "company", "product"]
SEARCH_PAGES = {"search", "similar"}
CPU_TARGETS = {
    "question": TARGET_QUESTION_CPU_MS,
    "question_uncached": TARGET_QUESTION_CPU_MS,
    "list_1": TARGET_LIST_CPU_MS,
    "company": TARGET_LIST_CPU_MS,
    "product": TARGET_LIST_CPU_MS,
}


# --------------------------------------------------------------------------- data


@dataclass
class Dataset:
    db: str
    questions: int
    answers_per_question: float
    companies: int
    seed: int
    url: str
    load_seconds: float | None = None
    load_log: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.db}-{short(self.questions)}"

    @property
    def stamp(self) -> Path:
        return DATA / f"{self.name}.json"

    def params(self) -> dict[str, Any]:
        return {
            "questions": self.questions,
            "answers_per_question": self.answers_per_question,
            "companies": self.companies,
            "seed": self.seed,
            "url": self.url,
            "schema": schema_fingerprint(),
        }


def schema_fingerprint() -> str:
    """What a loaded forum depends on besides its parameters: migrations, generator, and the
    code that writes the search index (not the code that reads it: a change to how search
    queries or renders keeps the forum)."""
    digest = hashlib.sha256()
    files = sorted((ROOT / "migrations" / "versions").glob("*.py"))
    writers = ("index.py", "backends.py", "text.py", "models.py", "terms.py")
    files += [ROOT / "app" / "bench_data.py", *(ROOT / "app" / "search" / name for name in writers)]
    for path in files:
        if path.exists():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def short(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def database_url(db: str, questions: int, pg_base: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{DATA / f'bench-{short(questions)}.db'}"
    from app.config import database_url_from_env

    url = sa.engine.make_url(database_url_from_env(pg_base))
    name = f"{url.database}_{short(questions).lower()}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.exec_driver_sql(
            "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": name}
        ).first()
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def ensure_loaded(dataset: Dataset, reuse: bool, index_workers: int = 1) -> None:
    """Load the forum with ``flask seed-bench`` unless an identical one is there already."""
    if reuse and dataset.stamp.exists():
        stamp = json.loads(dataset.stamp.read_text())
        if stamp.get("params") == dataset.params() and _has_questions(dataset.url):
            dataset.load_seconds = stamp.get("load_seconds")
            dataset.load_log = stamp.get("load_log", [])
            print(f"[{dataset.name}] reusing the forum loaded earlier")
            return
    command = [
        str(VENV_BIN / "flask"), "--app", "wsgi", "seed-bench",
        "--companies", str(dataset.companies), "--questions", str(dataset.questions),
        "--answers-per-question", str(dataset.answers_per_question),
        "--seed", str(dataset.seed), "--database-url", dataset.url, "--reset", "--quiet",
        "--index-workers", str(index_workers),
    ]  # fmt: skip
    print(f"[{dataset.name}] loading: {' '.join(command[3:])}")
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own command line, no shell
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None  # noqa: S101 - piped above
    for line in process.stdout:
        if "alembic" in line:
            continue
        print(f"  {line.rstrip()}")
        dataset.load_log.append(line.rstrip())
    if process.wait() != 0:
        raise SystemExit(f"seed-bench failed for {dataset.name}")
    dataset.load_seconds = time.perf_counter() - started
    dataset.stamp.write_text(
        json.dumps(
            {
                "params": dataset.params(),
                "load_seconds": dataset.load_seconds,
                "load_log": dataset.load_log,
            },
            indent=2,
        )
    )


def _has_questions(url: str) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("questions"):
                return False
            return bool(connection.exec_driver_sql("SELECT count(*) FROM questions").scalar())
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- in-process

LOAD_AVERAGES: list[float] = []


def sample_load() -> float:
    """The 1-minute load average now (this machine is shared: it says how much)."""
    try:
        value = float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError):
        return 0.0
    LOAD_AVERAGES.append(value)
    return value


class Meter:
    """Wraps the app's WSGI callable: wall and CPU time of each request, body included."""

    def __init__(self, app: Any) -> None:
        self.inner = app.wsgi_app
        app.wsgi_app = self
        self.wall = 0.0
        self.cpu = 0.0

    def __call__(self, environ: dict, start_response: Any) -> list[bytes]:
        wall, cpu = time.perf_counter(), time.process_time()
        result = self.inner(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        self.wall = time.perf_counter() - wall
        self.cpu = time.process_time() - cpu
        return [body]


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|CREATE|DROP|ALTER|TRUNCATE)\b", re.I)
TRANSACTION = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.I)


class Statements:
    """Every statement the app sends, and how long its execute took (engine events).

    The time runs from ``before_cursor_execute`` to ``after_cursor_execute``: on
    PostgreSQL that includes receiving the rows; SQLite's driver steps through some
    rows later, while they are fetched, so its figure can be lower than the real work.
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.seen: list[tuple[str, Any, float]] = []
        self._started: list[float] = []
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        self._started.append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        started = self._started.pop() if self._started else time.perf_counter()
        self.seen.append((statement, parameters, time.perf_counter() - started))

    def close(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._before)
        sa.event.remove(self.engine, "after_cursor_execute", self._after)

    def take(self) -> list[tuple[str, Any, float]]:
        seen, self.seen = self.seen, []
        return seen

    @staticmethod
    def counts(seen: list[tuple[str, Any, float]]) -> tuple[int, int, float]:
        """(statements other than transaction control, writes among them, their seconds)."""
        statements = [(s, t) for s, _, t in seen if not TRANSACTION.match(s)]
        writes = sum(1 for s, _ in statements if WRITE.match(s))
        return len(statements), writes, sum(t for _, t in statements)


def statement_label(statement: str) -> str:
    """A short name for a statement: the tables it reads, and whether it is a text search."""
    tables: list[str] = []
    for name in re.findall(r"\b(?:FROM|JOIN)\s+(\w+)", statement, re.I):
        if (
            name.lower() not in {"hits", "websearch_to_tsquery", "to_tsquery"}
            and name not in tables
        ):
            tables.append(name)
    # Tables listed after a comma in FROM (``FROM to_tsquery(…) AS query, search_index d``).
    for name in re.findall(r",\s*(\w+)\s+\w+\s+(?:JOIN|WHERE)", statement, re.I):
        if name not in tables:
            tables.insert(0, name)
    label = ", ".join(tables) or " ".join(statement.split())[:40]
    if re.search(r"\bMATCH\b|@@", statement):
        label += " (full-text)"
    return label


@dataclass
class PageResult:
    page: str
    db: str
    questions: int
    answers: int
    samples: int
    median_ms: float
    p95_ms: float
    cpu_median_ms: float
    sql_median_ms: float
    statements_min: int
    statements_max: int
    writes: int
    sets_cookie: bool
    statuses: list[int]
    # Per statement (by label): median ms, p95 ms, how many times it ran.
    by_statement: dict[str, tuple[float, float, int]] = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


@dataclass
class Targets:
    """Concrete URLs for each key page in one loaded forum."""

    paths: dict[str, list[str]]
    user_id: str
    answers: int
    # Issue 19: a site admin (every moderator tool on every card), for "question_staff".
    admin_id: str = ""

    def session_user(self, page: str) -> str | None:
        """Whom the page is requested as (``_user_id`` of the session), or None: signed out."""
        return {"question_signed_in": self.user_id, "question_staff": self.admin_id}.get(page)


def discover(app: Any) -> Targets:
    from app.extensions import db
    from app.pagination import encode_cursor

    page_size = app.config["PAGE_SIZE"]
    with app.app_context():
        run = db.session.execute
        threads = run(
            sa.text("SELECT id, slug FROM questions WHERE answer_count = 50 ORDER BY id LIMIT 20")
        ).all()
        companies = run(
            sa.text("SELECT slug FROM companies ORDER BY question_count DESC, id LIMIT 5")
        ).scalars()
        products = run(
            sa.text(
                "SELECT c.slug, p.slug FROM products p JOIN companies c ON c.id = p.company_id"
                " ORDER BY p.question_count DESC, p.id LIMIT 5"
            )
        ).all()
        deep = run(
            sa.text(
                "SELECT last_activity_at, id FROM questions"
                " ORDER BY last_activity_at DESC, id DESC LIMIT 1 OFFSET :offset"
            ),
            {"offset": 499 * page_size - 1},
        ).first()
        from app.questions.models import Question

        deep_key = None
        if deep is not None:
            row = db.session.get(Question, deep[1])
            deep_key = encode_cursor(row.last_activity_at, row.id)
        user = run(
            sa.text("SELECT id, session_version FROM users WHERE NOT is_admin ORDER BY id LIMIT 1")
        ).one()
        admin = run(
            sa.text("SELECT id, session_version FROM users WHERE is_admin ORDER BY id LIMIT 1")
        ).first()
        answers = run(sa.text("SELECT count(*) FROM answers")).scalar_one()
        company_slugs = list(companies)
        db.session.remove()
    if not threads:
        raise SystemExit("No question has exactly 50 answers: load with more answers.")
    paths = {
        "home": ["/"],
        "company": [f"/companies/{slug}" for slug in company_slugs],
        "product": [f"/companies/{c}/products/{p}" for c, p in products],
        "question": [f"/questions/{qid}/{slug}" for qid, slug in threads],
        "search": ["/search?" + urlencode({"q": q}) for q in SEARCHES],
        "similar": [
            "/search/similar?"
            + urlencode({"title": t, **({"company": company_slugs[i % 5]} if i % 2 else {})})
            for i, t in enumerate(SIMILAR_TITLES)
        ],
        "list_1": ["/questions"],
        # Issue 16: read from the stored totals, this month and all time.
        "leaderboard": ["/leaderboard", "/leaderboard?period=month"],
        "company_leaderboard": [
            f"/companies/{slug}/leaderboard{period}"
            for slug in company_slugs
            for period in ("", "?period=month")
        ],
    }
    paths["question_signed_in"] = paths["question"]
    if admin is not None:
        paths["question_staff"] = paths["question"]
    # Signed out, as rendered when the anonymous page cache has no copy (a query string
    # bypasses it): what a first reader, or every reader with PAGE_CACHE_SECONDS=0, costs.
    paths["question_uncached"] = [f"{path}?from=bench" for path in paths["question"]]
    if deep_key:
        paths["list_500"] = [f"/questions?cursor={quote(deep_key)}"]
    return Targets(
        paths=paths,
        user_id=f"{user[0]}:{user[1]}",
        answers=answers,
        admin_id=f"{admin[0]}:{admin[1]}" if admin is not None else "",
    )


def bench_app(url: str) -> Any:
    from app import create_app

    # The rate limiter would answer the similar-questions endpoint 429 after 120 requests
    # from one address: the benchmark measures the page, not the limiter.
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})


def measure_in_process(
    dataset: Dataset, requests: int, warmup: int
) -> tuple[list[PageResult], Targets, dict[str, list[tuple[str, Any, float]]]]:
    """Median and p95 per page, statements per request; and one request's statements."""
    from app.extensions import db

    app = bench_app(dataset.url)
    targets = discover(app)
    with app.app_context():
        engine = db.engine
    meter = Meter(app)
    statements = Statements(engine)
    results: list[PageResult] = []
    captured: dict[str, list[tuple[str, Any, float]]] = {}
    for page, paths in targets.paths.items():
        client = app.test_client()
        if targets.session_user(page):
            with client.session_transaction() as session:
                session["_user_id"] = targets.session_user(page)
                session["_fresh"] = True
        for i in range(warmup):
            client.get(paths[i % len(paths)])
        statements.take()
        walls, cpus, sqls, counts, writes, statuses = [], [], [], [], 0, set()
        by_statement: dict[str, list[float]] = {}
        cookie = False
        for i in range(requests):
            response = client.get(paths[i % len(paths)])
            seen = statements.take()
            if i == 0:
                captured[page] = seen
            total, written, sql_seconds = Statements.counts(seen)
            for statement, _params, seconds in seen:
                if not TRANSACTION.match(statement):
                    by_statement.setdefault(statement_label(statement), []).append(seconds * 1000)
            sqls.append(sql_seconds * 1000)
            walls.append(meter.wall * 1000)
            cpus.append(meter.cpu * 1000)
            counts.append(total)
            writes += written
            statuses.add(response.status_code)
            cookie = cookie or "Set-Cookie" in response.headers
        results.append(
            PageResult(
                page=page,
                db=dataset.db,
                questions=dataset.questions,
                answers=targets.answers,
                samples=requests,
                median_ms=statistics.median(walls),
                p95_ms=percentile(walls, 0.95),
                cpu_median_ms=statistics.median(cpus),
                sql_median_ms=statistics.median(sqls),
                statements_min=min(counts),
                statements_max=max(counts),
                writes=writes,
                sets_cookie=cookie and not targets.session_user(page),
                statuses=sorted(statuses),
                by_statement={
                    label: (statistics.median(times), percentile(times, 0.95), len(times))
                    for label, times in by_statement.items()
                },
            )
        )
        r = results[-1]
        sample_load()
        print(
            f"  {PAGE_LABELS[page]:<34} median {r.median_ms:6.2f} ms  p95 {r.p95_ms:6.2f} ms"
            f"  cpu {r.cpu_median_ms:6.2f} ms  sql {r.sql_median_ms:6.2f} ms"
            f" × {r.statements_min}-{r.statements_max}"
            f"  writes {r.writes}  status {r.statuses}"
        )
    statements.close()
    with app.app_context():
        db.engine.dispose()
    return results, targets, captured


# The write path (issue 19): a signed-in person asks (the form's second submit, after the
# similar questions were shown) and answers, through the whole WSGI stack; p95 targets. As
# production runs (MAIL_SEND=worker: what comes after the commit is the workers'), and as
# the embedded default does (inline: the request's teardown does it before the response).
WRITE_TARGETS = {"ask": 30.0, "answer": 15.0, "ask_inline": 30.0, "answer_inline": 15.0}


def measure_writes(dataset: Dataset, requests: int, warmup: int) -> list[PageResult]:
    """Asking and answering, ``requests`` of each, as one verified member, in-process.

    First with the app's defaults (``MAIL_SEND=inline``), so each request's time includes
    what runs after its commit in its teardown (the new question's related questions, the
    answered thread's index entry, the notifications' e-mails and the outbox), then as
    production runs (``MAIL_SEND=worker``: the workers do that). They change the forum: the
    questions and answers stay (a few hundred among 100,000 and 1,000,000; the 50-answer
    threads the pages read are not answered). CSRF is off for this app: the token check is
    not the write path.
    """
    from app import create_app
    from app.extensions import db

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": dataset.url, "RATELIMIT_ENABLED": False,
         "WTF_CSRF_ENABLED": False}
    )  # fmt: skip
    with app.app_context():
        run = db.session.execute
        user = run(
            sa.text(
                "SELECT id, session_version FROM users WHERE NOT is_admin"
                " AND email_verified_at IS NOT NULL ORDER BY id LIMIT 1"
            )
        ).one()
        companies = list(
            run(
                sa.text("SELECT slug FROM companies ORDER BY question_count DESC, id LIMIT 5")
            ).scalars()
        )
        answered = list(
            run(
                sa.text(
                    "SELECT id FROM questions WHERE answer_count BETWEEN 5 AND 20"
                    " AND NOT locked ORDER BY id DESC LIMIT 20"
                )
            ).scalars()
        )
        answers = run(sa.text("SELECT count(*) FROM answers")).scalar_one()
        db.session.remove()
        engine = db.engine
    meter = Meter(app)
    statements = Statements(engine)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user[0]}:{user[1]}"
        session["_fresh"] = True
    stamp = int(time.time())

    def ask(i: int) -> Any:
        title = f"{SIMILAR_TITLES[i % len(SIMILAR_TITLES)]} ({stamp}-{i})"
        return client.post(
            f"/companies/{companies[i % len(companies)]}/ask",
            data={"title": title, "body": f"Since this morning. Case {stamp}-{i}.",
                  "kind": "question", "seen_similar": "1"},
        )  # fmt: skip

    def answer(i: int) -> Any:
        return client.post(
            f"/questions/{answered[i % len(answered)]}/answers",
            data={"body": f"Try signing out and in again, then sync. ({stamp}-{i})"},
        )

    results = []
    plan = [("ask_inline", ask, "inline"), ("answer_inline", answer, "inline"),
            ("ask", ask, "worker"), ("answer", answer, "worker")]  # fmt: skip
    for page, post, mode in plan:
        app.config["MAIL_SEND"] = mode
        for i in range(warmup):
            post(-1 - i)
        statements.take()
        walls, cpus, sqls, counts, statuses = [], [], [], [], set()
        for i in range(requests):
            response = post(i + (requests if mode == "worker" else 0))
            total, _written, sql_seconds = Statements.counts(statements.take())
            walls.append(meter.wall * 1000)
            cpus.append(meter.cpu * 1000)
            sqls.append(sql_seconds * 1000)
            counts.append(total)
            statuses.add(response.status_code)
        results.append(
            PageResult(
                page=page, db=dataset.db, questions=dataset.questions, answers=answers,
                samples=requests, median_ms=statistics.median(walls),
                p95_ms=percentile(walls, 0.95), cpu_median_ms=statistics.median(cpus),
                sql_median_ms=statistics.median(sqls), statements_min=min(counts),
                statements_max=max(counts), writes=0, sets_cookie=False,
                statuses=sorted(statuses),
            )
        )  # fmt: skip
        r = results[-1]
        sample_load()
        print(
            f"  {PAGE_LABELS[page]:<34} median {r.median_ms:6.2f} ms  p95 {r.p95_ms:6.2f} ms"
            f"  cpu {r.cpu_median_ms:6.2f} ms  sql {r.sql_median_ms:6.2f} ms"
            f" × {r.statements_min}-{r.statements_max}  status {r.statuses}"
        )
    statements.close()
    with app.app_context():
        db.engine.dispose()
    return results


def profile_page(dataset: Dataset, targets: Targets, page: str, requests: int) -> str:
    """cProfile of ``requests`` requests of one page: the functions that take the time."""
    app = bench_app(dataset.url)
    client = app.test_client()
    paths = targets.paths[page]
    if targets.session_user(page):
        with client.session_transaction() as session:
            session["_user_id"] = targets.session_user(page)
    for i in range(10):
        client.get(paths[i % len(paths)])
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(requests):
        client.get(paths[i % len(paths)])
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(14)
    by_total = io.StringIO()
    pstats.Stats(profiler, stream=by_total).sort_stats("cumulative").print_stats(
        r"(app/|templates/|jinja2/environment|sqlalchemy/orm/session|markupsafe)", 16
    )
    from app.extensions import db

    with app.app_context():
        db.engine.dispose()
    return (
        "By own time (all code):\n"
        + _tidy(out.getvalue())
        + "\n\nBy cumulative time (the app's code and templates):\n"
        + "\n".join(_tidy(by_total.getvalue()).splitlines()[1:])
    )


def _tidy(text: str) -> str:
    """Shorter paths, no pstats preamble: the excerpt should fit on a page."""
    site = re.escape(str(VENV_BIN.parent)) + r"/lib/python[\d.]+/site-packages/"
    text = re.sub(site, "", text)
    text = text.replace(str(ROOT) + "/", "")
    text = re.sub(r"/usr/lib/python[\d.]+/", "", text)
    lines = [
        line
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith(("Ordered by", "List reduced", "due to"))
    ]
    return "\n".join(line.rstrip() for line in lines)


def explain(dataset: Dataset, captured: dict[str, list[tuple[str, Any, float]]]) -> dict[str, str]:
    """Query plans of the SELECTs one request of each page ran, with its own parameters."""
    pages = ["question_uncached", "list_1", "list_500", "search", "similar", "company"]
    engine = sa.create_engine(dataset.url)
    plans: dict[str, str] = {}
    with engine.connect() as connection:
        for page in pages:
            parts = []
            for statement, parameters, _seconds in captured.get(page, []):
                if TRANSACTION.match(statement) or WRITE.match(statement):
                    continue
                if not re.match(r"^\s*(SELECT|WITH)\b", statement, re.I):
                    continue
                if dataset.db == "postgresql":
                    prefix = "EXPLAIN (ANALYZE, BUFFERS) "
                else:
                    prefix = "EXPLAIN QUERY PLAN "
                rows = connection.exec_driver_sql(prefix + statement, parameters).all()
                if dataset.db == "postgresql":
                    plan = "\n".join(row[0] for row in rows)
                else:
                    plan = "\n".join(f"{'  ' * _depth(rows, row)}{row[-1]}" for row in rows)
                parts.append(f"{_one_line(statement)}\n\n{plan}")
            plans[page] = "\n\n".join(parts)
        connection.rollback()
    engine.dispose()
    return plans


def _depth(rows: list, row: Any) -> int:
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent in parents:
        depth, parent = depth + 1, parents[parent]
    return depth


def _one_line(statement: str, limit: int = 600) -> str:
    text = " ".join(statement.split())
    return "-- " + (text if len(text) <= limit else text[: limit - 1] + "…")


def selectivity(dataset: Dataset) -> list[tuple[str, str, int, int]]:
    """How many questions each benchmark search (and similar-questions title) matches."""
    from app.search import query as search_query

    engine = sa.create_engine(dataset.url)
    rows = []
    with engine.connect() as connection:
        total = connection.exec_driver_sql("SELECT count(*) FROM questions").scalar_one()
        checks = [("search", s, search_query.parse(s)) for s in SEARCHES] + [
            ("similar", t, search_query.title_words(t)) for t in SIMILAR_TITLES
        ]
        for kind, text, parsed in checks:
            if dataset.db == "postgresql":
                if kind == "search":
                    sql, value = "websearch_to_tsquery('english', %(q)s)", parsed.websearch()
                else:
                    sql = "to_tsquery('english', %(q)s)"
                    value = search_query.tsquery_any_word(parsed)
                found = connection.exec_driver_sql(
                    f"SELECT count(*) FROM search_index WHERE document @@ {sql}",  # noqa: S608
                    {"q": value},
                ).scalar_one()
            else:
                value = parsed.fts5() if kind == "search" else search_query.fts5_any_word(parsed)
                found = connection.exec_driver_sql(
                    "SELECT count(*) FROM search_index WHERE search_index MATCH ?", (value,)
                ).scalar_one()
            rows.append((kind, text, found, total))
    engine.dispose()
    return rows


# --------------------------------------------------------------------------- gunicorn + wrk


@dataclass
class WrkResult:
    db: str
    page: str
    rps: float
    requests: int
    errors: int
    worker_cpu_ms: float
    db_cpu_ms: float | None
    latency_ms: float


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process, from /proc (clock ticks)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError, IndexError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workers: int = 2) -> Iterator[tuple[str, int]]:
    """gunicorn with ``workers`` sync workers on a free loopback port; yields (url, pid)."""
    port = free_port()
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below
        prefix="hs_bench_gunicorn_", suffix=".log", delete=False
    )
    process = subprocess.Popen(  # noqa: S603 - our own command line, no shell
        [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--chdir", str(ROOT), app_spec],
        env={**os.environ, **env}, stdout=log, stderr=log,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start; see {log.name}") from None
                time.sleep(0.2)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
    Path(log.name).unlink(missing_ok=True)  # kept when gunicorn did not start


def wrk(base: str, paths: list[str], seconds: int, connections: int) -> dict[str, float]:
    script = tempfile.NamedTemporaryFile(  # noqa: SIM115 - removed below
        "w", prefix="hs_bench_", suffix=".lua", delete=False
    )
    quoted = ", ".join(json.dumps(p) for p in paths)
    script.write(
        f"local paths = {{{quoted}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\nend\n'
    )
    script.close()
    try:
        output = subprocess.run(  # noqa: S603 - our own command line, no shell
            [tool("wrk"), "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
             "--timeout", "30s", "-s", script.name, base],
            capture_output=True, text=True, check=True, timeout=seconds + 60,
        ).stdout  # fmt: skip
    finally:
        Path(script.name).unlink(missing_ok=True)
    found = re.search(r"(\d+) requests in ([\d.]+)(\w+)", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    latency = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {
        "requests": int(found.group(1)) if found else 0,
        "rps": float(rps.group(1)) if rps else 0.0,
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
        "latency_ms": float(latency.group(1)) * scale[latency.group(2)] if latency else 0.0,
    }


def pg_backends(url: str) -> tuple[list[int], Any]:
    """The PostgreSQL server processes serving this database (other than ours)."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        name = connection.exec_driver_sql("SELECT current_database()").scalar_one()
        pids = connection.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = %(name)s AND pid <> pg_backend_pid()",
            {"name": name},
        ).scalars()
        result = list(pids)
    engine.dispose()
    return result, name


def write_evidence(dataset: Dataset) -> Any:
    """What would change if anything wrote: PostgreSQL's row counters, SQLite's file."""
    if dataset.db == "postgresql":
        engine = sa.create_engine(dataset.url)
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT pg_stat_force_next_flush()")
            row = connection.exec_driver_sql(
                "SELECT tup_inserted, tup_updated, tup_deleted FROM pg_stat_database"
                " WHERE datname = current_database()"
            ).one()
        engine.dispose()
        return tuple(row)
    path = Path(sa.engine.make_url(dataset.url).database or "")
    stat = path.stat()
    journal = path.with_name(path.name + "-journal").exists()
    return (stat.st_size, stat.st_mtime_ns, journal)


def measure_wrk(
    dataset: Dataset, targets: Targets, seconds: int, connections: int
) -> tuple[list[WrkResult], dict[str, Any]]:
    """Requests per second and CPU per request under gunicorn, beside minimal Flask."""
    results: list[WrkResult] = []
    env = {"RATELIMIT_ENABLED": "0", "DATABASE_URL": dataset.url}
    with gunicorn("bench.minimal_app:app", {}) as (base, pid):
        wrk(base, ["/"], 2, connections)
        results.append(_wrk_once(dataset, "minimal", base, pid, ["/"], seconds, connections))
    before = write_evidence(dataset)
    with gunicorn("wsgi:app", env) as (base, pid):
        for page in WRK_PAGES:
            wrk(base, targets.paths[page], 2, connections)  # warm: templates, plans, pools
            results.append(
                _wrk_once(dataset, page, base, pid, targets.paths[page], seconds, connections)
            )
    time.sleep(1.0)  # PostgreSQL publishes its statistics about once a second
    after = write_evidence(dataset)
    return results, {"before": before, "after": after, "unchanged": _unchanged(before, after)}


def _unchanged(before: Any, after: Any) -> bool:
    return before == after


def _wrk_once(
    dataset: Dataset,
    page: str,
    base: str,
    pid: int,
    paths: list[str],
    seconds: int,
    connections: int,
) -> WrkResult:
    workers = children(pid)
    backends: list[int] = []
    if dataset.db == "postgresql" and page != "minimal":
        backends, _ = pg_backends(dataset.url)
    cpu_before = sum(cpu_seconds(p) for p in workers)
    db_before = sum(cpu_seconds(p) for p in backends)
    measured = wrk(base, paths, seconds, connections)
    cpu_after = sum(cpu_seconds(p) for p in workers)
    db_after = sum(cpu_seconds(p) for p in backends)
    n = max(1, measured["requests"])
    result = WrkResult(
        db=dataset.db,
        page=page,
        rps=measured["rps"],
        requests=measured["requests"],
        errors=int(measured["errors"]),
        worker_cpu_ms=(cpu_after - cpu_before) * 1000 / n,
        db_cpu_ms=(db_after - db_before) * 1000 / n if backends else None,
        latency_ms=measured["latency_ms"],
    )
    sample_load()
    db_cpu = f"  db cpu {result.db_cpu_ms:.2f} ms" if result.db_cpu_ms is not None else ""
    print(
        f"  wrk {page:<10} {result.rps:8.1f} req/s  worker cpu {result.worker_cpu_ms:.2f} ms"
        f"{db_cpu}  errors {result.errors}"
    )
    return result


# --------------------------------------------------------------------------- report


def fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def page_table(results: list[PageResult]) -> str:
    lines = [
        "| page | database | questions | answers | median ms | p95 ms | CPU ms (median) "
        "| SQL ms (median) | SQL statements / request | writes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        statements = (
            str(r.statements_min)
            if r.statements_min == r.statements_max
            else f"{r.statements_min}–{r.statements_max}"
        )
        lines.append(
            f"| {PAGE_LABELS[r.page]} | {r.db} | {r.questions:,} | {r.answers:,} "
            f"| {r.median_ms:.2f} | {r.p95_ms:.2f} | {r.cpu_median_ms:.2f} "
            f"| {r.sql_median_ms:.2f} | {statements} "
            f"| {r.writes} |"
        )
    return "\n".join(lines)


def statement_table(results: list[PageResult], size: int) -> str:
    lines = [
        "| page | database | statement (tables read) | runs / request | median ms | p95 ms |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    for r in results:
        if r.questions != size:
            continue
        for label, (median, p95, runs) in r.by_statement.items():
            lines.append(
                f"| {PAGE_LABELS[r.page]} | {r.db} | {label} | {runs / r.samples:.2g} "
                f"| {median:.2f} | {p95:.2f} |"
            )
    return "\n".join(lines)


def wrk_table(results: list[WrkResult]) -> str:
    lines = [
        "| database | page | requests/s | minimal Flask requests/s | share of minimal "
        "| worker CPU ms / request | PostgreSQL CPU ms / request | median latency ms | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    minimal = {r.db: r for r in results if r.page == "minimal"}
    for r in results:
        base = minimal.get(r.db)
        share = r.rps / base.rps if base and base.rps else None
        label = "minimal Flask page" if r.page == "minimal" else PAGE_LABELS[r.page]
        lines.append(
            f"| {r.db} | {label} | {r.rps:,.0f} | {base.rps:,.0f} | "
            f"{'–' if r.page == 'minimal' else f'{share:.1%}'} | {r.worker_cpu_ms:.2f} "
            f"| {fmt(r.db_cpu_ms)} | {r.latency_ms:.2f} | {r.errors} |"
            if base
            else f"| {r.db} | {label} | {r.rps:,.0f} | – | – | {r.worker_cpu_ms:.2f} "
            f"| {fmt(r.db_cpu_ms)} | {r.latency_ms:.2f} | {r.errors} |"
        )
    return "\n".join(lines)


@dataclass
class Verdict:
    target: str
    db: str
    measured: str
    met: bool


def verdicts(
    pages: list[PageResult], loads: list[WrkResult], largest: int
) -> tuple[list[Verdict], set[tuple[str, str]]]:
    """Each target of issue 5 at the largest size: met or missed, and with what figure."""
    out: list[Verdict] = []
    missed: set[tuple[str, str]] = set()
    by_key = {(r.db, r.questions, r.page): r for r in pages}
    for r in pages:
        if r.questions != largest:
            continue
        label = PAGE_LABELS[r.page]
        if r.page in WRITE_TARGETS:
            limit = WRITE_TARGETS[r.page]
            ok = r.p95_ms <= limit and r.statuses == [303]
            out.append(Verdict(f"{label}: p95 ≤ {limit:g} ms", r.db, f"{r.p95_ms:.2f} ms", ok))
            if not ok:
                missed.add((r.db, r.page))
            continue
        ok = r.median_ms <= TARGET_MEDIAN_MS
        out.append(Verdict(f"{label}: median ≤ {TARGET_MEDIAN_MS:g} ms", r.db,
                           f"{r.median_ms:.2f} ms", ok))  # fmt: skip
        limit = TARGET_SEARCH_P95_MS if r.page in SEARCH_PAGES else TARGET_P95_MS
        ok_p95 = r.p95_ms <= limit
        out.append(Verdict(f"{label}: p95 ≤ {limit:g} ms", r.db, f"{r.p95_ms:.2f} ms", ok_p95))
        # Fixed: the same at every size (a page's URLs may differ, e.g. with a company filter).
        fixed = all(
            (other.statements_min, other.statements_max) == (r.statements_min, r.statements_max)
            for (db, _size, page), other in by_key.items()
            if db == r.db and page == r.page
        )
        ok_sql = fixed and r.statements_max <= TARGET_STATEMENTS
        counted = (
            str(r.statements_max)
            if r.statements_min == r.statements_max
            else f"{r.statements_min}–{r.statements_max} (by URL)"
        )
        out.append(
            Verdict(
                f"{label}: SQL statements fixed and ≤ {TARGET_STATEMENTS}",
                r.db,
                counted + ("" if fixed else ", varies with size"),
                ok_sql,
            )
        )
        if not (ok and ok_p95 and ok_sql):
            missed.add((r.db, r.page))
    for db in sorted({r.db for r in pages}):
        first = by_key.get((db, largest, "list_1"))
        deep = by_key.get((db, largest, "list_500"))
        if first and deep:
            noise = max(first.median_ms * NOISE_SHARE, NOISE_MS)
            ok = deep.median_ms <= first.median_ms + noise
            out.append(
                Verdict(
                    "list page 500 no slower than page 1 (keyset)",
                    db,
                    f"{deep.median_ms:.2f} vs {first.median_ms:.2f} ms",
                    ok,
                )
            )
        writes = sum(r.writes for r in pages if r.db == db and r.page not in WRITE_TARGETS)
        out.append(Verdict("a GET never writes (in-process, every request)", db,
                           f"{writes} writes", writes == 0))  # fmt: skip
    minimal = {r.db: r for r in loads if r.page == "minimal"}
    for r in loads:
        if r.page in CPU_TARGETS:
            limit = CPU_TARGETS[r.page]
            ok = r.worker_cpu_ms <= limit
            out.append(Verdict(f"{PAGE_LABELS[r.page]}: server CPU ≤ {limit:g} ms / request",
                               r.db, f"{r.worker_cpu_ms:.2f} ms", ok))  # fmt: skip
            if not ok:
                missed.add((r.db, r.page))
        if r.page == "question" and r.db in minimal:
            share = r.rps / minimal[r.db].rps
            ok = share >= TARGET_RPS_SHARE
            out.append(Verdict(f"question page: ≥ {TARGET_RPS_SHARE:.0%} of minimal Flask req/s",
                               r.db, f"{share:.1%} ({r.rps:,.0f} of {minimal[r.db].rps:,.0f})",
                               ok))  # fmt: skip
            if not ok:
                missed.add((r.db, r.page))
    return out, missed


def verdict_table(items: list[Verdict]) -> str:
    lines = ["| target | database | measured | |", "| --- | --- | ---: | :---: |"]
    for v in items:
        lines.append(f"| {v.target} | {v.db} | {v.measured} | {'met' if v.met else '**missed**'} |")
    return "\n".join(lines)


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed (apt-get install {name})")
    return found


def run_tool(name: str, *args: str) -> str:
    """A read-only helper command's output (git, wrk -v)."""
    return subprocess.run(  # noqa: S603 - a fixed command line, no shell
        [tool(name), *args], cwd=ROOT, capture_output=True, text=True
    ).stdout


def details(title: str, text: str) -> list[str]:
    """A collapsed section: long evidence stays one click away."""
    return [f"<details><summary>{title}</summary>", "", "```", text, "```", "", "</details>", ""]


def environment() -> list[str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = run_tool("git", "rev-parse", "--short", "HEAD").strip()
    dirty = run_tool("git", "status", "--porcelain").strip()
    # --no-wrk runs need no wrk at all.
    wrk_version = run_tool("wrk", "-v").split("\n")[0] if shutil.which("wrk") else "not installed"
    from importlib.metadata import version

    return [
        f"- machine: {os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, Flask {version('flask')}, "
        f"SQLAlchemy {sa.__version__}, gunicorn {version('gunicorn')}, "
        f"SQLite {sqlite3.sqlite_version}, {wrk_version.strip()}",
        f"- code: commit {commit}"
        + (" plus uncommitted changes in the working tree" if dirty else ""),
    ]


def report(run: Run) -> str:
    """The measured part of RESULTS.md."""
    datasets, pages, loads, writes = run.datasets, run.pages, run.loads, run.writes
    profiles, plans, matches = run.profiles, run.plans, run.matches
    largest = max(run.sizes)
    items, _ = verdicts(pages, loads, largest)
    met = sum(v.met for v in items)
    out = [
        BEGIN,
        "",
        f"_Measured {run.measured_at} by `bench/run.py {' '.join(run.argv)}`"
        f" in {run.wall / 60:.1f} minutes._",
        "",
        *run.environment,
    ]
    if run.pg_version:
        out.append(f"- {run.pg_version}")
    if run.load_averages:
        out.append(
            f"- 1-minute load average while measuring: {min(run.load_averages):.2f}–"
            f"{max(run.load_averages):.2f} (2 means both cores busy; other work shares the"
            " machine)"
        )
    out += [
        f"- in-process: {run.requests} requests per page after {run.warmup} to warm up, "
        "anonymous unless said; times are measured around the WSGI app (body included); "
        "CPU is this process's (with SQLite that includes the database engine).",
        f"- under load: gunicorn, 2 sync workers, on 127.0.0.1; `wrk -t1 -c{run.connections} "
        f"-d{run.wrk_seconds}s` rotating over the same URLs; worker CPU from /proc.",
        "",
        "### Data loaded",
        "",
        "| forum | load time | rows |",
        "| --- | ---: | --- |",
    ]
    for d in datasets:
        loaded = next((line for line in d.load_log if line.startswith("Loaded")), "")
        timing = next((line for line in d.load_log if "search index" in line), "")
        load = f"{d.load_seconds:.0f} s" if d.load_seconds else "reused"
        out.append(f"| {d.name} | {load} | {loaded.removeprefix('Loaded ')} <br> {timing} |")
    out += [
        "",
        f"### Targets at {largest:,} questions",
        "",
        f"{met} of {len(items)} met.",
        "",
        verdict_table(items),
        "",
        "### Server time per page (in-process)",
        "",
        "SQL ms is the time spent executing statements (see the next table); the rest of the"
        " wall time is Python: routing, queries' ORM work, templates.",
        "",
        page_table(pages),
        "",
        f"### Where the SQL time goes at {largest:,} questions (in-process)",
        "",
        statement_table(pages, largest),
        "",
    ]
    if loads:
        out += ["### Requests per second under gunicorn + wrk", "", wrk_table(loads), ""]
    if matches:
        out += [
            f"### The search workload at {largest:,} questions",
            "",
            "How many questions each benchmark search matches (similar questions: any of the"
            " title's telling words). Ranking work grows with these counts.",
            "",
            "| kind | text | " + " | ".join(f"{db} matches" for db in matches) + " |",
            "| --- | --- | " + " | ".join("---:" for _ in matches) + " |",
        ]
        columns = list(matches.values())
        for i, (kind, text, _found, _total) in enumerate(columns[0]):
            cells = " | ".join(f"{c[i][2]:,} ({c[i][2] / max(1, c[i][3]):.1%})" for c in columns)
            shown = text.replace("|", "\\|")
            out.append(f"| {kind} | `{shown}` | {cells} |")
        out.append("")
    if writes:
        out += ["### A GET never writes", ""]
        for db, evidence in writes.items():
            if db == "postgresql":
                what = "rows inserted, updated, deleted in `pg_stat_database`"
            else:
                what = "the SQLite file's size, modification time (ns) and journal"
            out.append(
                f"- {db}: {what} before the wrk runs {evidence['before']}, after "
                f"{evidence['after']}: **{'unchanged' if evidence['unchanged'] else 'CHANGED'}**."
            )
        writes_total = sum(r.writes for r in pages)
        out += [
            f"- in-process: {writes_total} INSERT/UPDATE/DELETE statements in "
            f"{sum(r.samples for r in pages):,} GET requests (counted by the engine event).",
            "",
        ]
    if profiles:
        out += ["### Profiles (cProfile, in-process)", ""]
        for title, text in profiles.items():
            out += details(title, text)
    if plans:
        out += ["### Query plans", ""]
        for db, by_page in plans.items():
            for page, text in by_page.items():
                if not text:
                    continue
                title = f"{db}: {PAGE_LABELS[page]}"
                out += details(title, text)
    out += [END]
    return "\n".join(out)


def write_results(block: str) -> None:
    if RESULTS.exists():
        text = RESULTS.read_text()
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            RESULTS.write_text(head + block + tail)
            return
        RESULTS.write_text(text.rstrip() + "\n\n" + block + "\n")
        return
    RESULTS.write_text("# Benchmark results\n\n" + block + "\n")


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db",
        action="append",
        choices=["sqlite", "postgresql"],
        help="database to measure (repeat for both; default both)",
    )
    parser.add_argument(
        "--sizes",
        default="10000,100000",
        help="question counts, comma-separated (default 10000,100000)",
    )
    parser.add_argument("--answers-per-question", type=float, default=10)
    parser.add_argument("--companies", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", PG_DEFAULT),
        help="PostgreSQL base URL; each size gets <dbname>_<size> (created)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep a forum already loaded with the same parameters"
    )
    parser.add_argument(
        "--index-workers",
        type=int,
        default=1,
        help="processes building the search index when loading (PostgreSQL; 3 at 1M)",
    )
    parser.add_argument("--requests", type=int, default=200, help="per page, in-process")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--no-wrk", action="store_true")
    parser.add_argument(
        "--no-write-path",
        action="store_true",
        help="skip asking and answering (they add questions and answers to the forum)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only; keep RESULTS.md")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite RESULTS.md from the last run's saved measurements",
    )
    args = parser.parse_args(argv)
    args.db = args.db or ["sqlite", "postgresql"]
    args.sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    return args  # fmt: skip


@dataclass
class Run:
    """Everything one run measured: kept in bench/data/last-run.pickle for --report-only."""

    argv: list[str]
    sizes: list[int]
    requests: int
    warmup: int
    connections: int
    wrk_seconds: int
    datasets: list[Dataset] = field(default_factory=list)
    pages: list[PageResult] = field(default_factory=list)
    loads: list[WrkResult] = field(default_factory=list)
    writes: dict[str, dict[str, Any]] = field(default_factory=dict)
    profiles: dict[str, str] = field(default_factory=dict)
    plans: dict[str, dict[str, str]] = field(default_factory=dict)
    matches: dict[str, list[tuple[str, str, int, int]]] = field(default_factory=dict)
    pg_version: str | None = None
    load_averages: list[float] = field(default_factory=list)
    wall: float = 0.0
    measured_at: str = ""
    environment: list[str] = field(default_factory=list)


LAST_RUN = DATA / "last-run.pickle"


def measure(args: argparse.Namespace) -> Run:
    started = time.perf_counter()
    run = Run(sys.argv[1:], args.sizes, args.requests, args.warmup, args.connections,
              args.wrk_seconds, environment=environment())  # fmt: skip
    largest = max(args.sizes)
    for db in args.db:
        for size in args.sizes:
            dataset = Dataset(db, size, args.answers_per_question, args.companies, args.seed,
                              database_url(db, size, args.pg_url))  # fmt: skip
            run.datasets.append(dataset)
            ensure_loaded(dataset, args.reuse, args.index_workers)
            print(f"[{dataset.name}] in-process, {args.requests} requests per page")
            results, targets, captured = measure_in_process(dataset, args.requests, args.warmup)
            run.pages += results
            if db == "postgresql" and run.pg_version is None:
                engine = sa.create_engine(dataset.url)
                with engine.connect() as connection:
                    version = connection.exec_driver_sql("SELECT version()").scalar_one()
                    run.pg_version = version.split(" on ")[0]
                engine.dispose()
            if size != largest:
                continue
            run.plans[db] = explain(dataset, captured)
            run.matches[db] = selectivity(dataset)
            if not args.no_wrk:
                print(f"[{dataset.name}] gunicorn + wrk, {args.wrk_seconds}s per page")
                measured, evidence = measure_wrk(
                    dataset, targets, args.wrk_seconds, args.connections
                )
                run.loads += measured
                run.writes[db] = evidence
            _, missed = verdicts(run.pages, run.loads, largest)
            wanted = {"question_uncached", "search"} | {page for d, page in missed if d == db}
            for page in [p for p in targets.paths if p in wanted]:
                print(f"[{dataset.name}] profiling {PAGE_LABELS[page]}")
                title = f"{db}, {short(size)} questions: {PAGE_LABELS[page]} (100 requests)"
                run.profiles[title] = profile_page(dataset, targets, page, 100)
            if not args.no_write_path:
                print(f"[{dataset.name}] the write path, {min(args.requests, 100)} of each")
                run.pages += measure_writes(dataset, min(args.requests, 100), 5)
    run.wall = time.perf_counter() - started
    run.load_averages = list(LOAD_AVERAGES)
    run.measured_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    LAST_RUN.write_bytes(pickle.dumps(run))
    return run


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    DATA.mkdir(parents=True, exist_ok=True)
    if args.report_only:
        # Our own file, written by measure() on this machine.
        run = pickle.loads(LAST_RUN.read_bytes())  # noqa: S301
    else:
        run = measure(args)
    block = report(run)
    print()
    print(page_table(run.pages))
    if run.loads:
        print()
        print(wrk_table(run.loads))
    items, _ = verdicts(run.pages, run.loads, max(run.sizes))
    print()
    print(verdict_table(items))
    print(f"\nMeasured in {run.wall / 60:.1f} minutes.")
    if not args.no_write:
        write_results(block)
        print(f"Wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
