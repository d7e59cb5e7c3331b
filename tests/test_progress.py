"""Progress bars: drawn on a terminal during long commands, never when output is piped."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qualtui import progress
from qualtui.progress import clear, terminal_progress, track

ROOT = Path(__file__).resolve().parent.parent


class FakeTerminal(io.StringIO):
    encoding = "utf-8"

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        raise OSError("not a real terminal")


def test_a_bar_is_drawn_on_a_terminal_and_erased_at_the_end(monkeypatch):
    monkeypatch.setattr(progress, "REDRAW_SECONDS", 0.0)
    monkeypatch.setenv("TERM", "xterm")
    screen = FakeTerminal()
    with terminal_progress(screen):
        seen = list(track(range(4), "checking documents"))
    assert seen == [0, 1, 2, 3]
    out = screen.getvalue()
    assert "\rchecking documents " in out and " 0/4" in out and " 4/4" in out and "\u2588" in out
    last = out.rsplit("\r", 2)
    assert last[-1] == "" and last[-2].strip() == ""      # the line is blanked and the cursor back at its start
    assert "\x1b" not in out                               # no escape sequences, no colour


def test_no_bar_when_not_a_terminal_dumb_or_outside_a_long_command(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    piped = io.StringIO()
    with terminal_progress(piped):
        assert list(track(range(5), "adding")) == list(range(5))
    assert piped.getvalue() == ""
    screen = FakeTerminal()
    assert list(track(range(5), "adding")) == list(range(5))   # not inside terminal_progress (e.g. the TUI)
    monkeypatch.setenv("TERM", "dumb")
    with terminal_progress(screen):
        list(track(range(5), "adding"))
    assert screen.getvalue() == ""


def test_inner_loops_stay_quiet_and_clear_makes_room_for_a_line(monkeypatch):
    monkeypatch.setattr(progress, "REDRAW_SECONDS", 0.0)
    monkeypatch.setenv("TERM", "xterm")
    screen = FakeTerminal()
    with terminal_progress(screen):
        for _ in track(range(2), "outer"):
            list(track(range(3), "inner"))
            clear()
            screen.write("a line\n")
        list(track(["one"], "single"))                      # one item is not worth a bar
    out = screen.getvalue()
    assert "outer" in out and "inner" not in out and "single" not in out
    assert all(line.startswith("\r") or line == "" for line in out.split("a line\n")[1:])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "QUALTUI_PROJECT", "COLUMNS", "LINES")}
    env.update(PYTHONPATH=str(ROOT), QUALTUI_CODER="bar-tester", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_STATE_HOME=str(tmp_path / "state"), **extra)
    env.pop("QUALTUI_CONFIG", None)
    return env


def _transcripts(tmp_path: Path, n: int) -> list[str]:
    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    for i in range(n):
        path = folder / f"P{i:02d}.txt"
        path.write_text(f"Interviewer: Question {i}?\nSam: Answer number {i}, at some length.\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def test_piped_add_and_check_print_no_bar(tmp_path):
    env = _env(tmp_path, TERM="xterm-256color")
    project = tmp_path / "proj"
    subprocess.run([sys.executable, "-m", "qualtui", "init", str(project)], env=env, check=True,
                   capture_output=True, cwd=ROOT)
    for args in (["add", *_transcripts(tmp_path, 6)], ["check"], ["export", "csv"]):
        done = subprocess.run([sys.executable, "-m", "qualtui", "-p", str(project), *args], env=env,
                              capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        assert "\r" not in done.stderr and "\r" not in done.stdout
        assert "adding" not in done.stderr and "checking documents" not in done.stderr


def _pty_run(tmp_path: Path, args: list[str], term: str) -> str:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(sys.executable, ["-m", "qualtui", *args], env=_env(tmp_path, TERM=term),
                          dimensions=(24, 100), cwd=str(ROOT), timeout=60, encoding="utf-8")
    try:
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    return child.before


def test_add_and_check_on_a_terminal_show_a_bar(tmp_path):
    project = tmp_path / "proj"
    _pty_run(tmp_path, ["init", str(project)], "xterm-256color")
    added = _pty_run(tmp_path, ["-p", str(project), "add", *_transcripts(tmp_path, 6)], "xterm-256color")
    assert "\radding " in added and "/6" in added and "6 added, 0 rejected" in added
    checked = _pty_run(tmp_path, ["-p", str(project), "check"], "xterm-256color")
    assert "\rchecking documents " in checked and "/6" in checked
    dumb = _pty_run(tmp_path, ["-p", str(project), "check"], "dumb")
    assert "checking documents" not in dumb
