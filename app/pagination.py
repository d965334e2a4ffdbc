"""Keyset pagination: opaque cursors and the page they lead to.

A cursor carries the sort key and id of the last row shown; the next page
selects rows strictly after it, so page 1000 costs what page 1 costs and rows
arriving meanwhile do not shift what the reader sees.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from app.db import MAX_ID
from app.i18n import _l

T = TypeVar("T")


# Cursors this server issues are well under 100 characters; a much longer one is not ours,
# and decoding it could recurse deeply (JSON nested thousands of levels).
CURSOR_MAX = 200


# What a page says (a 400) when its list was given a cursor this server did not issue.
BAD_PAGE_LINK = _l("That page link is not valid. Start again from the first page.")


class BadCursor(ValueError):
    """A cursor this server did not issue."""


def cursor_from(args: Mapping[str, str]) -> str | None:
    """The ``cursor`` a list page was given; ``BadCursor`` for one far too long to be ours."""
    cursor = args.get("cursor") or None
    if cursor is not None and len(cursor) > CURSOR_MAX:
        raise BadCursor("cursor is not valid")
    return cursor


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(key: int | datetime, row_id: int) -> str:
    value: Any = key.isoformat() if isinstance(key, datetime) else key
    raw = json.dumps([value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, key_type: type) -> tuple[Any, int]:
    """The (sort key, id) a cursor carries; ``BadCursor`` for anything else, however crafted.

    The id is a whole number that can exist (1 to ``MAX_ID``); an ``int`` key is a whole
    number in the same range either way; a ``datetime`` key is an ISO 8601 time with an
    offset that has a UTC form, returned in UTC. Floats, booleans, nested lists, strings
    that are not ours: all ``BadCursor``.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, row_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, RecursionError) as error:
        raise BadCursor("cursor is not valid") from error
    if type(row_id) is not int or not 0 < row_id <= MAX_ID:
        raise BadCursor("cursor is not valid")
    if key_type is datetime:
        if not isinstance(value, str):
            raise BadCursor("cursor is not valid")
        try:
            key = datetime.fromisoformat(value)
        except ValueError as error:
            raise BadCursor("cursor is not valid") from error
        if key.tzinfo is None:
            raise BadCursor("cursor is not valid")
        try:
            # In UTC here, as every stored time is: a time by year 1 or 9999 with an offset
            # has no UTC form, and would fail later, in the database layer, as a 500.
            return key.astimezone(UTC), row_id
        except OverflowError as error:
            raise BadCursor("cursor is not valid") from error
    if type(value) is not int or abs(value) > MAX_ID:
        raise BadCursor("cursor is not valid")
    return value, row_id
