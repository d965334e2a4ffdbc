"""What a person types into the search box, parsed once and rendered safely for each backend.

The syntax is the one people know from web search engines (and PostgreSQL's
``websearch_to_tsquery``): words must all appear, ``"quoted words"`` must appear
together, ``-word`` or ``-"some words"`` must not appear, and ``or`` between words
offers alternatives. Everything else is ordinary text: parentheses, ``*``,
``NEAR``, ``AND``, column names and stray quotes mean nothing special.

Both backends get the query from this one parse, so they agree on what it means:
SQLite gets an FTS5 ``MATCH`` expression in which every term is a quoted string
(FTS5 reads nothing inside quotes as syntax), PostgreSQL gets a normalised
string for ``websearch_to_tsquery`` (which never raises on any input). The user's
text never reaches either engine's query syntax unquoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Longer input is cut: nobody's search needs more, and it bounds the work per query.
QUERY_MAX = 256
TERMS_MAX = 12
# Similar-question lookups use at most this many words of a title.
TITLE_WORDS_MAX = 10

# PostgreSQL's English stop words (tsearch_data/english.stop). PostgreSQL drops them from
# queries; dropping the same ones on SQLite keeps "how to sync" meaning "sync" on both.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against between
    into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now
    """.split()
)

# A word, as both engines see it: letters and digits of any script.
_WORD = re.compile(r"[^\W_]+")
# A quoted phrase (optionally negated; the closing quote may be missing), or a bare token.
_TOKEN = re.compile(r'(?P<neg>-*)"(?P<phrase>[^"]*)"?|(?P<bare>[^\s"]+)')
# Characters that are never part of a query: NUL, the other controls, lone surrogates
# (no database can store them) and the private-use characters the highlights use.
_CONTROLS = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ue000-\ue002]")


@dataclass(frozen=True)
class Term:
    """Words that must (or, when ``negated``, must not) appear; a ``phrase`` keeps their order."""

    text: str
    phrase: bool = False
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """Alternatives (``or``) of groups; within a group every term must hold."""

    groups: tuple[tuple[Term, ...], ...]

    @property
    def has_exclusions(self) -> bool:
        """Whether some term must not appear (``-word``)."""
        return any(term.negated for group in self.groups for term in group)

    @property
    def is_empty(self) -> bool:
        """Nothing to look for: no words, only stop words, or only exclusions."""
        return not self.groups

    def fts5(self) -> str:
        """The query as an SQLite FTS5 ``MATCH`` expression; every term a quoted string."""
        alternatives = []
        for group in self.groups:
            positives = " AND ".join(_fts5_string(t.text) for t in group if not t.negated)
            expression = f"({positives})"
            for term in group:
                if term.negated:
                    expression = f"({expression} NOT {_fts5_string(term.text)})"
            alternatives.append(expression)
        return " OR ".join(alternatives)

    def websearch(self) -> str:
        """The query as ``websearch_to_tsquery`` input, rebuilt from this parse."""
        return " or ".join(
            " ".join(_websearch_term(term) for term in group) for group in self.groups
        )


def _fts5_string(text: str) -> str:
    # Inside double quotes FTS5 treats everything as text to tokenize; a quote is doubled.
    return '"' + text.replace('"', '""') + '"'


def _websearch_term(term: Term) -> str:
    text = f'"{term.text}"' if term.phrase else term.text
    return f"-{text}" if term.negated else text


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def clean(raw: object) -> str:
    """The query text as searched: a string without control characters, cut to ``QUERY_MAX``."""
    if not isinstance(raw, str):
        return ""
    return " ".join(_CONTROLS.sub(" ", raw[: QUERY_MAX * 4]).split())[:QUERY_MAX]


def parse(raw: object) -> ParsedQuery:
    """Parse what was typed into the search box; never raises, whatever the input."""
    groups: list[list[Term]] = [[]]
    terms = 0
    for match in _TOKEN.finditer(clean(raw)):
        if terms >= TERMS_MAX:
            break
        if match.group("bare") is not None:
            token = match.group("bare")
            negated = token.startswith("-")
            text = token.lstrip("-")
            if not negated and text.lower() == "or":
                groups.append([])
                continue
            words = _words(text)
            # A bare stop word (or a run of them, "it's") finds nothing on PostgreSQL either.
            if not words or all(word in STOP_WORDS for word in words):
                continue
            groups[-1].append(Term(text, phrase=False, negated=negated))
        else:
            text = " ".join(match.group("phrase").split())
            words = _words(text)
            if not words or all(word in STOP_WORDS for word in words):
                continue
            groups[-1].append(Term(text, phrase=True, negated=bool(match.group("neg"))))
        terms += 1
    # A group with only exclusions would mean "everything except", which no index can
    # answer quickly (and FTS5 cannot express): it is left out.
    kept = tuple(tuple(group) for group in groups if any(not t.negated for t in group))
    return ParsedQuery(kept)


def title_words(title: object) -> list[str]:
    """The telling words of a title, for "similar questions": no stop words, no repeats."""
    return all_title_words(title)[:TITLE_WORDS_MAX]


def all_title_words(title: object) -> list[str]:
    """Every word ``title_words`` would take from a title, however many (for counting how
    common each is: ``app.search.terms``)."""
    seen: dict[str, None] = {}
    for word in _words(clean(title)):
        if len(word) > 1 and word not in STOP_WORDS:
            seen.setdefault(word)
    return list(seen)


def fts5_any_word(words: list[str]) -> str:
    """An FTS5 expression matching any of ``words`` (quoted) in a question's title."""
    return "{title} : (" + " OR ".join(_fts5_string(word) for word in words) + ")"


def tsquery_any_word(words: list[str]) -> str:
    """A ``to_tsquery`` string matching any of ``words`` (for a question's title).

    ``words`` come from ``title_words``: letters and digits only, so none is tsquery syntax;
    each is still quoted as a literal.
    """
    return " | ".join("'" + word.replace("'", "''").replace("\\", "\\\\") + "'" for word in words)
