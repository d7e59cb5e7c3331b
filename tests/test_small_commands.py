"""Small commands do exactly what they say: a failed command changes nothing, an empty id matches nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualtui.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QUALTUI_CODER="tester")
    env.pop("QUALTUI_PROJECT", None)
    return env


@pytest.fixture
def coded(project, doc):
    code = project.codes.create("Support")
    coding = project.codings.add(doc.id, code.id, 0, 11)
    return project, doc, coding


@pytest.mark.parametrize("ref", ["", " ", "\t", "   "])
def test_uncode_refuses_an_empty_or_blank_id(coded, ref):
    project, doc, coding = coded
    result = CliRunner().invoke(cli, ["-p", str(project.root), "uncode", "SU01", ref])
    assert result.exit_code != 0
    assert [c.id for c in project.codings.for_document(doc.id)] == [coding.id]


@pytest.mark.parametrize("length", [1, 2, 3])
def test_uncode_refuses_a_prefix_shorter_than_four_characters(coded, length):
    project, doc, coding = coded
    result = CliRunner().invoke(cli, ["-p", str(project.root), "uncode", "SU01", coding.id[:length]])
    assert result.exit_code != 0
    assert "at least 4 characters" in str(result.exception)
    assert [c.id for c in project.codings.for_document(doc.id)] == [coding.id]


def test_uncode_by_a_four_character_prefix_still_works(coded):
    project, doc, coding = coded
    result = CliRunner().invoke(cli, ["-p", str(project.root), "uncode", "SU01", coding.id[:4]])
    assert result.exit_code == 0, result.output
    assert project.codings.for_document(doc.id) == []


@pytest.mark.parametrize("span", [["--lines", "3"], ["--span", "20:10"], ["--span", "5:5"], ["--span", "0:99999"]])
def test_code_create_with_an_invalid_span_creates_no_code(project, doc, span):
    result = CliRunner().invoke(cli, ["-p", str(project.root), "code", "SU01", "Brand new", *span, "--create"])
    assert result.exit_code == 1, result.output
    assert project.codes.find("Brand new") is None
    assert project.codings.for_document(doc.id) == []


def test_code_create_with_a_valid_span_creates_the_code(project, doc):
    result = CliRunner().invoke(cli, ["-p", str(project.root), "code", "SU01", "Brand new", "--lines", "2", "--create"])
    assert result.exit_code == 0, result.output
    assert project.codes.find("Brand new") is not None


@pytest.mark.parametrize("answer", [None, b"y\n"], ids=["no input", "piped yes"])
@pytest.mark.parametrize("command", [["codes", "delete", "Support"], ["memo", "delete", "MEMO"]])
def test_delete_without_a_terminal_says_yes_is_needed_without_asking(coded, command, answer):
    project, doc, coding = coded
    memo = project.memos.add("project", "a thought")
    command = [memo.id if part == "MEMO" else part for part in command]
    run = subprocess.run([sys.executable, "-m", "qualtui", "-p", str(project.root), *command],
                         stdin=subprocess.DEVNULL if answer is None else None, input=answer,
                         capture_output=True, env=_env(), timeout=60)
    assert run.returncode == 2, run.stderr
    assert run.stdout == b""  # no question that nobody can answer
    lines = run.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "--yes" in lines[0], lines
    assert b"Traceback" not in run.stderr
    assert project.codes.find("Support") is not None
    assert [m.id for m in project.memos.all()] == [memo.id]


def test_delete_in_a_terminal_still_asks(coded):
    pexpect = pytest.importorskip("pexpect")
    project, doc, coding = coded
    child = pexpect.spawn(sys.executable, ["-m", "qualtui", "-p", str(project.root), "codes", "delete", "Support"],
                          env=_env(), timeout=60)
    child.expect(r"Delete 'Support' with 1 codings")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus != 0
    assert project.codes.find("Support") is not None
    child = pexpect.spawn(sys.executable, ["-m", "qualtui", "-p", str(project.root), "codes", "delete", "Support"],
                          env=_env(), timeout=60)
    child.expect(r"Delete 'Support' with 1 codings")
    child.sendline("y")
    child.expect("deleted 'Support'")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert project.codes.find("Support") is None
