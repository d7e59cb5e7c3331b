"""Text from transcripts and users is shown as it is: a '[' is never read as Textual or Rich markup."""

from __future__ import annotations

from tui_helpers import build_project, make_app, sync, type_text

from qualtui.editing.history import History
from qualtui.importers.plain import read_plain
from tui.dialogs.simple import ChooseDialog
from tui.screens.retrieval_screen import RetrievalScreen

TEXT = "Sam: it was [inaudible] hard [/x] and then we laughed.\n"


def add_bracketed(project):
    doc = project.docs.add(read_plain(TEXT.encode(), "x.txt"), "SU03 [b]")
    code = project.codes.create("Coping [b]")
    project.codings.add(doc.id, code.id, 0, len(TEXT) - 1)
    return doc, code


@sync
async def test_notifications_and_choices_show_brackets_literally(tmp_path):
    project = build_project(tmp_path)
    add_bracketed(project)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await type_text(pilot, "[/x]")
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        assert any("[/x]" in n.message and not n.markup for n in app._notifications)
        app.push_screen(ChooseDialog("Which?", ["coder [/x]", "coder [b]bold[/b]"]))
        await pilot.pause()
        listing = app.screen.query_one("OptionList")
        shown = [listing.render_line(y).text for y in range(2)]
        assert "coder [/x]" in shown[0] and "coder [b]bold[/b]" in shown[1]


@sync
async def test_retrieval_table_keeps_bracketed_transcript_text(tmp_path):
    project = build_project(tmp_path)
    _, code = add_bracketed(project)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(RetrievalScreen(project, History(), code_id=code.id))
        await pilot.pause()
        table = app.screen.table
        assert table.row_count == 1
        row = [str(cell) for cell in table.get_row_at(0)]
        assert "SU03 [b]" in row
        assert any("[inaudible] hard [/x]" in cell for cell in row)
        rendered = "".join(table.render_line(y).text for y in range(3))
        assert "[inaudible]" in rendered
