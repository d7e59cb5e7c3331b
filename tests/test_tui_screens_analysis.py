"""Analysis screen: the tables show the known counts of the harness project."""

from __future__ import annotations

from screens_harness import SU01, Harness, build, new_history, span, sync

from tui.messages import JumpTo
from tui.screens.analysis_screen import AnalysisScreen
from tui.screens.retrieval_screen import RetrievalScreen


def cells(table) -> list[list[str]]:
    return [[str(cell).strip() for cell in table.get_row_at(i)] for i in range(table.row_count)]


def row_of(table, name: str) -> list[str]:
    return next(r for r in cells(table) if r[0].endswith(name) or r[0].endswith(name + " (group)"))


@sync
async def test_frequencies_matrix_and_cooccurrence_show_the_known_counts(tmp_path):
    project = build(tmp_path)
    staff = project.codes.find("Staff")
    su = project.docs.get("SU01")
    project.codings.add(su.id, staff.id, *span(SU01, "The other patients"))   # overlaps a Peer help coding
    app = Harness(lambda: AnalysisScreen(project, new_history()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        freq = screen.table("frequencies")
        peer = row_of(freq, "Peer help")
        assert peer[1].startswith("2 ") and "\u2588" in peer[1] and peer[2:4] == ["2", "2"]
        assert row_of(freq, "Staff")[1].startswith("4 ") and row_of(freq, "Staff")[2] == "2"
        assert row_of(freq, "Support")[1] == "0"
        await pilot.press("r")                       # roll sub-codes up
        assert row_of(screen.table("frequencies"), "Support")[1].startswith("2 ")

        await pilot.press("r", "2")
        matrix = screen.table("matrix")
        headers = [str(c.label) for c in matrix.columns.values()]
        assert headers == ["code", "service user (1 doc)", "staff (1 doc)", "total"]
        assert [c.split()[0] for c in row_of(matrix, "Staff")[1:3]] + [row_of(matrix, "Staff")[3]] == ["2", "2", "4"]
        assert cells(matrix)[-1][1:] == ["3", "3", "6"]
        await pilot.press("d")                       # count documents
        assert [c.split()[0] for c in row_of(screen.table("matrix"), "Staff")[1:3]] == ["1", "1"]

        await pilot.press("3")
        pairs = cells(screen.table("cooccurrence"))
        assert len(pairs) == 1 and pairs[0][0].endswith("Staff") and pairs[0][1].endswith("Support/Peer help")
        assert pairs[0][2].startswith("1 ")
        await pilot.press("t")                       # same turn: SU01 turn 2 and ST01 turn 4
        pairs = cells(screen.table("cooccurrence"))
        assert pairs[0][2].startswith("2 ") and pairs[0][3] == "2"


@sync
async def test_enter_on_a_code_retrieves_and_passes_the_jump_on(tmp_path):
    project = build(tmp_path)
    app = Harness(lambda: AnalysisScreen(project, new_history()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        freq = screen.table("frequencies")
        while freq.current_id != project.codes.find("Staff").id:
            await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen) and len(app.screen.segments) == 3
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.results) == 1 and isinstance(app.results[0], JumpTo)
