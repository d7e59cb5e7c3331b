"""Snapshots of the coding screen (pytest-textual-snapshot), fixed data so they are deterministic.

Update after an intended visual change with: pytest tests/snapshots --snapshot-update
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui_helpers import SU01, build_project, make_app  # noqa: E402

pytest.importorskip("pytest_textual_snapshot")


def coded_project(tmp_path: Path):
    project = build_project(tmp_path)
    doc = project.docs.get("SU01")
    peer = project.codes.create("Peer support", color="#3cb44b")
    ward = project.codes.create("Ward life", color="#4363d8")
    project.codes.create("Stigma", parent=ward.id, color="#e6194b")
    start = SU01.index("The other patients")
    project.codings.add(doc.id, peer.id, start, start + len("The other patients helped me though."))
    start = SU01.index("It was, it was hard")
    project.codings.add(doc.id, ward.id, start, start + len("It was, it was hard at first."))
    return project


def test_main_screen_120x40(snap_compare, tmp_path):
    app = make_app(coded_project(tmp_path), tmp_path)
    assert snap_compare(app, terminal_size=(120, 40), press=["j", "j", "j", "j"])


def test_main_screen_80x24(snap_compare, tmp_path):
    app = make_app(coded_project(tmp_path), tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), press=["j", "j", "j", "j"])


def test_code_picker_120x40(snap_compare, tmp_path):
    app = make_app(coded_project(tmp_path), tmp_path)
    assert snap_compare(app, terminal_size=(120, 40), press=["j", "t", "c", "w", "a"])


def test_panes_80x24_codebook_shown(snap_compare, tmp_path):
    """Narrow: C shows the codebook beside a transcript of at least 50 columns."""
    app = make_app(coded_project(tmp_path), tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), press=["j", "j", "j", "j", "C"])


def test_panes_80x24_memo_replaces_codebook(snap_compare, tmp_path):
    """Narrow: M shows the memo pane and hides the codebook (one side pane at a time)."""
    app = make_app(coded_project(tmp_path), tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), press=["j", "j", "j", "j", "C", "M"])


def test_overlapping_codings_120x40(snap_compare, tmp_path):
    """Two codes on one span: the gutter names both by words, the status bar in full."""
    project = coded_project(tmp_path)
    doc = project.docs.get("SU01")
    stigma = project.codes.find("Stigma")
    start = SU01.index("it was hard")
    project.codings.add(doc.id, stigma.id, start, start + len("it was hard at first. The other"))
    app = make_app(project, tmp_path)
    assert snap_compare(app, terminal_size=(120, 40), press=["j", "j", "j", "j", "w", "w", "w", "w"])
