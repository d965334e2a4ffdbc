"""Generated avatars (issue 13): a circle of colour with a person's initials, drawn as an
inline SVG from the user row the page already loaded.

No image is fetched from anywhere (no Gravatar: it would tell another host who reads which
page) and none is stored: the same username always gives the same colour, the initials come
from the name shown beside it, and a page of thirty answers costs no statement more. The
SVG is decoration beside the person's name (``aria-hidden``); the colours are dark enough
for white letters (lightness 30%: at least 4.5:1 whatever the hue). A former member gets a
grey circle with no initials.
"""

from __future__ import annotations

import hashlib
from typing import Any

from markupsafe import Markup

from app.accounts import bp

_FORMER_COLOUR = "#6b6b6b"


def initials(user: Any) -> str:
    """One or two letters: of the display name's first two words, else of the username's
    parts (split at ``_`` and ``-``)."""
    name = user.display_name or user.username.replace("_", " ").replace("-", " ")
    words = [word for word in name.split() if word[:1].isalnum()]
    letters = "".join(word[0] for word in words[:2]) or user.username[:1]
    return letters.upper()


def colour(username: str) -> str:
    """The username's colour: a hue from its hash, saturation and lightness fixed."""
    hue = int.from_bytes(hashlib.sha256(username.encode()).digest()[:2], "big") % 360
    return f"hsl({hue}, 50%, 30%)"


@bp.app_template_global("avatar")
def avatar(user: Any, size: int = 32) -> Markup:
    """The avatar of ``user`` as an inline SVG ``size`` pixels wide."""
    if user.is_former_member:
        fill, letters = _FORMER_COLOUR, ""
    else:
        fill, letters = colour(user.username), initials(user)
    half = size / 2
    return Markup(
        '<svg class="avatar" width="{size}" height="{size}" viewBox="0 0 {size} {size}"'
        ' aria-hidden="true" focusable="false">'
        '<circle cx="{half:g}" cy="{half:g}" r="{half:g}" fill="{fill}"/>'
        '<text x="50%" y="50%" dy=".35em" text-anchor="middle" fill="#fff"'
        ' font-size="{font:g}" font-family="sans-serif">{letters}</text></svg>'
    ).format(size=size, half=half, fill=fill, font=round(size * 0.42, 1), letters=letters)


__all__ = ["avatar", "colour", "initials"]
