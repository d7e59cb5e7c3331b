"""The Framework screen: cases x codes, each cell's segments beside its summary editor.

The grid marks each cell: ``●`` a summary, ``○`` segments without a summary,
``·`` empty, with the number of segments.  Arrow keys move between cells;
Enter (or ``e``) edits the cell's summary, which is saved as you type; Esc
leaves the editor; Tab reaches the segments, where Enter jumps to one in its
transcript (``JumpTo``).  ``a`` switches the rows between documents and the
values of each document attribute.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from qualtui.analysis.framework import Cell, FrameworkMatrix, build_framework
from qualtui.editing.live_edit import LiveEdit, StoredFrameworkSummary
from qualtui.text.normalise import clean_label
from tui.autosave import Autosave
from tui.keymap import binding_maker
from tui.messages import JumpTo
from tui.screens.screen_base import ProjectScreen
from tui.widgets.plain_table import PlainTable

_b = binding_maker("framework")
MARKS = {"done": "\u25cf", "open": "\u25cb", "empty": "\u00b7"}


def cell_text(cell: Cell) -> Text:
    mark = MARKS[cell.state]
    count = f" {len(cell.codings)}" if cell.codings else ""
    style = {"done": "bold", "open": "", "empty": "dim"}[cell.state]
    return Text(mark + count, style=style)


class FrameworkScreen(ProjectScreen):
    DEFAULT_CSS = """
    FrameworkScreen #fw-title { height: auto; max-height: 2; background: $panel; text-style: bold; padding: 0 1; }
    FrameworkScreen #fw-grid { height: 2fr; }
    FrameworkScreen #fw-below { height: 3fr; border-top: hkey $panel-lighten-2; }
    FrameworkScreen #fw-segments { width: 1fr; border: round $panel-lighten-2; }
    FrameworkScreen #fw-summary { width: 1fr; }
    FrameworkScreen #fw-hint { height: 1; background: $panel; color: $foreground 70%; padding: 0 1; }
    """
    BINDINGS = [
        _b("e", "edit", "Edit the summary of the highlighted cell (saved as you type)", "edit"),
        _b("a", "next_rows", "Rows: documents, or the values of the next document attribute", "rows"),
    ]

    def __init__(self, project, history, *, current_document: str | None = None) -> None:
        super().__init__(project, history, current_document=current_document)
        self.by_attr: str | None = None
        self.matrix: FrameworkMatrix | None = None
        self.cell: Cell | None = None
        self._loading = False
        self.autosave: Autosave | None = None  # the summary being typed, saved within a second of each pause

    def compose(self) -> ComposeResult:
        yield Static("Framework matrix", id="fw-title", markup=False)
        yield PlainTable(id="fw-grid", cursor_type="cell")
        with Horizontal(id="fw-below"):
            yield OptionList(id="fw-segments")
            yield TextArea(id="fw-summary", soft_wrap=True)
        yield Static("arrows cells  Enter edit  Esc stop editing  Tab segments (Enter jumps)  a rows  ? keys",
                     id="fw-hint", markup=False)

    @property
    def grid(self) -> DataTable:
        return self.query_one("#fw-grid", DataTable)

    @property
    def editor(self) -> TextArea:
        return self.query_one("#fw-summary", TextArea)

    @property
    def segments(self) -> OptionList:
        return self.query_one("#fw-segments", OptionList)

    def on_mount(self) -> None:
        self.reload()
        self.grid.focus()

    def reload(self) -> None:
        if not self.stop_editing():
            return
        grid = self.grid
        keep = grid.cursor_coordinate if grid.row_count else None
        try:
            self.matrix = build_framework(self.project, by_attr=self.by_attr)
        except Exception as exc:
            self.report("build the matrix", exc)
            return
        matrix = self.matrix
        grid.clear(columns=True)
        grid.add_column("case")
        for column in matrix.columns:
            grid.add_column(clean_label(column.label, 30))
        for case in matrix.cases:
            grid.add_row(Text(case.label), *[cell_text(matrix.cell(case, c)) for c in matrix.columns])
        if keep is not None and keep.row < grid.row_count and keep.column < len(grid.columns):
            grid.cursor_coordinate = keep
        elif matrix.columns and matrix.cases:
            grid.cursor_coordinate = grid.cursor_coordinate._replace(row=0, column=1)
        self.show_title()
        self.show_cell()

    def show_title(self) -> None:
        matrix = self.matrix
        rows = f"values of {clean_label(self.by_attr)}" if self.by_attr else "documents"
        states = [c.state for c in matrix.cells.values()] if matrix else []
        self.query_one("#fw-title", Static).update(
            f"Framework: {rows} x codes; {states.count('done')} summarised, {states.count('open')} with "
            f"segments but no summary, {states.count('empty')} empty  (\u25cf summary  \u25cb to do  \u00b7 empty)")

    def highlighted_cell(self) -> Cell | None:
        matrix = self.matrix
        if matrix is None or not matrix.cases or not matrix.columns:
            return None
        coordinate = self.grid.cursor_coordinate
        if coordinate.column == 0 or coordinate.row >= len(matrix.cases):
            return None
        return matrix.cell(matrix.cases[coordinate.row], matrix.columns[coordinate.column - 1])

    def show_cell(self) -> None:
        if not self.stop_editing():
            return  # the summary could not be saved: keep it on screen (the error is shown)
        self.cell = cell = self.highlighted_cell()
        options = []
        if cell is not None:
            for i, quote in enumerate(self.matrix.quotes(self.project, cell)):
                options.append(Option(Text(f"{quote.citation}: {quote.text}"), id=str(i)))
        segments = self.segments
        segments.clear_options()
        segments.add_options(options or [Option(Text("No coded segments in this cell", style="italic"),
                                                disabled=True)])
        if options:
            segments.highlighted = 0
        segments.border_title = (f"{clean_label(cell.case.label)} x {clean_label(cell.column.label)}"
                                 if cell else "Choose a cell")
        self._loading = True
        self.editor.load_text(cell.summary.text if cell and cell.summary else "")
        self._loading = False
        self.editor.disabled = cell is None
        self.editor.border_title = "Summary (markdown, saved as you type)" if cell else ""

    # events ------------------------------------------------------------------------------------
    @on(DataTable.CellHighlighted)
    def data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        self.show_cell()

    @on(DataTable.CellSelected)
    def data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_edit()

    @on(TextArea.Changed)
    def text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        cell = self.cell
        if self._loading or cell is None:
            return
        if self.autosave is None:
            try:
                edit = LiveEdit(StoredFrameworkSummary(self.project, cell.case.key, cell.column.code_id))
            except Exception as exc:
                self.report("start editing the summary", exc)
                return
            self.autosave = Autosave(self, edit, lambda: self.editor.text, self.history, "save the summary",
                                     saved=lambda: self.mark_saved(cell))
        self.autosave.changed()

    def stop_editing(self) -> bool:
        """Save the summary being typed and end its session (one undo step); False if the save failed."""
        autosave = self.autosave
        if autosave is None:
            return True
        if not autosave.close():
            return False
        self.autosave = None
        self.mark_saved(self.cell)
        return True

    def save_open_memo(self) -> bool:
        """For the app before quitting: save unsaved text; False if that failed."""
        return self.stop_editing()

    def mark_saved(self, cell: Cell | None) -> None:
        """Show the stored state of *cell* in the grid (a summary or not) once its text is on disk."""
        if cell is None or self.matrix is None:
            return
        cell.summary = self.project.framework.get(cell.case.key, cell.column.code_id)
        try:
            row = self.matrix.cases.index(cell.case)
            column = self.matrix.columns.index(cell.column) + 1
        except ValueError:  # the grid was rebuilt meanwhile and shows the stored state already
            return
        self.grid.update_cell_at((row, column), cell_text(cell))
        self.show_title()

    @on(OptionList.OptionSelected)
    def option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        cell = self.cell
        if cell is None or event.option.id is None:
            return
        ordered = sorted(cell.codings, key=lambda c: (self.project.docs.by_id(c.document).name.casefold(), c.start))
        coding = ordered[int(event.option.id)]
        self.dismiss(JumpTo(coding.document, coding.start, coding.end))

    # actions -----------------------------------------------------------------------------------
    def action_edit(self) -> None:
        if self.cell is not None:
            self.editor.focus()

    def action_close(self) -> None:
        if not self.stop_editing():
            return
        if self.editor.has_focus:       # Esc in the editor: back to the grid (the summary is saved)
            self.grid.focus()
            return
        super().action_close()

    def action_next_rows(self) -> None:
        keys = sorted({k for d in self.project.docs.all() for k in d.attributes}, key=str.casefold)
        choices: list[str | None] = [None, *keys]
        position = choices.index(self.by_attr) if self.by_attr in choices else 0
        self.by_attr = choices[(position + 1) % len(choices)]
        self.reload()
