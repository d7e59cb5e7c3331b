"""Export a project as a REFI-QDA project (.qdpx) or codebook (.qdc).

The output is valid against ``Project-mrt2019.xsd`` / ``Codebook.xsd`` and
deterministic: GUIDs are qualtui's own ids (or derived from them with uuid5),
elements come in a fixed order, and the ZIP has fixed entry times, so the same
project always gives the same bytes.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from qualtui import __version__
from qualtui.errors import QualtuiError
from qualtui.model import Code, Coding, Document, Memo
from qualtui.progress import track
from qualtui.safeio.output_paths import export_writer, write_export_file
from qualtui.refi.common import (CODEBOOK_NS, PROJECT_NS, SCHEMA_LOCATION, XSI_NS, derived_guid,
                                 fold_definition, is_guid, user_guid)
from qualtui.refi.xmlwrite import (INDENT, XML_DECLARATION, Writer, color_or_none, datetime_or_none, open_tag,
                                   serialise, subtree, zip_info)

if TYPE_CHECKING:
    from qualtui.project import Project

ORIGIN = f"qualtui {__version__}"
EXCERPT = 60
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass
class ExportResult:
    path: Path | None
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _guid(value: str, kind: str) -> str:
    return value if is_guid(value) else derived_guid(kind, value)


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[:EXCERPT].rstrip() + "\u2026"


class _ProjectBuilder:
    def __init__(self, project: "Project") -> None:
        self.project = project
        self.w = Writer()
        self.warnings: list[str] = []
        self.counts: dict[str, int] = defaultdict(int)
        self.users: set[str] = set()
        self.codes = project.codes.all()
        self.code_guid = {c.id: _guid(c.id, "code") for c in self.codes}
        self.docs = project.docs.all()
        self.doc_ids = {d.id for d in self.docs}
        memos = project.memos.all()
        self.notes: list[tuple[str, Memo | None, Coding | None]] = []   # (guid, memo, coding)
        self.project_notes: list[str] = []
        self.doc_notes: dict[str, list[str]] = defaultdict(list)
        self.code_notes: dict[str, list[str]] = defaultdict(list)
        self.coding_notes: dict[str, list[str]] = defaultdict(list)
        self.pending_coding_memos: list[Memo] = []
        self.exported_targets: set[str] = set()   # ids of exported codings that a coding memo is about
        dangling = 0
        for memo in memos:
            guid = _guid(memo.id, "memo")
            if memo.kind == "project":
                self.project_notes.append(guid)
            elif memo.kind == "document" and memo.target in self.doc_ids:
                self.doc_notes[memo.target].append(guid)
            elif memo.kind == "code" and memo.target in self.code_guid:
                self.code_notes[memo.target].append(guid)
            elif memo.kind == "coding" and memo.target:
                self.pending_coding_memos.append(memo)
                continue
            else:
                dangling += 1
                continue
            self.notes.append((guid, memo, None))
        self.memo_targets = {memo.target for memo in self.pending_coding_memos}
        if dangling:
            self.warnings.append(f"{dangling} memo(s) about a deleted document or code were not exported")
        from qualtui.analysis.framework import summary_notes

        for memo, doc_id in summary_notes(project):   # Framework summaries: notes on their code and document
            guid = _guid(memo.id, "framework")
            self.code_notes[memo.target].append(guid)
            if doc_id is not None:
                self.doc_notes[doc_id].append(guid)
            self.notes.append((guid, memo, None))

    def _user(self, name: str | None) -> str | None:
        if not name:
            return None
        self.users.add(name)
        return user_guid(name)

    # -- pieces -------------------------------------------------------------
    def codebook(self, parent: ET.Element, with_notes: bool) -> None:
        codes_el = self.w.element(parent, "Codes")
        elements: dict[str, ET.Element] = {}
        for _depth, code in self.project.codes.tree():
            holder = elements.get(code.parent) if code.parent else None
            elements[code.id] = self._code(holder if holder is not None else codes_el, code, with_notes)
            self.counts["codes"] += 1

    def _code(self, parent: ET.Element, code: Code, with_notes: bool) -> ET.Element:
        color = color_or_none(code.color)
        if code.color and color is None:
            self.warnings.append(f"code {code.name!r}: colour {code.color!r} is not #RRGGBB; left out")
        el = self.w.element(parent, "Code", [
            ("guid", self.code_guid[code.id]), ("name", code.name),
            ("isCodable", "true" if code.codable else "false"), ("color", color),
        ])
        definition = fold_definition(code.description, code.inclusion, code.exclusion, code.example)
        if definition:
            self.w.element(el, "Description", text=definition)
        if with_notes:
            for guid in self.code_notes.get(code.id, []):
                self.w.element(el, "NoteRef", [("targetGUID", guid)])
        return el

    def variables(self) -> list[str]:
        keys = sorted({k for d in self.docs for k in d.attributes}, key=lambda k: (k.casefold(), k))
        return keys

    def source(self, doc: Document, keys: list[str]) -> ET.Element:
        """One document's TextSource (its selections, codings, notes and variable values), on its own."""
        text = self.project.docs.text(doc.id)
        guid = _guid(doc.id, "document")
        el = self.w.element(None, "TextSource", [
            ("guid", guid), ("name", doc.name), ("plainTextPath", f"internal://{guid}.txt"),
            ("creatingUser", self._user(doc.imported_by)), ("creationDateTime", datetime_or_none(doc.created)),
        ])
        self.counts["documents"] += 1
        codings = self.project.codings.for_document(doc.id)
        skipped = [c for c in codings if c.code not in self.code_guid or not 0 <= c.start < c.end <= len(text)]
        if skipped:
            self.warnings.append(f"{doc.name}: {len(skipped)} coding(s) with a deleted code or outside the "
                                 "text were not exported")
        spans: dict[tuple[int, int], list[Coding]] = {}
        for coding in codings:
            if coding not in skipped:
                spans.setdefault((coding.start, coding.end), []).append(coding)
                if coding.id in self.memo_targets:
                    self.exported_targets.add(coding.id)
        if spans and _ASTRAL.search(text):
            self.counts["documents_with_astral"] += 1
        for (start, end), group in spans.items():
            first = min(group, key=lambda c: (c.created, c.id))
            sel = self.w.element(el, "PlainTextSelection", [
                ("guid", derived_guid("selection", guid, str(start), str(end))),
                ("name", _excerpt(text[start:end])), ("startPosition", str(start)), ("endPosition", str(end)),
                ("creatingUser", self._user(first.coder)),
                ("creationDateTime", datetime_or_none(first.created)),
            ])
            self.counts["selections"] += 1
            for coding in group:
                self._coding(sel, coding)
        for note in self.doc_notes.get(doc.id, []):
            self.w.element(el, "NoteRef", [("targetGUID", note)])
        self.project.store.release_document(doc.id)   # one document's text and codings held at a time
        for key in keys:
            if key in doc.attributes:
                value = self.w.element(el, "VariableValue")
                self.w.element(value, "VariableRef", [("targetGUID", derived_guid("variable", key))])
                self.w.element(value, "TextValue", text=doc.attributes[key])
                self.counts["attribute_values"] += 1
        return el

    def _coding(self, parent: ET.Element, coding: Coding) -> None:
        el = self.w.element(parent, "Coding", [
            ("guid", _guid(coding.id, "coding")), ("creatingUser", self._user(coding.coder)),
            ("creationDateTime", datetime_or_none(coding.created)),
        ])
        self.w.element(el, "CodeRef", [("targetGUID", self.code_guid[coding.code])])
        self.counts["codings"] += 1
        if coding.memo:
            guid = derived_guid("coding-memo", coding.id)
            self.notes.append((guid, None, coding))
            self.w.element(el, "NoteRef", [("targetGUID", guid)])
        for note in self.coding_notes.get(coding.id, []):
            self.w.element(el, "NoteRef", [("targetGUID", note)])

    def note_element(self, parent: ET.Element, guid: str, memo: Memo | None, coding: Coding | None) -> None:
        if memo is not None:
            el = self.w.element(parent, "Note", [
                ("guid", guid), ("name", memo.title or None), ("creatingUser", self._user(memo.author)),
                ("creationDateTime", datetime_or_none(memo.created)),
                ("modifiedDateTime", datetime_or_none(memo.modified)),
            ])
            self.w.element(el, "PlainTextContent", text=memo.text)
        else:
            assert coding is not None
            el = self.w.element(parent, "Note", [
                ("guid", guid), ("creatingUser", self._user(coding.coder)),
                ("creationDateTime", datetime_or_none(coding.created)),
            ])
            self.w.element(el, "PlainTextContent", text=coding.memo or "")
        self.counts["notes"] += 1

    # -- the whole project --------------------------------------------------
    def write(self, out: BinaryIO, spill: Path | None = None) -> None:
        """The .qdpx into *out* (seekable): project.qde, then each document's text, one document at a time.

        The Sources part of project.qde is written first to an unnamed temp file in *spill* (default
        the system's temp folder): the Users that come before it are known only once it is written.
        """
        project = self.project
        meta = project.store.meta()
        root = self.w.element(None, "Project", [
            ("xmlns", PROJECT_NS), ("xmlns:xsi", XSI_NS), ("name", project.name), ("origin", ORIGIN),
            ("creationDateTime", datetime_or_none(meta.get("created"))), ("xsi:schemaLocation", SCHEMA_LOCATION),
        ])
        before: list[ET.Element] = []    # the children of Project before Sources, Users first (the schema's order)
        if self.codes:
            before.append(self.w.element(None, "CodeBook"))
            self.codebook(before[-1], with_notes=True)
        keys = self.variables()
        if keys:
            before.append(self.w.element(None, "Variables"))
            for key in keys:
                self.w.element(before[-1], "Variable", [
                    ("guid", derived_guid("variable", key)), ("name", key), ("typeOfVariable", "Text"),
                ])
                self.counts["variables"] += 1
        # Memos of kind "coding" (if any) attach to their coding once codings are known.
        for memo in self.pending_coding_memos:
            self.coding_notes[memo.target].append(_guid(memo.id, "memo"))
        with tempfile.TemporaryFile(dir=spill) as sources:
            for doc in track(self.docs, "exporting documents"):
                sources.write(("\n" + INDENT * 2 + subtree(self.source(doc, keys), 2)).encode("utf-8"))
            after = self._after_sources()
            if self.users:
                users = self.w.element(None, "Users")
                for name in sorted(self.users, key=lambda n: (n.casefold(), n)):
                    self.w.element(users, "User", [("guid", user_guid(name)), ("name", name)])
                self.counts["users"] = len(self.users)
                before.insert(0, users)
            self._final_warnings()
            with zipfile.ZipFile(out, "w") as archive:
                with archive.open(zip_info("project.qde"), "w") as qde:
                    if not (before or self.docs or after):
                        qde.write(serialise(root))
                    else:
                        qde.write((XML_DECLARATION + open_tag(root)).encode("utf-8"))
                        for element in before:
                            qde.write(("\n" + INDENT + subtree(element, 1)).encode("utf-8"))
                        if self.docs:
                            qde.write(f"\n{INDENT}<Sources>".encode())
                            sources.seek(0)
                            shutil.copyfileobj(sources, qde, 1 << 20)
                            qde.write(f"\n{INDENT}</Sources>".encode())
                        for element in after:
                            qde.write(("\n" + INDENT + subtree(element, 1)).encode("utf-8"))
                        qde.write(b"\n</Project>\n")
                for doc in sorted(self.docs, key=lambda d: _guid(d.id, "document")):
                    text = project.docs.text(doc.id)
                    project.store.release_document(doc.id)
                    archive.writestr(zip_info(f"sources/{_guid(doc.id, 'document')}.txt"), text.encode("utf-8"))

    def _after_sources(self) -> list[ET.Element]:
        """Notes, then the project's NoteRefs: the children of Project after Sources."""
        for memo in self.pending_coding_memos:
            if memo.target in self.exported_targets:
                self.notes.append((_guid(memo.id, "memo"), memo, None))
            else:
                self.warnings.append(f"memo {memo.title or memo.id!r} is about a deleted coding; not exported")
        after = []
        if self.notes:
            after.append(self.w.element(None, "Notes"))
            for guid, memo, coding in self.notes:
                self.note_element(after[0], guid, memo, coding)
        after += [self.w.element(None, "NoteRef", [("targetGUID", guid)]) for guid in self.project_notes]
        return after

    def _final_warnings(self) -> None:
        if self.counts.get("documents_with_astral"):
            self.warnings.append(
                f"{self.counts['documents_with_astral']} coded document(s) contain emoji or other characters outside "
                "the Basic Multilingual Plane: offsets are Unicode code points as the standard says, but NVivo for "
                "Windows counts UTF-16 units and will place codings after those characters a little off")
        if self.w.cleaned:
            self.warnings.append(f"{self.w.cleaned} value(s) had characters XML cannot carry; they were removed")
        self.warnings.append("not representable in REFI-QDA and left out: speaker turns and their timestamps, "
                             "document source file names, the audit trail")


def write_qdpx(project: "Project", out: BinaryIO, spill: Path | None = None) -> ExportResult:
    """The project as a .qdpx into *out* (a seekable binary file), one document at a time."""
    builder = _ProjectBuilder(project)
    builder.write(out, spill)
    result = ExportResult(None, dict(builder.counts), builder.warnings)
    result.counts.pop("documents_with_astral", None)
    return result


def build_qdpx(project: "Project") -> tuple[bytes, ExportResult]:
    """The .qdpx as bytes (what ``export_qdpx`` writes to the file)."""
    buffer = io.BytesIO()
    result = write_qdpx(project, buffer)
    return buffer.getvalue(), result


def build_qdc(project: "Project") -> tuple[bytes, ExportResult]:
    builder = _ProjectBuilder(project)
    if not builder.codes:
        raise QualtuiError("the project has no codes: a REFI-QDA codebook needs at least one")
    root = builder.w.element(None, "CodeBook", [("xmlns", CODEBOOK_NS), ("origin", ORIGIN)])
    builder.codebook(root, with_notes=False)
    warnings = []
    if builder.code_notes:
        warnings.append(f"{sum(map(len, builder.code_notes.values()))} code memo(s) left out: a .qdc codebook "
                        "cannot carry notes (export a .qdpx to keep them)")
    if builder.w.cleaned:
        warnings.append(f"{builder.w.cleaned} value(s) had characters XML cannot carry; they were removed")
    return serialise(root), ExportResult(None, dict(builder.counts), warnings)


def export_qdpx(project: "Project", path: Path) -> ExportResult:
    """Write the .qdpx to *path* atomically, never holding the whole of it (nor the project) in memory."""
    with export_writer(path, project_root=project.root) as out:
        result = write_qdpx(project, out, spill=Path(path).parent)
    result.path = Path(path)
    project.audit("export.qdpx", path=str(path), **{k: v for k, v in result.counts.items()})
    return result


def export_qdc(project: "Project", path: Path) -> ExportResult:
    data, result = build_qdc(project)
    write_export_file(path, data, project_root=project.root)
    result.path = Path(path)
    project.audit("export.qdc", path=str(path), codes=result.counts.get("codes", 0))
    return result
