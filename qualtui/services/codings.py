"""Codings: a code applied to a half-open ``[start, end)`` span of one document."""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from qualtui.errors import ChangedMeanwhile, NotFoundError, QualtuiError
from qualtui.model import Coding, new_id, now_iso
from qualtui.progress import track
from qualtui.services.coding_columns import RECORD_ORDER, CodingColumns, readable
from qualtui.services.coding_counts import CODINGS_TABLE, DocCounts, count_records
from qualtui.text.normalise import clean_label
from stores import StoreError

if TYPE_CHECKING:
    from qualtui.project import Project

TABLE = CODINGS_TABLE


def _check_span(start: int, end: int, length: int) -> None:
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= length:
        raise QualtuiError(f"span [{start}, {end}) is not inside the document (0-{length})")


def _clean_coders(tally: DocCounts) -> DocCounts:
    """Coder names as the codings read back carry them (a hand-made file may hold raw ones)."""
    if all(clean_label(coder, 60) == coder for coder in {coder for _, coder in tally.codes}):
        return tally
    codes: Counter[tuple[str, str]] = Counter()
    for (code, coder), n in tally.codes.items():
        codes[code, clean_label(coder, 60)] += n
    covered: Counter[str] = Counter()
    for coder, chars in tally.covered.items():  # two raw names cleaned alike: an upper bound, capped
        covered[clean_label(coder, 60)] += chars
    return replace(tally, codes=dict(codes), covered={c: min(n, tally.covered_all) for c, n in covered.items()})


def _sort_key(coding: Coding) -> tuple[int, int, str]:
    return (coding.start, coding.end, coding.id)


def _clean_memo(memo: str | None) -> str | None:
    """Memos may hold newlines, never terminal control characters."""
    from qualtui.services.memos import clean_memo_text

    return clean_memo_text(memo) or None if memo else None


class CodingService:
    def __init__(self, project: "Project") -> None:
        self.project = project
        self.store = project.store

    # reads -----------------------------------------------------------------
    def _records(self, doc_id: str, codes: Container[str] | None = None) -> list[dict[str, Any]]:
        """The document's stored coding records (those with one of *codes*, if given), each one a coding
        every reader can use.

        A record that is not (a hand-edited file: an offset in quotes, a record that is not an object)
        is one line naming the file instead of a traceback in whatever reads it; ``check`` reports it
        and ``check --repair`` removes it.  Checked a field at a time at C speed: whole projects are read.
        """
        table = self.store.document_file(doc_id).raw(TABLE)
        try:
            records = list(table.values()) if codes is None else [r for r in table.values() if r["code"] in codes]
        except (KeyError, TypeError):
            records = [None]   # a record that is not an object, or has no code
        if not readable(records):
            raise StoreError(f"{self.store.codings_path(doc_id)} holds a coding that cannot be read (a field "
                             "missing or of the wrong kind); run 'qualtui check --repair'")
        return records

    def for_document(self, doc_id: str, codes: Container[str] | None = None) -> list[Coding]:
        """The document's codings sorted by offset (only those with one of *codes*, if given)."""
        return sorted(Coding.from_records(self._records(doc_id, codes)), key=_sort_key)

    def records_of(self, doc_id: str, codes: Container[str]) -> list[dict[str, Any]]:
        """The document's codings with one of *codes*, sorted by offset, as records (``Coding`` fields).

        A whole-project pass (retrieve) reads tens of thousands: no object per coding.  Records as this
        version writes them are used as stored; any other (a field to clean, missing or unknown: an
        older version's or a hand-made file) comes back as ``Coding.from_record`` makes it.
        """
        records = self._records(doc_id, codes)
        if not Coding.usable_as_stored(records, complete=True):
            records = [c.to_record() for c in Coding.from_records(records)]
        records.sort(key=RECORD_ORDER)
        return records

    def columns_of(self, doc_id: str, codes: Container[str], coders: Container[str] | None = None) -> CodingColumns:
        """``records_of`` as columns (by *coders*, casefolded names, if given): what a whole-project pass reads.

        From the coding-columns index (``services.coding_columns``): one short line per document, not
        its codings file, unless the entry is stale.  A file with any coding to read the careful way
        goes through ``records_of``.
        """
        columns = self.store.coding_columns([doc_id])[doc_id]
        if columns.odd:
            columns = CodingColumns.of_records(self.records_of(doc_id, codes))
        return columns.only(codes, coders)

    def iter_all(self, doc_ids: Iterable[str] | None = None) -> Iterator[Coding]:
        ids = list(doc_ids) if doc_ids is not None else [d.id for d in self.project.docs.all()]
        for doc_id in ids:
            yield from self.for_document(doc_id)

    def for_code(self, code_ids: str | Iterable[str], doc_ids: Iterable[str] | None = None) -> list[Coding]:
        wanted = {code_ids} if isinstance(code_ids, str) else set(code_ids)
        ids = list(doc_ids) if doc_ids is not None else [d.id for d in self.project.docs.all()]
        found: list[Coding] = []
        for doc_id in ids:
            matches = [Coding.from_record(r) for r in self._records(doc_id, wanted)]
            found.extend(sorted(matches, key=_sort_key))
        return found

    def count(self, doc_id: str) -> int:
        return len(self.store.document_file(doc_id).raw(TABLE))

    def get(self, doc_id: str, coding_id: str) -> Coding:
        record = self.store.document_file(doc_id).get(TABLE, coding_id)
        if record is None:
            raise NotFoundError(f"no coding with id {coding_id}")
        return Coding.from_record(record)

    def at(self, doc_id: str, offset: int) -> list[Coding]:
        return [c for c in self.for_document(doc_id) if c.covers(offset)]

    def tallies(self, doc_ids: Iterable[str] | None = None) -> dict[str, DocCounts]:
        """doc id -> its codings counted per (code, coder), and the characters they cover.

        From the codings index: no codings file is read unless its entry is stale (see
        ``stores.file_index``); coder names are cleaned as ``Coding.from_record`` cleans them.
        """
        ids = list(doc_ids) if doc_ids is not None else self.project.docs.ids()
        return {doc_id: _clean_coders(tally) for doc_id, tally in self.store.coding_counts(ids).items()}

    @staticmethod
    def summarise(codings: Iterable[Coding], signature: tuple | None) -> DocCounts:
        """The tally of codings already in memory (one document's, as ``for_document`` read them)."""
        return count_records((c.__dict__ for c in codings), signature)

    def per_coder(self) -> Counter[str]:
        """coder -> codings across the project, from the codings index."""
        coders: Counter[str] = Counter()
        for tally in self.tallies().values():
            for (_code, coder), n in tally.codes.items():
                coders[coder] += n
        return coders

    def counts(self) -> dict[str, tuple[int, int]]:
        """code id -> (segments, documents) across the project."""
        segments: Counter[str] = Counter()
        documents: Counter[str] = Counter()
        for tally in self.tallies().values():
            per_code: Counter[str] = Counter()
            for (code, _coder), n in tally.codes.items():
                per_code[code] += n
            segments.update(per_code)
            documents.update(per_code.keys())
        return {code: (segments[code], documents[code]) for code in segments}

    # writes ----------------------------------------------------------------
    def check_span(self, doc_id: str, start: int, end: int) -> None:
        """Raise the error ``add`` would raise for this span, before anything else is changed."""
        _check_span(start, end, self.project.docs.by_id(doc_id).length)

    def _validate(self, doc_id: str, code_id: str, start: int, end: int) -> None:
        _check_span(start, end, self.project.docs.by_id(doc_id).length)
        self._check_codable(code_id)

    def _check_codable(self, code_id: str) -> None:
        code = self.project.codes.by_id(code_id)
        if not code.codable:
            raise QualtuiError(f"{code.name!r} is a grouping, not a codable code")

    def add(self, doc_id: str, code_id: str, start: int, end: int, *, memo: str | None = None,
            coder: str | None = None) -> Coding:
        """Code a span.  Coding the same span with the same code twice returns the existing coding."""
        return self.add_with_status(doc_id, code_id, start, end, memo=memo, coder=coder)[0]

    def add_with_status(self, doc_id: str, code_id: str, start: int, end: int, *, memo: str | None = None,
                        coder: str | None = None) -> tuple[Coding, bool]:
        """Like ``add``, and say whether the coding is new (False: that span already had that code)."""
        with self.store.editing():  # the code cannot be merged away between the check and the write
            return self._add(doc_id, code_id, start, end, memo, coder)

    def _add(self, doc_id: str, code_id: str, start: int, end: int, memo: str | None,
             coder: str | None) -> tuple[Coding, bool]:
        self._validate(doc_id, code_id, start, end)
        coder = clean_label(coder or self.project.coder, 60)
        coding = Coding(id=new_id(), document=doc_id, code=code_id, start=start, end=end,
                        coder=coder, created=now_iso(), memo=_clean_memo(memo))

        def apply(table: dict) -> dict:
            for record in table.values():
                if (record["code"], record["start"], record["end"], record["coder"]) == (code_id, start, end, coder):
                    return record
            table[coding.id] = coding.to_record()
            return table[coding.id]

        stored = Coding.from_record(self.store.document_file(doc_id).mutate(TABLE, apply))
        created = stored.id == coding.id
        if created:
            self.project.audit("coding.add", document=doc_id, coding=coding.id, code=code_id, start=start, end=end)
        return stored, created

    def add_many(self, doc_id: str, spans: Iterable[tuple[str, int, int]], *, coder: str | None = None) -> list[Coding]:
        """Code many spans of one document in one durable write; existing identical codings are skipped."""
        with self.store.editing():
            return self._add_many(doc_id, spans, coder)

    def _add_many(self, doc_id: str, spans: Iterable[tuple[str, int, int]], coder: str | None) -> list[Coding]:
        coder = clean_label(coder or self.project.coder, 60)
        length = self.project.docs.by_id(doc_id).length
        codings = []
        checked: set[str] = set()
        for code_id, start, end in spans:
            _check_span(start, end, length)
            if code_id not in checked:
                self._check_codable(code_id)
                checked.add(code_id)
            codings.append(Coding(id=new_id(), document=doc_id, code=code_id, start=start, end=end,
                                  coder=coder, created=now_iso()))

        def apply(table: dict) -> list[Coding]:
            existing = {(r["code"], r["start"], r["end"], r["coder"]) for r in table.values()}
            added = []
            for coding in codings:
                key = (coding.code, coding.start, coding.end, coding.coder)
                if key not in existing:
                    existing.add(key)
                    table[coding.id] = coding.to_record()
                    added.append(coding)
            return added

        added = self.store.document_file(doc_id).mutate(TABLE, apply)
        if added:
            self.project.audit("coding.add", document=doc_id, codings=[c.id for c in added])
        return added

    def put(self, codings: Iterable[Coding]) -> None:
        """Store codings as given (undo, merge, import), cleaned by the rule every write follows."""
        by_doc: dict[str, list[Coding]] = {}
        for coding in map(Coding.safe, codings):
            by_doc.setdefault(coding.document, []).append(coding)
        with self.store.transaction("put codings") if len(by_doc) > 1 else self.store.editing():
            for doc_id, items in track(list(by_doc.items()), "writing codings"):
                self.store.document_file(doc_id).put_many(TABLE, [c.to_record() for c in items])
                self.project.audit("coding.put", document=doc_id, codings=[c.id for c in items])

    def remove(self, doc_id: str, coding_ids: str | Iterable[str]) -> list[Coding]:
        """Remove codings; returns what was removed (so it can be restored)."""
        ids = [coding_ids] if isinstance(coding_ids, str) else list(coding_ids)

        def apply(table: dict) -> list[Coding]:
            return [Coding.from_record(table.pop(i)) for i in ids if i in table]

        removed = self.store.document_file(doc_id).mutate(TABLE, apply)
        if removed:
            self.project.audit("coding.remove", document=doc_id, codings=[c.id for c in removed])
        return removed

    def update(self, doc_id: str, coding_id: str, *, audit: bool = True, **changes) -> Coding:
        """Change memo, code or span of one coding (*audit* False: see MemoService.update)."""
        return self.update_pair(doc_id, coding_id, audit=audit, **changes)[1]

    def update_pair(self, doc_id: str, coding_id: str, *, audit: bool = True, expect: dict | None = None,
                    **changes) -> tuple[Coding, Coding]:
        """Like ``update``; (the coding as this write found it, as it left it), for undo.

        *expect*: fields the stored coding must still hold (checked inside the lock), else ``ChangedMeanwhile``
        and nothing is written (an editor saving a coding memo as you type never overwrites a colleague).
        """
        allowed = {"memo", "code", "start", "end"}
        if set(changes) - allowed:
            raise QualtuiError(f"cannot change {', '.join(sorted(set(changes) - allowed))} of a coding")
        if "memo" in changes:
            changes["memo"] = _clean_memo(changes["memo"])

        def apply(table: dict) -> dict:
            if coding_id not in table:
                raise NotFoundError(f"no coding with id {coding_id}")
            found = table[coding_id]
            if expect and any(found.get(field) != value for field, value in expect.items()):
                raise ChangedMeanwhile(f"coding {coding_id} was changed by someone else meanwhile")
            table[coding_id] = dict(found, **changes)
            return found, table[coding_id]

        with self.store.editing():
            if {"code", "start", "end"} & set(changes):
                current = self.get(doc_id, coding_id)
                self._validate(doc_id, changes.get("code", current.code), changes.get("start", current.start),
                               changes.get("end", current.end))
            found, record = self.store.document_file(doc_id).mutate(TABLE, apply)
        if audit:
            self.project.audit("coding.update", document=doc_id, coding=coding_id, fields=sorted(changes))
        return Coding.from_record(found), Coding.from_record(record)

    def recode(self, code_from: str, code_to: str) -> int:
        """Move every coding of one code to another (merging), in one transaction; returns how many moved."""
        with self.store.transaction("recode"):
            return self._recode(code_from, code_to)

    def _recode(self, code_from: str, code_to: str) -> int:
        moved = 0
        for doc in self.project.docs.all():
            def apply(table: dict) -> int:
                count = 0
                for key, record in list(table.items()):
                    if record["code"] == code_from:
                        table[key] = dict(record, code=code_to)
                        count += 1
                return count

            if any(r["code"] == code_from for r in self.store.document_file(doc.id).raw(TABLE).values()):
                n = self.store.document_file(doc.id).mutate(TABLE, apply)
                if n:
                    self.project.audit("coding.recode", document=doc.id, code_from=code_from, code_to=code_to, count=n)
                moved += n
        return moved
