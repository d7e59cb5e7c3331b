"""The coding screen: transcript, codebook and memo panes, a status bar and the recent-codes footer.

Every edit is made by the core synchronously (durable on disk, ~1-3 ms) before
any widget changes; see ``tui.screens.coding_actions``.  A 2-second timer picks
up other processes' changes by comparing file signatures.
"""

from __future__ import annotations

from collections import Counter

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from qualtui.model import Code, Coding, Document, Memo
from qualtui.project import Project
from qualtui.text.lines import line_of, line_starts
from qualtui.text.units import clock
from tui.keymap import binding_maker
from tui.positions import Positions
from tui.screens.coding_actions import CodingActions
from tui.widgets.codebook_tree import CodebookTree
from tui.widgets.memo_pane import MemoPane, MemoTarget
from tui.widgets.status_bar import RecentCodes, StatusBar
from tui.widgets.transcript_view import TranscriptView

POLL_SECONDS = 2.0
COMPACT_WIDTH = 100  # below this the side panes start hidden (toggle with C and M), one at a time
MIN_TRANSCRIPT = 50  # columns the transcript keeps when a side pane is shown


_b = binding_maker("coding")


class DocSummary:
    """Counts per (code, coder) and spans per coder of one document, for one file signature."""

    def __init__(self, signature: tuple | None, codings: list[Coding]) -> None:
        self.signature = signature
        self.counts: Counter[tuple[str, str]] = Counter((c.code, c.coder) for c in codings)
        self.spans: dict[str, list[tuple[int, int]]] = {}
        for c in codings:
            self.spans.setdefault(c.coder, []).append((c.start, c.end))


class CodingScreen(CodingActions, Screen):
    DEFAULT_CSS = """
    CodingScreen #panes { height: 1fr; }
    CodingScreen #transcript { width: 1fr; }
    CodingScreen #side { width: 38; border-left: vkey $panel-lighten-2; }
    CodingScreen #side-title { height: 1; background: $panel; text-style: bold; padding: 0 1; }
    CodingScreen CodebookTree { height: 1fr; }
    CodingScreen MemoPane { height: 1fr; border-top: hkey $panel-lighten-2; }
    """

    BINDINGS = [
        _b("c", "code", "Code the selection (fuzzy picker; Enter on a new name creates it)", "code"),
        *[_b(str(n), f"recent({n})", f"Apply recent code {n} (shown in the footer)", f"recent_{n}")
          for n in range(1, 10)],
        _b("P", "pin", "Pin a code to the number keys, before the recent codes (or unpin it)", "pin"),
        _b("x", "remove", "Remove the coding under the cursor (asks which if several and none is picked with f)",
           "remove"),
        _b("r", "recode", "Recode the coding under the cursor in place: same span, memo and coder", "recode"),
        _b("e", "adjust", "Adjust the coding's boundaries: move either end by a word or a sentence", "adjust"),
        _b("f", "cycle_coding", "Overlapping codings at the cursor: pick the next one for x, r, e and m",
           "cycle_coding"),
        _b("colon", "goto_line", "Go to line: type its number, then Enter", "goto_line"),
        _b("z", "toggle_times", "Show / hide each turn's start time (hh:mm:ss) in the gutter", "toggle_times"),
        _b("u", "undo", "Undo (codings, code edits, memos)", "undo"),
        _b("ctrl+r,U", "redo", "Redo", "redo"),
        _b("slash", "search", "Search this document (regex optional); n / N next / previous", "search"),
        _b("m", "memo", "Write or edit the memo shown in the memo pane", "memo"),
        _b("d", "documents", "Document switcher (reopens where you left off)", "documents"),
        _b("tab", "focus_pane(1)", "Next pane", "next_pane"),
        _b("shift+tab", "focus_pane(-1)", "Previous pane", "previous_pane"),
        _b("o", "layers", "Coder layers: all coders / only mine / one coder (ends blind mode)", "layers"),
        _b("C", "toggle_pane('codebook')", "Show / hide the codebook pane", "toggle_codebook"),
        _b("M", "toggle_pane('memo')", "Show / hide the memo pane", "toggle_memo"),
        _b("K", "open_screen('codebook')", "Codebook screen: edit, merge, split codes; retrieve segments",
           "codebook_screen"),
        _b("S", "open_screen('search')", "Search the whole project (and code the hits)", "project_search"),
        _b("A", "open_screen('analysis')", "Analysis: frequencies, matrix, co-occurrence", "analysis_screen"),
        _b("J", "open_screen('memos')", "Memos and journal", "memos_screen"),
        _b("R", "open_screen('retrieval')", "Retrieve every segment of a code (the one under the cursor)",
           "retrieval_screen"),
        _b("I", "open_screen('agreement')", "Inter-coder agreement and disagreements", "agreement_screen"),
        _b("T", "open_screen('map')", "Thematic map: themes, codes and sub-codes with counts", "map_screen"),
        _b("F", "open_screen('framework')", "Framework matrix: cases x codes with cell summaries",
           "framework_screen"),
    ]

    def __init__(self, project: Project, positions: Positions, *, blind: bool = False) -> None:
        super().__init__()
        self.project = project
        self.positions = positions
        self.blind = blind
        self.coder_layer: tuple[str, str | None] = ("mine", None) if blind else ("all", None)
        self.doc: Document | None = None
        self.text = ""
        self.starts: list[int] = [0]
        self.all_codings: list[Coding] = []
        self.codes: dict[str, Code] = {}
        self.code_tree: list[tuple[int, Code]] = []
        self.paths: dict[str, str] = {}
        self.summaries: dict[str, DocSummary] = {}
        self.doc_signature: tuple | None = None
        self.change_token: tuple | None = None
        self.search_pattern: tuple[str, bool] = ("", False)
        self.pane_choice: dict[str, bool] | None = None  # None: follow the width
        self._memos_about: dict[tuple[str, str], Memo | None] = {}
        self._memos_token: tuple | None = None
        self.picked_coding: str | None = None  # the coding chosen with f among overlapping ones

    # layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield TranscriptView(id="transcript")
            with Vertical(id="side"):
                yield CodebookTree(id="codebook")
                yield MemoPane(id="memo")
        yield StatusBar(id="status")
        yield RecentCodes(id="recent")

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    @property
    def codebook(self) -> CodebookTree:
        return self.query_one(CodebookTree)

    @property
    def memo(self) -> MemoPane:
        return self.query_one(MemoPane)

    def on_mount(self) -> None:
        self.codebook.no_color = self.app.no_color
        self.apply_pane_visibility()
        self.reload_codebook()
        docs = self.project.docs.all()
        last = self.positions.last_doc
        start = next((d for d in docs if d.id == last), docs[0] if docs else None)
        if start is not None:
            self.open_document(start.id)
        else:
            self.refresh_status()
            self.memo.show_memo(None, "")
            self.notify("This project has no documents yet: add some with 'qualtui add FILES'.", timeout=8)
        self.view.focus()
        self.set_interval(POLL_SECONDS, self.poll)

    def on_resize(self) -> None:
        self.apply_pane_visibility()

    @property
    def compact(self) -> bool:
        return self.app.size.width < COMPACT_WIDTH

    def apply_pane_visibility(self) -> None:
        width = self.app.size.width
        wide = not self.compact
        choice = self.pane_choice or {"codebook": wide, "memo": wide}
        codebook, memo = choice["codebook"], choice["memo"]
        if self.memo.editing:
            memo = True
        if not wide and codebook and memo:
            codebook = False  # narrow: one side pane at a time, so the transcript keeps its width
        self.codebook.display = codebook
        self.memo.display = memo
        side = self.query_one("#side")
        side.display = codebook or memo
        side.styles.width = 38 if wide else max(24, min(38, width - MIN_TRANSCRIPT))

    # documents -----------------------------------------------------------------------
    def remember_position(self) -> None:
        if self.doc is not None:
            self.positions.remember(self.doc.id, self.view.cursor, self.view.top_offset)

    def open_document(self, doc_id: str) -> None:
        self.remember_position()
        doc = self.project.docs.by_id(doc_id)
        text = self.project.docs.text(doc_id)
        turns = self.project.docs.turns(doc_id)
        self.doc_signature = self.project.docs.signature(doc_id)
        codings = self.project.codings.for_document(doc_id)
        self.doc, self.text, self.all_codings = doc, text, codings
        self.starts = line_starts(text)
        self.summaries[doc_id] = DocSummary(self.doc_signature, codings)
        cursor, top = self.positions.docs.get(doc_id, (0, None))
        self.view.show_document(doc, text, turns, self.visible_codings(codings), self.codes, cursor=cursor,
                                own_coder=self.project.coder, top_offset=top)
        if self.search_pattern[0]:
            self.view.set_search(self.search_pattern[0], regex=self.search_pattern[1])
        self.positions.remember(doc_id, self.view.cursor, self.view.top_offset)
        self.refresh_side()

    def action_toggle_times(self) -> None:
        view = self.view
        view.show_times(not view.showing_times)
        if view.showing_times and self.doc is not None and not view.has_times:
            self.notify(f"{self.doc.name} has no turn times (they come from VTT, SRT, Otter, Rev-style or "
                        "bracketed timestamps); documents that have them show them", timeout=6)

    # coder layers --------------------------------------------------------------------
    @property
    def shown_coder(self) -> str | None:
        """The one coder whose codings are shown, or None when all coders are."""
        mode, who = self.coder_layer
        if mode == "all":
            return None
        return self.project.coder if mode == "mine" else who

    def visible_codings(self, codings: list[Coding]) -> list[Coding]:
        wanted = self.shown_coder
        return list(codings) if wanted is None else [c for c in codings if c.coder == wanted]

    def layer_label(self) -> str:
        mode, who = self.coder_layer
        if self.blind:
            return "BLIND: only mine (o to end)"
        return {"all": "all coders", "mine": "only mine"}.get(mode, f"coder: {who}")

    def coders(self) -> list[str]:
        names = {coder for s in self.summaries.values() for _, coder in s.counts}
        names.discard(self.project.coder)
        return sorted(names, key=str.casefold)

    # refreshing ----------------------------------------------------------------------
    def reload_codebook(self) -> None:
        codes = self.project.codes.all()
        self.codes = {c.id: c for c in codes}
        self.code_tree = self.project.codes.tree()
        self.paths = {c.id: self.project.codes.path(c, codes) for c in codes}
        self.change_token = self.project.change_token()

    def reload_codings(self) -> None:
        """Re-read the open document's codings (after an edit, an undo, or another process's change)."""
        if self.doc is None:
            return
        self.doc_signature = self.project.docs.signature(self.doc.id)
        self.all_codings = self.project.codings.for_document(self.doc.id)
        self.summaries[self.doc.id] = DocSummary(self.doc_signature, self.all_codings)
        self.view.update_codings(self.visible_codings(self.all_codings), self.codes)
        self.refresh_side()

    def reload_all(self) -> None:
        self.reload_codebook()
        self.reload_codings()
        if self.doc is None:
            self.refresh_side()

    def refresh_summaries(self) -> None:
        """Recount documents whose codings file changed (a stat per document; reads only changed ones)."""
        docs = self.project.docs.all()
        known = {d.id for d in docs}
        for doc_id in list(self.summaries):
            if doc_id not in known:
                del self.summaries[doc_id]
        for doc in docs:
            signature = self.project.docs.signature(doc.id)
            summary = self.summaries.get(doc.id)
            if summary is None or summary.signature != signature:
                self.summaries[doc.id] = DocSummary(signature, self.project.codings.for_document(doc.id))

    def counts(self, summary: DocSummary) -> Counter[str]:
        wanted = self.shown_coder
        counts: Counter[str] = Counter()
        for (code, coder), n in summary.counts.items():
            if wanted is None or coder == wanted:
                counts[code] += n
        return counts

    def refresh_side(self) -> None:
        self.refresh_summaries()
        project_counts: Counter[str] = Counter()
        for summary in self.summaries.values():
            project_counts.update(self.counts(summary))
        doc_counts = self.counts(self.summaries[self.doc.id]) if self.doc and self.doc.id in self.summaries \
            else Counter()
        self.codebook.show_codes(self.code_tree, dict(doc_counts), dict(project_counts), self.codes_at_cursor_ids())
        self.refresh_status()
        self.refresh_memo()
        self.refresh_recent()

    def codes_at_cursor_ids(self) -> set[str]:
        return {c.code for c in self.view.codings_at_cursor} if self.doc else set()

    def ordered_codings_here(self) -> list[Coding]:
        """The codings at the cursor in the order f cycles them: own first, then the shortest."""
        if self.doc is None:
            return []
        mine = self.project.coder
        return sorted(self.view.codings_at_cursor,
                      key=lambda c: (c.coder != mine, c.end - c.start, c.start, c.id))

    def current_coding(self) -> Coding | None:
        """The coding that x, r, e and m act on: the one picked with f, else own and shortest."""
        here = self.ordered_codings_here()
        picked = next((c for c in here if c.id == self.picked_coding), None)
        return picked or (here[0] if here else None)

    def refresh_status(self) -> None:
        view = self.view
        names = []
        here = self.ordered_codings_here()
        current = self.current_coding() if len(here) > 1 else None
        for coding in here:
            code = self.codes.get(coding.code)
            name = code.name if code else "?"
            name = name if coding.coder == self.project.coder else f"{name} ({coding.coder})"
            names.append(f">{name}" if current is not None and coding.id == current.id else name)
        selection = view.selection
        turn = view.turn_at_cursor if self.doc else None
        self.query_one(StatusBar).show(
            document=self.doc.name if self.doc else "", line=view.current_line if self.doc else 0,
            lines=view.line_count if self.doc else 0, selection=(selection[1] - selection[0]) if selection else 0,
            codes=names, coder=self.project.coder, layer=self.layer_label(),
            time=clock(turn.begin_ms) if turn is not None else "")

    def refresh_recent(self) -> None:
        self.positions.recent = [c for c in self.positions.recent if c in self.codes][:9]
        keys = self.positions.number_keys(self.codes)
        pinned = set(self.positions.pinned)
        self.query_one(RecentCodes).show([(self.codes[c].name, c in pinned) for c in keys],
                                         "c code  r recode  x remove  u undo  : line  q quit")

    def memo_target(self) -> tuple[MemoTarget | None, str]:
        """The memo of the focused thing: a code in the codebook, the coding at the cursor, the document."""
        if self.focused is self.codebook and self.codebook.highlighted_code in self.codes:
            code = self.codes[self.codebook.highlighted_code]
            memo = self.memo_about("code", code.id)
            return MemoTarget("code", code.id, code.name, memo_id=memo.id if memo else None), memo.text if memo else ""
        if self.doc is None:
            return None, ""
        coding = self.current_coding()
        if coding is not None:
            code = self.codes.get(coding.code)
            label = f"{code.name if code else '?'} (l.{line_of(self.starts, coding.start)}, {coding.coder})"
            return MemoTarget("coding", coding.id, label, doc_id=self.doc.id), coding.memo or ""
        memo = self.memo_about("document", self.doc.id)
        return (MemoTarget("document", self.doc.id, self.doc.name, memo_id=memo.id if memo else None),
                memo.text if memo else "")

    def memo_about(self, kind: str, target: str) -> Memo | None:
        """The memo about a code or document, re-read only when the project file changed (not per keypress)."""
        token = self.project.change_token()  # memos live in the project file: any write changes its signature
        if token != self._memos_token:
            self._memos_token, self._memos_about = token, {}
        if (kind, target) not in self._memos_about:
            self._memos_about[kind, target] = self.project.memos.about(kind, target)
        return self._memos_about[kind, target]

    def refresh_memo(self) -> None:
        if self.memo.display:
            self.memo.show_memo(*self.memo_target())

    # events --------------------------------------------------------------------------
    def on_transcript_view_cursor_moved(self, event: TranscriptView.CursorMoved) -> None:
        if self.picked_coding is not None and all(c.id != self.picked_coding for c in self.view.codings_at_cursor):
            self.picked_coding = None  # the cursor left the picked coding
        self.codebook.mark_at_cursor(self.codes_at_cursor_ids())
        self.refresh_status()
        self.refresh_memo()

    def on_transcript_view_selection_changed(self, event: TranscriptView.SelectionChanged) -> None:
        self.refresh_status()

    def on_codebook_tree_code_highlighted(self, event: CodebookTree.CodeHighlighted) -> None:
        self.refresh_memo()

    def on_descendant_focus(self) -> None:
        self.refresh_memo()

    # polling for other processes ------------------------------------------------------
    def poll(self) -> None:
        try:
            if self.project.change_token() != self.change_token:
                self.reload_codebook()
                if self.doc is not None and self.doc.id not in {d.id for d in self.project.docs.all()}:
                    self.doc = None
                    docs = self.project.docs.all()
                    self.notify("The open document was deleted by someone else.", severity="warning")
                    if docs:
                        self.open_document(docs[0].id)
                self.view.update_codings(self.visible_codings(self.all_codings), self.codes)
                self.refresh_side()
            if self.doc is not None and self.project.docs.signature(self.doc.id) != self.doc_signature:
                self.reload_codings()
            elif self.doc is not None:
                self.refresh_summaries()
            self.remember_position()
            self.positions.save()
        except Exception as exc:  # never let a background refresh kill the screen
            self.report("refresh", exc, once=True)

    def report(self, what: str, exc: BaseException, *, once: bool = False) -> None:
        """The one place errors are shown: a notification naming what failed and why."""
        self.app.report_error(what, exc, once=once)
