"""The reasons Helpsquare itself gives for taking a post down, and how a reader sees them.

These few are stored with the post and in the public moderation log as written here, in
English, like a moderator's own words are stored as typed: a row must not carry the
language of whoever happened to cause it. They are put into the reader's language where
they are shown (``shown_reason``, the ``moderation_reason`` template filter); any other
reason is a moderator's text, shown as written.
"""

from __future__ import annotations

import re

from app.i18n import _, _l

AUTO_HIDE_REASON = "Hidden pending review after flags"
BY_AUTHOR = "deleted by its author"
BY_MODERATOR = "deleted by a moderator"

_SHOWN = {
    AUTO_HIDE_REASON: _l("Hidden pending review after flags"),
    BY_AUTHOR: _l("deleted by its author"),
    BY_MODERATOR: _l("deleted by a moderator"),
}


# A merge's line in the log: "A duplicate of question 12".
_DUPLICATE = re.compile(r"A duplicate of question (\d+)")


def duplicate_reason(original_id: int) -> str:
    """The stored reason of a merge (``shown_reason`` words it for the reader)."""
    return f"A duplicate of question {original_id}"


def shown_reason(reason: str | None) -> str:
    """A stored reason as the reader reads it: Helpsquare's own in their language, a
    moderator's as typed."""
    text = reason or ""
    shown = _SHOWN.get(text)
    if shown is not None:
        return str(shown)
    duplicate = _DUPLICATE.fullmatch(text)
    if duplicate:
        return _("A duplicate of question %(id)s", id=duplicate.group(1))
    return text


__all__ = ["AUTO_HIDE_REASON", "BY_AUTHOR", "BY_MODERATOR", "duplicate_reason", "shown_reason"]
