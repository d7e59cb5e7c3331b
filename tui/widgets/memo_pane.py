"""The memo pane: the memo of whatever is focused, as markdown, editable in place.

``m`` (or Enter in the pane) swaps the rendered memo for a TextArea.  What is
typed is saved as it is typed (``tui.autosave``: on disk within a second of the
last keystroke); ctrl+s saves at once; leaving the editor (escape, tab, focus
elsewhere) saves, records the whole session as one undo step and posts
``MemoPane.Closed``.  If a write fails the editor stays open with the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Markdown, TextArea

from qualtui.editing.live_edit import LiveEdit, StoredCodingMemo, StoredMemo
from qualtui.text.normalise import clean_label
from tui.autosave import Autosave


@dataclass(frozen=True)
class MemoTarget:
    """What a memo is about: kind is "coding", "code" or "document"."""

    kind: str
    target_id: str
    label: str
    doc_id: str | None = None  # for codings
    memo_id: str | None = None  # for code/document memos that exist already


class MemoEditor(TextArea):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save the memo", id="memo.save"),
        Binding("escape", "leave", "Save the memo and leave the editor", id="memo.leave"),
    ]

    def action_save(self) -> None:
        self.parent_pane.save_now()

    def action_leave(self) -> None:
        self.parent_pane.close_editor()

    @property
    def parent_pane(self) -> "MemoPane":
        return self.query_ancestor(MemoPane)

    def on_blur(self) -> None:
        if not self.app.app_focus:
            return  # the terminal window lost focus: Textual gives it back to this editor when it returns
        pane = self.parent_pane
        if pane.editing:
            pane.close_editor(refocus=False)


class MemoTitle(Widget):
    """A one-line title repainted in place (no re-layout per cursor move)."""

    def show(self, title: str) -> None:
        if title != getattr(self, "_title", None):
            self._title = title
            self.refresh()

    def render(self) -> str:
        return getattr(self, "_title", "Memo")


class MemoPane(Vertical, can_focus=False):
    DEFAULT_CSS = """
    MemoPane { height: 1fr; }
    MemoPane > #memo-title { height: 1; background: $panel; color: $foreground; text-style: bold; padding: 0 1; }
    MemoPane > #memo-scroll { height: 1fr; padding: 0 1; }
    MemoPane > #memo-scroll:focus { background-tint: $foreground 4%; }
    MemoPane Markdown { margin: 0; padding: 0; }
    MemoPane > MemoEditor { height: 1fr; border: none; }
    """

    BINDINGS = [Binding("enter", "edit", "Edit this memo", show=False, id="memo.edit")]

    class Closed(Message):
        """The editor closed with its text on disk; *changed*: the session changed the memo."""

        def __init__(self, target: MemoTarget, changed: bool, refocus: bool) -> None:
            super().__init__()
            self.target = target
            self.changed = changed
            self.refocus = refocus

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.target: MemoTarget | None = None
        self.text = ""
        self.editing = False
        self.autosave: Autosave | None = None
        self._shown: str | None = None

    def compose(self) -> ComposeResult:
        yield MemoTitle(id="memo-title")
        with VerticalScroll(id="memo-scroll", can_focus=True):
            yield Markdown("", open_links=False)
        editor = MemoEditor(id="memo-editor", soft_wrap=True, tab_behavior="focus")
        editor.cursor_blink = False
        editor.display = False
        yield editor

    def show_memo(self, target: MemoTarget | None, text: str) -> None:
        if self.editing:
            return  # never replace what someone is typing
        if target == self.target and text == self.text:
            return
        title = "Memo" if target is None else f"Memo: {target.kind} {clean_label(target.label, 40)}"
        self.query_one(MemoTitle).show(title)
        hint = "*No memo yet. Press m to write one.*" if target is not None else "*Open a document.*"
        if (text or hint) != self._shown:  # re-rendering markdown re-lays-out the pane: only when it changed
            self._shown = text or hint
            self.query_one(Markdown).update(self._shown)
        self.target, self.text = target, text

    def start_editing(self) -> None:
        if self.target is None:
            return
        editor = self.query_one(MemoEditor)
        if not self.editing:
            try:
                edit = LiveEdit(stored_memo(self.app.project, self.target))
            except Exception as exc:
                self.app.edits.report("open the memo", exc)
                return
            self.autosave = Autosave(self, edit, lambda: editor.text, self.app.history, "save the memo")
            self.editing = True
            editor.load_text(edit.before or "")
            editor.move_cursor(editor.document.end)
            self.query_one("#memo-scroll").display = False
            editor.display = True
        editor.focus()

    def action_edit(self) -> None:
        self.start_editing()

    @on(TextArea.Changed)
    def text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self.editing and self.autosave is not None:
            self.autosave.changed()

    def save_now(self) -> None:
        if self.autosave is not None and self.autosave.flush():
            self.notify("Memo saved.", timeout=2)

    def close_editor(self, *, refocus: bool = True) -> bool:
        """Save, end the editing session (one undo step) and show the memo; False if the save failed."""
        if not self.editing or self.autosave is None:
            return True
        if not self.autosave.close():
            return False  # the editor stays open with the text
        edit, self.autosave = self.autosave.edit, None
        self.text = edit.saved or ""
        self.editing = False
        self.query_one(MemoEditor).display = False
        self.query_one("#memo-scroll").display = True
        self._shown = self.text or "*No memo yet. Press m to write one.*"
        self.query_one(Markdown).update(self._shown)
        self.post_message(self.Closed(self.target, edit.saved != edit.before, refocus))
        return True


def stored_memo(project, target: MemoTarget) -> StoredMemo | StoredCodingMemo:
    """What the pane's editor writes to: the coding's memo, or the (first) memo about a code or document."""
    if target.kind == "coding":
        return StoredCodingMemo(project, target.doc_id, target.target_id)
    memo = project.memos.about(target.kind, target.target_id)
    return StoredMemo(project, target.kind, target.target_id, memo.id if memo else None)
