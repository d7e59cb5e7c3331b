"""Kill coding sessions with SIGKILL and SIGHUP at random moments: nothing acknowledged is lost.

The harness lives in bench/crash.py (which runs many more trials and prints figures).
"""

from __future__ import annotations

import importlib.util
import signal
import sys
from pathlib import Path

import pytest

# Kill harnesses: minutes of real processes; CI runs them on its main Python (see .ci/run).
pytestmark = pytest.mark.slow

spec = importlib.util.spec_from_file_location("crash_harness", Path(__file__).resolve().parent.parent / "bench" / "crash.py")
crash = importlib.util.module_from_spec(spec)
sys.modules["crash_harness"] = crash  # dataclasses look their module up here
spec.loader.exec_module(crash)


def test_200_kills_lose_no_acknowledged_edit(tmp_path):
    totals = crash.run(tmp_path / "project", fork_runs=185, process_runs=15, seed=20250101)
    assert totals["runs"] == 200
    assert totals["sighup"] and totals["sigkill"]
    assert totals["acked"] > 200  # the drivers really did work between the kills


def test_the_harness_notices_a_lost_edit(tmp_path):
    doc, length = crash.make_project(tmp_path / "p")
    ledger = crash.Ledger()
    lines, _ = crash.fork_trial(tmp_path / "p", doc, length, __import__("random").Random(3))
    acked = [line for line in lines if line.startswith("ACK add")]
    crash.verify(tmp_path / "p", doc, ledger, lines)
    ledger.present["00000000-0000-0000-0000-000000000000"] = ("Hope", 0, 5)  # acknowledged but absent
    with pytest.raises(AssertionError, match="lost|missing"):
        crash.verify(tmp_path / "p", doc, ledger, [])
    assert acked is not None and signal.SIGKILL in crash.KILL_SIGNALS


def test_the_harness_notices_a_broken_project(tmp_path):
    doc, length = crash.make_project(tmp_path / "p")
    (tmp_path / "p" / "audit.jsonl").write_bytes(b"not json\n")
    with pytest.raises(AssertionError, match="check failed"):
        crash.verify(tmp_path / "p", doc, crash.Ledger(), [])
