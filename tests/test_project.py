from __future__ import annotations

import json

import pytest

from qualtui.editing import edits
from qualtui.errors import QualtuiError
from qualtui.editing.history import History
from qualtui.project import Project, find_project_root


def test_find_project_like_git(tmp_path, monkeypatch, project):
    sub = project.root / "documents"
    monkeypatch.delenv("QUALTUI_PROJECT", raising=False)
    assert find_project_root(None, cwd=sub) == project.root.resolve()
    with pytest.raises(QualtuiError, match="not inside a qualtui project"):
        find_project_root(None, cwd=tmp_path)
    monkeypatch.setenv("QUALTUI_PROJECT", str(project.root))
    assert find_project_root(None, cwd=tmp_path) == project.root.resolve()


def test_document_add_and_lookup(project, doc, transcript_text):
    assert project.docs.get("su01").id == doc.id
    assert project.docs.get(doc.id[:6]).id == doc.id
    assert project.docs.text(doc.id) == transcript_text.strip("\n")
    assert doc.speakers == ["Interviewer", "Sam"]
    turns = project.docs.turns(doc.id)
    assert [t.speaker for t in turns] == ["Interviewer", "Sam", "Interviewer", "Sam"]
    with pytest.raises(QualtuiError, match="already exists"):
        project.docs.add(project_transcript(), "su01")


def project_transcript():
    from qualtui.importers.plain import read_plain

    return read_plain(b"A: x\nB: y\n", "x.txt")


def test_coding_round_trip_and_undo(project, doc):
    code, change = edits.create_code(project, "Peer support")
    history = History()
    history.record(change)
    coding, change = edits.add_coding(project, doc.id, code.id, 10, 20)
    history.record(change)
    assert [c.id for c in project.codings.for_document(doc.id)] == [coding.id]
    history.undo()
    assert project.codings.for_document(doc.id) == []
    history.redo()
    assert project.codings.for_document(doc.id) == [coding]
    assert project.codings.counts() == {code.id: (1, 1)}
    with pytest.raises(QualtuiError):
        project.codings.add(doc.id, code.id, 5, 5000)
    log = [json.loads(line) for line in (project.root / "audit.jsonl").read_text().splitlines()]
    assert {"init", "code.create", "coding.add", "undo", "redo"} <= {e["action"] for e in log}
    assert [e.get("codings_ids") for e in log if e["action"] in ("undo", "redo")] == [[coding.id], [coding.id]]


def test_reopen_sees_everything(project, doc):
    code = project.codes.create("Hope", description="Talk of a better future")
    project.codings.add(doc.id, code.id, 0, 11)
    again = Project.open(project.root)
    assert again.codes.get("hope").description == "Talk of a better future"
    assert len(again.codings.for_code(code.id)) == 1


def test_code_tree_and_cycles(project):
    theme = project.codes.create("Belonging", codable=False)
    child = project.codes.create("Shared experience", parent=theme.id)
    assert [(d, c.name) for d, c in project.codes.tree()] == [(0, "Belonging"), (1, "Shared experience")]
    assert project.codes.get("Belonging/Shared experience").id == child.id
    with pytest.raises(QualtuiError, match="under itself"):
        project.codes.update(theme.id, parent=child.id)
    with pytest.raises(QualtuiError, match="already exists"):
        project.codes.create("belonging")


def test_coding_a_span_again_is_not_an_undo_step_that_deletes_the_original(project, doc):
    code = project.codes.create("Hope")
    history = History()
    first, change = edits.add_coding(project, doc.id, code.id, 10, 20)
    history.record(change)
    again, change = edits.add_coding(project, doc.id, code.id, 10, 20)
    assert again.id == first.id and change is None
    history.record(change)
    history.undo()  # undoes the first (real) coding, not the no-op
    assert project.codings.for_document(doc.id) == []
    history.redo()
    assert project.codings.for_document(doc.id) == [first]
    assert not history.can_redo


def test_add_many_refuses_groupings_and_unknown_codes_like_add(project, doc):
    theme = project.codes.create("Belonging", codable=False)
    with pytest.raises(QualtuiError, match="grouping"):
        project.codings.add_many(doc.id, [(theme.id, 0, 5)])
    with pytest.raises(QualtuiError):
        project.codings.add_many(doc.id, [("no-such-code", 0, 5)])
    assert project.codings.count(doc.id) == 0
