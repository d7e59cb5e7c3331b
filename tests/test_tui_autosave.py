"""Typed text is saved without being asked: the memo pane, the memos screen, the memo dialog and the
codebook entry form each write what is typed shortly after the typing pauses, as one undo step and
one audit entry per editing session; a new memo left empty leaves nothing behind."""

from __future__ import annotations

import json

import screens_harness
from tui_helpers import build_project, make_app, sync, type_text

from qualtui.editing.history import History
from qualtui.project import Project
from tui import autosave
from tui.dialogs.codebook import CodeEntryForm
from tui.screens.codebook_screen import CodebookScreen
from tui.dialogs.memo_editor import MemoEditDialog
from tui.screens.memos_screen import MemosScreen
from tui.widgets.memo_pane import MemoPane

PAUSE = autosave.DELAY + 0.4  # long enough for the save after a pause in typing


def audit_actions(project) -> list[str]:
    return [json.loads(line)["action"] for line in (project.root / "audit.jsonl").read_text().splitlines()]


def document_memo(root, name="SU01") -> str | None:
    project = Project.open(root)
    memo = project.memos.about("document", project.docs.get(name).id)
    return memo.text if memo else None


@sync
async def test_the_memo_pane_saves_while_typing_as_one_undo_step(tmp_path, monkeypatch):
    # on a loaded machine typing "Sam sounds" can take longer than LONGEST, which would (rightly) save it early
    monkeypatch.setattr(autosave, "LONGEST", 60.0)
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await type_text(pilot, "Sam sounds")
        assert document_memo(project.root) is None          # not yet: the typing has not paused
        await pilot.pause(PAUSE)
        assert document_memo(project.root) == "Sam sounds"   # saved, no key pressed to save it
        await type_text(pilot, " relieved")
        await pilot.pause(PAUSE)
        assert document_memo(project.root) == "Sam sounds relieved"
        assert app.screen.query_one(MemoPane).editing        # still typing in the editor
        assert audit_actions(project).count("memo.add") == 1 and "memo.update" not in audit_actions(project)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query_one(MemoPane).editing
        await pilot.press("u")                               # the whole session is one step
        await pilot.pause()
        assert document_memo(project.root) is None
        assert not app.history.can_undo


@sync
async def test_typing_without_a_pause_is_saved_every_few_seconds_anyway(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        typed = 0
        while typed * autosave.DELAY / 3 < autosave.LONGEST + 1.0:   # keys closer together than DELAY
            await pilot.press("a")
            await pilot.pause(autosave.DELAY / 3)
            typed += 1
        stored = document_memo(project.root)                # read while the typing is still going on
        assert stored and set(stored) == {"a"} and len(stored) < typed + 1


@sync
async def test_a_new_memo_typed_and_erased_leaves_no_empty_memo(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await type_text(pilot, "oops")
        await pilot.pause(PAUSE)
        assert document_memo(project.root) == "oops"
        await pilot.press(*["backspace"] * 4)
        await pilot.pause(PAUSE)
        assert Project.open(project.root).memos.all() == []
        await pilot.press("escape")
        await pilot.pause()
        assert Project.open(project.root).memos.all() == [] and not app.history.can_undo


@sync
async def test_the_terminal_losing_focus_does_not_close_the_editor(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await type_text(pilot, "half a")
        app.app_focus = False                                # switched to another window
        await pilot.pause()
        app.app_focus = True
        await pilot.pause()
        pane = app.screen.query_one(MemoPane)
        assert pane.editing and app.focused is pane.query_one("#memo-editor")
        await type_text(pilot, " thought")
        await pilot.press("escape")
        await pilot.pause()
        assert document_memo(project.root) == "half a thought"
        assert app.history.can_undo and (app.history.undo(), not app.history.can_undo)[1]


@sync
async def test_a_coding_deleted_while_its_memo_is_typed_leaves_the_text_in_the_journal(tmp_path):
    project = build_project(tmp_path)
    doc = project.docs.get("SU01")
    code = project.codes.create("Relief")
    turn = project.docs.turns(doc.id)[1]
    coding = project.codings.add(doc.id, code.id, turn.start, turn.end)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("j", "w")                          # onto the coding
        await pilot.press("m")
        await pilot.pause()
        pane = app.screen.query_one(MemoPane)
        assert pane.editing and pane.target.kind == "coding"
        Project.open(project.root, coder="bob").codings.remove(doc.id, [coding.id])   # another coder
        await type_text(pilot, "a turning point")
        await pilot.pause(PAUSE)
        assert any(n.severity == "warning" and "journal entry" in n.message for n in app._notifications)
        await pilot.press("escape")                          # not stuck: the text is on disk
        await pilot.pause()
        assert not pane.editing
        [entry] = Project.open(project.root).memos.all(kind="project")
        assert entry.text == "a turning point"


@sync
async def test_a_document_memo_a_colleague_edits_while_i_type_keeps_both_texts(tmp_path):
    project = build_project(tmp_path)
    doc = project.docs.get("SU01")
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await type_text(pilot, "Sam sounds")
        await pilot.pause(PAUSE)                              # saved: the memo exists
        memo = Project.open(project.root).memos.about("document", doc.id)
        Project.open(project.root, coder="alice").memos.update(memo.id, text="alice was here")
        await type_text(pilot, " relieved")
        await pilot.pause(PAUSE)
        assert any(n.severity == "warning" and "changed by someone else" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        reopened = Project.open(project.root)
        assert reopened.memos.get(memo.id).text == "alice was here"
        [entry] = reopened.memos.all(kind="project")
        assert entry.text == "Sam sounds relieved" and entry.title == "Your version of the memo on SU01"


@sync
async def test_flush_all_saves_text_typed_a_moment_ago(tmp_path, monkeypatch):
    """What the app runs on SIGHUP/SIGTERM: no waiting for the pause."""
    # no timed save may come first, however slowly a loaded machine delivers the keys
    monkeypatch.setattr(autosave, "DELAY", 60.0)
    monkeypatch.setattr(autosave, "LONGEST", 60.0)
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await type_text(pilot, "just typed")
        assert document_memo(project.root) is None
        autosave.flush_all(app)
        assert document_memo(project.root) == "just typed"


@sync
async def test_a_failed_save_keeps_the_text_and_says_so_once(tmp_path, monkeypatch):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")

        def disk_full(*args, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(app.project.memos, "add", disk_full)
        await type_text(pilot, "keep")
        await pilot.pause(PAUSE)
        await type_text(pilot, " me")
        await pilot.pause(PAUSE)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "disk is full" in errors[0].message and "still here" in errors[0].message
        await pilot.press("escape")                          # cannot close: the text would be lost
        await pilot.pause()
        pane = app.screen.query_one(MemoPane)
        assert pane.editing and pane.query_one("#memo-editor").text == "keep me"
        monkeypatch.undo()
        await pilot.press("escape")
        await pilot.pause()
        assert not pane.editing and document_memo(project.root) == "keep me"


@sync
async def test_a_journal_entry_is_saved_while_typing(tmp_path):
    project = screens_harness.build(tmp_path)
    history = History()
    app = screens_harness.Harness(lambda: MemosScreen(project, history))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await type_text(pilot, "Peer support")
        await pilot.pause(PAUSE)
        await type_text(pilot, " is bigger")
        await pilot.pause(PAUSE)
        assert [m.text for m in Project.open(project.root).memos.all(kind="project")] == ["Peer support is bigger"]
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.has_class("editing")
        history.undo()
        assert project.memos.all(kind="project") == []


@sync
async def test_the_codebook_entry_and_code_memo_are_saved_while_typing(tmp_path):
    project = screens_harness.build(tmp_path)
    staff = project.codes.find("Staff")
    history = History()
    app = screens_harness.Harness(lambda: CodebookScreen(project, history))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        while screen.current is None or screen.current.id != staff.id:
            await pilot.press("j")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, CodeEntryForm)
        await type_text(pilot, "Talk about staff")
        await pilot.press("tab")
        await type_text(pilot, "Any mention")
        await pilot.pause(PAUSE)
        stored = Project.open(project.root).codes.by_id(staff.id)
        assert (stored.description, stored.inclusion) == ("Talk about staff", "Any mention")
        await pilot.press("escape")
        await pilot.pause()
        history.undo()
        assert project.codes.by_id(staff.id).description == ""

        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, MemoEditDialog)
        await type_text(pilot, "Ask Jo")
        await pilot.pause(PAUSE)
        assert Project.open(project.root).memos.about("code", staff.id).text == "Ask Jo"
        await type_text(pilot, " later")
        await pilot.press("escape")
        await pilot.pause()
        assert project.memos.about("code", staff.id).text == "Ask Jo later"
        history.undo()
        assert project.memos.about("code", staff.id) is None
