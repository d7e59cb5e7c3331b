"""Documents: import, look up, attributes.  Text and turns are immutable once stored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from qualtui.errors import NotFoundError, QualtuiError
from qualtui.model import Document, Transcript, Turn, new_id, now_iso
from qualtui.services.turn_spans import is_turn_record
from qualtui.text.normalise import clean_label, count_words, has_controls
from qualtui.text.units import turn_extent
from stores import StoreError

if TYPE_CHECKING:
    from qualtui.project import Project

TABLE = "documents"


def resolve(items: list, ref: str, what: str, key=lambda item: item.name):
    """Find one item by exact id, exact name (case-insensitive), or unique prefix of either."""
    ref = ref.strip()
    folded = ref.casefold()
    for item in items:
        if item.id == ref:
            return item
    exact = [item for item in items if key(item).casefold() == folded]
    if len(exact) == 1:
        return exact[0]
    prefix = [item for item in items if key(item).casefold().startswith(folded) or item.id.startswith(ref)]
    if len(prefix) == 1:
        return prefix[0]
    if len(prefix) > 1:
        names = ", ".join(sorted(key(item) for item in prefix)[:6])
        raise NotFoundError(f"{what} {clean_label(ref)!r} is ambiguous: {names}")
    raise NotFoundError(f"no {what} named {clean_label(ref)!r}")


def text_sha256(text: str) -> str:
    """The identity of a stored text: merge matches on it, ``check`` verifies it."""
    import hashlib   # here: loading OpenSSL costs every command's start a few milliseconds

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def turn_fields(turns: list[Turn]) -> dict:
    """The document record's fields derived from its turns."""
    return {"turns": len(turns), "speakers": sorted({t.speaker for t in turns if t.speaker}, key=str.casefold)}


def content_fields(text: str, turns: list[Turn]) -> dict:
    """The document record's fields derived from its text and turns (import, pseudonymisation)."""
    return {"length": len(text), "words": count_words(text), "sha256": text_sha256(text), **turn_fields(turns)}


class DocumentService:
    def __init__(self, project: "Project") -> None:
        self.project = project
        self.store = project.store

    def all(self) -> list[Document]:
        docs = [Document.from_record(r) for r in self.store.project.raw(TABLE).values()]
        return sorted(docs, key=lambda d: d.name.casefold())

    def ids(self) -> list[str]:
        """Every document's id, unordered, without building the documents (cheap at any size)."""
        return list(self.store.project.raw(TABLE))

    def by_id(self, doc_id: str) -> Document:
        record = self.store.project.get(TABLE, doc_id)
        if record is None:
            raise NotFoundError(f"no document with id {doc_id}")
        return Document.from_record(record)

    def get(self, ref: str) -> Document:
        return resolve(self.all(), ref, "document")

    def text(self, doc_id: str) -> str:
        return self.store.read_text(doc_id)

    def turns(self, doc_id: str, *, raw: bool = False) -> list[Turn]:
        """The document's turns, speakers under their canonical names (``qualtui speaker``) unless *raw*."""
        path = self.store.turns_path(doc_id)
        records = self.store.read_json(path, default=[])
        if not isinstance(records, list) or not all(map(is_turn_record, records)):
            raise StoreError(f"{path} is damaged (not a list of turns with whole-number offsets)")
        stored = Turn.from_records(records)
        return stored if raw else self.project.speakers.apply(stored)

    def turn_spans(self, doc_id: str) -> tuple[list[int], list[int], list[str | None], list[int | None]]:
        """(extent starts (label included), ends, canonical speakers, begin_ms) of the turns, by position.

        What analyses of a large project look up for every segment: from the turns index (one small
        line per document, ``services.turn_spans``), no ``Turn`` per turn.  A file that is odd in any
        way (a missing or mistyped field) goes through ``turns``, which cleans and checks every record.
        """
        spans = self.store.turn_summaries([doc_id])[doc_id]
        if spans.odd:
            turns = sorted(self.turns(doc_id), key=turn_extent)
            return ([turn_extent(t)[0] for t in turns], [t.end for t in turns], [t.speaker for t in turns],
                    [t.begin_ms for t in turns])
        names = self.project.speakers.as_read(spans.labels)
        return list(spans.starts), list(spans.ends), list(map(names.__getitem__, spans.labels)), list(spans.begins)

    def add(self, transcript: Transcript, name: str, *, source: str = "",
            attributes: Mapping[str, str] | None = None, doc_id: str | None = None,
            created: str | None = None, imported_by: str | None = None) -> Document:
        """Store a new document: its text, turns, codings file and record land together (one transaction).

        ``doc_id``, ``created`` and ``imported_by`` keep another tool's values (REFI-QDA import).
        """
        with self.store.transaction("add document"):
            return self._add(transcript, name, source, attributes, doc_id, created, imported_by)

    def _add(self, transcript: Transcript, name: str, source: str, attributes: Mapping[str, str] | None,
             doc_id: str | None, created: str | None, imported_by: str | None) -> Document:
        if doc_id is not None and self.store.project.get(TABLE, doc_id) is not None:
            raise QualtuiError(f"a document with id {doc_id} already exists")
        name = clean_label(name, 120)
        if not name:
            raise QualtuiError("a document needs a name")
        if any(d.name.casefold() == name.casefold() for d in self.all()):
            raise QualtuiError(f"a document named {name!r} already exists (use --name to choose another)")
        text = transcript.text
        if has_controls(text):   # every importer normalises; only a hand-made project file gets here
            raise QualtuiError(f"the text of {name!r} holds control characters")
        turns = [t.safe() for t in transcript.turns]
        doc = Document(
            id=doc_id or new_id(),
            name=name,
            attributes={clean_label(k, 60): clean_label(v) for k, v in (attributes or {}).items()},
            source=clean_label(source, 200),
            source_format=transcript.source_format,
            created=created or now_iso(),
            imported_by=imported_by or self.project.coder,
            **content_fields(text, turns),
        ).cleaned()
        self.store.write_text(doc.id, text)
        self.store.write_json(self.store.turns_path(doc.id), [t.to_record() for t in turns])
        self.store.document_file(doc.id).ensure_exists()
        self.store.project.put(TABLE, doc.to_record())
        self.project.audit("document.add", document=doc.id, name=doc.name, sha256=doc.sha256)
        return doc

    def set_attribute(self, doc_id: str, key: str, value: str | None) -> Document:
        """Set (or, with value None, remove) one attribute."""
        key = clean_label(key, 60)
        if not key:
            raise QualtuiError("an attribute needs a name")
        clean_value = None if value is None else clean_label(value)

        def apply(table: dict) -> dict:
            if doc_id not in table:
                raise NotFoundError(f"no document with id {doc_id}")
            record = dict(table[doc_id])
            attrs = dict(record.get("attributes") or {})
            if clean_value is None:
                attrs.pop(key, None)
            else:
                attrs[key] = clean_value
            record["attributes"] = attrs
            table[doc_id] = record
            return record

        record = self.store.project.mutate(TABLE, apply)
        self.project.audit("document.attribute", document=doc_id, key=key, value=clean_value)
        return Document.from_record(record)

    def rename(self, doc_id: str, name: str) -> Document:
        name = clean_label(name, 120)
        if not name:
            raise QualtuiError("a document needs a name")

        def apply(table: dict) -> dict:
            if doc_id not in table:
                raise NotFoundError(f"no document with id {doc_id}")
            if any(r["name"].casefold() == name.casefold() and i != doc_id for i, r in table.items()):
                raise QualtuiError(f"a document named {name!r} already exists")
            record = dict(table[doc_id], name=name)
            table[doc_id] = record
            return record

        record = self.store.project.mutate(TABLE, apply)
        self.project.audit("document.rename", document=doc_id, name=name)
        return Document.from_record(record)

    def delete(self, doc_id: str) -> None:
        """Remove a document, its codings, its memos and its Framework summaries (one transaction)."""
        with self.store.transaction("delete document"):
            self.by_id(doc_id)
            self.store.project.delete(TABLE, doc_id)
            self.store.delete_document_files(doc_id)
            self.project.memos.delete_about(doc_id)
            self.project.framework.delete(s.id for s in self.project.framework.about_case(f"doc:{doc_id}"))
            self.project.audit("document.delete", document=doc_id)

    def signature(self, doc_id: str) -> tuple | None:
        """Changes whenever this document's codings file is replaced (by any process)."""
        return self.store.document_file(doc_id).signature()
