"""The Framework matrix as .docx, written a quote at a time.

python-docx holds the whole document as one XML tree until it saves: with --quotes over 500
interviews (120,000 quotes) that tree took over 300 MB.  Here python-docx still builds every
paragraph, in its place in the document, but what is done is serialised at once and taken out of
the tree: word/document.xml is streamed into the zip as what python-docx saves before the table's
rows, each row (its quotes one by one), and what it saves after them.  The bytes are the ones
python-docx would have saved for the whole document.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from qualtui.analysis.framework import FrameworkMatrix
from qualtui.reports.framework_export import _title, release
from qualtui.reports.wording import counted
from qualtui.text.normalise import strip_controls

_BODY = "word/document.xml"
_HOLE = "qualtui: more goes here"
_HOLE_XML = f"<!--{_HOLE}-->".encode()   # text in the document is escaped: only a comment reads so
_NAMESPACE_DECLARATION = re.compile(rb' xmlns(?::[\w.-]+)?="[^"]*"')


def write_framework_docx(out: BinaryIO, project, matrix: FrameworkMatrix, *, with_quotes: bool = False) -> None:
    """Write the .docx to *out* (seekable), holding one row of the table, without its quotes, at a time."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from lxml import etree

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading(strip_controls(_title(project, matrix)), level=1)
    table = document.add_table(rows=1, cols=len(matrix.columns) + 1)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, ["Case", *[c.label for c in matrix.columns]]):
        cell.paragraphs[0].add_run(strip_controls(title)).bold = True
    hole = etree.Comment(_HOLE)
    table._tbl.append(hole)
    shell = io.BytesIO()
    document.save(shell)
    table._tbl.remove(hole)
    rows = _rows(project, matrix, document, table, with_quotes)
    with zipfile.ZipFile(shell) as saved, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in saved.infolist():
            copy = zipfile.ZipInfo(info.filename, info.date_time)
            copy.compress_type, copy.external_attr = info.compress_type, info.external_attr
            if info.filename != _BODY:
                package.writestr(copy, saved.read(info))
                continue
            before, after = saved.read(info).split(_HOLE_XML)
            with package.open(copy, "w") as body:
                body.write(before)
                for part in rows:
                    body.write(part)
                body.write(after)


def _rows(project, matrix: FrameworkMatrix, document, table, with_quotes: bool) -> Iterator[bytes]:
    """The table's rows as XML: each built in *table* by python-docx, its quotes one at a time."""
    from qualtui.reports.docx_markdown import add_markdown

    # Naming the style on each of 120,000 quote paragraphs had python-docx look up the default style
    # among all styles each time (3/4 of the time taken): its id is looked up once instead.
    quote_style = document.styles["Quote"].style_id
    for case in matrix.cases:
        row = table.add_row()
        cells = row.cells
        cells[0].paragraphs[0].add_run(strip_controls(case.label)).bold = True
        for word_cell, column in zip(cells[1:], matrix.columns):
            cell = matrix.cell(case, column)
            if cell.summary:
                add_markdown(word_cell, cell.summary.text)
            else:
                word_cell.paragraphs[0].add_run(
                    f"{counted(len(cell.codings), 'segment')}, no summary" if cell.codings else "\u2013").italic = True
        pieces = _split(row._tr, [word_cell._tc for word_cell in cells[1:]])
        yield pieces[0]
        for piece, word_cell, column in zip(pieces[1:], cells[1:], matrix.columns):
            for q in (matrix.quotes(project, matrix.cell(case, column)) if with_quotes else []):
                paragraphs = [word_cell.add_paragraph(strip_controls(q.text)), word_cell.add_paragraph()]
                paragraphs[0]._p.style = quote_style
                paragraphs[1].add_run("\u2014 " + strip_controls(q.citation)).italic = True
                for paragraph in paragraphs:
                    yield _alone(paragraph._p)
                    word_cell._tc.remove(paragraph._p)
            yield piece   # the cell's end tag, and the next cell up to its quotes
        table._tbl.remove(row._tr)
        release(project, case)


def _split(element, holes: list) -> list[bytes]:
    """*element* as XML, cut at the end of each of *holes* (elements in it): len(holes) + 1 pieces."""
    from lxml import etree

    marks = [etree.Comment(_HOLE) for _ in holes]
    for hole, mark in zip(holes, marks):
        hole.append(mark)
    xml = _alone(element)
    for hole, mark in zip(holes, marks):
        hole.remove(mark)
    return xml.split(_HOLE_XML)


def _alone(element) -> bytes:
    """*element* as XML, as it reads inside the document (whose top declares the namespaces it uses)."""
    from lxml import etree

    xml = etree.tostring(element, encoding="UTF-8", xml_declaration=False, with_tail=False)
    end = xml.index(b">")
    return _NAMESPACE_DECLARATION.sub(b"", xml[:end]) + xml[end:]
