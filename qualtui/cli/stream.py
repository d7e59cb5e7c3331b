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

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from qualtui.cli.common import MAX_WIDTH, fit, safe
from qualtui.text.normalise import escape_json_controls

# ensure_ascii=False, no indent: the C encoder (an indented dump runs the pure-Python one).
_encode = json.JSONEncoder(ensure_ascii=False).encode


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
        text = ",\n".join(lines)
        if text:
            sys.stdout.write(("[\n" if not self.started else ",\n") + escape_json_controls(text))
            self.started = True

    def close(self) -> None:
        sys.stdout.write("\n]\n" if self.started else "[]\n")


class CsvRows:
    """CSV with a header row, written as the rows come (cells made safe for a terminal)."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self.writer = csv.writer(sys.stdout, lineterminator="\n")
        self.writer.writerow(self.columns)

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        columns = self.columns
        self.writer.writerows([safe(row.get(c)) for c in columns] for row in rows)

    def write_cells(self, rows: Iterable[Sequence[str]]) -> None:
        """Rows of cells already made safe (``common.safe``), in column order."""
        self.writer.writerows(rows)

    def close(self) -> None:
        pass


class Table:
    """An aligned table like ``common.emit``'s; holds each cell cut to one character past the widest shown."""

    def __init__(self, columns: Sequence[str], headers: Sequence[str] | None = None) -> None:
        self.columns = list(columns)
        self.headers = list(headers or columns)
        self.rows: list[tuple[str, ...]] = []

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        columns = self.columns
        # A cell longer than MAX_WIDTH is shown cut to MAX_WIDTH - 1 and an ellipsis: one more character
        # than the widest cell shown tells that it was longer.
        self.rows.extend(tuple(safe(row.get(c))[:MAX_WIDTH + 1] for c in columns) for row in rows)

    def write_cells(self, rows: Iterable[Sequence[str]]) -> None:
        """Rows of cells already made safe (``common.safe``), in column order."""
        cut = MAX_WIDTH + 1
        self.rows.extend(tuple(cell[:cut] for cell in row) for row in rows)

    def close(self) -> None:
        heads, rows = self.headers, self.rows
        widths = [min(MAX_WIDTH, max([len(h), *(len(r[i]) for r in rows)])) for i, h in enumerate(heads)]
        out = sys.stdout
        out.write("  ".join(fit(v, w) for v, w in zip(heads, widths)).rstrip() + "\n")
        for start in range(0, len(rows), 2000):
            # column by column (fit inline): tens of thousands of rows, no call per cell
            chunk = rows[start:start + 2000]
            columns = [[v.ljust(w) if len(v) <= w else v[:w - 1] + "\u2026" for v in column]
                       for column, w in zip(zip(*chunk), widths)]
            out.write("".join("  ".join(cells).rstrip() + "\n" for cells in zip(*columns)))
        self.rows = []


def writer(fmt: str, columns: Sequence[str], headers: Sequence[str] | None = None) -> JsonArray | CsvRows | Table:
    """The streaming writer for an output format: table, csv or json (whose rows hold exactly *columns*)."""
    if fmt == "json":
        return JsonArray()
    if fmt == "csv":
        return CsvRows(columns)
    return Table(columns, headers)
