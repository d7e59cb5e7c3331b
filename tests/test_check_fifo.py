"""A FIFO planted in place of a project file never makes `qualtui check` wait forever: it is reported as damage."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qualtui.importers.plain import read_plain
from qualtui.project import Project

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["{id}.txt", "{id}.turns.json", "{id}.json", "../audit.jsonl"])
def test_check_reports_a_fifo_instead_of_hanging(tmp_path, name):
    project = Project.init(tmp_path / "p", coder="ana")
    doc = project.docs.add(read_plain(b"A: hi\nB: yo\nA: more\nB: fine\n", "t.txt"), "T1")
    target = project.root / "documents" / name.format(id=doc.id)
    target.unlink()
    os.mkfifo(target, 0o600)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-m", "qualtui", "-p", str(project.root), "check"], capture_output=True,
                         text=True, env=env, timeout=60)
    assert out.returncode == 1, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    assert any(target.name in line and "not a regular file" in line for line in out.stdout.splitlines()), out.stdout
