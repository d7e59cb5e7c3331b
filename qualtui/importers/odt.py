"""OpenDocument text (.odt): ``content.xml`` read through ``SafeZip`` and ``safexml``.

``text:p`` and ``text:h`` are paragraphs (also inside lists and sections),
tables one line per row; ``text:s`` (with its count), ``text:tab`` and
``text:line-break`` become spaces, tabs and line breaks.  Notes, annotations,
tracked-change records (deleted text) and drawings are left out.
"""

from __future__ import annotations

import re

from qualtui.errors import ImportRejected
from qualtui.importers.paragraphs import Paragraph, assemble, table_lines
from qualtui.model import Transcript
from qualtui.safeio.safexml import parse_xml
from qualtui.safeio.safezip import SafeZip

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
MAX_CONTENT_BYTES = 100 * 1024 * 1024
_SKIP = {TEXT + "note", TEXT + "tracked-changes", OFFICE + "annotation", OFFICE + "annotation-end",
         DRAW + "frame", DRAW + "custom-shape", TEXT + "bookmark-ref", TEXT + "sequence-decls",
         TEXT + "variable-decls", TEXT + "user-field-decls", OFFICE + "forms"}
_SPACE_RUN = re.compile(r"[ \t\r\n]+")  # ODF collapses white space in paragraph text


def read_odt(data: bytes, name: str) -> Transcript:
    with SafeZip(data, kind=".odt file") as archive:
        mimetype = archive.find("mimetype", case_insensitive=False)
        if mimetype is not None:
            kind = archive.read(mimetype, max_bytes=200).decode("ascii", "replace").strip()
            if kind and kind != "application/vnd.oasis.opendocument.text":
                raise ImportRejected(f"not an OpenDocument text document ({kind[:60]})")
        manifest = archive.find("META-INF/manifest.xml")
        if manifest is not None and b"encryption-data" in archive.read(manifest, max_bytes=10 * 1024 * 1024):
            raise ImportRejected("the .odt file is password protected; save an unprotected copy")
        content = archive.find("content.xml", case_insensitive=False)
        if content is None:
            raise ImportRejected("damaged .odt file (no content.xml)")
        root = parse_xml(archive.read(content, max_bytes=MAX_CONTENT_BYTES), what="content.xml",
                         max_bytes=MAX_CONTENT_BYTES)
    body = root.find(f"{OFFICE}body/{OFFICE}text")
    if body is None:
        raise ImportRejected("not an OpenDocument text document (no office:text body)")
    return assemble(list(_blocks(body)), "odt")


def _blocks(container):
    for child in container:
        tag = child.tag
        if tag in (TEXT + "p", TEXT + "h"):
            yield Paragraph(_paragraph_text(child))
        elif tag == TABLE + "table":
            yield from (Paragraph(line) for line in table_lines(_table_rows(child)))
        elif tag not in _SKIP:
            # lists, list items, sections, index bodies, table header rows...
            yield from _blocks(child)


def _table_rows(table) -> list[list[str]]:
    rows = []
    for group in [table, *table.findall(TABLE + "table-header-rows"), *table.findall(TABLE + "table-rows")]:
        for row in group.findall(TABLE + "table-row"):
            cells = [cell for cell in row if cell.tag in (TABLE + "table-cell", TABLE + "covered-table-cell")]
            rows.append(["\n".join(p.text for p in _blocks(cell) if p.text.strip()) for cell in cells])
    return rows


def _paragraph_text(paragraph) -> str:
    pieces: list[str] = []
    _collect(paragraph, pieces)
    return "".join(pieces).strip(" ")


def _collapse(value: str | None) -> str:
    return _SPACE_RUN.sub(" ", value) if value else ""


def _collect(element, pieces: list[str]) -> None:
    pieces.append(_collapse(element.text))
    for child in element:
        tag = child.tag
        if tag == TEXT + "s":
            try:
                count = int(child.get(TEXT + "c", "1"))
            except ValueError:
                count = 1
            pieces.append(" " * max(1, min(count, 1000)))
        elif tag == TEXT + "tab":
            pieces.append("\t")
        elif tag == TEXT + "line-break":
            pieces.append("\n")
        elif tag not in _SKIP:
            _collect(child, pieces)
        pieces.append(_collapse(child.tail))
