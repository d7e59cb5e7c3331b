"""Adjust a coding's boundaries from the keyboard: move either edge by a word or a sentence.

Nothing is stored until Enter, so the whole adjustment is one undo step.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from qualtui.text.spans import move_edge
from qualtui.text.lines import line_of
from qualtui.text.normalise import clean_label
from tui.dialogs.base import Dialog

CONTEXT = 120  # characters of context shown either side


class AdjustDialog(Dialog[tuple[int, int] | None]):
    DEFAULT_CSS = """
    AdjustDialog > Vertical { width: 90; }
    AdjustDialog #adjust-text { height: auto; max-height: 14; margin: 1 0; }
    """
    BINDINGS = [
        Binding("tab,e", "switch_edge", "Switch between the start and the end", id="adjust.switch_edge"),
        Binding("h,left", "move('word', -1)", "Move the edge one word earlier", id="adjust.word_earlier"),
        Binding("l,right", "move('word', 1)", "Move the edge one word later", id="adjust.word_later"),
        Binding("left_parenthesis,H", "move('sentence', -1)", "Move the edge one sentence earlier",
                id="adjust.sentence_earlier"),
        Binding("right_parenthesis,L", "move('sentence', 1)", "Move the edge one sentence later",
                id="adjust.sentence_later"),
        Binding("enter", "save", "Keep the new boundaries (one undo step)", id="adjust.save"),
        Binding("escape", "cancel", "Cancel (nothing changes)", id="adjust.cancel"),
    ]

    def __init__(self, text: str, starts: list[int], start: int, end: int, label: str) -> None:
        super().__init__()
        self.text, self.starts = text, starts
        self.original = (start, end)
        self.start, self.end = start, end
        self.label = label
        self.edge = "end"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", classes="title", id="adjust-title")
            yield Static("", id="adjust-text")
            yield Static("tab switches the edge; h/l or left/right: a word; ( ) or H/L: a sentence; "
                         "Enter keeps, escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        first, last = line_of(self.starts, self.start), line_of(self.starts, max(self.end - 1, self.start))
        lines = f"l. {first}" if first == last else f"ll. {first}-{last}"
        changed = "" if (self.start, self.end) == self.original else "  (changed)"
        self.query_one("#adjust-title", Static).update(Text(
            f"Boundaries of {clean_label(self.label, 40)}: {lines}, {self.end - self.start} characters; "
            f"moving the {self.edge.upper()}{changed}"))
        lo, hi = max(0, self.start - CONTEXT), min(len(self.text), self.end + CONTEXT)
        body = Text(no_wrap=False)
        body.append(("..." if lo else "") + self.text[lo:self.start], style="dim")
        active, idle = "bold reverse", "bold"
        body.append("[", style=active if self.edge == "start" else idle)
        body.append(self.text[self.start:self.end], style="underline")
        body.append("]", style=active if self.edge == "end" else idle)
        body.append(self.text[self.end:hi] + ("..." if hi < len(self.text) else ""), style="dim")
        self.query_one("#adjust-text", Static).update(body)

    def action_switch_edge(self) -> None:
        self.edge = "start" if self.edge == "end" else "end"
        self.show()

    def action_move(self, unit: str, direction: int) -> None:
        span = move_edge(self.text, self.start, self.end, self.edge, unit, direction)
        if span == (self.start, self.end):
            self.notify(f"The {self.edge} cannot move further that way.", timeout=2)
            return
        self.start, self.end = span
        self.show()

    def action_save(self) -> None:
        self.dismiss((self.start, self.end))

    def action_cancel(self) -> None:
        self.dismiss(None)
