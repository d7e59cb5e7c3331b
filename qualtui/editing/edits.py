"""Undoable edits shared by the TUI and the CLI.

Each function performs one edit durably and returns what it made plus the
``Change`` that undoes and redoes it (``None`` when nothing changed, which
``History.record`` ignores).
"""

from __future__ import annotations

from collections.abc import Iterable

from qualtui.errors import QualtuiError
from qualtui.editing.history import Change
from qualtui.model import Code, Coding, Memo
from qualtui.project import Project


def add_coding(project: Project, doc_id: str, code_id: str, start: int, end: int,
               memo: str | None = None) -> tuple[Coding, Change | None]:
    """Code a span; the Change is None when that span already had that code (nothing to undo)."""
    coding, created = project.codings.add_with_status(doc_id, code_id, start, end, memo=memo)
    if not created:
        return coding, None
    name = project.codes.by_id(code_id).name
    return coding, Change(
        f"code {name!r}",
        undo=lambda: project.codings.remove(doc_id, coding.id),
        redo=lambda: project.codings.put([coding]),
    )


def add_codings(project: Project, doc_id: str, spans: Iterable[tuple[str, int, int]],
                label: str) -> tuple[list[Coding], Change]:
    added = project.codings.add_many(doc_id, spans)
    ids = [c.id for c in added]
    return added, Change(label, undo=lambda: project.codings.remove(doc_id, ids),
                         redo=lambda: project.codings.put(added))


def remove_codings(project: Project, doc_id: str, coding_ids: Iterable[str]) -> tuple[list[Coding], Change]:
    removed = project.codings.remove(doc_id, list(coding_ids))
    ids = [c.id for c in removed]
    return removed, Change(
        f"remove {len(removed)} coding{'s' if len(removed) != 1 else ''}",
        undo=lambda: project.codings.put(removed),
        redo=lambda: project.codings.remove(doc_id, ids),
    )


def set_coding_memo(project: Project, doc_id: str, coding_id: str, text: str | None) -> tuple[Coding, Change]:
    before = project.codings.get(doc_id, coding_id)
    after = project.codings.update(doc_id, coding_id, memo=text or None)
    return after, Change(
        "edit coding memo",
        undo=lambda: project.codings.update(doc_id, coding_id, memo=before.memo),
        redo=lambda: project.codings.update(doc_id, coding_id, memo=after.memo),
    )


def create_code(project: Project, name: str, **fields) -> tuple[Code, Change]:
    code = project.codes.create(name, **fields)
    return code, Change(
        f"create code {code.name!r}",
        undo=lambda: project.codes.delete_records([code.id]),
        redo=lambda: project.codes.put([code]),
    )


def update_code(project: Project, code_id: str, **changes) -> tuple[Code, Change]:
    before = project.codes.by_id(code_id)
    after = project.codes.update(code_id, **changes)
    return after, Change(
        f"edit code {before.name!r}",
        undo=lambda: project.codes.put([before]),
        redo=lambda: project.codes.put([after]),
    )


def save_memo(project: Project, kind: str, target: str | None, text: str,
              memo_id: str | None = None) -> tuple[Memo, Change]:
    """Create or update a memo (project, document or code)."""
    if memo_id is None:
        memo = project.memos.add(kind, text, target=target)
        return memo, Change("write memo", undo=lambda: project.memos.delete(memo.id),
                            redo=lambda: project.memos.put([memo]))
    before = project.memos.get(memo_id)
    after = project.memos.update(memo_id, text=text)
    return after, Change("edit memo", undo=lambda: project.memos.put([before]),
                         redo=lambda: project.memos.put([after]))


def change_coding(project: Project, doc_id: str, coding_id: str, *, code: str | None = None,
                  start: int | None = None, end: int | None = None) -> tuple[Coding, Change | None]:
    """Recode a coding in place and/or move its boundaries, keeping its id, memo and coder (one step).

    Refused when another coding by the same coder already has that code and span (it would be a duplicate).
    None as the Change when nothing would change.
    """
    before = project.codings.get(doc_id, coding_id)
    changes = {k: v for k, v in (("code", code), ("start", start), ("end", end))
               if v is not None and v != getattr(before, k)}
    if not changes:
        return before, None
    target = (changes.get("code", before.code), changes.get("start", before.start), changes.get("end", before.end))
    for other in project.codings.for_document(doc_id):
        if other.id != coding_id and other.coder == before.coder and (other.code, other.start, other.end) == target:
            name = project.codes.by_id(target[0]).name
            raise QualtuiError(f"{before.coder} already has a coding of {name!r} on exactly that text")
    after = project.codings.update(doc_id, coding_id, **changes)
    if "code" in changes:
        label = f"recode to {project.codes.by_id(after.code).name!r}"
    else:
        label = "move coding boundaries"
    restore = {k: getattr(before, k) for k in changes}
    return after, Change(label, undo=lambda: project.codings.update(doc_id, coding_id, **restore),
                         redo=lambda: project.codings.update(doc_id, coding_id, **changes))


def set_memo_title(project: Project, memo_id: str, title: str) -> tuple[Memo, Change | None]:
    """Give a memo (journal entry, document or code memo) a title, or change it; "" clears it."""
    before = project.memos.get(memo_id)
    if before.title == title:
        return before, None
    after = project.memos.update(memo_id, title=title)
    return after, Change("retitle memo", undo=lambda: project.memos.put([before]),
                         redo=lambda: project.memos.put([after]))
