"""The Framework matrix's .docx is written a quote at a time; the document is the one python-docx saved whole.
Every format holds the texts of one case (row) at a time.

The oracle below is the export as it was before it streamed: python-docx building the whole
document (every quote paragraph named "Quote" through its public API), then saving it.
"""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualtui.analysis.framework import FrameworkMatrix, build_framework
from qualtui.cli import cli
from qualtui.model import Transcript
from qualtui.reports import framework_export as fx
from qualtui.reports.framework_docx import write_framework_docx
from qualtui.reports.framework_export import _title
from qualtui.reports.wording import counted
from qualtui.services.framework import attr_case, doc_case
from qualtui.text.normalise import strip_controls


def whole_docx(project, matrix: FrameworkMatrix, *, with_quotes: bool) -> bytes:
    from docx.enum.section import WD_ORIENT

    from qualtui.reports.docx_markdown import add_markdown

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading(strip_controls(_title(project, matrix)), level=1)
    table = document.add_table(rows=1, cols=len(matrix.columns) + 1)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, ["Case", *[c.label for c in matrix.columns]]):
        cell.paragraphs[0].add_run(strip_controls(title)).bold = True
    for case in matrix.cases:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(strip_controls(case.label)).bold = True
        for word_cell, column in zip(cells[1:], matrix.columns):
            cell = matrix.cell(case, column)
            if cell.summary:
                add_markdown(word_cell, cell.summary.text)
            else:
                word_cell.paragraphs[0].add_run(
                    f"{counted(len(cell.codings), 'segment')}, no summary" if cell.codings else "\u2013").italic = True
            for q in (matrix.quotes(project, cell) if with_quotes else []):
                word_cell.add_paragraph(strip_controls(q.text), style="Quote")
                word_cell.add_paragraph().add_run("\u2014 " + strip_controls(q.citation)).italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def streamed_docx(project, matrix: FrameworkMatrix, *, with_quotes: bool) -> bytes:
    out = io.BytesIO()
    write_framework_docx(out, project, matrix, with_quotes=with_quotes)
    return out.getvalue()


def parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [(info.filename, package.read(info)) for info in package.infolist()]


def table_text(data: bytes) -> list[list[list[tuple[str, str]]]]:
    """Each table cell's paragraphs as (style, text), as python-docx reads the file back."""
    document = docx.Document(io.BytesIO(data))
    return [[[(p.style.name, p.text) for p in cell.paragraphs] for cell in row.cells]
            for row in document.tables[0].rows]


# What a quote or a summary might hold that XML or python-docx treats specially.
TRICKY = ["<!--qualtui: more goes here-->", "a & b < c > d", "tab\there", "  lead and trail  ",
          "caf\u00e9 \u4e2d\u6587", "line\nbreak", "\"quoted\" 'too'", "xmlns:w=\"x\""]
SUMMARIES = st.none() | st.sampled_from(["Peers **help**.", "# Head\n\n- one\n- two\n\n1. first",
                                         "| a | b |\n|---|---|\n| 1 | 2 |", "```\ncode\n```", TRICKY[0]])


def fill(project, rows) -> None:
    first = project.codes.find("Theme") or project.codes.create("Theme")
    second = project.codes.find("Second") or project.codes.create("Second")
    for i, (texts, summary) in enumerate(rows):
        text = "".join(f"Ana: {t}\n" for t in texts) or "Ana: nothing coded\n"
        doc = project.docs.add(Transcript(text, (), "txt"), f"D{i} <&>", attributes={"group": f"g{i % 2}"})
        offset = 0
        for n, t in enumerate(texts):
            start = offset + len("Ana: ")
            project.codings.add(doc.id, (first, second)[n % 2].id, start, start + len(t))
            offset += len(f"Ana: {t}\n")
        if summary:
            project.framework.set(doc_case(doc.id), first.id, summary)
    project.framework.set(attr_case("group", "g0"), second.id, "By group: *g0*.")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.lists(st.sampled_from(TRICKY), max_size=5), SUMMARIES), min_size=1, max_size=4),
       st.booleans(), st.booleans())
def test_streamed_docx_is_the_document_python_docx_saved_whole(project, rows, with_quotes, by_group):
    for doc in project.docs.all():
        project.docs.delete(doc.id)
    fill(project, rows)
    matrix = build_framework(project, by_attr="group" if by_group else None)
    whole = whole_docx(project, matrix, with_quotes=with_quotes)
    streamed = streamed_docx(project, matrix, with_quotes=with_quotes)
    assert parts(streamed) == parts(whole)
    assert table_text(streamed) == table_text(whole)


def test_the_tree_holds_one_row_without_its_quotes_and_one_case_text(project, monkeypatch):
    fill(project, [(["first quote", "second quote", "third", "fourth"], None) for _ in range(6)])
    matrix = build_framework(project)
    documents = []
    monkeypatch.setattr(docx, "Document", lambda *a: documents.append(docx.api.Document(*a)) or documents[-1])
    held = []
    quotes = matrix.quotes

    def counting_quotes(project, cell, **kw):
        body = documents[0].element.body
        held.append((len(body.xpath(".//w:tr")), len(body.xpath(".//w:p")), len(project.store._text_cache)))
        return quotes(project, cell, **kw)

    monkeypatch.setattr(matrix, "quotes", counting_quotes)
    data = streamed_docx(project, matrix, with_quotes=True)
    assert len(held) == 6 * 2   # a call per cell
    # The header row and the row being written; the heading, the header's three cells and the row's three
    # first paragraphs (no quote of an earlier cell or row left behind); this case's text and no other.
    assert max(rows for rows, _, _ in held) == 2
    assert max(paragraphs for _, paragraphs, _ in held) == 1 + 3 + 3
    assert max(texts for _, _, texts in held) == 1
    assert [len(row) for row in table_text(data)] == [3] * 7
    assert sum(text == "second quote" for row in table_text(data)[1:] for cell in row for _, text in cell) == 6


@pytest.mark.parametrize("render", [fx.framework_csv_parts, fx.framework_markdown_parts, fx.framework_html_parts])
def test_the_text_formats_hold_one_case_text_at_a_time(project, monkeypatch, render):
    fill(project, [(["first quote", "second quote"], None) for _ in range(4)])
    matrix = build_framework(project)
    held = []
    quotes = matrix.quotes
    monkeypatch.setattr(matrix, "quotes", lambda project, cell, **kw: held.append(len(project.store._text_cache))
                        or quotes(project, cell, **kw))
    text = "".join(render(project, matrix, with_quotes=True))
    assert len(held) == 4 * 2 and max(held) == 1
    assert text.count("second quote") == 4


def test_cli_writes_the_streamed_document_atomically(project, tmp_path, monkeypatch):
    from qualtui.errors import QualtuiError
    from qualtui.reports import framework_docx

    fill(project, [(["a quote"], "Peers **help**.")])
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "fw.docx"
    out.write_bytes(b"old")
    args = ["-p", str(project.root), "export", "framework", "--quotes", "-o", str(out)]
    written = framework_docx.write_framework_docx

    def fails_halfway(stream, *a, **kw):
        stream.write(b"half a document")
        raise QualtuiError("disk full")

    monkeypatch.setattr(framework_docx, "write_framework_docx", fails_halfway)
    r = CliRunner().invoke(cli, args)
    assert r.exit_code != 0 and isinstance(r.exception, QualtuiError)
    assert out.read_bytes() == b"old" and list(folder.iterdir()) == [out]
    monkeypatch.setattr(framework_docx, "write_framework_docx", written)
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert f"({out.stat().st_size:,} bytes" in r.output and out.stat().st_mode & 0o777 == 0o600
    assert table_text(out.read_bytes()) == table_text(whole_docx(project, build_framework(project), with_quotes=True))
    assert list(folder.iterdir()) == [out]   # no temp file left beside it
