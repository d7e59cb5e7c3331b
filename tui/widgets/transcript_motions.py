"""Cursor motions and selections of the transcript view, as a mixin of ``TranscriptView``.

The state (text, layout, cursor, anchor, caches) lives in ``TranscriptView``;
this part moves the cursor, grows and clears the selection, and repaints only
the cells whose look changed.  Sentences, turns and a line's speech come from
``qualtui.text.units`` (the same units the CLI, auto-coding and reports use); words
from ``tui.transcript_layout``.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from textual import events
from textual.geometry import Region

from qualtui.text.units import TextUnits, trim_span
from tui.transcript_layout import Layout, next_in, previous_in

_NON_SPACE = re.compile(r"\S")


class TranscriptMotions:
    """Cursor and selection actions; mixed into ``TranscriptView`` (a ``ScrollView``)."""

    # cursor and selection ------------------------------------------------------
    def _clamp(self, offset: int) -> int:
        return min(max(int(offset), 0), len(self._text))

    _KEEP = object()

    def _set_cursor(self, offset: int, *, anchor: object = _KEEP, center: bool = False) -> None:
        old_cursor, old_selection = self._cursor, self.selection
        self._cursor = offset
        if anchor is not self._KEEP:
            self._anchor = anchor  # type: ignore[assignment]
        new_selection = self.selection
        layout = self._layout
        if layout is not None:
            self._repaint_changes(layout, old_cursor, old_selection, new_selection)
            self._scroll_to_cursor(center=center)
        if offset != old_cursor:
            self.post_message(self.CursorMoved(self, offset, self.current_line))
        if new_selection != old_selection:
            self.post_message(self.SelectionChanged(self, new_selection))

    def _repaint_changes(self, layout: Layout, old_cursor: int, old_sel, new_sel) -> None:
        """Refresh the cells whose look changed: the old and new cursor, and where the selection moved."""
        spans: list[tuple[int, int]] = [(old_cursor, old_cursor + 1), (self._cursor, self._cursor + 1)]
        if old_sel != new_sel:
            if old_sel is None or new_sel is None:
                spans.append(old_sel or new_sel)
            else:
                spans.append((min(old_sel[0], new_sel[0]), max(old_sel[0], new_sel[0])))
                spans.append((min(old_sel[1], new_sel[1]), max(old_sel[1], new_sel[1])))
        height = max(self.scrollable_content_region.height, 1)
        for start, end in spans:
            if end > start and layout.row_of(end - 1) - layout.row_of(start) > height:
                self._invalidate_all()
                self.refresh()
                return
        for start, end in spans:
            if end > start:
                self._refresh_offsets(layout, start, end)

    def _refresh_offsets(self, layout: Layout, start: int, end: int) -> None:
        """Drop the cached rows of [start, end) and repaint only the cells it covers.

        Textual sends just the refreshed region, so a cursor step costs a few
        cells over SSH rather than whole rows.
        """
        width = self._content_width()
        left = self._painter.number_width if self._painter is not None else 0
        scroll_y = int(self.scroll_y)
        for row in range(layout.row_of(start), layout.row_of(end - 1) + 1):
            self._cache.discard(self._cache_key(row, width))
            first, last = layout.row_offsets(row)
            lo, hi = max(start, first), min(end, last + 1)
            if hi <= lo:
                continue
            x0 = layout.column_of(lo)
            x1 = layout.column_of(hi - 1) + 2  # the last cell may be a wide character
            self.refresh(Region(left + x0, row - scroll_y, x1 - x0, 1))

    def _scroll_to_cursor(self, *, center: bool) -> None:
        layout = self._layout
        if layout is None:
            return
        row = layout.row_of(self._cursor)
        height = self.scrollable_content_region.height
        if height <= 0:
            self._pending_center = center
            return
        top = int(self.scroll_y)
        if top <= row < top + height and not (center and self._pending_center):
            return
        # Off screen: re-centre rather than creep one row at a time, so a run of
        # cursor moves costs one full repaint per half page, not one per key.
        self.scroll_to(y=max(row - height // 2, 0), animate=False, force=True)

    def _move_vertical(self, rows: int) -> int:
        layout = self._layout
        if layout is None:
            return self._cursor
        if self._goal_column is None:
            self._goal_column = layout.column_of(self._cursor)
        row = layout.row_of(self._cursor) + rows
        row = min(max(row, 0), layout.row_count - 1)
        return layout.offset_at(row, self._goal_column)

    def _target(self, motion: str) -> int:
        text_length = len(self._text)
        cursor = self._cursor
        keep_goal = motion in ("up", "down", "page_up", "page_down")
        if not keep_goal:
            self._goal_column = None
        page = max(self.scrollable_content_region.height - 1, 1)
        if motion == "down":
            return self._move_vertical(1)
        if motion == "up":
            return self._move_vertical(-1)
        if motion == "page_down":
            return self._move_vertical(page)
        if motion == "page_up":
            return self._move_vertical(-page)
        if motion == "left":
            return max(cursor - 1, 0)
        if motion == "right":
            return min(cursor + 1, text_length)
        if motion == "word_next":
            found = next_in(self._words, cursor)
            return text_length if found is None else found
        if motion == "word_previous":
            found = previous_in(self._words, cursor)
            return 0 if found is None else found
        if motion == "document_start":
            return 0
        if motion == "document_end":
            return text_length
        line = self.current_line
        start = self._line_starts[line - 1]
        if motion == "line_start":
            return start
        if motion == "line_end":
            return self._line_starts[line] - 1 if line < len(self._line_starts) else text_length
        raise ValueError(motion)

    def _move(self, motion: str, *, extend: bool = False) -> None:
        if self._document is None:
            return
        target = self._target(motion)
        anchor: object = self._KEEP
        if extend and self._anchor is None:
            anchor = self._cursor
        self._set_cursor(target, anchor=anchor)

    # actions -------------------------------------------------------------------
    def action_cursor_down(self) -> None:
        self._move("down")

    def action_cursor_up(self) -> None:
        self._move("up")

    def action_cursor_left(self) -> None:
        self._move("left")

    def action_cursor_right(self) -> None:
        self._move("right")

    def action_word_next(self) -> None:
        self._move("word_next")

    def action_word_previous(self) -> None:
        self._move("word_previous")

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _page(self, direction: int) -> None:
        """Scroll a page and keep the cursor on the same screen row (like a pager)."""
        layout = self._layout
        if layout is None:
            return
        page = max(self.scrollable_content_region.height - 1, 1)
        self.scroll_to(y=max(int(self.scroll_y) + direction * page, 0), animate=False, force=True)
        self._move("page_down" if direction > 0 else "page_up")

    def on_click(self, event: events.Click) -> None:
        layout = self._layout
        if layout is None or self._painter is None:
            return
        row = int(self.scroll_y) + event.y
        if 0 <= row < layout.row_count:
            self._goal_column = None
            offset = layout.offset_at(row, event.x - self._painter.number_width)
            anchor = (self._cursor if self._anchor is None else self._anchor) if event.shift else None
            self._set_cursor(offset, anchor=anchor)

    def action_document_start(self) -> None:
        self._move("document_start")

    def action_document_end(self) -> None:
        self._move("document_end")

    def action_line_start(self) -> None:
        self._move("line_start")

    def action_line_end(self) -> None:
        self._move("line_end")

    def action_extend(self, direction: str) -> None:
        if direction in ("up", "down", "left", "right"):
            self._move(direction, extend=True)

    def action_toggle_selection(self) -> None:
        if self._document is None:
            return
        self._set_cursor(self._cursor, anchor=None if self._anchor is not None else self._cursor)

    def action_clear_selection(self) -> None:
        self.clear_selection()

    def _units(self) -> TextUnits:
        """The document's text units, rebuilt when the shown text or turns change."""
        units = getattr(self, "_units_cache", None)
        if units is None or units[0] is not self._text or units[1] is not self._turns:
            units = self._units_cache = (self._text, self._turns, TextUnits(self._text, self._turns))
        return units[2]

    @property
    def turn_at_cursor(self):
        """The turn ``t`` would select at the cursor, or None."""
        return self._units().turn_near(self._cursor) if self._document is not None else None

    def action_select_turn(self) -> None:
        turn = self._units().turn_near(self._cursor)
        if turn is not None:
            self._select_trimmed(turn.start, turn.end)

    def action_select_sentence(self) -> None:
        place = self._text_place()
        if place is not None:
            found = self._units().sentence_at(place[1])
            if found is not None:
                self._select_trimmed(*found)

    def action_select_paragraph(self) -> None:
        place = self._text_place()
        if place is not None:
            self._select_trimmed(*self._units().speech_span(place[0]))

    def _line_bounds(self, line: int) -> tuple[int, int]:
        """[start, end) of stored *line* without its newline."""
        lo = self._line_starts[line - 1]
        return lo, self._line_starts[line] - 1 if line < len(self._line_starts) else len(self._text)

    def _text_place(self) -> tuple[int, int] | None:
        """(line, offset) where ``s`` and ``p`` act: the cursor on a line with text; from a blank
        line, the first character of the next line with text, else the last of the previous one."""
        text, line = self._text, self.current_line
        lo, hi = self._line_bounds(line)
        if text[lo:hi].strip():
            return line, self._cursor
        found = _NON_SPACE.search(text, hi)
        if found is not None:
            offset = found.start()
        else:
            offset = lo - 1
            while offset >= 0 and text[offset].isspace():
                offset -= 1
            if offset < 0:
                return None
        return bisect_right(self._line_starts, offset), offset

    def _select_trimmed(self, start: int, end: int) -> None:
        start, end = trim_span(self._text, start, end)
        if end > start:
            self.select_span(start, end)

    def action_next_coded(self) -> None:
        found = next_in(self._index.starts, self._cursor)
        if found is not None:
            self.move_to(found)

    def action_previous_coded(self) -> None:
        found = previous_in(self._index.starts, self._cursor)
        if found is not None:
            self.move_to(found)

    def action_search_next(self) -> None:
        self.search_next(True)

    def action_search_previous(self) -> None:
        self.search_next(False)
