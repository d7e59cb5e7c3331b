"""Command-palette providers (ctrl+p): actions that apply now, codes to apply, documents to open, themes."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.actions import parse
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from qualtui.text.normalise import clean_label
from tui.keymap import bindings_of, effective_keys

if TYPE_CHECKING:
    from tui.screens.coding import CodingScreen

THEME_LABELS = {"dark": "dark", "light": "light", "ansi": "terminal palette (dark)",
                "ansi-light": "terminal palette (light)", "high-contrast": "high contrast"}


def _shows_in_palette(binding: Binding) -> bool:
    # Recent codes are offered by name below; the palette does not list itself.
    return not binding.id.startswith("coding.recent_") and binding.id != "app.command_palette"


def palette_entries(screen: "CodingScreen") -> list[tuple[str, str, Callable[[], object]]]:
    """(title, help, callback) for everything that can be done right now.

    The actions come from the screen's and the app's bindings (description as
    the title, the current keys as help), so the palette, the help screen and
    the user's keymap always agree; each owner's ``check_action`` drops what
    does not apply at this moment (nothing to undo, no selection, ...); the key
    itself is then shown dimmed and, pressed, says what to do first.
    """
    app = screen.app
    entries: list[tuple[str, str, Callable[[], object]]] = []
    for owner, binding in [(screen, b) for b in bindings_of(type(screen))] + \
            [(app, b) for b in bindings_of(type(app))]:
        _, name, params = parse(binding.action)
        if not _shows_in_palette(binding) or not owner.check_action(name, params):
            continue
        if name in ("undo", "redo") and not getattr(app.history, f"can_{name}"):
            continue  # u always answers a key ("Nothing to undo."); the palette offers it only when it would act
        entries.append((binding.description, effective_keys(binding, app.keymap_overrides),
                        partial(owner.run_action, binding.action)))
    selection = screen.view.selection if screen.doc else None
    if selection:
        for code_id, path in sorted(screen.paths.items(), key=lambda item: item[1].casefold()):
            if screen.codes[code_id].codable:
                entries.append((f"Apply code: {clean_label(path)}", "code the selection",
                                partial(screen.editor.apply_code, code_id, selection)))
    for doc in screen.project.docs.all():
        if screen.doc is None or doc.id != screen.doc.id:
            entries.append((f"Open document: {clean_label(doc.name)}", "where you left off",
                            partial(screen.navigator.switch_to, doc.id)))
    for name, label in THEME_LABELS.items():
        entries.append((f"Theme: {label}", "for this session (set theme in config.toml to keep it)",
                        partial(app.use_theme, name)))
    return entries


class CodingCommands(Provider):
    def _entries(self):
        from tui.screens.coding import CodingScreen

        return palette_entries(self.screen) if isinstance(self.screen, CodingScreen) else []

    async def discover(self) -> Hits:
        for title, help_text, callback in self._entries():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        from tui.screens.coding import CodingScreen

        screen = self.screen
        number = query.strip().lstrip(":").removeprefix("l.").strip()
        if isinstance(screen, CodingScreen) and number.isdigit() and screen.doc is not None:
            # "107" (or ":107", "l.107") goes to that line, as citations give it
            yield Hit(1.0, f"Go to line {int(number)}", partial(screen.navigator.goto_line, int(number)),
                      text=f"Go to line {int(number)}", help=f"of {screen.view.line_count} in {screen.doc.name}")
        matcher = self.matcher(query)
        for title, help_text, callback in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
