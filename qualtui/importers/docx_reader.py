"""Word .docx transcripts, read with python-docx after the archive and its XML are checked.

python-docx parses with lxml, so every XML part is first parsed by
``safexml`` (no DOCTYPE/entities, bounded depth and size) inside a ``SafeZip``
(no traversal, symlinks, encryption or zip bombs): hostile XML never reaches
lxml.  Body paragraphs become lines in document order, tables one line per row
(see ``paragraphs.table_lines``); tracked insertions are kept and deletions
left out (as if all changes were accepted); text boxes, headers, footers,
footnotes and comments are not imported.
"""

from __future__ import annotations

import io

from qualtui.errors import ImportRejected
from qualtui.importers.paragraphs import Paragraph, assemble, table_lines
from qualtui.model import Transcript
from qualtui.safeio.safexml import parse_xml
from qualtui.safeio.safezip import SafeZip

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_PART_BYTES = 100 * 1024 * 1024
# Parts whose content is never prose of the transcript, or would repeat it.
_SKIP = {W + "pPr", W + "rPr", W + "del", W + "moveFrom", W + "delText", W + "instrText", W + "drawing",
         W + "pict", W + "object", MC + "Fallback", W + "footnoteReference", W + "endnoteReference",
         W + "commentReference", W + "tblPr", W + "trPr", W + "tcPr", W + "sectPr"}
_FALSE = {"0", "false", "off", "none"}


def _declares_doctype(content: bytes) -> bool:
    """A DOCTYPE or ENTITY anywhere in a part that is not parsed here but might be by lxml."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:8]:
        text = content.replace(b"\x00", b"").decode("latin-1")
    else:
        text = content.decode("latin-1")
    lowered = text.lower()
    return "<!doctype" in lowered or "<!entity" in lowered


def check_package(data: bytes, kind: str = ".docx file") -> None:
    """Refuse anything that is not a safe zip of safe XML parts.

    Parts named .xml/.rels are parsed with ``safexml``; any other part (media,
    fonts, VML) is refused only if it declares a DOCTYPE or entities.
    """
    if data.startswith(_OLE2):
        raise ImportRejected("this is an old Word .doc file or a password-protected document; "
                             "save it as an unprotected .docx")
    with SafeZip(data, kind=kind) as archive:
        if archive.find("[Content_Types].xml", case_insensitive=False) is None:
            raise ImportRejected(f"{kind} is damaged or not a Word document (no [Content_Types].xml)")
        for name in archive.names():
            if name.lower().endswith((".xml", ".rels")):
                parse_xml(archive.read(name, max_bytes=MAX_PART_BYTES), what=name, max_bytes=MAX_PART_BYTES)
            elif _declares_doctype(archive.read(name)):
                raise ImportRejected(f"unsafe XML: {name} contains a DOCTYPE or entity declaration")


def read_docx(data: bytes, name: str) -> Transcript:
    check_package(data)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except (PackageNotFoundError, KeyError) as exc:
        raise ImportRejected(f"damaged .docx: a required part is missing ({type(exc).__name__})") from None
    except ValueError as exc:
        if "content type" in str(exc):
            raise ImportRejected("not a Word document (.docx); macro files and templates are not read") from None
        raise ImportRejected(f"damaged .docx ({type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - python-docx and lxml raise many kinds on damaged files
        raise ImportRejected(f"damaged .docx ({type(exc).__name__})") from None
    warnings: list[str] = []
    if body.find(f".//{W}ins") is not None or body.find(f".//{W}del") is not None:
        warnings.append("has tracked changes: imported as if all were accepted")
    if body.find(f".//{W}txbxContent") is not None:
        warnings.append("text in text boxes was not imported")
    return assemble(list(_blocks(body)), "docx", warnings)


_CONTAINERS = {W + "sdtContent", W + "customXml", W + "ins", W + "moveTo", W + "smartTag"}


def _blocks(container):
    for child in container:
        tag = child.tag
        if tag == W + "p":
            yield _paragraph(child)
        elif tag == W + "tbl":
            yield from (Paragraph(line) for line in table_lines(_table_rows(child)))
        elif tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _blocks(content)
        elif tag in _CONTAINERS:
            yield from _blocks(child)


def _table_rows(table) -> list[list[str]]:
    rows = []
    for row in table.iter(W + "tr"):
        if _owner_table(row) is not table:
            continue  # rows of nested tables are read as part of their cell
        cells = []
        for cell in row.findall(W + "tc"):
            cells.append("\n".join(p.text for p in _blocks(cell) if p.text.strip()))
        rows.append(cells)
    return rows


def _owner_table(row):
    parent = row.getparent()
    while parent is not None and parent.tag != W + "tbl":
        parent = parent.getparent()
    return parent


def _is_bold(run) -> bool:
    props = run.find(W + "rPr")
    if props is None:
        return False
    flag = props.find(W + "b")
    return flag is not None and (flag.get(W + "val") or "true").lower() not in _FALSE


def _paragraph(paragraph) -> Paragraph:
    pieces: list[tuple[str, bool]] = []
    _collect(paragraph, pieces, False)
    text = "".join(piece for piece, _ in pieces)
    prefix: list[str] = []
    for piece, bold in pieces:
        if bold or not piece.strip():
            prefix.append(piece)
        else:
            break
    bold_prefix = "".join(prefix)
    if not any(bold for _, bold in pieces) or not bold_prefix.strip():
        bold_prefix = ""
    return Paragraph(text, bold_prefix.rstrip() if bold_prefix.strip() else "")


def _collect(element, pieces: list[tuple[str, bool]], bold: bool) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == W + "r":
            _collect(child, pieces, _is_bold(child))
        elif tag == W + "t":
            pieces.append((child.text or "", bold))
        elif tag in (W + "tab", W + "ptab"):
            pieces.append(("\t", bold))
        elif tag in (W + "br", W + "cr"):
            pieces.append(("\n", bold))
        elif tag == W + "noBreakHyphen":
            pieces.append(("-", bold))
        else:
            _collect(child, pieces, bold)
