"""Every memo in one place: the reflexive journal, document, code and coding memos.

The list (filtered as you type after /) shows what each memo is about; the
pane beside it renders the highlighted memo as markdown, or edits it in a
TextArea (Enter or e): what is typed is saved as it is typed (``tui.autosave``),
ctrl+s saves at once, escape (or leaving the editor) saves and closes it; the
whole editing session is one undo step.  n starts a new journal entry;
g jumps to what the memo is about (``JumpTo``); D deletes (asks; undoable).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Markdown, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from qualtui.editing import edits
from qualtui.editing.live_edit import LiveEdit, StoredCodingMemo, StoredMemo
from qualtui.text.lines import line_starts, lines_label
from qualtui.text.normalise import clean_label, strip_controls
from tui.autosave import Autosave
from tui.edit_pipeline import MEMOS
from tui.keymap import binding_maker
from tui.messages import JumpTo
from tui.dialogs.simple import ConfirmDialog
from tui.screens.screen_base import ProjectScreen

KIND_LABELS = {"project": "journal", "document": "document", "code": "code", "coding": "coding"}
NEW = "\x00new"


@dataclass(frozen=True)
class MemoItem:
    key: str                    # memo id, or "coding:<id>"
    kind: str
    about: str                  # what it is about, for the list and the heading
    title: str
    text: str
    author: str
    date: str                   # YYYY-MM-DD of the last change
    memo_id: str | None = None
    target: str | None = None
    doc_id: str | None = None   # coding memos: the document and span
    start: int = 0
    end: int = 0

    def matches(self, query: str) -> bool:
        folded = query.casefold()
        return any(folded in part.casefold() for part in (self.text, self.title, self.about, self.author))


def collect(project) -> list[MemoItem]:
    """Memos, journal first (newest first), then document, code and coding memos."""
    documents = {d.id: d for d in project.docs.all()}
    codes = project.codes.all()
    paths = {c.id: project.codes.path(c, codes) for c in codes}
    items = []
    for memo in project.memos.all():
        if memo.kind == "document":
            about = documents[memo.target].name if memo.target in documents else "(deleted document)"
        elif memo.kind == "code":
            about = paths.get(memo.target, "(deleted code)")
        else:
            about = "reflexive journal"
        items.append(MemoItem(memo.id, memo.kind, about, memo.title, memo.text, memo.author,
                              (memo.modified or memo.created)[:10], memo_id=memo.id, target=memo.target,
                              doc_id=memo.target if memo.kind == "document" else None))
    for doc in documents.values():
        starts: list[int] | None = None
        for coding in project.codings.for_document(doc.id):
            if coding.memo:
                if starts is None:  # lines, as citations give them ("SU01, ll. 77-79"), not offsets
                    starts = line_starts(project.docs.text(doc.id))
                about = f"{doc.name}, {lines_label(starts, coding.start, coding.end)}: " \
                        f"{paths.get(coding.code, '(deleted code)')}"
                items.append(MemoItem(f"coding:{coding.id}", "coding", about, "", coding.memo, coding.coder,
                                      coding.created[:10], target=coding.id, doc_id=doc.id,
                                      start=coding.start, end=coding.end))
    order = {"project": 0, "document": 1, "code": 2, "coding": 3}
    journal = sorted((i for i in items if i.kind == "project"), key=lambda i: i.date, reverse=True)
    rest = sorted((i for i in items if i.kind != "project"), key=lambda i: (order[i.kind], i.about.casefold()))
    return journal + rest


class MemoText(TextArea):
    BINDINGS = [
        Binding("ctrl+s", "save(False)", "Save the memo", id="memos.save"),
        Binding("escape", "save(True)", "Save the memo and leave the editor", id="memos.leave"),
    ]

    def action_save(self, leave: bool) -> None:
        self.screen.save_editor(leave=leave)

    def on_blur(self) -> None:
        # Tab or a click elsewhere ends the session (one undo step); the terminal window losing focus does not.
        if self.app.app_focus and self.screen.editing is not None:
            self.screen.save_editor(leave=True)


_b = binding_maker("memos")


class MemosScreen(ProjectScreen):
    DEFAULT_CSS = """
    MemosScreen #mm-title { height: 1; background: $panel; text-style: bold; padding: 0 1; }
    MemosScreen #mm-filter { height: auto; }
    MemosScreen #mm-panes { height: 1fr; }
    MemosScreen #mm-list { width: 2fr; min-width: 28; border: none; border-right: vkey $panel-lighten-2; }
    MemosScreen #mm-right { width: 3fr; }
    MemosScreen #mm-preview { height: 1fr; padding: 0 1; }
    MemosScreen #mm-editor { height: 1fr; display: none; }
    MemosScreen.editing #mm-editor { display: block; }
    MemosScreen.editing #mm-preview { display: none; }
    MemosScreen #mm-hint { height: auto; max-height: 3; background: $panel; color: $foreground 70%; padding: 0 1; }
    """
    BINDINGS = [
        _b("slash", "focus_filter", "Search the memos (type; Enter returns to the list)", "search"),
        _b("j", "cursor(1)", "Next memo", "down"),
        _b("k", "cursor(-1)", "Previous memo", "up"),
        _b("e", "edit", "Edit the memo (Enter too); ctrl+s or escape saves", "edit"),
        _b("n", "new_entry", "New entry in the reflexive journal", "new_entry"),
        _b("g", "goto", "Go to what the memo is about (document or coded segment)", "goto"),
        _b("t", "retitle", "Give the memo a title, or change it (coding memos are named by document and lines)",
           "retitle"),
        _b("D", "delete", "Delete the memo (asks; u undoes)", "delete"),
    ]

    def __init__(self, project, history, *, current_document: str | None = None) -> None:
        super().__init__(project, history, current_document=current_document)
        self.items: list[MemoItem] = []
        self.shown: list[MemoItem] = []
        self.editing: MemoItem | None = None   # the memo in the editor; key NEW for a new journal entry
        self.autosave: Autosave | None = None

    def compose(self) -> ComposeResult:
        yield Static("Memos", id="mm-title", markup=False)
        yield Input(placeholder="/ search memos", id="mm-filter")
        with Horizontal(id="mm-panes"):
            yield OptionList(id="mm-list")
            with Vertical(id="mm-right"):
                with VerticalScroll(id="mm-preview"):
                    yield Markdown("", id="mm-markdown", open_links=False)
                yield MemoText("", id="mm-editor", soft_wrap=True)
        yield Static("? keys  Enter/e edit  t title  n journal entry  / search  g go to  D delete  u undo  esc back",
                     id="mm-hint", markup=False)

    @property
    def listing(self) -> OptionList:
        return self.query_one("#mm-list", OptionList)

    @property
    def editor(self) -> MemoText:
        return self.query_one("#mm-editor", MemoText)

    def on_mount(self) -> None:
        self.query_one("#mm-filter", Input).cursor_blink = False
        self.editor.cursor_blink = False
        self.reload()
        self.listing.focus()

    # the list -----------------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        keep = select or (self.current.key if self.current else None)
        try:
            self.items = collect(self.project)
        except Exception as exc:
            self.report("read the memos", exc)
            return
        self.refilter(keep)

    def refilter(self, keep: str | None = None) -> None:
        query = self.query_one("#mm-filter", Input).value.strip()
        self.shown = [i for i in self.items if not query or i.matches(query)]
        listing = self.listing
        listing.clear_options()
        listing.add_options([Option(self.prompt(i), id=i.key) for i in self.shown])
        keys = [i.key for i in self.shown]
        if keys:
            listing.highlighted = keys.index(keep) if keep in keys else 0
        self.query_one("#mm-title", Static).update(
            f"Memos: {len(self.shown)} of {len(self.items)}" + (f" matching {clean_label(query)!r}" if query else ""))
        self.show_preview()

    def prompt(self, item: MemoItem) -> Text:
        """Two lines, each cut to the list's width: the title (or what the memo is about) first, so it stays
        readable in a narrow list; then kind, date and the memo's first line."""
        width = max(20, self.listing.scrollable_content_region.width - 1)
        first = next((line.strip() for line in item.text.splitlines() if line.strip()), "")
        text = Text()
        text.append(_cut(clean_label(item.title or item.about, 200), width), style="bold")
        text.append("\n" + _cut(f"  {KIND_LABELS[item.kind]} {item.date}  {clean_label(first, 400)}", width),
                    style="dim")
        return text

    def on_resize(self) -> None:
        if self.items:
            self.refilter(self.current.key if self.current else None)

    @property
    def current(self) -> MemoItem | None:
        index = self.listing.highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def show_preview(self) -> None:
        item = self.current
        if item is None:
            source = "No memos" + (" match the search." if self.items else " yet. Press **n** for a journal entry.")
        else:
            heading = clean_label(item.title) or f"{KIND_LABELS[item.kind].capitalize()} memo"
            source = (f"## {_md(heading)}\n\n*{KIND_LABELS[item.kind]} · {_md(item.about)} · "
                      f"{_md(item.author)} · {item.date}*\n\n{strip_controls(item.text)}")
        self.query_one("#mm-markdown", Markdown).update(source)

    @on(OptionList.OptionHighlighted)
    def option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.show_preview()

    @on(OptionList.OptionSelected)
    def option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_edit()

    @on(Input.Changed)
    def input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.refilter(self.current.key if self.current else None)

    @on(Input.Submitted)
    def input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.listing.focus()

    # editing ------------------------------------------------------------------------------------
    def open_editor(self, item: MemoItem) -> None:
        if self.editing is not None and not self.save_editor(leave=True):
            return
        try:
            if item.kind == "coding":
                stored = StoredCodingMemo(self.project, item.doc_id, item.target)
            else:
                stored = StoredMemo(self.project, item.kind, item.target, None if item.key == NEW else item.memo_id)
            edit = LiveEdit(stored)
        except Exception as exc:
            self.report("open the memo", exc)
            self.reload()
            return
        editor = self.editor
        self.autosave = Autosave(self, edit, lambda: editor.text, self.history, "save the memo")
        self.editing = item
        self.add_class("editing")
        editor.load_text(edit.before or "")
        editor.focus()
        editor.move_cursor(editor.document.end)

    @on(TextArea.Changed)
    def text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self.autosave is not None:
            self.autosave.changed()

    def action_edit(self) -> None:
        if self.current is not None:
            self.open_editor(self.current)

    def action_new_entry(self) -> None:
        self.open_editor(MemoItem(NEW, "project", "reflexive journal", "", "", self.project.coder, ""))

    def save_open_memo(self) -> bool:
        """For the app before quitting: save the memo being edited; False if that failed (the text stays)."""
        return self.save_editor(leave=False)

    def save_editor(self, *, leave: bool) -> bool:
        """Save now; *leave*: also end the session (one undo step) and close the editor.

        On failure the editor stays open with the text (an error is shown) and this is False.
        """
        autosave, item = self.autosave, self.editing
        if autosave is None or item is None:
            return True
        if not leave:
            if autosave.flush():
                self.notify("Memo saved", timeout=2)
                return True
            return False
        if not autosave.close():
            return False
        edit = autosave.edit
        self.autosave, self.editing = None, None
        self.remove_class("editing")
        if edit.saved != edit.before:
            self.notify("Memo saved", timeout=2)
        key = item.key
        if item.kind != "coding" or edit.rescued:
            key = edit.target.memo_id if edit.saved is not None else None
        self.reload(select=key)
        self.listing.focus()
        return True

    # other actions ------------------------------------------------------------------------------
    def action_focus_filter(self) -> None:
        self.query_one("#mm-filter", Input).focus()

    def action_cursor(self, step: int) -> None:
        if step > 0:
            self.listing.action_cursor_down()
        else:
            self.listing.action_cursor_up()

    def action_goto(self) -> None:
        item = self.current
        if item is None:
            return
        if item.doc_id is None:
            self.notify("A journal or code memo is not about a place in a transcript", severity="warning")
            return
        self.dismiss(JumpTo(item.doc_id, item.start, item.end))

    def action_delete(self) -> None:
        item = self.current
        if item is None:
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            if item.kind == "coding":
                self.run_edit("delete the coding memo",
                              lambda: edits.set_coding_memo(self.project, item.doc_id, item.target, None), MEMOS)
            else:
                self.run_edit("delete the memo", lambda: delete_memo(self.project, item.memo_id), MEMOS)

        self.app.push_screen(ConfirmDialog(f"Delete this {KIND_LABELS[item.kind]} memo "
                                           f"({clean_label(item.title or item.about, 60)})? u undoes."), confirmed)

    def action_retitle(self) -> None:
        from tui.dialogs.pickers import TextPrompt

        item = self.current
        if item is None:
            return
        if item.kind == "coding":
            self.notify("Coding memos have no title: they are named by document, lines and code.", timeout=4)
            return

        def done(title: str | None) -> None:
            if title is not None:
                self.run_edit("set the title", lambda: edits.set_memo_title(self.project, item.key, title), MEMOS)

        self.app.push_screen(TextPrompt("Title of the memo (empty clears it)", item.title), done)


def delete_memo(project, memo_id: str):
    return edits.delete_memo(project, memo_id)


def _cut(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "\u2026"


def _md(value: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in clean_label(value))
