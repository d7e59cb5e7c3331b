"""Inter-coder agreement: choose coders (c) and unit (t); a per-code table and the disagreements.

The statistics are ``qualtui.team.agreement``'s (see ``qualtui agreement --help``
for the exact definitions); undefined values read "undefined", never 0 or 1.
Enter on a code lists only its disagreements (x lists all again); Enter on a
disagreement dismisses with ``JumpTo``.
"""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from qualtui.team.agreement import AgreementReport, Disagreement, disagreements, load, report
from qualtui.text.normalise import clean_label
from tui.keymap import binding_maker
from tui.messages import JumpTo
from tui.dialogs.pickers import MarkDialog
from tui.screens.screen_base import ProjectScreen
from tui.widgets.bar_table import BarTable, coefficient, number, share_cell
from tui.widgets.plain_table import one_line

UNIT_LABELS = {"char": "every character", "turn": "every speaker turn"}


_b = binding_maker("agreement")


class AgreementScreen(ProjectScreen):
    DEFAULT_CSS = """
    AgreementScreen #ag-title { height: auto; max-height: 2; background: $panel; text-style: bold; padding: 0 1; }
    AgreementScreen #ag-codes { height: 1fr; }
    AgreementScreen #ag-dis-title { height: 1; background: $panel; text-style: bold; padding: 0 1; }
    AgreementScreen #ag-disagreements { height: 1fr; }
    AgreementScreen #ag-hint { height: auto; max-height: 3; background: $panel; color: $foreground 70%; padding: 0 1; }
    """
    BINDINGS = [
        _b("c", "choose_coders", "Choose the coders to compare", "coders"),
        _b("t", "toggle_unit", "Unit: every character / every speaker turn", "unit"),
        _b("enter", "enter", "On a code: list its disagreements; on a disagreement: jump to it", "select"),
        _b("x", "all_disagreements", "List the disagreements of every code", "all"),
    ]

    def __init__(self, project, history, *, current_document: str | None = None,
                 coders: list[str] | None = None, unit: str = "char") -> None:
        super().__init__(project, history, current_document=current_document)
        self.coders = list(coders or [])
        self.unit = unit
        self.result: AgreementReport | None = None
        self.found: list[Disagreement] = []
        self.only_code: str | None = None
        self.listed: list[Disagreement] = []

    def compose(self) -> ComposeResult:
        yield Static("Agreement", id="ag-title", markup=False)
        yield BarTable(id="ag-codes")
        yield Static("Disagreements", id="ag-dis-title", markup=False)
        yield BarTable(id="ag-disagreements")
        yield Static("? keys  c coders  t unit  Enter: code's disagreements / jump  x all  tab: other table  esc back",
                     id="ag-hint", markup=False)

    @property
    def codes_table(self) -> BarTable:
        return self.query_one("#ag-codes", BarTable)

    @property
    def disagreement_table(self) -> BarTable:
        return self.query_one("#ag-disagreements", BarTable)

    def coder_counts(self) -> Counter[str]:
        return self.project.codings.per_coder()

    def on_mount(self) -> None:
        self.codes_table.focus()
        remembered = self.memory
        if not self.coders and remembered.get("coders"):  # as you left it last time
            self.coders = list(remembered["coders"])
            self.unit = remembered.get("unit", self.unit)
            self.only_code = remembered.get("only_code")
        if len(self.coders) >= 2:
            self.reload()
            return
        try:
            counts = self.coder_counts()
        except Exception as exc:
            self.report("read the codings", exc)
            return
        if len(counts) == 2:
            self.coders = sorted(counts, key=str.casefold)
            self.reload()
        elif len(counts) < 2:
            self.show_message("Agreement needs codings by at least two coders.")
        else:
            self.show_message("Choose the coders to compare (c).")
            self.action_choose_coders()

    def show_message(self, message: str) -> None:
        self.query_one("#ag-title", Static).update(message)
        self.codes_table.show(["code"], [])
        self.disagreement_table.show(["document"], [])
        self.query_one("#ag-dis-title", Static).update("Disagreements")

    # computing ----------------------------------------------------------------------------------
    def reload(self) -> None:
        if len(self.coders) < 2:
            return
        self.memory.update(coders=list(self.coders), unit=self.unit, only_code=self.only_code)
        try:
            material = load(self.project, self.coders, unit=self.unit)
            self.result = report(material)
            self.found = disagreements(material)
        except Exception as exc:
            self.result, self.found = None, []
            self.report("compute the agreement", exc)
            self.show_message(f"No agreement for {', '.join(clean_label(c) for c in self.coders)}: "
                              "see the error (c chooses other coders)")
            return
        self.show_report()
        self.show_disagreements()

    def show_report(self) -> None:
        result = self.result
        two = len(result.coders) == 2
        documents = len(result.documents)
        self.query_one("#ag-title", Static).update(
            f"Agreement of {', '.join(clean_label(c, 30) for c in result.coders)}; unit: {UNIT_LABELS[result.unit]}; "
            f"{documents} document{'s' if documents != 1 else ''} coded by all; {result.units} units per code")
        narrow = 0 < self.size.width < 100   # shorter names and bars so kappa and alpha stay in view
        name_width, percent_bar, positive_bar = (18, 0, 4) if narrow else (30, 6, 10)
        # Explicit widths: DataTable's auto widths lag behind when the table is refilled on a resize.
        columns = [("code", name_width)] + (
            [("coded", 5), ("all", 5), ("agree", 7), ("positive", 12)] if narrow else
            [("units coded", 11), ("by all", 6), ("% agreement", 13), ("positive agreement", 18)])
        columns += ([("kappa", 5)] if two else []) + [("alpha", 5)]

        def stat_cells(stats) -> list[Text]:
            return ([share_cell(stats.percent, percent_bar), share_cell(stats.positive, positive_bar)]
                    + ([coefficient(stats.kappa)] if two else []) + [coefficient(stats.alpha)])

        rows = []
        for code in result.codes:
            name = Text(clean_label(code.code.rsplit("/", 1)[-1]), no_wrap=True, overflow="ellipsis")
            rows.append((code.code_id, [name, number(code.stats.coded_any), number(code.stats.coded_all)]
                         + stat_cells(code.stats)))
        pooled = result.pooled
        rows.append((None, [Text("pooled (units x codes)", style="bold"), number(pooled.coded_any),
                            number(pooled.coded_all)] + stat_cells(pooled)))
        rows.append((None, [Text(f"mean of {len(result.codes)} codes", style="bold"), Text(""), Text("")]
                     + stat_cells(result.mean)))
        self.codes_table.show(columns, rows)

    def show_disagreements(self) -> None:
        self.memory["only_code"] = self.only_code
        self.listed = [d for d in self.found if self.only_code is None or d.code_id == self.only_code]
        code_name = next((c.code for c in self.result.codes if c.code_id == self.only_code), None) \
            if self.result and self.only_code else None
        self.query_one("#ag-dis-title", Static).update(
            f"Disagreements: {len(self.listed)}" + (f" for {clean_label(code_name)} (x: all codes)" if code_name
                                                    else " (Enter on a code lists only its own)"))
        columns = [("document", 12), ("lines", 7)] + ([] if code_name else [("code", 20)]) \
            + [("coded by", 12), ("not by", 12)]
        # the text gets the rest of the width (DataTable pads each cell by one column either side)
        text_width = max(20, (self.size.width or 120) - sum(w for _, w in columns) - 2 * (len(columns) + 1) - 2)
        columns.append(("text", text_width))
        rows = []
        for item in self.listed:
            cells = [clean_label(item.document, 12), item.lines]
            if not code_name:
                cells.append(clean_label(item.code.rsplit("/", 1)[-1], 20))
            cells += [clean_label(", ".join(item.coded_by), 12), clean_label(", ".join(item.not_coded_by), 12),
                      one_line(item.text, text_width)]
            rows.append((None, cells))
        self.disagreement_table.show(columns, rows)

    # actions ------------------------------------------------------------------------------------
    def action_enter(self) -> None:
        if self.focused is self.disagreement_table:
            table = self.disagreement_table
            if self.listed and table.row_count:
                item = self.listed[min(table.cursor_row, len(self.listed) - 1)]
                self.dismiss(JumpTo(item.document_id, item.start, item.end))
        else:
            self.only_code = self.codes_table.current_id
            self.show_disagreements()
            if self.listed:
                self.disagreement_table.focus()

    def on_resize(self) -> None:
        if self.result is not None and (self.size.width < 100) != getattr(self, "_narrow", None):
            self._narrow = self.size.width < 100
            self.show_report()
        if self.result is not None and self.size.width != getattr(self, "_text_for", None):
            self._text_for = self.size.width
            self.show_disagreements()

    @on(DataTable.RowSelected)
    def data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_enter()

    def action_all_disagreements(self) -> None:
        self.only_code = None
        self.show_disagreements()

    def action_toggle_unit(self) -> None:
        self.unit = "turn" if self.unit == "char" else "char"
        self.reload()

    def action_choose_coders(self) -> None:
        try:
            counts = self.coder_counts()
        except Exception as exc:
            self.report("read the codings", exc)
            return
        chosen = {c.casefold() for c in self.coders}
        names = sorted(counts, key=str.casefold)
        choices = [(f"{clean_label(n, 40)}  ({counts[n]} codings)", n, n.casefold() in chosen) for n in names]

        def done(marked: list | None) -> None:
            if marked is None:
                return
            if len(marked) < 2:
                self.notify("Mark at least two coders", severity="warning")
                return
            self.coders = marked
            self.only_code = None
            self.reload()

        self.app.push_screen(MarkDialog("Compare which coders? (space marks)", choices), done)
