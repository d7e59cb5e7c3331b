"""Dialogs of the codebook screen: edit a code's codebook entry, and choose codings to split off."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Label, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from qualtui.analysis.retrieval import Segment
from qualtui.editing.history import History
from qualtui.editing.live_edit import LiveEdit
from qualtui.model import Code
from qualtui.text.normalise import clean_label
from tui.autosave import Autosave
from tui.dialogs.base import Dialog, TypingDialog
from tui.widgets.on_off import OnOff

ENTRY_FIELDS = (("description", "Definition"), ("inclusion", "Include when"),
                ("exclusion", "Exclude when"), ("example", "Example quote"))


class CodeEntryForm(TypingDialog[dict | None]):
    """Definition, inclusion, exclusion and example in TextAreas, saved as they are typed.

    *edit* is a ``LiveEdit`` on a ``StoredCodeEntry`` of ENTRY_FIELDS.  ctrl+s (or
    escape) saves the rest and closes, the whole session one undo step; the form
    closes only once the text is on disk.  Returns the changed fields, or None.
    """

    DEFAULT_CSS = """
    CodeEntryForm > Vertical { width: 100; height: 90%; max-height: 90%; }
    CodeEntryForm VerticalScroll { height: 1fr; }
    CodeEntryForm TextArea { height: 6; margin-bottom: 1; }
    CodeEntryForm Label { text-style: bold; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save the codebook entry and close", id="entry.save"),
        Binding("escape", "save", "Save and close (the text is saved as you type anyway)", id="entry.close"),
    ]

    def __init__(self, code: Code, path: str, edit: LiveEdit, history: History) -> None:
        super().__init__()
        self.code = code
        self.path = path
        self.edit = edit
        self.history = history
        self.autosave: Autosave | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Codebook entry: {clean_label(self.path)}", classes="title", markup=False)
            with VerticalScroll():
                for field, label in ENTRY_FIELDS:
                    yield Label(label)
                    yield TextArea(self.edit.before[field], id=f"entry-{field}", soft_wrap=True)
            yield Static("saved as you type; tab: next field; ctrl+s or escape closes (u undoes)", classes="hint")

    def on_mount(self) -> None:
        for area in self.query(TextArea):
            area.cursor_blink = False
            area.move_cursor(area.document.end)  # add to what is there, not type in front of it
        self.query_one(f"#entry-{ENTRY_FIELDS[0][0]}", TextArea).focus()
        self.autosave = Autosave(self, self.edit, self.values, self.history, "save the codebook entry")

    def values(self) -> dict[str, str]:
        return {field: self.query_one(f"#entry-{field}", TextArea).text for field, _ in ENTRY_FIELDS}

    def action_save(self) -> None:
        if self.autosave is not None and not self.autosave.close():
            return
        before, after = self.edit.before, self.edit.saved
        self.dismiss({k: v for k, v in after.items() if v != before[k]} or None)


def segment_prompt(segment: Segment, marked: bool = False, width: int = 60) -> Text:
    """The coding as one line, starting with [x] or [ ] (the list's own box differs only by colour)."""
    text = " ".join(segment.text.split())
    if len(text) > width:
        text = text[: width - 1] + "\u2026"
    prompt = Text(no_wrap=True, overflow="ellipsis")
    prompt.append("[x] " if marked else "[ ] ", style="bold")
    prompt.append(f"{clean_label(segment.document, 24)} l.{segment.lines} ", style="bold")
    prompt.append(f"[{clean_label(segment.coder, 16)}] ", style="dim")
    prompt.append(clean_label(text))
    return prompt


class SplitDialog(Dialog[tuple[str, list[str], bool] | None]):
    """Mark codings with space, name the new code, choose sibling or sub-code; returns (name, ids, as_child)."""

    DEFAULT_CSS = """
    SplitDialog > Vertical { width: 110; height: 90%; max-height: 90%; }
    SplitDialog SelectionList { height: 1fr; }
    /* the list's own box draws an "X" on every row, ticked or not (colour alone tells them apart): hide it,
       the "[x]" / "[ ]" in each row says which are marked */
    SplitDialog SelectionList > .selection-list--button,
    SplitDialog SelectionList > .selection-list--button-highlighted,
    SplitDialog SelectionList > .selection-list--button-selected,
    SplitDialog SelectionList > .selection-list--button-selected-highlighted { color: $panel; background: $panel; }
    SplitDialog Horizontal { height: auto; }
    SplitDialog Input { width: 1fr; }
    """
    BINDINGS = [
        Binding("ctrl+s", "split", "Split off the marked codings", id="split.confirm"),
        Binding("escape", "cancel", "Cancel", id="split.cancel"),
    ]

    def __init__(self, code: Code, segments: list[Segment]) -> None:
        super().__init__()
        self.code = code
        self.segments = segments

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Split {clean_label(self.code.name)!r}: mark the codings that move (space)",
                         classes="title", markup=False)
            yield SelectionList(*[Selection(segment_prompt(s), s.coding_id) for s in self.segments])
            with Horizontal():
                yield Input(placeholder="name of the new code", id="split-name")
                yield OnOff("as a sub-code", False, id="split-child")
            yield Static("space marks; tab: name; Enter in the name or ctrl+s splits; escape cancels",
                         classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False
        self.query_one(SelectionList).focus()

    @on(SelectionList.SelectionToggled)
    def selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        event.stop()
        segment = self.segments[event.selection_index]
        marked = segment.coding_id in event.selection_list.selected
        event.selection_list.replace_option_prompt_at_index(event.selection_index, segment_prompt(segment, marked))

    @on(Input.Submitted)
    def input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_split()

    def action_split(self) -> None:
        name = self.query_one(Input).value.strip()
        marked = list(self.query_one(SelectionList).selected)
        if not marked:
            self.notify("Mark at least one coding with space", severity="warning")
            self.query_one(SelectionList).focus()
        elif not name:
            self.notify("Name the new code", severity="warning")
            self.query_one(Input).focus()
        else:
            self.dismiss((name, marked, self.query_one(Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
