"""A readable diff of two versions of a text, word by word, for the edit history pages.

The diff is of the Markdown SOURCE, never of the rendered HTML: a reader sees exactly what
was typed, and no user HTML is ever marked safe here. The result is a list of plain-text
segments; the template escapes each one and wraps insertions in ``<ins>`` and deletions in
``<del>``.

Lines are matched first (difflib's ``SequenceMatcher``), then the words of each changed
block, so a long text with one word changed reads as that word, not as the whole paragraph
removed and added again. What both versions share at the start and at the end is set aside
before matching, so the matcher sees only the part that changed. That part is matched only
while the diff's matching budget lasts (``MATCH_BUDGET``); past that it is shown removed
and added as a whole. A matcher's cost grows with the product of the two lengths on
repetitive text, and anyone may edit their own post into such text: a page of versions must
never be slow because of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum


class Op(StrEnum):
    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"
    SKIP = "skip"  # unchanged lines a page leaves out (``with_context``)


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str

    @property
    def lines(self) -> int:
        """How many lines the text spans (for "12 unchanged lines")."""
        return len(self.text.splitlines())


# Words, runs of spaces, line ends and single other characters (punctuation, Markdown marks).
_TOKEN = re.compile(r"\w+|[^\S\n]+|\n|[^\w\s]")
# How much matching one diff may do, counted as (old length × new length) of each part it
# matches line by line or word by word: a few milliseconds on the worst text, whatever the
# post. Once it is spent, the remaining changed parts are shown removed and added whole.
MATCH_BUDGET = 250_000


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _common_ends(old: list[str], new: list[str]) -> tuple[int, int]:
    """How many items both lists share at their start, and then at their end."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, end


class _Differ:
    """One diff being built, with what is left of its matching budget."""

    def __init__(self) -> None:
        self.budget = MATCH_BUDGET
        self.out: list[Segment] = []

    def diff(self, old: list[str], new: list[str], *, words: bool) -> None:
        start, end = _common_ends(old, new)
        self.out.append(Segment(Op.EQUAL, "".join(old[:start])))
        old_middle, new_middle = old[start : len(old) - end], new[start : len(new) - end]
        cost = len(old_middle) * len(new_middle)
        if cost > self.budget:
            self.out.append(Segment(Op.DELETE, "".join(old_middle)))
            self.out.append(Segment(Op.INSERT, "".join(new_middle)))
        else:
            self.budget -= cost
            self.match(old_middle, new_middle, words=words)
        self.out.append(Segment(Op.EQUAL, "".join(old[len(old) - end :])))

    def match(self, old: list[str], new: list[str], *, words: bool) -> None:
        # autojunk: an item found everywhere (a blank line, a space) is not tried as an
        # anchor against each of its copies. Every segment is still old or new text, exactly.
        matcher = SequenceMatcher(None, old, new, autojunk=True)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                self.out.append(Segment(Op.EQUAL, "".join(old[i1:i2])))
            elif tag == "replace" and not words:
                old_words, new_words = _tokens("".join(old[i1:i2])), _tokens("".join(new[j1:j2]))
                self.diff(old_words, new_words, words=True)
            else:
                self.out.append(Segment(Op.DELETE, "".join(old[i1:i2])))
                self.out.append(Segment(Op.INSERT, "".join(new[j1:j2])))


def _merged(segments: list[Segment]) -> list[Segment]:
    """Neighbouring segments of the same kind as one; empty ones dropped."""
    merged: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if merged and merged[-1].op is segment.op:
            merged[-1] = Segment(segment.op, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def _readable(segments: list[Segment]) -> list[Segment]:
    """Changes separated only by a space read as one change.

    Word by word, two rewritten sentences still share their spaces, and would read as
    "<del>The</del><ins>Click</ins> <del>sync</del><ins>here</ins> …"; folding those spaces
    into the change around them gives "<del>The sync</del><ins>Click here</ins>".
    """
    out: list[Segment] = []
    run_old: list[str] = []
    run_new: list[str] = []

    def close_run() -> None:
        out.append(Segment(Op.DELETE, "".join(run_old)))
        out.append(Segment(Op.INSERT, "".join(run_new)))
        run_old.clear()
        run_new.clear()

    for index, segment in enumerate(segments):
        between_changes = 0 < index < len(segments) - 1
        if segment.op is Op.EQUAL and not (
            between_changes and segment.text.isspace() and "\n" not in segment.text
        ):
            close_run()
            out.append(segment)
            continue
        if segment.op is not Op.INSERT:
            run_old.append(segment.text)
        if segment.op is not Op.DELETE:
            run_new.append(segment.text)
    close_run()
    return _merged(out)


def diff_text(old: str, new: str) -> list[Segment]:
    """The segments that turn ``old`` into ``new``: kept, removed and added text, in order.

    Joining the kept and removed segments gives ``old`` back; joining the kept and added
    ones gives ``new``.
    """
    differ = _Differ()
    differ.diff(old.splitlines(keepends=True), new.splitlines(keepends=True), words=False)
    return _readable(_merged(differ.out))


# Unchanged lines kept on each side of a change when a page shows a diff.
CONTEXT_LINES = 2


def with_context(segments: list[Segment], lines: int = CONTEXT_LINES) -> list[Segment]:
    """The diff as a page shows it: a long stretch of unchanged text keeps ``lines`` lines
    next to each change, and the lines between become one ``SKIP`` segment.

    An unchanged stretch that follows a change starts with the rest of the changed line,
    and one that leads to a change ends with its start: those partial lines are kept too.
    """
    shown: list[Segment] = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        if segment.op is not Op.EQUAL:
            shown.append(segment)
            continue
        parts = segment.text.splitlines(keepends=True)
        head = 0 if index == 0 else lines + 1
        tail = 0 if index == last else lines + 1
        if len(parts) - head - tail < 2:  # leaving out one line saves nothing
            shown.append(segment)
            continue
        shown.append(Segment(Op.EQUAL, "".join(parts[:head])))
        shown.append(Segment(Op.SKIP, "".join(parts[head : len(parts) - tail])))
        shown.append(Segment(Op.EQUAL, "".join(parts[len(parts) - tail :])))
    return [segment for segment in shown if segment.text]


def changed(segments: list[Segment]) -> bool:
    """Whether a diff holds any change at all."""
    return any(segment.op in (Op.INSERT, Op.DELETE) for segment in segments)
