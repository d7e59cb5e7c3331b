"""Small modal dialogs: choose one of several, confirm, and the search prompt."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.dialogs.base import Dialog


class ChooseDialog(Dialog[int | None]):
    """Pick one of several labelled choices; returns its index, or None on escape."""

    BINDINGS = [
        Binding("escape,q", "cancel", "Cancel", id="dialog.cancel"),
        Binding("j", "down", "Next choice", show=False, id="dialog.down"),
        Binding("k", "up", "Previous choice", show=False, id="dialog.up"),
    ]

    def __init__(self, title: str, choices: list, hint: str = "Enter chooses, escape cancels") -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title", markup=False)
            # markup=False: the choices name coders, codes and attribute values, which may hold '['.
            yield OptionList(*[Option(c, id=str(i)) for i, c in enumerate(self.choices)], markup=False)
            yield Static(self.hint, classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id))

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(Dialog[bool]):
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape,q", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, classes="title", markup=False)
            yield Static("y / Enter: yes    n / escape: no", classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class SearchPrompt(Dialog[tuple[str, bool] | None]):
    """Ask for a search pattern; ctrl+t (or tab to the box and space) toggles regex."""

    DEFAULT_CSS = """
    SearchPrompt Horizontal { height: auto; }
    SearchPrompt Input { width: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel the search", id="search.cancel"),
        Binding("ctrl+t", "toggle_regex", "Toggle regular expression", id="search.toggle_regex"),
    ]

    def __init__(self, pattern: str = "", regex: bool = False) -> None:
        super().__init__()
        self.pattern = pattern
        self.regex = regex

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Search this document (empty clears the highlights)", classes="title")
            with Horizontal():
                yield Input(self.pattern, placeholder="text or pattern", id="search-input")
                yield Checkbox("regex", self.regex, id="search-regex")
            yield Static("Enter searches, then n / N for next / previous hit; ctrl+t toggles regex",
                         classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False
        self.query_one(Input).focus()

    def action_toggle_regex(self) -> None:
        box = self.query_one(Checkbox)
        box.value = not box.value

    @on(Input.Submitted)
    def input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss((event.value, self.query_one(Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class LinePrompt(Dialog[int | None]):
    """Ask for a line number (``:`` then a number then Enter, as in vim and less)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel going to a line", id="line.cancel")]

    def __init__(self, line_count: int) -> None:
        super().__init__()
        self.line_count = line_count

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Go to line (1-{self.line_count}):", classes="title")
            yield Input(placeholder="line number", id="line-input", restrict=r"[0-9]*", max_length=9)
            yield Static("Enter goes there; escape cancels", classes="hint", id="line-hint")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False
        self.query_one(Input).focus()

    async def on_key(self, event: events.Key) -> None:
        # Digits typed ahead of the input's focus (":12<Enter>" in one packet over SSH) reach the screen
        # itself (the input stops the ones it takes): they belong to the input.
        field = self.query_one(Input)
        if event.character is not None and event.character.isdigit():
            event.stop()
            field.insert_text_at_cursor(event.character)
        elif event.key == "enter":
            event.stop()
            await field.action_submit()

    @on(Input.Submitted)
    def input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if value.isdigit() and 1 <= int(value) <= self.line_count:
            self.dismiss(int(value))
            return
        self.query_one("#line-hint", Static).update(
            f"There is no line {value or '(empty)'}: this document has lines 1-{self.line_count}.")

    def action_cancel(self) -> None:
        self.dismiss(None)
