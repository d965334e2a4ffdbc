"""Checks by tools nobody here wrote: the W3C Nu HTML Checker over the key pages, and an API
client generated from the OpenAPI document (built, type-checked and run).

They start Java or build a package, so they run apart from the fast suite: ``make test``
(plain ``pytest``, or ``-m "not e2e"``) deselects every test marked ``standards``;
``bash .ci/standards`` (``pytest -m standards tests/standards``) installs what they need and
runs them.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep these checks out of the fast suite unless the run picks marks itself (``-m``)."""
    if "standards" in (config.option.markexpr or ""):
        return
    slow = [item for item in items if item.get_closest_marker("standards")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("standards")]
