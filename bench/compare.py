#!/usr/bin/env python
"""Compare two checkouts of Helpsquare page by page, interleaved, on a busy machine.

    .venv/bin/python bench/compare.py /path/to/base-checkout --pages question_uncached,product

``bench/run.py`` measures one checkout at a time; on a machine other work shares, the
load changes between two runs more than a change under test does. This runs both
checkouts side by side, each in its own process with its own forum (loaded by that
checkout's ``bench/run.py`` at the same size and seed, ``--reuse`` so a loaded one is
kept), and asks them for a few requests of the same page in turn, in random order,
round after round. Both see the same load, so the ratio of their medians is the change.

Pages are ``bench/run.py``'s names: home, company, product, question, question_uncached,
question_signed_in, question_staff, search, similar, list_1, list_500.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
from pathlib import Path

HEAD = Path(__file__).resolve().parent.parent

# Runs inside each checkout: its own app, its own forum, its own run.py helpers.
WORKER = r"""
import json, sys, time
import flask.templating
import sqlalchemy as sa
sys.path.insert(0, ".")
from bench import run
url = sys.argv[1]
app = run.bench_app(url)
targets = run.discover(app)
spent = {"render": 0.0, "sql": 0.0}
render = flask.templating._render
def timed_render(*args, **kwargs):
    start = time.perf_counter()
    try:
        return render(*args, **kwargs)
    finally:
        spent["render"] += time.perf_counter() - start
flask.templating._render = timed_render
with app.app_context():
    engine = app.extensions["sqlalchemy"].engine
started = []
sa.event.listen(engine, "before_cursor_execute", lambda *a: started.append(time.perf_counter()))
def after(*a):
    spent["sql"] += time.perf_counter() - started.pop()
sa.event.listen(engine, "after_cursor_execute", after)
clients = {}
def session_user(page):
    if hasattr(targets, "session_user"):
        return targets.session_user(page)
    # A checkout from before the site admin's page (2026-11-26) knew one signed-in user.
    return targets.user_id if page == "question_signed_in" else None
for page in targets.paths:
    client = app.test_client()
    if session_user(page):
        with client.session_transaction() as session:
            session["_user_id"] = session_user(page)
            session["_fresh"] = True
    clients[page] = client
turn = {page: 0 for page in targets.paths}
print(json.dumps(sorted(targets.paths)), flush=True)
for line in sys.stdin:
    page, count = line.split()
    paths, client, times = targets.paths[page], clients[page], []
    for _ in range(int(count)):
        path = paths[turn[page] % len(paths)]
        turn[page] += 1
        spent.update(render=0.0, sql=0.0)
        cpu = time.process_time()
        start = time.perf_counter()
        response = client.get(path)
        response.get_data()
        total = time.perf_counter() - start
        cpu = time.process_time() - cpu
        times.append([total * 1000, spent["render"] * 1000, spent["sql"] * 1000, cpu * 1000])
        assert response.status_code == 200, (path, response.status_code)
    print(json.dumps(times), flush=True)
"""


def load(checkout: Path, size: int) -> str:
    """Load (or keep) the checkout's SQLite forum of this size; its URL."""
    subprocess.run(  # noqa: S603 - our own command line, no shell
        [
            sys.executable,
            "bench/run.py",
            "--db",
            "sqlite",
            "--sizes",
            str(size),
            "--reuse",
            "--requests",
            "1",
            "--warmup",
            "0",
            "--no-wrk",
            "--no-write",
        ],
        cwd=checkout,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    name = f"{size // 1000}k" if size < 1_000_000 else f"{size // 1_000_000}m"
    return f"sqlite:///{checkout / 'bench' / 'data' / f'bench-{name}.db'}"


class Side:
    def __init__(self, label: str, checkout: Path, url: str) -> None:
        self.label = label
        self.process = subprocess.Popen(  # noqa: S603 - our own command line, no shell
            [sys.executable, "-c", WORKER, url],
            cwd=checkout,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.pages = set(json.loads(self.process.stdout.readline()))

    def ask(self, page: str, count: int) -> list[list[float]]:
        """Per request: milliseconds in all, rendering templates, in SQL, and of CPU."""
        self.process.stdin.write(f"{page} {count}\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="the other checkout (a git worktree)")
    parser.add_argument("--pages", default="question_uncached,question_signed_in,product,company")
    parser.add_argument("--size", type=int, default=10_000, help="questions in the forum")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--requests", type=int, default=5, help="per page, per side, per round")
    args = parser.parse_args(argv)

    base_dir = args.base.resolve()
    sides = [
        Side("base", base_dir, load(base_dir, args.size)),
        Side("head", HEAD, load(HEAD, args.size)),
    ]
    pages = args.pages.split(",")
    times: dict[tuple[str, str], list[list[float]]] = {}
    try:
        for page in pages:
            for side in sides:
                if page not in side.pages:
                    raise SystemExit(f"{side.label} has no page {page!r}")
                side.ask(page, args.requests)  # warm up
        for _ in range(args.rounds):
            for page in pages:
                for side in random.sample(sides, len(sides)):
                    times.setdefault((page, side.label), []).extend(side.ask(page, args.requests))
    finally:
        for side in sides:
            side.close()

    samples = args.rounds * args.requests
    print(f"medians of {samples} requests, ms: all (templates, SQL, the rest)")
    print(f"{'page':<20} {'base':>22} {'head':>22} {'change':>8}")
    for page in pages:
        medians = {}
        for side in ("base", "head"):
            rows = times[page, side]
            whole = statistics.median(row[0] for row in rows)
            parts = [statistics.median(row[i] for row in rows) for i in (1, 2)]
            rest = statistics.median(row[0] - row[1] - row[2] for row in rows)
            medians[side] = (whole, f"{whole:6.2f} ({parts[0]:.2f}, {parts[1]:.2f}, {rest:.2f})")
        change = (medians["head"][0] / medians["base"][0] - 1) * 100
        print(f"{page:<20} {medians['base'][1]:>22} {medians['head'][1]:>22} {change:+7.1f}%")


if __name__ == "__main__":
    main()
