"""The document switcher: names, attributes and coding progress; Enter opens."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from qualtui.textnorm import clean_label
from tui.screens.code_picker import fuzzy_score
from tui.screens.dialogs import DIALOG_CSS


@dataclass(frozen=True)
class DocumentRow:
    doc_id: str
    name: str
    attributes: str
    coded_percent: float
    codings: int
    current: bool


def coded_fraction(length: int, spans: list[tuple[int, int]]) -> float:
    """Share of the text covered by at least one coding (overlaps counted once)."""
    if length <= 0:
        return 0.0
    covered, reach = 0, 0
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            covered += end - start
            reach = end
    return min(covered / length, 1.0)


class DocumentSwitcher(ModalScreen[str | None]):
    DEFAULT_CSS = DIALOG_CSS.format(name="DocumentSwitcher") + """
    DocumentSwitcher > Vertical { width: 100; }
    DocumentSwitcher OptionList { max-height: 24; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="switcher.cancel"),
        Binding("down", "move(1)", "Next document", show=False, id="switcher.down"),
        Binding("up", "move(-1)", "Previous document", show=False, id="switcher.up"),
    ]

    def __init__(self, rows: list[DocumentRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Open a document (you return to where you left off)", classes="title")
            yield Input(placeholder="type to filter by name or attribute", id="switcher-input")
            yield OptionList(id="switcher-list")
            yield Static("Enter opens; up/down choose; escape cancels.  % = share of the text coded",
                         classes="hint")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = False
        field.focus()
        self._refilter("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._refilter(event.value)

    def _refilter(self, query: str) -> None:
        rows = [r for r in self.rows if fuzzy_score(query, f"{r.name} {r.attributes}") is not None]
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options([Option(self._prompt(r), id=r.doc_id) for r in rows])
        if rows:
            current = next((i for i, r in enumerate(rows) if r.current), 0)
            listing.highlighted = 0 if query else current

    @staticmethod
    def _prompt(row: DocumentRow) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("* " if row.current else "  ", style="bold")
        text.append(f"{clean_label(row.name, 30):<30}", style="bold")
        text.append(f" {row.coded_percent * 100:3.0f}% coded {row.codings:>5} codings  ")
        text.append(clean_label(row.attributes, 200), style="dim")
        return text

    def action_move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if listing.option_count:
            current = listing.highlighted or 0
            listing.highlighted = max(0, min(listing.option_count - 1, current + step))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        listing = self.query_one(OptionList)
        if listing.highlighted is not None and listing.option_count:
            self.dismiss(listing.get_option_at_index(listing.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
