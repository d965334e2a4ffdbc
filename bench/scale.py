#!/usr/bin/env python
"""Does a page cost the same at a million questions as at 100,000? Interleaved, one checkout.

    .venv/bin/python bench/scale.py --sizes 100000,1000000 \\
        --pg-url postgresql://postgres@127.0.0.1:5432/hs_bench

``bench/run.py`` measures one forum after another; on a machine other work shares, the load
changes between the two more than the forum's size does. This opens each forum (loaded
beforehand by ``bench/run.py --db postgresql --sizes N``, which names the databases
``<pg-url's name>_100k``, ``…_1m``) in a process of its own (``bench/compare.py``'s worker)
and asks them for a few requests of the same page in turn, in random order, round after
round: both sizes see the same load, so the ratio of their figures is what the size costs.
It prints, per page, the median and p95 wall time, the median CPU and SQL time at each size
and their ratios, and the 1-minute load average seen while measuring; the raw times go to
``bench/data/scale-last.json``.

Pages are ``bench/run.py``'s names (default: every GET page it measures). Nothing is
loaded here: a forum that is missing is an error.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402 - the path above first
from bench.compare import Side  # noqa: E402

PAGES = [
    "home",
    "company",
    "product",
    "question",
    "question_uncached",
    "question_signed_in",
    "search",
    "similar",
    "list_1",
    "list_500",
    "leaderboard",
    "company_leaderboard",
]
WITHIN = 0.20  # the bar: a page at 1M costs what it costs at 100k, within 20%


def forum_url(db: str, size: int, pg_base: str) -> str:
    """The URL ``bench/run.py`` loads this size into; refuses a forum that is not loaded."""
    from app.config import database_url_from_env

    if db == "sqlite":
        url = run.database_url(db, size, pg_base)
    else:
        base = sa.engine.make_url(database_url_from_env(pg_base))
        url = base.set(database=f"{base.database}_{run.short(size).lower()}").render_as_string(
            hide_password=False
        )
    try:
        loaded = run._has_questions(url)
    except sa.exc.OperationalError:
        loaded = False
    if not loaded:
        raise SystemExit(
            f"No forum of {size:,} questions at {url}: load it first with "
            f"bench/run.py --db {db} --sizes {size} --reuse"
        )
    return url


def database_size(url: str) -> int | None:
    if not url.startswith("postgresql"):
        path = Path(sa.engine.make_url(url).database or "")
        return path.stat().st_size if path.exists() else None
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(
                "SELECT pg_database_size(current_database())"
            ).scalar_one()
    finally:
        engine.dispose()


def p95(values: list[float]) -> float:
    return run.percentile(values, 0.95)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--sizes", default="100000,1000000", help="two question counts")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", run.PG_DEFAULT))
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--requests", type=int, default=5, help="per page, per size, per round")
    parser.add_argument("--warmup", type=int, default=20, help="per page and size, first")
    args = parser.parse_args(argv)

    sizes = [int(s) for s in args.sizes.split(",")]
    if len(sizes) != 2:
        raise SystemExit("--sizes takes two question counts, the smaller first")
    labels = [run.short(size) for size in sizes]
    urls = [forum_url(args.db, size, args.pg_url) for size in sizes]
    sides = [Side(label, ROOT, url) for label, url in zip(labels, urls, strict=True)]
    pages = [p for p in args.pages.split(",") if all(p in side.pages for side in sides)]
    times: dict[tuple[str, str], list[list[float]]] = {}
    loads: list[float] = []
    started = time.time()
    try:
        for page in pages:
            for side in sides:
                side.ask(page, args.warmup)
        for _ in range(args.rounds):
            loads.append(os.getloadavg()[0])
            for page in pages:
                for side in random.sample(sides, len(sides)):
                    times.setdefault((page, side.label), []).extend(side.ask(page, args.requests))
    finally:
        for side in sides:
            side.close()
    wall = time.time() - started

    small, large = labels
    samples = args.rounds * args.requests
    print(
        f"{args.db}, {samples} requests per page and size, interleaved "
        f"({args.rounds} rounds of {args.requests}) in {wall / 60:.1f} min; "
        f"1-minute load average {min(loads):.2f}–{max(loads):.2f} "
        f"(median {statistics.median(loads):.2f})"
    )
    for label, url in zip(labels, urls, strict=True):
        size = database_size(url)
        if size is not None:
            print(f"{label}: {sa.engine.make_url(url).database}, {size / 2**30:.2f} GiB")
    print()
    print(
        f"| page | {small} median / p95 ms | {large} median / p95 ms | median ×"
        f" | p95 × | CPU ms {small} / {large} | SQL ms {small} / {large} | within "
        f"{WITHIN:.0%} |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: |")
    summary = {}
    for page in pages:
        figures = {}
        for label in labels:
            rows = times[page, label]
            figures[label] = {
                "median": statistics.median(r[0] for r in rows),
                "p95": p95([r[0] for r in rows]),
                "cpu": statistics.median(r[3] for r in rows) if len(rows[0]) > 3 else None,
                "sql": statistics.median(r[2] for r in rows),
            }
        a, b = figures[small], figures[large]
        ratio, ratio_p95 = b["median"] / a["median"], b["p95"] / a["p95"]
        cpu = f"{a['cpu']:.2f} / {b['cpu']:.2f}" if a["cpu"] is not None else "–"
        ok = "yes" if ratio <= 1 + WITHIN else "**no**"
        print(
            f"| {run.PAGE_LABELS[page]} | {a['median']:.2f} / {a['p95']:.2f} "
            f"| {b['median']:.2f} / {b['p95']:.2f} | {ratio:.2f} | {ratio_p95:.2f} "
            f"| {cpu} | {a['sql']:.2f} / {b['sql']:.2f} | {ok} |"
        )
        summary[page] = figures
    out = run.DATA / "scale-last.json"
    out.parent.mkdir(parents=True, exist_ok=True)  # git-ignored: a fresh checkout has none
    out.write_text(
        json.dumps(
            {
                "db": args.db,
                "sizes": sizes,
                "rounds": args.rounds,
                "requests": args.requests,
                "load_averages": loads,
                "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
                "summary": summary,
                "times": {f"{page} {label}": rows for (page, label), rows in times.items()},
            },
            indent=1,
        )
    )
    print(f"\nRaw times: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
