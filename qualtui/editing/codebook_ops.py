"""Codebook operations beyond a single field edit: merge, split, delete.

Each performs the whole operation durably and returns a ``Change`` that undoes
it exactly (codings come back with their ids, coders and memos): the records
it touched, snapshotted inside its transaction before and after.  Each (and
each undo and redo) is one store transaction: a kill leaves the project before
or after it, and coding processes wait while it runs.  Undo and redo are
refused when a colleague changed those records since (``qualtui.editing.history``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from qualtui.editing.history import Change
from qualtui.editing.touches import Key, diff, snapshot
from qualtui.errors import QualtuiError
from qualtui.model import Code, Coding, Memo, now_iso
from qualtui.project import Project


@dataclass(frozen=True)
class MergeResult:
    source: Code
    target: Code
    moved: int
    duplicates: int
    children: int
    memos: int


def _codings_by_doc(codings: Iterable[Coding]) -> dict[str, list[Coding]]:
    grouped: dict[str, list[Coding]] = {}
    for coding in codings:
        grouped.setdefault(coding.document, []).append(coding)
    return grouped


def _join(first: str, second: str, heading: str) -> str:
    first, second = first.strip(), second.strip()
    if not second or second == first:
        return first
    if not first:
        return second
    return f"{first}\n\n{heading}\n{second}"


def _merge_plan(project: Project, source_id: str, target_id: str) -> tuple:
    if source_id == target_id:
        raise QualtuiError("cannot merge a code into itself")
    source, target = project.codes.by_id(source_id), project.codes.by_id(target_id)
    if target_id in {c.id for c in project.codes.descendants(source_id)}:
        raise QualtuiError(f"cannot merge {source.name!r} into its own sub-code {target.name!r}")
    children = [c for c in project.codes.all() if c.parent == source_id]
    memos_before = project.memos.all(kind="code", target=source_id)
    return source, target, children, memos_before


def _keys(codes: Iterable[Code] = (), codings: Iterable[Coding] = (), memos: Iterable[Memo] = (),
          summaries: Iterable = ()) -> list[Key]:
    return ([(None, "codes", c.id) for c in codes] + [(c.document, "codings", c.id) for c in codings]
            + [(None, "memos", m.id) for m in memos] + [(None, "framework", s.id) for s in summaries])


def merge_codes(project: Project, source_id: str, target_id: str, *,
                undo: bool = True) -> tuple[MergeResult, Change | None]:
    """Merge *source* into *target*: its codings, sub-codes, memos and definition move; nothing is lost.

    A source coding identical to one the target already has (same span, same
    coder) is removed rather than duplicated; undo brings it back.  It runs as
    one transaction computed from fresh data, so a coding a colleague adds
    meanwhile waits and then lands on a code that still exists.  *undo* False: no undo step (None; the
    command line), so the records touched are not held twice.
    """
    with project.store.transaction("codes merge"):
        source, target, children, memos_before = _merge_plan(project, source_id, target_id)
        summaries_before = project.framework.about_code(source_id) + project.framework.about_code(target_id)
        moved_codings = codings_of(project, source_id) if undo else []
        keys = _keys([source, target, *children], moved_codings, memos_before, summaries_before)
        before = snapshot(project, keys) if undo else {}
        _release(project, moved_codings)
        del moved_codings
        merged_target = replace(
            target,
            description=_join(target.description, source.description, f"(merged from {source.name})"),
            inclusion=_join(target.inclusion, source.inclusion, f"(merged from {source.name})"),
            exclusion=_join(target.exclusion, source.exclusion, f"(merged from {source.name})"),
            example=_join(target.example, source.example, f"(merged from {source.name})"),
            codable=target.codable or source.codable,
        )
        project.codes.put([merged_target])
        moved = duplicates = 0
        for doc in project.docs.all():   # one document's codings at a time
            items = project.codings.for_code([source_id, target_id], [doc.id])
            taken = {(c.start, c.end, c.coder) for c in items if c.code == target_id}
            keep = [replace(c, code=target_id) for c in items
                    if c.code == source_id and (c.start, c.end, c.coder) not in taken]
            drop = [c.id for c in items if c.code == source_id and (c.start, c.end, c.coder) in taken]
            if keep:
                project.codings.put(keep)
            if drop:
                project.codings.remove(doc.id, drop)
            project.store.release_document(doc.id)
            moved, duplicates = moved + len(keep), duplicates + len(drop)
        if children:
            project.codes.put([replace(c, parent=target_id) for c in children])
        if memos_before:
            project.memos.put([replace(m, target=target_id, modified=now_iso(),
                                       title=m.title or f"from {source.name}") for m in memos_before])
        _merge_summaries(project, source_id, target_id, source.name)
        project.codes.delete_records([source_id])
        project.audit("code.merge", source=source_id, target=target_id, moved=moved, duplicates=duplicates)
        after = snapshot(project, keys) if undo else {}
    result = MergeResult(source, merged_target, moved, duplicates, len(children), len(memos_before))
    if not undo:
        return result, None
    return result, Change(f"merge {source.name!r} into {target.name!r}", project, tuple(diff(before, after)))


def codings_of(project: Project, code_id: str) -> list[Coding]:
    """``codings.for_code``, letting go of each document once read (inside a transaction too)."""
    found: list[Coding] = []
    for doc in project.docs.all():
        found += project.codings.for_code([code_id], [doc.id])
        project.store.release_document(doc.id)
    return found


def _release(project: Project, codings: Iterable[Coding]) -> None:
    """Let go of what was read of the documents of *codings* (read again, one at a time, when written)."""
    for doc_id in {c.document for c in codings}:
        project.store.release_document(doc_id)


def split_code(project: Project, code_id: str, new_name: str, coding_ids: Iterable[str], *,
               as_child: bool = False) -> tuple[Code, Change]:
    """Create a new code (a sibling, or a child with *as_child*) and move the chosen codings to it."""
    wanted = set(coding_ids)
    with project.store.transaction("codes split"):
        original = project.codes.by_id(code_id)
        chosen = [c for c in codings_of(project, code_id) if c.id in wanted]
        missing = wanted - {c.id for c in chosen}
        if missing:
            raise QualtuiError(f"{len(missing)} of the chosen codings are not codings of {original.name!r}")
        new_code = project.codes.create(new_name, parent=code_id if as_child else original.parent,
                                        description=f"Split from {original.name}.")
        keys = _keys([new_code], chosen)
        before = {**snapshot(project, keys), keys[0]: None}
        project.codings.put([replace(c, code=new_code.id) for c in chosen])
        project.audit("code.split", code=code_id, new_code=new_code.id, codings=len(chosen))
        after = snapshot(project, keys)
    return new_code, Change(f"split {original.name!r}", project, tuple(diff(before, after)))


@dataclass(frozen=True)
class DeletePlan:
    code: Code
    codings: list[Coding]
    children: list[Code]
    memos: list[Memo]
    summaries: list = field(default_factory=list)    # Framework cell summaries of the code


def _merge_summaries(project: Project, source_id: str, target_id: str, source_name: str) -> None:
    """Framework summaries of the merged code move to the target's cells; both texts kept where both exist."""
    theirs = project.framework.about_code(source_id)
    if not theirs:
        return
    ours = {s.case: s for s in project.framework.about_code(target_id)}
    moved = []
    for summary in theirs:
        if summary.case in ours:
            mine = ours[summary.case]
            moved.append(replace(mine, text=f"{mine.text.rstrip()}\n\n*(merged from {source_name})*\n\n"
                                            f"{summary.text.strip()}", modified=now_iso()))
        else:
            moved.append(replace(summary, code=target_id, modified=now_iso()))
    project.framework.delete(s.id for s in theirs)
    project.framework.put(moved)


def plan_delete(project: Project, code_id: str) -> DeletePlan:
    """What deleting a code would remove (for the confirmation question)."""
    code = project.codes.by_id(code_id)
    return DeletePlan(code, codings_of(project, code_id), project.codes.children(code_id),
                      project.memos.all(kind="code", target=code_id), project.framework.about_code(code_id))


def delete_code(project: Project, code_id: str, *, undo: bool = True) -> tuple[DeletePlan, Change | None]:
    """Delete a code with its codings and memos; its sub-codes move up to its parent.

    One transaction, planned from fresh data: codings added meanwhile are deleted with the code, never orphaned.
    *undo* False: no undo step (None), as ``merge_codes``.
    """
    with project.store.transaction("codes delete"):
        plan = plan_delete(project, code_id)
        keys = _keys([plan.code, *plan.children], plan.codings, plan.memos, plan.summaries)
        before = snapshot(project, keys) if undo else {}
        _release(project, plan.codings)
        for doc_id, items in _codings_by_doc(plan.codings).items():
            project.codings.remove(doc_id, [c.id for c in items])
            project.store.release_document(doc_id)
        if plan.children:
            project.codes.put([replace(c, parent=plan.code.parent) for c in plan.children])
        if plan.memos:
            project.memos.delete([m.id for m in plan.memos])
        if plan.summaries:
            project.framework.delete(s.id for s in plan.summaries)
        project.codes.delete_records([code_id])
        after = snapshot(project, keys) if undo else {}
    if not undo:
        return plan, None
    return plan, Change(f"delete code {plan.code.name!r}", project, tuple(diff(before, after)))
