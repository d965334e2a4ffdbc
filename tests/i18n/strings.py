"""Finding the interface's strings that do not go through gettext.

Extraction (``pybabel extract``) only sees strings someone marked; these checks find the
ones nobody marked, so a page cannot stay half English:

- templates: text between tags, and the attributes people read (``title``, ``alt``,
  ``placeholder``, ``aria-label``, a button's ``value``), outside ``{% trans %}``; and string
  constants in expressions that read as words ("Follow", "Save changes") outside ``_()``;
- Python: the first argument of ``flash()``, a form field's label and ``description``, a
  validator's ``message``, an e-mail's ``subject`` and a raised error's message and field
  messages, unless they come from ``_()``/``_l()``/``ngettext()``.

Each finding is ``"path:line: text"``. Proper names and symbols in ``ALLOWED`` pass.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
APP = ROOT / "app"

# Words that are the same in every language: the product's and standards' names.
ALLOWED = frozenset(
    {"Helpsquare", "Help", "square", "Atom", "RSS", "JSON", "CSV", "API", "OpenAPI"}
)
READ_ATTRIBUTES = frozenset({"title", "alt", "placeholder", "aria-label", "aria-description"})
BUTTON_TYPES = frozenset({"submit", "button", "reset"})
GETTEXT_NAMES = frozenset(
    {"_", "gettext", "ngettext", "pgettext", "npgettext", "_l", "lazy_gettext"}
)
# Anything with a letter, once placeholders, entities and allowed words are taken out.
LETTER = re.compile(r"[^\W\d_]")
WORDS = re.compile(r"^[A-Z][a-z]+\b")  # "Follow", "Save changes": a label, not a CSS class
PLACEHOLDER = "\x00"


def _leftover(text: str) -> str:
    text = text.replace(PLACEHOLDER, " ")
    text = re.sub(r"&[#\w]+;", " ", text)
    words = [w for w in re.split(r"\s+", text) if w and w.strip(".,:;()·—-") not in ALLOWED]
    text = " ".join(words)
    return text.strip() if LETTER.search(text) else ""


class _Text(HTMLParser):
    """Collects the text people read from HTML whose template expressions are placeholders."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[int, str]] = []
        self._skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        values = dict(attrs)
        for name, value in attrs:
            readable = name in READ_ATTRIBUTES or (
                name == "value"
                and tag in {"input", "button"}
                and values.get("type") in BUTTON_TYPES
            )
            if readable and value and _leftover(value):
                self.found.append((self.getpos()[0], f'{name}="{_leftover(value)}"'))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and _leftover(data):
            self.found.append((self.getpos()[0], _leftover(data)))


def _template_source_without_trans(env: Environment, source: str) -> str:
    """The template's text with every expression, tag, comment and ``{% trans %}`` block
    replaced by a placeholder (newlines kept, so line numbers still point right)."""
    out: list[str] = []
    in_trans = False
    expect_name = False
    for _lineno, token, value in env.lex(source):
        if token == "block_begin":
            expect_name = True
        elif expect_name and token == "name":
            if value == "trans":
                in_trans = True
            elif value == "endtrans":
                in_trans = False
            expect_name = False
        elif token not in {"whitespace"}:
            expect_name = False if token != "block_begin" else expect_name
        if token == "data" and not in_trans:
            out.append(value)
        else:
            out.append(PLACEHOLDER + "\n" * value.count("\n"))
    return "".join(out)


def _prose_constants(tree: nodes.Template) -> Iterator[tuple[int, str]]:
    """String constants that read as words, outside gettext calls and comparisons."""

    def walk(node: nodes.Node, shielded: bool) -> Iterator[tuple[int, str]]:
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
            if node.node.name in GETTEXT_NAMES:
                return
        if isinstance(node, nodes.Compare | nodes.Test):
            shielded = True
        if isinstance(node, nodes.Const) and isinstance(node.value, str) and not shielded:
            if WORDS.match(node.value) and _leftover(node.value):
                yield node.lineno, node.value
        for child in node.iter_child_nodes():
            yield from walk(child, shielded)

    yield from walk(tree, False)


def template_findings(paths: list[Path] | None = None) -> list[str]:
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)  # lexed, never rendered
    findings: list[str] = []
    for path in paths or sorted([*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")]):
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        text = _template_source_without_trans(env, source)
        if path.suffix == ".txt":
            for number, line in enumerate(text.splitlines(), start=1):
                if _leftover(line):
                    findings.append(f"{name}:{number}: {_leftover(line)}")
        else:
            parser = _Text()
            parser.feed(text)
            parser.close()
            findings += [f"{name}:{line}: {value}" for line, value in parser.found]
        findings += [
            f"{name}:{line}: {value!r}" for line, value in _prose_constants(env.parse(source))
        ]
    return findings


# --------------------------------------------------------------------------- Python
SHOWN_KEYWORDS = frozenset({"message", "label", "description", "subject"})
NOT_SHOWN_ERRORS = frozenset(
    {
        "ConfigError",
        "RuntimeError",
        "ValueError",
        "TypeError",
        "KeyError",
        "AssertionError",
        "NotImplementedError",
        "LookupError",
        "BadCursor",
        "UsageError",
        "ClickException",
        "BadParameter",
        "Abort",
        "SystemExit",
        "OSError",
        "PermissionError",
        "ImportError",
    }
)


# Calls whose strings nobody reads in the interface: the API's OpenAPI document (English,
# like the API's codes: a contract for programmers) and marshmallow's error keys.
NOT_SHOWN_CALLS = frozenset({"response", "alt_response", "doc", "ApiBlueprint", "make_error"})


def _is_literal(node: ast.AST) -> bool:
    """A string written in the code, not one that came through gettext."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(LETTER.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_is_literal(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) or _is_literal(node.right)
    if isinstance(node, ast.IfExp):
        return _is_literal(node.body) or _is_literal(node.orelse)
    return False


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _python_literals(tree: ast.AST) -> Iterator[tuple[int, str]]:
    raised = {id(node.exc) for node in ast.walk(tree) if isinstance(node, ast.Raise) and node.exc}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node)
        if name in NOT_SHOWN_CALLS:
            continue
        shown: list[ast.AST] = []
        if name == "flash" and node.args:
            shown.append(node.args[0])
        elif name.endswith("Field") and node.args:
            shown.append(node.args[0])  # the label
        elif id(node) in raised and name not in NOT_SHOWN_ERRORS and node.args:
            shown.append(node.args[0])
        shown += [kw.value for kw in node.keywords if kw.arg in SHOWN_KEYWORDS]
        if id(node) in raised and name not in NOT_SHOWN_ERRORS:
            for kw in node.keywords:
                if kw.arg == "fields" and isinstance(kw.value, ast.Dict):
                    shown += kw.value.values  # type: ignore[arg-type]
        for value in shown:
            if value is not None and _is_literal(value):
                yield node.lineno, ast.unparse(value)[:80]


def python_findings(paths: list[Path] | None = None) -> list[str]:
    findings: list[str] = []
    for path in paths or sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = path.relative_to(ROOT)
        findings += [f"{name}:{line}: {text}" for line, text in _python_literals(tree)]
    return findings
