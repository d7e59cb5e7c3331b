"""A modal memo editor: markdown in a TextArea; ctrl+s or escape saves through a callback.

The dialog closes only when the callback says the memo is on disk, so a
failed write leaves the text in front of the user.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from tui.screens.dialogs import DIALOG_CSS


class MemoEditDialog(ModalScreen[str | None]):
    """Returns the saved text, or None if nothing changed."""

    DEFAULT_CSS = DIALOG_CSS.format(name="MemoEditDialog") + """
    MemoEditDialog > Vertical { width: 100; height: 90%; max-height: 90%; }
    MemoEditDialog TextArea { height: 1fr; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save the memo and close", id="memo_dialog.save"),
        Binding("escape", "save", "Save (if changed) and close", id="memo_dialog.close"),
    ]

    def __init__(self, title: str, text: str, save: Callable[[str], bool]) -> None:
        super().__init__()
        self.title_text = title
        self.original = text
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title", markup=False)
            yield TextArea(self.original, id="memo-dialog-text", soft_wrap=True)
            yield Static("markdown; ctrl+s or escape saves and closes (u undoes)", classes="hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.cursor_blink = False
        area.focus()
        area.move_cursor(area.document.end)

    def save_open_memo(self) -> bool:
        """For the app before quitting: save unsaved text; False if that failed."""
        text = self.query_one(TextArea).text
        if text == self.original or not self.save(text):
            return text == self.original
        self.original = text
        return True

    def action_save(self) -> None:
        text = self.query_one(TextArea).text
        if text == self.original:
            self.dismiss(None)
        elif self.save(text):
            self.dismiss(text)
