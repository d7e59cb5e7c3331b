"""The status bar and the recent-codes footer (plain text: they name things, not just colour them)."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from qualtui.text.normalise import clean_label


class StatusBar(Widget):
    """One fixed-height line; repainting it never re-lays-out the screen (cheap over SSH)."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    def show(self, *, document: str, line: int, lines: int, selection: int, codes: list[str],
             coder: str, layer: str, time: str = "") -> None:
        state = (document, line, lines, selection, tuple(codes), coder, layer, time)
        if state == getattr(self, "_state", None):
            return  # unchanged: send nothing over the wire
        self._state = state
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(clean_label(document, 24) or "(no document)", style="bold")
        text.append(f"  l.{line}/{lines}")
        if time:
            text.append(f"  {time}")  # the start time of the turn under the cursor
        if selection:
            text.append(f"  sel {selection}", style="reverse")
        # full names (the gutter may abbreviate them); ">" marks the one x, r, e and m act on
        text.append("  codes: " + (", ".join(clean_label(c, 100) for c in codes) if codes else "-"))
        text.append(f"  coder: {clean_label(coder, 30)}")
        text.append(f"  [{layer}]", style="bold")
        self._text = text
        self.refresh()

    def render(self) -> Text:
        return getattr(self, "_text", Text())


class RecentCodes(Static):
    """The codes on the keys 1..9: pinned ones first (marked "^"), then the most recently used."""

    DEFAULT_CSS = """
    RecentCodes { height: 1; background: $panel-darken-1; color: $foreground; padding: 0 1; }
    """

    def show(self, names: list[tuple[str, bool]], hint: str) -> None:
        """*names*: (code name, pinned) in key order."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("? keys", style="bold")  # first, so no width can hide where the keys are
        text.append("  ")
        if not names:
            text.append("1-9: recent codes appear here (P pins one)  ", style="dim")
        for number, (name, pinned) in enumerate(names[:9], 1):
            text.append(f"{number}{'^' if pinned else ''}", style="bold reverse")
            text.append(f" {clean_label(name, 14)}  ")
        text.append(hint, style="dim")
        self.update(text)
