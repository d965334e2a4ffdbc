"""What the API's views share: pages of lists and their cursors."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from app.errors import DomainError
from app.i18n import _l
from app.pagination import BadCursor, Page

T = TypeVar("T")

BAD_CURSOR = _l("This cursor was not issued by this server. Start again without one.")


class BadCursorError(DomainError):
    status = 400
    code = "bad_cursor"


def page_or_400(read: Callable[[], Page[T]]) -> Page[T]:
    """The page ``read`` returns; a cursor the server did not issue is a 400."""
    try:
        return read()
    except BadCursor:
        raise BadCursorError(BAD_CURSOR, fields={"cursor": BAD_CURSOR}) from None


def as_page(page: Page[T]) -> dict:
    return {"items": page.items, "next_cursor": page.next_cursor}
