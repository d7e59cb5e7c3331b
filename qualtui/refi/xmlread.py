"""Reading REFI-QDA XML leniently: local names, any namespace, no DTDs.

REFI-QDA files never need a DOCTYPE, so any document that declares one (the
only way to get entity expansion or external entities) is refused outright.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from qualtui.errors import ImportRejected


def _has_doctype(data: bytes) -> bool:
    head = data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:64]:
        try:
            head = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return True
    upper = head.upper()
    return b"<!DOCTYPE" in upper or b"<!ENTITY" in upper


def parse_xml(data: bytes, kind: str) -> ET.Element:
    """Parse untrusted XML (UTF-8, a BOM allowed) or raise ``ImportRejected``."""
    if _has_doctype(data):
        raise ImportRejected(f"{kind} rejected: it declares a DOCTYPE or entities (refused for safety)")
    try:
        return ET.fromstring(data)
    except ImportRejected:
        raise
    except ET.ParseError as exc:
        raise ImportRejected(f"{kind} is not well-formed XML ({exc})") from None
    except (ValueError, UnicodeError) as exc:
        raise ImportRejected(f"{kind} cannot be read as XML ({exc})") from None


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
