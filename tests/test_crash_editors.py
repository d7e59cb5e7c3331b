"""Type into every editor of the real app (a pty), kill it, reopen: every typed word is in the project.

SIGKILL comes 1.5 s after the last keystroke (nothing runs at exit: the text was saved as it was typed);
SIGHUP and SIGTERM come at once (the app saves on the signal).  The harness is bench/crash_editors.py.
"""

from __future__ import annotations

import importlib.util
import signal
import sys
from pathlib import Path

import pytest

# Kill harnesses: minutes of real processes; CI runs them on its main Python (see .ci/run).
pytestmark = pytest.mark.slow

pytest.importorskip("pexpect")

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str, filename: str):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BENCH / filename)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules[name]


crash_editors = _load("crash_editors_harness", "crash_editors.py")


def test_every_editor_keeps_every_word_through_sigkill_and_sighup(tmp_path):
    editors = crash_editors.EDITORS
    totals = crash_editors.run(tmp_path, 2 * len(editors), seed=20261130,
                               signals=(signal.SIGKILL, signal.SIGHUP))
    assert totals["sigkill"] == totals["sighup"] == len(editors)
    assert totals["words"] >= 3 * 2 * len(editors)
    assert totals["lost"] == 0, totals


def test_sigterm_saves_the_memo_pane_at_once(tmp_path):
    pane = [e for e in crash_editors.EDITORS if e.name == "pane_document"]
    totals = crash_editors.run(tmp_path, 1, seed=1, editors=tuple(pane), signals=(signal.SIGTERM,))
    assert totals["sigterm"] == 1 and totals["words"] >= 3
    assert totals["lost"] == 0, totals
