"""The transcript pane: a Line-API ``ScrollView`` that draws rows from a Strip cache.

Only the cells whose look changed are repainted (the old and new cursor, where
the selection grew or shrank, rows whose codings changed), which keeps the
bytes sent over SSH per keypress small. Wrapping and offset maths live in
``tui.transcript_layout`` (no Textual); the drawing of one row lives in
``tui.transcript_render``; where a motion goes and what t, s and p select in
``tui.transcript_caret`` (a ``Caret`` this view owns).
"""

from __future__ import annotations

from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualtui.model import Code, Coding, Document, Turn
from tui.keymap import binding_maker
from tui.transcript_caret import Caret, cells_of, changed_spans
from tui.transcript_layout import Layout, next_in, previous_in
from tui.transcript_render import RowPainter
from tui.transcript_shown import ShownText, compile_search


_b = binding_maker("transcript")


class TranscriptView(ScrollView, can_focus=True):
    """One document's text with line numbers, coded spans, a cursor and a selection."""

    DEFAULT_CSS = """
    TranscriptView {
        overflow-y: scroll; overflow-x: hidden; scrollbar-size-vertical: 1;
        background: $surface; color: $foreground;
    }
    TranscriptView > .transcript-view--gutter { color: $foreground 50%; }
    TranscriptView > .transcript-view--speaker { text-style: bold; color: $accent; }
    TranscriptView > .transcript-view--search { background: $warning 70%; color: $text; text-style: bold; }
    TranscriptView > .transcript-view--labels { color: $foreground 70%; }
    """
    COMPONENT_CLASSES = {"transcript-view--gutter", "transcript-view--speaker", "transcript-view--search",
                         "transcript-view--labels"}

    BINDINGS = [
        _b("down,j", "move('down')", "Cursor down a row", "cursor_down"),
        _b("up,k", "move('up')", "Cursor up a row", "cursor_up"),
        _b("left,h", "move('left')", "Cursor left", "cursor_left"),
        _b("right,l", "move('right')", "Cursor right", "cursor_right"),
        _b("w", "move('word_next')", "Next word", "word_next"),
        _b("b", "move('word_previous')", "Previous word", "word_previous"),
        _b("pagedown", "page(1)", "Page down", "page_down"),
        _b("pageup", "page(-1)", "Page up", "page_up"),
        _b("g", "move('document_start')", "Start of document", "document_start"),
        _b("G", "move('document_end')", "End of document", "document_end"),
        _b("home", "move('line_start')", "Start of line", "line_start"),
        _b("end", "move('line_end')", "End of line", "line_end"),
        _b("shift+down", "extend('down')", "Extend selection down", "extend_down"),
        _b("shift+up", "extend('up')", "Extend selection up", "extend_up"),
        _b("shift+left", "extend('left')", "Extend selection left", "extend_left"),
        _b("shift+right", "extend('right')", "Extend selection right", "extend_right"),
        _b("v", "toggle_selection", "Start/stop selecting at the cursor", "toggle_selection"),
        _b("t", "select('turn')", "Select the speaker turn (on a blank line: the next turn)", "select_turn"),
        _b("s", "select('sentence')", "Select the sentence (on a blank line: the next one)", "select_sentence"),
        _b("p", "select('paragraph')", "Select the paragraph, i.e. the stored line (on a blank line: the next one)",
           "select_paragraph"),
        _b("escape", "clear_selection", "Clear the selection", "clear_selection"),
        _b("right_square_bracket", "coded(1)", "Next coded span", "next_coded"),
        _b("left_square_bracket", "coded(-1)", "Previous coded span", "previous_coded"),
        _b("n", "search(1)", "Next search hit", "search_next"),
        _b("N", "search(-1)", "Previous search hit", "search_previous"),
    ]

    class CursorMoved(Message):
        """The cursor moved (or a new document was shown)."""

        def __init__(self, view: "TranscriptView", offset: int, line: int) -> None:
            super().__init__()
            self.view, self.offset, self.line = view, offset, line

        control = property(lambda self: self.view)

    class SelectionChanged(Message):
        """The selection changed; ``selection`` is a half-open span or None."""

        def __init__(self, view: "TranscriptView", selection: tuple[int, int] | None) -> None:
            super().__init__()
            self.view, self.selection = view, selection

        control = property(lambda self: self.view)

    def __init__(self, *, gutter_width: int = 18, name: str | None = None, id: str | None = None,
                 classes: str | None = None, disabled: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.gutter_width = gutter_width
        self._document: Document | None = None
        self.shown = ShownText()
        self.caret = Caret()
        self._layout: Layout | None = None
        self._painter: RowPainter | None = None
        self._pending_top: int | None = None  # where to scroll once laid out (a reopened document) ...
        self._pending_center = False          # ... or centre the cursor
        self._show_times, self._version = False, 0
        self._cache: LRUCache[tuple[int, int, int, bool], Strip] = LRUCache(1024)

    # public API ----------------------------------------------------------------
    def show_document(self, document: Document, text: str, turns: list[Turn], codings: list[Coding],
                      codes: dict[str, Code], *, cursor: int = 0, own_coder: str | None = None,
                      top_offset: int | None = None) -> None:
        """Show *document*; *top_offset* (from ``top_offset``) restores the scroll position."""
        old_selection = self.selection
        self._document = document
        shown = self.shown = ShownText(text, turns, codings, codes, own_coder, self.shown.search)
        self._layout = None
        self.caret = Caret(text, shown.line_starts, shown.turns, cursor)
        self._pending_top = top_offset
        self._pending_center = top_offset is None
        self._invalidate_all()
        self._relayout()
        self.post_message(self.CursorMoved(self, self.caret.cursor, self.current_line))
        if old_selection is not None:
            self.post_message(self.SelectionChanged(self, None))

    def update_codings(self, codings: list[Coding], codes: dict[str, Code]) -> None:
        """New codings or codebook for the shown document: repaint only rows that look different."""
        changed = self.shown.set_codings(codings, codes)
        layout = self._layout
        if layout is None:
            return
        width = self._content_width()
        for line in changed:
            rows = layout.rows_of_line(line)
            for row in rows:
                self._cache.discard(self._cache_key(row, width))
            self.refresh_lines(rows.start, len(rows))

    def move_to(self, offset: int, *, center: bool = True) -> None:
        self.caret.goal_column = None
        self._set_cursor(self.caret.clamp(offset), center=center)

    def go_to_line(self, line: int) -> None:
        """Put the cursor at the start of stored line *line* (clamped), centred."""
        line = min(max(line, 1), self.line_count)
        self.move_to(self.shown.line_starts[line - 1], center=True)

    def select_span(self, start: int, end: int) -> None:
        """Select [start, end); the cursor goes to the last selected character."""
        start, end = self.caret.clamp(min(start, end)), self.caret.clamp(max(start, end))
        if end <= start:
            self.clear_selection()
            self.move_to(start, center=False)
            return
        self.caret.goal_column = None
        self._set_cursor(end - 1, anchor=start, center=False)

    def clear_selection(self) -> None:
        if self.caret.anchor is not None:
            self._set_cursor(self.caret.cursor, anchor=None)

    def set_search(self, pattern: str, *, regex: bool = False, case_sensitive: bool = False) -> int:
        """Highlight every match of *pattern*; returns the number of hits. Empty clears."""
        hits = self.shown.set_search(compile_search(pattern, regex=regex, case_sensitive=case_sensitive))
        self._invalidate_all()
        self.refresh()
        return hits

    def search_next(self, forward: bool = True) -> bool:
        """Move to the next (or previous) hit, wrapping around; False when there are none."""
        found = self.shown.next_hit(self.caret.cursor, forward)
        if found is not None:
            self.move_to(found, center=True)
        return found is not None

    @property
    def has_times(self) -> bool:
        """Whether any turn of the shown document has a start time."""
        return bool(self.shown.times)

    showing_times = property(lambda self: self._show_times)

    def show_times(self, on: bool) -> None:
        """Show (or hide) each timed turn's start time in the left gutter, at the turn's first row
        (kept for the next documents; a document without times keeps the narrow gutter)."""
        if on != self._show_times:
            self._show_times = on
            self._painter = None  # the gutter is wider or narrower: new painter, new layout, every row anew
            self._relayout()

    document = property(lambda self: self._document)

    cursor = property(lambda self: self.caret.cursor)

    @property
    def selection(self) -> tuple[int, int] | None:
        return self.caret.selection

    @property
    def current_line(self) -> int:
        return self.caret.line

    @property
    def turn_at_cursor(self) -> Turn | None:
        """The turn ``t`` would select at the cursor, or None."""
        return self.caret.units.turn_near(self.caret.cursor) if self._document is not None else None

    @property
    def line_count(self) -> int:
        return len(self.shown.line_starts)

    @property
    def codings_at_cursor(self) -> list[Coding]:
        return self.shown.index.at(self.caret.cursor, self.current_line)

    @property
    def top_offset(self) -> int:
        if self._layout is None:
            return self._pending_top if self._pending_top is not None else 0
        row = min(int(self.scroll_y), self._layout.row_count - 1)
        return self._layout.row_starts[max(row, 0)]

    @property
    def search_hits(self) -> int:
        return len(self.shown.hits)

    # rendering -----------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self._content_width()
        layout = self._ensure_layout()
        row = int(self.scroll_y) + y
        if layout is None or self._painter is None or row >= layout.row_count:
            return Strip.blank(width, self.rich_style)
        key = self._cache_key(row, width)
        strip = self._cache.get(key)
        if strip is None:
            state = self.shown.row_state(layout, row, self.caret.cursor, self.caret.selection, self._show_times)
            strip = self._painter.paint(layout, row, state)
            self._cache.set(key, strip)
        return strip

    def _cache_key(self, row: int, width: int) -> tuple[int, int, int, bool]:
        return row, width, self._version, self._show_times

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._painter = None
        self._invalidate_all()

    def on_resize(self) -> None:
        self._relayout()

    # layout --------------------------------------------------------------------
    def _content_width(self) -> int:
        return self.scrollable_content_region.width

    def _ensure_layout(self) -> Layout | None:
        width = self._content_width()
        if self._document is None or width <= 0:
            return None
        if self._layout is None or self._painter is None or self._painter.width != width:
            self._relayout()
        return self._layout

    def _relayout(self) -> None:
        width = self._content_width()
        if self._document is None or width <= 0:
            return
        painter = RowPainter(self, width, len(self.shown.line_starts), self.gutter_width, self.app.no_color,
                             times=self._show_times and self.has_times)
        keep_top = self._pending_top
        if keep_top is None and self._layout is not None:
            keep_top = self.top_offset
        if self._layout is None or self._layout.width != painter.text_width:
            self._layout = Layout(self.shown.text, painter.text_width, self.shown.line_starts)
        self._painter = painter
        self._invalidate_all()
        self.virtual_size = Size(width, self._layout.row_count)
        self._pending_top = None
        if self._pending_center:
            self._pending_center = False
            self._scroll_to_cursor(center=True)
        elif keep_top is not None:
            self.scroll_to(y=self._layout.row_of(keep_top), animate=False, force=True)
            self._scroll_to_cursor(center=False)
        self.refresh()

    def _invalidate_all(self) -> None:
        self._version += 1
        self._cache.clear()

    # moving the cursor ---------------------------------------------------------
    _KEEP = object()

    def _set_cursor(self, offset: int, *, anchor: object = _KEEP, center: bool = False) -> None:
        caret = self.caret
        old_cursor, old_selection = caret.cursor, caret.selection
        caret.cursor = offset
        if anchor is not self._KEEP:
            caret.anchor = anchor  # type: ignore[assignment]
        new_selection = caret.selection
        layout = self._layout
        if layout is not None:
            self._repaint_changes(layout, old_cursor, old_selection, new_selection)
            self._scroll_to_cursor(center=center)
        if offset != old_cursor:
            self.post_message(self.CursorMoved(self, offset, self.current_line))
        if new_selection != old_selection:
            self.post_message(self.SelectionChanged(self, new_selection))

    def _repaint_changes(self, layout: Layout, old_cursor: int, old_sel, new_sel) -> None:
        """Repaint only the cells whose look changed: Textual sends just those over SSH."""
        spans = changed_spans(old_cursor, self.caret.cursor, old_sel, new_sel)
        cells = cells_of(layout, spans, max(self.scrollable_content_region.height, 1))
        if cells is None:
            self._invalidate_all()
            self.refresh()
            return
        width, scroll_y = self._content_width(), int(self.scroll_y)
        left = self._painter.number_width if self._painter is not None else 0
        for row, x0, cells_wide in cells:
            self._cache.discard(self._cache_key(row, width))
            if cells_wide:
                self.refresh(Region(left + x0, row - scroll_y, cells_wide, 1))

    def _scroll_to_cursor(self, *, center: bool) -> None:
        layout = self._layout
        if layout is None:
            return
        row = layout.row_of(self.caret.cursor)
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

    def action_move(self, motion: str, extend: bool = False) -> None:
        if self._document is None:
            return
        caret = self.caret
        target = caret.target(motion, self._layout, max(self.scrollable_content_region.height - 1, 1))
        self._set_cursor(target, anchor=caret.cursor if extend and caret.anchor is None else self._KEEP)

    def action_extend(self, direction: str) -> None:
        if direction in ("up", "down", "left", "right"):
            self.action_move(direction, extend=True)

    def action_page(self, direction: int) -> None:
        """Scroll a page and keep the cursor on the same screen row (like a pager)."""
        if self._layout is None:
            return
        page = max(self.scrollable_content_region.height - 1, 1)
        self.scroll_to(y=max(int(self.scroll_y) + direction * page, 0), animate=False, force=True)
        self.action_move("page_down" if direction > 0 else "page_up")

    def on_click(self, event: events.Click) -> None:
        layout = self._layout
        if layout is None or self._painter is None:
            return
        row = int(self.scroll_y) + event.y
        if 0 <= row < layout.row_count:
            caret = self.caret
            caret.goal_column = None
            offset = layout.offset_at(row, event.x - self._painter.number_width)
            anchor = (caret.cursor if caret.anchor is None else caret.anchor) if event.shift else None
            self._set_cursor(offset, anchor=anchor)

    def action_toggle_selection(self) -> None:
        if self._document is not None:
            caret = self.caret
            self._set_cursor(caret.cursor, anchor=None if caret.anchor is not None else caret.cursor)

    def action_clear_selection(self) -> None:
        self.clear_selection()

    def action_select(self, unit: str) -> None:
        found = self.caret.unit(unit) if self._document is not None else None
        if found is not None:
            self.select_span(*found)

    def action_coded(self, step: int) -> None:
        found = (next_in if step > 0 else previous_in)(self.shown.index.starts, self.caret.cursor)
        if found is not None:
            self.move_to(found)

    def action_search(self, step: int) -> None:
        self.search_next(step > 0)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_selection":
            return self.caret.anchor is not None  # let escape reach the app when nothing is selected
        return True

