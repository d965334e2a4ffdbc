"""Private details (product.md, "Private details"): the field rules that asking, editing,
answering and editing an answer share.

On a claimed company the asker may add private details to their question (an order number,
an account e-mail, logs), and the company's staff may answer with private details. They are
Markdown of at most 5,000 characters, rendered and sanitized on write by ``app.content`` and
stored beside their source; an empty value means none. Who reads them is
``app.visibility.can_read_private_details``; who writes them, the services (the asker and
moderators on a question, ``Permission.ANSWER_PRIVATE_DETAILS`` on an answer).

They keep no edit history: the history is public to every reader of the post, and what
someone takes out of their private details (a password pasted by mistake) must be gone, not
kept in an older version. Changing only them is no edit others see either: the post's
``updated_at``, its "(edited)" mark, its page version and its search entry stay as they are.
"""

from __future__ import annotations

from typing import Any

from app import content
from app.i18n import _, _l
from app.questions.models import PRIVATE_DETAILS_MAX
from app.text import clean_text

LABEL = _l("Private details")


def clean(value: Any) -> tuple[str | None, str | None]:
    """The private details as stored (``None``: none; an empty or blank value clears them)
    and what is wrong with them (``None`` when nothing): text, no NUL, at most 5,000
    characters, and not only invisible characters. ``value`` ``None`` means none."""
    if value is None:
        return None, None
    text, why = clean_text(value, label=str(LABEL), minimum=0, maximum=PRIVATE_DETAILS_MAX)
    return (text or None), why


def unclaimed(company: Any) -> str:
    """Why a company that has not claimed its page takes no private details."""
    return _(
        "%(company)s has not claimed its page on Helpsquare, so there is nobody from "
        "%(company)s to read private details. Leave this empty.",
        company=company.name,
    )


def not_staff(company: Any) -> str:
    """Why someone who is not the company's staff adds no private details to an answer."""
    return _("Only %(company)s's staff add private details to an answer.", company=company.name)


def problems(
    company: Any, value: Any, *, current: str | None = None, may_write: bool = True
) -> dict[str, str]:
    """What is wrong with setting a post's private details (now ``current``) to ``value``
    (``None``: left as they are), at the field ``private_details``: their own bounds, then a
    company that has not claimed its page (new details refused; clearing is fine), then a
    writer who may not write them (``may_write``). Empty when nothing is, or nothing changes.
    """
    if value is None:
        return {}
    text, why = clean(value)
    if why:
        return {"private_details": why}
    if text == current:
        return {}
    if text is not None and not company.is_claimed:
        return {"private_details": unclaimed(company)}
    if not may_write:
        return {"private_details": not_staff(company)}
    return {}


def write(post: Any, text: str | None) -> None:
    """Store ``text`` (``None``: none) as the post's private details, rendered on write."""
    if text is None:
        post.private_details = post.private_details_html = None
        post.private_details_renderer_version = None
        return
    rendered = content.render(text)
    post.private_details = text
    post.private_details_html = rendered.html
    post.private_details_renderer_version = rendered.version


__all__ = ["LABEL", "clean", "not_staff", "problems", "unclaimed", "write"]
