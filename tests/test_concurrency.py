"""Several processes adding, removing, editing and recoding codings on one document at once.

Afterwards exactly the expected codings are there: no lost update, no duplicate.
"""

from __future__ import annotations

import json
import os
import traceback

from qualtui.safety.integrity import check
from qualtui.project import Project

WORKERS = 4
PER_WORKER = 30


def _in_children(count: int, work) -> list:
    """Run work(index) in *count* forked processes started together; returns their JSON results."""
    start_r, start_w = os.pipe()
    children = []
    for index in range(count):
        out_r, out_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                os.close(out_r)
                os.read(start_r, 1)  # wait until every worker exists
                payload = json.dumps(work(index)).encode()
                with os.fdopen(out_w, "wb") as out:
                    out.write(payload)
                status = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(status)
        os.close(out_w)
        children.append((pid, out_r))
    os.write(start_w, b"x" * count)
    results = []
    for pid, out_r in children:
        with os.fdopen(out_r, "rb") as fh:
            data = fh.read()
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, "a worker failed"
        results.append(json.loads(data))
    os.close(start_r)
    os.close(start_w)
    return results


def test_concurrent_add_remove_update_recode_lose_nothing(project, doc):
    root = project.root
    length = doc.length
    shared_from = project.codes.create("Shared before")
    shared_to = project.codes.create("Shared after")

    def work(index: int) -> dict:
        p = Project.open(root, coder=f"coder{index}")
        mine_a = p.codes.create(f"A{index}")
        mine_b = p.codes.create(f"B{index}")
        kept: dict[str, list] = {}
        shared: list[str] = []
        for i in range(PER_WORKER):
            start = (index * 7 + i * 3) % (length - 5)
            coding = p.codings.add(doc.id, mine_a.id, start, start + 5)
            kept[coding.id] = [mine_a.name, start, start + 5, None]
            shared.append(p.codings.add(doc.id, shared_from.id, start, start + 3 + index).id)
            if i % 3 == 2:
                removed = p.codings.remove(doc.id, [coding.id])
                assert [c.id for c in removed] == [coding.id]
                del kept[coding.id]
            elif i % 4 == 1:
                p.codings.update(doc.id, coding.id, memo=f"memo {index}/{i}")
                kept[coding.id][3] = f"memo {index}/{i}"
            if index == 0 and i == PER_WORKER // 2:
                p.codings.recode(shared_from.id, shared_to.id)  # while the others keep adding to it
        moved = p.codings.recode(mine_a.id, mine_b.id)
        assert moved == len(kept)
        for value in kept.values():
            value[0] = mine_b.name
        for i in range(5):
            coding = p.codings.add(doc.id, mine_a.id, i, i + 2)
            kept[coding.id] = [mine_a.name, i, i + 2, None]
        return {"kept": kept, "shared": shared}

    results = _in_children(WORKERS, work)
    names = {c.id: c.name for c in project.codes.all()}
    actual = {c.id: c for c in project.codings.for_document(doc.id)}
    expected = {}
    for result in results:
        expected.update(result["kept"])
    shared_ids = [i for result in results for i in result["shared"]]
    assert len(set(shared_ids)) == len(shared_ids) == WORKERS * PER_WORKER
    assert set(actual) == set(expected) | set(shared_ids)
    for coding_id, (code, start, end, memo) in expected.items():
        coding = actual[coding_id]
        assert (names[coding.code], coding.start, coding.end, coding.memo) == (code, start, end, memo)
    assert {names[actual[i].code] for i in shared_ids} <= {"Shared before", "Shared after"}
    keys = [(c.code, c.start, c.end, c.coder) for c in actual.values()]
    assert len(keys) == len(set(keys))
    assert check(root) == []


def test_the_same_coding_from_many_processes_is_stored_once(project, doc):
    code = project.codes.create("Hope")
    root = project.root

    def work(index: int) -> str:
        p = Project.open(root, coder="same coder")
        return [p.codings.add(doc.id, code.id, 4, 12).id for _ in range(10)][0]

    ids = _in_children(6, work)
    stored = project.codings.for_document(doc.id)
    assert len(stored) == 1 and set(ids) == {stored[0].id}


def test_concurrent_code_creation_and_memos_in_the_project_file(project):
    root = project.root

    def work(index: int) -> list:
        p = Project.open(root, coder=f"c{index}")
        made = []
        for i in range(15):
            made.append(p.codes.create(f"code {index}-{i}").id)
            made.append(p.memos.add("project", f"memo {index}-{i}").id)
        return made

    made = [i for ids in _in_children(WORKERS, work) for i in ids]
    present = {c.id for c in project.codes.all()} | {m.id for m in project.memos.all()}
    assert set(made) == present and len(made) == WORKERS * 30
    assert check(root) == []
