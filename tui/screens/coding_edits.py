"""The coding screen's edits: code, recode, adjust, remove, recent and pinned codes.

``CodingEditor`` is owned by the coding screen and works through its public
state (the open document, the transcript view, the codebook).  Every edit goes
through the app's ``EditPipeline`` (durable write -> undo history -> ``Edited``
message); the screen updates its panes from the records in that message, so
nothing here re-reads or repaints: this part only asks (dialogs) and tells
(one-line notifications).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from qualtui.editing import edits
from qualtui.editing.history import Change, combine
from qualtui.model import Coding
from qualtui.text.lines import line_of
from tui.edit_pipeline import CODING_CHANGED, CODINGS_ADDED, CODINGS_REMOVED, EDIT_ERRORS, EditPipeline
from tui.dialogs.code_picker import CodePicker, Picked
from tui.dialogs.simple import ChooseDialog, ConfirmDialog


class CodingEditor:
    def __init__(self, screen: Screen) -> None:
        self.screen: Any = screen  # a CodingScreen (not imported: that module imports this one)

    @property
    def pipeline(self) -> EditPipeline:
        return self.screen.app.edits

    def notify(self, message: str, **kwargs) -> None:
        self.screen.notify(message, **kwargs)

    def describe(self, coding: Coding) -> str:
        """"Hope  (l.3-4, 120 chars, alice)": how dialogs and notifications name a coding."""
        screen = self.screen
        code = screen.codes.get(coding.code)
        first, last = line_of(screen.starts, coding.start), line_of(screen.starts, max(coding.end - 1, coding.start))
        lines = f"l.{first}" if first == last else f"l.{first}-{last}"
        return f"{code.name if code else '?'}  ({lines}, {coding.end - coding.start} chars, {coding.coder})"

    def picker(self, title: str, then: Callable[[Picked | None], None], *, allow_new: bool = True) -> None:
        screen = self.screen
        screen.app.push_screen(CodePicker(list(screen.codes.values()), screen.paths, title, screen.app.no_color,
                                          allow_new=allow_new), then)

    def ordered_codings_here(self) -> list[Coding]:
        """The codings at the cursor in the order f cycles them: own first, then the shortest."""
        if self.screen.doc is None:
            return []
        mine = self.screen.project.coder
        return sorted(self.screen.view.codings_at_cursor,
                      key=lambda c: (c.coder != mine, c.end - c.start, c.start, c.id))

    def current_coding(self) -> Coding | None:
        """The coding that x, r, e and m act on: the one picked with f, else own and shortest."""
        here = self.ordered_codings_here()
        picked = next((c for c in here if c.id == self.screen.picked_coding), None)
        return picked or (here[0] if here else None)

    # coding -----------------------------------------------------------------------------------
    def code(self) -> None:
        selection = self.selection_or_hint()
        if selection is not None:
            start, end = selection
            self.picker(f"Code {end - start} characters (l.{line_of(self.screen.starts, start)}) with:",
                        lambda picked: self.apply_picked(picked, selection))

    def why_not(self, action: str) -> str | None:
        """What to do first when *action* does not apply now; None when it does (``CodingScreen.check_action``)."""
        screen = self.screen
        needs_doc = ("search", "memo", "goto_line", "code", "recent", "remove", "recode", "adjust", "cycle_coding")
        if action not in needs_doc:
            return None
        if screen.doc is None:
            return "No document is open (d opens one)."
        here = screen.view.codings_at_cursor
        if action in ("code", "recent") and screen.view.selection is None:
            return "Select text first: t turn, s sentence, p paragraph, or v then move."
        if action in ("remove", "recode", "adjust") and not here:
            return "No coding under the cursor (] and [ jump to coded spans)."
        if action == "cycle_coding" and len(here) < 2:
            return "Only one coding here." if here else "No coding under the cursor."
        return None

    def selection_or_hint(self) -> tuple[int, int] | None:
        selection = self.screen.view.selection if self.screen.doc is not None else None
        if selection is None:
            self.notify(self.why_not("code") or "", severity="warning")
        return selection

    def apply_picked(self, picked: Picked | None, selection: tuple[int, int]) -> None:
        if picked is None or self.screen.doc is None:
            return
        if picked.code_id is not None:
            self.apply_code(picked.code_id, selection)
            return
        project, name = self.screen.project, picked.new_name or ""
        doc_id, (start, end) = self.screen.doc.id, selection

        made: dict[str, str] = {}

        def create_and_code() -> tuple[Coding, Change | None]:
            code, created = edits.create_code(project, name)
            made["name"] = code.name
            try:
                coding, coded = edits.add_coding(project, doc_id, code.id, start, end)
            except EDIT_ERRORS:
                created.undo()  # do not leave a half-done step behind
                raise
            return coding, combine(f"code with new code {code.name!r}", [created, coded])

        coding = self.pipeline.run("create the code", CODINGS_ADDED, create_and_code, document=doc_id)
        if coding is not None:
            self.after_coding(coding.code, f"Created {made['name']!r} and coded the selection.")

    def apply_code(self, code_id: str, selection: tuple[int, int] | None = None) -> None:
        selection = selection or self.selection_or_hint()
        screen = self.screen
        if selection is None or screen.doc is None:
            return
        project, doc_id, (start, end) = screen.project, screen.doc.id, selection
        outcome: dict[str, bool] = {}

        def code_it() -> tuple[Coding, Change | None]:
            coding, change = edits.add_coding(project, doc_id, code_id, start, end)
            outcome["new"] = change is not None
            return coding, change

        if self.pipeline.run("code the selection", CODINGS_ADDED, code_it, document=doc_id) is not None:
            name = screen.codes[code_id].name if code_id in screen.codes else "code"
            self.after_coding(code_id, f"Coded with {name!r}." if outcome["new"]
                              else f"Already coded with {name!r}: nothing changed.")

    def after_coding(self, code_id: str, message: str) -> None:
        self.note_recent(code_id)
        self.screen.view.clear_selection()
        self.notify(message, timeout=2)

    def note_recent(self, code_id: str) -> None:
        recent = self.screen.positions.recent
        if code_id in recent:
            recent.remove(code_id)
        recent.insert(0, code_id)
        del recent[9:]

    def recent(self, number: int) -> None:
        keys = self.screen.positions.number_keys(self.screen.codes)
        if number > len(keys):
            self.notify(f"No code on {number} yet: code something with c, or pin one with P.", severity="warning")
            return
        self.apply_code(keys[number - 1])

    def pin(self) -> None:
        screen = self.screen
        pinned = [c for c in screen.positions.pinned if c in screen.codes]
        names = ", ".join(f"{i}={screen.codes[c].name}" for i, c in enumerate(pinned, 1)) or "none"
        self.picker(f"Pin (or unpin) which code? Pinned now: {names}", self.toggle_pin, allow_new=False)

    def toggle_pin(self, picked: Picked | None) -> None:
        if picked is None or picked.code_id is None:
            return
        screen = self.screen
        name = screen.codes[picked.code_id].name
        try:
            pinned = screen.positions.toggle_pin(picked.code_id)
        except ValueError as exc:
            self.notify(str(exc), severity="warning")
            return
        screen.panels.refresh_recent()
        if pinned:
            key = screen.positions.number_keys(screen.codes).index(picked.code_id) + 1
            self.notify(f"Pinned {name!r} to {key}.", timeout=3)
        else:
            self.notify(f"Unpinned {name!r}.", timeout=3)

    # the coding under the cursor ----------------------------------------------------------------
    def with_coding(self, question: str, then: Callable[[Coding], None]) -> None:
        """Call *then* with the coding under the cursor: the one picked with f, the only one, or (when
        several overlap and none was picked) the one the user chooses."""
        screen = self.screen
        if screen.doc is None:
            return
        here = self.ordered_codings_here()
        if not here:
            self.notify(self.why_not("remove") or "", severity="warning")
            return
        picked = next((c for c in here if c.id == screen.picked_coding), None)
        if picked is not None or len(here) == 1:
            then(picked or here[0])
            return
        screen.app.push_screen(ChooseDialog(question + " (f picks one without asking)",
                                            [self.describe(c) for c in here]),
                               lambda index: None if index is None else then(here[index]))

    def cycle(self) -> None:
        screen = self.screen
        here = self.ordered_codings_here()
        if len(here) < 2:
            self.notify(self.why_not("cycle_coding") or "", timeout=2)
            return
        current = self.current_coding()
        index = next(i for i, c in enumerate(here) if current is not None and c.id == current.id)
        chosen = here[(index + 1) % len(here)]
        screen.picked_coding = chosen.id
        self.notify(f"Picked {self.describe(chosen)} ({here.index(chosen) + 1} of {len(here)}).", timeout=2)

    def confirm_others(self, coding: Coding, question: str, then: Callable[[], None]) -> None:
        """Another coder's coding is changed only after a yes."""
        if coding.coder != self.screen.project.coder:
            self.screen.app.push_screen(ConfirmDialog(question), lambda yes: then() if yes else None)
        else:
            then()

    def remove(self) -> None:
        self.with_coding("Remove which coding?", lambda coding: self.confirm_others(
            coding, f"Remove {coding.coder}'s coding {self.describe(coding)}?", lambda: self.remove_coding(coding)))

    def remove_coding(self, coding: Coding) -> None:
        project, doc_id = self.screen.project, coding.document
        removed = self.pipeline.run("remove the coding", CODINGS_REMOVED,
                                    lambda: edits.remove_codings(project, doc_id, [coding.id]), document=doc_id)
        if removed is not None:
            self.notify(f"Removed {self.describe(coding)}." if removed else "It was already removed.", timeout=2)

    def recode(self) -> None:
        def pick(coding: Coding) -> None:
            self.picker(f"Recode {self.describe(coding)} to:", lambda picked: self.recode_to(coding, picked))

        self.with_coding("Recode which coding?", lambda coding: self.confirm_others(
            coding, f"Recode {coding.coder}'s coding {self.describe(coding)}?", lambda: pick(coding)))

    def recode_to(self, coding: Coding, picked: Picked | None) -> None:
        if picked is None:
            return
        project, doc_id = self.screen.project, coding.document
        made: dict[str, str] = {}

        def recode_it() -> tuple[Coding, Change | None]:
            if picked.code_id is not None:
                return edits.change_coding(project, doc_id, coding.id, code=picked.code_id)
            code, created = edits.create_code(project, picked.new_name or "")
            made["name"] = code.name
            try:
                after, changed = edits.change_coding(project, doc_id, coding.id, code=code.id)
            except EDIT_ERRORS:
                created.undo()
                raise
            return after, combine(f"recode to new code {code.name!r}", [created, changed])

        after = self.pipeline.run("recode the coding", CODING_CHANGED, recode_it, document=doc_id)
        if after is None:
            return
        self.note_recent(after.code)
        known = self.screen.codes.get(after.code)
        name = made.get("name") or (known.name if known else "?")
        self.notify(f"Recoded to {name!r}." if after.code != coding.code else f"Already {name!r}: nothing changed.",
                    timeout=2)

    def adjust(self) -> None:
        self.with_coding("Adjust which coding?", self.ask_bounds)

    def ask_bounds(self, coding: Coding) -> None:
        from tui.dialogs.adjust import AdjustDialog

        screen = self.screen
        code = screen.codes.get(coding.code)
        label = code.name if code else "?"
        if coding.coder != screen.project.coder:
            label += f" ({coding.coder})"
        screen.app.push_screen(AdjustDialog(screen.text, screen.starts, coding.start, coding.end, label),
                               lambda span: None if span is None else self.move_bounds(coding, span))

    def move_bounds(self, coding: Coding, span: tuple[int, int]) -> None:
        project, doc_id = self.screen.project, coding.document
        start, end = span
        after = self.pipeline.run("adjust the coding", CODING_CHANGED,
                                  lambda: edits.change_coding(project, doc_id, coding.id, start=start, end=end),
                                  document=doc_id)
        if after is None:
            return
        self.screen.picked_coding = after.id
        self.notify(f"Now {self.describe(after)}." if (after.start, after.end) != (coding.start, coding.end)
                    else "Boundaries unchanged.", timeout=2)
