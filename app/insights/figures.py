"""What the insights page shows of an ``app.insights.queries.Insights``: each chart
(``app.insights.charts``) with its table (``app.insights.tables``), and the open problems'
table. Nothing here runs a query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.i18n import _, ngettext
from app.insights.charts import Chart, Data, Series, bars_chart, columns_chart
from app.insights.queries import Insights, Response, WeekCounts
from app.insights.scorecard import day_month
from app.insights.tables import (
    Cell,
    DataTable,
    number_cell,
    seconds_cell,
    share_cell,
    text_cell,
)
from app.questions.models import KIND_LABELS, Feeling, Kind

# Every word here is made while a request (or an e-mail) renders, in its reader's language:
# the series, headers and captions are functions, never constants made at import.


def _day(day: Any) -> str:
    return day_month(day)


def _kind_series() -> list[Series]:
    return [Series(kind.value, str(KIND_LABELS[kind])) for kind in Kind]


def _feeling_series() -> list[Series]:
    return [Series(feeling.value, str(feeling.label)) for feeling in Feeling]


def _response_series() -> list[Series]:
    return [
        Series("within", _("Answered officially within 24 hours")),
        Series("later", _("Answered officially later")),
        Series("not", _("Not answered officially")),
    ]


def _staff_series() -> list[Series]:
    return [
        Series("first", _("First official answer to a question")),
        Series("more", _("Further official answers")),
    ]


def _kind_count(n: int, series: Series) -> str:
    """ "12 problems": a chart piece's hover text."""
    if series.key == Kind.QUESTION:
        return ngettext("%(num)d question", "%(num)d questions", n)
    if series.key == Kind.PROBLEM:
        return ngettext("%(num)d problem", "%(num)d problems", n)
    if series.key == Kind.IDEA:
        return ngettext("%(num)d idea", "%(num)d ideas", n)
    return ngettext("%(num)d praise", "%(num)d praise", n)


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
        [_("Week of"), *(s.label for s in data.series), header],
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
        _("Questions by kind and week"),
        _(
            "Stacked columns: the questions asked each week of the last %(days)s days, "
            "by kind (question, problem, idea, praise). The table holds the numbers.",
            days=insights.days,
        ),
        [_day(w.week) for w in weeks],
        _kind_series(),
        [{k.value: n for k, n in w.kinds.items()} for w in weeks],
        _kind_count,
    )
    return _weekly(insights, data, _("Questions by kind and week"), (_("All"), lambda w: w.total))


def _feelings(insights: Insights) -> tuple[Chart, DataTable]:
    weeks = insights.weeks
    data = Data(
        "feelings",
        _("Feelings over time"),
        _(
            "Stacked columns: how askers felt, each week of the last %(days)s days "
            "(happy, excited, confused, frustrated, sad), for the questions whose asker said. "
            "The table holds the numbers, and the questions without a feeling.",
            days=insights.days,
        ),
        [_day(w.week) for w in weeks],
        _feeling_series(),
        [{f.value: n for f, n in w.feelings.items() if f is not None} for w in weeks],
        lambda n, s: f"{n} {s.label.lower()}",
    )
    no_feeling = (_("No feeling given"), lambda w: w.feelings[None])
    return _weekly(insights, data, _("Feelings by week"), no_feeling)


def _response_cells(r: Response) -> list[Cell]:
    return [
        number_cell(r.questions),
        share_cell(r.answered_officially_share),
        share_cell(r.answered_officially_within_24h_share),
        seconds_cell(r.median_first_official_answer_seconds),
        seconds_cell(r.p90_first_official_answer_seconds),
        share_cell(r.best_answer_share),
    ]


def _response_header() -> list[str]:
    return [
        _("Questions"),
        _("Answered officially"),
        _("Within 24 hours"),
        _("Median first official answer"),
        _("90th percentile"),
        _("With a best answer"),
    ]


def _products(insights: Insights) -> tuple[Chart, DataTable]:
    general = _("In general (no product)")
    names = [p.name or general for p in insights.products]
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
            _("Questions per product"),
            _(
                "Stacked bars: the questions about each product in the last %(days)s days, "
                "answered officially within 24 hours, later, or not. The table holds the numbers.",
                days=insights.days,
            ),
            names,
            _response_series(),
            values,
            _lower_first,
        )
    )
    table = DataTable(
        "products",
        _("Per product"),
        [_("Product"), *_response_header()],
        [
            [text_cell(name), *_response_cells(p.response)]
            for p, name in zip(insights.products, names, strict=True)
        ],
    )
    return chart, table


def _staff(insights: Insights) -> tuple[Chart, DataTable]:
    def who(member: Any, handle: str = "@") -> str:
        name = f"{handle}{member.user.username}"
        return name if member.active else _("%(name)s (former staff)", name=name)

    names = [who(m) for m in insights.staff]
    chart = bars_chart(
        Data(
            "staff",
            _("Official answers per staff member"),
            _(
                "Stacked bars: each staff member's official answers to the questions of the "
                "last %(days)s days, the first official answer to a question or a further one. "
                "The table holds the numbers.",
                days=insights.days,
            ),
            names,
            _staff_series(),
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
        _("Per staff member"),
        [
            _("Staff member"),
            _("Official answers"),
            _("First official answers"),
            _("Median time to a first official answer"),
            _("Chosen as best answer"),
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
        _("Most-affected open problems"),
        [_("Problem"), _("Status"), _("Affected users"), _("Asked")],
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
