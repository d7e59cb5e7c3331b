"""A transaction over many documents holds only the last few staged record files as objects (issue 14:
a merge or a pseudonymisation of 500 interviews held every codings file at once); the others wait in
.txn/ and everything still reads, commits, rolls back and recovers as before."""

from __future__ import annotations

import json
import os

import pytest

import stores.transaction as txn_module
from qualtui.model import Transcript
from qualtui.project import Project
from qualtui.safety.integrity import check
from stores import ProjectStore
from stores.file_index import signature_of
from stores.layout import TXN_DIR

MANY = txn_module.HELD_DATA + 5


@pytest.fixture
def many(project):
    code = project.codes.create("Everywhere")
    docs = [project.docs.add(Transcript(f"Ana: interview number {i}\n", (), "txt"), f"D{i:02d}")
            for i in range(MANY)]
    return project, code, docs


def _on_disk(project: Project, doc_id: str) -> int:
    path = project.store.codings_path(doc_id)
    return len(json.loads(path.read_bytes()).get("codings", {})) if path.exists() else 0


def test_only_the_last_few_are_held_and_every_write_is_read_back_and_lands(many):
    project, code, docs = many
    with project.store.transaction("test") as txn:
        for doc in docs:
            project.codings.add(doc.id, code.id, 0, 3)
        kinds = [entry[0] for path, entry in txn.entries.items() if path.name.endswith(".json")]
        assert kinds.count("data") <= txn_module.HELD_DATA and kinds.count("file") >= MANY - txn_module.HELD_DATA
        project.codings.add(docs[0].id, code.id, 4, 8)          # a spilled file written again
        assert [len(project.codings.for_document(d.id)) for d in docs] == [2] + [1] * (MANY - 1)
        assert all(_on_disk(project, d.id) == 0 for d in docs)   # nothing lands before the commit
    indexed = Project.open(project.root).store.coding_index.entries()   # the commit indexed every file it wrote
    assert all(indexed[d.id].signature == signature_of(os.stat(project.store.codings_path(d.id))) for d in docs)
    assert [_on_disk(project, d.id) for d in docs] == [2] + [1] * (MANY - 1)
    assert not (project.root / TXN_DIR).exists() and check(project.root) == []
    fresh = Project.open(project.root)
    assert len(fresh.codings.for_code([code.id])) == MANY + 1
    assert fresh.store.coding_counts([d.id for d in docs]) == project.store.coding_counts([d.id for d in docs])


def test_an_exception_leaves_nothing_of_the_spilled_files(many):
    project, code, docs = many
    with pytest.raises(RuntimeError):
        with project.store.transaction("test"):
            for doc in docs:
                project.codings.add(doc.id, code.id, 0, 3)
            raise RuntimeError("boom")
    assert all(_on_disk(project, d.id) == 0 for d in docs) and project.codings.for_code([code.id]) == []
    assert not (project.root / TXN_DIR).exists() and check(project.root) == []


def test_a_kill_after_the_commit_point_is_finished_with_the_spilled_files(many, monkeypatch):
    project, code, docs = many

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(txn_module, "apply", killed)
    with pytest.raises(KeyboardInterrupt):
        with project.store.transaction("auto-code"):
            for doc in docs:
                project.codings.add(doc.id, code.id, 0, 3)
    monkeypatch.undo()
    assert all(_on_disk(project, d.id) == 0 for d in docs)
    store = ProjectStore.open(project.root)
    assert store.recovered and store.recovered[0].startswith("finished an interrupted 'auto-code'")
    assert [_on_disk(project, d.id) for d in docs] == [1] * MANY and check(project.root) == []


def test_a_spilled_file_read_record_by_record_is_parsed_once(many, monkeypatch):
    """An undo snapshot reads a record at a time: each spilled file must not be parsed again per record."""
    project, code, docs = many
    parses = []
    real = txn_module.json.loads

    def counting(data, *args, **kwargs):
        parses.append(len(data))
        return real(data, *args, **kwargs)

    with project.store.transaction("test") as txn:
        added = {doc.id: [project.codings.add(doc.id, code.id, s, s + 2).id for s in (0, 3, 6)] for doc in docs}
        spilled = [d.id for d in docs if txn.staged(project.store.codings_path(d.id))[0] == "file"]
        assert spilled
        monkeypatch.setattr(txn_module.json, "loads", counting)
        for doc_id in spilled:
            records = [project.store.document_file(doc_id).get("codings", i) for i in added[doc_id]]
            assert [r["start"] for r in records] == [0, 3, 6]
        monkeypatch.undo()
    assert len(parses) == len(spilled)
