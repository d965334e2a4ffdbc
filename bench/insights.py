#!/usr/bin/env python
"""Time a company's insights page and its API (app/insights/) on a seeded bench forum.

    flask --app wsgi seed-bench --questions 100000 --database-url sqlite:////tmp/b.db --reset
    .venv/bin/python bench/insights.py sqlite:////tmp/b.db [postgresql://…/hs_bench_100k …]

For each database: the claimed company with the most questions, seen by one of its active
staff; the page (``/companies/<slug>/insights?days=N``) and the API
(``/api/v1/companies/<slug>/insights?days=N``) for 30, 90 and 365 days, each requested
through the whole WSGI stack as ``bench/run.py`` does (its ``Meter`` and ``Statements``):
median and p95 wall time, median CPU time of the process (Python, and SQLite's own work;
PostgreSQL's is in the wall time), the SQL statements per request and their median time,
and writes (a GET never writes). Prints a Markdown table for ``bench/RESULTS.md``.

The API needs a token: one is written for the staff member before the runs (and its first
use, which records "last used", is not measured) and deleted after them.
"""

from __future__ import annotations

import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from run import Meter, Statements, bench_app, percentile, sample_load  # noqa: E402

from app.accounts.access_tokens import TOKEN_PREFIX, token_digest  # noqa: E402
from app.accounts.models import ApiToken, User  # noqa: E402
from app.companies.models import Company, Membership  # noqa: E402
from app.config import database_url_from_env  # noqa: E402
from app.db import utcnow  # noqa: E402
from app.extensions import db  # noqa: E402

DAYS = (30, 90, 365)
REQUESTS = 30
WARMUP = 3
TARGET_MS = 200


def _ok(response: object) -> None:
    status = getattr(response, "status_code", None)
    if status != 200:
        raise SystemExit(f"the insights answered {status}, not 200")


def measure(url: str) -> list[str]:
    app = bench_app(database_url_from_env(url))
    with app.app_context():
        company = db.session.scalars(
            sa.select(Company)
            .where(Company.claimed_at.is_not(None))
            .order_by(Company.question_count.desc(), Company.id)
            .limit(1)
        ).one()
        member = db.session.execute(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.company_id == company.id, Membership.revoked_at.is_(None))
            .order_by(Membership.role, User.id)
            .limit(1)
        ).scalar_one()
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            user_id=member.id, token_hash=token_digest(secret), hint=secret[:8], created_at=utcnow()
        )
        db.session.add(token)
        db.session.commit()
        slug, total, session_id = company.slug, company.question_count, member.get_id()
        token_id, engine = token.id, db.engine
    print(f"{engine.dialect.name}: {slug} ({total:,} questions), as @{member.username}")
    meter = Meter(app)
    statements = Statements(engine)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    headers = {"Authorization": f"Bearer {secret}"}
    rows = []
    try:
        for door in ("page", "API"):
            for days in DAYS:
                path = f"/companies/{slug}/insights?days={days}"
                if door == "API":
                    path = "/api/v1" + path
                for _ in range(WARMUP):
                    _ok(client.get(path, headers=headers))
                statements.take()
                walls, cpus, sqls, counts, writes = [], [], [], [], 0
                for _ in range(REQUESTS):
                    _ok(client.get(path, headers=headers))
                    total_statements, written, sql_seconds = Statements.counts(statements.take())
                    walls.append(meter.wall * 1000)
                    cpus.append(meter.cpu * 1000)
                    sqls.append(sql_seconds * 1000)
                    counts.append(total_statements)
                    writes += written
                load = sample_load()
                median = statistics.median(walls)
                row = (
                    f"| {engine.dialect.name} | {door} | {days} | {median:.1f} ms | "
                    f"{percentile(walls, 0.95):.1f} ms | {statistics.median(cpus):.1f} ms | "
                    f"{statistics.median(sqls):.1f} ms × {min(counts)}–{max(counts)} | "
                    f"{writes} | {'met' if median <= TARGET_MS else 'MISSED'} | {load:.1f} |"
                )
                print(row)
                rows.append(row)
    finally:
        statements.close()
        with app.app_context():
            db.session.execute(sa.delete(ApiToken).where(ApiToken.id == token_id))
            db.session.commit()
            db.engine.dispose()
    return rows


def main() -> None:
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rows = []
    for url in sys.argv[1:]:
        rows += measure(url)
    print(f"\n{started}, {REQUESTS} requests each after {WARMUP} unmeasured:\n")
    print(
        "| database | door | days | median | p95 | CPU (median) | SQL (median) × statements"
        " | writes | ≤ 200 ms | load |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
