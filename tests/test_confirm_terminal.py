"""A question asked on a real terminal: 'n' (or Enter) changes nothing, says so in one line and exits 1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def answer(project: Path, reply: bytes, *args: str) -> tuple[int, str]:
    """Run qualtui with a pseudo-terminal as its stdin, stdout and stderr; type *reply* once it asks."""
    leader, follower = os.openpty()
    env = dict(os.environ, PYTHONPATH=str(ROOT), QUALTUI_CODER="tester", TERM="xterm")
    env.pop("QUALTUI_PROJECT", None)
    proc = subprocess.Popen([sys.executable, "-m", "qualtui", "-p", str(project), *args], stdin=follower,
                            stdout=follower, stderr=follower, env=env, cwd=ROOT, close_fds=True)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 60
    while b"[y/N]" not in seen and time.monotonic() < deadline:
        seen += os.read(leader, 4096)
    os.write(leader, reply)
    try:
        while chunk := os.read(leader, 4096):
            seen += chunk
    except OSError:   # EIO: the process closed the terminal
        pass
    os.close(leader)
    return proc.wait(timeout=60), seen.decode("utf-8", "replace")


@pytest.fixture
def project(tmp_path):
    from qualtui.project import Project

    project = Project.init(tmp_path / "proj", name="p", coder="tester")
    project.codes.create("Hope")
    return project


@pytest.mark.parametrize("reply", [b"n\r", b"\r"])
def test_declining_changes_nothing_and_says_so(project, reply):
    status, seen = answer(project.root, reply, "codes", "delete", "Hope")
    assert status == 1, seen
    assert "qualtui: error: not confirmed: nothing was changed" in seen and "Traceback" not in seen
    from qualtui.project import Project

    assert Project.open(project.root).codes.find("Hope") is not None


def test_agreeing_deletes(project):
    status, seen = answer(project.root, b"y\r", "codes", "delete", "Hope")
    assert status == 0, seen
    from qualtui.project import Project

    assert Project.open(project.root).codes.find("Hope") is None
