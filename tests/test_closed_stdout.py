"""A reader that stops early (``qualtui show SU01 | head -3``): no traceback, no message, exit status 0, every time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNS = 12


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QUALTUI_CODER="tester")
    env.pop("QUALTUI_PROJECT", None)
    return env


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A project whose every listing is far larger than a pipe's buffer (64 KiB), so the writer meets the close."""
    from qualtui.importers.plain import read_plain
    from qualtui.project import Project

    project = Project.init(tmp_path_factory.mktemp("closed") / "proj", name="big", coder="tester")
    text = "".join(f"Interviewer: Question {i} about the ward and the days there?\n"
                   f"Sam: Answer {i}, it was hard at first but the others helped me through it.\n" for i in range(1500))
    doc = project.docs.add(read_plain(text.encode(), "SU01.txt"), "SU01", attributes={"group": "staff"})
    hope = project.codes.create("Hope")
    body = project.docs.text(doc.id)
    starts = [0]
    for _ in range(1500):
        starts.append(body.index("Sam: ", starts[-1]) + 5)
    project.codings.add_many(doc.id, [(hope.id, start, start + 60) for start in starts[1:]], coder="tester")
    return project


COMMANDS = [["show", "SU01"], ["codings"], ["retrieve", "Hope"], ["export", "csv", "-o", "-"],
            ["retrieve", "Hope", "--format", "json"]]


def _run_and_close_early(project, command: list[str], keep: int, tmp_path: Path) -> tuple[int, bytes]:
    """Run *command* with stdout on a pipe whose reader takes *keep* bytes and then closes it."""
    err_path = tmp_path / "stderr"
    with err_path.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "qualtui", "-p", str(project.root), *command],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, env=_env())
        if keep:
            proc.stdout.read(keep)
        proc.stdout.close()
        code = proc.wait(timeout=120)
    return code, err_path.read_bytes()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_reader_closing_early_always_gives_exit_0_and_no_message(big, command, tmp_path):
    whole = subprocess.run([sys.executable, "-m", "qualtui", "-p", str(big.root), *command],
                           stdin=subprocess.DEVNULL, capture_output=True, env=_env(), timeout=120)
    assert whole.returncode == 0 and len(whole.stdout) > 100_000, whole.stderr
    # the reader closes at different points: before anything is read, after a line, after several writes
    results = [_run_and_close_early(big, command, keep, tmp_path) for keep in [0, 1, 100, 5000] * (RUNS // 4)]
    assert {code for code, _ in results} == {0}, results
    # nothing about the pipe; a summary the command writes on stderr after its rows ("1500 segments of Hope")
    # is there when the rows were all written before the reader left
    assert {err for _, err in results} <= {b"", whole.stderr}, results

