"""A table for long lists (tens of thousands of rows): only the rows on screen are ever drawn.

Textual's DataTable measures every cell of every row before its first frame (seconds at 60,000
rows).  This one uses the Line API, as Textualize/toolong's LogLines does: ``render_line(y)`` builds
the Strip of the one row at *y* from the rows as the caller keeps them (any sequence, so a lazy one
costs nothing per row until the row is seen), strips are cached, and moving the cursor repaints only
the old and the new cursor rows.

Column widths are fixed by the caller.  Cells are plain text (never markup), shown on one line
(control characters out, whitespace runs as one space) and cut with an ellipsis to the column's
width in terminal cells (wide characters take two).  The cursor row is reverse video and marked
with a triangle in the first column: never colour alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualtui.text.normalise import BIDI_CONTROLS, strip_controls
from tui.keymap import binding_maker
from tui.transcript_layout import char_cells, text_cells

MARKER = "\u25b6 "   # the cursor row's mark (two cells, blank on the other rows)
GAP = " "            # between columns
ELLIPSIS = "\u2026"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_SPACE = re.compile(r"\s+")


def flat(text: str, width: int, *, strip: bool = True) -> str:
    """*text* on one line: controls and bidi overrides out, whitespace runs as one space (and none at either
    end, with *strip*).

    Only the start of a long text is looked at: a cell never shows more than *width* cells of it.
    """
    text = _SPACE.sub(" ", _BIDI.sub("", strip_controls(text[: width * 4 + 64])))
    return text.strip(" ") if strip else text


def cut(pieces: Sequence[tuple[str, str | None]], width: int) -> list[tuple[str, str | None]]:
    """(text, style) pieces of one line in exactly *width* terminal cells: cut with an ellipsis (in the style
    of the piece cut) when longer, padded with unstyled spaces when shorter."""
    used = sum(text_cells(text) for text, _ in pieces)
    if used <= width:
        return [*pieces, (" " * (width - used), None)]
    fitted: list[tuple[str, str | None]] = []
    used = 0
    for text, style in pieces:
        kept = []
        for ch in text:
            size = char_cells(ch)
            if used + size > width - 1:
                fitted.append(("".join(kept) + ELLIPSIS, style))
                return [*fitted, (" " * (width - 1 - used), None)]
            kept.append(ch)
            used += size
        fitted.append(("".join(kept), style))
    return fitted  # not reached: the pieces were longer than the width


def fit(text: str, width: int) -> str:
    """*text* on one line in exactly *width* terminal cells: cut with an ellipsis when longer, padded when shorter."""
    if width <= 0:
        return ""
    return "".join(text for text, _ in cut([(flat(text, width), None)], width))


class Styled(tuple):
    """A cell in differently styled pieces, ``Styled([(text, rich_style), ...])`` (a search hit in its
    context); ``str()`` gives its text.  Whitespace at the pieces' ends is kept (as one space)."""

    def __str__(self) -> str:
        return "".join(text for text, _ in self)

    def fit(self, width: int) -> list[tuple[str, str | None]]:
        if width <= 0:
            return []
        return cut([(flat(text, width, strip=False), style) for text, style in self], width)


_b = binding_maker("list")


class _RowMessage(Message):
    """A message about one row of a ``LineTable`` (its ``control``)."""

    def __init__(self, table: "LineTable", row: int) -> None:
        super().__init__()
        self.table = table
        self.row = row

    @property
    def control(self) -> "LineTable":
        return self.table


class LineTable(ScrollView, can_focus=True):
    """Rows of plain-text cells under a header line, with a row cursor.

    ``show(columns, rows)`` replaces everything: *columns* are (name, width) pairs, *rows* a sequence
    (``len`` and indexing) of cell sequences, one str (or ``Styled``) per column.  ``RowHighlighted`` is
    posted when the cursor moves, ``RowSelected`` on Enter (or a click on the cursor row).
    """

    DEFAULT_CSS = """
    LineTable { height: 1fr; background: $surface; }
    LineTable > .line-table--header { text-style: bold; background: $panel; }
    LineTable > .line-table--stripe { background: $surface-lighten-1; }
    LineTable > .line-table--cursor { text-style: reverse bold; }
    """
    COMPONENT_CLASSES = {"line-table--header", "line-table--stripe", "line-table--cursor"}
    BINDINGS = [
        _b("down,j", "cursor_down", "Next row", "down"),
        _b("up,k", "cursor_up", "Previous row", "up"),
        _b("pagedown", "cursor_page(1)", "A screenful of rows down", "page_down"),
        _b("pageup", "cursor_page(-1)", "A screenful of rows up", "page_up"),
        _b("home", "cursor_first", "First row", "first"),
        _b("end", "cursor_last", "Last row", "last"),
        _b("enter", "select", "Choose the highlighted row", "select"),
    ]

    class RowHighlighted(_RowMessage):
        """The cursor moved to ``row`` (an index into the rows)."""

    class RowSelected(_RowMessage):
        """Enter (or a click) on ``row``."""

    def __init__(self, *, zebra_stripes: bool = False, name: str | None = None, id: str | None = None,
                 classes: str | None = None, disabled: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.zebra_stripes = zebra_stripes
        self.columns: list[tuple[str, int]] = []
        self.rows: Sequence[Sequence[str]] = ()
        self._cursor = 0
        self._strips: LRUCache[tuple[int, bool], Strip] = LRUCache(1024)

    # data -----------------------------------------------------------------------------------
    def show(self, columns: Sequence[tuple[str, int]], rows: Sequence[Sequence[str]], *, cursor: int = 0) -> None:
        """Replace the columns and rows; the cursor goes to row *cursor* (kept within the rows)."""
        self.columns = [(name, max(1, width)) for name, width in columns]
        self.rows = rows
        self._strips.clear()
        width = len(MARKER) + sum(w for _, w in self.columns) + len(GAP) * max(0, len(self.columns) - 1)
        self.virtual_size = Size(width, len(rows) + 1)
        self._cursor = -1
        self.refresh()
        self.move_cursor(row=cursor)

    def clear(self) -> None:
        self.show(self.columns, ())

    def refresh_row(self, row: int) -> None:
        """Draw *row* again (its cells changed in the caller's rows)."""
        for key in ((row, True), (row, False)):
            self._strips.discard(key)
        self.refresh_line(row + 1)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def cursor_row(self) -> int:
        return max(0, self._cursor)

    def get_row_at(self, row: int) -> list[str]:
        return list(self.rows[row])

    # cursor -----------------------------------------------------------------------------------
    @property
    def page(self) -> int:
        """Rows shown at once (the header line aside)."""
        return max(1, self.scrollable_content_region.height - 1)

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        """Put the cursor on *row* (clamped), scroll it into view, and say so if it moved (never animated:
        *animate* is there for callers written for DataTable)."""
        row = max(0, min(row, len(self.rows) - 1))
        old, self._cursor = self._cursor, row
        if old == row:
            return
        if old >= 0:
            self.refresh_line(old + 1)
        self.refresh_line(row + 1)
        self.scroll_to_cursor()
        if self.rows:
            self.post_message(self.RowHighlighted(self, row))

    def scroll_to_cursor(self) -> None:
        top = self.scroll_offset.y
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + self.page:
            self.scroll_to(y=self._cursor - self.page + 1, animate=False)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_page(self, pages: int) -> None:
        self.move_cursor(row=self._cursor + pages * self.page)

    def action_cursor_first(self) -> None:
        self.move_cursor(row=0)

    def action_cursor_last(self) -> None:
        self.move_cursor(row=len(self.rows) - 1)

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.RowSelected(self, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = self.scroll_offset.y + offset.y - 1
        if row >= len(self.rows):
            return
        event.stop()
        if row == self._cursor:
            self.action_select()
        else:
            self.move_cursor(row=row)

    def on_resize(self) -> None:
        self.scroll_to_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    # drawing ----------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            strip = self._header()
        elif (row := scroll_y + y - 1) < len(self.rows):
            key = (row, row == self._cursor)
            strip = self._strips.get(key)
            if strip is None:
                strip = self._strips[key] = self._row(row, key[1])
        else:
            return Strip.blank(width, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _header(self) -> Strip:
        style = self.rich_style + self.get_component_rich_style("line-table--header", partial=True)
        text = " " * len(MARKER) + GAP.join(fit(name, width) for name, width in self.columns)
        return Strip([Segment(text, style)])

    def _row(self, row: int, cursor: bool) -> Strip:
        style: Style = self.rich_style
        if self.zebra_stripes and row % 2:
            style += self.get_component_rich_style("line-table--stripe", partial=True)
        if cursor:
            style += self.get_component_rich_style("line-table--cursor", partial=True)
        segments = [Segment(MARKER if cursor else " " * len(MARKER), style)]
        for index, (cell, (_, width)) in enumerate(zip(self.rows[row], self.columns)):
            if index:
                segments.append(Segment(GAP, style))
            if isinstance(cell, Styled):
                segments.extend(Segment(text, self._piece_style(style, part, cursor)) for text, part in cell.fit(width))
            else:
                segments.append(Segment(fit(str(cell) if cell is not None else "", width), style))
        return Strip(segments)

    @staticmethod
    def _piece_style(row: Style, piece: str | None, cursor: bool) -> Style:
        """A piece in reverse video (a search hit) is shown the other way round on the reversed cursor row,
        so it stands out there too."""
        if not piece:
            return row
        style = Style.parse(piece)
        return row + style + Style(reverse=False) if cursor and style.reverse else row + style
