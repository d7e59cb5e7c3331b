"""stores.layout is the one definition of the project folder: the writers and the checkers agree on it."""

from __future__ import annotations

import multiprocessing
import os
import tarfile

import pytest

from qualtui.safety.backup import write_backup
from qualtui.safety.integrity import check
from qualtui.safety.repair import repair
from stores import FileLock, ProjectStore, atomic_write_bytes
from stores import layout
from stores.layout import ProjectLayout
from stores.project_lock import ProjectLock
from stores.transaction import check_manifest


def _files(root):
    return sorted(os.path.relpath(os.path.join(folder, name), root)
                  for folder, _, names in os.walk(root) for name in names)


def test_every_file_a_project_holds_is_named_by_the_layout(project, doc):
    code = project.codes.create("Hope")
    project.codings.add(doc.id, code.id, 0, 5)
    project.memos.add("project", "a memo")
    place = ProjectLayout(project.root)
    assert project.store.layout.root == place.root
    assert (project.store.text_path(doc.id), project.store.turns_path(doc.id),
            project.store.document_file(doc.id).path) == place.document_files(doc.id)
    expected = {layout.MARKER, layout.lock_path(place.marker).name, layout.PROJECT_LOCK, layout.AUDIT_LOG,
                layout.CODINGS_INDEX}
    expected |= {f"{layout.DOCUMENTS_DIR}/{name}" for name in layout.document_file_names(doc.id)}
    expected.add(f"{layout.DOCUMENTS_DIR}/{layout.lock_path(place.codings(doc.id)).name}")
    assert set(_files(project.root)) == expected
    for name in os.listdir(place.documents_dir):
        assert layout.is_lock_file(name) or layout.document_of(name)[1] == doc.id
    assert layout.known_document_names([doc.id]) == {n for n in os.listdir(place.documents_dir)
                                                     if not layout.is_lock_file(n)}
    assert check(project.root) == []


def test_document_names_are_told_apart_by_their_suffix():
    assert layout.document_of("abc.turns.json") == ("turns", "abc")
    assert layout.document_of("abc.json") == ("codings", "abc")
    assert layout.document_of("abc.txt") == ("text", "abc")
    assert layout.document_of(".abc.json.12.tmp") is None
    assert layout.document_of("abc.json.lock") is None
    assert layout.document_of(".hidden.json") is None


def test_lock_files_are_where_the_layout_says(tmp_path):
    store = ProjectStore.create(tmp_path / "p")
    assert FileLock(store.layout.marker).path == layout.lock_path(store.layout.marker)
    assert ProjectLock(store.root).path == store.layout.project_lock
    with store.lock.shared(), store.project.lock:
        assert store.layout.project_lock.exists() and layout.lock_path(store.layout.marker).exists()


def _killed_while_writing(path: str) -> None:
    def die(fd):
        os._exit(3)  # as if killed between the write and the rename

    os.fsync = die
    atomic_write_bytes(path, b'{"half": ')


def test_a_temp_file_left_by_a_killed_writer_is_recognised_by_check_and_left_out_of_backups(project, doc):
    target = ProjectLayout(project.root).codings(doc.id)
    child = multiprocessing.get_context("fork").Process(target=_killed_while_writing, args=(str(target),))
    child.start()
    child.join()
    assert child.exitcode == 3
    leftover = layout.temp_path(target, child.pid)
    assert leftover.exists() and layout.temp_writer_pid(leftover.name) == child.pid
    assert layout.is_leftover_temp_file(leftover.name)
    assert not layout.is_leftover_temp_file(f".x.json.{os.getppid()}.tmp")  # a live writer's write in flight
    assert [(p.kind, p.where) for p in check(project.root)] == [
        ("temp-file", f"{layout.DOCUMENTS_DIR}/{leftover.name}")]
    with tarfile.open(write_backup(project.root)) as archive:
        assert not any(layout.is_temp_file(name.rsplit("/", 1)[-1]) for name in archive.getnames())
    assert "temp-file: removed" in repair(project.root).fixed[0] and not leftover.exists()


def test_an_unknown_file_in_documents_is_an_orphan_but_lock_and_temp_files_are_not(project, doc):
    place = ProjectLayout(project.root)
    for name in ("notes.txt", "gone.json.lock"):
        (place.documents_dir / name).write_text("mine")
        os.chmod(place.documents_dir / name, 0o600)
    assert [(p.kind, p.where) for p in check(project.root)] == [("orphan-file", "documents/notes.txt")]
    known = layout.known_document_names([doc.id])
    assert layout.is_unknown_in_documents("notes.txt", known)
    assert not layout.is_unknown_in_documents("gone.json.lock", known)
    assert not layout.is_unknown_in_documents(layout.temp_path(place.codings(doc.id), 1).name, known)


@pytest.mark.parametrize("target, allowed", [
    ("qualtui.json", True), ("audit.jsonl", True), ("documents/x.turns.json", True),
    ("documents/.x.json.1.tmp", False), ("../outside", False), ("documents/a/b", False), ("backups/x", False),
])
def test_a_manifest_names_only_what_a_transaction_writes(target, allowed):
    assert layout.is_txn_target(target) is allowed
    manifest = {"id": "1", "entries": [[target, layout.staged_name(1)]], "audit": []}
    if allowed:
        check_manifest(manifest)
    else:
        with pytest.raises(ValueError):
            check_manifest(manifest)
