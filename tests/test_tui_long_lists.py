"""Long lists: the retrieval screen with thousands of segments (the cursor moves, pages, and Enter jumps to the
segment under it; the context shown comes from documents the streaming retrieval has already let go of), and the
search screen with a thousand hits (x repaints the hit's row, Enter jumps to the hit under the cursor)."""

from __future__ import annotations

from screens_harness import Harness, sync, type_text

from qualtui.editing.history import History
from qualtui.importers.plain import read_plain
from qualtui.project import Project
from tui.messages import JumpTo
from tui.screens.retrieval_screen import RetrievalScreen
from tui.screens.search_screen import SearchScreen
from tui.widgets.line_table import MARKER

DOCS, LINES = 3, 1000
LABEL = len("Participant: ")


def line(doc: int, n: int) -> str:
    return f"Participant: this is line {n:04} of D{doc} [inaudible].\n"


WIDTH = len(line(0, 0))


def build(folder) -> tuple[Project, str]:
    """D0..D2, each line coded with Theme (the speech, not the label): row r is line r % 1000 of D(r // 1000)."""
    project = Project.init(folder / "proj", name="long", coder="tester")
    code = project.codes.create("Theme")
    for d in range(DOCS):
        text = "".join(line(d, n) for n in range(LINES))
        doc = project.docs.add(read_plain(text.encode(), f"D{d}.txt"), f"D{d}")
        project.codings.add_many(doc.id, [(code.id, n * WIDTH + LABEL, (n + 1) * WIDTH - 1) for n in range(LINES)])
    return project, code.id


def expected(project: Project, row: int) -> JumpTo:
    doc = project.docs.get(f"D{row // LINES}")
    n = row % LINES
    return JumpTo(doc.id, n * WIDTH + LABEL, (n + 1) * WIDTH - 1)


@sync
async def test_thousands_of_segments_move_page_and_jump(tmp_path):
    project, code_id = build(tmp_path)
    app = Harness(lambda: RetrievalScreen(project, History(), code_id=code_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        table = screen.table
        assert table.row_count == DOCS * LINES and "3000 segments in 3 documents" in str(
            screen.query_one("#rv-title").render())
        page = table.page
        assert 10 < page < 40
        await pilot.press("j", "j", "down", "k")
        assert table.cursor_row == 2
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        row = 2 + 2 * page
        assert table.cursor_row == row
        shown = [table.render_line(y).text for y in range(1, page + 1)]
        assert [s for s in shown if s.startswith(MARKER)] == [s for s in shown if f" {row + 1:<7} " in s]
        assert f"D0, Participant, l. {row + 1}" in str(screen.query_one("#rv-segment").render())
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == DOCS * LINES - 1
        assert table.render_line(page).text.startswith(MARKER + "D2 ")
        assert "D2, Participant, l. 1000" in str(screen.query_one("#rv-segment").render())
        await pilot.press("pageup", "up")
        assert table.cursor_row == DOCS * LINES - 2 - page
        await pilot.press("home", "pagedown")
        assert table.cursor_row == page
        await pilot.press("+")                         # one line either side, read again from the file
        await pilot.pause()
        preview = str(screen.query_one("#rv-segment").render())
        assert line(0, page - 1).strip() in preview and line(0, page + 1).strip() in preview
        await pilot.press("end", "+")                   # another document's context: the first one let go
        await pilot.pause()
        assert line(2, LINES - 2).strip() in str(screen.query_one("#rv-segment").render())
        await pilot.press("home", *["pagedown"] * (LINES // page + 1), "j")
        row = (LINES // page + 1) * page + 1        # in D1
        assert table.cursor_row == row
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [expected(project, row)]
    jump = app.results[0]
    assert project.docs.text(jump.document_id)[jump.start:jump.end] == line(1, row % LINES)[LABEL:-1]


@sync
async def test_a_thousand_search_hits_page_leave_one_out_and_jump(tmp_path):
    project, _ = build(tmp_path)
    app = Harness(lambda: SearchScreen(project, History()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_text(pilot, "inaudible")
        await pilot.press("enter")
        await pilot.pause()
        table = screen.table
        assert table.row_count == 1000 and "first 1000 hits" in str(screen.query_one("#ss-status").render())
        assert table.render_line(1).text.startswith(MARKER + "yes   D0 ")
        await pilot.press("pagedown", "x")                 # left out, and the cursor moves on
        await pilot.pause()
        page = table.page
        assert table.cursor_row == page + 1 and screen.excluded == {page}
        shown = [table.render_line(y).text for y in range(1, page + 1)]
        assert shown[-2].startswith("  no    D0 ") and shown[-1].startswith(MARKER + "yes   D0 ")
        assert "[inaudible]" in shown[-1]                   # brackets are text
        await pilot.press("end", "enter")
        await pilot.pause()
    hit = screen.result.hits[999]
    assert app.results == [JumpTo(hit.document_id, hit.start, hit.end)]
    assert project.docs.text(hit.document_id)[hit.start:hit.end] == "inaudible"
