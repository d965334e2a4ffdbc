"""The diff of two versions: exact (both versions can be read back from it), word by word
where that reads best, and bounded in work whatever text it is given."""

from __future__ import annotations

import random

import pytest

from app.moderation import diff
from app.moderation.diff import Op, Segment, diff_text


def _sides(segments: list[Segment]) -> tuple[str, str]:
    old = "".join(s.text for s in segments if s.op is not Op.INSERT)
    new = "".join(s.text for s in segments if s.op is not Op.DELETE)
    return old, new


def test_both_versions_read_back_from_the_diff_whatever_the_text():
    rng = random.Random(12)  # noqa: S311 - test data, repeatable by its seed
    pieces = ["a", "bc", " ", "  ", "\n", "\n\n", "*", "é", "<b>", "\t"]
    for _ in range(3000):
        old = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 15)))
        new = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 15)))
        assert _sides(diff_text(old, new)) == (old, new)


def test_one_changed_word_in_a_long_text_reads_as_that_word():
    rng = random.Random(3)  # noqa: S311 - test data, repeatable by its seed
    words = [f"word{rng.randint(0, 900)}" for _ in range(2_500)]
    old = " ".join(words)
    new = " ".join([*words[:1200], "CHANGED", *words[1201:]])

    segments = diff_text(old, new)

    assert [s.op for s in segments] == [Op.EQUAL, Op.DELETE, Op.INSERT, Op.EQUAL]
    assert (segments[1].text, segments[2].text) == (words[1200], "CHANGED")


def test_rewritten_words_separated_by_spaces_read_as_one_change():
    segments = diff_text("a b c d", "a X Y d")

    assert segments == [
        Segment(Op.EQUAL, "a "),
        Segment(Op.DELETE, "b c"),
        Segment(Op.INSERT, "X Y"),
        Segment(Op.EQUAL, " d"),
    ]


def test_a_paragraph_break_keeps_changes_apart():
    segments = diff_text("one\n\ntwo", "ONE\n\nTWO")

    assert [s.op for s in segments] == [Op.DELETE, Op.INSERT, Op.EQUAL, Op.DELETE, Op.INSERT]


@pytest.mark.parametrize(
    "budget, removed, added, after",
    [
        # No budget at all: the changed line, whole.
        (0, "x y " * 49 + "x y \n", "y x " * 49 + "y x \n", "outro"),
        # Enough to match the lines, not the 200 words of the changed one.
        (10, "x y " * 49 + "x y", "y x " * 49 + "y x", " \noutro"),
    ],
)
def test_past_its_budget_a_changed_part_is_shown_removed_and_added_whole(
    monkeypatch, budget, removed, added, after
):
    monkeypatch.setattr(diff, "MATCH_BUDGET", budget)
    old = "intro\n" + "x y " * 50 + "\noutro"
    new = "intro\n" + "y x " * 50 + "\noutro"

    segments = diff_text(old, new)

    assert segments == [
        Segment(Op.EQUAL, "intro\n"),
        Segment(Op.DELETE, removed),
        Segment(Op.INSERT, added),
        Segment(Op.EQUAL, after),
    ]
    assert _sides(segments) == (old, new)


def test_the_budget_is_spent_once_per_diff_not_once_per_changed_part(monkeypatch):
    old = "a b c\n\nkeep\n\nd e f g h\n"
    new = "a B c\n\nkeep\n\nD e F g H\n"
    assert Segment(Op.EQUAL, " e ") in diff_text(old, new)
    # 25 to match the five lines, 1 for the first changed word, then too little for the
    # second changed line's 9 × 9 words: that line is shown whole.
    monkeypatch.setattr(diff, "MATCH_BUDGET", 25 + 1 + 50)

    segments = diff_text(old, new)

    assert Segment(Op.DELETE, "b") in segments
    assert Segment(Op.DELETE, "d e f g h") in segments
    assert Segment(Op.INSERT, "D e F g H") in segments
    assert _sides(segments) == (old, new)


def test_a_page_keeps_two_lines_beside_each_change_and_counts_the_rest():
    old = "".join(f"line {n}\n" for n in range(1, 21))
    new = old.replace("line 10\n", "line ten\n")

    shown = diff.with_context(diff_text(old, new))

    assert shown == [
        Segment(Op.SKIP, "".join(f"line {n}\n" for n in range(1, 8))),
        Segment(Op.EQUAL, "line 8\nline 9\nline "),
        Segment(Op.DELETE, "10"),
        Segment(Op.INSERT, "ten"),
        Segment(Op.EQUAL, "\nline 11\nline 12\n"),
        Segment(Op.SKIP, "".join(f"line {n}\n" for n in range(13, 21))),
    ]
    assert (shown[0].lines, shown[-1].lines) == (7, 8)


def test_short_unchanged_stretches_are_shown_whole():
    old = "a\nb\nc\nd\ne\n"
    new = "A\nb\nc\nd\nE\n"

    shown = diff.with_context(diff_text(old, new))

    assert Op.SKIP not in [segment.op for segment in shown]
    assert _sides(shown) == (old, new)
