"""The store's project-wide transactions (stores/transaction.py): staging, commit point, recovery, locking."""

from __future__ import annotations

import json
import os
import time

import pytest

import stores.transaction as txn_module
from qualtui.safety.integrity import check
from qualtui.project import Project
from stores import ProjectStore
from stores.layout import TXN_DIR

from tests.test_concurrency import _in_children


def _codes_on_disk(root) -> set[str]:
    return {c["name"] for c in json.loads((root / "qualtui.json").read_bytes()).get("codes", {}).values()}


def test_writes_are_staged_seen_inside_and_land_at_commit(project, doc):
    with project.store.transaction("test"):
        code = project.codes.create("Staged")
        project.codings.add(doc.id, code.id, 0, 5)
        assert project.codes.get("Staged").id == code.id  # read-your-writes
        assert len(project.codings.for_code([code.id])) == 1
        assert "Staged" not in _codes_on_disk(project.root)  # nothing on disk yet
    assert "Staged" in _codes_on_disk(project.root)
    fresh = Project.open(project.root)
    assert len(fresh.codings.for_code([fresh.codes.get("Staged").id])) == 1
    assert not (project.root / TXN_DIR).exists() and check(project.root) == []
    audit = [json.loads(line) for line in (project.root / "audit.jsonl").read_text().splitlines()]
    assert [e["action"] for e in audit[-2:]] == ["code.create", "coding.add"] and audit[-1]["txn"] == audit[-2]["txn"]


def test_an_exception_rolls_everything_back_and_no_cache_keeps_it(project, doc):
    project.codes.create("Kept")
    with pytest.raises(RuntimeError):
        with project.store.transaction("test"):
            project.codes.create("Gone")
            project.docs.delete(doc.id)
            raise RuntimeError("boom")
    assert {c.name for c in project.codes.all()} == {"Kept"}  # the same objects, not a stale cache
    assert [d.id for d in project.docs.all()] == [doc.id] and project.docs.text(doc.id)
    assert not (project.root / TXN_DIR).exists() and check(project.root) == []


def test_nested_transactions_join_and_a_single_edit_cannot_start_one(project):
    with project.store.transaction("outer") as outer:
        with project.store.transaction("inner") as inner:
            assert inner is outer
    with project.store.editing():
        with pytest.raises(RuntimeError, match="lock upgrade"):
            with project.store.transaction("inside an edit"):
                pass


def _die_after_commit_point(monkeypatch):
    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(txn_module, "apply", killed)


def test_a_committed_transaction_is_finished_by_the_next_open(project, doc, monkeypatch):
    _die_after_commit_point(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        with project.store.transaction("codes merge"):
            project.codes.create("After")
    monkeypatch.undo()
    assert "After" not in _codes_on_disk(project.root)
    problems = check(project.root)
    assert [p.kind for p in problems] == ["interrupted"] and "'codes merge'" in problems[0].message
    assert "check --repair" in problems[0].message
    store = ProjectStore.open(project.root)
    assert len(store.recovered) == 1 and store.recovered[0].startswith("finished an interrupted 'codes merge'")
    assert "After" in _codes_on_disk(project.root) and check(project.root) == []
    actions = [json.loads(line)["action"] for line in (project.root / "audit.jsonl").read_text().splitlines()]
    assert actions.count("code.create") == 1 and actions[-1] == "recover"


def test_a_kill_during_apply_is_finished_once(project, doc, monkeypatch):
    real = txn_module._retire

    def killed(*args):
        raise KeyboardInterrupt  # every file renamed, the audit lines appended, .txn/ not yet removed

    monkeypatch.setattr(txn_module, "_retire", killed)
    with pytest.raises(KeyboardInterrupt):
        with project.store.transaction("auto-code"):
            project.codings.add(doc.id, project.codes.create("A").id, 0, 4)
    monkeypatch.setattr(txn_module, "_retire", real)
    report = __import__("qualtui.safety.repair", fromlist=["repair"]).repair(project.root)
    assert report.remaining == [] and "auto-code" in report.fixed[0]
    actions = [json.loads(line)["action"] for line in (project.root / "audit.jsonl").read_text().splitlines()]
    assert actions.count("coding.add") == 1  # roll-forward never appends the lines twice


def test_uncommitted_leftovers_are_reported_then_rolled_back(project, monkeypatch):
    monkeypatch.setattr(txn_module.Transaction, "discard", lambda self: None)  # as if killed: nothing cleans up
    with pytest.raises(KeyboardInterrupt):
        with project.store.transaction("merge"):
            project.codes.create("Never")
            project.store.write_text("x", "staged text")  # staged to disk
            raise KeyboardInterrupt
    monkeypatch.undo()
    problems = check(project.root)
    assert [p.kind for p in problems] == ["interrupted"]
    assert "before it changed anything" in problems[0].message and "'merge'" in problems[0].message
    store = ProjectStore.open(project.root)
    assert "rolled back" in store.recovered[0] and not (project.root / TXN_DIR).exists()
    assert "Never" not in _codes_on_disk(project.root) and check(project.root) == []


def test_a_long_running_process_finishes_a_dead_transaction_before_its_next_edit(project, doc, monkeypatch):
    colleague = Project.open(project.root)  # opened before the crash
    _die_after_commit_point(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        with project.store.transaction("codes delete"):
            project.codes.create("Landed")
    monkeypatch.undo()
    colleague.codes.create("Mine")  # takes the shared lock, finds .txn/: finishes it first
    assert {"Landed", "Mine"} <= _codes_on_disk(project.root) and check(project.root) == []


def test_a_running_transaction_is_left_alone_and_single_edits_wait_for_it(project, doc):
    root = project.root
    code = project.codes.create("Code")

    def work(index: int) -> dict:
        me = Project.open(root)
        if index == 0:
            with me.store.transaction("codes merge"):
                me.codes.create("Restructured")
                started = time.time()
                time.sleep(0.8)
            return {"committed": time.time(), "started": started}
        time.sleep(0.3)
        seen = [p.kind for p in check(root)]  # waits for the transaction too, then finds it finished
        me.codings.add(doc.id, code.id, 0, 3)
        return {"edited": time.time(), "seen": seen}

    holder, coder = _in_children(2, work)
    assert coder["edited"] >= holder["committed"] - 0.05  # the edit waited for the restructuring
    assert coder["seen"] == []
    assert {"Restructured", "Code"} <= _codes_on_disk(root) and check(root) == []


def test_live_transaction_is_not_recovered_by_an_open(project):
    root = project.root
    store = ProjectStore.open(root)
    with store.transaction("merge"):
        store.rewrite_audit(store.read_bytes(store.audit_path))  # staged as a file in .txn/
        assert (root / TXN_DIR).exists()
        # another opener in this process (say, a second screen) must not take the live staging for dead
        assert ProjectStore.open(root).recovered == [] and (root / TXN_DIR).exists()
        assert os.path.exists(root / TXN_DIR / "operation.json")
    assert not (root / TXN_DIR).exists() and check(root) == []


@pytest.mark.parametrize("committed", [True, False])
def test_the_next_command_says_what_it_finished_or_rolled_back(project, doc, monkeypatch, capsys, committed):
    from tests.test_faults import run_cli

    if committed:
        _die_after_commit_point(monkeypatch)
    else:
        monkeypatch.setattr(txn_module.Transaction, "discard", lambda self: None)
    with pytest.raises(KeyboardInterrupt):
        with project.store.transaction("merge"):
            project.codes.create("Theirs")
            project.store.rewrite_audit(project.store.read_bytes(project.store.audit_path))
            if not committed:
                raise KeyboardInterrupt
    monkeypatch.undo()
    capsys.readouterr()
    code, out, err = run_cli(["-p", str(project.root), "check"], capsys)
    assert code == 1 and "'merge'" in out and "check --repair" in out
    code, out, err = run_cli(["-p", str(project.root), "codes"], capsys)
    assert code == 0
    if committed:
        assert err.startswith("qualtui: finished an interrupted 'merge' from ") and "Theirs" in out
    else:
        assert "qualtui: rolled back an interrupted 'merge' from " in err and "(it had changed nothing)" in err
        assert "Theirs" not in out
    assert err.count("\n") == 1
    code, out, err = run_cli(["-p", str(project.root), "check"], capsys)
    assert code == 0 and out == "ok: no problems found\n"


def test_a_planted_manifest_never_reaches_outside_the_project(project, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    folder = project.root / TXN_DIR
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps(
        {"id": "x", "operation": "merge", "started": "", "entries": [["../victim.txt", None]], "audit": []}))
    problems = check(project.root)
    assert [(p.kind, p.repairable) for p in problems] == [("interrupted", False)]
    assert "did not write" in problems[0].message
    with pytest.raises(Exception, match="not written by qualtui"):
        Project.open(project.root)
    assert victim.read_text() == "keep me"
    from qualtui.safety.repair import repair

    report = repair(project.root)
    assert [p.kind for p in report.remaining] == ["interrupted"] and victim.read_text() == "keep me"
