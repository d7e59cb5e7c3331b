"""Framework summaries in a file qualtui exported: told apart from memos, brought back as summaries.

REFI-QDA has no Framework matrix, so qualtui exports each summary as a note titled
"Framework: ROW x CODE" on its code and, for a document row, on that document too
(``qualtui.analysis.framework.summary_notes``).  Read back as memos they would double the
summaries on every round trip.  Only a file whose origin is qualtui is read this way, and only a
note that is exactly what qualtui writes: attached to one code (and at most one document) and
nothing else, titled for them; any other note stays a memo.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from qualtui.model import now_iso
from qualtui.refi.import_codes import walk_codes
from qualtui.refi.xmlwrite import datetime_or_none
from qualtui.services.framework import Summary, doc_case
from qualtui.text.normalise import clean_label

if TYPE_CHECKING:
    from qualtui.refi.import_plan import ImportPlan

PREFIX = "Framework: "


def _title(row: str, code_name: str) -> str:
    return clean_label(f"{PREFIX}{row} x {code_name}")   # as summary_notes writes it


def _case(title: str, code_name: str, doc: tuple[str, str] | None) -> str | None:
    """The summary's case if *title* is the one qualtui gives a summary of this code (and document)."""
    if doc is not None:
        doc_id, doc_name = doc
        return doc_case(doc_id) if title == _title(doc_name, code_name) else None
    row = title.removeprefix(PREFIX).removesuffix(f" x {code_name}")
    # an attribute row is "key=value", case-folded (qualtui.services.framework.attr_case)
    if title.startswith(PREFIX) and "=" in row and row == row.casefold() and title == _title(row, code_name):
        return f"attr:{row}"
    return None


def take_framework_summaries(plan: "ImportPlan") -> list[Summary]:
    """The summaries among *plan*'s notes; their notes are taken off the codes and documents (no memos)."""
    rp = plan.rp
    if not rp.origin.strip().lower().startswith("qualtui"):
        return []
    on_code: dict[str, list[tuple[str, str, str]]] = {}    # note guid -> [(code guid, code id, code name)]
    for rc in walk_codes(rp.codes):
        code_id = plan.code_ids.get(rc.guid or "")
        if code_id:
            for guid in rc.notes:
                on_code.setdefault(guid, []).append((rc.guid, code_id, rc.name))
    on_doc: dict[str, list[tuple[str, str, str]]] = {}     # note guid -> [(source guid, document id, name)]
    for doc in plan.docs:
        for guid in doc.source.notes:
            on_doc.setdefault(guid, []).append((doc.source.guid, doc.doc_id, doc.source.name))
    refs = Counter(rp.project_notes)                      # every reference to a note, anywhere in the file
    refs.update(guid for rc in walk_codes(rp.codes) for guid in rc.notes)
    refs.update(guid for link in rp.links for guid in link if guid)
    for src in rp.sources:
        refs.update(src.notes)
    refs.update(plan.selection_note_refs)                   # the selections' and codings' (first reading)
    stamp = now_iso()
    found: dict[tuple[str, str], Summary] = {}
    taken: dict[str, tuple[str, ...]] = {}                  # note guid -> the objects it is taken off
    for guid, codes in on_code.items():
        note, docs = plan.notes.get(guid), on_doc.get(guid, [])
        if note is None or note.description or len(codes) != 1 or len(docs) > 1 or refs[guid] != 1 + len(docs):
            continue
        code_guid, code_id, code_name = codes[0]
        case = _case(note.name, code_name, docs[0][1:] if docs else None)
        if case is None or (case, code_id) in found:
            continue
        created = datetime_or_none(note.created) or stamp
        found[(case, code_id)] = Summary(guid, case, code_id, note.text.replace("\r\n", "\n"),
                                         plan.user(note.user), created, datetime_or_none(note.modified) or created)
        taken[guid] = (code_guid, *(d[0] for d in docs))
    for guid, holders in taken.items():
        for holder in holders:
            plan.note_targets[holder] = [g for g in plan.note_targets[holder] if g != guid]
        plan.used_notes.add(guid)
    return list(found.values())
