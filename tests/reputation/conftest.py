"""Fixtures of the reputation tests: a stopped clock (months matter to the leaderboards)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app import db as db_module

START = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)


class Clock:
    """Helpsquare's clock, stopped at START; ``clock.move(days=…)`` moves it on."""

    def __init__(self) -> None:
        self.now = START

    def move(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    stopped = Clock()
    monkeypatch.setattr(db_module, "CLOCK", lambda: stopped.now)
    return stopped
