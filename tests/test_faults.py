"""Disk full, read-only folder, permission denied, I/O errors: a clear one-line error, nothing half-written.

Tests run as root here, where chmod cannot make a folder read-only, so the
errors are injected where the operating system would raise them.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from qualtui.cli import main
from qualtui.safety.integrity import check


def _fd_path(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


@pytest.fixture
def coded(project, doc):
    code = project.codes.create("Hope")
    project.codings.add(doc.id, code.id, 0, 11)
    return project, doc


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.endswith(".lock")}


def run_cli(args, capsys) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def inject(monkeypatch, name: str, error: int, root: Path | str, *, path_arg: bool = False) -> list:
    """Make os.<name> fail with *error* for paths starting with *root*; returns the list of failed calls."""
    real = getattr(os, name)
    failed = []

    def fake(target, *args, **kwargs):
        where = str(target) if path_arg else _fd_path(target) if isinstance(target, int) else str(target)
        if str(root) in where:
            failed.append(where)
            raise OSError(error, os.strerror(error), where)
        return real(target, *args, **kwargs)

    monkeypatch.setattr(os, name, fake)
    return failed


ERRORS = [
    ("write", errno.ENOSPC, "disk is full"),
    ("fsync", errno.EIO, "Input/output error"),
    ("replace", errno.EROFS, "read-only"),
    ("open", errno.EACCES, "permission denied"),
    ("open", errno.EROFS, "read-only"),
]


@pytest.mark.parametrize("name, error, message", ERRORS)
def test_coding_fails_cleanly(coded, capsys, monkeypatch, name, error, message):
    project, doc = coded
    before = snapshot(project.root)
    failed = inject(monkeypatch, name, error, project.root / "documents", path_arg=name in ("replace", "open"))
    code, out, err = run_cli(["-p", str(project.root), "code", "SU01", "Hope", "--span", "20:30"], capsys)
    monkeypatch.undo()
    assert failed, "the fault was never reached"
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("qualtui: error:") and message in err
    assert snapshot(project.root) == before  # the old files intact, nothing half-written, no temp file
    assert check(project.root) == []
    assert len(project.codings.for_document(doc.id)) == 1


@pytest.mark.parametrize("name, error, message", ERRORS[:3])
def test_project_file_write_fails_cleanly(coded, capsys, monkeypatch, name, error, message):
    project, doc = coded
    before = snapshot(project.root)
    inject(monkeypatch, name, error, f"{project.root}/.qualtui.json.", path_arg=name == "replace")
    code, out, err = run_cli(["-p", str(project.root), "attr", "set", "SU01", "site=north"], capsys)
    monkeypatch.undo()
    assert code == 1 and err.count("\n") == 1 and message in err
    assert snapshot(project.root) == before
    assert project.docs.by_id(doc.id).attributes == {"group": "service user"}


def test_backup_on_a_full_disk_leaves_no_partial_archive(coded, capsys, monkeypatch, tmp_path):
    project, doc = coded
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    inject(monkeypatch, "write", errno.ENOSPC, out_dir)
    code, out, err = run_cli(["-p", str(project.root), "backup", "-o", str(out_dir / "b.tar.gz")], capsys)
    monkeypatch.undo()
    assert code == 1 and "disk is full" in err and err.count("\n") == 1
    assert list(out_dir.iterdir()) == []


def test_import_on_a_full_disk_changes_nothing_visible(project, capsys, monkeypatch, tmp_path):
    source = tmp_path / "SU09.txt"
    source.write_text("A: hello\nB: there\n")
    failed = inject(monkeypatch, "write", errno.ENOSPC, project.root / ".txn")  # where its files are staged
    code, out, err = run_cli(["-p", str(project.root), "add", str(source)], capsys)
    monkeypatch.undo()
    assert code == 1 and "disk is full" in err and failed
    assert project.docs.all() == []
    assert check(project.root) == []  # the text, turns and codings file land with the record, or none does
    assert [p.name for p in (project.root / "documents").iterdir() if not p.name.endswith(".lock")] == []


def test_pseudonymise_on_a_full_disk_changes_nothing_and_can_be_run_again(coded, capsys, monkeypatch, tmp_path):
    project, doc = coded
    names = tmp_path / "names.csv"
    names.write_text("Sam,P1\n")
    original = project.docs.text(doc.id)
    failed = inject(monkeypatch, "write", errno.ENOSPC, project.root / ".txn")  # where the new files are staged
    code, out, err = run_cli(["-p", str(project.root), "pseudonymise", "--map", str(names)], capsys)
    monkeypatch.undo()
    assert code == 1 and "disk is full" in err and failed
    assert project.docs.text(doc.id) == original
    assert check(project.root) == []  # all or nothing: the staged run was thrown away
    code, out, err = run_cli(["-p", str(project.root), "pseudonymise", "--map", str(names)], capsys)
    assert code == 0, err
    assert "Sam" not in project.docs.text(doc.id) and check(project.root) == []


def test_a_damaged_codings_file_is_one_line_naming_it_and_the_repair_not_a_traceback(coded, capsys):
    """A codings file cut short (a disk that filled under another tool, a hand edit): every command that reads
    it says which file and what fixes it, in one line, and changes nothing."""
    project, doc = coded
    path = project.store.codings_path(doc.id)
    path.write_bytes(path.read_bytes()[:40])
    before = snapshot(project.root)
    for command in (["freq"], ["retrieve", "Hope"], ["codings"], ["export", "md"], ["cooccur"],
                    ["code", "SU01", "Hope", "--lines", "1"]):
        code, out, err = run_cli(["-p", str(project.root), *command], capsys)
        lines = err.strip().splitlines()
        assert code == 1 and len(lines) == 1, (command, err)
        assert lines[0].startswith("qualtui: error: ") and path.name in lines[0] and "check --repair" in lines[0]
        assert "Traceback" not in err
    assert snapshot(project.root) == before
