"""The real entry point in a pseudo-terminal: ``qualtui open -p PATH``, keys typed, store checked."""

from __future__ import annotations

import os
import sys

import pytest

from tui_helpers import build_project

pexpect = pytest.importorskip("pexpect")


def test_qualtui_open_in_a_pty_codes_a_turn_and_quits(tmp_path):
    project = build_project(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLORTERM", "TEXTUAL", "COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", QUALTUI_CODER="pty-coder", XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path))
    env.pop("QUALTUI_CONFIG", None)
    child = pexpect.spawn(sys.executable, ["-m", "qualtui", "open", "-p", str(project.root), "--no-mouse"],
                          env=env, dimensions=(40, 120), cwd=str(tmp_path), timeout=30)
    try:
        child.expect("Interviewer")
        child.expect("coder: pty-coder")
        child.send("t")
        child.send("c")
        child.expect("Code 43 characters")  # the picker, titled with the selection's length
        child.send("Pty code")
        child.expect("new code")
        child.send("\r")
        child.expect("codes: Pty code")  # the status bar names it once it is stored
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    doc = project.docs.get("SU01")
    [coding] = project.codings.for_document(doc.id)
    assert coding.coder == "pty-coder"
    assert project.codes.by_id(coding.code).name == "Pty code"
    assert project.docs.text(doc.id)[coding.start:coding.end] == \
        "Interviewer: Thank you for agreeing to talk to me today."[len("Interviewer: "):]
