"""Unicode's confusable skeleton (UTS #39) over the confusables.txt carried in app/data/."""

from __future__ import annotations

import hashlib
import unicodedata

import pytest

from app import confusables
from app.companies.models import NAME_MAX, NAME_SKELETON_MAX

# confusables.txt of Unicode 17.0.0, as published: a new release is a deliberate change.
DATA_SHA256 = "091c7f82fc39ef208faf8f94d29c244de99254675e09de163160c810d13ef22a"


def test_the_data_is_unicode_s_file_with_its_licence():
    data = confusables.DATA_FILE.read_bytes()

    assert hashlib.sha256(data).hexdigest() == DATA_SHA256
    assert b"# Unicode Security Mechanisms for UTS #39\n# Version: 17.0.0" in data
    licence = (confusables.DATA_FILE.parent / "UNICODE-LICENSE.txt").read_text()
    assert "UNICODE LICENSE V3" in licence


def test_every_line_of_the_file_is_read():
    data_lines = [
        line
        for line in confusables.DATA_FILE.read_text(encoding="utf-8-sig").splitlines()
        if line.split("#", 1)[0].strip()
    ]

    assert len(confusables.prototypes()) == len(data_lines) > 6000


@pytest.mark.parametrize(
    ("text", "skeleton"),
    [
        ("p\u0430ypal", "paypal"),  # Cyrillic a
        ("\U0001d52d\U0001d4b6\u1eff\U0001d561\U0001d552\u2113", "paypal"),  # UTS #39's own
        ("m", "rn"),
        ("1", "l"),
        ("I", "l"),
        ("O", "O"),
        ("0", "O"),
        ("A\u200bc\u2060me", "Acrne"),  # default-ignorable code points are dropped
    ],
)
def test_the_skeleton_follows_uts_39(text, skeleton):
    assert confusables.skeleton(text) == skeleton


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("Acme", "\u0391cme", True),
        ("Acme", "ACME.", True),
        ("Acme", "\uff21\uff43\uff4d\uff45", True),
        ("Paypal", "PaypaI", True),  # only the cased skeleton sees it
        ("Acme", "Acme Cloud", False),
        ("Mail", "Mall", False),
        ("IBM", "LBM", False),
    ],
)
def test_names_that_read_the_same(one, other, same):
    assert confusables.read_the_same(one, other) is same
    assert confusables.read_the_same(other, one) is same


def test_a_skeleton_is_its_own_skeleton():
    for name in ("\u0391\u0441me", "Nimbus Bikes", "Dr\u0456ve Pro", "\uc950\uc954"):
        once = confusables.name_skeleton(name)
        assert confusables.skeleton(once) == once


def test_no_name_has_a_skeleton_longer_than_its_column():
    """The column holds NAME_MAX × SKELETON_CHARS_PER_CHAR characters; no character of a
    stored (NFKC) name makes a longer skeleton than SKELETON_CHARS_PER_CHAR, either way."""
    mapping = confusables.prototypes()
    longest = 1
    for point in range(0x110000):
        char = chr(point)
        if 0xD800 <= point <= 0xDFFF or unicodedata.normalize("NFKC", char) != char:
            continue
        if (
            char not in mapping
            and unicodedata.normalize("NFD", char) == char
            and char.casefold() == char
        ):
            continue  # a character that maps to itself alone
        longest = max(
            longest,
            len(confusables.name_skeleton(char)),
            len(confusables.name_cased_skeleton(char)),
        )

    assert longest <= confusables.SKELETON_CHARS_PER_CHAR
    assert NAME_SKELETON_MAX == NAME_MAX * confusables.SKELETON_CHARS_PER_CHAR
