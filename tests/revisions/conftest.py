"""Fixtures of the edit history tests: a stopped clock, so each edit has its own minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app import db as db_module

START = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):  # noqa: ANN001, ANN201
    """Helpsquare's clock, stopped at START; ``clock.move(minutes=…)`` moves it on."""

    class Clock:
        now = START

        def move(self, **delta: float) -> None:
            self.now += timedelta(**delta)

    stopped = Clock()
    monkeypatch.setattr(db_module, "CLOCK", lambda: stopped.now)
    return stopped
