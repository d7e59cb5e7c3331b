"""Planning a REFI-QDA import: everything to write, worked out (and reported) before the new project exists.

The plan picks the offset convention that fits the exported selections best, maps users, links notes to
what they annotate, and counts what cannot be carried over.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from qualtui.model import Coding, Memo, new_id, now_iso
from qualtui.refi.archive import Archive
from qualtui.refi.import_codes import CodeNames, code_records, walk_codes
from qualtui.refi.import_framework import take_framework_summaries
from qualtui.refi.offsets import (ALL_CONVENTIONS, Convention, Score, Selection, SourceText, fits,
                                  prior_conventions, score)
from qualtui.refi.reader import RCoding, RNote, RProject, RSource
from qualtui.refi.xmlwrite import datetime_or_none
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
class _Doc:
    source: RSource
    text: SourceText
    doc_id: str
    name: str
    selections: list[Selection]
    scores: dict[Convention, Score] = field(default_factory=dict)


class ImportPlan:
    """Everything to write, worked out before the new project exists."""

    def __init__(self, rp: RProject, archive: Archive, coder: str, label: str) -> None:
        self.rp = rp
        self.archive = archive
        self.coder = coder
        self.label = label
        self.report = ImportReport()
        self.skipped = self.report.skipped
        self.skipped.update(rp.skipped)
        self.users = rp.users
        self.default_user = clean_label(rp.users.get(rp.creator or "", ""), 60) or coder
        self.used_notes: set[str] = set()

    def user(self, guid: str | None) -> str:
        if guid and guid in self.users:
            return clean_label(self.users[guid], 60) or self.default_user
        return self.default_user

    def build(self) -> None:
        rp = self.rp
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
        self._codings()
        self._attributes()
        self._memos()

    # documents ---------------------------------------------------------------
    def _documents(self, used: set[str]) -> None:
        self.docs: list[_Doc] = []
        names = CodeNames(limit=120, fallback="Document")
        seen_paths: set[str] = set()
        for src in self.rp.sources:
            path_key = (src.path or "").strip().lower().rsplit("/", 1)[-1]
            if src.what == "media transcript" and path_key and path_key in seen_paths:
                continue   # ATLAS.ti lists a transcript's text also as a text source
            n_sel = len(src.selections) + len(src.whole)
            if src.inline is not None and not src.path:
                raw = src.inline
            else:
                data, why = self.archive.source_bytes(src.path)
                if data is None:
                    self.skipped[f"{src.what}s without text ({why})"] += 1
                    self.skipped["text selections in sources without text"] += n_sel
                    continue
                try:
                    raw, _enc, warnings = decode_bytes(data)
                except UnicodeDecodeError:
                    self.skipped[f"{src.what}s whose text cannot be decoded"] += 1
                    continue
                if warnings:
                    self.report.notes.append(f"{clean_label(src.name)}: text was not UTF-8; decoded as cp1252/latin-1")
            if path_key:
                seen_paths.add(path_key)
            doc_id = src.guid if src.guid and src.guid not in used else new_id()
            used.add(doc_id)
            stem = os.path.splitext((src.path or "").replace("\\", "/").rsplit("/", 1)[-1])[0]
            name = names.claim(src.name or stem or src.guid or "Document")
            selections = [Selection(s.start if s.start is not None else -1, s.end if s.end is not None else -1, s.name)
                          for s in src.selections]
            self.docs.append(_Doc(src, SourceText(raw), doc_id, name, selections))
            if src.guid:
                self.note_targets[src.guid].extend(src.notes)
        for old, new in names.renamed:
            if old:
                self.report.notes.append(f"document {clean_label(old)!r} renamed to {new!r} (names must be unique)")

    def _links(self) -> None:
        known = set(self.note_targets) | {s.guid for d in self.docs for s in d.source.selections if s.guid} | \
            {c.guid for d in self.docs for s in d.source.selections for c in s.codings if c.guid}
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
        ambiguous = [d for d in self.docs if d.selections and len(d.text.distinct(ALL_CONVENTIONS)) > 1]
        if not any(d.selections for d in self.docs):
            self.report.convention = "no text selections to place"
            return prior[0]
        if not ambiguous:
            self.report.convention = ("Unicode code points (every counting convention gives the same positions "
                                      "for these texts)")
            return prior[0]
        totals = {conv: Score(conv) for conv in prior}
        for doc in ambiguous:
            # Conventions that cannot differ on this text share one score.
            for conv in doc.text.distinct(prior):
                result = score(doc.text, doc.selections, conv)
                for other in prior:
                    if doc.text.distinct((conv, other)) == (conv,):
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

    def _codings(self) -> None:
        conv = self._choose_convention()
        self.codings: list[Coding] = []
        self.coding_memos: dict[str, list[str]] = defaultdict(list)
        self.orphan_comments: list[tuple[_Doc, tuple[int, int] | None, str, str | None, str | None]] = []
        self.fixed_codable: set[str] = set()
        used_ids: set[str] = set()
        seen: set[tuple] = set()
        self.uncoded: list[str] = []
        for doc in self.docs:
            src = doc.source
            if doc.selections and len(doc.text.distinct(ALL_CONVENTIONS)) > 1:
                result = doc.scores.get(conv) or score(doc.text, doc.selections, conv)
                if not fits(result, judge_boundaries=len(prior_conventions(self.rp.origin)) > 1):
                    self.uncoded.append(doc.name)
                    self.skipped["text selections in documents imported uncoded (offsets fit no convention)"] += \
                        len(src.selections)
                    continue
            for sel, probe in zip(src.selections, doc.selections):
                span = doc.text.span(probe.start, probe.end, conv) if probe.start >= 0 and probe.end >= 0 else None
                if span is None:
                    self.skipped["text selections that are empty or outside their text"] += 1
                    continue
                notes = list(sel.notes) + (self.note_targets.get(sel.guid, []) if sel.guid else [])
                if not sel.codings:
                    if sel.description or notes:
                        self.orphan_comments.append((doc, span, sel.description, sel.user, sel.created))
                        for note in notes:
                            self.orphan_comments.append((doc, span, self._note_text(note), sel.user, sel.created))
                    else:
                        self.skipped["text selections without codes or comments"] += 1
                    continue
                for rc in sel.codings:
                    self._add_coding(doc, rc, span, sel.user, sel.created, used_ids, seen,
                                     [sel.description] if sel.description else [], notes)
            for rc in src.whole:
                self._add_coding(doc, rc, (0, len(doc.text.text)), src.user, src.created, used_ids, seen, [], [])
        if self.uncoded:
            self.report.notes.append(
                f"imported uncoded because their offsets fit no counting convention: {', '.join(self.uncoded)}")

    def _add_coding(self, doc: _Doc, rc: RCoding, span: tuple[int, int], user: str | None, created: str | None,
                    used_ids: set[str], seen: set[tuple], comments: list[str], notes: list[str]) -> None:
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
        coding_id = rc.guid if rc.guid and rc.guid not in used_ids else new_id()
        used_ids.add(coding_id)
        if not self.code_by_id[code_id].codable:
            self.fixed_codable.add(code_id)
        memo_parts = comments + [self._note_text(n) for n in rc.notes + self.note_targets.get(rc.guid or "", [])]
        memo_parts += [self._note_text(n) for n in notes]
        memo = "\n\n".join(p for p in memo_parts if p) or None
        self.codings.append(Coding(id=coding_id, document=doc.doc_id, code=code_id, start=span[0], end=span[1],
                                   coder=coder, memo=memo,
                                   created=datetime_or_none(rc.created) or datetime_or_none(created) or now_iso()))

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

    # memos ---------------------------------------------------------------------
    def _memos(self) -> None:
        self.memos: list[Memo] = []
        stamp = now_iso()

        def memo_of(note: RNote | None, kind: str, target: str | None, *, guid: str | None = None,
                    text: str = "", title: str = "", user: str | None = None, created: str | None = None) -> None:
            if note is not None:
                text = f"{note.description}\n\n{note.text}".strip() if note.description else note.text
                title, user, created = note.name, note.user, note.created
                modified = datetime_or_none(note.modified)
            else:
                modified = None
            memo_id = guid if guid and guid not in memo_ids else new_id()
            memo_ids.add(memo_id)
            made = datetime_or_none(created) or stamp
            self.memos.append(Memo(id=memo_id, kind=kind, target=target, text=text.replace("\r\n", "\n"),
                                   title=clean_label(title), author=self.user(user), created=made,
                                   modified=modified or made))

        memo_ids: set[str] = set()
        for doc in self.docs:
            src = doc.source
            for guid in dict.fromkeys(self.note_targets.get(src.guid or "", [])):
                if guid in self.notes:
                    memo_of(self.notes[guid], "document", doc.doc_id, guid=guid)
                    self.used_notes.add(guid)
                else:
                    self.skipped["note references to missing notes (dangling NoteRef)"] += 1
            if src.description:
                memo_of(None, "document", doc.doc_id, text=src.description, title="Description",
                        user=src.user, created=src.created)
        for doc, span, text, user, created in self.orphan_comments:
            if text:
                quoted = doc.text.text[span[0]:span[1]] if span else ""
                memo_of(None, "document", doc.doc_id, title="Comment", user=user, created=created,
                        text=f"> {quoted.strip()[:300]}\n\n{text}" if quoted else text)
        for rc in walk_codes(self.rp.codes):
            code_id = self.code_ids.get(rc.guid or "")
            for guid in dict.fromkeys(self.note_targets.get(rc.guid or "", [])):
                if guid in self.notes and code_id:
                    memo_of(self.notes[guid], "code", code_id, guid=guid)
                    self.used_notes.add(guid)
                elif guid not in self.notes:
                    self.skipped["note references to missing notes (dangling NoteRef)"] += 1
        if self.rp.description:
            memo_of(None, "project", None, text=self.rp.description, title="Project description")
        for guid in dict.fromkeys(self.rp.project_notes):
            if guid in self.notes:
                memo_of(self.notes[guid], "project", None, guid=guid)
                self.used_notes.add(guid)
            else:
                self.skipped["note references to missing notes (dangling NoteRef)"] += 1
        loose = [n for n in self.rp.notes if n.guid not in self.used_notes]
        for note in loose:
            memo_of(note, "project", None, guid=note.guid)
        if loose:
            self.report.notes.append(f"{len(loose)} note(s) not attached to anything became project memos")
