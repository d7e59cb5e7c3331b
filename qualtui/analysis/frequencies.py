"""Code frequencies and the code x document-attribute matrix."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from qualtui.analysis.corpus import Corpus, attribute_value
from qualtui.errors import QualtuiError
from qualtui.text.normalise import clean_label, count_words

MISSING = "(none)"


@dataclass(frozen=True)
class CodeFrequency:
    code_id: str
    name: str
    path: str
    depth: int
    codable: bool
    segments: int
    documents: int
    speakers: int     # distinct speaker names (case-insensitive) across documents
    words: int        # words in the text the code covers (overlapping segments counted once)


@dataclass(frozen=True)
class _Hit:
    doc_id: str
    start: int
    end: int


def _segments_by_code(corpus: Corpus, rollup: bool) -> dict[str, list[_Hit]]:
    """code id -> its segments (with *rollup*, also those of every descendant)."""
    own: dict[str, list[_Hit]] = defaultdict(list)
    for view in corpus.documents:
        for coding in view.codings:
            own[coding.code].append(_Hit(view.id, coding.start, coding.end))
    if not rollup:
        return own
    rolled: dict[str, list[_Hit]] = {}
    for code in corpus.codes:
        hits = list(own.get(code.id, ()))
        for descendant in corpus.descendants(code.id):
            hits.extend(own.get(descendant, ()))
        rolled[code.id] = hits
    return rolled


def merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of half-open spans as sorted, disjoint spans."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def frequencies(corpus: Corpus, *, rollup: bool = False) -> list[CodeFrequency]:
    """One row per code in codebook order (codes never used have zeros).

    With *rollup* a code's row counts its own segments and all its
    descendants' (a segment coded with two sub-codes counts twice as a segment
    but its words once).
    """
    by_code = _segments_by_code(corpus, rollup)
    views = {v.id: v for v in corpus.documents}
    rows = []
    for depth, code in corpus.tree:
        hits = by_code.get(code.id, [])
        per_doc: dict[str, list[tuple[int, int]]] = defaultdict(list)
        speakers: set[str] = set()
        for hit in hits:
            per_doc[hit.doc_id].append((hit.start, hit.end))
            speakers.update(s.casefold() for s in views[hit.doc_id].speakers(hit.start, hit.end))
        words = sum(count_words(views[doc_id].text[s:e]) for doc_id, spans in per_doc.items()
                    for s, e in merged(spans))
        rows.append(CodeFrequency(code.id, code.name, corpus.path(code.id), depth, code.codable,
                                  len(hits), len(per_doc), len(speakers), words))
    return rows


@dataclass(frozen=True)
class MatrixRow:
    code_id: str
    name: str
    path: str
    depth: int
    cells: tuple[int, ...]   # one per Matrix.values
    total: int


@dataclass(frozen=True)
class Matrix:
    attribute: str
    count: str                          # "segments" or "documents"
    values: tuple[str, ...]             # column headings; MISSING last for documents without the attribute
    documents_per_value: tuple[int, ...]
    rows: tuple[MatrixRow, ...]
    totals: tuple[int, ...]             # per column: codings (each once), or distinct coded documents
    grand_total: int


def matrix(corpus: Corpus, attribute: str, *, count: str = "segments", rollup: bool = False) -> Matrix:
    """Codes as rows, values of a document *attribute* as columns.

    ``count="documents"`` counts distinct documents, so its totals are distinct
    documents too (not the sum of the cells).
    """
    if count not in ("segments", "documents"):
        raise QualtuiError(f"count must be segments or documents, not {clean_label(count)!r}")
    if not any(attribute_value(v.doc, attribute) is not None for v in corpus.documents):
        keys = sorted({k for v in corpus.documents for k in v.doc.attributes}, key=str.casefold)
        known = f" (attributes: {', '.join(keys)})" if keys else " (no document has attributes)"
        raise QualtuiError(f"no document has the attribute {clean_label(attribute)!r}{known}")

    # Values group case-insensitively and are shown as first spelled (documents are sorted by name).
    column_of_doc: dict[str, str] = {}
    shown: dict[str, str] = {}
    for view in corpus.documents:
        value = attribute_value(view.doc, attribute)
        folded = value.casefold() if value is not None else None
        if folded is not None:
            shown.setdefault(folded, value)
        column_of_doc[view.id] = folded if folded is not None else "\0missing"
    keys = sorted(shown, key=lambda k: shown[k].casefold())
    if "\0missing" in column_of_doc.values():
        keys.append("\0missing")
    index = {k: i for i, k in enumerate(keys)}
    values = tuple(shown.get(k, MISSING) for k in keys)
    docs_per_value = [0] * len(keys)
    for column in column_of_doc.values():
        docs_per_value[index[column]] += 1

    by_code = _segments_by_code(corpus, rollup)
    rows = []
    for depth, code in corpus.tree:
        segments = [0] * len(keys)
        docs: list[set[str]] = [set() for _ in keys]
        for hit in by_code.get(code.id, []):
            col = index[column_of_doc[hit.doc_id]]
            segments[col] += 1
            docs[col].add(hit.doc_id)
        if count == "segments":
            cells, total = tuple(segments), sum(segments)
        else:
            cells, total = tuple(len(d) for d in docs), len(set().union(*docs))
        rows.append(MatrixRow(code.id, code.name, corpus.path(code.id), depth, cells, total))

    # Totals count each coding once, even when rolled-up rows repeat it.
    column_segments = [0] * len(keys)
    column_docs: list[set[str]] = [set() for _ in keys]
    for code_id, hits in _segments_by_code(corpus, False).items():
        if code_id in corpus.code_by_id:
            for hit in hits:
                col = index[column_of_doc[hit.doc_id]]
                column_segments[col] += 1
                column_docs[col].add(hit.doc_id)
    if count == "segments":
        totals, grand = tuple(column_segments), sum(column_segments)
    else:
        totals, grand = tuple(len(d) for d in column_docs), len(set().union(*column_docs))
    return Matrix(attribute, count, values, tuple(docs_per_value), tuple(rows), totals, grand)
