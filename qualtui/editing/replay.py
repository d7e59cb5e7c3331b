"""Undo and redo as inverse operations on records, refused when someone changed those records since.

An edit remembers, for each record it touched, the state it found (``before``)
and the state it left (``after``); ``None`` is "absent".  A record it created or
deleted is remembered whole; a record it changed in place, by the fields it
changed, so a colleague's edit of another field of that record (a code's colour
while you undo its definition) is kept rather than undone.

Undo writes ``before`` only if every touched record (or field) still equals
``after``; redo writes ``after`` only if everything still equals ``before``.
Each touched file gets one read-modify-write that checks and writes under its
lock; a step over several files (or one deleting a code) is one project
transaction, so no coder can slip an edit in between.  Both also refuse what
would break a reference (``qualtui.editing.references``).  A refusal raises
``UndoConflict`` (one line: what changed and who changed it, see
``qualtui.editing.explain``) and leaves the project untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualtui.editing.explain import refusal
from qualtui.editing.references import broken_reference
from qualtui.editing.touches import STAMPS, Record, Touch, canon, record_file
from qualtui.errors import QualtuiError
from qualtui.model import now_iso
from qualtui.text.normalise import clean_label

if TYPE_CHECKING:
    from qualtui.project import Project

__all__ = ["UndoConflict", "replay"]


class UndoConflict(QualtuiError):
    """Undo or redo refused: a record it would overwrite changed since (nothing was written)."""


def _matches(item: Touch, current: Record | None, expected: Record | None) -> bool:
    current = canon(item.table, current)
    if item.fields is None or expected is None or current is None:
        return current == expected
    return all(current.get(f) == expected.get(f) for f in item.fields)


def _applied(item: Touch, current: Record | None, expected: Record | None, target: Record | None,
             coder: str) -> Record | None:
    """The record to store for *item* (current is known to match expected)."""
    if item.fields is None or target is None:
        return None if target is None else dict(target)
    assert current is not None and expected is not None
    record = dict(current)
    for name in item.fields:
        record[name] = target.get(name)
    for stamp in STAMPS.get(item.table, ()):
        if stamp in target:  # nobody else touched the record: its stamp goes back too; else it is now
            if current.get(stamp) == expected.get(stamp):
                record[stamp] = target[stamp]
            else:
                record[stamp] = now_iso() if stamp == "modified" else coder
    return record


def replay(project: "Project", label: str, touches: list[Touch], *, undo: bool) -> None:
    """Undo (or redo) these touches, or raise ``UndoConflict`` and change nothing.

    Each file gets one read-modify-write that checks its records and writes them under its lock.  A step
    within one file that deletes no code holds the project lock shared, as any single edit does (no code or
    document can be deleted meanwhile: that takes the exclusive lock); any other step is one transaction.
    """
    verb = "undo" if undo else "redo"
    by_file: dict[str | None, list[Touch]] = {}
    for item in touches:
        by_file.setdefault(item.file, []).append(item)
    deletes_code = any(t.table == "codes" and t.side(undo)[1] is None for t in touches)
    single = len(by_file) == 1 and not deletes_code
    with project.store.editing() if single else project.store.transaction(f"{verb} {label}"):
        if not single:
            _check_references(project, verb, label, touches, undo)
        for file, items in by_file.items():
            def apply(data: dict, items=items) -> None:
                found = [data.setdefault(item.table, {}).get(item.id) for item in items]
                for item, current in zip(items, found):
                    if not _matches(item, current, item.side(undo)[0]):
                        raise UndoConflict(refusal(project, verb, label, item, current, item.side(undo)[0]))
                if single:  # checked inside the file's lock: a name cannot be taken meanwhile
                    _check_references(project, verb, label, touches, undo)
                for item, current in zip(items, found):
                    expected, target = item.side(undo)
                    record = _applied(item, current, expected, target, project.coder)
                    if record is None:
                        data[item.table].pop(item.id, None)
                    else:
                        data[item.table][item.id] = record

            record_file(project, file).mutate_tables(apply)
        ids: dict[str, list[str]] = {}
        for item in touches:
            ids.setdefault(item.table, []).append(item.id)
        project.audit(verb, step=clean_label(label, 120), **{f"{t}_ids": v for t, v in ids.items()})


def _check_references(project: "Project", verb: str, label: str, touches: list[Touch], undo: bool) -> None:
    problem = broken_reference(project, touches, undo)
    if problem:
        raise UndoConflict(f"can't {verb} {clean_label(label, 80)}: {problem}; nothing was {verb}ne"
                           " (the step is dropped)")
