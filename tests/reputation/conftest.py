"""Fixtures of the reputation tests: the stopped clock of the limits tests (months matter to
the leaderboards: it stands at 3 March 2026, and ``clock.move(days=30)`` is April)."""

from __future__ import annotations

from tests.limits.conftest import clock  # noqa: F401 - the fixture, shared
