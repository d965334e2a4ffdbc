"""The charts' arithmetic and the CSV's guard, without a database."""

from __future__ import annotations

import pytest

from app.insights.charts import X_LABELS_MAX, Data, Series, bars_chart, columns_chart, nice_ceiling
from app.insights.tables import Cell, DataTable, csv_safe, csv_text


def _what(n: int, series: Series) -> str:
    return f"{n} {series.label}"


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (11, 20), (189, 200), (201, 500)]
)
def test_the_axis_ends_at_a_round_number(value, top):
    assert nice_ceiling(value) == top


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("a=b", "a=b"),
        (-3, -3),
        (0.5, 0.5),
        ("", ""),
    ],
)
def test_text_that_starts_a_formula_is_quoted_numbers_are_not(value, safe):
    assert csv_safe(value) == safe


def test_csv_text_quotes_as_rfc_4180_says():
    table = DataTable("t", "T", ["Name", "N"], [[Cell('say "hi", =1', ""), Cell(2, "2")]])
    assert csv_text(table) == 'Name,N\r\n"say ""hi"", =1",2\r\n'


def test_stacked_columns_are_as_tall_as_their_share_of_the_axis():
    series = [Series("a", "A"), Series("b", "B")]
    chart = columns_chart(
        Data("c", "C", "d", ["w1", "w2"], series, [{"a": 5, "b": 5}, {"a": 0, "b": 2}], _what)
    )
    plot = chart.bottom - chart.top
    heights = [(r.series, r.height) for r in chart.rects]
    # The axis goes to 10: a 5 is half the plot's height, a 2 a fifth; no rectangle for a 0.
    assert heights == [
        ("a", round(plot / 2, 1)),
        ("b", round(plot / 2, 1)),
        ("b", round(plot / 5, 1)),
    ]
    assert chart.rects[1].y + chart.rects[1].height == chart.rects[0].y  # stacked


def test_a_year_of_weeks_names_at_most_eight_of_them():
    labels = [f"w{i}" for i in range(53)]
    chart = columns_chart(Data("c", "C", "d", labels, [Series("a", "A")], [{"a": 1}] * 53, _what))
    assert len(chart.x_labels) <= X_LABELS_MAX
    assert len(chart.rects) == 53


def test_bars_cut_long_names_short():
    name = "A product with a very long name indeed"
    chart = bars_chart(Data("b", "B", "d", [name], [Series("a", "A")], [{"a": 3}], _what))
    assert chart.y_labels[0].text == "A product with a very l…"  # 24 characters
    # The axis ends at 5: a bar of 3 is three fifths of it; its title says what it is.
    assert chart.rects[0].width == round((chart.right - chart.left) * 3 / 5, 1)
    assert chart.rects[0].title == f"{name}: 3 A"
