"""A modal memo editor: markdown in a TextArea, saved as it is typed; ctrl+s or escape saves and closes.

What is typed is on disk within a second (``tui.autosave``); closing saves the
rest and records the whole session as one undo step.  The dialog closes only
when the text is on disk, so a failed write leaves it in front of the user.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from qualtui.editing.history import History
from qualtui.editing.live_edit import LiveEdit
from tui.autosave import Autosave
from tui.dialogs.base import TypingDialog


class MemoEditDialog(TypingDialog[str | None]):
    """Returns the saved text, or None if the session changed nothing."""

    DEFAULT_CSS = """
    MemoEditDialog > Vertical { width: 100; height: 90%; max-height: 90%; }
    MemoEditDialog TextArea { height: 1fr; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save the memo and close", id="memo_dialog.save"),
        Binding("escape", "save", "Save and close (the text is saved as you type anyway)", id="memo_dialog.close"),
    ]

    def __init__(self, title: str, edit: LiveEdit, history: History) -> None:
        super().__init__()
        self.title_text = title
        self.edit = edit
        self.history = history
        self.autosave: Autosave | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title", markup=False)
            yield TextArea(self.edit.before or "", id="memo-dialog-text", soft_wrap=True)
            yield Static("markdown, saved as you type; ctrl+s or escape closes (u undoes)", classes="hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.cursor_blink = False
        area.focus()
        area.move_cursor(area.document.end)
        self.autosave = Autosave(self, self.edit, lambda: area.text, self.history, "save the memo")

    def action_save(self) -> None:
        if self.autosave is None or self.autosave.close():
            self.dismiss(self.edit.saved if self.edit.saved != self.edit.before else None)
