#!/usr/bin/env python
"""The export's memory: peak RSS while streaming a company of 10k and of 100k questions.

    .venv/bin/python bench/export_memory.py                   # SQLite files under bench/data/
    .venv/bin/python bench/export_memory.py --db postgresql   # and hs_bench_export_* databases

For each size it loads a forum whose questions all belong to one company (``flask
seed-bench --companies 1``, one answer per question on average), then, in a fresh process
each time, streams ``app.integrations.export`` for that company to /dev/null and reports the
process's peak RSS before and after, the lines and bytes written and the time taken. A
streamed export keeps the peak flat while the output grows tenfold; one that built the list
first would grow with it. Prints a Markdown table for RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (10_000, 100_000)
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/")


def _url(db: str, size: int) -> str:
    if db == "sqlite":
        return f"sqlite:///{ROOT / 'bench' / 'data' / f'export-{size}.db'}"
    return PG_URL.rstrip("/") + f"/hs_bench_export_{size // 1000}k"


def _create_pg_database(url: str) -> None:
    import sqlalchemy as sa

    from app.config import database_url_from_env

    base, name = database_url_from_env(url).rsplit("/", 1)
    engine = sa.create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def load(db: str, size: int) -> None:
    url = _url(db, size)
    if db == "postgresql":
        _create_pg_database(url)
    command = [
        sys.executable, "-m", "flask", "--app", "wsgi", "seed-bench",
        "--companies", "1", "--questions", str(size), "--answers-per-question", "1",
        "--database-url", url, "--reset", "--no-reindex", "--quiet",
    ]  # fmt: skip
    subprocess.run(command, cwd=ROOT, check=True)  # noqa: S603 - our own command


def measure(url: str) -> dict:
    """In this process: stream the one company's export, and what it cost."""
    import sqlalchemy as sa

    from app import create_app
    from app.companies.models import Company
    from app.extensions import db
    from app.integrations import export

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": "helpsquare.example", "TESTING": True}
    )
    with app.test_request_context("/"):
        company = db.session.scalar(sa.select(Company).order_by(Company.question_count.desc()))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        lines = written = 0
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for line in export._lines(company):
                lines += 1
                written += len(line.encode())
                sink.write(line)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "questions": company.question_count,
        "lines": lines,
        "mb_written": round(written / 1e6, 1),
        "rss_before_mb": round(before / 1024, 1),
        "rss_peak_mb": round(after / 1024, 1),
        "seconds": round(seconds, 1),
    }


def main() -> None:
    from app.config import database_url_from_env

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--reuse", action="store_true", help="keep the forums already loaded")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process's URL
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    rows = []
    for db in args.db or ["sqlite"]:
        for size in args.sizes:
            if not args.reuse:
                load(db, size)
            child = subprocess.run(  # noqa: S603 - our own script, a fresh process per size
                [sys.executable, __file__, "--measure", database_url_from_env(_url(db, size))],
                cwd=ROOT, check=True, capture_output=True, text=True,
            )  # fmt: skip
            result = json.loads(child.stdout.strip().splitlines()[-1])
            rows.append((db, result))
            print(db, result, flush=True)
    print()
    print("| database | questions | lines | MB written | RSS before export | peak RSS | seconds |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for db, r in rows:
        print(
            f"| {db} | {r['questions']:,} | {r['lines']:,} | {r['mb_written']} | "
            f"{r['rss_before_mb']} MB | {r['rss_peak_mb']} MB | {r['seconds']} |"
        )


if __name__ == "__main__":
    main()
