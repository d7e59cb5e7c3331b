"""Standard output in an encoding other than UTF-8 (a latin-1 or ASCII locale, PYTHONIOENCODING): a character it
cannot hold is written as its backslash escape, never an error half-way through the output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from qualtui.importers.plain import read_plain
    from qualtui.project import Project

    project = Project.init(tmp_path_factory.mktemp("enc") / "proj", name="enc", coder="tester")
    text = "Interviewer: Was it caf\u00e9 or tea?\nSam: Tea \u2603 \u2014 always, the na\u00efve answer.\n"
    doc = project.docs.add(read_plain(text.encode(), "SU01.txt"), "SU01")
    hope = project.codes.create("Hope")
    project.codings.add(doc.id, hope.id, text.index("Tea"), len(text) - 1, memo="snow \u2603")
    return project.root


def qualtui(root: Path, encoding: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QUALTUI_CODER="tester", PYTHONIOENCODING=encoding)
    env.pop("QUALTUI_PROJECT", None)
    return subprocess.run([sys.executable, "-m", "qualtui", "-p", str(root), *args], env=env, cwd=ROOT,
                          capture_output=True, timeout=60)


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
@pytest.mark.parametrize("fmt", ["json", "table", "csv", "md"])
def test_retrieve_to_a_narrow_encoding_escapes_what_it_cannot_hold(project, encoding, fmt):
    # it stopped at the snowman with 'an argument or file name holds bytes that are not valid text (UTF-8)'
    done = qualtui(project, encoding, "retrieve", "Hope", "--format", fmt)
    utf8 = qualtui(project, "utf-8", "retrieve", "Hope", "--format", fmt)
    assert done.returncode == utf8.returncode == 0, done.stderr
    assert b"not valid text" not in done.stderr
    printed = done.stdout.decode(encoding)
    assert "\\u2603" in printed
    if fmt == "json":
        assert json.loads(printed) == json.loads(utf8.stdout)   # the escapes are JSON's own
    else:
        assert re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m[1], 16)), printed) == utf8.stdout.decode()


def test_every_command_prints_to_a_narrow_encoding(project):
    for args in (["show", "SU01"], ["codings", "SU01"], ["memos"]):
        done = qualtui(project, "latin-1", *args)
        assert done.returncode == 0 and b"not valid text" not in done.stderr, (args, done.stderr)
