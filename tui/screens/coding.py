"""The coding screen: transcript, codebook and memo panes, a status bar and the recent-codes footer.

Every edit goes through the app's ``EditPipeline`` (the core writes durably,
~1-3 ms, before any widget changes); the screen then updates from the records
in the ``Edited`` message, without reading the files again, and notes the new
file signatures so the 2-second poll, which picks up other processes' changes,
does not read them either.  The edits themselves are ``CodingEditor``'s
(``tui.screens.coding_edits``); going places is ``CodingNavigator``'s.
"""

from __future__ import annotations

from collections import Counter

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import OptionList

from qualtui.model import Code, Coding, Document
from qualtui.project import Project
from qualtui.text.lines import line_starts
from tui.edit_pipeline import EDIT_ERRORS, Edited
from tui.keymap import binding_maker
from tui.positions import Positions
from tui.screens.coding_edits import CodingEditor
from tui.screens.coding_navigation import CodingNavigator
from tui.screens.coding_panels import CodingPanels
from tui.screens.coding_sync import CodingSync, DocSummary
from tui.widgets.codebook_tree import CodebookTree
from tui.widgets.memo_pane import MemoPane, MemoTarget
from tui.widgets.status_bar import RecentCodes, StatusBar
from tui.widgets.transcript_view import TranscriptView

POLL_SECONDS = 2.0
COMPACT_WIDTH = 100  # below this the side panes start hidden (toggle with C and M), one at a time
MIN_TRANSCRIPT = 50  # columns the transcript keeps when a side pane is shown


_b = binding_maker("coding")


class CodingScreen(Screen):
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

    coder_layer: reactive[tuple[str, str | None]] = reactive(("all", None), init=False)
    pane_choice: reactive[dict[str, bool] | None] = reactive(None, init=False)  # None: follow the width
    picked_coding: reactive[str | None] = reactive(None, init=False)  # chosen with f among overlapping codings

    def __init__(self, project: Project, positions: Positions, *, blind: bool = False) -> None:
        super().__init__()
        self.project = project
        self.positions = positions
        self.blind = blind
        self.set_reactive(CodingScreen.coder_layer, ("mine", None) if blind else ("all", None))
        self.doc: Document | None = None
        self.text = ""
        self.starts: list[int] = [0]
        self.all_codings: list[Coding] = []
        self.codes: dict[str, Code] = {}
        self.code_tree: list[tuple[int, Code]] = []
        self.paths: dict[str, str] = {}
        self.search_pattern: tuple[str, bool] = ("", False)
        self.sync = CodingSync(self)
        self.editor = CodingEditor(self)
        self.panels = CodingPanels(self)
        self.navigator = CodingNavigator(self)

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
        self.sync.reload_codebook()
        docs = self.project.docs.all()
        last = self.positions.last_doc
        start = next((d for d in docs if d.id == last), docs[0] if docs else None)
        if start is not None:
            self.open_document(start.id)
        else:
            self.panels.refresh_status()
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

    def watch_pane_choice(self) -> None:
        self.apply_pane_visibility()
        self.panels.refresh_memo()

    def watch_coder_layer(self) -> None:
        self.show_codings()

    def watch_picked_coding(self) -> None:
        self.panels.refresh_status()
        self.panels.refresh_memo()

    # documents -----------------------------------------------------------------------
    def remember_position(self) -> None:
        if self.doc is not None:
            self.positions.remember(self.doc.id, self.view.cursor, self.view.top_offset)

    def open_document(self, doc_id: str) -> None:
        self.remember_position()
        try:
            doc = self.project.docs.by_id(doc_id)
            text = self.project.docs.text(doc_id)
            turns = self.project.docs.turns(doc_id)
            signature = self.project.docs.signature(doc_id)
            codings = self.project.codings.for_document(doc_id)
        except EDIT_ERRORS as exc:  # a damaged or unreadable file: say which, keep showing what is shown
            self.report("open the document", exc)
            return
        self.sync.doc_signature = signature
        self.doc, self.text, self.all_codings = doc, text, codings
        self.starts = line_starts(text)
        self.sync.summaries[doc_id] = DocSummary(self.project.codings.summarise(codings, signature))
        cursor, top = self.positions.docs.get(doc_id, (0, None))
        self.view.show_document(doc, text, turns, self.visible_codings(codings), self.codes, cursor=cursor,
                                own_coder=self.project.coder, top_offset=top)
        if self.search_pattern[0]:
            self.view.set_search(self.search_pattern[0], regex=self.search_pattern[1])
        self.positions.remember(doc_id, self.view.cursor, self.view.top_offset)
        self.refresh_side()

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

    # refreshing ----------------------------------------------------------------------
    def show_codings(self) -> None:
        """Show ``all_codings`` (of the coder layer) and the counts, after they changed."""
        if self.doc is not None:
            self.view.update_codings(self.visible_codings(self.all_codings), self.codes)
        self.refresh_side()

    def refresh_side(self) -> None:
        sync, wanted = self.sync, self.shown_coder
        sync.refresh_summaries()
        project_counts: Counter[str] = Counter()
        for summary in sync.summaries.values():
            project_counts.update(sync.counts(summary, wanted))
        doc_counts = sync.counts(sync.summaries[self.doc.id], wanted) if self.doc and self.doc.id in sync.summaries \
            else Counter()
        self.codebook.show_codes(self.code_tree, dict(doc_counts), dict(project_counts), self.codes_at_cursor_ids())
        self.panels.refresh_status()
        self.panels.refresh_memo()
        self.panels.refresh_recent()

    def codes_at_cursor_ids(self) -> set[str]:
        return {c.code for c in self.view.codings_at_cursor} if self.doc else set()

    # events --------------------------------------------------------------------------
    @on(TranscriptView.CursorMoved)
    def cursor_moved(self) -> None:
        self.codebook.mark_at_cursor(self.codes_at_cursor_ids())
        if self.picked_coding is not None and all(c.id != self.picked_coding for c in self.view.codings_at_cursor):
            self.picked_coding = None  # the cursor left the picked coding: the watcher repaints
            return
        self.panels.refresh_status()
        self.panels.refresh_memo()

    @on(TranscriptView.SelectionChanged)
    def selection_changed(self) -> None:
        self.panels.refresh_status()

    @on(CodebookTree.CodeHighlighted)
    def code_highlighted(self) -> None:
        self.panels.refresh_memo()

    def on_descendant_focus(self) -> None:
        self.panels.refresh_memo()

    @on(OptionList.OptionSelected)
    def code_chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter in the codebook pane applies the code to the selection."""
        if event.option_list is self.codebook and event.option.id in self.codes:
            event.stop()
            self.editor.apply_code(event.option.id)

    @on(MemoPane.Closed)
    def memo_closed(self, event: MemoPane.Closed) -> None:
        """The memo pane saves what is typed itself (tui.autosave); here only what shows it changes."""
        event.stop()
        if event.changed:
            if event.target.kind == "coding":
                self.sync.reload_codings()
            self.notify("Memo saved.", timeout=2)
        if event.refocus:
            self.view.focus()

    def save_open_memo(self) -> bool:
        """Before quitting: store a memo that is being edited.  False if it could not be saved."""
        return self.memo.close_editor(refocus=False)

    @on(Edited)
    def edited(self, event: Edited) -> None:
        """An edit of this process is on disk: show it from the records it returned (no read)."""
        try:
            self.sync.edited(event.outcome)
        except EDIT_ERRORS as exc:
            self.report("show the change", exc)

    def poll(self) -> None:
        """Other processes' changes, every POLL_SECONDS (a stat per file; reads only what changed)."""
        try:
            self.sync.poll()
            self.remember_position()
            self.positions.save()
        except Exception as exc:  # never let a background refresh kill the screen
            self.report("refresh", exc, once=True)

    def came_back(self, result: object = None) -> None:
        """Another screen closed: it may have edited anything, and may ask to show a place (JumpTo)."""
        try:
            self.sync.reload_all()
            target = getattr(result, "document_id", None)
            if target is not None:
                if self.doc is None or target != self.doc.id:
                    self.open_document(target)
                self.view.select_span(result.start, result.end)
        except EDIT_ERRORS as exc:
            self.report("show the result", exc)
        self.view.focus()

    def report(self, what: str, exc: BaseException, *, once: bool = False) -> None:
        self.app.edits.report(what, exc, once=once)

    # actions: bindings stay here (ids, help, keymap); the work is the editor's and the navigator's ---------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """None (not False) for an edit that does not apply now: its key stays in the footer, dimmed, and
        pressing it says what to do first (``QualtuiApp.on_key``); the palette leaves it out."""
        return True if self.editor.why_not(action) is None else None

    def why_not(self, action: str) -> str | None:
        """What to do first when *action* does not apply now (the app says it when its key is pressed)."""
        return self.editor.why_not(action)

    def action_code(self) -> None:
        self.editor.code()

    def action_recent(self, number: int) -> None:
        self.editor.recent(number)

    def action_pin(self) -> None:
        self.editor.pin()

    def action_remove(self) -> None:
        self.editor.remove()

    def action_recode(self) -> None:
        self.editor.recode()

    def action_adjust(self) -> None:
        self.editor.adjust()

    def action_cycle_coding(self) -> None:
        self.editor.cycle()

    def action_undo(self) -> None:
        self.app.edits.undo()

    def action_redo(self) -> None:
        self.app.edits.redo()

    def action_toggle_times(self) -> None:
        self.navigator.toggle_times()

    def action_goto_line(self) -> None:
        self.navigator.ask_line()

    def action_search(self) -> None:
        self.navigator.ask_search()

    def action_memo(self) -> None:
        self.navigator.memo()

    def action_documents(self) -> None:
        self.navigator.documents()

    def action_focus_pane(self, step: int) -> None:
        self.navigator.focus_pane(step)

    def action_toggle_pane(self, pane: str) -> None:
        self.navigator.toggle_pane(pane)

    def action_layers(self) -> None:
        self.navigator.layers()

    def action_open_screen(self, name: str) -> None:
        self.navigator.open_screen(name)
