"""The transcript pane: a Line-API ``ScrollView`` that draws rows from a Strip cache.

Only rows whose look changed are repainted (the old and new cursor rows, the rows
where the selection grew or shrank, rows whose codings changed), which keeps the
bytes sent over SSH per keypress small. Wrapping and offset maths live in
``tui.transcript_layout`` (no Textual); the drawing of one row lives in
``tui.transcript_render``; cursor motions and selections in
``tui.widgets.transcript_motions``.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualtui.model import Code, Coding, Document, Turn
from qualtui.text.lines import line_starts
from qualtui.text.units import clock, turn_extent
from tui.keymap import binding_maker
from tui.transcript_layout import (CodingIndex, Layout, find_hits, next_in, previous_in, spans_touching,
                                   word_starts)
from tui.transcript_render import RowPainter
from tui.widgets.transcript_motions import TranscriptMotions

MAX_SEARCH_HITS = 20_000
LABEL_LENGTH = 60  # gutter labels keep whole names; the painter abbreviates them to the room there is


_b = binding_maker("transcript")


class TranscriptView(TranscriptMotions, ScrollView, can_focus=True):
    """One document's text with line numbers, coded spans, a cursor and a selection.

    Cursor motions and selections (the ``action_*`` methods) are in ``TranscriptMotions``.
    """

    DEFAULT_CSS = """
    TranscriptView {
        overflow-y: scroll;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        background: $surface;
        color: $foreground;
    }
    TranscriptView > .transcript-view--gutter {
        color: $foreground 50%;
    }
    TranscriptView > .transcript-view--speaker {
        text-style: bold;
        color: $accent;
    }
    TranscriptView > .transcript-view--search {
        background: $warning 70%;
        color: $text;
        text-style: bold;
    }
    TranscriptView > .transcript-view--labels {
        color: $foreground 70%;
    }
    """

    COMPONENT_CLASSES = {
        "transcript-view--gutter",
        "transcript-view--speaker",
        "transcript-view--search",
        "transcript-view--labels",
    }

    BINDINGS = [
        _b("down,j", "cursor_down", "Cursor down a row", "cursor_down"),
        _b("up,k", "cursor_up", "Cursor up a row", "cursor_up"),
        _b("left,h", "cursor_left", "Cursor left", "cursor_left"),
        _b("right,l", "cursor_right", "Cursor right", "cursor_right"),
        _b("w", "word_next", "Next word", "word_next"),
        _b("b", "word_previous", "Previous word", "word_previous"),
        _b("pagedown", "page_down", "Page down", "page_down"),
        _b("pageup", "page_up", "Page up", "page_up"),
        _b("g", "document_start", "Start of document", "document_start"),
        _b("G", "document_end", "End of document", "document_end"),
        _b("home", "line_start", "Start of line", "line_start"),
        _b("end", "line_end", "End of line", "line_end"),
        _b("shift+down", "extend('down')", "Extend selection down", "extend_down"),
        _b("shift+up", "extend('up')", "Extend selection up", "extend_up"),
        _b("shift+left", "extend('left')", "Extend selection left", "extend_left"),
        _b("shift+right", "extend('right')", "Extend selection right", "extend_right"),
        _b("v", "toggle_selection", "Start/stop selecting at the cursor", "toggle_selection"),
        _b("t", "select_turn", "Select the speaker turn (on a blank line: the next turn)", "select_turn"),
        _b("s", "select_sentence", "Select the sentence (on a blank line: the next one)", "select_sentence"),
        _b("p", "select_paragraph", "Select the paragraph, i.e. the stored line (on a blank line: the next one)",
           "select_paragraph"),
        _b("escape", "clear_selection", "Clear the selection", "clear_selection"),
        _b("right_square_bracket", "next_coded", "Next coded span", "next_coded"),
        _b("left_square_bracket", "previous_coded", "Previous coded span", "previous_coded"),
        _b("n", "search_next", "Next search hit", "search_next"),
        _b("N", "search_previous", "Previous search hit", "search_previous"),
    ]

    class CursorMoved(Message):
        """The cursor moved (or a new document was shown)."""

        def __init__(self, view: "TranscriptView", offset: int, line: int) -> None:
            super().__init__()
            self.view = view
            self.offset = offset
            self.line = line

        @property
        def control(self) -> "TranscriptView":
            return self.view

    class SelectionChanged(Message):
        """The selection changed; ``selection`` is a half-open span or None."""

        def __init__(self, view: "TranscriptView", selection: tuple[int, int] | None) -> None:
            super().__init__()
            self.view = view
            self.selection = selection

        @property
        def control(self) -> "TranscriptView":
            return self.view

    def __init__(self, *, gutter_width: int = 18, name: str | None = None, id: str | None = None,
                 classes: str | None = None, disabled: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.gutter_width = gutter_width
        self._document: Document | None = None
        self._text = ""
        self._turns: list[Turn] = []
        self._label_spans: list[tuple[int, int]] = []
        self._label_span_starts: list[int] = []
        self._codings: list[Coding] = []
        self._codes: dict[str, Code] = {}
        self._own_coder: str | None = None
        self._line_starts: list[int] = [0]
        self._index = CodingIndex([0], 0, [], {}, None)
        self._words: list[int] = []
        self._layout: Layout | None = None
        self._painter: RowPainter | None = None
        self._cursor = 0
        self._anchor: int | None = None
        self._goal_column: int | None = None
        self._pending_top: int | None = None
        self._pending_center = False
        self._search: re.Pattern[str] | None = None
        self._hits: list[tuple[int, int]] = []
        self._hit_starts: list[int] = []
        self._show_times = False
        self._time_starts: list[int] = []  # where each timed turn begins (its label included) ...
        self._times: list[str] = []        # ... and its start time as hh:mm:ss
        self._version = 0
        self._cache: LRUCache[tuple[int, int, int, bool], Strip] = LRUCache(1024)

    # public API ----------------------------------------------------------------
    def show_document(self, document: Document, text: str, turns: list[Turn], codings: list[Coding],
                      codes: dict[str, Code], *, cursor: int = 0, own_coder: str | None = None,
                      top_offset: int | None = None) -> None:
        """Show *document*; *top_offset* (from ``top_offset``) restores the scroll position."""
        old_selection = self.selection
        self._document = document
        self._text = text
        self._turns = sorted(turns, key=lambda t: t.label_start if t.label_start is not None else t.start)
        self._own_coder = own_coder
        self._label_spans = [(t.label_start, t.start) for t in self._turns
                             if t.label_start is not None and t.label_start < t.start]
        self._label_span_starts = [s for s, _ in self._label_spans]
        timed = [(turn_extent(t)[0], clock(t.begin_ms)) for t in self._turns if t.begin_ms is not None]
        self._time_starts = [start for start, time in timed if time]
        self._times = [time for _, time in timed if time]
        self._line_starts = line_starts(text)
        self._words = word_starts(text)
        self._codings = list(codings)
        self._codes = dict(codes)
        self._index = CodingIndex(self._line_starts, len(text), self._codings, self._codes, own_coder,
                                  label_length=LABEL_LENGTH)
        self._layout = None
        self._cursor = self._clamp(cursor)
        self._anchor = None
        self._goal_column = None
        self._hits, self._hit_starts = find_hits(self._search, self._text, MAX_SEARCH_HITS)
        self._pending_top = top_offset
        self._pending_center = top_offset is None
        self._invalidate_all()
        self._relayout()
        self.post_message(self.CursorMoved(self, self._cursor, self.current_line))
        if old_selection is not None:
            self.post_message(self.SelectionChanged(self, None))

    def update_codings(self, codings: list[Coding], codes: dict[str, Code]) -> None:
        """New codings or codebook for the shown document: repaint only rows that look different."""
        old = self._index
        self._codings = list(codings)
        self._codes = dict(codes)
        self._index = CodingIndex(self._line_starts, len(self._text), self._codings, self._codes,
                                  self._own_coder, label_length=LABEL_LENGTH)
        layout = self._layout
        if layout is None:
            return
        width = self._content_width()
        for line in range(1, len(self._line_starts) + 1):
            if old.line_signature(line) != self._index.line_signature(line):
                rows = layout.rows_of_line(line)
                for row in rows:
                    self._cache.discard(self._cache_key(row, width))
                self.refresh_lines(rows.start, len(rows))

    def move_to(self, offset: int, *, center: bool = True) -> None:
        self._goal_column = None
        self._set_cursor(self._clamp(offset), center=center)

    def go_to_line(self, line: int) -> None:
        """Put the cursor at the start of stored line *line* (clamped), centred."""
        line = min(max(line, 1), len(self._line_starts))
        self.move_to(self._line_starts[line - 1], center=True)

    def select_span(self, start: int, end: int) -> None:
        """Select [start, end); the cursor goes to the last selected character."""
        start, end = self._clamp(min(start, end)), self._clamp(max(start, end))
        if end <= start:
            self.clear_selection()
            self.move_to(start, center=False)
            return
        self._goal_column = None
        self._set_cursor(end - 1, anchor=start, center=False)

    def clear_selection(self) -> None:
        if self._anchor is not None:
            self._set_cursor(self._cursor, anchor=None)

    def set_search(self, pattern: str, *, regex: bool = False, case_sensitive: bool = False) -> int:
        """Highlight every match of *pattern*; returns the number of hits. Empty clears."""
        if not pattern:
            compiled = None
        else:
            flags = 0 if case_sensitive else re.IGNORECASE
            try:
                compiled = re.compile(pattern if regex else re.escape(pattern), flags)
            except re.error as error:
                where = f" at position {error.pos + 1}" if error.pos is not None else ""
                raise ValueError(f"bad regular expression: {error.msg}{where}") from None
        self._search = compiled
        self._hits, self._hit_starts = find_hits(compiled, self._text, MAX_SEARCH_HITS)
        self._invalidate_all()
        self.refresh()
        return len(self._hits)

    def search_next(self, forward: bool = True) -> bool:
        """Move to the next (or previous) hit, wrapping around; False when there are none."""
        if not self._hit_starts:
            return False
        found = (next_in if forward else previous_in)(self._hit_starts, self._cursor)
        if found is None:
            found = self._hit_starts[0 if forward else -1]
        self.move_to(found, center=True)
        return True

    @property
    def has_times(self) -> bool:
        """Whether any turn of the shown document has a start time."""
        return bool(self._times)

    @property
    def showing_times(self) -> bool:
        return self._show_times

    def show_times(self, on: bool) -> None:
        """Show (or hide) each timed turn's start time in the left gutter, at the turn's first row
        (kept for the next documents; a document without times keeps the narrow gutter)."""
        if on != self._show_times:
            self._show_times = on
            self._painter = None  # the gutter is wider or narrower: new painter, new layout, every row anew
            self._relayout()

    @property
    def document(self) -> Document | None:
        return self._document

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def selection(self) -> tuple[int, int] | None:
        if self._anchor is None:
            return None
        start = min(self._anchor, self._cursor)
        end = min(max(self._anchor, self._cursor) + 1, len(self._text))
        return (start, end) if end > start else None

    @property
    def current_line(self) -> int:
        return bisect_right(self._line_starts, self._cursor)

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    @property
    def codings_at_cursor(self) -> list[Coding]:
        return self._index.at(self._cursor, self.current_line)

    @property
    def top_offset(self) -> int:
        if self._layout is None:
            return self._pending_top if self._pending_top is not None else 0
        row = min(int(self.scroll_y), self._layout.row_count - 1)
        return self._layout.row_starts[max(row, 0)]

    @property
    def search_hits(self) -> int:
        return len(self._hits)

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
            strip = self._painter.paint(layout, row, self._row_state(layout, row))
            self._cache.set(key, strip)
        return strip

    def _cache_key(self, row: int, width: int) -> tuple[int, int, int, bool]:
        return row, width, self._version, self._show_times

    def _row_state(self, layout: Layout, row: int) -> dict:
        first, last = layout.row_offsets(row)
        time = ""
        if self._show_times and self._time_starts:
            i = bisect_right(self._time_starts, last) - 1
            if i >= 0 and self._time_starts[i] >= first:
                time = self._times[i]
        return {
            "cursor": self._cursor if first <= self._cursor <= last else None,
            "selection": self.selection,
            "hits": spans_touching(self._hits, self._hit_starts, first, last + 1),
            "painted": self._index.overlapping(layout.row_lines[row], first, last + 1),
            "speakers": spans_touching(self._label_spans, self._label_span_starts, first, last + 1),
            "time": time,
        }

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
        painter = RowPainter(self, width, len(self._line_starts), self.gutter_width, self.app.no_color,
                             times=self._show_times and self.has_times)
        keep_top = self._pending_top
        if keep_top is None and self._layout is not None:
            keep_top = self.top_offset
        if self._layout is None or self._layout.width != painter.text_width:
            self._layout = Layout(self._text, painter.text_width, self._line_starts)
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_selection":
            return self._anchor is not None  # let escape reach the app when nothing is selected
        return True

