"""Names that read the same: Unicode's confusable skeleton (UTS #39, section 4).

Two strings are confusable when their *skeletons* are equal: "Αcme" with a Greek capital
alpha, "Асme" with a Cyrillic one and "Acme" all have the skeleton "Acrne". The mapping is
Unicode's own ``confusables.txt`` (Unicode Security Mechanisms, version in its header),
carried verbatim in ``app/data/`` with its licence (``UNICODE-LICENSE.txt``): no Python
library that is maintained computes the UTS #39 skeleton, and a hand-typed table would be a
guess. To update it, replace the file with a newer release of
``https://www.unicode.org/Public/security/latest/confusables.txt``; its checksum is pinned
in ``tests/test_confusables.py`` so a change is deliberate.

A skeleton is for comparing, never for showing: it is a hodgepodge of scripts.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from app.text import is_default_ignorable

DATA_FILE = Path(__file__).parent / "data" / "confusables.txt"

# The longest skeleton one character of a stored (NFKC) name can make, through
# ``name_skeleton`` (a Hangul syllable: three jamo, some of which map to two or three);
# ``tests/test_confusables.py`` checks it against the data.
SKELETON_CHARS_PER_CHAR = 7


@cache
def prototypes() -> dict[str, str]:
    """Each confusable character and the prototype it reads as, from ``confusables.txt``.

    A data line is ``source ; target ; MA # comment``: one code point, then the code
    points of its prototype (one or more), in hex.
    """
    mapping: dict[str, str] = {}
    with DATA_FILE.open(encoding="utf-8-sig") as lines:
        for line in lines:
            data = line.split("#", 1)[0].strip()
            if not data:
                continue
            source, target, _kind = (field.strip() for field in data.split(";"))
            mapping[chr(int(source, 16))] = "".join(chr(int(p, 16)) for p in target.split())
    return mapping


def skeleton(text: str) -> str:
    """UTS #39 ``skeleton(X)``: NFD, default-ignorable code points removed, each character
    replaced by its prototype, NFD again."""
    mapping = prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    kept = (char for char in decomposed if not is_default_ignorable(char))
    mapped = "".join(mapping.get(char, char) for char in kept)
    return unicodedata.normalize("NFD", mapped)


def _reading(text: str) -> str:
    # "Acme." reads as "Acme": trailing dots (and the spaces before them) do not count.
    return text.rstrip(". ")


def name_skeleton(name: str) -> str:
    """What a company or product name reads as, whatever its letter case: the skeleton of
    its NFKC, case-folded form. "ACME", "acme", "Acme." and "Αcme" (a Greek capital alpha)
    are all ``acrne``.
    """
    return _reading(skeleton(unicodedata.normalize("NFKC", name).casefold()))


def name_cased_skeleton(name: str) -> str:
    """What a name looks like letter by letter, case kept: the skeleton of its NFKC form.

    Case folding hides one classic look-alike: a capital I drawn like a small l ("PaypaI"
    for "Paypal") folds to an i, which is no l. Before folding, the skeleton sees it; so
    names are compared both ways, and equal either way reads the same.
    """
    return _reading(skeleton(unicodedata.normalize("NFKC", name)))


def read_the_same(name: str, other: str) -> bool:
    """Whether a reader could take one name for the other (either skeleton equal)."""
    return name_skeleton(name) == name_skeleton(other) or (
        name_cased_skeleton(name) == name_cased_skeleton(other)
    )
