"""The memos of a REFI-QDA import (``qualtui.refi.import_plan``), made once its codings are."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualtui.model import Memo, new_id, now_iso
from qualtui.refi.import_codes import walk_codes
from qualtui.refi.reader import RNote
from qualtui.refi.xmlwrite import datetime_or_none
from qualtui.text.normalise import clean_label

if TYPE_CHECKING:
    from qualtui.refi.import_plan import ImportPlan


def plan_memos(plan: "ImportPlan") -> list[Memo]:
    """The memos of an import, once its codings are made: notes on documents, codes, the project and
    comments on uncoded selections; a note attached to nothing becomes a project memo."""
    memos: list[Memo] = []
    stamp = now_iso()

    def memo_of(note: RNote | None, kind: str, target: str | None, *, guid: str | None = None,
                text: str = "", title: str = "", user: str | None = None, created: str | None = None) -> None:
        if note is not None:
            text = f"{note.description}\n\n{note.text}".strip() if note.description else note.text
            title, user, created = note.name, note.user, note.created
            modified = datetime_or_none(note.modified)
        else:
            modified = None
        memo_id = guid if guid and guid not in memo_ids else new_id()
        memo_ids.add(memo_id)
        made = datetime_or_none(created) or stamp
        memos.append(Memo(id=memo_id, kind=kind, target=target, text=text.replace("\r\n", "\n"),
                      title=clean_label(title), author=plan.user(user), created=made,
                      modified=modified or made))

    memo_ids: set[str] = set()
    for doc in plan.docs:
        src = doc.source
        for guid in dict.fromkeys(plan.note_targets.get(src.guid or "", [])):
            if guid in plan.notes:
                memo_of(plan.notes[guid], "document", doc.doc_id, guid=guid)
                plan.used_notes.add(guid)
            else:
                plan.skipped["note references to missing notes (dangling NoteRef)"] += 1
        if src.description:
            memo_of(None, "document", doc.doc_id, text=src.description, title="Description",
                    user=src.user, created=src.created)
    for doc, quote, text, user, created in plan.orphan_comments:
        if text:
            memo_of(None, "document", doc.doc_id, title="Comment", user=user, created=created,
                    text=f"> {quote}\n\n{text}" if quote is not None else text)
    for rc in walk_codes(plan.rp.codes):
        code_id = plan.code_ids.get(rc.guid or "")
        for guid in dict.fromkeys(plan.note_targets.get(rc.guid or "", [])):
            if guid in plan.notes and code_id:
                memo_of(plan.notes[guid], "code", code_id, guid=guid)
                plan.used_notes.add(guid)
            elif guid not in plan.notes:
                plan.skipped["note references to missing notes (dangling NoteRef)"] += 1
    if plan.rp.description:
        memo_of(None, "project", None, text=plan.rp.description, title="Project description")
    for guid in dict.fromkeys(plan.rp.project_notes):
        if guid in plan.notes:
            memo_of(plan.notes[guid], "project", None, guid=guid)
            plan.used_notes.add(guid)
        else:
            plan.skipped["note references to missing notes (dangling NoteRef)"] += 1
    loose = [n for n in plan.rp.notes if n.guid not in plan.used_notes]
    for note in loose:
        memo_of(note, "project", None, guid=note.guid)
    if loose:
        plan.report.notes.append(f"{len(loose)} note(s) not attached to anything became project memos")
    return memos
