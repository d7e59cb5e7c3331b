"""A reader that closes the output early stops a command that only reads (``qualtui show SU01 | head -3``,
exit 0), but never one that changes the project: exit 0 tells a script the change was made, so it must
have been made whole (``qualtui add a.txt b.txt c.txt | head -1`` stopped after the first file, and
``search --code`` with stderr closed stopped at its "12 hits" line before coding anything)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QUALTUI_CODER="tester")
    env.pop("QUALTUI_PROJECT", None)
    return env


def _run_with_reader_gone(root: Path, args: list[str], *, stderr_too: bool) -> int:
    """Run qualtui with stdout (and stderr) on a pipe whose reader has already closed it."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "qualtui", "-p", str(root), *args], stdin=subprocess.DEVNULL,
                              stdout=write_end, stderr=write_end if stderr_too else subprocess.DEVNULL,
                              env=_env(), timeout=120)
    finally:
        os.close(write_end)
    return proc.returncode


def test_add_of_several_files_adds_every_file_when_the_reader_leaves_after_the_first(project, tmp_path):
    files = []
    for i in range(3):
        path = tmp_path / f"interview{i}.txt"
        path.write_text(f"Interviewer: How was week {i}?\nSam: Hard, then better.\n")
        files.append(str(path))
    assert _run_with_reader_gone(project.root, ["add", *files], stderr_too=False) == 0
    from qualtui.project import Project

    assert sorted(d.name for d in Project.open(project.root).docs.all()) == ["interview0", "interview1", "interview2"]


def test_search_code_codes_every_hit_when_stderr_is_closed_too(project):
    from qualtui.importers.plain import read_plain
    from qualtui.project import Project

    for i in range(2):
        project.docs.add(read_plain(f"Interviewer: The ward?\nSam: The ward was loud, week {i}.\n".encode(),
                                    f"d{i}.txt"), f"D{i}")
    assert _run_with_reader_gone(project.root, ["search", "ward", "--code", "Ward", "--create"], stderr_too=True) == 0
    fresh = Project.open(project.root)
    assert len(fresh.codings.for_code([fresh.codes.get("Ward").id])) == 4


def test_a_read_only_command_still_ends_with_exit_0(project):
    from qualtui.importers.plain import read_plain

    project.docs.add(read_plain(b"Interviewer: Hello?\nSam: Hello.\n", "d.txt"), "D")
    assert _run_with_reader_gone(project.root, ["show", "D"], stderr_too=True) == 0
    assert _run_with_reader_gone(project.root, ["docs"], stderr_too=False) == 0


def test_a_closed_stderr_never_stops_the_output_going_to_a_file(project, tmp_path):
    # stdout to a file, stderr to a reader that left: the note opening prints first (what it rolled back)
    # stopped the listing before its first row, leaving an empty file and exit 0
    import json

    from qualtui.importers.plain import read_plain
    from stores.layout import TXN_DIR, TXN_STARTED

    doc = project.docs.add(read_plain(b"Interviewer: Hello?\nSam: Hello there, all good.\n", "d.txt"), "D")
    hope = project.codes.create("Hope")
    project.codings.add(doc.id, hope.id, 20, 30)
    (project.root / TXN_DIR).mkdir(mode=0o700)
    (project.root / TXN_DIR / TXN_STARTED).write_text(json.dumps({"id": "dead", "operation": "merge"}))
    read_end, write_end = os.pipe()
    os.close(read_end)
    with (tmp_path / "out.csv").open("wb") as out:
        proc = subprocess.run([sys.executable, "-m", "qualtui", "-p", str(project.root), "codings", "--format", "csv"],
                              stdin=subprocess.DEVNULL, stdout=out, stderr=write_end, env=_env(), timeout=120)
    os.close(write_end)
    whole = subprocess.run([sys.executable, "-m", "qualtui", "-p", str(project.root), "codings", "--format", "csv"],
                           stdin=subprocess.DEVNULL, capture_output=True, env=_env(), timeout=120)
    assert proc.returncode == 0 and whole.returncode == 0 and whole.stdout.count(b"\n") == 2
    assert (tmp_path / "out.csv").read_bytes() == whole.stdout


def _run_with_stdout_closed(root: Path, args: list[str]) -> subprocess.CompletedProcess:
    """Run qualtui with no standard output at all (``qualtui ... >&-``): fd 1 closed before it starts."""
    return subprocess.run([sys.executable, "-m", "qualtui", "-p", str(root), *args], stdin=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1), env=_env(), timeout=120)


def test_a_closed_stdout_from_the_start_is_a_reader_gone_before_the_first_line(project):
    # Python leaves sys.stdout None: every command ended in an AttributeError traceback and exit 1, a change
    # made or not; and the first file the command opened would have been given fd 1
    from qualtui.importers.plain import read_plain

    doc = project.docs.add(read_plain(b"Interviewer: Hello?\nSam: Hello there, all good.\n", "d.txt"), "D")
    project.codes.create("Hope")
    coded = _run_with_stdout_closed(project.root, ["code", "D", "Hope", "--span", "20:30"])
    assert (coded.returncode, coded.stderr) == (0, b"")
    assert [(c.start, c.end) for c in project.codings.for_document(doc.id)] == [(20, 30)]
    for args in (["codes"], ["retrieve", "Hope", "--format", "json"], ["retrieve", "Hope", "--format", "md"]):
        read = _run_with_stdout_closed(project.root, args)
        assert (read.returncode, read.stderr) == (0, b""), args
