"""Tables of numbers: each chart's (``app.insights.figures``), shown beside it for screen
readers and anyone who wants the figures, and downloadable as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from app.insights.scorecard import duration_words, number, percent

# Formula injection: a spreadsheet runs a cell that starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Cell:
    """One cell: ``value`` goes to the CSV (numbers as numbers, times in seconds, shares as
    fractions), ``text`` to the page."""

    value: Any
    text: str


def number_cell(n: int) -> Cell:
    return Cell(n, number(n))


def share_cell(share: float | None) -> Cell:
    return Cell("" if share is None else round(share, 4), "–" if share is None else percent(share))


def seconds_cell(seconds: int | None) -> Cell:
    return Cell(
        "" if seconds is None else seconds, "–" if seconds is None else duration_words(seconds)
    )


def text_cell(text: str) -> Cell:
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
