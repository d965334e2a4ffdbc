"""What a person can see of a piece of text: the rules names and posts share.

- A **name** (a company's, a product's, a display name, a staff title) is NFKC-normalised
  with its whitespace collapsed, and may not hold bidirectional controls (which reorder
  what follows them: "Acme\\u202eevil" shows as something else) nor invisible characters
  (a zero-width space makes "Acme" a different string that reads the same).
- A title, body or name that **shows nothing** — only whitespace, zero-width, invisible or
  control characters — counts as empty.

Pure functions over ``str``; nothing here knows about Flask or the database.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from app.i18n import _, _l

# Bidirectional controls: ARABIC LETTER MARK, LRM, RLM, the embeddings and overrides
# (LRE, RLE, PDF, LRO, RLO) and the isolates (LRI, RLI, FSI, PDI).
BIDI_CONTROLS = frozenset({0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 17.0.0): what
# a renderer shows nothing for when it has no glyph. Kept as ranges because Python's
# unicodedata does not carry the property; the list has been stable for years.
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),  # SOFT HYPHEN
    (0x034F, 0x034F),  # COMBINING GRAPHEME JOINER
    (0x061C, 0x061C),  # ARABIC LETTER MARK
    (0x115F, 0x1160),  # HANGUL CHOSEONG FILLER, HANGUL JUNGSEONG FILLER
    (0x17B4, 0x17B5),  # KHMER VOWEL INHERENT AQ, AA
    (0x180B, 0x180F),  # MONGOLIAN FREE VARIATION SELECTORS, MONGOLIAN VOWEL SEPARATOR
    (0x200B, 0x200F),  # ZERO WIDTH SPACE, ZWNJ, ZWJ, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x206F),  # WORD JOINER, invisible operators, bidi isolates, deprecated formats
    (0x3164, 0x3164),  # HANGUL FILLER
    (0xFE00, 0xFE0F),  # VARIATION SELECTORS
    (0xFEFF, 0xFEFF),  # ZERO WIDTH NO-BREAK SPACE (byte order mark)
    (0xFFA0, 0xFFA0),  # HALFWIDTH HANGUL FILLER
    (0xFFF0, 0xFFF8),  # reserved
    (0x1BCA0, 0x1BCA3),  # SHORTHAND FORMAT controls
    (0x1D173, 0x1D17A),  # MUSICAL SYMBOL BEGIN BEAM … END PHRASE
    (0xE0000, 0xE0FFF),  # tags, VARIATION SELECTORS SUPPLEMENT, reserved
)

# Not default-ignorable, yet drawn as nothing: the blank braille pattern is the usual
# "invisible name" trick where zero-width characters are already refused.
BLANK_LOOKING = frozenset({0x2800})

# The emoji and text presentation selectors (VS16, VS15) only choose how the character
# before them is drawn ("❤️"); they are allowed in names. The skeleton ignores them.
PRESENTATION_SELECTORS = frozenset({0xFE0E, 0xFE0F})

CONTROL_MESSAGE = _l("Use letters, digits and punctuation only: no control characters.")


def is_default_ignorable(char: str) -> bool:
    """Whether ``char`` has Unicode's Default_Ignorable_Code_Point property."""
    point = ord(char)
    if point < 0x00AD:  # ASCII and Latin-1 letters: most of what anyone types
        return False
    return any(low <= point <= high for low, high in DEFAULT_IGNORABLE)


def is_invisible(char: str) -> bool:
    """A character that shows nothing by itself: a format character (zero-width spaces and
    joiners, bidi controls, the soft hyphen …), any other default-ignorable code point
    (variation selectors, Hangul fillers, tags) or the blank braille pattern."""
    return (
        unicodedata.category(char) == "Cf"
        or ord(char) in BLANK_LOOKING
        or is_default_ignorable(char)
    )


def is_visible(char: str) -> bool:
    """Whether ``char`` puts ink on the page: not whitespace, not a control, not invisible."""
    return not (
        char.isspace()
        or unicodedata.category(char) in {"Cc", "Zs", "Zl", "Zp"}
        or is_invisible(char)
    )


def has_visible(text: str) -> bool:
    """Whether any character of ``text`` can be seen."""
    return any(is_visible(char) for char in text)


def without_invisible(text: str) -> str:
    """``text`` without its invisible characters (whitespace stays): what a reader counts."""
    return "".join(char for char in text if not is_invisible(char))


def _describe(char: str) -> str:
    name = unicodedata.name(char, "").title().replace("-", " ") or "unnamed character"
    return f"U+{ord(char):04X} {name}"


def normalize_name(value: str) -> str:
    """A name as it is stored and compared: NFKC (so fullwidth ``Ａｃｍｅ`` and ``ﬁ`` become
    ``Acme`` and ``fi``), surrounding whitespace dropped, inner runs folded to one space."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def name_problem(name: str) -> str | None:
    """What makes a (normalised) name unfit to show, or None: a control character, a
    bidirectional control, an invisible character. Each message names the character."""
    for char in name:
        if unicodedata.category(char) == "Cc":
            return CONTROL_MESSAGE
        if ord(char) in BIDI_CONTROLS:
            return _(
                "Remove the text direction control (%(character)s): it makes a name "
                "read differently from what it is.",
                character=_describe(char),
            )
    for char in name:
        if is_invisible(char) and ord(char) not in PRESENTATION_SELECTORS:
            return _(
                "Remove the invisible character (%(character)s): a name may only "
                "hold characters people can see.",
                character=_describe(char),
            )
    return None


NUL_MESSAGE = _l("This cannot contain NUL characters.")


def clean_text(
    value: Any, *, label: str, minimum: int, maximum: int, one_line: bool = False
) -> tuple[str, str | None]:
    """The stripped text and what is wrong with it (``None`` when it is fine).

    The rule every post's text follows (titles, bodies, notes, reasons, private details).
    ``one_line`` folds every run of whitespace into one space (titles). Text that shows
    nothing (only whitespace, zero-width, invisible or control characters) is empty, and
    ``minimum`` counts only the characters a reader sees (and spaces).
    """
    if not isinstance(value, str):
        return "", f"{label} must be text."
    if "\x00" in value:
        return value, NUL_MESSAGE
    text = " ".join(value.split()) if one_line else value.strip()
    if text and not has_visible(text):
        return text, f"{label} cannot be empty: it has only invisible characters."
    if len(without_invisible(text)) < minimum:
        if minimum <= 1:
            return text, f"{label} cannot be empty."
        return text, f"{label} needs at least {minimum} characters."
    if len(text) > maximum:
        return text, f"{label} can be at most {maximum:,} characters (it has {len(text):,})."
    return text, None
