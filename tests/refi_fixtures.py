"""REFI-QDA inputs made in the test suite, for vendor layouts whose real files we may not ship.

``nvivo_mac_codebook_qdpx`` rebuilds the quirks of a real NVivo for Mac 15 "codebook only" export (seen in
cproctor/qualitative-coding, AGPL-3.0, so not copied here): 262 nested codes seven levels deep with one name used
under two parents, lower-case ``sources/`` with an empty ``sources/.root`` entry, empty .docx sources whose text
representations are one byte long, ``User@id`` attributes, and TextSource names that are GUIDs.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from xml.sax.saxutils import quoteattr

NVIVO_CODES = 262
NVIVO_DEPTH = 7
_NS = uuid.UUID("6f1e0c1a-8a43-4c33-9a57-1f2b9e8d1c01")


def _guid(name: str) -> str:
    return str(uuid.uuid5(_NS, name))


def _code_tree() -> list[tuple[str, list]]:
    """(name, children) roots: one chain of depth 7, 'programming' twice, the rest spread over 12 roots."""
    roots: list[tuple[str, list]] = []
    chain: tuple[str, list] = ("rq1_definition", [])
    roots.append(chain)
    node = chain
    for level in range(1, NVIVO_DEPTH):
        child: tuple[str, list] = (["competencies", "programming", "languages", "paradigms", "functional",
                                    "recursion"][level - 1], [])
        node[1].append(child)
        node = child
    roots.append(("rq2_practice", [("programming", []), ("pedagogy", [])]))   # the same name, another parent
    made = NVIVO_DEPTH + 3
    index = 0
    while made < NVIVO_CODES:
        root_name = f"theme_{index % 10:02d}"
        root = next((r for r in roots if r[0] == root_name), None)
        if root is None:
            root = (root_name, [])
            roots.append(root)
            made += 1
            if made >= NVIVO_CODES:
                break
        parent = root if index % 3 else (root[1][-1] if root[1] else root)
        parent[1].append((f"code_{index:03d}", []))
        made += 1
        index += 1
    return roots


def _codes_xml(nodes: list[tuple[str, list]], path: str = "") -> str:
    parts = []
    for name, children in nodes:
        here = f"{path}/{name}"
        inner = _codes_xml(children, here)
        attrs = f'guid="{_guid(here)}" isCodable="true" name={quoteattr(name)}'
        parts.append(f"<Code {attrs}>{inner}</Code>" if inner else f"<Code {attrs}/>")
    return "".join(parts)


def _empty_docx() -> bytes:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def nvivo_mac_codebook_qdpx() -> bytes:
    user = _guid("user:chrisp")
    sources = [_guid("source:1"), _guid("source:2")]
    text_sources = "".join(
        f'<TextSource creatingUser="{user}" creationDateTime="2024-09-15T15:36:47Z" guid="{guid}" '
        f'name="{_guid("name:" + guid)}" plainTextPath="internal://{guid}.txt" richTextPath="internal://{guid}.docx"/>'
        for guid in sources)
    qde = ('<?xml version="1.0" encoding="UTF-8" standalone="no" ?>'
           f'<Project basePath="" creatingUserGUID="{user}" creationDateTime="2024-09-15T15:36:45Z" name="qc project" '
           'origin="NVivo for Mac 15.0.0" xmlns="urn:QDA-XML:project:1.0" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="urn:QDA-XML:project:1.0 Project.xsd">'
           f'<Users><User guid="{user}" id="CP" name="chrisp"/><User guid="{_guid("user:cp")}" id="C" name="cp"/></Users>'
           f"<CodeBook><Codes>{_codes_xml(_code_tree())}</Codes></CodeBook>"
           f"<Sources>{text_sources}</Sources></Project>")
    buffer = io.BytesIO()
    docx_bytes = _empty_docx()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/.root", b"")
        for guid in sources:
            archive.writestr(f"sources/{guid}.docx", docx_bytes)
            archive.writestr(f"sources/{guid}.txt", b"\n")
    return buffer.getvalue()
