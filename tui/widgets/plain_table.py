"""A DataTable that shows strings as they are: code names, coders, speakers and transcript text are data.

DataTable reads a str cell or column label as Rich markup, so "[inaudible]" in a
transcript would vanish from the table and "[/x]" in a code name would crash the app.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from qualtui.text.normalise import strip_controls


def plain(value: object) -> object:
    """A str as literal text (as DataTable would draw it for a one-row-high cell, without markup)."""
    return Text(value, no_wrap=True, end="") if isinstance(value, str) else value


def one_line(text: str, width: int) -> str:
    """*text* on one line for a table cell: control characters out, whitespace runs as one space, cut at *width*."""
    flat = " ".join(strip_controls(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "\u2026"


class PlainTable(DataTable):
    def add_column(self, label, *, width=None, key=None, default=None):
        return super().add_column(Text(label) if isinstance(label, str) else label, width=width, key=key,
                                  default=default)

    def add_row(self, *cells, height=1, key=None, label=None):
        return super().add_row(*(plain(cell) for cell in cells), height=height, key=key,
                               label=Text(label) if isinstance(label, str) else label)
