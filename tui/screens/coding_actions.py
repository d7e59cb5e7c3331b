"""The coding screen's actions.  Each edit: core call (durable) -> history -> widgets.

A failed write (OSError, QualtuiError, StoreError) is reported and the widgets
are left as they were, so the screen never shows an edit that is not on disk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from qualtui.editing import edits
from qualtui.errors import QualtuiError
from qualtui.editing.history import Change, History, combine
from qualtui.text.lines import line_of
from stores import StoreError
from tui.screens.code_picker import CodePicker, Picked
from tui.screens.dialogs import ChooseDialog, ConfirmDialog, LinePrompt, SearchPrompt
from tui.screens.switcher import DocumentRow, DocumentSwitcher, coded_fraction
from tui.widgets.memo_pane import MemoPane

if TYPE_CHECKING:
    from tui.screens.coding import CodingScreen

EDIT_ERRORS = (OSError, QualtuiError, StoreError)


SCREENS = {
    "codebook": ("codebook_screen", "CodebookScreen"),
    "search": ("search_screen", "SearchScreen"),
    "analysis": ("analysis_screen", "AnalysisScreen"),
    "memos": ("memos_screen", "MemosScreen"),
    "retrieval": ("retrieval_screen", "RetrievalScreen"),
    "agreement": ("agreement_screen", "AgreementScreen"),
    "map": ("map_screen", "MapScreen"),
    "framework": ("framework_screen", "FrameworkScreen"),
}


class CodingActions:
    history: History

    def edit(self: "CodingScreen", what: str, fn: Callable[[], tuple[Any, Change | None]]) -> Any | None:
        """Run one durable edit and record it for undo; None (and an error shown) if it failed."""
        try:
            result, change = fn()
        except EDIT_ERRORS as exc:
            self.report(what, exc)
            return None
        self.app.history.record(change)
        return result

    # coding ---------------------------------------------------------------------------
    def action_code(self: "CodingScreen") -> None:
        selection = self.selection_or_hint()
        if selection is None:
            return
        start, end = selection
        title = f"Code {end - start} characters (l.{line_of(self.starts, start)}) with:"
        self.app.push_screen(CodePicker(list(self.codes.values()), self.paths, title, self.app.no_color),
                             lambda picked: self.apply_picked(picked, selection))

    def selection_or_hint(self: "CodingScreen") -> tuple[int, int] | None:
        if self.doc is None:
            self.notify("No document is open (d opens one).", severity="warning")
            return None
        selection = self.view.selection
        if selection is None:
            self.notify("Select text first: t turn, s sentence, p paragraph, or v then move.", severity="warning")
        return selection

    def apply_picked(self: "CodingScreen", picked: Picked | None, selection: tuple[int, int]) -> None:
        if picked is None or self.doc is None:
            return
        if picked.code_id is not None:
            self.apply_code(picked.code_id, selection)
            return
        name = picked.new_name or ""
        doc_id, (start, end) = self.doc.id, selection

        def create_and_code() -> tuple[Any, Change]:
            code, created = edits.create_code(self.project, name)
            try:
                coding, coded = edits.add_coding(self.project, doc_id, code.id, start, end)
            except EDIT_ERRORS:
                created.undo()  # do not leave a half-done step behind
                raise
            return (code, coding), combine(f"code with new code {code.name!r}", [created, coded])

        done = self.edit("create the code", create_and_code)
        if done is not None:
            code, _ = done
            self.after_coding(code.id, f"Created {code.name!r} and coded the selection.")

    def apply_code(self: "CodingScreen", code_id: str, selection: tuple[int, int] | None = None) -> None:
        selection = selection or self.selection_or_hint()
        if selection is None or self.doc is None:
            return
        doc_id, (start, end) = self.doc.id, selection
        outcome: dict[str, bool] = {}

        def code_it() -> tuple[Any, Change | None]:
            coding, change = edits.add_coding(self.project, doc_id, code_id, start, end)
            outcome["new"] = change is not None
            return coding, change

        coding = self.edit("code the selection", code_it)
        if coding is not None:
            name = self.codes[code_id].name if code_id in self.codes else "code"
            self.after_coding(code_id, f"Coded with {name!r}." if outcome["new"]
                              else f"Already coded with {name!r}: nothing changed.")

    def after_coding(self: "CodingScreen", code_id: str, message: str) -> None:
        self.note_recent(code_id)
        self.reload_codebook()
        self.view.clear_selection()
        self.reload_codings()
        self.notify(message, timeout=2)

    def note_recent(self: "CodingScreen", code_id: str) -> None:
        recent = self.positions.recent
        if code_id in recent:
            recent.remove(code_id)
        recent.insert(0, code_id)
        del recent[9:]

    def action_recent(self: "CodingScreen", number: int) -> None:
        keys = self.positions.number_keys(self.codes)
        if number > len(keys):
            self.notify(f"No code on {number} yet: code something with c, or pin one with P.", severity="warning")
            return
        self.apply_code(keys[number - 1])

    def action_pin(self: "CodingScreen") -> None:
        pinned = [c for c in self.positions.pinned if c in self.codes]
        names = ", ".join(f"{i}={self.codes[c].name}" for i, c in enumerate(pinned, 1)) or "none"
        title = f"Pin (or unpin) which code? Pinned now: {names}"
        self.app.push_screen(CodePicker(list(self.codes.values()), self.paths, title, self.app.no_color,
                                        allow_new=False), self.toggle_pin)

    def toggle_pin(self: "CodingScreen", picked: Picked | None) -> None:
        if picked is None or picked.code_id is None:
            return
        name = self.codes[picked.code_id].name
        try:
            pinned = self.positions.toggle_pin(picked.code_id)
        except ValueError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.refresh_recent()
        if pinned:
            key = self.positions.number_keys(self.codes).index(picked.code_id) + 1
            self.notify(f"Pinned {name!r} to {key}.", timeout=3)
        else:
            self.notify(f"Unpinned {name!r}.", timeout=3)

    def on_option_list_option_selected(self: "CodingScreen", event) -> None:
        if event.option_list is self.codebook and event.option.id in self.codes:
            event.stop()
            self.apply_code(event.option.id)

    # removing -------------------------------------------------------------------------
    def with_coding(self: "CodingScreen", question: str, then: Callable[[Any], None]) -> None:
        """Call *then* with the coding under the cursor: the one picked with f, the only one, or (when
        several overlap and none was picked) the one the user chooses."""
        if self.doc is None:
            return
        here = self.ordered_codings_here()
        if not here:
            self.notify("No coding under the cursor (] and [ jump to coded spans).", severity="warning")
            return
        picked = next((c for c in here if c.id == self.picked_coding), None)
        if picked is not None or len(here) == 1:
            then(picked or here[0])
            return
        labels = [self.describe_coding(c) for c in here]
        self.app.push_screen(ChooseDialog(question + " (f picks one without asking)", labels),
                             lambda index: None if index is None else then(here[index]))

    def action_remove(self: "CodingScreen") -> None:
        self.with_coding("Remove which coding?", self.confirm_remove)

    def action_cycle_coding(self: "CodingScreen") -> None:
        here = self.ordered_codings_here()
        if len(here) < 2:
            self.notify("Only one coding here." if here else "No coding under the cursor.", timeout=2)
            return
        current = self.current_coding()
        index = next(i for i, c in enumerate(here) if current is not None and c.id == current.id)
        chosen = here[(index + 1) % len(here)]
        self.picked_coding = chosen.id
        self.refresh_status()
        self.refresh_memo()
        self.notify(f"Picked {self.describe_coding(chosen)} ({here.index(chosen) + 1} of {len(here)}).", timeout=2)

    def action_recode(self: "CodingScreen") -> None:
        self.with_coding("Recode which coding?", self.confirm_recode)

    def confirm_recode(self: "CodingScreen", coding) -> None:
        def pick(_: object = True) -> None:
            title = f"Recode {self.describe_coding(coding)} to:"
            self.app.push_screen(CodePicker(list(self.codes.values()), self.paths, title, self.app.no_color),
                                 lambda picked: self.recode(coding, picked))
        if coding.coder != self.project.coder:
            self.app.push_screen(ConfirmDialog(f"Recode {coding.coder}'s coding {self.describe_coding(coding)}?"),
                                 lambda yes: pick() if yes else None)
        else:
            pick()

    def recode(self: "CodingScreen", coding, picked: Picked | None) -> None:
        if picked is None:
            return
        project, doc_id = self.project, coding.document

        def recode_it() -> tuple[Any, Change | None]:
            if picked.code_id is not None:
                return edits.change_coding(project, doc_id, coding.id, code=picked.code_id)
            code, created = edits.create_code(project, picked.new_name or "")
            try:
                after, changed = edits.change_coding(project, doc_id, coding.id, code=code.id)
            except EDIT_ERRORS:
                created.undo()
                raise
            return after, combine(f"recode to new code {code.name!r}", [created, changed])

        after = self.edit("recode the coding", recode_it)
        if after is None:
            return
        self.note_recent(after.code)
        self.reload_codebook()
        self.reload_codings()
        name = self.codes[after.code].name if after.code in self.codes else "?"
        self.notify(f"Recoded to {name!r}." if after.code != coding.code else f"Already {name!r}: nothing changed.",
                    timeout=2)

    def action_adjust(self: "CodingScreen") -> None:
        self.with_coding("Adjust which coding?", self.adjust)

    def adjust(self: "CodingScreen", coding) -> None:
        from tui.screens.adjust_dialog import AdjustDialog

        code = self.codes.get(coding.code)
        label = code.name if code else "?"
        if coding.coder != self.project.coder:
            label += f" ({coding.coder})"
        self.app.push_screen(AdjustDialog(self.text, self.starts, coding.start, coding.end, label),
                             lambda span: None if span is None else self.move_bounds(coding, span))

    def move_bounds(self: "CodingScreen", coding, span: tuple[int, int]) -> None:
        project, doc_id = self.project, coding.document
        start, end = span
        after = self.edit("adjust the coding",
                          lambda: edits.change_coding(project, doc_id, coding.id, start=start, end=end))
        if after is None:
            return
        self.picked_coding = after.id
        self.reload_codings()
        self.notify(f"Now {self.describe_coding(after)}." if (after.start, after.end) != (coding.start, coding.end)
                    else "Boundaries unchanged.", timeout=2)

    def action_goto_line(self: "CodingScreen") -> None:
        if self.doc is None:
            self.notify("No document is open (d opens one).", severity="warning")
            return
        self.app.push_screen(LinePrompt(self.view.line_count), self.goto_line)

    def goto_line(self: "CodingScreen", line: int | None) -> None:
        if line is None or self.doc is None:
            return
        if not 1 <= line <= self.view.line_count:
            self.notify(f"There is no line {line}: this document has lines 1-{self.view.line_count}.",
                        severity="warning")
            return
        self.view.go_to_line(line)
        self.view.focus()

    def describe_coding(self: "CodingScreen", coding) -> str:
        code = self.codes.get(coding.code)
        first, last = line_of(self.starts, coding.start), line_of(self.starts, max(coding.end - 1, coding.start))
        lines = f"l.{first}" if first == last else f"l.{first}-{last}"
        return f"{code.name if code else '?'}  ({lines}, {coding.end - coding.start} chars, {coding.coder})"

    def confirm_remove(self: "CodingScreen", coding) -> None:
        if coding.coder != self.project.coder:
            question = f"Remove {coding.coder}'s coding {self.describe_coding(coding)}?"
            self.app.push_screen(ConfirmDialog(question), lambda yes: self.remove_coding(coding) if yes else None)
        else:
            self.remove_coding(coding)

    def remove_coding(self: "CodingScreen", coding) -> None:
        doc_id = coding.document
        removed = self.edit("remove the coding", lambda: edits.remove_codings(self.project, doc_id, [coding.id]))
        if removed is not None:
            self.reload_codings()
            self.notify(f"Removed {self.describe_coding(coding)}." if removed else "It was already removed.",
                        timeout=2)

    # undo / redo ----------------------------------------------------------------------
    def action_undo(self: "CodingScreen") -> None:
        self.replay(undo=True)

    def action_redo(self: "CodingScreen") -> None:
        self.replay(undo=False)

    def replay(self: "CodingScreen", *, undo: bool) -> None:
        history = self.app.history
        if not (history.can_undo if undo else history.can_redo):
            self.notify(f"Nothing to {'undo' if undo else 'redo'}.", timeout=2)
            return
        try:
            change = history.undo() if undo else history.redo()
        except EDIT_ERRORS as exc:
            self.report("undo" if undo else "redo", exc)
            self.reload_all()
            return
        self.reload_all()
        if change is not None:
            self.notify(f"{'Undid' if undo else 'Redid'}: {change.label}", timeout=2)

    # search ---------------------------------------------------------------------------
    def action_search(self: "CodingScreen") -> None:
        if self.doc is None:
            return
        self.app.push_screen(SearchPrompt(*self.search_pattern), self.run_search)

    def run_search(self: "CodingScreen", answer: tuple[str, bool] | None) -> None:
        if answer is None:
            return
        pattern, regex = answer
        try:
            hits = self.view.set_search(pattern, regex=regex)
        except ValueError as exc:
            self.notify(str(exc), severity="error")
            return
        self.search_pattern = (pattern, regex)
        if not pattern:
            self.notify("Search cleared.", timeout=2)
            return
        self.notify(f"{hits} hit{'s' if hits != 1 else ''} for {pattern!r}" + (" (regex)" if regex else ""),
                    timeout=3)
        if hits:
            self.view.search_next(True)

    # memos ----------------------------------------------------------------------------
    def action_memo(self: "CodingScreen") -> None:
        if not self.memo.display:
            self.pane_choice = {"codebook": self.codebook.display and not self.compact, "memo": True}
            self.apply_pane_visibility()
        self.memo.show_memo(*self.memo_target())
        if self.memo.target is None:
            self.notify("Open a document first (d).", severity="warning")
            return
        self.memo.start_editing()

    def on_memo_pane_closed(self: "CodingScreen", event: MemoPane.Closed) -> None:
        """The memo pane saves what is typed itself (tui.autosave); here only what shows it changes."""
        event.stop()
        if event.changed:
            if event.target.kind == "coding":
                self.reload_codings()
            self.notify("Memo saved.", timeout=2)
        if event.refocus:
            self.view.focus()

    def save_open_memo(self: "CodingScreen") -> bool:
        """Before quitting: store a memo that is being edited.  False if it could not be saved."""
        return self.memo.close_editor(refocus=False)

    # documents, panes, layers ------------------------------------------------------------
    def action_documents(self: "CodingScreen") -> None:
        self.refresh_summaries()
        rows = []
        for doc in self.project.docs.all():
            summary = self.summaries.get(doc.id)
            spans: list[tuple[int, int]] = []
            count = 0
            if summary is not None:
                wanted = self.visible_coders(summary.spans)
                spans = [s for coder in wanted for s in summary.spans[coder]]
                count = len(spans)
            attrs = ", ".join(f"{k}={v}" for k, v in sorted(doc.attributes.items()))
            rows.append(DocumentRow(doc.id, doc.name, attrs, coded_fraction(doc.length, spans), count,
                                    self.doc is not None and doc.id == self.doc.id))
        if not rows:
            self.notify("No documents yet: add some with 'qualtui add FILES'.", severity="warning")
            return
        self.app.push_screen(DocumentSwitcher(rows), self.switch_to)

    def visible_coders(self: "CodingScreen", coders) -> list[str]:
        wanted = self.shown_coder
        return list(coders) if wanted is None else [c for c in coders if c == wanted]

    def switch_to(self: "CodingScreen", doc_id: str | None) -> None:
        if doc_id is None or (self.doc is not None and doc_id == self.doc.id):
            return
        try:
            self.open_document(doc_id)
        except EDIT_ERRORS as exc:
            self.report("open the document", exc)
        self.view.focus()

    def action_focus_pane(self: "CodingScreen", step: int) -> None:
        panes = [self.view]
        if self.codebook.display:
            panes.append(self.codebook)
        if self.memo.display:
            panes.append(self.memo.query_one("#memo-editor") if self.memo.editing
                         else self.memo.query_one("#memo-scroll"))
        current = next((i for i, p in enumerate(panes) if p is self.focused), 0)
        panes[(current + step) % len(panes)].focus()

    def action_toggle_pane(self: "CodingScreen", pane: str) -> None:
        choice = {"codebook": self.codebook.display, "memo": self.memo.display}
        choice[pane] = not choice[pane]
        if self.compact and choice[pane]:
            choice = {name: name == pane for name in choice}  # narrow: showing one hides the other
        self.pane_choice = choice
        self.apply_pane_visibility()
        self.refresh_memo()

    def action_layers(self: "CodingScreen") -> None:
        if self.blind:
            self.app.push_screen(ConfirmDialog("End blind mode and show other coders' codings?"),
                                 lambda yes: self.end_blind() if yes else None)
            return
        cycle: list[tuple[str, str | None]] = [("all", None), ("mine", None)]
        cycle += [("coder", name) for name in self.coders()]
        position = cycle.index(self.coder_layer) if self.coder_layer in cycle else -1
        self.set_layer(cycle[(position + 1) % len(cycle)])

    def end_blind(self: "CodingScreen") -> None:
        self.blind = False
        self.set_layer(("all", None))

    def set_layer(self: "CodingScreen", layer: tuple[str, str | None]) -> None:
        self.coder_layer = layer
        if self.doc is not None:
            self.view.update_codings(self.visible_codings(self.all_codings), self.codes)
        self.refresh_side()
        self.notify(f"Showing: {self.layer_label()}", timeout=2)

    # the other screens ------------------------------------------------------------------
    def action_open_screen(self: "CodingScreen", name: str) -> None:
        import importlib

        module, cls = SCREENS[name]
        screen_class = getattr(importlib.import_module(f"tui.screens.{module}"), cls)
        self.remember_position()
        extra = {}
        if name == "retrieval" and self.doc is not None and self.view.codings_at_cursor:
            extra["code_id"] = self.view.codings_at_cursor[0].code
        screen = screen_class(self.project, self.app.history, current_document=self.doc.id if self.doc else None,
                              **extra)
        self.app.push_screen(screen, self.came_back)

    def action_applies(self: "CodingScreen", action: str) -> bool:
        """Whether an action makes sense right now (the command palette offers only these)."""
        name = action.split("(", 1)[0]
        has_doc = self.doc is not None
        if name in ("code", "recent"):
            return has_doc and self.view.selection is not None
        if name in ("remove", "recode", "adjust"):
            return has_doc and bool(self.view.codings_at_cursor)
        if name == "cycle_coding":
            return has_doc and len(self.view.codings_at_cursor) > 1
        if name == "undo":
            return self.app.history.can_undo
        if name == "redo":
            return self.app.history.can_redo
        if name in ("search", "memo", "goto_line"):
            return has_doc
        if name == "command_palette":
            return False
        return True

    def came_back(self: "CodingScreen", result: object = None) -> None:
        """Another screen closed: it may have edited anything, and may ask to show a place (JumpTo)."""
        try:
            self.reload_all()
            target = getattr(result, "document_id", None)
            if target is not None:
                if self.doc is None or target != self.doc.id:
                    self.open_document(target)
                self.view.select_span(result.start, result.end)
        except EDIT_ERRORS as exc:
            self.report("show the result", exc)
        self.view.focus()
