"""The one path every edit the TUI makes takes: core call -> undo history -> ``Edited`` to the screens.

A core edit function writes durably and returns ``(records, Change)``.  The
pipeline records the Change for undo only once the write succeeded, reports a
failure as one notification (and nothing changes on screen), and posts
``Edited`` carrying the returned records to every screen in the stack: a screen
updates what it shows from them instead of reading the files again.  Undo and
redo take the same path; they return no records, so screens re-read (the
coding screen only the files the step wrote).

Only the failures an edit can meet on disk are caught (``EDIT_ERRORS``): a user
error or a refusal (``QualtuiError``, e.g. an undo after a colleague changed the
records), a damaged store (``StoreError``) or a failed write (``OSError``: disk
full, read-only).  Anything else is a bug and is not hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from textual.app import App
from textual.message import Message

from qualtui.editing.history import Change, History
from qualtui.editing.replay import UndoConflict
from qualtui.errors import QualtuiError
from qualtui.safeio.messages import describe_error
from stores import StoreError

EDIT_ERRORS = (QualtuiError, StoreError, OSError)
T = TypeVar("T")

# What an Edited message is about, so a screen knows which records it carries.
CODINGS_ADDED = "codings_added"        # records: a Coding or a list of Codings
CODINGS_REMOVED = "codings_removed"    # records: the removed Codings
CODING_CHANGED = "coding_changed"      # records: the Coding after the change
CODEBOOK = "codebook"                  # records: a Code (created or changed); counts unchanged
RESTRUCTURED = "restructured"          # merge, split, delete, auto-code: counts and codings moved
MEMOS = "memos"                        # records: memos (or a coding with its memo)
UNDONE = "undone"                      # undo or redo: no records; ``files`` says which files to re-read


@dataclass(frozen=True)
class Outcome:
    """What one pipeline edit did: ``changed`` is False when the edit was a no-op (nothing to undo)."""

    kind: str
    records: Any
    document: str | None = None
    changed: bool = True
    label: str = ""
    files: frozenset[str | None] = frozenset()  # undo/redo: the documents whose codings it wrote; None: the project


class Edited(Message):
    """An edit (or an undo / redo) is on disk; ``outcome`` says what and carries the returned records."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self.outcome = outcome


class EditPipeline:
    def __init__(self, app: App, history: History) -> None:
        self.app = app
        self.history = history
        self._reported: set[str] = set()

    # errors ----------------------------------------------------------------------------------
    def report(self, what: str, exc: BaseException, *, once: bool = False) -> None:
        """The one place errors reach the user: a notification, one line, no traceback."""
        message = describe_error(exc)
        key = f"{what}:{message}"
        if once and key in self._reported:
            return
        self._reported.add(key)
        if not isinstance(exc, UndoConflict):  # a refused undo says itself what it could not do, and why
            message = f"Could not {what}: {message}"
        self.app.notify(message, severity="error", timeout=8, markup=False)

    # edits -----------------------------------------------------------------------------------
    def run(self, what: str, kind: str, edit: Callable[[], tuple[T, Change | None]], *,
            document: str | None = None) -> T | None:
        """Run *edit*; on success record its Change and post ``Edited``; on failure report it and return None."""
        try:
            records, change = edit()
        except EDIT_ERRORS as exc:
            self.report(what, exc)
            return None
        self.history.record(change)
        self.announce(Outcome(kind, records, document, change is not None, change.label if change else ""))
        return records

    def undo(self) -> Change | None:
        return self._replay(undo=True)

    def redo(self) -> Change | None:
        return self._replay(undo=False)

    def _replay(self, *, undo: bool) -> Change | None:
        word = "undo" if undo else "redo"
        if not (self.history.can_undo if undo else self.history.can_redo):
            self.app.notify(f"Nothing to {word}.", timeout=2)
            return None
        try:
            change = self.history.undo() if undo else self.history.redo()
        except EDIT_ERRORS as exc:
            self.report(word, exc)
            return None  # refused or failed: nothing was written, nothing to show
        if change is not None:
            self.app.notify(f"{'Undid' if undo else 'Redid'}: {change.label}", timeout=2)
            files = frozenset(t.file for t in change.touches)
            self.announce(Outcome(UNDONE, None, label=change.label, files=files))
        return change

    def announce(self, outcome: Outcome) -> None:
        """Tell every screen in the stack (the one below a dialog too); each updates what it shows."""
        for screen in self.app.screen_stack:
            screen.post_message(Edited(outcome))


def pipeline_of(app: App, history: History) -> EditPipeline:
    """The app's pipeline (``QualtuiApp.edits``); an app without one (a test harness) gets one on *history*."""
    pipeline = getattr(app, "edits", None)
    if not isinstance(pipeline, EditPipeline):
        pipeline = EditPipeline(app, history)
        app.edits = pipeline  # type: ignore[attr-defined]
    return pipeline
