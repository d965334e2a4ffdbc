"""Time the public scorecard (app/insights/scorecard.py) on a seeded bench forum.

    flask --app wsgi seed-bench --questions 100000 --database-url sqlite:////tmp/sc.db --reset
    .venv/bin/python bench/scorecard.py sqlite:////tmp/sc.db

Prints, for the company with the most questions, the median of 30 computations of its
scorecard (one SELECT, no cache), of its directory rank (the expression every scorecard write
runs inside its UPDATE), and the time of ``flask scorecard-rank`` over every company.
"""

import statistics
import sys
import time

import sqlalchemy as sa

from app import create_app
from app.companies.models import Company
from app.extensions import db
from app.insights.scorecard import compute, rank_all, rank_expression

url = sys.argv[1]
app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PAGE_CACHE_SECONDS": 0})
with app.app_context():
    companies = db.session.scalars(sa.select(Company).order_by(Company.question_count.desc())).all()
    claimed = [c for c in companies if c.claimed_at is not None]
    picks = {
        "largest": companies[0],
        "largest claimed": max(claimed, key=lambda c: c.question_count),
    }
    for label, c in picks.items():
        compute(c)
        times = []
        for _ in range(30):
            t = time.perf_counter()
            card = compute(c)
            times.append((time.perf_counter() - t) * 1000)
        print(
            f"{label} ({c.question_count} questions): "
            f"median {statistics.median(times):.2f} ms, max {max(times):.2f} ms; {card}"
        )
        times = []
        for _ in range(30):
            t = time.perf_counter()
            db.session.execute(sa.select(rank_expression(c.id))).scalar()
            times.append((time.perf_counter() - t) * 1000)
        print(f"  rank expression: median {statistics.median(times):.2f} ms")
    t = time.perf_counter()
    n = rank_all()
    print(f"rank_all: {n} companies in {(time.perf_counter() - t) * 1000:.0f} ms")
