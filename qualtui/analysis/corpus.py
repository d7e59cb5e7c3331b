"""What an analysis looks at: a filtered snapshot of documents, codings and turns.

A ``Corpus`` reads each document's text, turns and codings at most once, so a
screen can build one and run several analyses over it.  ``Scope`` says which
documents (by attribute or by name) and whose codings (by coder) count.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qualtui.errors import QualtuiError
from qualtui.team.identity import coder_key
from qualtui.model import Code, Coding, Document, Turn
from qualtui.services.coding_columns import CodingColumns
from qualtui.text.lines import line_of, line_starts
from qualtui.text.units import TextUnits, turn_extent
from qualtui.text.normalise import clean_label

if TYPE_CHECKING:
    from qualtui.project import Project


def parse_attribute_filters(pairs: Iterable[str]) -> dict[str, frozenset[str]]:
    """``["group=staff", "group=manager", "site=A"]`` -> {group: {staff, manager}, site: {A}} (casefolded).

    Keys are ANDed; repeated values of one key are ORed.
    """
    wanted: dict[str, set[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key, value = clean_label(key, 60).casefold(), clean_label(value).casefold()
        if not sep or not key:
            raise QualtuiError(f"attribute filter {clean_label(pair)!r} must look like key=value")
        wanted.setdefault(key, set()).add(value)
    return {k: frozenset(v) for k, v in wanted.items()}


def attribute_value(doc: Document, key: str) -> str | None:
    """The document's value for *key*, matching the key exactly, else case-insensitively."""
    if key in doc.attributes:
        return doc.attributes[key]
    folded = key.casefold()
    return next((v for k, v in doc.attributes.items() if k.casefold() == folded), None)


@dataclass(frozen=True)
class Scope:
    """Which documents and codings an analysis counts.  Empty means everything."""

    attributes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    documents: frozenset[str] | None = None   # document ids
    coders: frozenset[str] | None = None      # casefolded coder names

    @classmethod
    def build(cls, project: "Project", *, attributes: Iterable[str] = (), documents: Iterable[str] = (),
              coders: Iterable[str] = ()) -> "Scope":
        """From command-line style values: ``k=v`` pairs, document names/ids, coder names."""
        doc_ids = frozenset(project.docs.get(ref).id for ref in documents) or None
        coder_names = frozenset(coder_key(c) for c in coders if c.strip()) or None
        return cls(parse_attribute_filters(attributes), doc_ids, coder_names)

    def admits_document(self, doc: Document) -> bool:
        if self.documents is not None and doc.id not in self.documents:
            return False
        for key, values in self.attributes.items():
            value = attribute_value(doc, key)
            if value is None or value.casefold() not in values:
                return False
        return True

    def admits_coding(self, coding: Coding) -> bool:
        return self.admits_coder(coding.coder)

    def admits_coder(self, coder: str) -> bool:
        return self.coders is None or coder.casefold() in self.coders


def turns_overlapping(turns: Sequence[Turn], ends: Sequence[int], start: int, end: int) -> list[Turn]:
    """Turns whose extent (label included) overlaps [start, end); a point (start == end) counts too.

    *turns* are sorted by ``turn_extent`` and *ends* are their end offsets: turns never
    overlap, so the ends are sorted too and every turn from the first ending after
    *start* on ends after it as well.
    """
    found = []
    for index in range(bisect_right(ends, start), len(turns)):
        if turn_extent(turns[index])[0] >= max(end, start + 1):
            break
        found.append(turns[index])
    return found


def distinct_speakers(turns: Iterable[Turn]) -> tuple[str, ...]:
    """The named speakers of *turns*, each once, in order."""
    return tuple(dict.fromkeys(t.speaker for t in turns if t.speaker))


class DocumentView:
    """One document's text, line starts, turns and (scoped) codings, each read once."""

    def __init__(self, corpus: "Corpus", doc: Document) -> None:
        self.corpus = corpus
        self.doc = doc
        self._text: str | None = None
        self._starts: list[int] | None = None
        self._turns: list[Turn] | None = None
        self._turn_ends: list[int] = []
        self._codings: list[Coding] | None = None
        self._units: TextUnits | None = None
        self._spans: tuple[list[int], list[int], list[str | None], list[int | None]] | None = None

    @property
    def id(self) -> str:
        return self.doc.id

    @property
    def name(self) -> str:
        return self.doc.name

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.corpus.project.docs.text(self.doc.id)
        return self._text

    @property
    def line_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = line_starts(self.text)
        return self._starts

    def line(self, offset: int) -> int:
        return line_of(self.line_starts, offset)

    def lines(self, start: int, end: int) -> tuple[int, int]:
        return self.line(start), self.line(max(start, end - 1))

    @property
    def turns(self) -> list[Turn]:
        if self._turns is None:
            turns = sorted(self.corpus.project.docs.turns(self.doc.id), key=turn_extent)
            self._turns = turns
            # Turns never overlap, so their ends are sorted too (bisect below relies on it).
            self._turn_ends = [t.end for t in turns]
        return self._turns

    @property
    def units(self) -> TextUnits:
        """Sentences and the speech of lines, as the coding screen and ``code --lines`` see them."""
        if self._units is None:
            self._units = TextUnits(self.text, self.turns)
        return self._units

    def turns_overlapping(self, start: int, end: int) -> list[Turn]:
        """Turns whose extent (label included) overlaps [start, end); a point (start == end) counts too."""
        return turns_overlapping(self.turns, self._turn_ends, start, end)

    def turn_spans(self) -> tuple[list[int], list[int], list[str | None], list[int | None]]:
        """(extent starts, ends, speakers, begin_ms) of the turns in order: a lookup per segment, no objects."""
        if self._spans is None:
            if self._turns is None:
                self._spans = self.corpus.project.docs.turn_spans(self.doc.id)
            else:
                rows = [(*turn_extent(t), t.speaker, t.begin_ms) for t in self._turns]
                self._spans = tuple(map(list, zip(*rows))) if rows else ([], [], [], [])  # type: ignore[assignment]
        return self._spans

    def _touched(self, start: int, end: int) -> range:
        """Indexes of the turns whose extent overlaps [start, end) (as ``turns_overlapping``)."""
        starts, ends = self.turn_spans()[:2]
        first = index = bisect_right(ends, start)
        stop = max(end, start + 1)
        while index < len(starts) and starts[index] < stop:
            index += 1
        return range(first, index)

    def speakers(self, start: int, end: int) -> tuple[str, ...]:
        """Distinct speakers of the turns the span touches, in order."""
        names = self.turn_spans()[2]
        return tuple(dict.fromkeys(s for i in self._touched(start, end) if (s := names[i])))

    def start_ms(self, start: int, end: int) -> int | None:
        """The start time of the first turn the span touches that has one."""
        begins = self.turn_spans()[3]
        return next((begins[i] for i in self._touched(start, end) if begins[i] is not None), None)

    @property
    def codings(self) -> list[Coding]:
        """This document's codings within the scope's coders, sorted by offset."""
        if self._codings is None:
            scope = self.corpus.scope
            self._codings = [c for c in self.corpus.project.codings.for_document(self.doc.id)
                             if scope.admits_coding(c)]
        return self._codings

    def coding_columns(self, code_ids: frozenset[str] | set[str]) -> CodingColumns:
        """This document's codings with one of *code_ids* (within the scope's coders), sorted by offset,
        as columns: retrieving one code of many reads no object per coding."""
        if self._codings is not None:
            return CodingColumns.of_records([c.to_record() for c in self._codings if c.code in code_ids])
        return self.corpus.project.codings.columns_of(self.doc.id, code_ids, self.corpus.scope.coders)

    def release(self) -> None:
        """Forget what was read (text, turns, codings), here and in the store's caches.

        A pass over every document of a large project then holds one document at a time.
        """
        self._text = self._starts = self._turns = self._codings = self._units = self._spans = None
        self._turn_ends = []
        self.corpus.project.store.release_document(self.doc.id)

    def context(self, start: int, end: int, lines: int) -> tuple[str, str]:
        """Text before and after [start, end): the rest of its lines plus *lines* whole lines each way."""
        if lines <= 0:
            return "", ""
        starts = self.line_starts
        first, last = self.lines(start, end)
        before_from = starts[max(1, first - lines) - 1]
        after_line = min(len(starts), last + lines)
        after_to = starts[after_line] - 1 if after_line < len(starts) else len(self.text)
        return self.text[before_from:start], self.text[end:max(end, after_to)]

    def snippet(self, start: int, end: int, width: int) -> tuple[str, str]:
        """Up to *width* characters either side of [start, end), within the span's own lines."""
        starts = self.line_starts
        first, last = self.lines(start, end)
        line_begin = starts[first - 1]
        line_end = starts[last] - 1 if last < len(starts) else len(self.text)
        return self.text[max(line_begin, start - width):start], self.text[end:min(line_end, end + width)]


class Corpus:
    """The documents in scope, the codebook, and lazily loaded per-document views."""

    def __init__(self, project: "Project", scope: Scope | None = None, *, streaming: bool = False) -> None:
        self.project = project
        self.scope = scope or Scope()
        self.streaming = streaming   # each document forgotten once visited (a command's single pass)
        self.codes: list[Code] = project.codes.all()
        self.code_by_id: dict[str, Code] = {c.id: c for c in self.codes}
        self.documents: list[DocumentView] = [
            DocumentView(self, d) for d in project.docs.all() if self.scope.admits_document(d)
        ]
        self._tree: list[tuple[int, Code]] | None = None
        self._paths: dict[str, str] | None = None

    def visit(self, views: Iterable[DocumentView] | None = None) -> Iterator[DocumentView]:
        """The documents in scope (or *views* of them), in order; when streaming, each is released after its turn."""
        for view in self.documents if views is None else views:
            yield view
            if self.streaming:
                view.release()

    @property
    def tree(self) -> list[tuple[int, Code]]:
        """(depth, code) in codebook order."""
        if self._tree is None:
            self._tree = self.project.codes.tree()
        return self._tree

    def path(self, code_id: str) -> str:
        """'Theme/Code' for a code id (the id itself if the code was deleted)."""
        if self._paths is None:
            self._paths = {c.id: self.project.codes.path(c, self.codes) for c in self.codes}
        return self._paths.get(code_id, code_id)

    def descendants(self, code_id: str) -> list[str]:
        return [c.id for c in self.project.codes.descendants(code_id, self.codes)]

    def code_ids_for(self, ref: str, *, children: bool = False) -> list[str]:
        """The code named *ref* (id, name or Theme/Code path), plus its descendants with *children*."""
        code = self.project.codes.get(ref)
        return [code.id, *self.descendants(code.id)] if children else [code.id]
