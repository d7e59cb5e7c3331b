"""Command-palette providers (ctrl+p): actions that apply now, codes to apply, documents to open, themes."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from qualtui.textnorm import clean_label

if TYPE_CHECKING:
    from tui.screens.coding import CodingScreen

THEME_LABELS = {"dark": "dark", "light": "light", "ansi": "terminal palette (dark)",
                "ansi-light": "terminal palette (light)", "high-contrast": "high contrast"}


def palette_entries(screen: "CodingScreen") -> list[tuple[str, str, Callable[[], None]]]:
    """(title, help, callback) for everything that can be done right now."""
    entries: list[tuple[str, str, Callable[[], None]]] = []
    selection = screen.view.selection if screen.doc else None
    here = screen.view.codings_at_cursor if screen.doc else []
    history = screen.app.history
    if selection:
        entries.append(("Code the selection...", "open the code picker (c)", screen.action_code))
    if here:
        entries.append(("Remove a coding under the cursor", "x", screen.action_remove))
    if history.can_undo:
        entries.append((f"Undo: {history._done[-1].label}", "u", screen.action_undo))
    if history.can_redo:
        entries.append((f"Redo: {history._undone[-1].label}", "ctrl+r", screen.action_redo))
    if screen.doc:
        entries.append(("Search this document...", "/", screen.action_search))
        entries.append(("Edit the memo", "m", screen.action_memo))
    entries.append(("Switch document...", "d", screen.action_documents))
    entries.append((f"Coder layers (now: {screen.layer_label()})", "o", screen.action_layers))
    entries.append(("Show / hide the codebook pane", "C", partial(screen.action_toggle_pane, "codebook")))
    entries.append(("Show / hide the memo pane", "M", partial(screen.action_toggle_pane, "memo")))
    entries.append(("Help: every key", "?", screen.app.action_help))
    if selection:
        for code_id, path in sorted(screen.paths.items(), key=lambda item: item[1].casefold()):
            if screen.codes[code_id].codable:
                entries.append((f"Apply code: {clean_label(path)}", "code the selection",
                                partial(screen.apply_code, code_id, selection)))
    for doc in screen.project.docs.all():
        if screen.doc is None or doc.id != screen.doc.id:
            entries.append((f"Open document: {clean_label(doc.name)}", "where you left off",
                            partial(screen.switch_to, doc.id)))
    for name, label in THEME_LABELS.items():
        entries.append((f"Theme: {label}", "for this session (set theme in config.toml to keep it)",
                        partial(screen.app.use_theme, name)))
    entries.append(("Quit", "q (every edit is already on disk)", screen.app.action_quit))
    return entries


class CodingCommands(Provider):
    def _entries(self):
        from tui.screens.coding import CodingScreen

        return palette_entries(self.screen) if isinstance(self.screen, CodingScreen) else []

    async def discover(self) -> Hits:
        for title, help_text, callback in self._entries():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
