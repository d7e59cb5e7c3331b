"""What the analysis screens share: the project, the history, undo/redo, closing, and edits that report errors.

Every edit goes through the app's ``EditPipeline`` (``run_edit`` here): the core
function writes durably and returns a ``Change``, which is recorded in the
shared history only after the write succeeded; a failure is one error
notification and nothing else changes.  The pipeline then posts ``Edited``,
and a screen shows the change from it (by default ``reload``: these screens
show figures computed over the whole project).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual import on
from textual.binding import Binding
from textual.screen import Screen

from qualtui.editing.history import Change, History
from qualtui.project import Project
from qualtui.text.normalise import clean_label
from tui.edit_pipeline import EDIT_ERRORS, RESTRUCTURED, EditPipeline, Edited, Outcome, pipeline_of
from tui.dialogs.simple import ChooseDialog

T = TypeVar("T")


class ProjectScreen(Screen):
    """Base of the analysis screens: ``XScreen(project, history, *, current_document=None)``."""

    BINDINGS = [
        Binding("escape", "close", "Close this screen (back to the transcript)", id="screens.close"),
        Binding("u", "undo", "Undo the last edit (shared with the coding screen)", id="screens.undo"),
        Binding("ctrl+r,U", "redo", "Redo", id="screens.redo"),
    ]

    def __init__(self, project: Project, history: History, *, current_document: str | None = None) -> None:
        super().__init__()
        self.project = project
        self.history = history
        self.current_document = current_document

    @property
    def help_title(self) -> str:
        """"CodebookScreen" -> "codebook": how help names this screen."""
        return type(self).__name__.removesuffix("Screen").lower()

    def help_groups(self) -> list[tuple[str, list[Binding]]]:
        """What ? lists on this screen: its own keys (the shared ones included); screens add their widgets'."""
        from tui.keymap import bindings_of

        groups = [(f"{self.help_title.capitalize()} screen", bindings_of(type(self)))]
        seen: set[type] = set()
        for widget in self.query("*"):
            cls = type(widget)
            if cls in seen or not cls.__module__.startswith("tui."):
                continue
            seen.add(cls)
            own = [b for b in bindings_of(cls) if b.id]
            if own:
                about = (cls.__doc__ or cls.__name__).strip().splitlines()[0].rstrip(".")
                groups.append((about, own))
        return groups

    @property
    def memory(self) -> dict:
        """What this kind of screen remembers between visits (for as long as the app runs)."""
        store = getattr(self.app, "screen_memory", None)
        if store is None:
            store = self.app.screen_memory = {}
        return store.setdefault(type(self).__name__, {})

    @property
    def no_color(self) -> bool:
        return bool(getattr(self.app, "no_color", False))

    @property
    def edits(self) -> EditPipeline:
        return pipeline_of(self.app, self.history)

    def reload(self) -> None:
        """Re-read what the screen shows (after another screen's edit, an undo or a redo)."""

    def report(self, what: str, exc: BaseException) -> None:
        self.edits.report(what, exc)

    def run_edit(self, what: str, edit: Callable[[], tuple[T, Change | None]], kind: str = RESTRUCTURED) -> T | None:
        """Run a core edit through the pipeline; its result, or None (and the error shown) if it failed."""
        return self.edits.run(what, kind, edit)

    @on(Edited)
    def edited(self, event: Edited) -> None:
        """An edit is on disk (made here, on another screen, or undone): show it."""
        self.show_edit(event.outcome)

    def show_edit(self, outcome: Outcome) -> None:
        try:
            self.reload()
        except EDIT_ERRORS as exc:
            self.report("show the change", exc)

    def choose_coder(self, title: str, chosen: Callable[[str | None], None]) -> None:
        """Ask which coder's codings to keep (or every coder's); *chosen* gets the name, or None for every coder."""
        try:
            coders = self.project.codings.per_coder()
        except Exception as exc:
            self.report("read the codings", exc)
            return
        names = sorted(coders, key=str.casefold)
        labels = ["(every coder)"] + [f"{clean_label(n, 40)}  ({coders[n]} codings)" for n in names]

        def done(index: int | None) -> None:
            if index is not None:
                chosen(names[index - 1] if index else None)

        self.app.push_screen(ChooseDialog(title, labels), done)

    def action_undo(self) -> None:
        self.edits.undo()

    def action_redo(self) -> None:
        self.edits.redo()

    def action_close(self) -> None:
        self.dismiss(None)
