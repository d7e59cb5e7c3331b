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
