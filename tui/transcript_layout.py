"""Row layout for the transcript view: soft wrapping and offset <-> (row, column).

Pure Python (no Textual), so it can be tested without a terminal. A *line* is a
line of the stored text (1-based, as in ``qualtui.text.lines``); a *row* is one
screen row after wrapping a line to the text width. Line numbers never depend
on the width; rows do.

Offsets run from 0 to ``len(text)`` inclusive: the newline that ends a line (and
the end of the text) is a cursor position on the last row of its line.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from qualtui.model import Code, Coding
from qualtui.text.lines import line_starts
from qualtui.text.units import trim_span, turn_at, turn_near  # noqa: F401  (text units live in the core)

_SPACE = " \t"


@lru_cache(maxsize=4096)
def char_cells(ch: str) -> int:
    """Terminal cells taken by one code point (0 for combining marks, 2 for wide)."""
    if ch < "\u0300":
        return 1 if ch >= " " or ch == "\t" else 0
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_cells(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(char_cells(ch) for ch in text)


def wrap_line(text: str, start: int, end: int, width: int) -> list[int]:
    """Start offsets of the rows of the stored line ``text[start:end]`` wrapped to *width* cells.

    Breaks after the last space that fits; a row may end with one space hanging in
    the column after *width* (so a word ending exactly at the edge stays put). A
    word longer than the width is split.
    """
    width = max(1, width)
    starts = [start]
    if end - start <= width // 2:
        return starts  # fits even if every character is wide
    if text[start:end].isascii():
        return starts if end - start <= width else _wrap_ascii(text, start, end, width, starts)
    return _wrap_cells(text, start, end, width, starts)


def _wrap_ascii(text: str, start: int, end: int, width: int, starts: list[int]) -> list[int]:
    p = start
    rfind = text.rfind
    while end - p > width:
        limit = p + width + 1  # chars p .. p+width inclusive may hold the break
        cut = max(rfind(" ", p + 1, limit), rfind("\t", p + 1, limit))
        nxt = cut + 1 if cut > p else p + width
        if nxt >= end:
            break
        starts.append(nxt)
        p = nxt
    return starts


def _wrap_cells(text: str, start: int, end: int, width: int, starts: list[int]) -> list[int]:
    p = start
    while True:
        cells = 0
        q = p  # first offset that does not fit
        last_space = -1
        while q < end:
            w = char_cells(text[q])
            if cells + w > width:
                break
            if text[q] in _SPACE and q > p:
                last_space = q
            cells += w
            q += 1
        if q >= end:
            return starts
        if text[q] in _SPACE:
            last_space = q  # hangs in the column after the width
        if last_space > p:
            nxt = last_space + 1
        else:
            nxt = max(q, p + 1)
        if nxt >= end:
            return starts
        starts.append(nxt)
        p = nxt


class Layout:
    """The rows of one text at one width."""

    def __init__(self, text: str, width: int, starts: list[int] | None = None) -> None:
        self.text = text
        self.width = max(1, width)
        self.line_starts = starts if starts is not None else line_starts(text)
        self.length = len(text)
        row_starts: list[int] = []
        row_lines: list[int] = []
        first_rows: list[int] = []
        ls = self.line_starts
        n_lines = len(ls)
        for index in range(n_lines):
            s = ls[index]
            e = ls[index + 1] - 1 if index + 1 < n_lines else self.length
            first_rows.append(len(row_starts))
            rows = wrap_line(text, s, e, self.width)
            row_starts.extend(rows)
            row_lines.extend([index + 1] * len(rows))
        self.row_starts = row_starts
        self.row_lines = row_lines
        self.first_rows = first_rows

    # sizes -------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self.row_starts)

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    # lines -------------------------------------------------------------------
    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset)

    def line_span(self, line: int) -> tuple[int, int]:
        """[start, end) of 1-based *line* without its newline."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else self.length
        return start, end

    def line_of_row(self, row: int) -> int:
        return self.row_lines[row]

    def is_first_row(self, row: int) -> bool:
        return self.first_rows[self.row_lines[row] - 1] == row

    def rows_of_line(self, line: int) -> range:
        first = self.first_rows[line - 1]
        last = self.first_rows[line] if line < len(self.first_rows) else len(self.row_starts)
        return range(first, last)

    # rows --------------------------------------------------------------------
    def row_of(self, offset: int) -> int:
        offset = min(max(offset, 0), self.length)
        return bisect_right(self.row_starts, offset) - 1

    def row_span(self, row: int) -> tuple[int, int]:
        """[start, end) of the text shown on *row* (never a newline)."""
        start = self.row_starts[row]
        if row + 1 < len(self.row_starts) and self.row_lines[row + 1] == self.row_lines[row]:
            return start, self.row_starts[row + 1]
        return start, self.line_span(self.row_lines[row])[1]

    def row_offsets(self, row: int) -> tuple[int, int]:
        """[first, last] cursor offsets on *row* (the last row of a line includes its newline)."""
        start, end = self.row_span(row)
        if row + 1 < len(self.row_starts) and self.row_lines[row + 1] == self.row_lines[row]:
            return start, end - 1
        return start, end

    def column_of(self, offset: int) -> int:
        row = self.row_of(offset)
        start = self.row_starts[row]
        return text_cells(self.text[start:min(offset, self.length)])

    def offset_at(self, row: int, column: int) -> int:
        """The offset shown at *column* of *row*, clamped to the row's offsets."""
        row = min(max(row, 0), len(self.row_starts) - 1)
        first, last = self.row_offsets(row)
        if column <= 0:
            return first
        segment = self.text[first:last]
        if segment.isascii():
            return min(first + column, last)
        cells = 0
        for i, ch in enumerate(segment):
            cells += char_cells(ch)
            if cells > column:
                return first + i
        return last


# motions and text units -------------------------------------------------------

_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")


def find_hits(pattern: "re.Pattern[str] | None", text: str, limit: int) -> tuple[list[tuple[int, int]], list[int]]:
    """The first *limit* non-empty matches of *pattern* in *text* as spans, and their starts."""
    if pattern is None or not text:
        return [], []
    hits: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        if match.end() > match.start():
            hits.append((match.start(), match.end()))
            if len(hits) >= limit:
                break
    return hits, [h[0] for h in hits]


def spans_touching(spans: Sequence[tuple[int, int]], starts: Sequence[int], start: int,
                   end: int) -> list[tuple[int, int]]:
    """The spans (sorted, not overlapping; *starts* their starts) that overlap [start, end)."""
    i = max(bisect_right(starts, start) - 1, 0)
    found = []
    while i < len(spans) and spans[i][0] < end:
        if spans[i][1] > start:
            found.append(spans[i])
        i += 1
    return found


def word_starts(text: str) -> list[int]:
    return [m.start() for m in _WORD.finditer(text)]


def next_in(sorted_offsets: Sequence[int], offset: int) -> int | None:
    i = bisect_right(sorted_offsets, offset)
    return sorted_offsets[i] if i < len(sorted_offsets) else None


def previous_in(sorted_offsets: Sequence[int], offset: int) -> int | None:
    i = bisect_left(sorted_offsets, offset)
    return sorted_offsets[i - 1] if i > 0 else None


# codings ----------------------------------------------------------------------

@dataclass(frozen=True)
class Painted:
    """What the view needs to draw one coding."""

    coding: Coding
    color: str
    label: str
    own: bool


class CodingIndex:
    """Codings grouped by stored line, built once per update (width-independent)."""

    def __init__(self, layout_starts: list[int], length: int, codings: Iterable[Coding],
                 codes: dict[str, Code], own_coder: str | None, label_length: int = 6) -> None:
        self.line_starts = layout_starts
        n_lines = len(layout_starts)
        self.by_line: list[list[Painted]] = [[] for _ in range(n_lines)]
        painted: list[Painted] = []
        for coding in sorted(codings, key=lambda c: (c.start, c.end, c.id)):
            code = codes.get(coding.code)
            name = code.name if code else "?"
            color = code.color if code else "#808080"
            own = own_coder is None or coding.coder == own_coder
            p = Painted(coding, color, short_label(name, label_length), own)
            painted.append(p)
            if coding.end <= coding.start:
                continue
            first = bisect_right(layout_starts, coding.start)
            last = bisect_right(layout_starts, min(coding.end - 1, length))
            for line in range(first, min(last, n_lines) + 1):
                self.by_line[line - 1].append(p)
        self.painted = painted
        self.starts = sorted({p.coding.start for p in painted})

    def for_line(self, line: int) -> list[Painted]:
        if 1 <= line <= len(self.by_line):
            return self.by_line[line - 1]
        return []

    def overlapping(self, line: int, start: int, end: int) -> list[Painted]:
        return [p for p in self.for_line(line) if p.coding.start < end and start < p.coding.end]

    def at(self, offset: int, line: int) -> list[Coding]:
        return [p.coding for p in self.for_line(line) if p.coding.covers(offset)]

    def line_signature(self, line: int) -> tuple:
        return tuple((p.coding.id, p.coding.start, p.coding.end, p.color, p.label, p.own)
                     for p in self.for_line(line))


def short_label(name: str, length: int = 6) -> str:
    """The gutter label of a code: the last part of its path, first *length* characters."""
    name = "".join(ch if ch.isprintable() else " " for ch in name).strip() or "?"
    return name[:length].rstrip() or "?"


def fit_labels(labels: Sequence[str], width: int) -> tuple[int, str]:
    """How many *labels* fit in *width* cells (joined by spaces) and the "+N" for the rest."""
    total = len(labels)
    used = -1
    shown = 0
    for label in labels:
        cells = text_cells(label) + 1
        rest = total - shown - 1
        reserve = len(f" +{rest}") if rest else 0
        if used + cells + reserve > width:
            break
        used += cells
        shown += 1
    if shown == total:
        return shown, ""
    while shown and used + len(f" +{total - shown}") > width:
        shown -= 1
        used -= text_cells(labels[shown]) + 1
    more = f"+{total - shown}"
    return shown, more if len(more) <= width else ""


def contrast_text(hex_color: str) -> str:
    """Black or white, whichever reads better on *hex_color* (WCAG relative luminance)."""
    try:
        value = hex_color.lstrip("#")
        r, g, b = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    except (ValueError, IndexError):
        return "#000000"

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#000000" if luminance > 0.179 else "#ffffff"
