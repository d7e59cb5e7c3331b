"""The codebook pane: codes as an indented tree with colour swatch, name and counts.

Each row reads ``> ■ Name  3/12``: ``>`` marks a code under the transcript
cursor (a symbol, not only colour), then the code's colour, its name, and how
many codings it has in this document / in the whole project.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qualtui.model import Code
from qualtui.text.normalise import clean_label

AT_CURSOR = ">"
SWATCH = "\u25a0"


class CodebookTree(OptionList):
    DEFAULT_CSS = """
    CodebookTree { border: none; padding: 0; background: $surface; }
    CodebookTree:focus { background-tint: $foreground 4%; }
    """

    BINDINGS = [
        Binding("j", "cursor_down", "Next code", show=False, id="codebook.down"),
        Binding("k", "cursor_up", "Previous code", show=False, id="codebook.up"),
    ]

    class CodeHighlighted(Message):
        def __init__(self, code_id: str | None) -> None:
            super().__init__()
            self.code_id = code_id

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._rows: list[tuple[int, Code]] = []
        self._doc_counts: dict[str, int] = {}
        self._project_counts: dict[str, int] = {}
        self._at_cursor: set[str] = set()
        self._width = 0
        self.no_color = False

    @property
    def highlighted_code(self) -> str | None:
        if self.highlighted is None or not self._rows:
            return None
        return self.get_option_at_index(self.highlighted).id

    def show_codes(self, rows: list[tuple[int, Code]], doc_counts: dict[str, int],
                   project_counts: dict[str, int], at_cursor: set[str]) -> None:
        changed = (rows, doc_counts, project_counts) != (self._rows, self._doc_counts, self._project_counts)
        self._rows, self._doc_counts, self._project_counts = rows, doc_counts, project_counts
        if changed or self._width != self._row_width():
            self._rebuild(at_cursor)
        else:
            self.mark_at_cursor(at_cursor)

    def mark_at_cursor(self, at_cursor: set[str]) -> None:
        """Re-draw only the rows whose marker changed."""
        if at_cursor == self._at_cursor:
            return
        changed = at_cursor ^ self._at_cursor
        self._at_cursor = set(at_cursor)
        for index, (depth, code) in enumerate(self._rows):
            if code.id in changed:
                self._replace_row(index, self._prompt(depth, code))

    def _replace_row(self, index: int, prompt: Text) -> None:
        """Repaint one row: OptionList's own replace repaints the whole pane (~5 KB over SSH).

        Rows are single lines (no wrap), so the line layout is unchanged and only
        the rendered strips need to go.  Falls back to the public method if
        OptionList's internals differ in another Textual version.
        """
        try:
            line = self._line_cache.index_to_line[index]
            self.get_option_at_index(index)._set_prompt(prompt)
            self._option_render_cache.clear()
        except (AttributeError, KeyError):
            self.replace_option_prompt_at_index(index, prompt)
            return
        self.refresh_line(line)

    def _row_width(self) -> int:
        return max(self.scrollable_content_region.width, 16)

    def _rebuild(self, at_cursor: set[str]) -> None:
        self._at_cursor = set(at_cursor)
        self._width = self._row_width()
        keep = self.highlighted_code
        self.clear_options()
        if not self._rows:
            self.add_option(Option(Text("No codes yet: select text, press c and type a name.", style="italic"),
                                   disabled=True))
            return
        self.add_options([Option(self._prompt(depth, code), id=code.id) for depth, code in self._rows])
        ids = [code.id for _, code in self._rows]
        self.highlighted = ids.index(keep) if keep in ids else 0

    def _prompt(self, depth: int, code: Code) -> Text:
        counts = f"{self._doc_counts.get(code.id, 0)}/{self._project_counts.get(code.id, 0)}"
        marker = AT_CURSOR if code.id in self._at_cursor else " "
        name = clean_label(code.name) + ("" if code.codable else " (group)")
        room = self._width - len(counts) - 2 * depth - 5
        if len(name) > room:
            name = name[: max(room - 1, 1)] + "\u2026"
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(marker, style="bold")
        text.append(" " + "  " * depth)
        text.append(SWATCH, style="" if self.no_color else code.color)
        text.append(" " + name, style="bold" if code.id in self._at_cursor else "")
        text.append(" " * max(room - len(name), 1) + counts, style="dim")
        return text

    def on_resize(self) -> None:
        if self._rows and self._width != self._row_width():
            self._rebuild(self._at_cursor)

    @on(OptionList.OptionHighlighted)
    def option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.CodeHighlighted(event.option.id))
