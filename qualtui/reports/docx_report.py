"""The report as a Word document (python-docx), for supervisors and co-authors."""

from __future__ import annotations

import io

from qualtui.reports.model import CodeEntry, Report
from qualtui.textnorm import strip_controls


def _clean(text: str) -> str:
    # Word rejects control characters in XML text; strip them (tabs and newlines stay).
    return strip_controls(text)


def _definition(document, entry: CodeEntry) -> None:
    code = entry.code
    for label, value in (("Definition", code.description), ("Include", code.inclusion),
                         ("Exclude", code.exclusion), ("Example", code.example)):
        if value.strip():
            para = document.add_paragraph(style="List Bullet")
            para.add_run(f"{label}: ").bold = True
            para.add_run(_clean(" ".join(value.split())))


def _entry_body(document, entry: CodeEntry) -> None:
    for memo in entry.memos:
        para = document.add_paragraph()
        para.add_run(f"Memo ({_clean(memo.author)}, {memo.modified[:10]}): ").italic = True
        para.add_run(_clean(memo.text.strip()))
    document.add_paragraph(f"{entry.segments} segments in {entry.documents} documents.")
    for quote in entry.quotes:
        document.add_paragraph(_clean(quote.text), style="Quote")
        cite = document.add_paragraph()
        cite.add_run("\u2014 " + _clean(quote.citation)).italic = True
        if quote.memo:
            document.add_paragraph(_clean(f"(memo: {' '.join(quote.memo.split())})"))


def render_docx(report: Report) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = _clean(report.title)
    document.add_heading(_clean(report.title), level=0)
    document.add_paragraph(
        f"Thematic analysis report generated {report.generated}: {report.documents} documents, "
        f"{report.codings} codings" + (f" by {_clean(', '.join(report.coders))}." if report.coders else ".")
    )
    document.add_heading("Codebook", level=1)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, ("Code", "Segments", "Documents", "Definition")):
        cell.text = title
    for entry in report.codebook:
        cells = table.add_row().cells
        cells[0].text = "\u2003" * entry.depth + _clean(entry.code.name) + ("" if entry.code.codable else " (theme)")
        cells[1].text = str(entry.segments)
        cells[2].text = str(entry.documents)
        cells[3].text = _clean(" ".join(entry.code.description.split()))
    document.add_heading("Themes", level=1)
    for theme in report.themes:
        document.add_heading(_clean(theme.entry.code.name), level=2)
        _definition(document, theme.entry)
        if theme.entry.segments or theme.entry.memos:
            _entry_body(document, theme.entry)
        for entry in theme.codes:
            document.add_heading(_clean(entry.path), level=3)
            _definition(document, entry)
            _entry_body(document, entry)
    if report.include_memos and report.journal:
        document.add_heading("Reflexive journal", level=1)
        for memo in report.journal:
            document.add_heading(memo.created[:10] + (f" \u2014 {_clean(memo.title)}" if memo.title else ""), level=2)
            for block in _clean(memo.text.strip()).split("\n\n"):
                document.add_paragraph(block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
