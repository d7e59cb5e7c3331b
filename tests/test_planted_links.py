"""Symbolic links planted inside a project are never followed, read or written through.

On a shared server a team member (or anyone who can write the folder) could replace a project file
with a link so that another user's qualtui writes, chmods or prints what it points to.  Every
command refuses such a project with one line naming the path; ``check`` says what to do.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECRET = b"root:x:0:0:root:/root:/bin/bash\n"


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for name in ("QUALTUI_PROJECT", "QUALTUI_CODER"):  # no coder given: the project's settings file is read
        env.pop(name, None)
    return env


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qualtui", *args], capture_output=True, env=_env(), timeout=120)


@pytest.fixture
def setup(project, doc, tmp_path):
    code = project.codes.create("Support")
    project.codings.add(doc.id, code.id, 0, 11)
    project.store.document_file(doc.id).lock.__enter__()  # creates documents/<id>.json.lock
    project.store.document_file(doc.id).lock.__exit__(None, None, None)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    secret = outside / "passwd"
    secret.write_bytes(SECRET)
    os.chmod(secret, 0o644)
    return project, doc, outside, secret


def _plant(root: Path, relative: str, target: Path) -> None:
    path = root / relative
    if path.is_dir() and not path.is_symlink():
        os.rename(path, Path(str(target) + ".moved"))  # keep the real content aside
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.symlink_to(target)


def _state(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (stat.S_IMODE(os.lstat(p).st_mode), p.read_bytes() if p.is_file() else b"")
            for p in sorted(folder.iterdir())}


def _cases(doc_id: str):
    # (planted path, what it points to: "secret" file, "missing" file, or "folder")
    return [
        ("audit.jsonl", "secret"),
        (f"documents/{doc_id}.txt", "secret"),
        (f"documents/{doc_id}.json", "secret"),
        ("qualtui.json.lock", "secret"),
        ("qualtui.json.lock", "missing"),
        (f"documents/{doc_id}.json.lock", "missing"),
        ("backups", "folder"),
        ("documents", "folder"),
        ("qualtui.toml", "secret"),  # the project's settings, read before the project is opened
    ]


COMMANDS = [
    ["show", "SU01"],
    ["codes", "new", "Another"],
    ["code", "SU01", "Support", "--span", "20:30"],
    ["export", "qdpx", "-o", "{out}/x.qdpx"],
    ["export", "csv"],
    ["backup"],
    ["docs"],
]


@pytest.mark.parametrize("case", range(9))
def test_commands_refuse_a_project_with_a_planted_link(setup, tmp_path, case):
    project, doc, outside, secret = setup
    relative, kind = _cases(doc.id)[case]
    root = project.root
    target = {"secret": secret, "missing": outside / "created-by-qualtui", "folder": outside / "dir"}[kind]
    if kind == "folder":
        target.mkdir()
    _plant(root, relative, target)
    before = _state(outside)
    out = tmp_path / "out"
    out.mkdir()
    for command in COMMANDS:
        run = _run("-p", str(root), *[part.format(out=out) for part in command])
        assert run.returncode == 1, (relative, command, run.stdout, run.stderr)
        lines = run.stderr.decode().strip().splitlines()
        assert len(lines) == 1, (relative, command, lines)
        assert relative in lines[0] and "symbolic link" in lines[0] and "qualtui check" in lines[0], lines
        assert SECRET not in run.stdout
        assert _state(outside) == before, (relative, command)
        assert not any(out.iterdir())
    assert (root / relative).is_symlink()


def test_check_names_each_link_and_repair_says_what_to_do(setup):
    project, doc, outside, secret = setup
    root = project.root
    _plant(root, "audit.jsonl", secret)
    _plant(root, "backups", outside)
    before = _state(outside)
    run = _run("-p", str(root), "check")
    assert run.returncode == 1
    out = run.stdout.decode()
    assert f"audit.jsonl: is a symbolic link to {secret}" in out, out
    assert f"backups: is a symbolic link to {outside}" in out, out
    assert SECRET.decode() not in out
    run = _run("-p", str(root), "check", "--repair")
    assert run.returncode == 1
    out = run.stdout.decode()
    assert "not fixed: audit.jsonl:" in out and "remove the link" in out and "restore the real file" in out, out
    assert "not fixed: backups:" in out, out
    assert "backup written" not in out
    assert (root / "audit.jsonl").is_symlink() and (root / "backups").is_symlink()
    assert _state(outside) == before


def test_check_reports_a_linked_project_file_without_reading_it(setup):
    project, doc, outside, secret = setup
    root = project.root
    copy = outside / "copy.json"
    copy.write_bytes((root / "qualtui.json").read_bytes())
    _plant(root, "qualtui.json", copy)
    run = _run("-p", str(root), "check")
    assert run.returncode == 1 and b"Traceback" not in run.stderr
    assert b"qualtui.json: is a symbolic link" in run.stdout
    run = _run("-p", str(root), "docs")
    assert run.returncode == 1 and b"qualtui.json is a symbolic link" in run.stderr


# the store never follows a link, even one planted after the project was opened -----------------

def test_reading_a_transcript_never_follows_a_link(setup):
    from stores import StoreError

    project, doc, outside, secret = setup
    path = project.store.text_path(doc.id)
    path.unlink()
    path.symlink_to(secret)
    project.store._text_cache.clear()
    with pytest.raises((StoreError, OSError)) as info:
        project.docs.text(doc.id)
    assert SECRET.decode() not in str(info.value)


def test_a_linked_lock_file_is_neither_created_nor_chmodded(tmp_path):
    from stores import FileLock

    target = tmp_path / "victim"
    target.write_bytes(b"x")
    os.chmod(target, 0o644)
    (tmp_path / "data.lock").symlink_to(target)
    with pytest.raises(OSError) as info:
        with FileLock(tmp_path / "data"):
            pass
    assert info.value.errno == errno.ELOOP
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    (tmp_path / "other.lock").symlink_to(tmp_path / "nothing-here")
    with pytest.raises(OSError):
        with FileLock(tmp_path / "other"):
            pass
    assert not (tmp_path / "nothing-here").exists()


def test_append_and_atomic_write_never_write_through_a_link(tmp_path):
    from stores.atomic import append_line, atomic_write_bytes

    target = tmp_path / "victim"
    target.write_bytes(b"keep\n")
    (tmp_path / "log").symlink_to(target)
    with pytest.raises(OSError):
        append_line(tmp_path / "log", "entry")
    assert target.read_bytes() == b"keep\n"
    # a link planted at the temp file's predictable name is not written through either
    (tmp_path / f".data.{os.getpid()}.tmp").symlink_to(target)
    atomic_write_bytes(tmp_path / "data", b"new")
    assert target.read_bytes() == b"keep\n"
    assert (tmp_path / "data").read_bytes() == b"new" and not (tmp_path / "data").is_symlink()


def test_ensure_dir_refuses_a_linked_folder(tmp_path):
    from stores.atomic import ensure_dir

    (tmp_path / "real").mkdir()
    (tmp_path / "backups").symlink_to(tmp_path / "real")
    with pytest.raises(OSError) as info:
        ensure_dir(tmp_path / "backups")
    assert info.value.errno == errno.ELOOP


def test_a_fifo_in_place_of_a_transcript_does_not_hang(setup):
    project, doc, outside, secret = setup
    path = project.store.text_path(doc.id)
    path.unlink()
    os.mkfifo(path)
    project.store._text_cache.clear()
    outcome = []

    def read() -> None:
        try:
            project.docs.text(doc.id)
            outcome.append("read")
        except Exception as exc:  # noqa: BLE001 - any one-line error will do, a hang will not
            outcome.append(exc)

    import threading

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # unblock the reader so the test run can finish, then fail
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(10)
        pytest.fail("reading a FIFO in place of a transcript blocked")
    assert len(outcome) == 1 and isinstance(outcome[0], Exception), outcome


def test_backups_never_pack_a_link(setup):
    import tarfile

    from qualtui.safety.backup import write_backup

    project, doc, outside, secret = setup
    (project.root / "notes").symlink_to(secret)
    with pytest.raises(Exception, match="symbolic link"):
        write_backup(project.root)
    (project.root / "notes").unlink()
    archive = write_backup(project.root)
    with tarfile.open(archive) as tar:
        assert not any(m.issym() or m.islnk() for m in tar.getmembers())
        assert all(SECRET not in tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
