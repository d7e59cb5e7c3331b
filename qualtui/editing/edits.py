"""Undoable edits shared by the TUI and the CLI.

Each function performs one edit durably and returns what it made plus the
``Change`` that undoes and redoes it (``None`` when nothing changed, which
``History.record`` ignores).
"""

from __future__ import annotations

from collections.abc import Iterable

from qualtui.editing.history import Change
from qualtui.editing.touches import touch
from qualtui.errors import QualtuiError
from qualtui.model import Code, Coding, Memo
from qualtui.project import Project


def add_coding(project: Project, doc_id: str, code_id: str, start: int, end: int,
               memo: str | None = None) -> tuple[Coding, Change | None]:
    """Code a span; the Change is None when that span already had that code (nothing to undo)."""
    coding, created = project.codings.add_with_status(doc_id, code_id, start, end, memo=memo)
    if not created:
        return coding, None
    name = project.codes.by_id(code_id).name
    return coding, Change.of(f"code {name!r}", project, [touch(doc_id, "codings", None, coding)])


def add_codings(project: Project, doc_id: str, spans: Iterable[tuple[str, int, int]],
                label: str) -> tuple[list[Coding], Change | None]:
    added = project.codings.add_many(doc_id, spans)
    return added, Change.of(label, project, [touch(doc_id, "codings", None, c) for c in added])


def remove_codings(project: Project, doc_id: str, coding_ids: Iterable[str]) -> tuple[list[Coding], Change | None]:
    removed = project.codings.remove(doc_id, list(coding_ids))
    label = f"remove {len(removed)} coding{'s' if len(removed) != 1 else ''}"
    return removed, Change.of(label, project, [touch(doc_id, "codings", c, None) for c in removed])


def set_coding_memo(project: Project, doc_id: str, coding_id: str,
                    text: str | None) -> tuple[Coding, Change | None]:
    before, after = project.codings.update_pair(doc_id, coding_id, memo=text or None)
    return after, Change.of("edit coding memo", project, [touch(doc_id, "codings", before, after, ["memo"])])


def create_code(project: Project, name: str, **fields) -> tuple[Code, Change | None]:
    code = project.codes.create(name, **fields)
    return code, Change.of(f"create code {code.name!r}", project, [touch(None, "codes", None, code)])


def update_code(project: Project, code_id: str, **changes) -> tuple[Code, Change | None]:
    before, after = project.codes.update_pair(code_id, **changes)
    return after, Change.of(f"edit code {before.name!r}", project,
                            [touch(None, "codes", before, after, list(changes))])


def save_memo(project: Project, kind: str, target: str | None, text: str,
              memo_id: str | None = None) -> tuple[Memo, Change | None]:
    """Create or update a memo (project, document or code)."""
    if memo_id is None:
        memo = project.memos.add(kind, text, target=target)
        return memo, Change.of("write memo", project, [touch(None, "memos", None, memo)])
    before, after = project.memos.update_pair(memo_id, text=text)
    return after, Change.of("edit memo", project, [touch(None, "memos", before, after, ["text"])])


def delete_memo(project: Project, memo_id: str) -> tuple[list[Memo], Change | None]:
    removed = project.memos.delete(memo_id)
    return removed, Change.of("delete memo", project, [touch(None, "memos", m, None) for m in removed])


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
    found, after = project.codings.update_pair(doc_id, coding_id, **changes)
    if "code" in changes:
        label = f"recode to {project.codes.by_id(after.code).name!r}"
    else:
        label = "move coding boundaries"
    return after, Change.of(label, project, [touch(doc_id, "codings", found, after, list(changes))])


def set_memo_title(project: Project, memo_id: str, title: str) -> tuple[Memo, Change | None]:
    """Give a memo (journal entry, document or code memo) a title, or change it; "" clears it."""
    before = project.memos.get(memo_id)
    if before.title == title:
        return before, None
    found, after = project.memos.update_pair(memo_id, title=title)
    return after, Change.of("retitle memo", project, [touch(None, "memos", found, after, ["title"])])
