"""Undo and redo for one editing session.

Every undoable edit is a ``Change``: a label plus two functions that replay the
edit in either direction against the store (so undo is itself durable).  The
edit functions in ``qualtui.editing.edits`` return the ``Change`` they made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    label: str
    undo: Callable[[], None]
    redo: Callable[[], None]


def combine(label: str, changes: list[Change | None]) -> Change | None:
    """One undo step made of several changes (undone in reverse order); None if none changed anything."""
    steps = [c for c in changes if c is not None]
    if not steps:
        return None

    def undo() -> None:
        for change in reversed(steps):
            change.undo()

    def redo() -> None:
        for change in steps:
            change.redo()

    return Change(label, undo=undo, redo=redo)


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
        """Undo the last change; if the store refuses, the change stays undoable."""
        if not self._done:
            return None
        change = self._done[-1]
        change.undo()
        self._undone.append(self._done.pop())
        return change

    def redo(self) -> Change | None:
        if not self._undone:
            return None
        change = self._undone[-1]
        change.redo()
        self._done.append(self._undone.pop())
        return change
