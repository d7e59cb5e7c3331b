"""What the coding screen's panes show besides the transcript: the status bar, the recent-codes footer, the memo pane.

``CodingPanels`` is owned by the coding screen and reads its public state; it
only paints (attributes down into the widgets) and caches the memos shown, so a
cursor step costs no read of the project file unless it changed.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from qualtui.model import Memo
from qualtui.text.lines import line_of
from qualtui.text.units import clock
from tui.widgets.memo_pane import MemoTarget
from tui.widgets.status_bar import RecentCodes, StatusBar


class CodingPanels:
    def __init__(self, screen: Screen) -> None:
        self.screen: Any = screen  # a CodingScreen (not imported: that module imports this one)
        self._memos_about: dict[tuple[str, str], Memo | None] = {}
        self._memos_token: tuple | None = None

    def refresh_status(self) -> None:
        screen = self.screen
        view, doc, mine = screen.view, screen.doc, screen.project.coder
        names = []
        here = screen.editor.ordered_codings_here()
        current = screen.editor.current_coding() if len(here) > 1 else None
        for coding in here:
            code = screen.codes.get(coding.code)
            name = code.name if code else "?"
            name = name if coding.coder == mine else f"{name} ({coding.coder})"
            names.append(f">{name}" if current is not None and coding.id == current.id else name)
        selection = view.selection
        turn = view.turn_at_cursor if doc else None
        screen.query_one(StatusBar).show(
            document=doc.name if doc else "", line=view.current_line if doc else 0,
            lines=view.line_count if doc else 0, selection=(selection[1] - selection[0]) if selection else 0,
            codes=names, coder=mine, layer=screen.layer_label(), time=clock(turn.begin_ms) if turn is not None else "")

    def refresh_recent(self) -> None:
        screen = self.screen
        positions, codes = screen.positions, screen.codes
        positions.recent = [c for c in positions.recent if c in codes][:9]
        pinned = set(positions.pinned)
        screen.query_one(RecentCodes).show([(codes[c].name, c in pinned) for c in positions.number_keys(codes)],
                                           "c code  r recode  x remove  u undo  : line  q quit")

    def memo_target(self) -> tuple[MemoTarget | None, str]:
        """The memo of the focused thing: a code in the codebook, the coding at the cursor, the document."""
        screen = self.screen
        codebook, codes, doc = screen.codebook, screen.codes, screen.doc
        if screen.focused is codebook and codebook.highlighted_code in codes:
            code = codes[codebook.highlighted_code]
            memo = self.memo_about("code", code.id)
            return MemoTarget("code", code.id, code.name, memo_id=memo.id if memo else None), memo.text if memo else ""
        if doc is None:
            return None, ""
        coding = screen.editor.current_coding()
        if coding is not None:
            code = codes.get(coding.code)
            label = f"{code.name if code else '?'} (l.{line_of(screen.starts, coding.start)}, {coding.coder})"
            return MemoTarget("coding", coding.id, label, doc_id=doc.id), coding.memo or ""
        memo = self.memo_about("document", doc.id)
        return MemoTarget("document", doc.id, doc.name, memo_id=memo.id if memo else None), memo.text if memo else ""

    def memo_about(self, kind: str, target: str) -> Memo | None:
        """The memo about a code or document, re-read only when the project file changed (not per keypress)."""
        project = self.screen.project
        token = project.change_token()  # memos live in the project file: any write changes its signature
        if token != self._memos_token:
            self._memos_token, self._memos_about = token, {}
        if (kind, target) not in self._memos_about:
            self._memos_about[kind, target] = project.memos.about(kind, target)
        return self._memos_about[kind, target]

    def refresh_memo(self) -> None:
        memo = self.screen.memo
        if memo.display:
            memo.show_memo(*self.memo_target())
