"""Every string the interface shows is in the catalogue, and Danish has all of them.

Run one area with ``-k`` (``pytest tests/i18n -k questions``): areas are the folders of
``templates/`` and the packages of ``app/``; the top-level files are the area "site".
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.i18n.strings import APP, ROOT, TEMPLATES, python_findings, template_findings

TRANSLATIONS = APP / "translations"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
}


def area(path: Path) -> str:
    """The folder under templates/ or the package under app/ a file belongs to."""
    base = TEMPLATES if path.is_relative_to(TEMPLATES) else APP
    parts = path.relative_to(base).parts
    return parts[0] if len(parts) > 1 else "site"


def _files_by_area() -> dict[str, list[Path]]:
    files: dict[str, list[Path]] = defaultdict(list)
    for path in [*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt"), *APP.rglob("*.py")]:
        files[area(path)].append(path)
    return dict(files)


FILES = _files_by_area()
AREAS = sorted(FILES)


@pytest.mark.parametrize("name", AREAS)
def test_every_string_shown_goes_through_gettext(name: str) -> None:
    templates = [p for p in FILES[name] if p.suffix in {".html", ".txt"}]
    modules = [p for p in FILES[name] if p.suffix == ".py"]
    findings = (template_findings(templates) if templates else []) + (
        python_findings(modules) if modules else []
    )
    assert not findings, "not marked for translation:\n" + "\n".join(findings)


def _not_hidden(path: str) -> bool:
    """As ``make translations`` (``--ignore-dirs='.*'``): Babel's default would also skip
    folders starting with "_", and so every string of templates/_macros."""
    return not Path(path).name.startswith(".")


def _extracted() -> dict[str, set[str | tuple[str, ...]]]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    by_area: dict[str, set[str | tuple[str, ...]]] = defaultdict(set)
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_not_hidden
    ):
        by_area[area(ROOT / filename)].add(message)
    return by_area


EXTRACTED = _extracted()


def _danish():
    with open(TRANSLATIONS / "da" / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale="da")


@pytest.mark.parametrize("name", AREAS)
def test_danish_has_every_message_translated(name: str) -> None:
    catalogue = _danish()
    problems = []
    for message in sorted(EXTRACTED.get(name, ()), key=str):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(msgid)
        if entry is None:
            problems.append(f"missing: {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not all(entry.string if isinstance(entry.string, tuple) else [entry.string]):
            problems.append(f"untranslated: {msgid!r}")
    assert not problems, f"{len(problems)} Danish messages to mend:\n" + "\n".join(problems)


def test_compiled_catalogues_are_current() -> None:
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, (
            f"{mo.relative_to(ROOT)} is older than its .po: run `make install`"
        )
