"""What the insights page shows of an ``app.insights.queries.Insights``: each chart
(``app.insights.charts``) with its table (``app.insights.tables``), and the open problems'
table. Nothing here runs a query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.insights.charts import Chart, Data, Series, bars_chart, columns_chart
from app.insights.queries import Insights, Response, WeekCounts
from app.insights.tables import (
    Cell,
    DataTable,
    number_cell,
    seconds_cell,
    share_cell,
    text_cell,
)
from app.questions.models import KIND_LABELS, Feeling, Kind

GENERAL = "In general (no product)"
NO_FEELING = "No feeling given"


def _day(day: Any) -> str:
    return f"{day.day} {day:%b}"


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
                *(number_cell(counts[s.key]) for s in data.series),
                number_cell(last_of(w)),
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
        number_cell(r.questions),
        share_cell(r.answered_officially_share),
        share_cell(r.answered_officially_within_24h_share),
        seconds_cell(r.median_first_official_answer_seconds),
        seconds_cell(r.p90_first_official_answer_seconds),
        share_cell(r.best_answer_share),
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
            [text_cell(name), *_response_cells(p.response)]
            for p, name in zip(insights.products, names, strict=True)
        ],
    )
    return chart, table


def _staff(insights: Insights) -> tuple[Chart, DataTable]:
    def who(member: Any, handle: str = "@") -> str:
        name = f"{handle}{member.user.username}"
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
                # The CSV without the "@", which a spreadsheet would read as a formula.
                Cell(who(m, handle=""), name),
                number_cell(m.official_answers),
                number_cell(m.first_official_answers),
                seconds_cell(m.median_first_official_answer_seconds),
                number_cell(m.best_answers),
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
                text_cell(p.title),
                text_cell(p.status.label),
                number_cell(p.affected_users),
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
