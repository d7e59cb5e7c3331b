"""The qualtui terminal app: ``run_app`` is what ``qualtui open`` calls."""

from __future__ import annotations

import asyncio
import importlib
import os
import signal
import threading
from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.theme import Theme
from textual.widgets import Input

from qualtui.config import Settings, load_settings, user_state_dir
from qualtui.editing.history import History
from qualtui.team.identity import resolve_coder
from qualtui.project import Project
from tui.commands import CodingCommands
from tui.edit_pipeline import EditPipeline
from tui.keymap import bindings_of, check_keymap, help_rows
from tui.positions import Positions

THEMES = {"dark": "textual-dark", "light": "textual-light", "ansi": "ansi-dark", "ansi-light": "ansi-light",
          "high-contrast": "qualtui-high-contrast"}

HIGH_CONTRAST = Theme(
    name="qualtui-high-contrast", dark=True,
    primary="#ffff00", secondary="#00ffff", accent="#ffff00", warning="#ffaa00", error="#ff5555",
    success="#55ff55", foreground="#ffffff", background="#000000", surface="#000000", panel="#1a1a1a",
    boost="#333333",
)


class QualtuiApp(App):
    TITLE = "qualtui"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = {CodingCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit (nothing to save: every edit is already on disk)", show=False, id="app.quit"),
        Binding("question_mark,f1", "help", "Help: every key, generated from the bindings", show=False,
                id="app.help"),
        Binding("ctrl+p", "command_palette", "Command palette: actions, codes, documents; a number goes to that line",
                show=False, id="app.command_palette"),
    ]

    def __init__(self, root: Path, *, coder: str | None = None, blind: bool = False,
                 settings: Settings | None = None, auto_backup: bool = True, state_dir: Path | None = None,
                 pin_codes: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.animation_level = "none"
        self.settings = settings if settings is not None else load_settings(root)
        self.project = Project.open(root, coder=resolve_coder(coder, self.settings.coder))
        self.history = History()
        self.edits = EditPipeline(self, self.history)  # every edit, undo and redo of every screen
        self.positions = Positions(state_dir or user_state_dir(), self.project.root, self.project.coder)
        if pin_codes and not self.positions.pinned:  # the demo opens with codes pinned to 1, 2, 3
            found = (self.project.codes.find(name) for name in pin_codes)
            self.positions.pinned = [code.id for code in found if code is not None and code.codable]
        self.blind = blind
        self.auto_backup = auto_backup
        self._first_frame = threading.Event()  # the automatic backup waits for it: the screen comes first
        self.keymap_overrides: dict[str, str] = {}
        self.title = f"qualtui: {self.project.name}"

    def on_mount(self) -> None:
        from tui.screens.coding import CodingScreen

        self.register_theme(HIGH_CONTRAST)
        self.theme = THEMES[self.settings.theme]
        self.keymap_overrides = dict(self.settings.keymap)
        self.set_keymap(self.keymap_overrides)   # an id no binding has is left alone by Textual
        self.push_screen(CodingScreen(self.project, self.positions, blind=self.blind))
        if self.keymap_overrides:   # told once the first screen is up: knowing every id imports every screen
            self.call_after_refresh(self._report_unknown_keymap_ids)
        self._catch_hangups()
        if self.auto_backup:
            self.call_after_refresh(self._first_frame.set)
            self.run_worker(self._backup, thread=True, exit_on_error=False, group="backup")

    # bindings and help ----------------------------------------------------------------------
    @staticmethod
    def binding_groups() -> list[tuple[str, list[Binding]]]:
        from tui.dialogs.code_picker import CodePicker
        from tui.screens.coding import CodingScreen
        from tui.dialogs.adjust import AdjustDialog
        from tui.dialogs.simple import ChooseDialog, ConfirmDialog, LinePrompt, SearchPrompt
        from tui.dialogs.help import HelpScreen
        from tui.dialogs.switcher import DocumentSwitcher
        from tui.widgets.codebook_tree import CodebookTree
        from tui.widgets.memo_pane import MemoEditor, MemoPane
        from tui.widgets.transcript_view import TranscriptView

        return [
            ("Transcript: move and select", bindings_of(TranscriptView)),
            ("Coding screen", bindings_of(CodingScreen)),
            ("Everywhere", bindings_of(QualtuiApp)),
            ("Codebook pane (Enter applies the code to the selection)", bindings_of(CodebookTree)),
            ("Memo pane", bindings_of(MemoPane, MemoEditor)),
            ("Code picker", bindings_of(CodePicker)),
            ("Document switcher", bindings_of(DocumentSwitcher)),
            ("Search prompt", bindings_of(SearchPrompt)),
            ("Go to line (:)", bindings_of(LinePrompt)),
            ("Coding boundaries (e)", bindings_of(AdjustDialog)),
            ("Dialogs", bindings_of(ChooseDialog, ConfirmDialog)),
            ("Help", bindings_of(HelpScreen)),
        ]

    def binding_ids(self) -> list[str]:
        return [b.id for _, group in self.binding_groups() for b in group if b.id]

    @staticmethod
    def declared_binding_ids() -> set[str]:
        """Every binding id of the TUI: the coding screen's, and those of every other screen with its dialogs
        and widgets (what ? lists there), found in the classes of every ``tui`` module once all are imported."""
        import sys

        from tui.screens.coding_navigation import SCREENS

        for module, _class in SCREENS.values():
            importlib.import_module(f"tui.screens.{module}")
        return {binding.id for name, module in list(sys.modules.items()) if name == "tui" or name.startswith("tui.")
                for value in vars(module).values() if isinstance(value, type)
                for binding in bindings_of(value) if binding.id}

    def _report_unknown_keymap_ids(self) -> None:
        _usable, unknown = check_keymap(self.keymap_overrides, self.declared_binding_ids())
        if unknown:
            self.notify("Unknown binding id in [keymap] (see ? for the ids): " + ", ".join(unknown),
                        severity="warning", timeout=10)

    def action_help(self) -> None:
        from tui.dialogs.help import HelpScreen
        from tui.screens.screen_base import ProjectScreen

        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        if isinstance(screen, ProjectScreen):  # the keys of the screen you are on
            groups = [*screen.help_groups(), ("Everywhere", bindings_of(QualtuiApp))]
            intro = (f"The keys of the {screen.help_title} screen. Esc goes back to the transcript, "
                     "where ? lists every key.\n")
            self.push_screen(HelpScreen(help_rows(groups, self.keymap_overrides), intro))
            return
        intro = ("Every key, with its binding id. Remap keys in ~/.config/qualtui/config.toml:\n"
                 "  [keymap]\n  \"transcript.cursor_down\" = \"j,down\"\n"
                 "Every edit is on disk before the screen shows it; q quits with nothing to save.\n")
        self.push_screen(HelpScreen(help_rows(self.binding_groups(), self.keymap_overrides), intro))

    def use_theme(self, name: str) -> None:
        self.theme = THEMES[name]

    def get_system_commands(self, screen):
        return iter(())  # our provider lists what applies (no screenshots of sensitive text)

    # quitting and errors ---------------------------------------------------------------------
    async def action_quit(self) -> None:
        from tui.screens.coding import CodingScreen

        for screen in self.screen_stack:
            # Any screen with text being edited (memo pane, memo editors, code entry form) saves it first.
            save = getattr(screen, "save_open_memo", None)
            if save is not None and not save():
                return  # the error is shown and the text kept; quitting would lose it
            if isinstance(screen, CodingScreen):
                screen.remember_position()
        try:
            self.positions.save()
        except OSError:
            pass  # only the reading position; never block quitting on it
        self.exit()

    def _catch_hangups(self) -> None:
        """SIGHUP (the SSH session or terminal went away) and SIGTERM save open editors, then exit."""
        if self.is_headless:
            return  # a Pilot test: the test process's own signals are not ours to take
        try:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(sig, self._hang_up)
        except (NotImplementedError, RuntimeError, ValueError, AttributeError):
            pass  # not the main thread (tests) or no such signal: the 1 s autosave still holds

    def _hang_up(self) -> None:
        from tui.autosave import flush_all

        flush_all(self)  # first, while nothing else runs: the text is on disk before anything can fail
        # Restoring a terminal that is gone can block on the dead pty; the data is saved, so never wait long.
        deadline = threading.Timer(3.0, os._exit, (0,))
        deadline.daemon = True
        deadline.start()
        self.exit()

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification is plain text, whatever the caller asks (``Screen.notify`` asks for markup):
        messages quote code names, documents and search patterns, and a '[' in one must neither
        vanish nor crash the app as bad markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)


    def _backup(self) -> None:
        self._first_frame.wait(timeout=5)
        try:
            from qualtui.safety.backup import automatic_backup
        except ImportError:
            return
        try:
            automatic_backup(self.project)
        except Exception as exc:  # reported, never fatal: coding goes on
            self.call_from_thread(self.edits.report, "make the automatic backup", exc)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            event.typed_on = self.screen  # see on_key
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        # Keys typed right after the key that opens a dialog (":12<Enter>", or "c" and a code name, in one
        # packet over SSH) were queued on the screen below; back here the dialog is on top, its input not
        # yet focused, and Textual would look them up there and drop them. They belong to the dialog.
        top = self.screen
        typed_on = getattr(event, "typed_on", None)
        if typed_on is not None and typed_on is not top and isinstance(top, ModalScreen):
            event.prevent_default()
            event.stop()
            target = top.focused or next(iter(top.query(Input)), None) or top
            target.post_message(events.Key(event.key, event.character))
            return
        # A key shown dimmed (its screen's check_action said None: not now) would do nothing; say why instead.
        active = top.active_bindings.get(event.key)
        why_not = getattr(active.node, "why_not", None) if active is not None and not active.enabled else None
        hint = why_not(active.binding.action.partition("(")[0]) if why_not is not None else None
        if hint:
            self.notify(hint, severity="warning", timeout=3)

    def on_descendant_focus(self, event) -> None:
        widget = event.widget
        if getattr(widget, "cursor_blink", False):
            widget.cursor_blink = False  # a blinking cursor sends bytes forever over SSH


def run_app(root: Path, *, coder: str | None, blind: bool = False, mouse: bool = True,
            pin_codes: tuple[str, ...] = ()) -> None:
    settings = load_settings(root)  # a bad config file is a one-line error before the screen starts
    app = QualtuiApp(root, coder=coder, blind=blind, settings=settings, pin_codes=pin_codes)
    app.run(mouse=mouse and settings.mouse)
