"""Inter-coder agreement over a project: what is compared, the report, the disagreements.

``load`` reads the project once into plain data (``Material``); ``report`` and
``disagreements`` are pure functions of it, so a screen can build the material
once and show both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qualtui.team.agreement.stats import Agreement, MeanAgreement, Tally, agreement, mean_agreement
from qualtui.team.agreement.units import Span, char_patterns, merge_spans, segments, unit_masks
from qualtui.analysis.corpus import distinct_speakers, turns_overlapping
from qualtui.errors import QualtuiError
from qualtui.team.identity import coder_key
from qualtui.model import Turn
from qualtui.text.lines import line_starts, lines_of_span
from qualtui.text.normalise import clean_label
from qualtui.text.units import turn_extent

if TYPE_CHECKING:
    from qualtui.project import Project

UNITS = ("char", "turn")
MAX_CODERS = 8


class DocumentMaterial:
    """One document's part of the comparison.  Its text and turns are given, or read again when asked
    (``read``): a project's material holds no text, so a pass over it reads one document at a time."""

    __slots__ = ("id", "name", "units", "spans", "length", "_text", "_turns", "_read")

    def __init__(self, id: str, name: str, text: str | None, turns: tuple[Turn, ...],
                 units: tuple[Span, ...],                          # turn units (or lines); empty for char units
                 spans: dict[str, tuple[tuple[Span, ...], ...]],   # code id -> per coder merged spans
                 *, length: int | None = None, read: Callable[[], tuple[str, tuple[Turn, ...]]] | None = None):
        self.id, self.name, self.units, self.spans = id, name, units, spans
        self._text, self._turns, self._read = text, turns, read
        self.length = len(text) if text is not None else length or 0

    def content(self) -> tuple[str, tuple[Turn, ...]]:
        """(text, turns sorted by extent), read again if not held."""
        if self._text is None and self._read is not None:
            return self._read()
        return self._text or "", self._turns

    @property
    def text(self) -> str:
        return self.content()[0]

    @property
    def turns(self) -> tuple[Turn, ...]:
        return self.content()[1]


@dataclass(frozen=True)
class Material:
    coders: tuple[str, ...]
    unit: str
    codes: tuple[tuple[str, str], ...]                   # (code id, 'Theme/Code' path), codebook order
    documents: tuple[DocumentMaterial, ...]

    def unit_count(self, doc: DocumentMaterial) -> int:
        return doc.length if self.unit == "char" else len(doc.units)


@dataclass(frozen=True)
class CodeAgreement:
    code_id: str
    code: str
    tally: Tally
    stats: Agreement


@dataclass(frozen=True)
class AgreementReport:
    coders: tuple[str, ...]
    unit: str
    documents: tuple[tuple[str, str], ...]               # (id, name)
    units: int                                           # units per code (all documents)
    codes: tuple[CodeAgreement, ...]
    pooled: Agreement                                    # over units x codes
    mean: MeanAgreement                                  # mean of per-code values


@dataclass(frozen=True)
class Disagreement:
    document_id: str
    document: str
    code_id: str
    code: str
    start: int
    end: int
    first_line: int
    last_line: int
    speakers: tuple[str, ...]
    coded_by: tuple[str, ...]
    not_coded_by: tuple[str, ...]
    text: str

    @property
    def lines(self) -> str:
        return str(self.first_line) if self.first_line == self.last_line else f"{self.first_line}-{self.last_line}"


# loading -------------------------------------------------------------------

def line_units(text: str) -> tuple[Span, ...]:
    """One unit per line that is not blank (for documents without turns)."""
    starts = line_starts(text)
    bounds = list(zip(starts, [s - 1 for s in starts[1:]] + [len(text)]))
    return tuple((s, e) for s, e in bounds if text[s:e].strip())


def turn_units(text: str, turns: Sequence[Turn]) -> tuple[Span, ...]:
    """Each turn with its speaker label, in order; a document without turns has one unit per non-blank line."""
    if not turns:
        return line_units(text)
    spans = {turn_extent(t) for t in turns}
    return tuple(sorted((max(0, s), min(e, len(text))) for s, e in spans if min(e, len(text)) > max(0, s)))


def _coder_names(project: "Project", coders: Sequence[str]) -> tuple[str, ...]:
    unique: dict[str, str] = {}
    for coder in coders:
        name = clean_label(coder)
        if name:
            unique.setdefault(name.casefold(), name)
    names = tuple(unique.values())
    if len(names) < 2:
        raise QualtuiError("agreement needs at least two different coders (--coders alice,bob)")
    if len(names) > MAX_CODERS:
        raise QualtuiError(f"agreement compares at most {MAX_CODERS} coders at once")
    return names


def load(project: "Project", coders: Sequence[str], *, codes: Sequence[str] | None = None,
         documents: Sequence[str] | None = None, unit: str = "char") -> Material:
    """Read what the comparison needs.

    Coders match case-insensitively.  Documents: those given, else every document
    in which each coder has at least one coding.  Codes: those given, else every
    code at least one of the coders applied in those documents.  Each code counts
    only its own codings (not its sub-codes').
    """
    if unit not in UNITS:
        raise QualtuiError(f"unit must be one of {', '.join(UNITS)}")
    names = _coder_names(project, coders)
    folded = [coder_key(n) for n in names]
    index_of = {name: i for i, name in enumerate(folded)}
    all_docs = project.docs.all()
    if documents:
        chosen = list({d.id: d for d in (project.docs.get(ref) for ref in documents)}.values())
        chosen.sort(key=lambda d: d.name.casefold())
    else:
        chosen = all_docs
    # (code, coder index, start, end) of the coders' codings, a document's codings read at a time
    codings: dict[str, list[tuple[str, int, int, int]]] = {}
    for d in chosen:
        codings[d.id] = [(c.code, index_of[key], c.start, c.end) for c in project.codings.for_document(d.id)
                         if (key := coder_key(c.coder)) in index_of]
        project.store.release_document(d.id)
    seen_coders = {folded[c[1]] for items in codings.values() for c in items}
    missing = [n for n, f in zip(names, folded) if f not in seen_coders]
    if missing:
        known = sorted({c.coder for d in all_docs for c in project.codings.for_document(d.id)}, key=str.casefold)
        where = "in the chosen documents" if documents else "in this project"
        raise QualtuiError(f"no codings by {', '.join(missing)} {where}; coders: {', '.join(known) or 'none'}")
    if not documents:
        chosen = [d for d in chosen if len({c[1] for c in codings[d.id]}) == len(folded)]
        if not chosen:
            raise QualtuiError(f"no document has codings by all of {', '.join(names)}; choose documents with --docs")

    codebook = project.codes.all()
    by_id = {c.id: c for c in codebook}
    order = {code.id: i for i, (_, code) in enumerate(project.codes.tree())}
    if codes:
        code_ids = list(dict.fromkeys(project.codes.get(ref).id for ref in codes))
    else:
        used = {c[0] for d in chosen for c in codings[d.id]}
        code_ids = sorted((cid for cid in used if cid in by_id), key=lambda cid: order.get(cid, len(order)))
    code_list = tuple((cid, project.codes.path(by_id[cid], codebook)) for cid in code_ids)
    wanted = set(code_ids)

    docs = []
    for doc in chosen:
        read = _reader(project, doc.id)
        text, turns = read() if unit == "turn" else (project.docs.text(doc.id), ())
        raw: dict[str, list[list[Span]]] = {}
        for code, coder, start, end in codings.pop(doc.id):
            if code in wanted:
                raw.setdefault(code, [[] for _ in names])[coder].append((start, end))
        spans = {code: tuple(tuple(merge_spans(s, len(text))) for s in per_coder) for code, per_coder in raw.items()}
        units = turn_units(text, turns) if unit == "turn" else ()
        docs.append(DocumentMaterial(doc.id, doc.name, None, (), units, spans, length=len(text), read=read))
        project.store.release_document(doc.id)
    return Material(names, unit, code_list, tuple(docs))


def _reader(project: "Project", doc_id: str) -> Callable[[], tuple[str, tuple[Turn, ...]]]:
    def read() -> tuple[str, tuple[Turn, ...]]:
        text, turns = project.docs.text(doc_id), tuple(sorted(project.docs.turns(doc_id), key=turn_extent))
        project.store.release_document(doc_id)
        return text, turns
    return read


# statistics ----------------------------------------------------------------

def code_tally(material: Material, code_id: str) -> Tally:
    m = len(material.coders)
    total = Tally.empty(m)
    for doc in material.documents:
        units = material.unit_count(doc)
        per_coder = doc.spans.get(code_id)
        if per_coder is None:
            total += Tally.from_patterns(m, units, {})
        elif material.unit == "char":
            total += Tally.from_patterns(m, units, char_patterns(per_coder))
        else:
            coded: dict[int, int] = {}
            for mask in unit_masks(doc.units, per_coder):
                coded[mask] = coded.get(mask, 0) + 1
            total += Tally.from_patterns(m, units, coded)
    return total


def report(material: Material) -> AgreementReport:
    m = len(material.coders)
    per_code = []
    pooled = Tally.empty(m)
    for code_id, label in material.codes:
        tally = code_tally(material, code_id)
        pooled += tally
        per_code.append(CodeAgreement(code_id, label, tally, agreement(tally)))
    return AgreementReport(
        coders=material.coders,
        unit=material.unit,
        documents=tuple((d.id, d.name) for d in material.documents),
        units=sum(material.unit_count(d) for d in material.documents),
        codes=tuple(per_code),
        pooled=agreement(pooled),
        mean=mean_agreement(c.stats for c in per_code),
    )


# disagreements -------------------------------------------------------------

def _differing(material: Material, doc: DocumentMaterial, per_coder) -> list[tuple[int, int, int]]:
    full = (1 << len(material.coders)) - 1
    if material.unit == "turn":
        masks = unit_masks(doc.units, per_coder)
        return [(s, e, mask) for (s, e), mask in zip(doc.units, masks) if mask not in (0, full)]
    runs: list[tuple[int, int, int]] = []
    for start, end, mask in segments(per_coder):
        if mask == full:
            continue
        if runs and runs[-1][1] == start and runs[-1][2] == mask:
            runs[-1] = (runs[-1][0], end, mask)
        else:
            runs.append((start, end, mask))
    return runs


def disagreements(material: Material, *, min_length: int = 1) -> list[Disagreement]:
    """Where the coders differ, per code: maximal stretches (char) or units (turn) some but not all coded.

    For char units, stretches shorter than *min_length* characters are left out.
    Ordered by document, position, then code.
    """
    return list(iter_disagreements(material, min_length=min_length))


def iter_disagreements(material: Material, *, min_length: int = 1) -> Iterator[Disagreement]:
    """``disagreements``, a document at a time (its text read once, then let go)."""
    for doc in material.documents:
        text, turns = doc.content()
        starts = line_starts(text)
        turn_ends = [t.end for t in turns]
        found = []
        for code_id, label in material.codes:
            per_coder = doc.spans.get(code_id)
            if per_coder is None:
                continue
            for start, end, mask in _differing(material, doc, per_coder):
                if material.unit == "char" and end - start < min_length:
                    continue
                first, last = lines_of_span(starts, start, end)
                coded = tuple(n for i, n in enumerate(material.coders) if mask >> i & 1)
                found.append(Disagreement(
                    doc.id, doc.name, code_id, label, start, end, first, last,
                    distinct_speakers(turns_overlapping(turns, turn_ends, start, end)), coded,
                    tuple(n for n in material.coders if n not in coded), text[start:end],
                ))
        found.sort(key=lambda d: (d.start, d.end, d.code.casefold()))
        yield from found
