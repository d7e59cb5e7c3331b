"""Every modal dialog lives in tui/dialogs and takes its look from one base class (``tui.dialogs.base.Dialog``)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.app import App
from textual.containers import Vertical
from textual.screen import ModalScreen
from tui_helpers import sync

import tui
from tui.dialogs.base import Dialog
from tui.dialogs.simple import ConfirmDialog
from tui.dialogs.switcher import DocumentSwitcher


def modal_classes() -> list[type]:
    found = []
    for info in pkgutil.walk_packages(tui.__path__, "tui."):
        module = importlib.import_module(info.name)
        found += [cls for _, cls in inspect.getmembers(module, inspect.isclass)
                  if issubclass(cls, ModalScreen) and cls.__module__ == module.__name__]
    return found


def test_every_modal_is_a_dialog_in_the_dialogs_folder_without_its_own_copy_of_the_shared_css():
    modals = modal_classes()
    assert len(modals) >= 12
    for cls in modals:
        assert issubclass(cls, Dialog) and cls.__module__.startswith("tui.dialogs."), cls
        if cls is not Dialog:
            assert "align: center middle" not in cls.__dict__.get("DEFAULT_CSS", ""), cls


@sync
async def test_the_shared_look_applies_and_a_dialog_changes_only_what_differs():
    app = App()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(ConfirmDialog("Sure?"))
        await pilot.pause()
        box = app.screen.query_one(Vertical)
        assert box.styles.border_top[0] == "round" and box.outer_size.width == 70
        app.pop_screen()
        await app.push_screen(DocumentSwitcher([]))
        await pilot.pause()
        box = app.screen.query_one(Vertical)
        assert box.styles.border_top[0] == "round" and box.outer_size.width == 100   # its own width wins
