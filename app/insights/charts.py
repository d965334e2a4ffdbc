"""Charts drawn on the server (no JavaScript chart library): stacked columns and stacked
bars worked out as shapes with their places in an SVG ``viewBox``, which
``templates/insights/_charts.html`` draws (Jinja escapes every label). What the insights page
charts is ``app.insights.figures``; nothing here knows about questions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

# The viewBox: charts scale to their column's width (CSS), text scales with them.
WIDTH = 640
COLUMNS_HEIGHT = 240
ROW_HEIGHT = 26
# The right margin leaves room for half of the last number under the bars' axis.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 44, 24, 12, 28
BARS_MARGIN_LEFT = 180  # horizontal bars: their names on the left
NAME_MAX = 24  # characters of a name in a chart (the table beside it has the whole name)
X_LABELS_MAX = 8


@dataclass(frozen=True)
class Series:
    key: str  # CSS: chart__fill--<key>
    label: str


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    series: str
    title: str  # shown on hover: "Week of 1 Dec: 12 problems"


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    description: str  # what it shows, in a sentence or two (the SVG's <desc>)
    height: int
    legend: list[Series]
    # The plot area's edges (the axes are drawn along its left and bottom).
    left: float
    top: float
    right: float
    bottom: float
    rects: list[Rect] = field(default_factory=list)
    x_labels: list[Label] = field(default_factory=list)
    y_labels: list[Label] = field(default_factory=list)  # beside the axis, or bar names
    grid: list[float] = field(default_factory=list)  # y of each horizontal grid line
    width: int = WIDTH


def _r(value: float) -> float:
    return round(value, 1)


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … at least ``value`` (at least 1): the axis' top."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # unreachable: 10 × power ≥ value


def _short(name: str) -> str:
    return name if len(name) <= NAME_MAX else name[: NAME_MAX - 1].rstrip() + "…"


@dataclass(frozen=True)
class Data:
    """What a chart shows: for each label (a week, a product), a stack of its ``series``
    (``values[i][series.key]``); ``what(n, series)`` words one piece ("12 problems")."""

    name: str
    title: str
    description: str
    labels: list[str]
    series: list[Series]
    values: list[dict[str, int]]
    what: Callable[[int, Series], str]

    def axis_end(self) -> int:
        return nice_ceiling(max((sum(v.values()) for v in self.values), default=0))

    def stacks(self) -> Iterator[tuple[int, str, list[tuple[Series, int, str]]]]:
        """Each label's place, name and non-empty pieces (series, count, hover title)."""
        for i, (label, counts) in enumerate(zip(self.labels, self.values, strict=True)):
            pieces = [(s, counts.get(s.key, 0)) for s in self.series]
            yield i, label, [(s, n, f"{label}: {self.what(n, s)}") for s, n in pieces if n]

    def chart(self, height: int, box: tuple[float, float, float, float], **shapes: Any) -> Chart:
        left, top, right, bottom = box
        return Chart(
            self.name, self.title, self.description, height, self.series,
            left=left, top=top, right=right, bottom=bottom, **shapes,
        )  # fmt: skip


def _ticks(end: int) -> list[tuple[float, str]]:
    """The axis' marks: 0, a quarter, a half, … of ``end`` that are whole numbers."""
    return [(k / 4, f"{end * k // 4:,}") for k in range(5) if end * k % 4 == 0]


def columns_chart(data: Data) -> Chart:
    """Stacked columns, one per label (a week)."""
    left, top = MARGIN_LEFT, MARGIN_TOP
    right, bottom = WIDTH - MARGIN_RIGHT, COLUMNS_HEIGHT - MARGIN_BOTTOM
    end = data.axis_end()
    slot = (right - left) / max(len(data.labels), 1)
    bar = slot * 0.7
    every = max(1, math.ceil(len(data.labels) / X_LABELS_MAX))
    rects, x_labels = [], []
    for i, label, pieces in data.stacks():
        x = left + i * slot + (slot - bar) / 2
        y = bottom
        for s, n, title in pieces:
            height = (bottom - top) * n / end
            y -= height
            rects.append(Rect(_r(x), _r(y), _r(bar), _r(height), s.key, title))
        if i % every == 0:
            x_labels.append(Label(_r(x + bar / 2), bottom + 18, label))
    return data.chart(
        COLUMNS_HEIGHT,
        (left, top, right, bottom),
        rects=rects,
        x_labels=x_labels,
        y_labels=[Label(left - 6, _r(bottom - (bottom - top) * f), t) for f, t in _ticks(end)],
        grid=[_r(bottom - (bottom - top) * k / 4) for k in range(1, 5)],
    )


def bars_chart(data: Data) -> Chart:
    """Stacked horizontal bars, one per label (a product, a staff member)."""
    left, top = BARS_MARGIN_LEFT, MARGIN_TOP
    height = MARGIN_TOP + ROW_HEIGHT * max(len(data.labels), 1) + MARGIN_BOTTOM
    right, bottom = WIDTH - MARGIN_RIGHT, height - MARGIN_BOTTOM
    end = data.axis_end()
    rects, y_labels = [], []
    for i, label, pieces in data.stacks():
        y = top + i * ROW_HEIGHT + 4
        x = left
        for s, n, title in pieces:
            width = (right - left) * n / end
            rects.append(Rect(_r(x), y, _r(width), ROW_HEIGHT - 8, s.key, title))
            x += width
        y_labels.append(Label(left - 8, y + ROW_HEIGHT / 2, _short(label)))
    return data.chart(
        height,
        (left, top, right, bottom),
        rects=rects,
        x_labels=[Label(_r(left + (right - left) * f), bottom + 18, t) for f, t in _ticks(end)],
        y_labels=y_labels,
    )
