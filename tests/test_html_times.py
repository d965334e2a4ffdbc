"""Times in pages: ``<time datetime>`` in whole seconds (HTML allows at most three fraction
digits; the Nu HTML Checker in tests/standards rejects more)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from app.templating import iso
from tests.factories import make_answer, make_question


def test_iso_drops_the_fraction_of_a_second():
    moment = datetime(2026, 12, 4, 1, 39, 43, 747390, tzinfo=UTC)

    assert iso(moment) == "2026-12-04T01:39:43+00:00"
    assert iso(None) == ""


def test_a_question_page_gives_its_times_in_whole_seconds(client):
    question = make_question()
    make_answer(question)

    page = client.get(f"/questions/{question.id}/{question.slug}").get_data(as_text=True)
    times = re.findall(r'<time datetime="([^"]+)"', page)

    assert len(times) >= 2
    for value in times:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\+00:00|Z)?", value), value
