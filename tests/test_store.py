"""The store: atomic durable writes, private permissions, locking across processes."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from stores import ProjectStore, RecordFile, StoreError, atomic_write_bytes
from stores.atomic import Permissions


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_atomic_write_failure_leaves_old_file(tmp_path, monkeypatch):
    target = tmp_path / "data.json"
    atomic_write_bytes(target, b'{"old": 1}')

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b'{"new": 2, "padding": "' + b"x" * 10000 + b'"}')
    monkeypatch.undo()
    assert json.loads(target.read_bytes()) == {"old": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["data.json"], "temp file left behind"


def test_files_private_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        store = ProjectStore.create(tmp_path / "p")
        store.write_text("doc", "hello")
        store.audit({"action": "x"})
        store.project.put("codes", {"id": "c1", "name": "a"})
    finally:
        os.umask(old)
    for path in (tmp_path / "p").rglob("*"):
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), path
    assert _mode(tmp_path / "p") == 0o700


def test_shared_group_mode(tmp_path):
    store = ProjectStore.create(tmp_path / "p", shared_group=True)
    reopened = ProjectStore.open(tmp_path / "p")
    assert reopened.perms == Permissions.shared()
    reopened.project.put("codes", {"id": "c1", "name": "a"})
    assert _mode(tmp_path / "p" / "qualtui.json") == 0o660
    assert _mode(store.documents_dir) & 0o070 == 0o070


def test_newer_schema_is_refused_clearly(tmp_path):
    store = ProjectStore.create(tmp_path / "p")
    store.update_meta(schema=99)
    with pytest.raises(StoreError, match="newer qualtui"):
        ProjectStore.open(tmp_path / "p")


def test_records_keep_our_ids_and_see_other_writers(tmp_path):
    a = RecordFile(tmp_path / "f.json")
    b = RecordFile(tmp_path / "f.json")
    a.put("codings", {"id": "u-1", "x": 1})
    assert b.get("codings", "u-1") == {"id": "u-1", "x": 1}
    b.put("codings", {"id": "u-2", "x": 2})
    assert {r["id"] for r in a.all("codings")} == {"u-1", "u-2"}
    a.delete("codings", "u-1")
    assert [r["id"] for r in b.all("codings")] == ["u-2"]
    raw = json.loads((tmp_path / "f.json").read_text())
    assert set(raw["codings"]) == {"u-2"}


def _writer(path: str, worker: int, count: int) -> None:
    rf = RecordFile(Path(path))
    for i in range(count):
        rf.put("codings", {"id": f"{worker}-{i}", "worker": worker})


def test_concurrent_processes_lose_nothing(tmp_path):
    path = str(tmp_path / "shared.json")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, w, 40)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    ids = {r["id"] for r in RecordFile(Path(path)).all("codings")}
    assert ids == {f"{w}-{i}" for w in range(4) for i in range(40)}
