"""Undoable edits shared by the TUI and the CLI.

Each function performs one edit durably and returns what it made plus the
``Change`` that undoes and redoes it (``None`` when nothing changed, which
``History.record`` ignores).
"""

from __future__ import annotations

from collections.abc import Iterable

from qualtui.history import Change
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
