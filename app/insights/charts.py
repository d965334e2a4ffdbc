"""The insights page's charts and tables, worked out on the server (no JavaScript chart
library): each chart is shapes with their places in an SVG ``viewBox``, which
``templates/insights/_charts.html`` draws (Jinja escapes every label), and each has a table of
the same numbers (``DataTable``) shown beside it for screen readers and anyone who wants the
figures, and downloadable as CSV (``csv_text``).

Nothing here runs a query: it reads an ``app.insights.queries.Insights``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from app.insights.queries import Insights, Response, WeekCounts
from app.insights.scorecard import duration_words, percent
from app.questions.models import KIND_LABELS, Feeling, Kind

# The viewBox: charts scale to their column's width (CSS), text scales with them.
WIDTH = 640
COLUMNS_HEIGHT = 240
ROW_HEIGHT = 26
# The right margin leaves room for half of the last number under the bars' axis.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 44, 24, 12, 28
BARS_MARGIN_LEFT = 180  # horizontal bars: their names on the left
NAME_MAX = 24  # characters of a name in a chart (the table beside it has the whole name)
X_LABELS_MAX = 8
GENERAL = "In general (no product)"
NO_FEELING = "No feeling given"
# Formula injection: a spreadsheet runs a cell that starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Tables ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell: ``value`` goes to the CSV (numbers as numbers, times in seconds, shares as
    fractions), ``text`` to the page."""

    value: Any
    text: str


def _number(n: int) -> Cell:
    return Cell(n, f"{n:,}")


def _share(share: float | None) -> Cell:
    return Cell("" if share is None else round(share, 4), "–" if share is None else percent(share))


def _seconds(seconds: int | None) -> Cell:
    return Cell(
        "" if seconds is None else seconds, "–" if seconds is None else duration_words(seconds)
    )


def _text(text: str) -> Cell:
    return Cell(text, text)


@dataclass(frozen=True)
class DataTable:
    name: str  # the chart it belongs to; its CSV is ``<name>.csv``
    caption: str
    header: list[str]
    rows: list[list[Cell]]
    # Column headers whose cells are numbers (right-aligned); the first column heads rows.
    numeric_from: int = 1


def csv_safe(value: Any) -> Any:
    """A cell as a spreadsheet may open it: text that would start a formula gets a leading
    apostrophe (OWASP's "CSV injection"); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(table: DataTable) -> str:
    """The table as CSV (RFC 4180, CRLF line ends): the header, then the rows' values."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_safe(h) for h in table.header])
    for row in table.rows:
        writer.writerow([csv_safe(cell.value) for cell in row])
    return out.getvalue()


# Charts ------------------------------------------------------------------------------------


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


def _day(day: Any) -> str:
    return f"{day.day} {day:%b}"


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


# The page's charts ---------------------------------------------------------------------------

KIND_SERIES = [Series(kind.value, KIND_LABELS[kind]) for kind in Kind]
FEELING_SERIES = [Series(feeling.value, feeling.label) for feeling in Feeling]
RESPONSE_SERIES = [
    Series("within", "Answered officially within 24 hours"),
    Series("later", "Answered officially later"),
    Series("not", "Not answered officially"),
]
STAFF_SERIES = [
    Series("first", "First official answer to a question"),
    Series("more", "Further official answers"),
]
_PLURALS = {
    "question": "questions",
    "problem": "problems",
    "idea": "ideas",
    "praise": "praise",
}


def _lower_first(n: int, series: Series) -> str:
    return f"{n} {series.label[0].lower()}{series.label[1:]}"


def _weekly(
    insights: Insights,
    data: Data,
    caption: str,
    last: tuple[str, Callable[[WeekCounts], int]],
) -> tuple[Chart, DataTable]:
    """A chart of stacked columns by week, and its table: the week, each series, and one
    ``last`` column (its header, and its number for a week)."""
    header, last_of = last
    table = DataTable(
        data.name,
        caption,
        ["Week of", *(s.label for s in data.series), header],
        [
            [
                Cell(w.week.isoformat(), _day(w.week)),
                *(_number(counts[s.key]) for s in data.series),
                _number(last_of(w)),
            ]
            for w, counts in zip(insights.weeks, data.values, strict=True)
        ],
    )
    return columns_chart(data), table


def _kinds(insights: Insights) -> tuple[Chart, DataTable]:
    weeks = insights.weeks
    data = Data(
        "kinds",
        "Questions by kind and week",
        f"Stacked columns: the questions asked each week of the last {insights.days} days, "
        "by kind (question, problem, idea, praise). The table holds the numbers.",
        [_day(w.week) for w in weeks],
        KIND_SERIES,
        [{k.value: n for k, n in w.kinds.items()} for w in weeks],
        lambda n, s: f"{n} {s.label.lower() if n == 1 else _PLURALS[s.key]}",
    )
    return _weekly(insights, data, "Questions by kind and week", ("All", lambda w: w.total))


def _feelings(insights: Insights) -> tuple[Chart, DataTable]:
    weeks = insights.weeks
    data = Data(
        "feelings",
        "Feelings over time",
        f"Stacked columns: how askers felt, each week of the last {insights.days} days "
        "(happy, excited, confused, frustrated, sad), for the questions whose asker said. "
        "The table holds the numbers, and the questions without a feeling.",
        [_day(w.week) for w in weeks],
        FEELING_SERIES,
        [{f.value: n for f, n in w.feelings.items() if f is not None} for w in weeks],
        lambda n, s: f"{n} {s.label.lower()}",
    )
    return _weekly(insights, data, "Feelings by week", (NO_FEELING, lambda w: w.feelings[None]))


def _response_cells(r: Response) -> list[Cell]:
    return [
        _number(r.questions),
        _share(r.answered_officially_share),
        _share(r.answered_officially_within_24h_share),
        _seconds(r.median_first_official_answer_seconds),
        _seconds(r.p90_first_official_answer_seconds),
        _share(r.best_answer_share),
    ]


RESPONSE_HEADER = [
    "Questions",
    "Answered officially",
    "Within 24 hours",
    "Median first official answer",
    "90th percentile",
    "With a best answer",
]


def _products(insights: Insights) -> tuple[Chart, DataTable]:
    names = [p.name or GENERAL for p in insights.products]
    values = [
        {
            "within": p.response.answered_officially_within_24h,
            "later": p.response.answered_officially - p.response.answered_officially_within_24h,
            "not": p.response.questions - p.response.answered_officially,
        }
        for p in insights.products
    ]
    chart = bars_chart(
        Data(
            "products",
            "Questions per product",
            f"Stacked bars: the questions about each product in the last {insights.days} days, "
            "answered officially within 24 hours, later, or not. The table holds the numbers.",
            names,
            RESPONSE_SERIES,
            values,
            _lower_first,
        )
    )
    table = DataTable(
        "products",
        "Per product",
        ["Product", *RESPONSE_HEADER],
        [
            [Cell(p.slug or "", name), *_response_cells(p.response)]
            for p, name in zip(insights.products, names, strict=True)
        ],
    )
    return chart, table


def _staff(insights: Insights) -> tuple[Chart, DataTable]:
    def who(member: Any) -> str:
        name = f"@{member.user.username}"
        return name if member.active else f"{name} (former staff)"

    names = [who(m) for m in insights.staff]
    chart = bars_chart(
        Data(
            "staff",
            "Official answers per staff member",
            f"Stacked bars: each staff member's official answers to the questions of the last "
            f"{insights.days} days, the first official answer to a question or a further one. "
            "The table holds the numbers.",
            names,
            STAFF_SERIES,
            [
                {
                    "first": m.first_official_answers,
                    "more": m.official_answers - m.first_official_answers,
                }
                for m in insights.staff
            ],
            _lower_first,
        )
    )
    table = DataTable(
        "staff",
        "Per staff member",
        [
            "Staff member",
            "Official answers",
            "First official answers",
            "Median time to a first official answer",
            "Chosen as best answer",
        ],
        [
            [
                Cell(m.user.username, name),
                _number(m.official_answers),
                _number(m.first_official_answers),
                _seconds(m.median_first_official_answer_seconds),
                _number(m.best_answers),
            ]
            for m, name in zip(insights.staff, names, strict=True)
        ],
    )
    return chart, table


def problems_table(insights: Insights) -> DataTable:
    return DataTable(
        "problems",
        "Most-affected open problems",
        ["Problem", "Status", "Affected users", "Asked"],
        [
            [
                _text(p.title),
                _text(p.status.label),
                _number(p.affected_users),
                Cell(p.created_at.date().isoformat(), _day(p.created_at.date())),
            ]
            for p in insights.top_problems
        ],
    )


CHARTS: dict[str, Callable[[Insights], tuple[Chart, DataTable]]] = {
    "kinds": _kinds,
    "feelings": _feelings,
    "products": _products,
    "staff": _staff,
}
# What can be downloaded as CSV: every chart's table, and the open problems.
TABLES = (*CHARTS, "problems")


def charts(insights: Insights) -> dict[str, tuple[Chart, DataTable]]:
    """Every chart of the page with its table, by name."""
    return {name: build(insights) for name, build in CHARTS.items()}


def table(insights: Insights, name: str) -> DataTable:
    """The table named ``name`` (one of ``TABLES``)."""
    if name == "problems":
        return problems_table(insights)
    return CHARTS[name](insights)[1]
