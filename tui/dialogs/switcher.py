"""The document switcher: names, attributes and coding progress; Enter opens."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.widgets.option_list import Option

from qualtui.text.normalise import clean_label
from tui.dialogs.code_picker import fuzzy_score
from tui.dialogs.filter_list import FilterListModal


@dataclass(frozen=True)
class DocumentRow:
    doc_id: str
    name: str
    attributes: str
    coded_percent: float
    codings: int
    current: bool


class DocumentSwitcher(FilterListModal):
    DEFAULT_CSS = """
    DocumentSwitcher > Vertical { width: 100; }
    DocumentSwitcher OptionList { max-height: 24; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="switcher.cancel"),
        Binding("down", "move(1)", "Next document", show=False, id="switcher.down"),
        Binding("up", "move(-1)", "Previous document", show=False, id="switcher.up"),
    ]

    hint = "Enter opens; up/down choose; escape cancels.  % = share of the text coded"
    placeholder = "type to filter by name or attribute"

    def __init__(self, rows: list[DocumentRow]) -> None:
        super().__init__("Open a document (you return to where you left off)")
        self.rows = rows

    def options_for(self, query: str) -> list[Option]:
        rows = [r for r in self.rows if fuzzy_score(query, f"{r.name} {r.attributes}") is not None]
        return [Option(self._prompt(r), id=r.doc_id) for r in rows]

    def initial_highlight(self, query: str, options: list[Option]) -> int:
        if query:
            return 0
        current = next((r.doc_id for r in self.rows if r.current), None)
        return next((i for i, o in enumerate(options) if o.id == current), 0)

    @staticmethod
    def _prompt(row: DocumentRow) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("* " if row.current else "  ", style="bold")
        text.append(f"{clean_label(row.name, 30):<30}", style="bold")
        text.append(f" {row.coded_percent * 100:3.0f}% coded {row.codings:>5} codings  ")
        text.append(clean_label(row.attributes, 200), style="dim")
        return text
