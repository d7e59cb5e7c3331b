"""project.qde / .qdc -> plain records, leniently (vendor variants), counting what is skipped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from qualtui.refi.common import CODEBOOK_NS, PROJECT_NS, normalise_guid
from qualtui.refi.xmlread import MAX_XML_BYTES, child, child_text, children, local, namespace
from qualtui.text.normalise import clean_label


@dataclass
class RCode:
    guid: str | None
    name: str
    codable: bool
    color: str | None
    description: str
    notes: list[str] = field(default_factory=list)
    children: list["RCode"] = field(default_factory=list)


@dataclass
class RCoding:
    guid: str | None
    code: str | None
    user: str | None
    created: str | None
    notes: list[str] = field(default_factory=list)


@dataclass
class RSelection:
    guid: str | None
    name: str
    start: int | None
    end: int | None
    user: str | None
    created: str | None
    description: str
    codings: list[RCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RSource:
    guid: str | None
    name: str
    what: str                       # "text source", "PDF text representation", "media transcript"
    path: str | None                # plainTextPath
    inline: str | None              # PlainTextContent
    user: str | None
    created: str | None
    description: str
    selections: list[RSelection] = field(default_factory=list)
    whole: list[RCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    values: list[tuple[str | None, str]] = field(default_factory=list)   # (variable guid, value)

    def note_refs(self) -> Iterator[str]:
        """The note guids its selections and codings refer to."""
        for sel in self.selections:
            yield from sel.notes
            for coding in sel.codings:
                yield from coding.notes
        for coding in self.whole:
            yield from coding.notes


@dataclass
class RNote:
    guid: str | None
    name: str
    text: str
    description: str
    user: str | None
    created: str | None
    modified: str | None


@dataclass
class RProject:
    name: str
    origin: str
    creator: str | None
    users: dict[str, str] = field(default_factory=dict)
    codes: list[RCode] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    sources: list[RSource] = field(default_factory=list)
    notes: list[RNote] = field(default_factory=list)
    project_notes: list[str] = field(default_factory=list)
    description: str = ""
    cases: list[tuple[str, list[str], list[tuple[str | None, str]]]] = field(default_factory=list)
    source_sets: list[tuple[str, list[str]]] = field(default_factory=list)
    links: list[tuple[str | None, str | None]] = field(default_factory=list)   # (origin, target)
    skipped: Counter = field(default_factory=Counter)


def _int(value: str | None) -> int | None:
    try:
        return int(value.strip()) if value is not None else None
    except ValueError:
        return None


def _bool(value: str | None, default: bool = True) -> bool:
    if value is None:
        return default
    return value.strip().lower() not in ("false", "0", "no")


def _g(el: ET.Element, attr: str) -> str | None:
    return normalise_guid(el.get(attr))


def _refs(el: ET.Element, name: str = "NoteRef") -> list[str]:
    return [g for g in (_g(ref, "targetGUID") for ref in children(el, name)) if g]


def read_codes(parent: ET.Element) -> list[RCode]:
    out = []
    for el in children(parent, "Code"):
        out.append(RCode(
            guid=_g(el, "guid"), name=el.get("name") or "", codable=_bool(el.get("isCodable")),
            color=el.get("color"), description=child_text(el, "Description") or "",
            notes=_refs(el), children=read_codes(el),
        ))
    return out


def _codings(el: ET.Element) -> list[RCoding]:
    out = []
    for c in children(el, "Coding"):
        ref = child(c, "CodeRef")
        out.append(RCoding(guid=_g(c, "guid"), code=_g(ref, "targetGUID") if ref is not None else None,
                           user=_g(c, "creatingUser"), created=c.get("creationDateTime"), notes=_refs(c)))
    return out


def _values(el: ET.Element) -> list[tuple[str | None, str]]:
    out = []
    for value in children(el, "VariableValue"):
        ref = child(value, "VariableRef")
        content = next((v for v in value if local(v.tag).endswith("Value")), None)
        if content is not None:
            out.append((_g(ref, "targetGUID") if ref is not None else None, "".join(content.itertext()).strip()))
    return out


def _text_source(el: ET.Element, name: str, what: str, skipped: Counter) -> RSource:
    source = RSource(
        guid=_g(el, "guid"), name=name, what=what, path=el.get("plainTextPath"),
        inline=child_text(el, "PlainTextContent"), user=_g(el, "creatingUser"),
        created=el.get("creationDateTime"), description=child_text(el, "Description") or "",
        whole=_codings(el), notes=_refs(el), values=_values(el),
    )
    for sel in children(el, "PlainTextSelection"):
        source.selections.append(RSelection(
            guid=_g(sel, "guid"), name=sel.get("name") or "", start=_int(sel.get("startPosition")),
            end=_int(sel.get("endPosition")), user=_g(sel, "creatingUser"), created=sel.get("creationDateTime"),
            description=child_text(sel, "Description") or "", codings=_codings(sel), notes=_refs(sel),
        ))
    return source


class ProjectReader:
    """Builds an ``RProject`` from a Project element's attributes (``start``), then its children one at a
    time (``child``), each of its Sources' children giving their text sources (``source``), in file order."""

    def __init__(self) -> None:
        self.project = RProject(name="", origin="", creator=None)
        self._described = False

    def start(self, root: ET.Element) -> None:
        self.project = RProject(name=root.get("name") or "", origin=root.get("origin") or "",
                                creator=_g(root, "creatingUserGUID"))

    def child(self, el: ET.Element) -> None:
        """A child of Project other than Sources (those come to ``source`` one by one)."""
        project, skipped, kind = self.project, self.project.skipped, local(el.tag)
        if kind == "Users":
            for user in children(el, "User"):
                guid = _g(user, "guid")
                if guid:
                    project.users[guid] = user.get("name") or user.get("id") or guid[:8]
        elif kind == "CodeBook":
            for codes in children(el, "Codes"):
                project.codes.extend(read_codes(codes))
        elif kind == "Variables":
            for var in children(el, "Variable"):
                guid = _g(var, "guid")
                if guid:
                    project.variables[guid] = var.get("name") or ""
        elif kind == "Cases":
            for case in children(el, "Case"):
                project.cases.append((case.get("name") or "", _refs(case, "SourceRef"), _values(case)))
                if list(children(case, "SelectionRef")) or list(children(case, "CodeRef")):
                    skipped["case references to selections or codes"] += 1
        elif kind == "Notes":
            for note in children(el, "Note"):
                project.notes.append(RNote(
                    guid=_g(note, "guid"), name=note.get("name") or "", text=child_text(note, "PlainTextContent") or "",
                    description=child_text(note, "Description") or "", user=_g(note, "creatingUser"),
                    created=note.get("creationDateTime"), modified=note.get("modifiedDateTime"),
                ))
                if note.get("plainTextPath") and child(note, "PlainTextContent") is None:
                    skipped["notes stored as separate files"] += 1
        elif kind == "Links":
            project.links.extend((_g(link, "originGUID"), _g(link, "targetGUID")) for link in children(el, "Link"))
        elif kind == "Sets":
            for set_el in children(el, "Set"):
                self._set(set_el)
        elif kind == "Graphs":
            skipped["graphs (networks)"] += len(list(children(el, "Graph")))
        elif kind == "Description" and not self._described:
            project.description, self._described = "".join(el.itertext()), True
        elif kind == "NoteRef" and (guid := _g(el, "targetGUID")):
            project.project_notes.append(guid)

    def finish(self) -> RProject:
        self.project.skipped["graphs (networks)"] += 0   # counted (as 0) with no Graphs too, as it always was
        return self.project

    def _set(self, set_el: ET.Element) -> None:
        skipped = self.project.skipped
        members = _refs(set_el, "MemberSource")
        if members:
            self.project.source_sets.append((set_el.get("name") or "", members))
        if list(children(set_el, "MemberCode")):
            skipped["sets of codes (code groups)"] += 1
        if list(children(set_el, "MemberNote")):
            skipped["sets of notes"] += 1
        if not members and not list(children(set_el, "MemberCode")) and not list(children(set_el, "MemberNote")):
            skipped["empty sets"] += 1

    def source(self, el: ET.Element) -> list[RSource]:
        """The text sources of one child of Sources (none, or several for a PDF's representations)."""
        skipped, kind, name = self.project.skipped, local(el.tag), el.get("name") or ""
        found: list[RSource] = []
        if kind == "TextSource":
            return [_text_source(el, name, "text source", skipped)]
        if kind == "PDFSource":
            skipped["PDF sources (the file itself)"] += 1
            skipped["PDF area selections"] += len(list(children(el, "PDFSelection")))
            found = [_text_source(rep, name, "PDF text representation", skipped) for rep in children(el, "Representation")]
        elif kind == "PictureSource":
            skipped["picture sources"] += 1
            skipped["picture selections"] += len(list(children(el, "PictureSelection")))
            found = [_text_source(desc, name, "picture text description", skipped)
                     for desc in children(el, "TextDescription")]
        elif kind in ("AudioSource", "VideoSource"):
            label = "audio" if kind == "AudioSource" else "video"
            skipped[f"{label} sources (the media itself)"] += 1
            skipped[f"{label} selections"] += len(list(children(el, f"{label.capitalize()}Selection")))
            for transcript in children(el, "Transcript"):
                skipped["transcript (sync-point) selections"] += len(list(children(transcript, "TranscriptSelection")))
                found.append(_text_source(transcript, transcript.get("name") or name, "media transcript", skipped))
        else:
            skipped[f"unknown source type {kind}"] += 1
        skipped["codings of whole non-text sources"] += len(list(children(el, "Coding")))
        return found


def read_project(root: ET.Element) -> RProject:
    """A whole Project tree read at once (``ProjectReader`` reads one element at a time)."""
    reader = ProjectReader()
    reader.start(root)
    for el in root:
        if local(el.tag) == "Sources":
            for source in el:
                reader.project.sources.extend(reader.source(source))
        else:
            reader.child(el)
    return reader.finish()


def read_codebook(root: ET.Element) -> list[RCode]:
    """Codes from a .qdc (CodeBook root) or from a project's CodeBook."""
    if local(root.tag) == "Project":
        return [c for book in children(root, "CodeBook") for codes in children(book, "Codes") for c in read_codes(codes)]
    return [c for codes in children(root, "Codes") for c in read_codes(codes)]


_CODE_ATTRIBUTES = frozenset({"guid", "name", "isCodable", "color"})
_CODE_CHILDREN = frozenset({"Code", "Description", "NoteRef"})


def codebook_leftovers(root: ET.Element) -> tuple[Counter, list[str]]:
    """What ``import-qdc`` does not carry over from *root*: (skipped counts, notes)."""
    skipped: Counter = Counter()
    notes: list[str] = []
    ns = namespace(root.tag)
    if ns not in (CODEBOOK_NS, PROJECT_NS):
        notes.append(f"non-standard namespace {clean_label(ns) or '(none)'!r}; read as REFI-QDA anyway")
    books = [root] if local(root.tag) == "CodeBook" else list(children(root, "CodeBook"))
    if local(root.tag) == "Project":
        notes.append("a project file: only its codebook is imported (import-qdpx reads the rest)")
    for book in books:
        skipped["code sets"] += sum(1 for sets in children(book, "Sets") for _ in children(sets, "Set"))
        for el in book.iter():
            if local(el.tag) != "Code":
                continue
            for key in el.attrib:
                if local(key) not in _CODE_ATTRIBUTES:
                    skipped[f"unknown code attribute {clean_label(local(key), 40)!r}"] += 1
            for sub in el:
                name = local(sub.tag)
                if name == "NoteRef":
                    skipped["code notes (a codebook carries no note text)"] += 1
                elif name not in _CODE_CHILDREN and name:
                    skipped[f"unknown element {clean_label(name, 40)!r} in codes"] += 1
    return skipped, notes



# Limits against a hostile project file (the 200 MB XML limit alone allows 50 million elements, about 8 GB as
# Elements): the 500-interview benchmark's export (120,000 codings) has 364,000 elements, 1,213 at most in a
# source, and 500 sources.
MAX_PART_ELEMENTS = 100_000     # in one source, or one list beside the sources (the codebook, the notes)
MAX_SOURCES = 50_000            # children of Sources, and of Project
MAX_ELEMENTS = 2_000_000        # in the whole file


def iter_project(chunks: Iterable[bytes], what: str) -> Iterator[tuple[str, ET.Element]]:
    """("root", the Project element as it opens), then ("child", each other child of it) and ("source",
    each child of its Sources) as each closes, taken out of the tree: the file is never held whole.
    ``ImportRejected`` past the limits above."""
    from qualtui.errors import ImportRejected
    from qualtui.safeio.safexml import iter_xml

    elements = 0
    parts = {2: 0, 3: 0}   # children of Project, and of Sources

    def detach(el: ET.Element, depth: int, parent: ET.Element | None) -> bool:
        if depth == 2:
            return local(el.tag) != "Sources"
        return depth == 3 and parent is not None and local(parent.tag) == "Sources"

    for el, depth in iter_xml(chunks, detach, what=what, max_bytes=MAX_XML_BYTES, max_held=MAX_PART_ELEMENTS,
                              held_in="one source or list"):
        if depth > 1:
            elements += sum(1 for _ in el.iter())
            parts[depth] += 1
            if parts[depth] > MAX_SOURCES:
                where = "sources" if depth == 3 else "elements directly in its Project"
                raise ImportRejected(f"{what} has more than {MAX_SOURCES:,} {where} (a limit against hostile files)")
            if elements > MAX_ELEMENTS:
                raise ImportRejected(f"{what} has more than {MAX_ELEMENTS:,} elements (a limit against hostile files)")
        yield ("root" if depth == 1 else "child" if depth == 2 else "source"), el
