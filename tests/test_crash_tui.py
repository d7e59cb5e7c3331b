"""Kill the coding screen (``qualtui open`` in a pty, driven by keys) at random moments: nothing acknowledged is lost.

The harness lives in bench/crash_tui.py (``python bench/crash.py --tui-runs N`` runs many more trials).
"""

from __future__ import annotations

import importlib.util
import random
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


crash_tui = _load("crash_tui_harness", "crash_tui.py")
vt_screen = _load("vt_screen", "vt_screen.py")


def test_16_kills_of_the_coding_screen_lose_no_acknowledged_edit(tmp_path):
    totals = crash_tui.run(tmp_path, runs=16, seed=20250107)
    assert totals["runs"] == 16
    assert totals["sighup"] and totals["sigkill"]
    # the sessions really did code between the kills (each trial has up to 2 s after the screen appeared)
    assert totals["acked"] >= totals["runs"], totals


def test_the_virtual_screen_reads_text_written_in_cursor_addressed_pieces():
    screen = vt_screen.VirtualScreen(40, 5)
    screen.feed(b"\x1b[?1049h\x1b[2;3H\x1b[38;5;253mCoded \x1b[0m\x1b[2;9Hwith\x1b[")  # cut inside a sequence
    assert not screen.shows("Coded with 'Hope'.")
    screen.feed(b"0m\x1b[2;13H 'Hope'.\x1b]0;title\x07\r\n\xe2\x96")  # and inside a character
    assert screen.shows("Coded with 'Hope'.")
    screen.feed(b"\x8cok")
    assert screen.shows("\u258cok")
    screen.feed(b"\x1b[2;3H\x1b[K")
    assert not screen.shows("Coded")


def test_the_harness_notices_an_acknowledged_coding_that_is_not_stored(tmp_path):
    root = tmp_path / "p"
    doc = crash_tui.make_project(root)
    driver = crash_tui.Driver(root, doc, random.Random(1))
    session = crash_tui.Session()
    step = crash_tui.Step([("t1", None)], "Coded with 'Hope'.", "add", "Hope", driver.speech[0], how="recent")
    driver.begin(step)
    with pytest.raises(AssertionError, match="acknowledged"):
        driver.acknowledged(step, session)


def test_the_harness_notices_a_lost_acknowledged_coding_after_a_kill(tmp_path):
    from qualtui.project import Project

    root = tmp_path / "p"
    doc = crash_tui.make_project(root)
    driver = crash_tui.Driver(root, doc, random.Random(1))
    project = Project.open(root, coder=crash_tui.CODER)
    start, end = driver.speech[3]
    coding = project.codings.add(project.docs.get(doc).id, project.codes.get("Fear").id, start, end)
    step = crash_tui.Step([("t1", None)], "Coded with 'Fear'.", "add", "Fear", (start, end), how="recent")
    before = dict(driver.ledger.present)
    driver.begin(step)
    driver.acknowledged(step, crash_tui.Session())  # the screen showed it and the store has it
    assert step.coding_id == coding.id
    project.codings.remove(project.docs.get(doc).id, [coding.id])  # then it goes missing
    with pytest.raises(AssertionError, match="lost|missing"):
        driver.verify(before)
