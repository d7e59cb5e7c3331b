"""Analysis tables: code frequencies, the code x attribute matrix, and code co-occurrence, with text bars.

Three tabs (1, 2, 3).  Frequencies and matrix can roll sub-codes up into
their parents (r); the matrix takes any document attribute (a) and counts
segments or documents (d); co-occurrence counts overlapping spans or shared
turns (t).  Enter on a code opens the retrieval view; a jump chosen there is
this screen's result (``JumpTo``).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from qualtui.analysis.cooccurrence import cooccurrence
from qualtui.analysis.corpus import Corpus, Scope
from qualtui.analysis.frequencies import frequencies, matrix
from qualtui.team.identity import coder_key
from qualtui.text.normalise import clean_label
from tui.keymap import binding_maker
from tui.messages import JumpTo
from tui.dialogs.simple import ChooseDialog
from tui.dialogs.pickers import SWATCH
from tui.screens.screen_base import ProjectScreen
from tui.widgets.bar_table import BarTable, count_cell, number, total_cell

TABS = ("frequencies", "matrix", "cooccurrence")


_b = binding_maker("analysis")


class AnalysisScreen(ProjectScreen):
    DEFAULT_CSS = """
    AnalysisScreen #an-title { height: auto; max-height: 2; background: $panel; text-style: bold; padding: 0 1; }
    AnalysisScreen TabbedContent { height: 1fr; }
    AnalysisScreen TabPane { padding: 0; }
    AnalysisScreen BarTable { height: 1fr; }
    AnalysisScreen #an-hint { height: auto; max-height: 3; background: $panel; color: $foreground 70%; padding: 0 1; }
    """
    BINDINGS = [
        _b("1", "tab('frequencies')", "Code frequencies", "frequencies"),
        _b("2", "tab('matrix')", "Codes x document attribute matrix", "matrix"),
        _b("3", "tab('cooccurrence')", "Code co-occurrence", "cooccurrence"),
        _b("r", "toggle_rollup", "Roll sub-codes up into their parents (frequencies, matrix)", "rollup"),
        _b("a", "choose_attribute", "Matrix: choose the document attribute for the columns", "attribute"),
        _b("d", "toggle_count", "Matrix: count segments or documents", "count"),
        _b("t", "toggle_unit", "Co-occurrence: overlapping spans or the same turn", "unit"),
        _b("f", "filter_coder", "Count the codings of every coder or of one coder", "coder"),
        _b("enter", "retrieve", "Open the retrieval view for the highlighted code", "retrieve"),
    ]

    def __init__(self, project, history, *, current_document: str | None = None) -> None:
        super().__init__(project, history, current_document=current_document)
        self.rollup = False
        self.attribute: str | None = None
        self.count = "segments"
        self.unit = "span"
        self.coder: str | None = None  # None: every coder's codings count
        self.corpus: Corpus | None = None

    def compose(self) -> ComposeResult:
        yield Static("Analysis", id="an-title", markup=False)
        with TabbedContent(id="an-tabs"):
            with TabPane("1 Frequencies", id="frequencies"):
                yield BarTable(id="an-frequencies")
            with TabPane("2 Matrix", id="matrix"):
                yield BarTable(id="an-matrix")
            with TabPane("3 Co-occurrence", id="cooccurrence"):
                yield BarTable(id="an-cooccurrence")
        yield Static("? keys  1 2 3 tabs  f coder  r roll up  a attribute  d segments/documents  t span/turn  Enter retrieve  "
                     "esc back", id="an-hint", markup=False)

    def table(self, name: str) -> BarTable:
        return self.query_one(f"#an-{name}", BarTable)

    @property
    def active(self) -> str:
        return self.query_one(TabbedContent).active or TABS[0]

    def on_mount(self) -> None:
        self.reload()
        self.table("frequencies").focus()

    def reload(self) -> None:
        try:
            coders = frozenset({coder_key(self.coder)}) if self.coder else None
            self.corpus = Corpus(self.project, Scope({}, None, coders))
            if self.attribute is None:
                keys = sorted({k for v in self.corpus.documents for k in v.doc.attributes}, key=str.casefold)
                self.attribute = keys[0] if keys else None
            self.show_frequencies()
            self.show_matrix()
            self.show_cooccurrence()
        except Exception as exc:
            self.report("compute the tables", exc)
        self.show_title()

    def show_title(self) -> None:
        corpus = self.corpus
        documents = len(corpus.documents) if corpus else 0
        parts = [f"Analysis: {documents} document{'s' if documents != 1 else ''}",
                 f"codings by {clean_label(self.coder, 30)}" if self.coder else "codings by every coder",
                 "sub-codes rolled up into themes" if self.rollup else "each code without its sub-codes",
                 f"matrix: {clean_label(self.attribute or '(no attributes)')} by {self.count}",
                 f"co-occurrence by {self.unit}"]
        self.query_one("#an-title", Static).update("; ".join(parts))

    @property
    def code_width(self) -> int | None:
        """Narrow screens cut code names (with an ellipsis) so the counts stay in view."""
        return 28 if 0 < self.size.width < 100 else None

    def on_resize(self) -> None:
        if self.corpus is not None and (self.size.width < 100) != getattr(self, "_narrow", None):
            self._narrow = self.size.width < 100
            self.reload()

    def code_text(self, code_id: str, depth: int, path: str | None = None) -> Text:
        code = self.corpus.code_by_id.get(code_id) if self.corpus else None
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("  " * depth)
        if code is not None:
            text.append(SWATCH + " ", style="" if self.no_color else code.color)
        text.append(clean_label(path if path is not None else (code.name if code else code_id), 60))
        if code is not None and not code.codable:
            text.append(" (group)", style="italic")
        return text

    def show_frequencies(self) -> None:
        rows = frequencies(self.corpus, rollup=self.rollup)
        top = max((r.segments for r in rows), default=0)
        self.table("frequencies").show(
            [("code", self.code_width), "segments", "documents", "speakers", "words"],
            [(r.code_id, [self.code_text(r.code_id, r.depth), count_cell(r.segments, top), number(r.documents),
                          number(r.speakers), number(r.words)]) for r in rows])

    def show_matrix(self) -> None:
        table = self.table("matrix")
        if self.attribute is None:
            table.show(["code"], [(None, [Text("No document has attributes: set some with "
                                               "qualtui attr set DOC key=value", style="italic")])])
            return
        result = matrix(self.corpus, self.attribute, count=self.count, rollup=self.rollup)
        top = max((c for r in result.rows for c in r.cells), default=0)
        headings = [f"{clean_label(v, 24)} ({n} doc{'s' if n != 1 else ''})"
                    for v, n in zip(result.values, result.documents_per_value)]
        columns = [("code", self.code_width), *headings, "total"]
        rows = [(r.code_id, [self.code_text(r.code_id, r.depth)] + [count_cell(c, top, 6) for c in r.cells]
                 + [number(r.total)]) for r in result.rows]
        label = Text("total" + (" (distinct documents)" if self.count == "documents" else ""), style="bold")
        rows.append((None, [label, *[total_cell(t) for t in result.totals], number(result.grand_total)]))
        table.show(columns, rows)

    def show_cooccurrence(self) -> None:
        pairs = cooccurrence(self.corpus, unit=self.unit)
        top = max((p.count for p in pairs), default=0)
        rows = [(p.code_a_id, [self.code_text(p.code_a_id, 0, p.code_a), self.code_text(p.code_b_id, 0, p.code_b),
                               count_cell(p.count, top), number(p.documents), number(p.jaccard, 2)])
                for p in pairs]
        if not rows:
            rows = [(None, [Text("No codes co-occur" + (" in the same turn" if self.unit == "turn"
                                                         else " in overlapping spans"), style="italic"),
                            "", "", "", ""])]
        counted = "spans overlapping" if self.unit == "span" else "turns with both"
        self.table("cooccurrence").show(
            [("code A", self.code_width), ("code B", self.code_width), counted, "documents", "jaccard"], rows)

    # actions ------------------------------------------------------------------------------------
    def action_tab(self, name: str) -> None:
        self.query_one(TabbedContent).active = name
        self.table(name).focus()

    def action_toggle_rollup(self) -> None:
        self.rollup = not self.rollup
        self.reload()

    def action_toggle_count(self) -> None:
        self.count = "documents" if self.count == "segments" else "segments"
        self.reload()

    def action_toggle_unit(self) -> None:
        self.unit = "turn" if self.unit == "span" else "span"
        self.reload()

    def action_choose_attribute(self) -> None:
        keys = sorted({k for v in self.corpus.documents for k in v.doc.attributes}, key=str.casefold) \
            if self.corpus else []
        if not keys:
            self.notify("No document has attributes (qualtui attr set DOC key=value)", severity="warning")
            return

        def done(index: int | None) -> None:
            if index is not None:
                self.attribute = keys[index]
                self.reload()
                self.action_tab("matrix")

        self.app.push_screen(ChooseDialog("Matrix columns: values of", [clean_label(k) for k in keys]), done)

    def action_filter_coder(self) -> None:
        self.choose_coder("Count the codings of", self.filter_by_coder)

    def filter_by_coder(self, coder: str | None) -> None:
        self.coder = coder
        self.reload()

    def action_retrieve(self) -> None:
        from tui.screens.retrieval_screen import RetrievalScreen

        code_id = self.table(self.active).current_id
        if code_id is None or self.corpus is None or code_id not in self.corpus.code_by_id:
            return

        def done(result: JumpTo | None) -> None:
            if isinstance(result, JumpTo):
                self.dismiss(result)

        retrieval = RetrievalScreen(self.project, self.history, current_document=self.current_document,
                                    code_id=code_id, children=self.rollup)
        retrieval.coder = self.coder  # the same codings as counted here
        self.app.push_screen(retrieval, done)

    @on(DataTable.RowSelected)
    def data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_retrieve()
