"""CLI wording: --coder is who you are, --by filters by coder; errors say what is wrong; plain tables stay plain."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualtui.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def run(*args, ok=True):
    result = CliRunner().invoke(cli, list(args))
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


def error(result) -> str:
    """What qualtui's main prints on stderr for a user error (the one line)."""
    return result.output + str(result.exception or "")


def test_by_filters_by_coder_and_coder_after_a_read_command_says_what_to_use(project, doc):
    hope = project.codes.create("Hope")
    project.codings.add(doc.id, hope.id, 0, 11, coder="alice")
    project.codings.add(doc.id, hope.id, 13, 20, coder="bob")
    project.codings.add(doc.id, project.codes.create("Fear").id, 15, 25, coder="bob")
    p = ["-p", str(project.root)]
    for command in (["retrieve", "Hope"], ["freq"], ["matrix", "--attr", "group"], ["cooccur"]):
        rows = json.loads(run(*command, *p, "--by", "bob", "--format", "json").stdout)
        assert rows, command
    rows = json.loads(run("retrieve", "Hope", *p, "--by", "bob", "--format", "json").stdout)
    assert [r["coder"] for r in rows] == ["bob"]
    misused = run("retrieve", "Hope", *p, "--coder", "bob", ok=False)
    assert misused.exit_code == 2 and "--by NAME" in misused.output and "who you are" in misused.output
    for command in (["export", "md"], ["export", "csv"], ["docs"], ["show"], ["codings"], ["memos"]):
        help_text = run(*command, "--help").stdout
        assert "--coder" not in help_text and "new codings" not in help_text, command
    assert "--by CODER" in run("export", "md", "--help").stdout
    assert "--coder" in run("code", "--help").stdout  # where it records who coded
    # identity before the command still works
    run("--coder", "carol", *p, "code", "SU01", "Hope", "--lines", "2")
    assert {c.coder for c in project.codings.for_document(doc.id)} == {"alice", "bob", "carol"}


def test_span_and_line_errors_say_what_is_wrong(project, doc):
    project.codes.create("Hope")
    p = ["-p", str(project.root)]
    backwards = run(*p, "code", "SU01", "Hope", "--span", "10:5", ok=False)
    assert backwards.exit_code == 1 and "the end (5) is before the start (10)" in error(backwards)
    blank = run(*p, "code", "SU01", "Hope", "--lines", "3", ok=False)
    assert blank.exit_code == 1 and "line 3 is empty" in error(blank)
    past = run(*p, "show", "SU01", "--lines", "9999-10000", ok=False)
    assert past.exit_code == 1 and "past the end (the document has 5 lines)" in error(past)
    assert project.codings.for_document(doc.id) == []
    assert "Sam: It was" in run(*p, "show", "SU01", "--lines", "5-9").stdout  # overlapping the end: up to it


def test_cooccur_without_pairs_is_a_message_not_a_header(project, doc):
    p = ["-p", str(project.root)]
    out = run(*p, "cooccur").stdout
    assert out.strip() == "no co-occurring codes"


def test_add_formats_every_count_the_same_way(tmp_path, project):
    source = tmp_path / "long.txt"
    source.write_text("".join(f"A: turn {i} here.\nB: reply {i}.\n" for i in range(600)), encoding="utf-8")
    out = run("-p", str(project.root), "add", str(source)).stdout
    assert "4,200 words, 1,200 turns" in out


@pytest.mark.parametrize("args, code, says", [
    (["open"], 1, "the coding screen needs a terminal"),
    (["show"], 2, "missing argument 'DOCUMENT' (see 'qualtui show --help')"),
    (["show", "SU01", "--bogus"], 2, "no such option"),   # click 8.2.0: 'no such option: --bogus'
    (["nosuchcmd"], 2, "no such command 'nosuchcmd' (see 'qualtui --help')"),
    (["export", "md", "--quotes", "99"], 2, "invalid value for '--quotes': 99 is not in the range"),
    (["retrieve", "Hope", "--coder", "bob"], 2, "--coder is who you are"),
    (["show", "NOPE"], 1, "no document named 'NOPE'"),
])
def test_every_user_error_is_one_line_in_the_same_format(project, doc, args, code, says):
    """click's own errors ("Usage: ... Try ... Error: ...") read like qualtui's: one line, the same prefix."""
    run = subprocess.run([sys.executable, "-m", "qualtui", "-p", str(project.root), *args],
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == code, run.stderr
    assert run.stdout == ""
    assert run.stderr.startswith("qualtui: error: ") and run.stderr.count("\n") == 1, run.stderr
    assert says in run.stderr
