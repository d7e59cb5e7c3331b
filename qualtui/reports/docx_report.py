"""The report as a Word document (python-docx), for supervisors and co-authors.

The codebook keeps its hierarchy (outline numbers, indented names, themes in
bold), theme and code sections are nested headings, the researcher's markdown
becomes Word formatting (``docx_markdown``), and the charts of the HTML report
are tables here.
"""

from __future__ import annotations

import io

from qualtui.reports.docx_markdown import add_inline, add_markdown
from qualtui.reports.markdown import DEFINITION_FIELDS, coverage, heading_title, summary_line
from qualtui.reports.model import CodeEntry, Report
from qualtui.reports.wording import number
from qualtui.text.normalise import strip_controls


def _clean(text: str) -> str:
    # Word rejects control characters in XML text; strip them (tabs and newlines stay).
    return strip_controls(text)


def _indent(cell, depth: int) -> None:
    from docx.shared import Cm

    cell.paragraphs[0].paragraph_format.left_indent = Cm(0.5 * depth)


def _table(document, heads: list[str], numeric_from: int = 1):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = document.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    for i, (cell, title) in enumerate(zip(table.rows[0].cells, heads)):
        cell.paragraphs[0].add_run(_clean(title)).bold = True
        if i >= numeric_from:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def _right(cell, text: str, bold: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run(text).bold = bold or None


def _codebook(document, report: Report) -> None:
    document.add_heading("Codebook", level=1)
    table = _table(document, ["No.", "Code", "Segments", "Documents", "Definition"], numeric_from=2)
    for entry in report.codebook:
        cells = table.add_row().cells
        cells[0].text = entry.number
        run = cells[1].paragraphs[0].add_run(_clean(entry.code.name) + (" (theme)" if entry.is_theme else ""))
        run.bold = entry.is_theme or None
        _indent(cells[1], entry.depth)
        _right(cells[2], number(entry.segments))
        _right(cells[3], number(entry.documents))
        add_inline(cells[4].paragraphs[0], entry.code.description)


def _frequencies(document, report: Report) -> None:
    document.add_heading("Frequencies", level=1)
    table = _table(document, ["Code", "Segments", "Documents", "With sub-codes"])
    for entry in report.codebook:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(f"{entry.number} {_clean(entry.code.name)}").bold = entry.is_theme or None
        _indent(cells[0], entry.depth)
        for cell, value in zip(cells[1:], (entry.segments, entry.documents, entry.total)):
            _right(cell, number(value))
    themes = {e.code.id for e in report.codebook if e.is_theme}
    for matrix in report.matrices:
        document.add_heading(_clean(f"Codes by {matrix.attribute} ({matrix.count})"), level=2)
        heads = [f"{v} (n={number(n)})" for v, n in zip(matrix.values, matrix.documents_per_value)]
        table = _table(document, ["Code", *heads, "Total"])
        for row in matrix.rows:
            cells = table.add_row().cells
            cells[0].paragraphs[0].add_run(_clean(row.name)).bold = row.code_id in themes or None
            _indent(cells[0], row.depth)
            for cell, value in zip(cells[1:], (*row.cells, row.total)):
                _right(cell, number(value))
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run("Total").bold = True
        for cell, value in zip(cells[1:], (*matrix.totals, matrix.grand_total)):
            _right(cell, number(value), bold=True)


def _entry(document, entry: CodeEntry) -> None:
    level = min(9, 2 + entry.depth)
    document.add_heading(_clean(heading_title(entry)), level=level)
    for label, attr in DEFINITION_FIELDS:
        value = getattr(entry.code, attr)
        if value.strip():
            add_markdown(document, value, heading_offset=level, lead=(f"{label}: ", True, False))
    for memo in entry.memos:
        lead = (f"Memo ({_clean(memo.author)}, {memo.modified[:10]}): ", False, True)
        add_markdown(document, memo.text, heading_offset=level, lead=lead)
    if entry.segments or not entry.is_theme:
        document.add_paragraph(coverage(entry))
    for quote in entry.quotes:
        document.add_paragraph(_clean(quote.text), style="Quote")
        cite = document.add_paragraph()
        cite.add_run("\u2014 " + _clean(quote.citation)).italic = True
        if quote.memo and quote.memo.strip():
            add_markdown(document, quote.memo, heading_offset=level, lead=("Coding memo: ", False, True))


def render_docx(report: Report) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = _clean(report.title)
    document.add_heading(_clean(report.title), level=0)
    document.add_paragraph(_clean(summary_line(report)))
    _codebook(document, report)
    _frequencies(document, report)
    document.add_heading("Themes", level=1)
    for theme in report.themes:
        for entry in [theme.entry, *theme.codes]:
            _entry(document, entry)
    if report.include_memos and report.journal:
        document.add_heading("Reflexive journal", level=1)
        for memo in report.journal:
            document.add_heading(memo.created[:10] + (f" \u2014 {_clean(memo.title)}" if memo.title else ""), level=2)
            document.add_paragraph().add_run(_clean(memo.author)).italic = True
            add_markdown(document, memo.text, heading_offset=2)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
