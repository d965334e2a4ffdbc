"""Reading request bodies: JSON only, and nothing a client sends can break the parser."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Request
from webargs.flaskparser import FlaskParser, is_json_request

from app.api.errors import NotJson
from app.i18n import _l

NOT_JSON = _l("The request body is not valid JSON.")
SEND_JSON = _l("Send the request body as JSON, with Content-Type: application/json.")
NOT_UNICODE = _l("The request body holds text that is not valid Unicode.")


def _all_text_is_unicode(data: Any) -> bool:
    """False when a string holds a lone surrogate (``"\\ud800"`` is valid JSON, but no
    database can store it). Walked without recursion: JSON may nest deeply."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


class JsonParser(FlaskParser):
    """webargs' Flask parser, with every way a body can fail to be JSON answered 400."""

    def load_json(self, req: Request, schema: ma.Schema) -> Any:
        if not is_json_request(req):
            # Reading the body here also enforces MAX_CONTENT_LENGTH (413).
            if req.get_data(cache=True):
                raise NotJson(SEND_JSON)
            return ma.missing
        try:
            data = super().load_json(req, schema)
        # Not JSONDecodeError only: a 5,000-digit number is a ValueError of its own, and
        # ten thousand nested brackets a RecursionError.
        except (ValueError, RecursionError) as error:
            raise NotJson(NOT_JSON) from error
        if not _all_text_is_unicode(data):
            raise NotJson(NOT_UNICODE)
        return data

    def _handle_invalid_json_error(self, error: Exception, req: Request, *args: Any, **kwargs: Any):  # noqa: ANN202 - never returns
        raise NotJson(NOT_JSON) from error
