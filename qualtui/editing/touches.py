"""What an edit did to the records it touched: the unit undo and redo work with.

For each record, the state the edit found (``before``) and the state it left
(``after``); ``None`` is "absent".  A record created or deleted is kept whole; a
record changed in place, by the fields that changed (so undo puts back only
those).  ``qualtui.editing.replay`` applies them backwards or forwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from qualtui.project import Project

Key = tuple[str | None, str, str]   # (document id of its codings file, or None: the project file; table; id)
Record = dict[str, Any]

# Bookkeeping fields: never a conflict by themselves; put back only if nobody else touched the record.
STAMPS = {"memos": ("modified",), "framework": ("modified", "author")}
DESCRIBED_BY = {"codings": ("code",), "codes": ("name",), "memos": ("title",), "framework": ("code",)}


@dataclass(frozen=True)
class Touch:
    """One record an edit touched: before and after, whole (``fields`` None) or just ``fields``."""

    file: str | None
    table: str
    id: str
    before: Record | None
    after: Record | None
    fields: tuple[str, ...] | None = None
    about: Record | None = None   # for an in-place change: what names the record in a message (its code, title)

    @property
    def key(self) -> Key:
        return (self.file, self.table, self.id)

    def side(self, undo: bool) -> tuple[Record | None, Record | None]:
        """(what must be there now, what to write) for undo or redo."""
        return (self.after, self.before) if undo else (self.before, self.after)


def _model(table: str):
    from qualtui.model import Code, Coding, Memo

    if table == "framework":
        from qualtui.services.framework import Summary

        return Summary
    return {"codes": Code, "codings": Coding, "memos": Memo}.get(table)


def canon(table: str, record: Any) -> Record | None:
    """A record as the services would store it (so a stored record and a model's ``to_record`` compare)."""
    if record is None:
        return None
    if not isinstance(record, Mapping):
        record = record.to_record()
    model = _model(table)
    if model is None:
        return dict(record)
    try:
        return model.from_record(dict(record)).to_record()
    except (TypeError, ValueError, KeyError):
        return dict(record)


def touch(file: str | None, table: str, before: Any, after: Any, only: Iterable[str] | None = None) -> Touch | None:
    """What an edit did to one record (None if nothing); *only* limits an in-place change to those fields."""
    before, after = canon(table, before), canon(table, after)
    if before is None and after is None:
        return None
    record_id = str((after or before)["id"])
    if before is None or after is None:
        return Touch(file, table, record_id, before, after)
    stamps = STAMPS.get(table, ())
    wanted = set(only) if only is not None else None
    fields = tuple(sorted(k for k in set(before) | set(after)
                          if k not in stamps and k != "id" and before.get(k) != after.get(k)
                          and (wanted is None or k in wanted)))
    if not fields:
        return None
    keep = fields + tuple(stamps)
    about = {k: after.get(k) for k in DESCRIBED_BY.get(table, ())}
    return Touch(file, table, record_id, {k: before.get(k) for k in keep}, {k: after.get(k) for k in keep}, fields,
                 about)


def diff(before: Mapping[Key, Any], after: Mapping[Key, Any]) -> list[Touch]:
    """Touches between two snapshots of the same keys (see ``snapshot``)."""
    out = []
    for key in dict.fromkeys([*before, *after]):
        found = touch(key[0], key[1], before.get(key), after.get(key))
        if found is not None:
            out.append(found)
    return out


def record_file(project: "Project", file: str | None):
    return project.store.project if file is None else project.store.document_file(file)


def snapshot(project: "Project", keys: Iterable[Key]) -> dict[Key, Record | None]:
    """The records under *keys* as they stand (inside a transaction: with what it staged)."""
    return {key: record_file(project, key[0]).get(key[1], key[2]) for key in dict.fromkeys(keys)}


def join(first: Touch, second: Touch) -> Touch | None:
    """Two touches of one record, one after the other, as one (None when they cancel out)."""
    if first.fields is None and second.fields is None:
        before, after = first.before, second.after
    elif first.fields is None:       # whole, then fields of it
        before, after = first.before, None if first.after is None else {**first.after, **(second.after or {})}
    elif second.fields is None:      # fields, then whole (second.before is the whole record after first)
        before = None if second.before is None else {**second.before, **(first.before or {})}
        after = second.after
    else:
        before = {**(second.before or {}), **(first.before or {})}
        after = {**(first.after or {}), **(second.after or {})}
        fields = tuple(sorted(set(first.fields) | set(second.fields)))
        fields = tuple(f for f in fields if before.get(f) != after.get(f))
        if not fields:
            return None
        return Touch(first.file, first.table, first.id, before, after, fields, second.about)
    if before == after:
        return None
    return Touch(first.file, first.table, first.id, before, after)


def merge_touches(touches: Iterable[Touch]) -> list[Touch]:
    """Touches in order, those of one record joined (for one undo step made of several edits)."""
    joined: dict[Key, Touch | None] = {}
    for item in touches:
        if item.key in joined and joined[item.key] is not None:
            joined[item.key] = join(joined[item.key], item)  # type: ignore[arg-type]
        else:
            joined[item.key] = item
    return [t for t in joined.values() if t is not None]
