"""Planning a REFI-QDA import: what to write, worked out (and reported) a document at a time.

The project file is read twice, never held whole: ``read`` keeps all but the text selections, and
how well each offset convention places each source's; ``build`` picks the convention, maps users, links
notes and names documents; ``codings`` reads each document's selections again, ``finish`` makes memos.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qualtui.model import Coding, new_id, now_iso
from qualtui.progress import track
from qualtui.refi.archive import Archive
from qualtui.refi.import_codes import CodeNames, code_records, walk_codes
from qualtui.refi.import_framework import take_framework_summaries
from qualtui.refi.import_memos import plan_memos
from qualtui.refi.offsets import (ALL_CONVENTIONS, Convention, Score, Selection, SourceText, fits,
                                  prior_conventions, score)
from qualtui.errors import ImportRejected
from qualtui.refi.reader import ProjectReader, RCoding, RSource, iter_project
from qualtui.refi.xmlwrite import datetime_or_none
from qualtui.refi.xmlread import local
from qualtui.text.normalise import clean_label, decode_bytes


@dataclass
class ImportReport:
    target: Path | None = None
    counts: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    convention: str = ""

    def lines(self) -> list[str]:
        order = ("documents", "codes", "codings", "memos", "framework summaries", "attributes", "users",
                 "merged codes", "duplicate codings merged")
        out = ["imported: " + ", ".join(f"{self.counts[k]} {k}" for k in order if k in self.counts)]
        if self.convention:
            out.append(f"offsets: {self.convention}")
        out.extend(self.notes)
        if any(self.skipped.values()):
            out.append("skipped (not carried over):")
            out.extend(f"  {count} {reason}" for reason, count in sorted(self.skipped.items()) if count)
        return out


@dataclass
class _Probe:
    """What the first reading learnt of one source's text (which is then let go)."""

    selections: int = 0                     # text selections and codings of the whole source
    placed: bool = False                    # has text selections (offsets to place)
    duplicate: bool = False                 # an ATLAS.ti transcript also listed as a text source
    missing: str = ""                       # why it has no text ("" when it has)
    unreadable: bool = False                # no text at all (not one that cannot be decoded)
    latin1: bool = False                    # decoded as cp1252/latin-1
    ambiguous: bool = False                 # has selections and conventions that place them differently
    # (convention, its score on this text) in the order the whole-file planner added them to the totals
    scores: list[tuple[Convention, Score]] = field(default_factory=list)


@dataclass
class _Doc:
    source: RSource                         # without its selections (the second reading has them)
    probe: _Probe
    index: int                              # the source's place among the file's text sources
    doc_id: str
    name: str
    scores: dict[Convention, Score] = field(default_factory=dict)


def _selections(src: RSource) -> list[Selection]:
    return [Selection(s.start if s.start is not None else -1, s.end if s.end is not None else -1, s.name)
            for s in src.selections]


class ImportPlan:
    """Everything to write, worked out before the new project exists."""

    def __init__(self, archive: Archive, label: str) -> None:
        self.archive = archive
        self.label = label
        self.report = ImportReport()
        self.skipped = self.report.skipped
        self.used_notes: set[str] = set()
        self.probes: list[_Probe] = []
        # selections' and codings' references to notes on codes (a qualtui export has its codebook first)
        self.selection_note_refs: Counter[str] = Counter()

    # the first reading ---------------------------------------------------------
    def read(self) -> None:
        """Read the project file once, keeping no text selections; ``ImportRejected`` if it is no project."""
        reader = ProjectReader()
        prior: tuple[Convention, ...] = ()
        seen_paths: set[str] = set()
        code_notes: set[str] = set()
        chunks = track(self.archive.chunks(), "reading the project file", total=self.archive.chunk_count())
        for kind, el in iter_project(chunks, self.archive.qde_name):
            if kind == "root":
                if local(el.tag) != "Project":
                    raise ImportRejected(f"{self.label} is not a REFI-QDA project (root element is "
                                         f"{clean_label(local(el.tag))!r}); for a codebook use 'qualtui import-qdc'")
                reader.start(el)
                prior = prior_conventions(reader.project.origin)
            elif kind == "child":
                reader.child(el)
                if local(el.tag) == "CodeBook":
                    code_notes = {guid for code in walk_codes(reader.project.codes) for guid in code.notes}
            else:
                for src in reader.source(el):
                    self.probes.append(self._probe(src, prior, seen_paths))
                    self.selection_note_refs.update(g for g in src.note_refs() if g in code_notes)
                    src.selections, src.whole = [], []   # read again, a document at a time (``codings``)
                    reader.project.sources.append(src)
        self.rp = reader.finish()
        self.skipped.update(self.rp.skipped)

    def _probe(self, src: RSource, prior: tuple[Convention, ...], seen_paths: set[str]) -> _Probe:
        path_key = (src.path or "").strip().lower().rsplit("/", 1)[-1]
        count = len(src.selections) + len(src.whole)
        if src.what == "media transcript" and path_key and path_key in seen_paths:
            return _Probe(count, duplicate=True)
        text, missing, unreadable, latin1 = self._text(src)
        if text is None:
            return _Probe(count, missing=missing, unreadable=unreadable)
        if path_key:
            seen_paths.add(path_key)
        probe = _Probe(count, bool(src.selections), latin1=latin1)
        selections = _selections(src)
        probe.ambiguous = bool(selections) and len(text.distinct(ALL_CONVENTIONS)) > 1
        if probe.ambiguous:
            for conv in text.distinct(prior):   # conventions that cannot differ on this text share one score
                result = score(text, selections, conv)
                probe.scores += [(other, result) for other in prior if text.distinct((conv, other)) == (conv,)]
        return probe

    def _text(self, src: RSource) -> tuple[SourceText | None, str, bool, bool]:
        """(the source's text, why there is none, whether there are no bytes at all, whether they were
        decoded as cp1252/latin-1)."""
        if src.inline is not None and not src.path:
            return SourceText(src.inline), "", False, False
        data, why = self.archive.source_bytes(src.path)
        if data is None:
            return None, f"{src.what}s without text ({why})", True, False
        try:
            raw, _enc, warnings = decode_bytes(data)
        except UnicodeDecodeError:
            return None, f"{src.what}s whose text cannot be decoded", False, False
        return SourceText(raw), "", False, bool(warnings)

    def text_of(self, doc: _Doc) -> SourceText:
        """A document's text, read again from the file."""
        text = self._text(doc.source)[0]
        assert text is not None   # it was there on the first reading
        return text

    def user(self, guid: str | None) -> str:
        if guid and guid in self.users:
            return clean_label(self.users[guid], 60) or self.default_user
        return self.default_user

    def build(self, coder: str) -> None:
        """After ``read``: codes, documents, links, the offset convention and attributes (*coder*: for
        anything the file attributes to no user)."""
        rp = self.rp
        self.coder = coder
        self.users = rp.users
        self.default_user = clean_label(rp.users.get(rp.creator or "", ""), 60) or coder
        used: set[str] = set()
        self.codes, self.code_ids, _ = code_records(rp.codes, self.coder, used, code_names := CodeNames(fallback="Unnamed code"))
        for old, new in code_names.renamed:
            self.report.notes.append(f"code {clean_label(old) or '(no name)'!r} renamed to {new!r} "
                                     "(code names must be unique and cannot contain '/')")
        self.code_by_id = {c.id: c for c in self.codes}
        self.notes = {n.guid: n for n in rp.notes if n.guid}
        self.note_targets: dict[str, list[str]] = defaultdict(list)   # object guid -> note guids
        for code in walk_codes(rp.codes):
            if code.guid:
                self.note_targets[code.guid].extend(code.notes)
        self._documents(used)
        self._links()
        self.summaries = take_framework_summaries(self)   # before codings and memos read the notes
        self.convention = self._choose_convention()
        self._attributes()
        self.codings_added = 0
        self.coders: set[str] = set()
        self.orphan_comments: list[tuple[_Doc, str | None, str, str | None, str | None]] = []
        self.fixed_codable: set[str] = set()
        self.used_ids: set[str] = set()
        self.uncoded: list[str] = []

    # documents ---------------------------------------------------------------
    def _documents(self, used: set[str]) -> None:
        self.docs: list[_Doc] = []
        names = CodeNames(limit=120, fallback="Document")
        for index, (src, probe) in enumerate(zip(self.rp.sources, self.probes)):
            if probe.duplicate:
                continue   # ATLAS.ti lists a transcript's text also as a text source
            if probe.missing:
                self.skipped[probe.missing] += 1
                if probe.unreadable:
                    self.skipped["text selections in sources without text"] += probe.selections
                continue
            if probe.latin1:
                self.report.notes.append(f"{clean_label(src.name)}: text was not UTF-8; decoded as cp1252/latin-1")
            doc_id = src.guid if src.guid and src.guid not in used else new_id()
            used.add(doc_id)
            stem = os.path.splitext((src.path or "").replace("\\", "/").rsplit("/", 1)[-1])[0]
            name = names.claim(src.name or stem or src.guid or "Document")
            self.docs.append(_Doc(src, probe, index, doc_id, name))
            if src.guid:
                self.note_targets[src.guid].extend(src.notes)
        for old, new in names.renamed:
            if old:
                self.report.notes.append(f"document {clean_label(old)!r} renamed to {new!r} (names must be unique)")

    def _links(self) -> None:
        if not self.rp.links:
            return
        ends = {guid for link in self.rp.links for guid in link if guid}
        docs = {d.index for d in self.docs}
        known = set(self.note_targets)
        for index, src in self._sources():   # the selections and codings links point at, read again
            if index in docs:
                known |= {s.guid for s in src.selections if s.guid in ends}
                known |= {c.guid for s in src.selections for c in s.codings if c.guid in ends}
        for origin, target in self.rp.links:
            if origin in self.notes and target in known:
                self.note_targets[target].append(origin)
            elif target in self.notes and origin in known:
                self.note_targets[origin].append(target)
            else:
                self.skipped["links between objects"] += 1

    # offsets -----------------------------------------------------------------
    def _choose_convention(self) -> Convention:
        prior = prior_conventions(self.rp.origin)
        ambiguous = [d for d in self.docs if d.probe.ambiguous]
        if not any(d.probe.placed for d in self.docs):
            self.report.convention = "no text selections to place"
            return prior[0]
        if not ambiguous:
            self.report.convention = ("Unicode code points (every counting convention gives the same positions "
                                      "for these texts)")
            return prior[0]
        totals = {conv: Score(conv) for conv in prior}
        for doc in ambiguous:
            for other, result in doc.probe.scores:
                totals[other].add(result)
                doc.scores[other] = result
        best = prior[0]
        for conv in prior[1:]:
            if totals[conv].key() > totals[best].key():
                best = conv
        s = totals[best]
        evidence = [f"{s.boundary_hits}/{s.boundary_total} selection ends on word or line boundaries"]
        if s.name_hits or s.name_misses:
            evidence.append(f"{s.name_hits}/{s.name_hits + s.name_misses} selection names match the text")
        origin = f"origin {clean_label(self.rp.origin)!r}" if self.rp.origin else "no origin given"
        self.report.convention = f"{best.label} ({origin}; {', '.join(evidence)})"
        return best

    # the second reading ------------------------------------------------------------
    def _sources(self) -> Iterator[tuple[int, RSource]]:
        """The file's text sources read again, with their selections: (index, source)."""
        reader = ProjectReader()
        index = 0
        for kind, el in iter_project(self.archive.chunks(), self.archive.qde_name):
            if kind == "source":
                for src in reader.source(el):
                    yield index, src
                    index += 1

    def codings(self) -> Iterator[tuple[_Doc, list[Coding]]]:
        """Each document, in order, with its codings (the file read again: one document's at a time)."""
        docs = {d.index: d for d in self.docs}
        for index, src in self._sources():
            doc = docs.get(index)
            if doc is not None:
                yield doc, self._document_codings(doc, src)

    def _document_codings(self, doc: _Doc, src: RSource) -> list[Coding]:
        conv = self.convention
        text = self.text_of(doc)
        selections = _selections(src)
        found: list[Coding] = []
        seen: set[tuple] = set()
        if doc.probe.ambiguous:
            result = doc.scores.get(conv) or score(text, selections, conv)
            if not fits(result, judge_boundaries=len(prior_conventions(self.rp.origin)) > 1):
                self.uncoded.append(doc.name)
                self.skipped["text selections in documents imported uncoded (offsets fit no convention)"] += \
                    len(src.selections)
                return found
        for sel, probe in zip(src.selections, selections):
            span = text.span(probe.start, probe.end, conv) if probe.start >= 0 and probe.end >= 0 else None
            if span is None:
                self.skipped["text selections that are empty or outside their text"] += 1
                continue
            notes = list(sel.notes) + (self.note_targets.get(sel.guid, []) if sel.guid else [])
            if not sel.codings:
                if sel.description or notes:
                    quote = text.text[span[0]:span[1]]
                    quote = quote.strip()[:300] if quote else None
                    for comment in [sel.description, *map(self._note_text, notes)]:
                        if comment:
                            self.orphan_comments.append((doc, quote, comment, sel.user, sel.created))
                else:
                    self.skipped["text selections without codes or comments"] += 1
                continue
            for rc in sel.codings:
                self._add_coding(found, doc, rc, span, sel.user, sel.created, seen,
                                 [sel.description] if sel.description else [], notes)
        for rc in src.whole:
            self._add_coding(found, doc, rc, (0, len(text.text)), src.user, src.created, seen, [], [])
        return found

    def finish(self) -> None:
        """After the second reading: what it could not code, and the memos."""
        if self.uncoded:
            self.report.notes.append(
                f"imported uncoded because their offsets fit no counting convention: {', '.join(self.uncoded)}")
        self.memos = plan_memos(self)

    def _add_coding(self, found: list[Coding], doc: _Doc, rc: RCoding, span: tuple[int, int], user: str | None,
                    created: str | None, seen: set[tuple], comments: list[str], notes: list[str]) -> None:
        code_id = self.code_ids.get(rc.code or "")
        if code_id is None:
            self.skipped["codings whose code does not exist (dangling CodeRef)"] += 1
            return
        if span[0] >= span[1]:
            self.skipped["text selections that are empty or outside their text"] += 1
            return
        coder = self.user(rc.user or user)
        key = (doc.doc_id, code_id, span, coder)
        if key in seen:
            self.report.counts["duplicate codings merged"] += 1
            return
        seen.add(key)
        coding_id = rc.guid if rc.guid and rc.guid not in self.used_ids else new_id()
        self.used_ids.add(coding_id)
        if not self.code_by_id[code_id].codable:
            self.fixed_codable.add(code_id)
        memo_parts = comments + [self._note_text(n) for n in rc.notes + self.note_targets.get(rc.guid or "", [])]
        memo_parts += [self._note_text(n) for n in notes]
        memo = "\n\n".join(p for p in memo_parts if p) or None
        found.append(Coding(id=coding_id, document=doc.doc_id, code=code_id, start=span[0], end=span[1],
                            coder=coder, memo=memo,
                            created=datetime_or_none(rc.created) or datetime_or_none(created) or now_iso()))
        self.codings_added += 1
        self.coders.add(coder)

    def _note_text(self, guid: str) -> str:
        note = self.notes.get(guid)
        if note is None:
            self.skipped["note references to missing notes (dangling NoteRef)"] += 1
            return ""
        self.used_notes.add(guid)
        text = note.text if not note.description else f"{note.description}\n\n{note.text}".strip()
        return f"**{note.name}**\n\n{text}" if note.name and text else (text or note.name)

    # attributes ----------------------------------------------------------------
    def _attributes(self) -> None:
        by_guid = {d.source.guid: d for d in self.docs if d.source.guid}
        self.attributes: dict[str, dict[str, str]] = {d.doc_id: {} for d in self.docs}

        def put(doc: _Doc, key: str, value: str, join: bool = False) -> None:
            key = clean_label(key, 60) or "variable"
            attrs = self.attributes[doc.doc_id]
            if join and key in attrs and value not in attrs[key].split("; "):
                attrs[key] = f"{attrs[key]}; {value}"
            else:
                attrs[key] = value

        for doc in self.docs:
            for var, value in doc.source.values:
                put(doc, self.rp.variables.get(var or "", "") or "variable", value)
        for name, sources, values in self.rp.cases:
            targets = [by_guid[s] for s in sources if s in by_guid]
            self.skipped["case references to missing sources"] += len(sources) - len(targets)
            for doc in targets:
                for var, value in values:
                    put(doc, self.rp.variables.get(var or "", "") or "variable", value)
                if name:
                    put(doc, "case", clean_label(name), join=True)
        for name, members in self.rp.source_sets:
            key, sep, value = name.partition(":")
            for guid in members:
                doc = by_guid.get(guid)
                if doc is None:
                    continue
                if sep and key.strip() and value.strip():
                    put(doc, key.strip(), value.strip(), join=True)   # ATLAS.ti: set "gender: male"
                else:
                    put(doc, "set", clean_label(name), join=True)
