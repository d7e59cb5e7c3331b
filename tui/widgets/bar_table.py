"""A read-only DataTable for counts, with text bar charts in cells (numbers always shown: never bars alone)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from qualtui.analysis.bars import bar
from tui.widgets.plain_table import PlainTable

BAR_WIDTH = 12


def count_cell(value: int, maximum: int, width: int = BAR_WIDTH) -> Text:
    """'  12 ██████▍' : the number right-aligned, then a bar scaled to *maximum*."""
    text = Text(no_wrap=True)
    text.append(f"{value:>5} ")
    text.append(bar(value, maximum, width).ljust(width), style="bold")
    return text


def total_cell(value: int) -> Text:
    """A total lined up with the numbers of ``count_cell`` above it."""
    return Text(f"{value:>5}", style="bold", no_wrap=True)


def number(value: int | float, digits: int = 0) -> Text:
    return Text(f"{value:.{digits}f}" if digits else str(value), justify="right")


class BarTable(PlainTable):
    """Row cursor, j/k to move; columns and rows are replaced wholesale with ``show``."""

    BINDINGS = [
        Binding("j", "cursor_down", "Next row", show=False, id="table.down"),
        Binding("k", "cursor_up", "Previous row", show=False, id="table.up"),
    ]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.row_ids: list[str | None] = []

    def show(self, columns: list[str | tuple[str, int | None]], rows: list[tuple[str | None, list]]) -> None:
        """*columns* are names or (name, width); *rows* are (id or None, cells).

        The id of the highlighted row is ``current_id``."""
        keep = self.cursor_row if self.row_count else 0
        self.clear(columns=True)
        for column in columns:
            name, width = column if isinstance(column, tuple) else (column, None)
            self.add_column(name, width=width)
        self.row_ids = [row_id for row_id, _ in rows]
        self.add_rows([cells for _, cells in rows])
        if rows:
            self.move_cursor(row=min(keep, len(rows) - 1), animate=False)

    @property
    def current_id(self) -> str | None:
        if not self.row_count or not self.row_ids:
            return None
        return self.row_ids[min(self.cursor_row, len(self.row_ids) - 1)]


UNDEFINED = "undefined"


def share_cell(value: float | None, width: int = 10) -> Text:
    """' 87.5% ████████▊' for a proportion; 'undefined' (never 0) when it has no value."""
    if value is None:
        return Text(UNDEFINED, style="italic", no_wrap=True)
    text = Text(no_wrap=True)
    text.append(f"{value * 100:5.1f}% ")
    text.append(bar(value, 1.0, width).ljust(width), style="bold")
    return text


def coefficient(value: float | None) -> Text:
    """Kappa or alpha with two decimals, or 'undefined'."""
    if value is None:
        return Text(UNDEFINED, style="italic", justify="right")
    return Text(f"{value:.2f}", justify="right")
