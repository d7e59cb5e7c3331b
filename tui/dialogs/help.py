"""The help screen: every binding (id, keys, description), generated from the bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.dialogs.base import Dialog
from tui.keymap import HelpRow


class HelpScreen(Dialog[None]):
    DEFAULT_CSS = """
    HelpScreen > VerticalScroll {
        width: 100; max-width: 100%; height: 90%; border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close the help", id="help.close"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False, id="help.up"),
        Binding("pagedown,space", "scroll(10)", "Page down", show=False, id="help.page_down"),
        Binding("pageup", "scroll(-10)", "Page up", show=False, id="help.page_up"),
    ]

    def __init__(self, rows: list[HelpRow], intro: str) -> None:
        super().__init__()
        self.rows = rows
        self.intro = intro

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, pad_edge=False, show_edge=False)
        table.add_column("keys", style="bold", max_width=14, overflow="fold")
        table.add_column("what it does", ratio=1, overflow="fold")
        table.add_column(Text("binding id (keymap)"), style="dim", max_width=30, overflow="fold")
        group = None
        for row in self.rows:
            if row.group != group:
                group = row.group
                table.add_row("", Text(group, style="bold underline"), "")
            table.add_row(Text(row.keys), Text(row.description), Text(row.binding_id))
        with VerticalScroll(can_focus=True):
            yield Static(self.intro, markup=False)
            yield Static(table)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_scroll(self, rows: int) -> None:
        scroller = self.query_one(VerticalScroll)
        scroller.scroll_relative(y=rows, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
