"""Saying why an undo or redo was refused: what changed, and who changed it (from the audit log or the record)."""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from qualtui.editing.touches import STAMPS, Record, Touch, canon
from qualtui.text.normalise import clean_label
from stores.links import CLOEXEC, NOFOLLOW, read_rest

if TYPE_CHECKING:
    from qualtui.project import Project

AUDIT_TAIL = 1 << 20  # bytes of the audit log searched for who changed a record


def _changed_fields(item: Touch, current: Record | None, expected: Record | None) -> list[str]:
    current = canon(item.table, current)
    if current is None or expected is None:
        return []
    names = item.fields or [k for k in set(current) | set(expected) if k != "id"]
    stamps = STAMPS.get(item.table, ())
    return sorted(f for f in names if f not in stamps and current.get(f) != expected.get(f))


def refusal(project: "Project", verb: str, label: str, item: Touch, current: Record | None,
            expected: Record | None) -> str:
    """One line: the step, the record that is not as the step left it, how, by whom, which fields."""
    if item.fields is None:
        what = describe(project, item, current or item.before or item.after)
    else:
        what = describe(project, item, {**(item.about or {}), **(current or {})})
    if current is None:
        how = "was deleted since"
    elif expected is None:
        how = "was written since"
    else:
        how = "was changed since"
    who = changed_by(project, item)
    if current is None and item.table == "codings" and project.store.project.get("documents", item.file or "") is None:
        how = "was deleted since with its document"
        who = changed_by(project, Touch(None, "documents", item.file or "", None, None))
    if who is None and current is not None:
        who = current.get("author") if item.table == "framework" else None  # a summary's last writer
    fields = _changed_fields(item, current, expected)
    detail = f" ({', '.join(fields)})" if fields and len(fields) <= 4 else ""
    by = f" by {clean_label(str(who), 60)}" if who else ""
    return (f"can't {verb} {clean_label(label, 80)}: {what} {how}{by}{detail}; nothing was {verb}ne"
            " (the step is dropped)")


def _code_name(project: "Project", code_id: Any) -> str | None:
    record = project.store.project.get("codes", str(code_id)) if code_id else None
    return clean_label(str(record.get("name")), 60) if record else None


def describe(project: "Project", item: Touch, record: Mapping | None) -> str:
    """'the coding of "Stigma" in SU01', 'the code "Stigma"', 'the memo "Plans"' ..."""
    record = record or {}
    if item.table == "codings":
        doc = project.store.project.get("documents", item.file or "") or {}
        name = _code_name(project, record.get("code"))
        where = f" in {clean_label(str(doc['name']), 60)}" if doc.get("name") else ""
        return f"the coding{f' of {name!r}' if name else ''}{where}"
    if item.table == "codes":
        name = _code_name(project, item.id) or clean_label(str(record.get("name") or ""), 60)
        return f"the code {name!r}" if name else "the code"
    if item.table == "memos":
        title = clean_label(str(record.get("title") or ""), 60)
        return f"the memo {title!r}" if title else "the memo"
    if item.table == "framework":
        name = _code_name(project, record.get("code"))
        return f"the Framework summary{f' of {name!r}' if name else ''}"
    return f"the {item.table} record"


def _mentions(entry: Mapping, item: Touch) -> bool:
    rid = item.id
    action = str(entry.get("action", ""))

    def has(key: str) -> bool:
        value = entry.get(key)
        return value == rid or (isinstance(value, list) and rid in value)

    if has(f"{item.table}_ids"):  # an undo or redo
        return True
    if item.table == "codings":
        return has("coding") or has("codings")
    if item.table == "codes":
        return action.startswith("code.") and any(has(k) for k in ("code", "codes", "source", "target", "new_code"))
    if item.table == "memos":
        return has("memo") or has("memos")
    if item.table == "framework":
        return has("summaries") or has("summary")
    if item.table == "documents":
        return action.startswith("document.") and has("document")
    return False


def _tail(path) -> bytes:
    """The last AUDIT_TAIL bytes of a regular file, never through a link nor blocking on a planted FIFO."""
    fd = os.open(path, os.O_RDONLY | NOFOLLOW | CLOEXEC | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "is not a regular file", str(path))
        os.lseek(fd, max(0, info.st_size - AUDIT_TAIL), os.SEEK_SET)
        return read_rest(fd)
    finally:
        os.close(fd)


def changed_by(project: "Project", item: Touch) -> str | None:
    """Who last changed this record, from the end of the audit log (None if it does not say)."""
    try:
        tail = _tail(project.store.audit_path)
    except OSError:
        return None
    for line in reversed(tail.splitlines()):
        if item.id.encode() not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and _mentions(entry, item):
            return str(entry.get("coder") or "") or None
    return None
