"""Modal pickers shared by the codebook and analysis screens.

``TextPrompt`` asks for one line of text; ``CodeChooser`` picks any code
(groupings included) by typing part of its path, optionally offering "top
level"; ``TOP_LEVEL`` is its answer for that choice.  ``MarkDialog`` marks
several choices with space.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from qualtui.model import Code
from qualtui.text.normalise import clean_label
from tui.dialogs.base import Dialog
from tui.dialogs.code_picker import fuzzy_score
from tui.dialogs.filter_list import FilterListModal

TOP_LEVEL = "\x00top"
SWATCH = "\u25a0"


class TextPrompt(Dialog[str | None]):
    """One line of text; Enter answers it (stripped), escape cancels (None)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title", markup=False)
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("Enter confirms, escape cancels", classes="hint")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = False
        field.focus()

    @on(Input.Submitted)
    def input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


def code_label(code: Code, path: str, no_color: bool = False) -> Text:
    """'■ Theme/Code (group)': the swatch in the code's colour, then its name (never colour alone)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(SWATCH + " ", style="" if no_color else code.color)
    text.append(clean_label(path))
    if not code.codable:
        text.append(" (group)", style="italic")
    return text


class CodeChooser(FilterListModal):
    """Choose a code by typing part of its path; returns its id, TOP_LEVEL, or None on escape."""

    DEFAULT_CSS = "CodeChooser OptionList { max-height: 16; }"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="chooser.cancel"),
        Binding("down", "move(1)", "Next code", show=False, id="chooser.down"),
        Binding("up", "move(-1)", "Previous code", show=False, id="chooser.up"),
    ]

    def __init__(self, title: str, codes: list[Code], paths: dict[str, str], *, top_level: bool = False,
                 no_color: bool = False) -> None:
        super().__init__(title)
        self.codes = codes
        self.paths = paths
        self.top_level = top_level
        self.no_color = no_color

    def options_for(self, query: str) -> list[Option]:
        scored = []
        for code in self.codes:
            path = self.paths.get(code.id, code.name)
            score = fuzzy_score(query, path)
            if score is not None:
                scored.append((-score, path.casefold(), code))
        scored.sort(key=lambda item: (item[0], item[1]))
        options = []
        if self.top_level and not query.strip():
            options.append(Option(Text("(top level: no parent)", style="italic"), id=TOP_LEVEL))
        return options + [Option(code_label(code, self.paths.get(code.id, code.name), self.no_color), id=code.id)
                          for _, _, code in scored]


def marked_prompt(label: str, marked: bool) -> Text:
    """A row of a mark list: '[x] label' or '[ ] label' (a symbol, not only the list's colour)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("[x] " if marked else "[ ] ", style="bold")
    text.append(label)
    return text


class MarkList(SelectionList):
    """A SelectionList whose Enter confirms the dialog (space still marks)."""

    BINDINGS = [
        Binding("enter", "screen.confirm", "Confirm the marked choices", id="marks.confirm"),
        Binding("j", "cursor_down", "Next choice", show=False, id="marks.down"),
        Binding("k", "cursor_up", "Previous choice", show=False, id="marks.up"),
    ]


class MarkDialog(Dialog[list | None]):
    """Mark several choices with space; Enter returns the marked values (in order), escape None."""

    DEFAULT_CSS = "MarkDialog SelectionList { height: auto; max-height: 16; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="marks.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str, bool]], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices   # (label, value, marked)
        self.hint = hint or "space marks or unmarks; Enter confirms; escape cancels"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title", markup=False)
            yield MarkList(*[Selection(marked_prompt(label, marked), value, marked)
                                  for label, value, marked in self.choices])
            yield Static(self.hint, classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    @on(SelectionList.SelectionToggled)
    def selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        event.stop()
        label, value, _ = self.choices[event.selection_index]
        event.selection_list.replace_option_prompt_at_index(
            event.selection_index, marked_prompt(label, value in event.selection_list.selected))

    def action_confirm(self) -> None:
        selected = set(self.query_one(SelectionList).selected)
        self.dismiss([value for _, value, _ in self.choices if value in selected])

    def action_cancel(self) -> None:
        self.dismiss(None)
