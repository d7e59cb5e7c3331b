"""Text typed into an editor never overwrites a colleague's change to the same memo, nor is itself lost.

Each save writes only if the stored text is still what this editor last saved (checked inside the lock); if a
colleague changed it meanwhile, theirs stays as they left it and what is being typed goes on in a journal entry.
"""

from __future__ import annotations

import subprocess
import sys

from qualtui.editing.live_edit import LiveEdit, StoredCodingMemo, StoredMemo
from qualtui.project import Project


def colleague(project) -> Project:
    return Project.open(project.root, coder="alice")


def test_a_memo_changed_by_a_colleague_while_i_type_keeps_both_texts(project, doc):
    memo = project.memos.add("document", "Sam's story", target=doc.id, title="About SU01")
    edit = LiveEdit(StoredMemo(project, "document", doc.id, memo.id))
    edit.save("Sam's story is about")
    colleague(project).memos.update(memo.id, text="Alice: Sam's story is about trust")
    edit.save("Sam's story is about waiting")
    edit.save("Sam's story is about waiting for a life")
    reopened = Project.open(project.root)
    assert reopened.memos.get(memo.id).text == "Alice: Sam's story is about trust"   # hers, untouched
    [entry] = [m for m in reopened.memos.all() if m.id != memo.id]
    assert entry.kind == "project" and entry.text == "Sam's story is about waiting for a life"
    assert entry.title == "Your version of About SU01"
    assert edit.rescued and edit.rescue_reason == "changed"


def test_a_coding_memo_changed_by_a_colleague_in_another_process_is_not_overwritten(project, doc):
    code = project.codes.create("Hope")
    coding = project.codings.add(doc.id, code.id, 0, 11)
    edit = LiveEdit(StoredCodingMemo(project, doc.id, coding.id))
    edit.save("turning")
    subprocess.run([sys.executable, "-m", "qualtui", "memo", "edit", coding.id, "alice: a turning point",
                    "-p", str(project.root), "--coder", "alice"], check=True, capture_output=True)
    assert project.codings.get(doc.id, coding.id).memo == "alice: a turning point"
    edit.save("turning point")
    assert project.codings.get(doc.id, coding.id).memo == "alice: a turning point"
    [entry] = project.memos.all()
    assert entry.text == "turning point" and edit.rescue_reason == "changed"


def test_my_own_saves_one_after_another_are_never_taken_for_a_colleague(project, doc):
    memo = project.memos.add("document", "a", target=doc.id)
    edit = LiveEdit(StoredMemo(project, "document", doc.id, memo.id))
    for text in ("ab", "abc\u0007", "abc  ", "abc d"):   # including text the store cleans on the way in
        edit.save(text)
    assert not edit.rescued and project.memos.get(memo.id).text.startswith("abc") and len(project.memos.all()) == 1


def test_a_codebook_entry_field_a_colleague_changes_is_kept_and_mine_goes_to_the_journal(project):
    from qualtui.editing.live_edit import StoredCodeEntry

    code = project.codes.create("Stigma", description="old")
    edit = LiveEdit(StoredCodeEntry(project, code.id, ("description", "inclusion")))
    edit.save({"description": "Being seen as", "inclusion": ""})
    colleague(project).codes.update(code.id, description="Alice's definition")
    edit.save({"description": "Being seen as a patient first", "inclusion": "talk of labels"})
    assert project.codes.by_id(code.id).description == "Alice's definition"
    assert project.codes.by_id(code.id).inclusion == ""
    [entry] = project.memos.all()
    assert "Being seen as a patient first" in entry.text and "talk of labels" in entry.text
    assert entry.title == "Your codebook entry for Stigma" and edit.rescue_reason == "changed"


def test_a_colleague_changing_another_field_of_the_code_is_no_conflict(project):
    from qualtui.editing.live_edit import StoredCodeEntry

    code = project.codes.create("Stigma")
    edit = LiveEdit(StoredCodeEntry(project, code.id, ("description",)))
    edit.save({"description": "Being seen"})
    colleague(project).codes.update(code.id, color="#aa0000")
    edit.save({"description": "Being seen as a patient"})
    assert not edit.rescued and project.codes.by_id(code.id).description == "Being seen as a patient"
    assert project.codes.by_id(code.id).color == "#aa0000"


def test_a_framework_summary_a_colleague_writes_while_i_type_is_kept(project, doc):
    from qualtui.editing.live_edit import StoredFrameworkSummary
    from qualtui.services.framework import doc_case

    code = project.codes.create("Hope")
    case = doc_case(doc.id)
    edit = LiveEdit(StoredFrameworkSummary(project, case, code.id))
    edit.save("Sam hopes")
    colleague(project).framework.set(case, code.id, "Alice: hope comes from peers")
    edit.save("Sam hopes to leave")
    assert project.framework.get(case, code.id).text == "Alice: hope comes from peers"
    [entry] = project.memos.all()
    assert entry.text == "Sam hopes to leave" and entry.title == "Your Framework summary for Hope"
