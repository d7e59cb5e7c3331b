"""Team safety: what two or more processes doing codebook work at the same moment leave behind.

* a code name is unique even when two coders create it at the same instant (checked inside the lock);
* a codebook merge waits for coders mid-edit, and coders wait for it, so a coding added while it runs
  never points at the code it deleted.
"""

from __future__ import annotations

import time

from qualtui.errors import QualtuiError
from qualtui.safety.integrity import check
from qualtui.project import Project

from tests.test_concurrency import _in_children


def test_coders_creating_one_name_at_once_make_one_code(project):
    root = project.root
    made = []
    for round_ in range(8):
        name = f"Shared {round_}"

        def work(index: int, name=name) -> str:
            try:
                return Project.open(root, coder=f"coder{index}").codes.create(name).id
            except QualtuiError as exc:
                assert "already exists" in str(exc)
                return ""

        ids = [i for i in _in_children(4, work) if i]
        made.append(len(ids))
    names = [c.name for c in Project.open(root).codes.all()]
    assert sorted(names) == sorted(f"Shared {r}" for r in range(8))  # one code per name, never two
    assert made == [1] * 8  # and exactly one of the coders was told it made it
    assert check(root) == []


def test_a_codebook_merge_racing_three_coders_orphans_nothing(project, doc):
    root = project.root
    source = project.codes.create("Source")
    target = project.codes.create("Target")
    other = project.codes.create("Other")
    for start in range(0, doc.length - 10, 7):
        project.codings.add(doc.id, source.id, start, start + 5)
    length = doc.length

    def work(index: int) -> dict:
        me = Project.open(root, coder=f"coder{index}")
        if index == 3:  # the merge, once the coders are busy
            time.sleep(0.3)
            from qualtui.editing.codebook_ops import merge_codes

            result, _ = merge_codes(me, source.id, target.id)
            return {"merged": result.moved}
        acked, refused, deadline, i = [], 0, time.monotonic() + 1.5, 0
        while time.monotonic() < deadline:
            i += 1
            start = (index * 37 + i * 11) % (length - 6)
            code = source.id if i % 3 else other.id
            try:
                coding = me.codings.add(doc.id, code, start, start + 1 + i % 5)
            except QualtuiError as exc:  # the code was merged away before this edit began: refused, not lost
                assert "no code" in str(exc)
                refused += 1
                continue
            acked.append([coding.id, code])
        return {"acked": acked, "refused": refused}

    results = _in_children(4, work)
    assert check(root) == []  # no coding points at a deleted code
    final = {c.id: c.code for c in Project.open(root).codings.for_document(doc.id)}
    acked = [pair for r in results[:3] for pair in r["acked"]]
    assert len(acked) > 30  # the coders really were working while the merge ran
    for coding_id, code in acked:
        assert coding_id in final, "an acknowledged coding was lost"
        assert final[coding_id] == (target.id if code == source.id else code)
    assert source.id not in set(final.values())
