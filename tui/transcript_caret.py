"""The transcript's cursor and selection: where each motion goes, and what t, s and p select (no Textual).

``Caret`` holds the cursor offset, the selection anchor and the goal column of
vertical moves over one document's text.  ``TranscriptView`` owns one per shown
document and asks it where a key goes; the view then moves it and repaints.
Sentences, turns and a line's speech come from ``qualtui.text.units`` (the same
units the CLI, auto-coding and reports use); words from ``tui.transcript_layout``.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from qualtui.model import Turn
from qualtui.text.units import TextUnits, trim_span
from tui.transcript_layout import Layout, next_in, previous_in, word_starts

_NON_SPACE = re.compile(r"\S")
VERTICAL = ("down", "up", "page_down", "page_up")  # the moves that keep the goal column


class Caret:
    def __init__(self, text: str = "", line_starts: list[int] | None = None, turns: list[Turn] | None = None,
                 cursor: int = 0) -> None:
        self.text = text
        self.line_starts = line_starts or [0]
        self.turns = turns or []
        self.words = word_starts(text)
        self.cursor = self.clamp(cursor)
        self.anchor: int | None = None
        self.goal_column: int | None = None  # the column up/down keep, as in an editor
        self._units: TextUnits | None = None

    def clamp(self, offset: int) -> int:
        return min(max(int(offset), 0), len(self.text))

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected half-open span (anchor and cursor both included), or None."""
        if self.anchor is None:
            return None
        start = min(self.anchor, self.cursor)
        end = min(max(self.anchor, self.cursor) + 1, len(self.text))
        return (start, end) if end > start else None

    @property
    def line(self) -> int:
        """The stored line (1-based) of the cursor."""
        return bisect_right(self.line_starts, self.cursor)

    # motions --------------------------------------------------------------------------------
    def target(self, motion: str, layout: Layout | None, page: int) -> int:
        """Where *motion* takes the cursor (a page is *page* rows); up/down keep the goal column."""
        if motion not in VERTICAL:
            self.goal_column = None
        elif layout is None:
            return self.cursor
        else:
            if self.goal_column is None:
                self.goal_column = layout.column_of(self.cursor)
            rows = {"down": 1, "up": -1, "page_down": page, "page_up": -page}[motion]
            row = min(max(layout.row_of(self.cursor) + rows, 0), layout.row_count - 1)
            return layout.offset_at(row, self.goal_column)
        end = len(self.text)
        if motion == "left":
            return max(self.cursor - 1, 0)
        if motion == "right":
            return min(self.cursor + 1, end)
        if motion == "word_next":
            found = next_in(self.words, self.cursor)
            return end if found is None else found
        if motion == "word_previous":
            found = previous_in(self.words, self.cursor)
            return 0 if found is None else found
        if motion == "document_start":
            return 0
        if motion == "document_end":
            return end
        lo, hi = self.line_bounds(self.line)
        if motion == "line_start":
            return lo
        if motion == "line_end":
            return hi
        raise ValueError(motion)

    # units ----------------------------------------------------------------------------------
    @property
    def units(self) -> TextUnits:
        if self._units is None:
            self._units = TextUnits(self.text, self.turns)
        return self._units

    def unit(self, kind: str) -> tuple[int, int] | None:
        """The span ``t`` (turn), ``s`` (sentence) or ``p`` (the speech of the line) selects, trimmed; or None."""
        if kind == "turn":
            turn = self.units.turn_near(self.cursor)
            found = (turn.start, turn.end) if turn is not None else None
        else:
            place = self.text_place()
            if place is None:
                return None
            found = self.units.sentence_at(place[1]) if kind == "sentence" else self.units.speech_span(place[0])
        if found is None:
            return None
        start, end = trim_span(self.text, *found)
        return (start, end) if end > start else None

    def line_bounds(self, line: int) -> tuple[int, int]:
        """[start, end) of stored *line* without its newline."""
        lo = self.line_starts[line - 1]
        return lo, self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)

    def text_place(self) -> tuple[int, int] | None:
        """(line, offset) where ``s`` and ``p`` act: the cursor on a line with text; from a blank
        line, the first character of the next line with text, else the last of the previous one."""
        text, line = self.text, self.line
        lo, hi = self.line_bounds(line)
        if text[lo:hi].strip():
            return line, self.cursor
        found = _NON_SPACE.search(text, hi)
        if found is not None:
            offset = found.start()
        else:
            offset = lo - 1
            while offset >= 0 and text[offset].isspace():
                offset -= 1
            if offset < 0:
                return None
        return bisect_right(self.line_starts, offset), offset


def changed_spans(old_cursor: int, cursor: int, old_sel: tuple[int, int] | None,
                  new_sel: tuple[int, int] | None) -> list[tuple[int, int]]:
    """The text whose look a cursor move changed: the old and new cursor, and where the selection moved."""
    spans: list[tuple[int, int]] = [(old_cursor, old_cursor + 1), (cursor, cursor + 1)]
    if old_sel != new_sel:
        if old_sel is None or new_sel is None:
            spans.append(old_sel or new_sel)  # type: ignore[arg-type]
        else:
            spans.append((min(old_sel[0], new_sel[0]), max(old_sel[0], new_sel[0])))
            spans.append((min(old_sel[1], new_sel[1]), max(old_sel[1], new_sel[1])))
    return [(start, end) for start, end in spans if end > start]


def cells_of(layout: Layout, spans: list[tuple[int, int]], height: int) -> list[tuple[int, int, int]] | None:
    """(row, first column, width) of the cells *spans* cover, a row of width 0 where a span ends at its start;
    None when a span covers more rows than *height* (then repainting everything is cheaper)."""
    if any(layout.row_of(end - 1) - layout.row_of(start) > height for start, end in spans):
        return None
    cells = []
    for start, end in spans:
        for row in range(layout.row_of(start), layout.row_of(end - 1) + 1):
            first, last = layout.row_offsets(row)
            lo, hi = max(start, first), min(end, last + 1)
            x0 = layout.column_of(lo) if hi > lo else 0
            cells.append((row, x0, layout.column_of(hi - 1) + 2 - x0 if hi > lo else 0))  # +2: a wide last cell
    return cells
