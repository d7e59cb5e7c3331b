"""Codebook operations: merge, split, delete, each undoable exactly."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from qualtui.editing.codebook_ops import delete_code, merge_codes, split_code
from qualtui.cli import cli
from qualtui.errors import QualtuiError
from qualtui.editing.history import History


def snapshot(project):
    codes = {c.id: c for c in project.codes.all()}
    codings = {c.id: c for c in project.codings.iter_all()}
    memos = {m.id: m for m in project.memos.all()}
    return codes, codings, memos


@pytest.fixture
def coded(project, doc):
    theme = project.codes.create("Belonging", codable=False)
    a = project.codes.create("Peer help", parent=theme.id, description="Patients helping each other")
    b = project.codes.create("Mutual aid", description="Practical help", inclusion="Concrete acts")
    child = project.codes.create("Lending things", parent=a.id)
    project.codings.add(doc.id, a.id, 0, 12)
    project.codings.add(doc.id, a.id, 20, 40, memo="nice")
    project.codings.add(doc.id, b.id, 20, 40)  # identical span, same coder as one of a's
    project.codings.add(doc.id, b.id, 50, 60, coder="other")
    project.memos.add("code", "memo about peer help", target=a.id)
    return project, theme, a, b, child


def test_merge_moves_everything_and_undo_restores_exactly(coded):
    project, theme, a, b, child = coded
    before = snapshot(project)
    history = History()
    result, change = merge_codes(project, a.id, b.id)
    history.record(change)
    assert (result.moved, result.duplicates, result.children, result.memos) == (1, 1, 1, 1)
    ids = {c.id for c in project.codes.all()}
    assert a.id not in ids
    assert project.codes.by_id(child.id).parent == b.id
    merged = project.codes.by_id(b.id)
    assert "Practical help" in merged.description and "Patients helping each other" in merged.description
    spans = sorted((c.start, c.end, c.coder) for c in project.codings.for_code(b.id))
    assert spans == [(0, 12, "tester"), (20, 40, "tester"), (50, 60, "other")]
    assert project.memos.all(kind="code", target=b.id)[0].text == "memo about peer help"
    history.undo()
    assert snapshot(project) == before
    history.redo()
    assert a.id not in {c.id for c in project.codes.all()}
    assert len(project.codings.for_code(b.id)) == 3


def test_merge_refuses_into_itself_or_descendant(coded):
    project, theme, a, b, child = coded
    with pytest.raises(QualtuiError):
        merge_codes(project, a.id, a.id)
    with pytest.raises(QualtuiError, match="sub-code"):
        merge_codes(project, a.id, child.id)


def test_split_moves_chosen_codings_and_undoes(coded, doc):
    project, theme, a, b, child = coded
    before = snapshot(project)
    first = project.codings.for_code(a.id)[0]
    new_code, change = split_code(project, a.id, "Peer advice", [first.id], as_child=True)
    assert new_code.parent == a.id
    assert [c.id for c in project.codings.for_code(new_code.id)] == [first.id]
    assert first.id not in {c.id for c in project.codings.for_code(a.id)}
    change.undo()
    assert snapshot(project) == before
    with pytest.raises(QualtuiError, match="not codings of"):
        split_code(project, a.id, "Bad", ["nope"])


def test_delete_removes_codings_and_memos_and_undo_restores(coded):
    project, theme, a, b, child = coded
    before = snapshot(project)
    plan, change = delete_code(project, a.id)
    assert len(plan.codings) == 2 and len(plan.memos) == 1
    assert project.codings.for_code(a.id) == []
    assert project.codes.by_id(child.id).parent == theme.id
    change.undo()
    assert snapshot(project) == before


def test_codes_cli_round_trip(project, doc):
    runner = CliRunner()
    base = ["-p", str(project.root)]
    assert runner.invoke(cli, [*base, "codes", "new", "Hope", "--description", "Future talk"]).exit_code == 0
    assert runner.invoke(cli, [*base, "codes", "new", "Recovery", "--group"]).exit_code == 0
    assert runner.invoke(cli, [*base, "codes", "move", "Hope", "--to", "Recovery"]).exit_code == 0
    assert runner.invoke(cli, [*base, "code", "SU01", "Hope", "--lines", "2"]).exit_code == 0
    result = runner.invoke(cli, [*base, "codes", "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    rows = {r["name"]: r for r in json.loads(result.output)}
    assert rows["Hope"]["path"] == "Recovery/Hope" and rows["Hope"]["segments"] == 1
    assert rows["Recovery"]["codable"] is False
    bad = runner.invoke(cli, [*base, "code", "SU01", "Recovery", "--lines", "2"])
    assert bad.exit_code != 0 and "grouping" in str(bad.exception or bad.output)
    unasked = runner.invoke(cli, [*base, "codes", "delete", "Hope"], input="y\n")  # no terminal: only --yes
    assert unasked.exit_code != 0 and "--yes" in str(unasked.exception) and "[y/N]" not in unasked.output
    assert project.codes.find("Hope") is not None
    assert runner.invoke(cli, [*base, "codes", "delete", "Hope", "--yes"]).exit_code == 0
    assert project.codes.find("Hope") is None


@pytest.mark.parametrize("operation", ["merge", "delete"])
def test_without_undo_the_project_ends_the_same(coded, tmp_path, operation):
    """The command line merges and deletes without an undo step (one document's codings at a time):
    the same records, the same result, and no Change."""
    import shutil

    from qualtui.project import Project

    project, theme, a, b, child = coded
    copy = Project.open(shutil.copytree(project.root, tmp_path / "copy"))
    if operation == "merge":
        with_undo, change = merge_codes(project, a.id, b.id)
        without, none = merge_codes(copy, a.id, b.id, undo=False)
        assert (without.moved, without.duplicates, without.children, without.memos) == \
            (with_undo.moved, with_undo.duplicates, with_undo.children, with_undo.memos) == (1, 1, 1, 1)
    else:
        with_undo, change = delete_code(project, a.id)
        without, none = delete_code(copy, a.id, undo=False)
        assert [c.id for c in without.codings] == [c.id for c in with_undo.codings]
    assert change is not None and none is None
    mine, theirs = snapshot(project), snapshot(copy)
    assert mine[:2] == theirs[:2]                                    # codes and codings, exactly
    assert {m.id: (m.kind, m.target, m.text) for m in mine[2].values()} == \
        {m.id: (m.kind, m.target, m.text) for m in theirs[2].values()}  # memos (their modified time aside)
