"""A key that does not apply now is shown dimmed and, pressed, says what to do first (it is not silently lost)."""

from __future__ import annotations

from textual.screen import ModalScreen

from tui.screens.coding import CodingScreen
from tui_helpers import build_project, make_app, sync


def warnings(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "warning"]


@sync
async def test_code_remove_and_cycle_without_what_they_need_say_what_to_do(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert screen.active_bindings["c"].enabled is False  # shown, dimmed
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, ModalScreen)
        assert warnings(app)[-1].startswith("Select text first")
        await pilot.press("x")
        await pilot.pause()
        assert warnings(app)[-1].startswith("No coding under the cursor")
        await pilot.press("3")
        await pilot.pause()
        assert warnings(app)[-1].startswith("Select text first")
        assert len(warnings(app)) == 3
        assert project.codings.for_document(project.docs.get("SU01").id) == []


@sync
async def test_the_same_key_works_once_it_applies(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("t")  # select the turn
        await pilot.pause()
        assert app.screen.active_bindings["c"].enabled is True
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ModalScreen)  # the code picker
        assert warnings(app) == []
