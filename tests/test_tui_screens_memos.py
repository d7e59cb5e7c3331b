"""Memos screen: list, search, edit in place (durable), a new journal entry, coding memos, delete and undo."""

from __future__ import annotations

from screens_harness import Harness, build, sync, type_text

from qualtui.editing.history import History
from qualtui.project import Project
from tui.messages import JumpTo
from tui.screens.memos_screen import MemosScreen


def listed(screen) -> list[str]:
    return [item.key for item in screen.shown]


@sync
async def test_edit_persists_new_journal_entry_and_search(tmp_path):
    project = build(tmp_path)
    staff = project.codes.find("Staff")
    code_memo = project.memos.add("code", "Staff are *busy*.", target=staff.id)
    journal = project.memos.add("project", "First thoughts on the ward.", title="Week 1")
    history = History()
    app = Harness(lambda: MemosScreen(project, history))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert listed(screen) == [journal.id, code_memo.id]
        assert "First thoughts" in screen.query_one("#mm-markdown").source
        await pilot.press("j", "enter")             # edit the code memo
        assert screen.has_class("editing")
        await type_text(pilot, " More later.")
        await pilot.press("escape")                 # saves and leaves the editor
        await pilot.pause()
        assert not screen.has_class("editing")
        reopened = Project.open(project.root, coder="tester")
        assert reopened.memos.get(code_memo.id).text == "Staff are *busy*. More later."
        assert "More later." in screen.query_one("#mm-markdown").source

        await pilot.press("n")
        await type_text(pilot, "Peer support is bigger than the role.")
        assert screen.save_open_memo() is True     # what the app calls before quitting
        assert project.memos.all(kind="project")[-1].text == "Peer support is bigger than the role."
        await pilot.press("ctrl+s", "escape")
        await pilot.pause()
        entries = project.memos.all(kind="project")
        assert len(entries) == 2 and entries[-1].text == "Peer support is bigger than the role."

        await pilot.press("slash")
        await type_text(pilot, "bigger")
        await pilot.press("enter")
        assert listed(screen) == [entries[-1].id]
        await pilot.press("u")                      # undo the new entry
        assert len(project.memos.all(kind="project")) == 1
        assert "0 of" in str(screen.query_one("#mm-title").render())


@sync
async def test_coding_memos_are_listed_edited_and_jumped_to(tmp_path):
    project = build(tmp_path)
    su = project.docs.get("SU01")
    [coding] = [c for c in project.codings.for_document(su.id) if c.coder == "tester"][:1]
    project.codings.update(su.id, coding.id, memo="Turning point?")
    history = History()
    app = Harness(lambda: MemosScreen(project, history))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert listed(screen) == [f"coding:{coding.id}"]
        await pilot.press("e")
        await type_text(pilot, " Yes")
        await pilot.press("escape")
        await pilot.pause()
        assert project.codings.get(su.id, coding.id).memo == "Turning point? Yes"
        await pilot.press("D", "y")
        await pilot.pause()
        assert project.codings.get(su.id, coding.id).memo is None and listed(screen) == []
        await pilot.press("u")
        assert listed(screen) == [f"coding:{coding.id}"]
        await pilot.press("g")
        await pilot.pause()
        assert app.results == [JumpTo(su.id, coding.start, coding.end)]
