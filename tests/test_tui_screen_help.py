"""? on each screen lists that screen's keys; footers show every key at 80 columns; narrow layout keeps the
transcript at least 50 columns wide."""

from __future__ import annotations

import pytest
from tui_helpers import build_project, make_app, sync

from tui.dialogs.help import HelpScreen

SCREENS = {"K": "codebook", "R": "retrieval", "A": "analysis", "J": "memos", "S": "search", "I": "agreement"}


@pytest.mark.parametrize("key", list(SCREENS))
@sync
async def test_help_lists_the_keys_of_the_screen_you_are_on(tmp_path, key):
    project = build_project(tmp_path)
    hope = project.codes.create("Hope")
    project.codings.add(project.docs.get("SU01").id, hope.id, 0, 11)  # at the cursor: R retrieves it
    app = make_app(project, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        screen = app.screen
        assert screen.help_title == SCREENS[key]
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = {row.binding_id for row in app.screen.rows}
        own = {b.id for b in type(screen).BINDINGS}
        assert own <= ids and "screens.close" in ids
        assert "transcript.select_turn" not in ids and "coding.code" not in ids
        await pilot.press("escape")
        await pilot.pause()
        # the footer keeps every key at 80 columns: it wraps instead of cutting keys off
        hint = next(w for w in screen.query("Static") if (w.id or "").endswith("-hint"))
        text = str(hint.render())
        assert text.startswith("? keys") and "esc back" in text
        assert hint.size.height * (hint.size.width - 2) >= len(text)


@sync
async def test_narrow_terminal_shows_one_side_pane_at_a_time_and_keeps_the_transcript_50_wide(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("C")
        await pilot.pause()
        assert screen.codebook.display and not screen.memo.display
        assert screen.view.size.width >= 50
        await pilot.press("M")
        await pilot.pause()
        assert screen.memo.display and not screen.codebook.display
        assert screen.view.size.width >= 50
        await pilot.press("M")
        await pilot.pause()
        assert not screen.query_one("#side").display and screen.view.size.width == 80
