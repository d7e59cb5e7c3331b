"""The coding screen's ways around: go to a line, search, switch documents, panes, coder layers, other screens.

``CodingNavigator`` is owned by the coding screen and works through its public
state; it changes the screen's reactive state (``pane_choice``, ``coder_layer``)
and the screen's watchers repaint.  Nothing here writes to the project.
"""

from __future__ import annotations

import importlib
from typing import Any

from textual.screen import Screen

from tui.edit_pipeline import EDIT_ERRORS
from tui.dialogs.simple import ConfirmDialog, LinePrompt, SearchPrompt
from tui.dialogs.switcher import DocumentRow, DocumentSwitcher

SCREENS = {
    "codebook": ("codebook_screen", "CodebookScreen"),
    "search": ("search_screen", "SearchScreen"),
    "analysis": ("analysis_screen", "AnalysisScreen"),
    "memos": ("memos_screen", "MemosScreen"),
    "retrieval": ("retrieval_screen", "RetrievalScreen"),
    "agreement": ("agreement_screen", "AgreementScreen"),
    "map": ("map_screen", "MapScreen"),
    "framework": ("framework_screen", "FrameworkScreen"),
}


class CodingNavigator:
    def __init__(self, screen: Screen) -> None:
        self.screen: Any = screen  # a CodingScreen (not imported: that module imports this one)

    # lines and search -------------------------------------------------------------------------
    def ask_line(self) -> None:
        screen = self.screen
        if screen.doc is None:
            screen.notify("No document is open (d opens one).", severity="warning")
            return
        screen.app.push_screen(LinePrompt(screen.view.line_count), self.goto_line)

    def goto_line(self, line: int | None) -> None:
        screen = self.screen
        if line is None or screen.doc is None:
            return
        if not 1 <= line <= screen.view.line_count:
            screen.notify(f"There is no line {line}: this document has lines 1-{screen.view.line_count}.",
                          severity="warning")
            return
        screen.view.go_to_line(line)
        screen.view.focus()

    def ask_search(self) -> None:
        if self.screen.doc is not None:
            self.screen.app.push_screen(SearchPrompt(*self.screen.search_pattern), self.run_search)

    def run_search(self, answer: tuple[str, bool] | None) -> None:
        if answer is None:
            return
        screen = self.screen
        pattern, regex = answer
        try:
            hits = screen.view.set_search(pattern, regex=regex)
        except ValueError as exc:
            screen.notify(str(exc), severity="error")
            return
        screen.search_pattern = (pattern, regex)
        if not pattern:
            screen.notify("Search cleared.", timeout=2)
            return
        screen.notify(f"{hits} hit{'s' if hits != 1 else ''} for {pattern!r}" + (" (regex)" if regex else ""),
                      timeout=3)
        if hits:
            screen.view.search_next(True)

    def toggle_times(self) -> None:
        screen = self.screen
        view = screen.view
        view.show_times(not view.showing_times)
        if view.showing_times and screen.doc is not None and not view.has_times:
            screen.notify(f"{screen.doc.name} has no turn times (they come from VTT, SRT, Otter, Rev-style or "
                          "bracketed timestamps); documents that have them show them", timeout=6)

    # documents ----------------------------------------------------------------------------------
    def documents(self) -> None:
        screen = self.screen
        screen.sync.refresh_summaries()
        rows = []
        for doc in screen.project.docs.all():
            summary = screen.sync.summaries.get(doc.id)
            covered = count = 0
            if summary is not None:
                wanted = screen.shown_coder
                count = sum(n for (_, coder), n in summary.counts.items() if wanted in (None, coder))
                covered = summary.covered_all if wanted is None else summary.covered.get(wanted, 0)
            attrs = ", ".join(f"{k}={v}" for k, v in sorted(doc.attributes.items()))
            fraction = min(covered / doc.length, 1.0) if doc.length > 0 else 0.0
            rows.append(DocumentRow(doc.id, doc.name, attrs, fraction, count,
                                    screen.doc is not None and doc.id == screen.doc.id))
        if not rows:
            screen.notify("No documents yet: add some with 'qualtui add FILES'.", severity="warning")
            return
        screen.app.push_screen(DocumentSwitcher(rows), self.switch_to)

    def switch_to(self, doc_id: str | None) -> None:
        screen = self.screen
        if doc_id is None or (screen.doc is not None and doc_id == screen.doc.id):
            return
        try:
            screen.open_document(doc_id)
        except EDIT_ERRORS as exc:
            screen.app.edits.report("open the document", exc)
        screen.view.focus()

    # panes and layers ---------------------------------------------------------------------------
    def focus_pane(self, step: int) -> None:
        screen = self.screen
        panes = [screen.view]
        if screen.codebook.display:
            panes.append(screen.codebook)
        if screen.memo.display:
            panes.append(screen.memo.query_one("#memo-editor") if screen.memo.editing
                         else screen.memo.query_one("#memo-scroll"))
        current = next((i for i, p in enumerate(panes) if p is screen.focused), 0)
        panes[(current + step) % len(panes)].focus()

    def toggle_pane(self, pane: str) -> None:
        screen = self.screen
        choice = {"codebook": screen.codebook.display, "memo": screen.memo.display}
        choice[pane] = not choice[pane]
        if screen.compact and choice[pane]:
            choice = {name: name == pane for name in choice}  # narrow: showing one hides the other
        screen.pane_choice = choice

    def memo(self) -> None:
        screen = self.screen
        if not screen.memo.display:
            screen.pane_choice = {"codebook": screen.codebook.display and not screen.compact, "memo": True}
        screen.memo.show_memo(*screen.panels.memo_target())
        if screen.memo.target is None:
            screen.notify("Open a document first (d).", severity="warning")
            return
        screen.memo.start_editing()

    def layers(self) -> None:
        screen = self.screen
        if screen.blind:
            screen.app.push_screen(ConfirmDialog("End blind mode and show other coders' codings?"),
                                   lambda yes: self.end_blind() if yes else None)
            return
        cycle: list[tuple[str, str | None]] = [("all", None), ("mine", None)]
        cycle += [("coder", name) for name in screen.sync.coders()]
        position = cycle.index(screen.coder_layer) if screen.coder_layer in cycle else -1
        self.set_layer(cycle[(position + 1) % len(cycle)])

    def end_blind(self) -> None:
        self.screen.blind = False
        self.set_layer(("all", None))

    def set_layer(self, layer: tuple[str, str | None]) -> None:
        self.screen.coder_layer = layer
        self.screen.notify(f"Showing: {self.screen.layer_label()}", timeout=2)

    # the other screens --------------------------------------------------------------------------
    def open_screen(self, name: str) -> None:
        screen = self.screen
        module, cls = SCREENS[name]
        screen_class = getattr(importlib.import_module(f"tui.screens.{module}"), cls)
        screen.remember_position()
        extra = {}
        if name == "retrieval" and screen.doc is not None and screen.view.codings_at_cursor:
            extra["code_id"] = screen.view.codings_at_cursor[0].code
        other = screen_class(screen.project, screen.app.history,
                             current_document=screen.doc.id if screen.doc else None, **extra)
        screen.app.push_screen(other, screen.came_back)
