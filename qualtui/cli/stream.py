"""Printing a large result while it is produced, never the whole of it as objects.

    out = JsonArray()            # one record per line: '[', '{...},', ..., ']'
    for rows in batches:
        out.write(rows)
    out.close()

``CsvRows`` writes rows as they come; ``Table`` keeps only each cell's first
columns (a cell is shown at most ``MAX_WIDTH`` wide) until every width is
known, then prints the same aligned table as ``common.emit``.
"""

from __future__ import annotations

import codecs
import csv
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import Any

from qualtui.cli.common import MAX_WIDTH, fit, safe
from qualtui.text.normalise import escape_json_controls, json_controls_in

# ensure_ascii=False, no indent: the C encoder (an indented dump runs the pure-Python one).
_encode = json.JSONEncoder(ensure_ascii=False).encode
# A table holds each cell cut to one character more than the widest it shows: that one tells it was longer.
TABLE_CUT = MAX_WIDTH + 1
_TEXT_OR_NONE = {str, type(None)}


def each_once(make: Callable[[Any], str], values: Sequence[Any]) -> list[str]:
    """``[make(v) for v in values]``, calling *make* once per distinct value (a column of a document's names).

    Raises ``TypeError`` for a value that cannot be a key (a list where a name belongs).
    """
    made = {value: make(value) for value in set(values)}
    return list(map(made.__getitem__, values))


def distinct_safe(values: Sequence[Any]) -> list[str]:
    """``safe(v)`` of each value, made once per distinct value."""
    try:
        return each_once(safe, values)
    except TypeError:   # a list where a name belongs (a hand-edited file)
        return [safe(value) for value in values]


def safe_column(values: Sequence[str | None], cut: int | None = None) -> list[str]:
    """``safe(v)`` of each value (then cut to *cut* characters), the whole column checked at once.

    Text with nothing to strip (every character printable but LF and TAB: nearly all text) only has
    its line breaks turned to spaces, which keeps its length, so it is cut first.  A column with
    anything else in it goes value by value through ``safe``.
    """
    if not set(map(type, values)) <= _TEXT_OR_NONE:   # a number where text belongs (a hand-edited file)
        return [safe(value)[:cut] for value in values]
    texts = [value or "" for value in values]
    shown = texts if cut is None else [text[:cut] for text in texts]
    joined = "".join(shown)
    if joined.replace("\n", "").replace("\t", "").isprintable():
        return [text.replace("\n", " ") for text in shown] if "\n" in joined else shown
    return [safe(text)[:cut] for text in texts]


class JsonArray:
    """A JSON array written record by record, one record per line (valid JSON, easy to grep).

    Each row is written as given: its keys are the record's fields, in order.
    """

    def __init__(self) -> None:
        self.started = False

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        self.write_lines(map(_encode, rows))

    def write_lines(self, lines: Iterable[str]) -> None:
        """Records already encoded, one line each (no newline inside)."""
        self.write_printable(printable_json(",\n".join(lines)))

    def write_printable(self, payload: bytes | str) -> None:
        """Records as ``printable_json`` made them (lines joined): made elsewhere, written here."""
        if payload:
            _write_printable(b"[\n" if not self.started else b",\n")
            _write_printable(payload)
            self.started = True

    def close(self) -> None:
        sys.stdout.write("\n]\n" if self.started else "[]\n")


def printable_json(text: str) -> bytes | str:
    """JSON text as ``escape_json_controls`` makes it, ready for standard output: UTF-8 bytes when it takes
    UTF-8 (encoded once, and the bytes searched for DEL and C1 controls are the ones written: tens of
    megabytes from retrieve), else text for its own encoding."""
    out = sys.stdout
    try:
        if getattr(out, "buffer", None) is not None and codecs.lookup(out.encoding).name == "utf-8":
            data = text.encode("utf-8")
            if not json_controls_in(data):
                return data
    except (LookupError, TypeError, UnicodeEncodeError):   # no codec named, or lone surrogates: the text layer's way
        pass
    return escape_json_controls(text)


def _write_printable(payload: bytes | str) -> None:
    out = sys.stdout
    if isinstance(payload, str):
        out.write(payload)
        return
    out.flush()
    out.buffer.write(payload)


class CsvRows:
    """CSV with a header row, written as the rows come (cells made safe for a terminal)."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self.writer = csv.writer(sys.stdout, lineterminator="\n")
        self.writer.writerow(self.columns)

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        columns = self.columns
        self.writer.writerows([safe(row.get(c)) for c in columns] for row in rows)

    def write_columns(self, columns: Sequence[Sequence[str]]) -> None:
        """Cells already made safe (``common.safe``), a list per column in column order."""
        self.writer.writerows(zip(*columns))

    def close(self) -> None:
        pass


class Table:
    """An aligned table like ``common.emit``'s; holds each cell cut to one character past the widest shown.

    Cells are kept a list per column, and printed column-wise: tens of thousands of rows, no call per cell.
    """

    def __init__(self, columns: Sequence[str], headers: Sequence[str] | None = None) -> None:
        self.columns = list(columns)
        self.headers = list(headers or columns)
        self.cells: list[list[str]] = [[] for _ in self.columns]

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        rows = list(rows)
        self.write_columns([[safe(row.get(c)) for row in rows] for c in self.columns])

    def write_columns(self, columns: Sequence[Sequence[str]]) -> None:
        """Cells already made safe (``common.safe``), a list per column in column order."""
        cut = TABLE_CUT
        for kept, column in zip(self.cells, columns):
            kept.extend(column if max(map(len, column), default=0) <= cut else [cell[:cut] for cell in column])

    def close(self) -> None:
        widths = [min(MAX_WIDTH, max(len(head), max(map(len, column), default=0)))
                  for head, column in zip(self.headers, self.cells)]
        out = sys.stdout
        out.write("  ".join(fit(v, w) for v, w in zip(self.headers, widths)).rstrip() + "\n")
        rows = len(self.cells[0]) if self.cells else 0
        for start in range(0, rows, 5000):
            shown = [_fitted(column[start:start + 5000], width) for column, width in zip(self.cells, widths)]
            out.write("\n".join(map(str.rstrip, map("  ".join, zip(*shown)))) + "\n")
        self.cells = [[] for _ in self.columns]


def _fitted(cells: list[str], width: int) -> Iterable[str]:
    """``common.fit`` of each cell: padded to *width*, or cut to it with an ellipsis."""
    padded = map(str.ljust, cells, repeat(width))
    if max(map(len, cells), default=0) <= width:
        return padded
    return [cell if len(cell) == width else cell[:width - 1] + "\u2026" for cell in padded]


def writer(fmt: str, columns: Sequence[str], headers: Sequence[str] | None = None) -> JsonArray | CsvRows | Table:
    """The streaming writer for an output format: table, csv or json (whose rows hold exactly *columns*)."""
    if fmt == "json":
        return JsonArray()
    if fmt == "csv":
        return CsvRows(columns)
    return Table(columns, headers)
