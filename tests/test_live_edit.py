"""LiveEdit: an editor session saving as it types -- durable saves, one audit entry, one undo step."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from qualtui.editing import live_edit
from qualtui.editing.history import History
from qualtui.editing.live_edit import LiveEdit, StoredCodeEntry, StoredCodingMemo, StoredMemo
from qualtui.project import Project


def audit_actions(project) -> list[str]:
    return [json.loads(line)["action"] for line in (project.root / "audit.jsonl").read_text().splitlines()]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_new_memo_is_created_by_the_first_save_and_updated_after(project):
    edit = LiveEdit(StoredMemo(project, "project", None, None))
    assert edit.save("") is False and project.memos.all() == []   # nothing typed: nothing stored
    edit.save("Peer")
    [memo] = project.memos.all()
    edit.save("Peer support")
    edit.save("Peer support matters")
    reopened = Project.open(project.root)                          # durable: another process sees it
    assert [(m.id, m.text) for m in reopened.memos.all()] == [(memo.id, "Peer support matters")]
    assert audit_actions(project)[-1:] == ["memo.add"]             # three saves, one audit entry


def test_a_new_memo_emptied_again_leaves_nothing_and_no_undo_step(project):
    edit = LiveEdit(StoredMemo(project, "document", "d1", None))
    edit.save("typo")
    assert len(project.memos.all()) == 1
    edit.save("  \n")
    assert project.memos.all() == []
    assert edit.change() is None


def test_a_session_is_one_undo_step_that_undoes_and_redoes_the_whole_text(project):
    memo = project.memos.add("code", "Staff are busy.", target="c1")
    history = History()
    edit = LiveEdit(StoredMemo(project, "code", "c1", memo.id))
    for text in ("Staff are busy. M", "Staff are busy. More", "Staff are busy. More later."):
        edit.save(text)
    history.record(edit.change())
    assert project.memos.get(memo.id).text == "Staff are busy. More later."
    history.undo()
    assert project.memos.get(memo.id).text == "Staff are busy."
    assert not history.can_undo
    history.redo()
    assert project.memos.get(memo.id).text == "Staff are busy. More later."


def test_undoing_a_new_memo_deletes_it_and_redo_brings_back_the_same_memo(project):
    history = History()
    edit = LiveEdit(StoredMemo(project, "project", None, None))
    edit.save("First thoughts")
    edit.save("First thoughts on the ward")
    [memo] = project.memos.all()
    history.record(edit.change())
    history.undo()
    assert project.memos.all() == []
    history.redo()
    assert [(m.id, m.text) for m in project.memos.all()] == [(memo.id, "First thoughts on the ward")]


def test_a_long_session_is_audited_again_only_after_audit_every_seconds(project):
    memo = project.memos.add("project", "x")
    clock = Clock()
    edit = LiveEdit(StoredMemo(project, "project", None, memo.id), clock=clock)
    before = len(audit_actions(project))
    for n in range(5):
        clock.now += 10
        edit.save("x" * (n + 2))
    assert audit_actions(project)[before:] == ["memo.update"]
    clock.now += live_edit.AUDIT_EVERY
    edit.save("the next burst")
    edit.save("the next burst goes on")
    assert audit_actions(project)[before:] == ["memo.update", "memo.update"]


def test_a_coding_memo_session(project, doc):
    code = project.codes.create("Hope")
    coding = project.codings.add(doc.id, code.id, 0, 11)
    history = History()
    edit = LiveEdit(StoredCodingMemo(project, doc.id, coding.id))
    assert edit.before is None
    edit.save("turning")
    edit.save("turning point")
    assert project.codings.get(doc.id, coding.id).memo == "turning point"
    assert audit_actions(project)[-1] == "coding.update" and audit_actions(project).count("coding.update") == 1
    history.record(edit.change())
    history.undo()
    assert project.codings.get(doc.id, coding.id).memo is None
    edit = LiveEdit(StoredCodingMemo(project, doc.id, coding.id))
    edit.save("")                                                   # empty is no memo: nothing to write
    assert edit.change() is None


def test_a_coding_memo_whose_coding_is_deleted_meanwhile_becomes_a_journal_entry(project, doc):
    code = project.codes.create("Hope")
    coding = project.codings.add(doc.id, code.id, 0, 11)
    history = History()
    edit = LiveEdit(StoredCodingMemo(project, doc.id, coding.id))
    edit.save("turning")
    project.codings.remove(doc.id, [coding.id])                     # another coder removes the coding
    edit.save("turning point")
    edit.save("turning point, surely")
    [entry] = Project.open(project.root).memos.all()
    assert edit.rescued and entry.kind == "project" and entry.text == "turning point, surely"
    assert entry.title == f"Your memo of a coding in {doc.name}" and edit.rescue_reason == "deleted"
    history.record(edit.change())
    history.undo()
    assert project.memos.all() == []


def test_a_codebook_entry_session_strips_and_undoes_only_its_fields(project):
    code = project.codes.create("Hope", description="old")
    fields = ("description", "inclusion")
    history = History()
    edit = LiveEdit(StoredCodeEntry(project, code.id, fields))
    edit.save({"description": "old", "inclusion": "When"})
    edit.save({"description": "old ", "inclusion": "When hope is named. "})
    project.codes.update(code.id, color="#3cb44b")                 # another edit meanwhile
    history.record(edit.change())
    assert project.codes.by_id(code.id).inclusion == "When hope is named."
    history.undo()
    after = project.codes.by_id(code.id)
    assert (after.description, after.inclusion, after.color) == ("old", "", "#3cb44b")


@given(st.lists(st.text(alphabet="ab \n", max_size=8), min_size=1, max_size=6))
def test_whatever_was_saved_last_is_what_the_project_holds(tmp_path_factory, texts):
    project = Project.init(tmp_path_factory.mktemp("p") / "proj", coder="tester")
    edit = LiveEdit(StoredMemo(project, "project", None, None))
    for text in texts:
        edit.save(text)
    stored = [m.text for m in project.memos.all()]
    assert stored == ([texts[-1]] if texts[-1].strip() else [])
