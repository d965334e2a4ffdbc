#!/usr/bin/env python
"""One account floods questions and answers through the API: how soon the limits on
writing answer 429, and that nothing is lost or doubled.

    .venv/bin/python bench/flood.py                                  # SQLite
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hs_flood \\
        .venv/bin/python bench/flood.py                              # and PostgreSQL
    .venv/bin/python bench/flood.py --storage memory:// --storage redis://127.0.0.1:6379/15

THE POSTGRESQL DATABASE IS EMPTIED (its ``public`` schema dropped and recreated; the
database is created when missing): point DATABASE_URL at a scratch database.

For each database, limiter storage (``RATELIMIT_STORAGE_URI``) and account age: a fresh
database built by ``flask db upgrade``; gunicorn with 2 sync workers on a free 127.0.0.1
port, rate limits on, ``EMAIL_VERIFICATION=off`` (a new account writes at once) and a key
prefix of its own in the limiter's storage; one account signs up through the API, takes a
token, creates a company and asks the question the answers go to. The "week-old" account
then has its creation moved back a week in the database (its first day over: only the
hourly limits apply). Then THREADS threads post questions and answers as fast as they
can, every body different, for at most --seconds seconds and --requests requests in all.

It prints, per run: what the limits allow the account, the requests sent, the 201s (the
set-up question included) and 429s (and anything else), the time from the first request
to the first 429, and whether the rows in the database are exactly the ones the 201s named
(nothing lost, nothing doubled). Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent

import sqlalchemy as sa  # noqa: E402
from limits import parse  # noqa: E402

from app.config import DefaultConfig, database_url_from_env  # noqa: E402
from app.db import UTCDateTime  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from run import gunicorn as serve  # noqa: E402

THREADS = 8
PASSWORD = "flood-bench-password"  # noqa: S105 - a throwaway account in a throwaway database
STORAGES = ("memory://", "redis://127.0.0.1:6379/15")


# ------------------------------------------------------------------------------ the server


def empty_postgresql(url: str) -> None:
    """Create the database when missing, then drop and recreate its public schema."""
    address = sa.engine.make_url(url)
    admin = sa.create_engine(address.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        found = connection.exec_driver_sql(
            "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": address.database}
        ).first()
        if not found:
            connection.exec_driver_sql(f'CREATE DATABASE "{address.database}"')
    admin.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """The migrations, then gunicorn on a free loopback port (bench/run.py's); yields its
    base URL."""
    subprocess.run(  # noqa: S603 - our own command line, no shell
        [str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True,
    )  # fmt: skip
    with serve("wsgi:app", env, workers) as (base, _pid):
        yield base


def call(base: str, method: str, path: str, body: Any = None, token: str | None = None):  # noqa: ANN201
    """One API request; (status, JSON body or None)."""
    request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
        base + "/api/v1" + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        payload = error.read()
        try:
            return error.code, json.loads(payload or b"null")
        except ValueError:
            return error.code, None


# ------------------------------------------------------------------------------- the flood


@dataclass
class Outcome:
    kind: str  # "question" or "answer"
    status: int
    at: float  # seconds after the flood began, when the answer came
    created_id: int | None


@dataclass
class Run:
    database: str
    storage: str
    account: str
    outcomes: list[Outcome] = field(default_factory=list)
    setup_question_id: int = 0
    rows: dict[str, set[int]] = field(default_factory=dict)
    seconds: float = 0.0

    def ids(self, kind: str) -> list[int]:
        return [o.created_id for o in self.outcomes if o.kind == kind and o.status == 201]

    @property
    def statuses(self) -> Counter[int]:
        return Counter(o.status for o in self.outcomes)

    @property
    def first_429(self) -> float | None:
        refused = [o.at for o in self.outcomes if o.status == 429]
        return min(refused) if refused else None

    @property
    def exact(self) -> bool:
        """The rows are exactly the ones the 201s named: none lost, none doubled."""
        questions = [self.setup_question_id, *self.ids("question")]
        answers = self.ids("answer")
        return (
            len(set(questions)) == len(questions)
            and len(set(answers)) == len(answers)
            and self.rows.get("question") == set(questions)
            and self.rows.get("answer") == set(answers)
        )


def flood(base: str, token: str, company: str, question_id: int, args) -> list[Outcome]:  # noqa: ANN001
    """THREADS threads post as fast as they can until the time or the requests run out."""
    budget = iter(range(args.requests))
    lock = threading.Lock()
    outcomes: list[Outcome] = []
    start = time.monotonic()
    deadline = start + args.seconds

    def worker(number: int) -> None:
        n = 0
        while time.monotonic() < deadline:
            with lock:
                if next(budget, None) is None:
                    return
            n += 1
            unique = f"{number}-{n}-{secrets.token_hex(3)}"
            if n % 2:
                kind = "answer"
                status, body = call(
                    base, "POST", f"/questions/{question_id}/answers",
                    {"body": f"Buy cheap watches, offer {unique}."}, token,
                )  # fmt: skip
            else:
                kind = "question"
                status, body = call(
                    base, "POST", f"/companies/{company}/questions",
                    {"title": f"Cheap watches, offer {unique}", "body": f"Offer {unique}."},
                    token,
                )  # fmt: skip
            created = body.get("id") if status == 201 and isinstance(body, dict) else None
            with lock:
                outcomes.append(Outcome(kind, status, time.monotonic() - start, created))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def created(answer: tuple[int, Any], what: str) -> dict[str, Any]:
    status, body = answer
    if status != 201:
        raise SystemExit(f"could not {what}: {status} {body}")
    return body


def set_up(base: str) -> tuple[int, str, str, int]:
    """The account (signed up through the API), its token, its company and the question
    the flood's answers go to."""
    login = {"username": "flooder", "password": PASSWORD}
    user = created(
        call(base, "POST", "/users", {**login, "email": "flooder@example.org"}), "sign up"
    )
    token = created(call(base, "POST", "/tokens", login), "get a token")["token"]
    company = created(
        call(
            base, "POST", "/companies",
            {"name": "Flood Test Co", "domain": "floodtestco.com", "description": "Bench."},
            token,
        ),
        "create the company",
    )  # fmt: skip
    question = created(
        call(
            base, "POST", f"/companies/{company['slug']}/questions",
            {"title": "Where do the answers of the flood go?", "body": "Here."}, token,
        ),
        "ask the first question",
    )  # fmt: skip
    return user["id"], token, company["slug"], question["id"]


def one_run(database: str, url: str, storage: str, week_old: bool, args) -> Run:  # noqa: ANN001
    run = Run(database, storage, "a week old" if week_old else "new (first day)")
    if url.startswith("postgresql"):
        empty_postgresql(url)
    with tempfile.TemporaryDirectory(prefix="hs_flood_mail_") as mail:
        env = {
            "DATABASE_URL": url,
            "SECRET_KEY": "flood-bench-" + secrets.token_hex(8),
            "RATELIMIT_ENABLED": "true",
            "RATELIMIT_STORAGE_URI": storage,
            "RATELIMIT_KEY_PREFIX": "flood-" + secrets.token_hex(4),
            "EMAIL_VERIFICATION": "off",
            "MAIL_BACKEND": "file",
            "MAIL_FILE_DIR": mail,
            "APP_ENV": "development",
        }
        with gunicorn(env) as base:
            user_id, token, slug, question_id = set_up(base)
            run.setup_question_id = question_id
            engine = sa.create_engine(url)
            if week_old:
                users = sa.table("users", sa.column("id"), sa.column("created_at", UTCDateTime))
                with engine.begin() as connection:
                    connection.execute(
                        sa.update(users)
                        .where(users.c.id == user_id)
                        .values(created_at=datetime.now(UTC) - timedelta(days=7))
                    )
            started = time.monotonic()
            run.outcomes = flood(base, token, slug, question_id, args)
            run.seconds = time.monotonic() - started
            with engine.connect() as connection:
                for kind, table in (("question", "questions"), ("answer", "answers")):
                    run.rows[kind] = set(
                        connection.execute(
                            sa.text(f"SELECT id FROM {table} WHERE author_id = :id"),  # noqa: S608 - a fixed name
                            {"id": user_id},
                        ).scalars()
                    )
            engine.dispose()
    return run


def redis_reachable(uri: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(uri, socket_timeout=2).ping())
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


def allowed(run: Run) -> str:
    """What the limits let one account post (the defaults of app/config.py)."""
    settings = DefaultConfig
    if run.account.startswith("new"):
        wanted = (settings.FIRST_DAY_QUESTION_LIMITS, settings.FIRST_DAY_ANSWER_LIMITS)
    else:
        wanted = (settings.QUESTION_LIMITS, settings.ANSWER_LIMITS)
    return " + ".join(str(parse(limit).amount) for limit in wanted)


def describe(run: Run) -> str:
    statuses = run.statuses
    first = f"{run.first_429 * 1000:.0f} ms" if run.first_429 is not None else "never"
    others = {s: c for s, c in statuses.items() if s not in (201, 429)}
    questions = 1 + len(run.ids("question"))  # the set-up question counts too
    return (
        f"| {run.database} | `{run.storage}` | {run.account} | {allowed(run)} | "
        f"{len(run.outcomes):,} in {run.seconds:.1f} s | {questions} + {len(run.ids('answer'))} | "
        f"{statuses[429]:,} | {', '.join(f'{c} × {s}' for s, c in sorted(others.items())) or '—'}"
        f" | {first} | {'yes' if run.exact else 'NO'} |"
    )


HEADER = (
    "| database | limiter storage | account | limits: questions + answers | flood requests "
    "| 201: questions + answers | 429 | other | first 429 after | rows = the 201s |\n"
    "| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | --- |"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="longest flood per run")
    parser.add_argument("--requests", type=int, default=2000, help="most requests per run")
    parser.add_argument(
        "--storage",
        action="append",
        help=f"limiter storage URI (default: {' and '.join(STORAGES)})",
    )
    args = parser.parse_args()
    storages = args.storage or list(STORAGES)
    databases = []
    folder = tempfile.TemporaryDirectory(prefix="hs_flood_")
    databases.append(("SQLite", f"sqlite:///{Path(folder.name) / 'flood.db'}"))
    if os.environ.get("DATABASE_URL"):
        databases.append(("PostgreSQL", database_url_from_env(os.environ["DATABASE_URL"])))
    runs = []
    try:
        for storage in storages:
            if storage.startswith("redis") and not redis_reachable(storage):
                print(f"skipping {storage}: Redis does not answer there", flush=True)
                continue
            for database, url in databases:
                for week_old in (False, True):
                    if url.startswith("sqlite"):
                        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
                    run = one_run(database, url, storage, week_old, args)
                    runs.append(run)
                    print(describe(run), flush=True)
    finally:
        folder.cleanup()
    print()
    print(HEADER)
    for run in runs:
        print(describe(run))


if __name__ == "__main__":
    main()
