"""Project-wide search with auto-coding.

Type a pattern and press Enter: hits from every transcript (plain or regex,
case, whole words, only some speakers, without interviewers, only documents with
an attribute) are listed with their context (a LineTable: only the rows on
screen are drawn, whatever the hit limit).  Enter on a hit dismisses with
``JumpTo``; c codes every hit (or its sentence, or its turn) in one undoable
step; s codes every turn of a speaker.
"""

from __future__ import annotations

import re
from collections import Counter

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Static

from qualtui.analysis import autocode
from qualtui.analysis.corpus import Corpus, Scope
from qualtui.analysis.search import SearchQuery, SearchResult, search
from qualtui.text.normalise import clean_label, strip_controls
from tui.keymap import binding_maker
from tui.messages import JumpTo
from tui.dialogs.code_picker import CodePicker, Picked
from tui.dialogs.simple import ChooseDialog
from tui.screens.screen_base import ProjectScreen
from tui.widgets.on_off import OnOff
from tui.transcript_layout import text_cells
from tui.widgets.line_table import GAP, MARKER, LineTable, Styled

BEFORE = 24   # characters of context shown before a hit, so the hit itself stays in view
AFTER = 80
HEADINGS = ("code?", "document", "line", "speaker", "hit in context")
WIDEST = {"document": 30, "speaker": 20}   # the context takes the rest

UNIT_CHOICES = (("match", "just the matching text"), ("sentence", "the sentence around each hit"),
                ("turn", "the whole speaker turn of each hit"))


_b = binding_maker("search_screen")


def _flat(text: str) -> str:
    """Whitespace runs (newlines too) as one space, keeping a space at either end."""
    return re.sub(r"\s+", " ", strip_controls(text))


class SearchScreen(ProjectScreen):
    DEFAULT_CSS = """
    SearchScreen .row { height: auto; }
    SearchScreen #ss-pattern { width: 1fr; }
    SearchScreen #ss-speakers, SearchScreen #ss-attributes { width: 1fr; }
    SearchScreen Checkbox { width: auto; }
    SearchScreen #ss-status { height: 1; background: $panel; text-style: bold; padding: 0 1; }
    SearchScreen #ss-results { height: 1fr; }
    SearchScreen #ss-hint { height: auto; max-height: 3; background: $panel; color: $foreground 70%; padding: 0 1; }
    """
    BINDINGS = [
        _b("slash", "focus_pattern", "Edit the search pattern", "pattern"),
        _b("ctrl+t", "toggle('regex')", "Toggle regular expression", "regex"),
        _b("j", "cursor(1)", "Next hit", "down"),
        _b("k", "cursor(-1)", "Previous hit", "up"),
        _b("enter", "jump", "Jump to the hit in its transcript", "jump"),
        _b("x", "exclude", "Leave the highlighted hit out of 'code every hit' (again: put it back)", "exclude"),
        _b("c", "code_hits", "Code every hit not left out with x (or its sentence or turn) in one undoable step",
           "code_hits"),
        _b("s", "code_speaker", "Auto-code every turn of a speaker", "code_speaker"),
    ]

    def __init__(self, project, history, *, current_document: str | None = None, pattern: str = "") -> None:
        super().__init__(project, history, current_document=current_document)
        self.pattern = pattern
        self.result: SearchResult | None = None
        self.corpus: Corpus | None = None
        self.excluded: set[int] = set()  # indexes of hits left out of "code every hit"
        self.rows: list[list] = []

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Input(self.pattern, placeholder="search all transcripts (Enter)", id="ss-pattern")
            yield OnOff("regex", id="ss-regex")
            yield OnOff("case", id="ss-case")
            yield OnOff("word", id="ss-word")
        with Horizontal(classes="row"):
            yield Input(placeholder="only speakers (comma separated)", id="ss-speakers")
            yield Input(placeholder="only documents with key=value ...", id="ss-attributes")
            yield OnOff("no interviewers", id="ss-no-interviewer")
        yield Static("Type a pattern and press Enter", id="ss-status", markup=False)
        yield LineTable(id="ss-results", zebra_stripes=True)
        yield Static("? keys  Enter search/jump  / pattern  tab options  x leave a hit out  c code every hit  s code a speaker  u undo  "
                     "esc back", id="ss-hint", markup=False)

    @property
    def table(self) -> LineTable:
        return self.query_one("#ss-results", LineTable)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.fill_table()
        self.query_one("#ss-pattern", Input).focus()
        if self.pattern:
            self.run_search()

    # searching ----------------------------------------------------------------------------------
    def build_query(self) -> tuple[SearchQuery, Scope]:
        speakers = tuple(s.strip() for s in self.query_one("#ss-speakers", Input).value.split(",") if s.strip())
        attributes = self.query_one("#ss-attributes", Input).value.split()
        query = SearchQuery(self.query_one("#ss-pattern", Input).value,
                            regex=self.query_one("#ss-regex", Checkbox).value,
                            case_sensitive=self.query_one("#ss-case", Checkbox).value,
                            whole_word=self.query_one("#ss-word", Checkbox).value, speakers=speakers,
                            exclude_roles=("interviewer",) if self.query_one("#ss-no-interviewer", Checkbox).value
                            else ())
        return query, Scope.build(self.project, attributes=attributes)

    def run_search(self) -> None:
        try:
            query, scope = self.build_query()
            self.corpus = Corpus(self.project, scope)
            self.result = search(self.corpus, query)
        except Exception as exc:
            self.report("search", exc)
            return
        self.show_result()
        if self.result.hits:
            self.table.focus()

    def show_result(self) -> None:
        result = self.result
        self.excluded = set()
        self.rows = [] if result is None else [
            ["yes", clean_label(hit.document, WIDEST["document"]), hit.lines,
             clean_label(hit.speaker or "", WIDEST["speaker"]),
             Styled([(_flat(hit.before)[-BEFORE:], "dim"), (_flat(hit.text), "bold reverse"),
                     (_flat(hit.after)[:AFTER], "dim")])] for hit in result.hits]
        self.fill_table(cursor=0)
        if result is None:
            return
        documents = len({h.document_id for h in result.hits})
        count = f"first {len(result.hits)}" if result.truncated else str(len(result.hits))
        self.query_one("#ss-status", Static).update(
            f"{count} hit{'s' if len(result.hits) != 1 else ''} in {documents} of {result.documents} "
            f"document{'s' if result.documents != 1 else ''}" + ("; more not shown" if result.truncated else ""))

    def fill_table(self, cursor: int | None = None) -> None:
        """Columns as wide as their widest cell (names and speakers up to a limit); the context takes the rest.

        The cursor stays where it is unless *cursor* says where."""
        width = self.size.width or 120
        self._filled_width = width
        widths = [max([len(h)] + [text_cells(str(row[i])) for row in self.rows]) for i, h in enumerate(HEADINGS[:-1])]
        widths = [min(w, WIDEST.get(h, w)) for w, h in zip(widths, HEADINGS)]
        rest = width - len(MARKER) - sum(widths) - len(GAP) * len(widths) - 2   # 2: the scroll bar
        columns = [*zip(HEADINGS, widths), (HEADINGS[-1], max(30, rest))]
        table = self.table
        table.show(columns, self.rows, cursor=table.cursor_row if cursor is None else cursor)

    def on_resize(self) -> None:
        if self.size.width != getattr(self, "_filled_width", self.size.width):
            self.fill_table()

    @on(Input.Submitted)
    def input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_search()

    @on(LineTable.RowSelected)
    def row_selected(self, event: LineTable.RowSelected) -> None:
        event.stop()
        self.action_jump()

    # actions ------------------------------------------------------------------------------------
    def action_focus_pattern(self) -> None:
        self.query_one("#ss-pattern", Input).focus()

    def action_toggle(self, name: str) -> None:
        box = self.query_one(f"#ss-{name}", Checkbox)
        box.value = not box.value

    def action_cursor(self, step: int) -> None:
        if step > 0:
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()

    def action_jump(self) -> None:
        if self.result and self.result.hits and self.table.row_count:
            hit = self.result.hits[min(self.table.cursor_row, len(self.result.hits) - 1)]
            self.dismiss(JumpTo(hit.document_id, hit.start, hit.end))

    def action_exclude(self) -> None:
        if not self.result or not self.result.hits or not self.table.row_count:
            return
        row = min(self.table.cursor_row, len(self.result.hits) - 1)
        self.excluded ^= {row}
        self.rows[row][0] = "no" if row in self.excluded else "yes"
        self.table.refresh_row(row)
        left = len(self.excluded)
        self.query_one("#ss-status", Static).update(
            f"{len(self.result.hits) - left} of {len(self.result.hits)} hits will be coded by c"
            + (f" ({left} left out with x)" if left else ""))
        self.table.action_cursor_down()

    def action_code_hits(self) -> None:
        if not self.result or not self.result.hits or self.corpus is None:
            self.notify("Search first: there are no hits to code", severity="warning")
            return
        result, corpus = self.result, self.corpus
        hits = [h for i, h in enumerate(result.hits) if i not in self.excluded]
        if not hits:
            self.notify("Every hit is left out (x puts one back)", severity="warning")
            return
        left = f", {len(self.excluded)} left out" if self.excluded else ""
        how_many = (f"the first {len(hits)}" if result.truncated else f"all {len(hits)}") + left

        def unit_chosen(index: int | None) -> None:
            if index is None:
                return
            unit = UNIT_CHOICES[index][0]
            try:
                spans = autocode.spans_for_hits(corpus, hits, unit)
            except Exception as exc:
                self.report("work out what to code", exc)
                return
            self.pick_code_then(f"Code {how_many} hits ({unit}) as", spans, f"code {len(hits)} hits")

        self.app.push_screen(ChooseDialog(f"Code {how_many} hits: what to code for each hit?",
                                          [f"{unit}: {label}" for unit, label in UNIT_CHOICES]), unit_chosen)

    def action_code_speaker(self) -> None:
        try:
            corpus = self.corpus or Corpus(self.project, self.build_query()[1])
            turns = Counter(t.speaker for v in corpus.documents for t in v.turns if t.speaker)
        except Exception as exc:
            self.report("read the speakers", exc)
            return
        if not turns:
            self.notify("No speaker labels in these documents", severity="warning")
            return
        # One row per speaker as coding matches them (canonical name, ignoring case), naming every spelling
        # it covers: "Interviewer" and "INTERVIEWER" are one row, since choosing either codes both.
        canonical = self.project.speakers.canonical
        groups: dict[str, list[str]] = {}
        for name in sorted(turns, key=str.casefold):
            groups.setdefault((canonical(name) or name).casefold(), []).append(name)
        rows = sorted(groups.values(), key=lambda spellings: spellings[0].casefold())

        def label(spellings: list[str]) -> str:
            count = sum(turns[n] for n in spellings)
            return f"{' / '.join(clean_label(n, 30) for n in spellings)}  ({count} turn{'s' if count != 1 else ''})"

        def chosen(index: int | None) -> None:
            if index is None:
                return
            spellings = rows[index]
            try:
                spans = autocode.spans_for_speakers(corpus, spellings)
            except Exception as exc:
                self.report("find the speaker's turns", exc)
                return
            shown = " / ".join(clean_label(n) for n in spellings)
            self.pick_code_then(f"Code every turn of {shown!r} ({label(spellings).rsplit('(', 1)[1][:-1]}) as",
                                spans, f"code the turns of {shown!r}")

        self.app.push_screen(ChooseDialog("Auto-code every turn of which speaker? (one row per speaker; every "
                                          "spelling listed is coded)", [label(r) for r in rows]), chosen)

    def pick_code_then(self, title: str, spans: autocode.Spans, what: str) -> None:
        try:
            codes = self.project.codes.all()
        except Exception as exc:
            self.report("read the codebook", exc)
            return
        paths = {c.id: self.project.codes.path(c, codes) for c in codes}

        def picked(answer: Picked | None) -> None:
            if answer is not None:
                self.code_spans(answer, spans, what)

        self.app.push_screen(CodePicker(codes, paths, title, no_color=self.no_color), picked)

    def code_spans(self, answer: Picked, spans: autocode.Spans, what: str) -> None:
        def code_them():
            if answer.new_name:
                outcome, change = autocode.autocode(self.project, answer.new_name, spans, create=True)
            else:
                outcome, change = autocode.code_spans(self.project, answer.code_id, spans)
            if not outcome.added:
                if answer.new_name and change is not None:
                    change.undo()  # nothing was coded: do not leave a new, empty code behind
                change = None  # and nothing to undo
            return outcome, change

        outcome = self.run_edit(what, code_them)
        if outcome is None:
            return
        skipped = f"; {outcome.skipped} already coded" if outcome.skipped else ""
        self.notify(f"Coded {len(outcome.added)} span{'s' if len(outcome.added) != 1 else ''} in "
                    f"{outcome.documents} document{'s' if outcome.documents != 1 else ''} as "
                    f"{clean_label(outcome.code)!r}{skipped}" + ("; u undoes" if outcome.added else ""))
