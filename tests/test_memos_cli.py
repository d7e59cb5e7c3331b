from __future__ import annotations

import json

from click.testing import CliRunner

from qualtui.cli import cli


def test_memo_add_list_search_edit_delete(project, doc):
    runner = CliRunner()
    base = ["-p", str(project.root)]
    r = runner.invoke(cli, [*base, "memo", "add", "Noticed **power** issues", "--title", "Day 1"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, [*base, "memo", "add", "-", "--doc", "SU01"], input="Sam seemed tired.\n")
    assert r.exit_code == 0, r.output
    code = project.codes.create("Hope")
    project.codings.add(doc.id, code.id, 0, 10, memo="coding memo about hope")
    rows = json.loads(runner.invoke(cli, [*base, "memos", "--format", "json"]).output)
    assert sorted(r["kind"] for r in rows) == ["coding", "document", "project"]
    found = json.loads(runner.invoke(cli, [*base, "memos", "--search", "TIRED", "--format", "json"]).output)
    assert [r["about"] for r in found] == ["SU01"]
    memo_id = found[0]["id"]
    assert runner.invoke(cli, [*base, "memo", "edit", memo_id[:8], "Sam seemed rested."]).exit_code == 0
    assert project.memos.get(memo_id).text == "Sam seemed rested."
    assert runner.invoke(cli, [*base, "memo", "delete", memo_id[:8], "--yes"]).exit_code == 0
    assert project.memos.all(kind="document") == []
    bad = runner.invoke(cli, [*base, "memo", "add", "x", "--doc", "SU01", "--code", "Hope"])
    assert bad.exit_code != 0


def test_a_coding_memo_listed_by_memos_can_be_shown_edited_and_deleted_by_its_id(project, doc):
    """`qualtui memos` lists a coding memo under its coding's id; memo show/edit/delete take that id."""
    runner = CliRunner()
    base = ["-p", str(project.root)]
    code = project.codes.create("Hope")
    coding = project.codings.add(doc.id, code.id, 0, 10, memo="coding memo about hope")
    rows = json.loads(runner.invoke(cli, [*base, "memos", "--kind", "coding", "--format", "json"]).output)
    assert [r["id"] for r in rows] == [coding.id]
    shown = runner.invoke(cli, [*base, "memo", "show", coding.id[:8]])
    assert shown.exit_code == 0, shown.output
    assert "coding memo about hope" in shown.output
    edited = runner.invoke(cli, [*base, "memo", "edit", coding.id[:8], "hope, read again"])
    assert edited.exit_code == 0, edited.output
    assert project.codings.get(doc.id, coding.id).memo == "hope, read again"
    titled = runner.invoke(cli, [*base, "memo", "edit", coding.id[:8], "--title", "T"])
    assert titled.exit_code == 1 and "title" in str(titled.exception)
    assert project.codings.get(doc.id, coding.id).memo == "hope, read again"
    deleted = runner.invoke(cli, [*base, "memo", "delete", coding.id[:8], "--yes"])
    assert deleted.exit_code == 0, deleted.output
    assert project.codings.get(doc.id, coding.id).memo is None
    assert project.codings.get(doc.id, coding.id).code == code.id  # the coding stays; only its memo goes
