"""The bench loader builds apps of its own with ``RATELIMIT_ENABLED=False``, and
Flask-Limiter keeps that on its one shared ``limiter``: it is put back after each module of
tests here, so the limits' tests that run later find it on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.extensions import limiter


@pytest.fixture(autouse=True, scope="module")
def _limiter_stays_on() -> Iterator[None]:
    enabled = limiter.enabled
    yield
    limiter.enabled = enabled
