"""Fixtures for the limits on writing: a stopped clock both Helpsquare and the ``limits``
library read, and people posting from a network address."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import limits.storage.memory
import pytest
from flask import Flask

import app.db
from tests.ops.conftest import make_app  # noqa: F401 - other apps, for test_apps.py

START = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
OFFICE = "203.0.113.7"
HOME = "198.51.100.20"


class Clock:
    """The time every "now" reads; ``clock.move(minutes=…)`` moves it on."""

    def __init__(self) -> None:
        self.now = START

    def move(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    stopped = Clock()
    monkeypatch.setattr(app.db, "CLOCK", lambda: stopped.now)
    # The limits library's in-memory storage reads the wall clock itself (time.time), as
    # utcnow does in production: here both read the stopped clock.
    monkeypatch.setattr(
        limits.storage.memory, "time", SimpleNamespace(time=lambda: stopped.now.timestamp())
    )
    return stopped


@pytest.fixture
def from_address(app: Flask):
    """``with from_address(OFFICE): services…``: a service called inside a request that
    came from that address, as the pages and the API call it."""

    @contextmanager
    def request_from(address: str) -> Iterator[None]:
        with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
            yield

    return request_from
