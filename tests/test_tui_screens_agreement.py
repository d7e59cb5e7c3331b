"""Agreement screen on a two-coder project with hand-computed values."""

from __future__ import annotations

from screens_harness import Harness, sync

from qualtui.editing.history import History
from qualtui.importers.plain import read_plain
from qualtui.project import Project
from tui.messages import JumpTo
from tui.screens.agreement_screen import AgreementScreen
from tui.dialogs.pickers import MarkDialog

TEXT = "a" * 100   # one paragraph, 100 characters


def two_coders(folder):
    """Code A: alice [0,50), bob [25,75). Code B: alice only [80,90). Code C: both everything."""
    project = Project.init(folder / "proj", name="agreement", coder="alice")
    doc = project.docs.add(read_plain(TEXT.encode(), "D1.txt"), "D1")
    a, b, c = (project.codes.create(n) for n in ("A", "B", "C"))
    project.codings.add(doc.id, a.id, 0, 50, coder="alice")
    project.codings.add(doc.id, a.id, 25, 75, coder="bob")
    project.codings.add(doc.id, b.id, 80, 90, coder="alice")
    project.codings.add(doc.id, c.id, 0, 100, coder="alice")
    project.codings.add(doc.id, c.id, 0, 100, coder="bob")
    return project, doc


def cells(table) -> list[list[str]]:
    return [[str(cell).strip() for cell in table.get_row_at(i)] for i in range(table.row_count)]


@sync
async def test_two_coders_values_disagreements_and_jump(tmp_path):
    project, doc = two_coders(tmp_path)
    app = Harness(lambda: AgreementScreen(project, History()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        rows = {r[0]: r for r in cells(screen.codes_table)}
        # units, coded by any, by all, percent, positive, kappa, alpha
        assert rows["A"][1:3] == ["75", "25"]
        assert rows["A"][3].startswith("50.0%") and rows["A"][4].startswith("50.0%") and rows["A"][5] == "0.00"
        assert rows["B"][1:3] == ["10", "0"] and rows["B"][4].startswith("0.0%")
        assert rows["C"][3].startswith("100.0%") and rows["C"][5:] == ["undefined", "undefined"]
        assert "100 units per code" in str(screen.query_one("#ag-title").render())
        listed = [(d.code, d.start, d.end, d.coded_by) for d in screen.listed]
        assert listed == [("A", 0, 25, ("alice",)), ("A", 50, 75, ("bob",)), ("B", 80, 90, ("alice",))]

        await pilot.press("j", "enter")          # code B: only its disagreement, and focus moves to the list
        assert [(d.code, d.start) for d in screen.listed] == [("B", 80)]
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [JumpTo(doc.id, 80, 90)]


@sync
async def test_turn_unit_and_choosing_coders(tmp_path):
    project, doc = two_coders(tmp_path)
    project.codings.add(doc.id, project.codes.find("A").id, 0, 10, coder="carol")
    app = Harness(lambda: AgreementScreen(project, History()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MarkDialog)    # three coders: asks which
        await pilot.press("space", "j", "space", "enter")   # alice and bob
        await pilot.pause()
        screen = app.screen
        assert screen.coders == ["alice", "bob"] and screen.result is not None
        await pilot.press("t")                       # one paragraph = one unit: both coded A there
        rows = {r[0]: r for r in cells(screen.codes_table)}
        assert rows["A"][1:3] == ["1", "1"] and rows["A"][3].startswith("100.0%")
        assert "every speaker turn" in str(screen.query_one("#ag-title").render())
