"""Two coders (two processes) creating or renaming codes at the same moment never end with two codes of one name."""

from __future__ import annotations

import pytest

from qualtui.errors import QualtuiError
from qualtui.project import Project
from qualtui.services.codebook import CodeService


def _interleave(monkeypatch, other_edit):
    """Let *other_edit* (the other process) run between this process's name check and its write."""
    original = CodeService._check_name
    fired = []

    def check_then_other(self, name, exclude=None):
        cleaned = original(self, name, exclude)
        if not fired:
            fired.append(True)
            other_edit()
        return cleaned

    monkeypatch.setattr(CodeService, "_check_name", check_then_other)


def test_a_code_created_by_another_coder_after_the_check_is_not_created_twice(tmp_path, monkeypatch):
    root = tmp_path / "p"
    Project.init(root, coder="alice")
    alice, bob = Project.open(root, coder="alice"), Project.open(root, coder="bob")
    _interleave(monkeypatch, lambda: _create_unchecked(bob, "Peer workers notice first"))
    with pytest.raises(QualtuiError, match="already exists"):
        alice.codes.create("peer workers notice first")
    assert [c.name for c in Project.open(root, coder="x").codes.all()] == ["Peer workers notice first"]


def test_a_rename_racing_a_new_code_of_that_name_is_refused(tmp_path, monkeypatch):
    root = tmp_path / "p"
    Project.init(root, coder="alice")
    alice, bob = Project.open(root, coder="alice"), Project.open(root, coder="bob")
    code = alice.codes.create("Waiting")
    _interleave(monkeypatch, lambda: _create_unchecked(bob, "Boredom"))
    with pytest.raises(QualtuiError, match="already exists"):
        alice.codes.update(code.id, name="boredom")
    assert sorted(c.name for c in Project.open(root, coder="x").codes.all()) == ["Boredom", "Waiting"]


def _create_unchecked(project, name):
    """The other process's create, its own check not interleaved (it ran before ours wrote)."""
    original = CodeService.__dict__["_check_name"]
    CodeService._check_name = _ORIGINAL_CHECK
    try:
        return project.codes.create(name)
    finally:
        CodeService._check_name = original


_ORIGINAL_CHECK = CodeService._check_name
