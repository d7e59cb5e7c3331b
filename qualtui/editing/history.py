"""Undo and redo for one editing session.

Every undoable edit is a ``Change``: a label plus, for each record the edit
touched, the state it found and the state it left (``qualtui.editing.replay``).
Undo puts the found states back, redo the left ones, each as one durable,
audited transaction -- and only if nobody changed those records since: else it
raises ``UndoConflict`` and writes nothing.

A refused step is dropped from the history (it would be refused again at every
press, and hide the steps before it); the message says so.  A step that failed
for another reason (a full disk, a damaged file) stays, to be tried again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qualtui.editing.replay import UndoConflict, replay
from qualtui.editing.touches import Touch, merge_touches

if TYPE_CHECKING:
    from qualtui.project import Project


@dataclass(frozen=True)
class Change:
    label: str
    project: "Project"
    touches: tuple[Touch, ...]

    @classmethod
    def of(cls, label: str, project: "Project", touches: Iterable[Touch | None]) -> "Change | None":
        """The step made of *touches* (None ones skipped); None when it touched nothing."""
        found = merge_touches(t for t in touches if t is not None)
        return cls(label, project, tuple(found)) if found else None

    def undo(self) -> None:
        replay(self.project, self.label, list(self.touches), undo=True)

    def redo(self) -> None:
        replay(self.project, self.label, list(self.touches), undo=False)


def combine(label: str, changes: list[Change | None]) -> Change | None:
    """One undo step made of several changes, in order; None if none changed anything."""
    steps = [c for c in changes if c is not None]
    if not steps:
        return None
    return Change.of(label, steps[0].project, [t for c in steps for t in c.touches])


class History:
    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        self._done: list[Change] = []
        self._undone: list[Change] = []

    def record(self, change: Change | None) -> None:
        """Remember an edit; ``None`` (an edit that changed nothing) is not an undo step."""
        if change is None:
            return
        self._done.append(change)
        del self._done[: -self.limit]
        self._undone.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo(self) -> Change | None:
        """Undo the last change.  Refused (``UndoConflict``): the step is dropped; another error: it stays."""
        if not self._done:
            return None
        change = self._done[-1]
        try:
            change.undo()
        except UndoConflict:
            self._done.pop()
            raise
        self._undone.append(self._done.pop())
        return change

    def redo(self) -> Change | None:
        if not self._undone:
            return None
        change = self._undone[-1]
        try:
            change.redo()
        except UndoConflict:
            self._undone.pop()
            raise
        self._done.append(self._undone.pop())
        return change
