"""Parsing untrusted XML (.docx/.odt parts, REFI-QDA files) with the standard library only.

    from qualtui.safeio.safexml import parse_xml
    root = parse_xml(data, what="word/document.xml")   # xml.etree.ElementTree.Element

Refused with a one-line ``ImportRejected``: any DOCTYPE (so no entity
definitions at all: no "billion laughs" expansion and no external entities or
XXE), entity and notation declarations, input over ``max_bytes`` and nesting
deeper than ``max_depth``.  Element and attribute names come out in
ElementTree's ``{namespace}local`` form; a UTF-8 BOM (or UTF-16 with a BOM)
is fine.  Comments and processing instructions are dropped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from xml.parsers import expat

from qualtui.errors import ImportRejected

MAX_XML_BYTES = 100 * 1024 * 1024
MAX_XML_DEPTH = 200


class _Refused(Exception):
    """Raised from inside an expat handler to stop parsing at once."""


def _qualified(name: str) -> str:
    # expat reports "uri}local" with namespace_separator="}"; ElementTree wants "{uri}local".
    return "{" + name if "}" in name else name


def _parser(what: str, max_depth: int, builder: ET.TreeBuilder,
            on_start: Callable[[ET.Element, int], None] | None = None,
            on_end: Callable[[ET.Element, int], None] | None = None) -> expat.XMLParserType:
    """An expat parser feeding *builder*, refusing DOCTYPEs, entities, notations and deep nesting.

    *on_start* and *on_end* are told each element and its depth (the root is 1) as it opens and closes.
    """
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > max_depth:
            raise _Refused(f"{what} is nested more than {max_depth} levels deep")
        element = builder.start(_qualified(name), {_qualified(k): v for k, v in attrs.items()})
        if on_start is not None:
            on_start(element, depth)

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1
        element = builder.end(_qualified(name))
        if on_end is not None:
            on_end(element, depth + 1)

    def refuse(reason: str):
        def handler(*_args: object) -> None:
            raise _Refused(f"{what} {reason}")
        return handler

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse("contains a DOCTYPE declaration (entities are not allowed)")
    parser.EntityDeclHandler = refuse("declares entities (possible entity-expansion attack)")
    parser.UnparsedEntityDeclHandler = refuse("declares entities (possible entity-expansion attack)")
    parser.NotationDeclHandler = refuse("declares notations")
    parser.ExternalEntityRefHandler = refuse("refers to an external entity")
    return parser


@contextmanager
def _rejecting(what: str) -> Iterator[None]:
    """Parser errors as one-line ``ImportRejected``."""
    try:
        yield
    except _Refused as exc:
        raise ImportRejected(f"unsafe XML: {exc}") from None
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code) if exc.code else str(exc)
        raise ImportRejected(f"{what} is not well-formed XML ({message}, line {exc.lineno})") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ImportRejected(f"{what} cannot be parsed ({type(exc).__name__})") from None


def parse_xml(data: bytes, *, what: str = "XML", max_bytes: int = MAX_XML_BYTES,
              max_depth: int = MAX_XML_DEPTH) -> ET.Element:
    """Parse ``data`` into an Element tree, or raise ``ImportRejected`` naming ``what``."""
    if len(data) > max_bytes:
        raise ImportRejected(f"{what} is {len(data) / 1048576:.1f} MB, over the {max_bytes / 1048576:.0f} MB XML limit")
    builder = ET.TreeBuilder()
    parser = _parser(what, max_depth, builder)
    with _rejecting(what):
        parser.Parse(bytes(data), True)
    try:
        return builder.close()
    except AssertionError:
        raise ImportRejected(f"{what} has no root element") from None


def iter_xml(chunks: Iterable[bytes], detach: Callable[[ET.Element, int, ET.Element | None], bool], *,
             what: str = "XML", max_bytes: int = MAX_XML_BYTES, max_depth: int = MAX_XML_DEPTH,
             max_held: int | None = None, held_in: str = "one element") -> Iterator[tuple[ET.Element, int]]:
    """Parse XML fed a chunk at a time, yielding (element, depth) for the root as it opens, then for each
    element ``detach(element, depth, parent)`` chooses as it closes: that one is taken out of its parent,
    so a large file is never held whole.  Checked as ``parse_xml`` checks, and refused once more than
    *max_held* elements are in the tree at once (millions of elements inside *held_in*, each ~170 bytes
    or more as an Element, when only the detached pieces were meant to be held)."""
    builder = ET.TreeBuilder()
    open_: list[ET.Element] = []
    held_before: list[int] = []          # for each open element, how many were held when it opened
    held = 0
    ready: list[tuple[ET.Element, int]] = []

    def opened(element: ET.Element, depth: int) -> None:
        nonlocal held
        open_.append(element)
        held_before.append(held)
        held += 1
        if max_held is not None and held > max_held:
            raise _Refused(f"{what} has more than {max_held:,} elements in {held_in} (a limit against hostile files)")
        if depth == 1:
            ready.append((element, 1))

    def closed(element: ET.Element, depth: int) -> None:
        nonlocal held
        open_.pop()
        before = held_before.pop()
        parent = open_[-1] if open_ else None
        if depth > 1 and detach(element, depth, parent):
            ready.append((element, depth))
            parent.remove(element)
            held = before   # the element and what is still inside it are no longer in the tree

    parser = _parser(what, max_depth, builder, opened, closed)
    size = 0
    with _rejecting(what):
        for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise ImportRejected(f"{what} is over the {max_bytes / 1048576:.0f} MB XML limit")
            parser.Parse(chunk, False)
            yield from ready
            ready.clear()
        parser.Parse(b"", True)
    yield from ready
    try:
        builder.close()
    except AssertionError:
        raise ImportRejected(f"{what} has no root element") from None
