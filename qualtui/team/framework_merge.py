"""Merging Framework summaries from a colleague's copy (called by ``qualtui.team.merge``).

A summary's cell is mapped through the merge's document and code matches.  A
cell summarised only there is added; the same text is identical; different
texts are a conflict and both are kept: theirs is appended to ours under a
marker naming the other project, as coding memos are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from qualtui.model import new_id
from qualtui.services.framework import Summary, case_document, doc_case
from qualtui.services.memos import clean_memo_text

if TYPE_CHECKING:
    from qualtui.project import Project


def _label(theirs: "Project", summary: Summary) -> str:
    doc = case_document(summary.case)
    names = {d.id: d.name for d in theirs.docs.all()}
    codes = {c.id: c.name for c in theirs.codes.all()}
    case = names.get(doc, doc) if doc is not None else summary.case.removeprefix("attr:")
    return f"{case} x {codes.get(summary.code, summary.code)}"


def plan_summaries(ours_project: "Project", theirs_project: "Project", doc_map: Mapping[str, str],
                   code_map: Mapping[str, str], note: Callable[..., None]) -> list[Summary]:
    """The summaries to write into *ours_project*; *note* records each cell's outcome in the merge plan."""
    ours = ours_project.framework.cells()
    taken = {s.id for s in ours.values()}
    out: list[Summary] = []
    for theirs in theirs_project.framework.all():
        label = _label(theirs_project, theirs)
        doc = case_document(theirs.case)
        case = doc_case(doc_map[doc]) if doc is not None and doc in doc_map else \
            (theirs.case if doc is None else None)
        code = code_map.get(theirs.code)
        if case is None or code is None:
            note("framework cell", "conflict", label, "its document or code is missing there; not added",
                              theirs.id)
            continue
        text = clean_memo_text(theirs.text)
        mine = ours.get((case, code))
        if mine is None:
            summary_id = theirs.id if theirs.id not in taken else new_id()
            out.append(replace(theirs, id=summary_id, case=case, code=code, text=text))
            taken.add(summary_id)
            note("framework cell", "added", label, "", theirs.id, summary_id)
        elif mine.text.strip() == text.strip():
            note("framework cell", "identical", label, "", theirs.id, mine.id)
        else:
            marker = f"\n\n---\n\n*Merged from {theirs_project.name} ({theirs.author}, {theirs.modified[:10]}):*\n\n"
            if marker.strip() in mine.text:
                note("framework cell", "identical", label, "theirs was merged here before", theirs.id, mine.id)
                continue
            out.append(replace(mine, text=mine.text.rstrip() + marker + text.strip()))
            note("framework cell", "conflict", label, "the summaries differ; both kept, theirs appended",
                              theirs.id, mine.id)
    return out
