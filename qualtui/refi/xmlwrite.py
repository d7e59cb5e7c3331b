"""Writing REFI-QDA XML: deterministic element trees, XML-safe strings, deterministic zips.

A large project's XML is written a piece at a time (``open_tag``, ``subtree``) with the same bytes
``serialise`` gives for the whole tree: each piece indented as ``ET.indent`` indents it in place.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable

_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$")
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")

# ZIP entries carry this fixed time so the same project always gives the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class Writer:
    """Builds elements, cleaning every string and remembering what had to be cleaned."""

    def __init__(self) -> None:
        self.cleaned = 0

    def clean(self, value: str) -> str:
        if value.isascii() and value.isprintable():
            return value
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        cleaned = _XML_ILLEGAL.sub("", value)
        if cleaned != value:
            self.cleaned += 1
        return cleaned

    def element(self, parent: ET.Element | None, tag: str, attrs: Iterable[tuple[str, str | None]] = (),
                text: str | None = None) -> ET.Element:
        attrib = {k: self.clean(v) for k, v in attrs if v is not None}
        el = ET.Element(tag, attrib) if parent is None else ET.SubElement(parent, tag, attrib)
        if text is not None:
            el.text = self.clean(text)
        return el


def datetime_or_none(value: str | None) -> str | None:
    return value if value and _DATETIME.match(value) else None


def color_or_none(value: str | None) -> str | None:
    return value if value and _COLOR.match(value) else None


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
INDENT = "  "


def serialise(root: ET.Element) -> bytes:
    """UTF-8, no BOM, an XML declaration, two-space indentation."""
    return (XML_DECLARATION + subtree(root, 0) + "\n").encode("utf-8")


def subtree(element: ET.Element, level: int) -> str:
    """*element* as it reads inside a whole tree indented with ``ET.indent``, at depth *level*, no tail."""
    ET.indent(element, INDENT, level)
    element.tail = None
    return ET.tostring(element, encoding="unicode", short_empty_elements=True)


def open_tag(element: ET.Element) -> str:
    """The start tag of *element* (its attributes, not its children): the rest is written piece by piece."""
    closed = ET.tostring(ET.Element(element.tag, element.attrib), encoding="unicode", short_empty_elements=False)
    return closed[:-len(f"</{element.tag}>")]


def zip_info(name: str) -> zipfile.ZipInfo:
    """A deflated entry with a fixed time and mode, so the same project always gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.create_system = 3  # Unix, so the mode below means the same everywhere
    info.external_attr = (0o100600 << 16)
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = 6  # what ZipFile.writestr(..., compresslevel=6) sets (3.10 to 3.13)
    return info
