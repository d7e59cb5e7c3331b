"""Framework screen: the grid marks cells, the summary is on disk as it is typed, Enter on a segment jumps."""

from __future__ import annotations

import json

from screens_harness import Harness, build, new_history, sync, type_text

from qualtui.services.framework import doc_case
from tui import autosave
from tui.messages import JumpTo
from tui.screens.framework_screen import FrameworkScreen


def grid_rows(screen) -> list[list[str]]:
    grid = screen.grid
    return [[str(c) for c in grid.get_row_at(i)] for i in range(grid.row_count)]


@sync
async def test_move_edit_autosave_and_jump(tmp_path):
    project = build(tmp_path)
    support = project.codes.find("Support")
    su = project.docs.get("SU01")
    app = Harness(lambda: FrameworkScreen(project, new_history()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert grid_rows(screen) == [["ST01", "\u25cb 2", "\u25cb 1"], ["SU01", "\u25cb 1", "\u25cb 1"]]
        await pilot.press("down", "right")                     # SU01 x Support (column 2 is Support)
        assert screen.cell.case.label == "SU01" and screen.cell.column.label == "2 Support"
        await pilot.press("enter")
        assert screen.editor.has_focus
        await type_text(pilot, "Peers help")
        await pilot.pause(autosave.DELAY + 0.4)
        stored = project.framework.get(doc_case(su.id), support.id)
        assert stored is not None and stored.text == "Peers help"            # on disk a pause after typing
        assert grid_rows(screen)[1][2] == "\u25cf 1"                         # the grid shows what is stored
        await type_text(pilot, " a lot")
        await pilot.pause(autosave.DELAY + 0.4)
        assert project.framework.get(doc_case(su.id), support.id).text == "Peers help a lot"
        audit = [json.loads(line)["action"] for line in (project.root / "audit.jsonl").read_text().splitlines()]
        assert audit.count("framework.set") == 1                            # one audit entry per editing session
        await pilot.press("escape")
        assert screen.grid.has_focus and app.screen is screen                 # Esc leaves the editor only
        await pilot.press("tab")
        await pilot.press("tab")
        assert screen.segments.has_focus or screen.editor.has_focus
        screen.segments.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.results) == 1 and isinstance(app.results[0], JumpTo)
        assert app.results[0].document_id == su.id


@sync
async def test_a_summary_being_typed_is_saved_when_the_cell_changes_and_undone_as_one_step(tmp_path):
    project = build(tmp_path)
    support = project.codes.find("Support")
    su = project.docs.get("SU01")
    history = new_history()
    app = Harness(lambda: FrameworkScreen(project, history))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down", "right", "enter")
        await type_text(pilot, "Peers")
        await pilot.press("escape", "left")                  # leave at once: no pause for the timer
        assert project.framework.get(doc_case(su.id), support.id).text == "Peers"
        assert history.can_undo
        history.undo()
        assert project.framework.get(doc_case(su.id), support.id) is None


@sync
async def test_rows_switch_to_attribute_values(tmp_path):
    project = build(tmp_path)
    app = Harness(lambda: FrameworkScreen(project, new_history()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        assert [r[0] for r in grid_rows(app.screen)] == ["service user", "staff"]
        await pilot.press("a")
        assert [r[0] for r in grid_rows(app.screen)] == ["ST01", "SU01"]


@sync
async def test_coding_screen_opens_the_framework_with_F(tmp_path):
    from tui_helpers import make_app

    project = build(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, FrameworkScreen)


@sync
async def test_an_empty_project_shows_an_empty_grid(tmp_path):
    from qualtui.project import Project

    project = Project.init(tmp_path / "empty", name="empty", coder="tester")
    app = Harness(lambda: FrameworkScreen(project, new_history()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.grid.row_count == 0 and screen.cell is None and screen.editor.disabled
        await pilot.press("e", "down", "a")
        assert app.screen is screen
