"""The retrieval view: every segment coded with a code (optionally with its sub-codes) across the project.

A LineTable lists the segments (document, lines, speaker, coder, code, memo
mark, text: tens of thousands of rows, only the visible ones drawn); the pane
below shows the highlighted one with its memo and, on demand (+ / -), whole
lines of context.  Filters: document attribute
values, one coder, and no interviewers (segments spoken only by speakers whose
canonical role is interviewer, as ``retrieve --no-interviewer``).  Enter
dismisses with ``JumpTo``.

The segments are retrieved with a streaming corpus (each document's text forgotten once its segments are
taken): the pane reads the highlighted segment's document again when it shows context.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from qualtui.analysis.corpus import Corpus, DocumentView, Scope
from qualtui.analysis.retrieval import Segment, retrieve
from qualtui.services.speakers import INTERVIEWER
from qualtui.text.normalise import clean_label, strip_controls
from tui.keymap import binding_maker
from tui.messages import JumpTo
from tui.dialogs.simple import ChooseDialog
from tui.dialogs.pickers import CodeChooser
from tui.screens.screen_base import ProjectScreen
from tui.widgets.line_table import GAP, MARKER, LineTable

MAX_CONTEXT = 20
NARROW = 100       # below this width the table leaves out coder and code


_b = binding_maker("retrieval")


class SegmentRows(Sequence):
    """The table's rows, made from the segments only when drawn (60,000 segments cost nothing up front)."""

    def __init__(self, segments: list[Segment], names: list[str], relative: Callable[[str], str]) -> None:
        self.segments = segments
        self.cells: list[Callable[[Segment], str]] = [{
            "document": lambda s: s.document,
            "lines": lambda s: s.lines,
            "speaker": lambda s: " & ".join(s.speakers),
            "coder": lambda s: s.coder,
            "code": lambda s: relative(s.code),
            "memo": lambda s: "memo" if s.memo else "",
            "text": lambda s: s.text,
        }[name] for name in names]

    def __len__(self) -> int:
        return len(self.segments)

    def __getitem__(self, index):  # type: ignore[override]
        segment = self.segments[index]
        return [cell(segment) for cell in self.cells]


class RetrievalScreen(ProjectScreen):
    DEFAULT_CSS = """
    RetrievalScreen #rv-title { height: auto; max-height: 2; background: $panel; text-style: bold; padding: 0 1; }
    RetrievalScreen #rv-table { height: 1fr; }
    RetrievalScreen #rv-preview { height: 40%; min-height: 5; border-top: hkey $panel-lighten-2; padding: 0 1; }
    RetrievalScreen #rv-hint { height: auto; max-height: 3; background: $panel; color: $foreground 70%; padding: 0 1; }
    """
    BINDINGS = [
        _b("j", "cursor(1)", "Next segment", "down"),
        _b("k", "cursor(-1)", "Previous segment", "up"),
        _b("enter", "jump", "Jump to the segment in its transcript", "jump"),
        _b("h", "toggle_children", "Include / exclude the sub-codes' segments", "children"),
        _b("a", "filter_attribute", "Filter by document attribute values (add or remove one key=value; "
           "values of one key are alternatives)", "attribute"),
        _b("f", "filter_coder", "Filter by coder", "coder"),
        _b("i", "toggle_interviewer", "Leave out / bring back segments spoken only by interviewers (role "
           "set with 'qualtui speaker ... --role interviewer')", "no_interviewer"),
        _b("x", "clear_filters", "Clear the filters", "clear"),
        _b("plus,equals_sign", "context(1)", "One more line of context around the segment", "more_context"),
        _b("minus", "context(-1)", "One line less of context", "less_context"),
        _b("o", "choose_code", "Retrieve another code", "code"),
    ]

    def __init__(self, project, history, *, current_document: str | None = None, code_id: str | None = None,
                 children: bool = False) -> None:
        super().__init__(project, history, current_document=current_document)
        self.code_id = code_id
        self.with_children = children
        self.attributes: dict[str, list[str]] = {}  # key -> values (any of them; every key must match)
        self.coder: str | None = None
        self.no_interviewer = False
        self.context_lines = 0
        self.corpus: Corpus | None = None
        self.segments: list[Segment] = []
        self._context_view: DocumentView | None = None   # the one document held for the context shown

    def compose(self) -> ComposeResult:
        yield Static("Retrieval", id="rv-title", markup=False)
        yield LineTable(id="rv-table", zebra_stripes=True)
        with VerticalScroll(id="rv-preview"):
            yield Static("", id="rv-segment")
        yield Static("? keys  Enter jump  h sub-codes  a attribute  f coder  i no interviewers  x clear  "
                     "+ - context  o code  esc back", id="rv-hint", markup=False)

    @property
    def table(self) -> LineTable:
        return self.query_one("#rv-table", LineTable)

    def on_mount(self) -> None:
        self.table.focus()
        if self.code_id is None:
            self.action_choose_code()
        else:
            self.reload()

    # data ---------------------------------------------------------------------------------------
    def scope(self) -> Scope:
        attributes = {k: frozenset(v.casefold() for v in values) for k, values in self.attributes.items()}
        coders = frozenset({self.coder.casefold()}) if self.coder else None
        return Scope(attributes, None, coders)

    def reload(self) -> None:
        if self.code_id is None:
            return
        try:
            self.corpus = Corpus(self.project, self.scope(), streaming=True)
            self._context_view = None
            if self.code_id not in self.corpus.code_by_id:
                self.notify("That code no longer exists", severity="warning")
                self.segments = []
            else:
                ids = [self.code_id, *self.corpus.descendants(self.code_id)] if self.with_children else [self.code_id]
                self.segments = retrieve(self.corpus, ids, exclude_roles=(INTERVIEWER,) if self.no_interviewer
                                         else ())
        except Exception as exc:
            self.report("retrieve the segments", exc)
            self.segments = []
        self.fill_table()
        self.show_title()
        self.show_segment()

    def columns(self, width: int) -> list[tuple[str, int]]:
        """(name, width) of each column but the text, which takes the rest; narrow screens leave out
        coder and code (the pane below names them)."""
        if width < NARROW:
            return [("document", 10), ("lines", 7), ("speaker", 12), ("memo", 4)]
        return ([("document", 12), ("lines", 7), ("speaker", 14), ("coder", 10)]
                + ([("code", 18)] if self.with_children else []) + [("memo", 4)])

    def fill_table(self) -> None:
        table = self.table
        width = self.size.width or 120
        self._filled_width = width
        columns = self.columns(width)
        # the rest of the line, less the cursor mark, the gaps between columns and the scroll bar
        rest = width - len(MARKER) - sum(w for _, w in columns) - len(GAP) * len(columns) - 2
        columns.append(("text", max(20, rest)))
        rows = SegmentRows(self.segments, [name for name, _ in columns], self.relative)
        table.show(columns, rows, cursor=table.cursor_row if table.row_count else 0)

    def on_resize(self) -> None:
        if self.size.width != getattr(self, "_filled_width", self.size.width) and self.corpus is not None:
            self.fill_table()

    def relative(self, path: str) -> str:
        """A sub-code's path below the retrieved code ('Theme/Code' -> 'Code'); the code itself as its name."""
        root = self.corpus.path(self.code_id) if self.corpus and self.code_id else ""
        if path == root:
            return path.rsplit("/", 1)[-1]
        return path[len(root) + 1:] if root and path.startswith(root + "/") else path

    def show_title(self) -> None:
        if self.code_id is None or self.corpus is None:
            return
        name = self.corpus.path(self.code_id)
        documents = len({s.document_id for s in self.segments})
        filters = []
        for key, values in self.attributes.items():
            filters.append(f"{key}={' or '.join(values)}")
        if self.coder:
            filters.append(f"coder {self.coder}")
        if self.no_interviewer:
            filters.append("no interviewers")
        title = (f"Retrieval: {clean_label(name)}{' and its sub-codes' if self.with_children else ''}: "
                 f"{len(self.segments)} segment{'s' if len(self.segments) != 1 else ''} in {documents} "
                 f"document{'s' if documents != 1 else ''}"
                 f"{'; filter: ' + clean_label(', '.join(filters)) if filters else ''}"
                 f"; context {self.context_lines} line{'s' if self.context_lines != 1 else ''}")
        self.query_one("#rv-title", Static).update(title)

    @property
    def highlighted(self) -> Segment | None:
        table = self.table
        if not self.segments or not table.row_count:
            return None
        return self.segments[min(table.cursor_row, len(self.segments) - 1)]

    def show_segment(self) -> None:
        segment = self.highlighted
        pane = self.query_one("#rv-segment", Static)
        if segment is None:
            pane.update("No segments" + (" match the filters (x clears them)." if self.filtered
                                         else " are coded with this code yet."))
            return
        text = Text()
        text.append(clean_label(segment.citation()), style="bold")
        text.append(f"   coder {clean_label(segment.coder)}", style="dim")
        if self.with_children:
            text.append(f"   code {clean_label(segment.code)}", style="dim")
        text.append("\n")
        before = after = ""
        if self.context_lines and self.corpus is not None:
            view = next((v for v in self.corpus.documents if v.id == segment.document_id), None)
            if view is not None:
                before, after = view.context(segment.start, segment.end, self.context_lines)  # read again
                if self._context_view is not None and self._context_view is not view:
                    self._context_view.release()
                self._context_view = view
        text.append(strip_controls(before), style="dim")
        text.append(strip_controls(segment.text), style="bold underline")
        text.append(strip_controls(after), style="dim")
        if segment.memo:
            text.append("\nMemo: ", style="bold")
            text.append(strip_controls(segment.memo))
        pane.update(text)

    @property
    def filtered(self) -> bool:
        return bool(self.attributes or self.coder or self.no_interviewer)

    @on(LineTable.RowHighlighted)
    def row_highlighted(self, event: LineTable.RowHighlighted) -> None:
        event.stop()
        self.show_segment()

    @on(LineTable.RowSelected)
    def row_selected(self, event: LineTable.RowSelected) -> None:
        event.stop()
        self.action_jump()

    # actions ------------------------------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        if step > 0:
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()

    def action_jump(self) -> None:
        segment = self.highlighted
        if segment is not None:
            self.dismiss(JumpTo(segment.document_id, segment.start, segment.end))

    def action_toggle_children(self) -> None:
        self.with_children = not self.with_children
        self.reload()

    def action_context(self, step: int) -> None:
        self.context_lines = max(0, min(MAX_CONTEXT, self.context_lines + step))
        self.show_title()
        self.show_segment()

    def action_clear_filters(self) -> None:
        self.attributes, self.coder = {}, None
        self.no_interviewer = False
        self.reload()

    def action_toggle_interviewer(self) -> None:
        self.no_interviewer = not self.no_interviewer
        self.reload()

    def action_filter_attribute(self) -> None:
        try:
            documents = self.project.docs.all()
        except Exception as exc:
            self.report("read the documents", exc)
            return
        counts = Counter((k, v) for d in documents for k, v in d.attributes.items())
        pairs = sorted(counts, key=lambda kv: (kv[0].casefold(), kv[1].casefold()))
        if not pairs:
            self.notify("No document has attributes (qualtui attr set DOC key=value)", severity="warning")
            return
        labels = ["(all documents)"] + [f"{'[x]' if v in self.attributes.get(k, ()) else '[ ]'} "
                                        f"{clean_label(k, 40)}={clean_label(v, 60)}  ({counts[(k, v)]} doc"
                                        f"{'s' if counts[(k, v)] != 1 else ''})" for k, v in pairs]

        def done(index: int | None) -> None:
            if index is None:
                return
            if index == 0:
                self.attributes = {}
            else:  # toggle one value: values of one key are alternatives, keys must all match
                key, value = pairs[index - 1]
                values = self.attributes.setdefault(key, [])
                values.remove(value) if value in values else values.append(value)
                if not values:
                    del self.attributes[key]
            self.reload()

        self.app.push_screen(ChooseDialog("Only documents with (choose again to add another value; a chosen "
                                          "one again removes it)", labels), done)

    def action_filter_coder(self) -> None:
        self.choose_coder("Only codings by", self.filter_by_coder)

    def filter_by_coder(self, coder: str | None) -> None:
        self.coder = coder
        self.reload()

    def action_choose_code(self) -> None:
        try:
            codes = self.project.codes.all()
        except Exception as exc:
            self.report("read the codebook", exc)
            return
        if not codes:
            self.notify("No codes yet", severity="warning")
            return
        paths = {c.id: self.project.codes.path(c, codes) for c in codes}

        def done(code_id: str | None) -> None:
            if code_id:
                self.code_id = code_id
                self.reload()
            elif self.code_id is None:
                self.dismiss(None)

        self.app.push_screen(CodeChooser("Retrieve the segments of", codes, paths, no_color=self.no_color), done)
