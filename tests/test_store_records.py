"""RecordFile through TinyDB's public API: stable ids, replace semantics, one durable write per edit."""

from __future__ import annotations

import json
import os

import pytest

import stores.atomic
import stores.records
from stores import ProjectStore, RecordFile


def _on_disk(path):
    return json.loads(path.read_bytes())


@pytest.fixture
def writes(monkeypatch):
    """Every atomic write of a record file, by path."""
    done = []
    real = stores.records.atomic_write_bytes

    def counting(path, data, perms=stores.atomic.PRIVATE):
        done.append(path.name)
        real(path, data, perms)

    monkeypatch.setattr(stores.records, "atomic_write_bytes", counting)
    return done


def test_ids_are_the_records_own_and_survive_reopening(tmp_path):
    path = tmp_path / "f.json"
    RecordFile(path).put_many("codes", [{"id": "c-b", "n": 1}, {"id": "c-a", "n": 2}])
    reopened = RecordFile(path)
    documents = reopened.all("codes")
    assert [d.doc_id for d in documents] == ["c-b", "c-a"]  # TinyDB's doc_id is our id, in insertion order
    assert [d["id"] for d in documents] == ["c-b", "c-a"]
    assert list(_on_disk(path)["codes"]) == ["c-b", "c-a"]
    reopened.delete("codes", "c-b")
    reopened.put("codes", {"id": "c-c", "n": 3})
    assert list(_on_disk(path)["codes"]) == ["c-a", "c-c"]  # never renumbered, never reused


def test_a_put_replaces_the_whole_record_and_keeps_its_place(tmp_path):
    path = tmp_path / "f.json"
    rf = RecordFile(path)
    rf.put_many("codes", [{"id": "a", "name": "A", "color": "#fff", "description": "long"}, {"id": "b"}])
    rf.put("codes", {"id": "a", "name": "A2"})
    assert rf.get("codes", "a") == {"id": "a", "name": "A2"}
    assert _on_disk(path)["codes"] == {"a": {"id": "a", "name": "A2"}, "b": {"id": "b"}}
    assert list(_on_disk(path)["codes"]) == ["a", "b"]


def test_the_file_bytes_are_compact_json_of_the_tables(tmp_path):
    path = tmp_path / "f.json"
    rf = RecordFile(path)
    rf.put("meta", {"id": "project", "schema": 1, "name": "Ünïcode"})
    rf.put_many("codes", [{"id": "x", "v": [1, 2]}])
    expected = {"meta": {"project": {"id": "project", "schema": 1, "name": "Ünïcode"}}, "codes": {"x": {"id": "x", "v": [1, 2]}}}
    assert path.read_bytes() == json.dumps(expected, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_put_many_mixing_new_and_replaced_records_is_one_write(tmp_path, writes):
    path = tmp_path / "f.json"
    rf = RecordFile(path)
    rf.put_many("codings", [{"id": "1", "x": 1}, {"id": "2", "x": 2}])
    writes.clear()
    rf.put_many("codings", [{"id": "2", "x": 20}, {"id": "3", "x": 3}, {"id": "1"}, {"id": "3", "x": 30}])
    assert writes == ["f.json"]
    assert _on_disk(path)["codings"] == {"1": {"id": "1"}, "2": {"id": "2", "x": 20}, "3": {"id": "3", "x": 30}}


def test_a_record_whose_id_field_is_not_its_key_is_still_replaced(tmp_path):
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"codes": {"k": {"id": "other", "old": True}, "j": {"id": "j"}}}))
    rf = RecordFile(path)
    rf.put_many("codes", [{"id": "k", "new": True}, {"id": "j", "v": 1}])
    assert _on_disk(path)["codes"] == {"k": {"id": "k", "new": True}, "j": {"id": "j", "v": 1}}


def test_delete_many_reports_what_was_there_and_writes_nothing_otherwise(tmp_path, writes):
    path = tmp_path / "f.json"
    rf = RecordFile(path)
    rf.put_many("codings", [{"id": "1"}, {"id": "2"}, {"id": "3"}])
    writes.clear()
    assert rf.delete_many("codings", ["3", "missing", "1", "3"]) == ["3", "1"]
    assert writes == ["f.json"]
    assert rf.delete("codings", "missing") is False
    assert writes == ["f.json"]
    assert list(_on_disk(path)["codings"]) == ["2"]


def test_mutate_sees_another_writers_record_and_a_failing_edit_changes_nothing(tmp_path):
    path = tmp_path / "f.json"
    mine, theirs = RecordFile(path), RecordFile(path)
    mine.put("codings", {"id": "1"})
    assert [r["id"] for r in mine.raw("codings").values()] == ["1"]  # parsed and cached
    theirs.put("codings", {"id": "2"})
    seen = mine.mutate("codings", lambda table: sorted(table))
    assert seen == ["1", "2"]

    def broken(table):
        table.pop("1")
        table["9"] = {"id": "9"}
        raise RuntimeError("half-way")

    before = path.read_bytes()
    with pytest.raises(RuntimeError):
        mine.mutate("codings", broken)
    assert path.read_bytes() == before
    assert sorted(mine.raw("codings")) == ["1", "2"]


def test_raw_reads_are_served_from_the_parse_cache_until_the_file_changes(tmp_path):
    path = tmp_path / "f.json"
    rf = RecordFile(path)
    rf.put_many("codings", [{"id": str(i)} for i in range(50)])
    first = rf.raw("codings")
    assert rf.raw("codings") is first  # no copy, no re-parse while the file is unchanged
    RecordFile(path).put("codings", {"id": "new"})
    assert "new" in rf.raw("codings") and "new" not in first  # what a reader held is never changed under it


def test_a_record_read_inside_a_transaction_is_not_changed_by_a_later_put(tmp_path):
    store = ProjectStore.create(tmp_path / "p")
    store.project.put("codes", {"id": "c", "name": "before", "color": "#000"})
    with store.transaction("rename"):
        store.project.put("codes", {"id": "d", "name": "staged first"})  # the file's tables are now staged data
        held = store.project.raw("codes")["c"]
        store.project.put("codes", {"id": "c", "name": "after"})
        assert store.project.get("codes", "c") == {"id": "c", "name": "after"}  # read-your-writes
        assert held == {"id": "c", "name": "before", "color": "#000"}
        assert _on_disk(store.layout.marker)["codes"]["c"]["name"] == "before"  # staged, not written
    assert _on_disk(store.layout.marker)["codes"]["c"] == {"id": "c", "name": "after"}


def test_one_coding_add_costs_three_fsyncs(project, doc, monkeypatch):
    code = project.codes.create("Hope")
    synced = []
    real = os.fsync

    def counting(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", counting)
    project.codings.add(doc.id, code.id, 0, 5)
    codings_tmp = f".{doc.id}.json.{os.getpid()}.tmp"
    assert [os.path.basename(p) for p in synced] == [codings_tmp, "documents", "audit.jsonl"]
