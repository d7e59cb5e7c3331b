"""Reading REFI-QDA XML leniently: local names, any namespace; parsing itself is ``qualtui.safeio.safexml``.

REFI-QDA files never need a DOCTYPE, so safexml refusing any (and with it
entity expansion and external entities) costs nothing.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

MAX_XML_BYTES = 200 * 1024 * 1024


def parse_xml(data: bytes, kind: str) -> ET.Element:
    """Parse untrusted XML (UTF-8, a BOM allowed) with ``qualtui.safeio.safexml`` or raise ``ImportRejected``."""
    from qualtui.safeio.safexml import parse_xml as safe_parse

    return safe_parse(data, what=kind, max_bytes=MAX_XML_BYTES)


def local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def children(el: ET.Element, name: str) -> Iterator[ET.Element]:
    for child in el:
        if local(child.tag) == name:
            yield child


def child(el: ET.Element, name: str) -> ET.Element | None:
    return next(children(el, name), None)


def child_text(el: ET.Element, name: str) -> str | None:
    found = child(el, name)
    if found is None:
        return None
    return "".join(found.itertext())


def grandchildren(el: ET.Element, container: str, name: str) -> Iterator[ET.Element]:
    """Elements ``name`` inside every ``container`` child (there should be one; tolerate more or none)."""
    for holder in children(el, container):
        yield from children(holder, name)
