"""Memo titles set in the TUI; coding memos named by document and lines (TUI and CLI), not offsets."""

from __future__ import annotations

import json

from click.testing import CliRunner
from screens_harness import SU01, Harness, build, new_history, span, sync, type_text

from qualtui.cli import cli
from tui.screens.memos_screen import MemosScreen
from tui.dialogs.pickers import TextPrompt


def test_cli_names_coding_memos_by_document_and_lines(tmp_path):
    project = build(tmp_path)
    su = project.docs.get("SU01")
    staff = project.codes.find("Staff")
    project.codings.add(su.id, staff.id, *span(SU01, "The peer worker was the best."), memo="kindness matters")
    out = CliRunner().invoke(cli, ["memos", "-p", str(project.root), "--kind", "coding", "--format", "json"])
    assert out.exit_code == 0, out.output
    [row] = json.loads(out.stdout)
    assert row["about"] == "SU01, l. 4: Staff"
    assert "[" not in row["about"]  # no character offsets


@sync
async def test_memo_titles_are_set_in_the_tui_and_coding_memos_show_lines(tmp_path):
    project = build(tmp_path)
    su = project.docs.get("SU01")
    project.codings.add(su.id, project.codes.find("Staff").id, *span(SU01, "The peer worker was the best."), memo="kind")
    project.memos.add("project", "Thinking about peers today.")
    history = new_history()
    app = Harness(lambda: MemosScreen(project, history))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        prompts = [str(screen.listing.get_option_at_index(i).prompt) for i in range(screen.listing.option_count)]
        assert any(p.startswith("SU01, l. 4: Staff") for p in prompts)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await type_text(pilot, "Peers and power")
        await pilot.press("enter")
        await pilot.pause()
        [journal] = project.memos.all(kind="project")
        assert journal.title == "Peers and power"
        # at 80 columns the title leads its row, so it stays readable
        first = str(screen.listing.get_option_at_index(0).prompt).splitlines()[0]
        assert first == "Peers and power"
        await pilot.press("u")
        await pilot.pause()
        assert project.memos.all(kind="project")[0].title == ""
