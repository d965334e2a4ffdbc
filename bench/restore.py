#!/usr/bin/env python
"""The backup of docs/production.md, proved: dump a live forum with ``pg_dump``, restore it into
a new database with ``pg_restore``, and have the app serve the copy.

    .venv/bin/python bench/restore.py

On the PostgreSQL of 127.0.0.1:5432 (user postgres; ``--server`` to change) it uses two
scratch databases, ``hs_restore_source`` and ``hs_restore_copy``, EMPTIED and dropped at the
end: the source is migrated (``flask db upgrade``) and given the demo forum (``flask
seed-demo``); ``pg_dump -Fc`` writes the dump; the copy is created and ``pg_restore
--no-owner`` fills it. Then it checks that every table holds the same rows in both (an
md5 of each table's rows in id order), that ``flask db upgrade`` finds the copy at the head
already and ``flask doctor`` finds it migrated, and that gunicorn on the copy serves the home
page, /readyz, a question page and the API's view of that question. Loopback only; one to two
minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
VENV_BIN = Path(sys.executable).parent

import sqlalchemy as sa  # noqa: E402
from flood import empty_postgresql, gunicorn  # noqa: E402

from app.config import database_url_from_env  # noqa: E402

SOURCE, COPY = "hs_restore_source", "hs_restore_copy"


def flask(url: str, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own command line, no shell
        [str(VENV_BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode not in (0, 1) or (done.returncode and args[0] != "doctor"):
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603


def fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Every table: its row count and an md5 of its rows, in the order of their text."""
    engine = sa.create_engine(database_url_from_env(url))
    found = {}
    with engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        for table in sorted(tables):
            count, digest = connection.exec_driver_sql(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: E501, S608 - names from the catalogue
            ).one()
            found[table] = (count, digest)
    engine.dispose()
    return found


def get(base: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    source, copy = f"{args.server}/{SOURCE}", f"{args.server}/{COPY}"
    started = time.monotonic()
    checks: list[tuple[str, bool]] = []
    with tempfile.TemporaryDirectory(prefix="hs_restore_") as folder:
        dump = Path(folder) / "helpsquare.dump"
        empty_postgresql(database_url_from_env(source))
        flask(source, "db", "upgrade")
        flask(source, "seed-demo")
        run("pg_dump", "--format=custom", f"--file={dump}", f"--dbname={source}")
        run("dropdb", "--if-exists", f"--maintenance-db={args.server}/postgres", COPY)
        run("createdb", f"--maintenance-db={args.server}/postgres", COPY)
        run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={copy}", str(dump))
        size = dump.stat().st_size
        before, after = fingerprints(source), fingerprints(copy)
        rows = sum(count for count, _ in before.values())
        checks.append((f"{len(before)} tables, {rows} rows: the same in the copy", before == after))
        upgrade = flask(copy, "db", "upgrade")
        checks.append(("flask db upgrade has nothing to do", "Running upgrade" not in upgrade))
        doctor = flask(copy, "doctor")
        checks.append(("flask doctor: the copy answers and is migrated", "is migrated" in doctor))
        engine = sa.create_engine(database_url_from_env(copy))
        with engine.connect() as connection:
            question_id, slug, title = connection.exec_driver_sql(
                "SELECT id, slug, title FROM questions ORDER BY id LIMIT 1"
            ).one()
        engine.dispose()
        with gunicorn({"DATABASE_URL": copy, "PAGE_CACHE_SECONDS": "0"}) as base:
            status, _ = get(base, "/")
            checks.append(("home page 200", status == 200))
            status, body = get(base, "/readyz")
            checks.append(("/readyz 200", status == 200 and '"ready"' in body))
            status, body = get(base, f"/questions/{question_id}/{slug}")
            shown = title.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")
            checks.append((f"question {question_id} page shows its title", shown in body))
            status, body = get(base, f"/api/v1/questions/{question_id}")
            served = json.loads(body) if status == 200 else {}
            checks.append(("the API serves it", served.get("title") == title))
    for database in (SOURCE, COPY):
        run("dropdb", "--if-exists", f"--maintenance-db={args.server}/postgres", database)
    print(f"pg_dump -Fc of the demo forum: {size / 1024:.0f} KiB; restored into {COPY}")
    for name, passed in checks:
        print(f"  {'ok  ' if passed else 'FAIL'}  {name}")
    print(f"{time.monotonic() - started:.0f} s in all")
    if not all(passed for _, passed in checks):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
