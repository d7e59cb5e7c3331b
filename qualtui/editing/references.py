"""What undo or redo must not break: records that point at other records.

A coding points at its code and document, a code at its parent, a code or
document memo at what it is about, a Framework summary at its code (and its
document).  Undo or redo that would leave such a pointer dangling is refused:
bringing back a coding whose code a colleague deleted since, or deleting a code
(the undo of its creation, the redo of a merge) that a colleague has coded with
since.  Called inside the undo's transaction, so nothing changes meanwhile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualtui.editing.explain import changed_by
from qualtui.editing.touches import Key, Record, Touch, record_file
from qualtui.text.normalise import clean_label

if TYPE_CHECKING:
    from qualtui.project import Project


def _targets(project: "Project", touches: list[Touch], undo: bool) -> dict[Key, Record | None]:
    """Each touched record as undo/redo would leave it (fields written over the record as it stands)."""
    out: dict[Key, Record | None] = {}
    for item in touches:
        target = item.side(undo)[1]
        if item.fields is not None and target is not None:
            current = record_file(project, item.file).get(item.table, item.id) or {}
            target = {**current, **target}
        out[item.key] = target
    return out


def _by(project: "Project", table: str, record_id: str) -> str:
    who = changed_by(project, Touch(None, table, record_id, None, None))
    return f" by {clean_label(who, 60)}" if who else ""


def _names(names: list[str]) -> str:
    names = sorted({clean_label(n, 40) for n in names if n})
    if not names:
        return "a colleague"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def broken_reference(project: "Project", touches: list[Touch], undo: bool) -> str | None:
    """Why undoing (or redoing) *touches* would leave a dangling reference; None when it would not."""
    targets = _targets(project, touches, undo)
    written = {t.key: t.fields for t in touches}   # None: the whole record is written
    codes = dict(project.store.project.raw("codes"))
    for (file, table, rid), record in targets.items():
        if file is None and table == "codes":
            if record is None:
                codes.pop(rid, None)
            else:
                codes[rid] = record
    documents = project.store.project.raw("documents")

    def code_gone(code_id) -> str | None:
        if code_id in codes:
            return None
        return f"its code was deleted since{_by(project, 'codes', str(code_id))}"

    def doc_gone(doc_id) -> str | None:
        if doc_id in documents:
            return None
        return f"its document was deleted since{_by(project, 'documents', str(doc_id))}"

    for (file, table, rid), record in targets.items():
        fields = written[(file, table, rid)]
        if record is None or not (fields is None or {"code", "parent", "name", "target", "kind", "case"} & set(fields)):
            continue   # deleted, or changed only in fields that point nowhere
        problem = None
        if table == "codings":
            problem = doc_gone(file) or code_gone(record.get("code"))
        elif table == "codes":
            name = str(record.get("name") or "").casefold()
            twin = next((c for k, c in codes.items() if k != rid and str(c.get("name") or "").casefold() == name),
                        None)
            if twin is not None:
                problem = (f"a code named {clean_label(str(twin.get('name')), 60)!r} was created since"
                           f"{_by(project, 'codes', str(twin.get('id')))}")
            elif record.get("parent") and record["parent"] not in codes:
                problem = f"its parent code was deleted since{_by(project, 'codes', str(record['parent']))}"
            elif _under_itself(rid, codes):
                problem = (f"{clean_label(str(record.get('name')), 60)!r} would become a sub-code of itself "
                           "(codes were moved since)")
        elif table == "memos" and record.get("kind") == "code":
            problem = code_gone(record.get("target"))
        elif table == "memos" and record.get("kind") == "document":
            problem = doc_gone(record.get("target"))
        elif table == "framework":
            case = str(record.get("case") or "")
            problem = code_gone(record.get("code")) or (doc_gone(case[4:]) if case.startswith("doc:") else None)
        if problem:
            return problem
    deleted = {rid for (file, table, rid), record in targets.items()
               if record is None and file is None and table == "codes"}
    return _still_used(project, deleted, targets, codes, documents) if deleted else None


def _still_used(project: "Project", deleted: set[str], targets: dict, codes: dict, documents) -> str | None:
    """Why codes this step would delete are still needed (a colleague's coding, sub-code, memo or summary)."""
    def name(code_id: str) -> str:
        record = project.store.project.get("codes", code_id) or {}
        return repr(clean_label(str(record.get("name") or "the code"), 60))

    def overlaid(file, table: str, rows) -> list[Record]:
        rows = dict(rows)
        for (f, t, rid), record in targets.items():
            if f == file and t == table:
                if record is None:
                    rows.pop(rid, None)
                else:
                    rows[rid] = record
        return list(rows.values())

    for code in overlaid(None, "codes", codes):
        if code.get("parent") in deleted:
            return (f"{name(code['parent'])} has a sub-code {clean_label(str(code.get('name')), 60)!r} since"
                    f"{_by(project, 'codes', str(code.get('id')))}")
    for memo in overlaid(None, "memos", project.store.project.raw("memos")):
        if memo.get("kind") == "code" and memo.get("target") in deleted:
            return f"{name(memo['target'])} has a memo since by {_names([memo.get('author', '')])}"
    for summary in overlaid(None, "framework", project.store.project.raw("framework")):
        if summary.get("code") in deleted:
            return f"{name(summary['code'])} has a Framework summary since by {_names([summary.get('author', '')])}"
    using: dict[str, list[str]] = {}
    needles = [code_id.encode() for code_id in deleted]
    written = {file for file, _, _ in targets}
    for doc_id in documents:
        rf = record_file(project, doc_id)
        if doc_id not in written:  # a file that never names the code holds no coding of it: no need to parse it
            try:
                raw = project.store.read_bytes(rf.path)
            except FileNotFoundError:
                continue
            if not any(needle in raw for needle in needles):
                continue
        for coding in overlaid(doc_id, "codings", rf.raw("codings")):
            if coding.get("code") in deleted:
                using.setdefault(coding["code"], []).append(str(coding.get("coder") or ""))
    for code_id, coders in using.items():
        count = f"{len(coders)} coding{'s' if len(coders) != 1 else ''}"
        return f"{_names(coders)} coded with {name(code_id)} since ({count})"
    return None


def _under_itself(code_id: str, codes: dict) -> bool:
    seen: set[str] = set()
    parent = (codes.get(code_id) or {}).get("parent")
    while parent and parent not in seen:
        if parent == code_id:
            return True
        seen.add(parent)
        parent = (codes.get(parent) or {}).get("parent")
    return False
