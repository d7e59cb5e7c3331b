"""Writing REFI-QDA XML: deterministic element trees, XML-safe strings, deterministic zips."""

from __future__ import annotations

import io
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


def serialise(root: ET.Element) -> bytes:
    """UTF-8, no BOM, an XML declaration, two-space indentation."""
    ET.indent(root, "  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def deterministic_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A ZIP of (name, data) in the given order, fixed times and modes, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.create_system = 3  # Unix, so the mode below means the same everywhere
            info.external_attr = (0o100600 << 16)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()
