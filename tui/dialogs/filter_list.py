"""A modal with a filter field over an option list: the shape of every picker.

Subclasses say what the rows are (``options_for``) and what choosing one means
(``choose``); typing filters, up/down move, Enter or a click chooses, escape
cancels.  Each subclass declares its own ``BINDINGS`` so that its binding ids
(and the user's keymap for them) stay its own.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.dialogs.base import Dialog


class FilterListModal(Dialog):
    placeholder = "type to filter"
    hint = "Enter chooses; up/down move; escape cancels"

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title", markup=False)
            yield Input(placeholder=self.placeholder)
            yield OptionList()
            yield Static(self.hint, classes="hint")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = False
        field.focus()
        self.refilter("")

    @on(Input.Changed)
    def input_changed(self, event: Input.Changed) -> None:
        self.refilter(event.value)

    def options_for(self, query: str) -> list[Option]:
        raise NotImplementedError

    def initial_highlight(self, query: str, options: list[Option]) -> int:
        return 0

    def refilter(self, query: str) -> None:
        options = self.options_for(query)
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(options)
        if options:
            listing.highlighted = self.initial_highlight(query, options)

    def action_move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if listing.option_count:
            listing.highlighted = max(0, min(listing.option_count - 1, (listing.highlighted or 0) + step))

    @on(Input.Submitted)
    def input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        listing = self.query_one(OptionList)
        if listing.highlighted is not None and listing.option_count:
            self.choose(listing.get_option_at_index(listing.highlighted).id)

    @on(OptionList.OptionSelected)
    def option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option.id)

    def choose(self, option_id: str | None) -> None:
        self.dismiss(option_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
