"""Kill every multi-file operation at random moments: the project is before or after it, or check names it.

The harness lives in bench/crash_ops.py (which runs many more trials and prints figures).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

# Kill harnesses: minutes of real processes; CI runs them on its main Python (see .ci/run).
pytestmark = pytest.mark.slow

spec = importlib.util.spec_from_file_location("crash_ops_harness",
                                              Path(__file__).resolve().parent.parent / "bench" / "crash_ops.py")
crash_ops = importlib.util.module_from_spec(spec)
sys.modules["crash_ops_harness"] = crash_ops  # dataclasses look their module up here
spec.loader.exec_module(crash_ops)

OPERATIONS = ("merge", "codes-merge", "codes-split", "codes-delete", "search-code", "autocode", "import-qdc",
              "pseudonymise", "check-repair")


def test_every_operation_killed_anywhere_is_all_or_nothing(tmp_path):
    results = crash_ops.run(tmp_path, point_runs=8, time_runs=1, seed=20261130)
    assert sorted(results) == sorted(OPERATIONS)
    failures = [line for tally in results.values() for line in tally.failures]
    assert failures == []
    for name, tally in results.items():
        assert tally.runs == 9 and tally.mismatches == 0, name
    # the kills did land inside the operations, on both sides of the commit point
    assert sum(t.before for t in results.values()) and sum(t.after for t in results.values())
    assert sum(t.half_named for t in results.values())
    assert sum(t.finished_by_repair for t in results.values()) and sum(t.finished_by_open for t in results.values())


def test_the_harness_notices_a_half_done_operation(tmp_path):
    base = tmp_path / "base"
    crash_ops.build_base(base)
    before = crash_ops.canonical(base)
    work = tmp_path / "work"
    import shutil

    shutil.copytree(base, work)
    crash_ops.forked(work, ["codes", "delete", "Fear", "--yes"], None)
    after = crash_ops.canonical(work)
    shutil.rmtree(work)
    shutil.copytree(base, work)
    from qualtui.project import Project

    project = Project.open(work)
    fear = project.codes.get("Fear")
    doc = project.docs.get("D0")
    project.codings.remove(doc.id, [c.id for c in project.codings.for_code([fear.id], [doc.id])])  # one step of many
    tally = crash_ops.Tally()
    op = crash_ops.Op("codes-delete", "codes delete", [])
    crash_ops.judge(work, op, before, after, tally, "by hand", False)
    assert tally.mismatches == 1 and "neither before" in tally.failures[0]


@pytest.mark.parametrize("limit", [1, 10**6])
def test_forked_runs_count_and_kill(tmp_path, limit):
    base = tmp_path / "base"
    crash_ops.build_base(base)
    calls, status = crash_ops.forked(base, ["codes", "new", "Extra"], limit)
    if limit == 1:
        assert status == -9  # killed before its first change
        assert "Extra" not in {c[0] for c in crash_ops.canonical(base)["codes"]}
    else:
        assert status == 0 and calls > 0
        assert "Extra" in {c[0] for c in crash_ops.canonical(base)["codes"]}
