"""Code frequencies and the code x document-attribute matrix."""

from __future__ import annotations

from collections import Counter, defaultdict
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


def _targets(corpus: Corpus, rollup: bool) -> dict[str, tuple[str, ...]]:
    """code id -> the rows its codings count in: its own, and with *rollup* every ancestor's too."""
    if not rollup:
        return {code.id: (code.id,) for code in corpus.codes}
    targets: dict[str, list[str]] = defaultdict(list)
    for code in corpus.codes:
        for counted in (code.id, *corpus.descendants(code.id)):
            targets[counted].append(code.id)
    return {code_id: tuple(rows) for code_id, rows in targets.items()}


def segment_counts(corpus: Corpus, *, rollup: bool = False) -> dict[str, tuple[int, int]]:
    """code id -> (segments, documents) in the corpus's scope, from the codings index (no codings file read).

    What ``frequencies`` counts as ``segments`` and ``documents``, for codes in the codebook.
    """
    targets = _targets(corpus, rollup)
    coders = corpus.scope.coders
    segments: Counter[str] = Counter()
    documents: Counter[str] = Counter()
    for tally in corpus.project.codings.tallies([v.id for v in corpus.documents]).values():
        here: Counter[str] = Counter()
        for (code, coder), n in tally.codes.items():
            if coders is None or coder.casefold() in coders:
                for row in targets.get(code, ()):
                    here[row] += n
        segments.update(here)
        documents.update(here.keys())
    return {code.id: (segments[code.id], documents[code.id]) for code in corpus.codes}


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
    but its words once).  One pass, one document at a time.
    """
    targets = _targets(corpus, rollup)
    segments: Counter[str] = Counter()
    documents: Counter[str] = Counter()
    words: Counter[str] = Counter()
    speakers: dict[str, set[str]] = defaultdict(set)
    for view in corpus.visit():
        spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for coding in view.codings:
            rows = targets.get(coding.code, ())
            if not rows:
                continue
            said = [s.casefold() for s in view.speakers(coding.start, coding.end)]
            for row in rows:
                spans[row].append((coding.start, coding.end))
                speakers[row].update(said)
        text = view.text if spans else ""
        for row, row_spans in spans.items():
            segments[row] += len(row_spans)
            documents[row] += 1
            words[row] += sum(count_words(text[s:e]) for s, e in merged(row_spans))
    return [CodeFrequency(code.id, code.name, corpus.path(code.id), depth, code.codable, segments[code.id],
                          documents[code.id], len(speakers.get(code.id, ())), words[code.id])
            for depth, code in corpus.tree]


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

    # One pass: per row and column, segments and the documents they are in; totals count each coding once.
    targets = _targets(corpus, rollup)
    cell_segments: dict[str, list[int]] = defaultdict(lambda: [0] * len(keys))
    cell_docs: dict[str, list[int]] = defaultdict(lambda: [0] * len(keys))
    row_docs: Counter[str] = Counter()
    column_segments = [0] * len(keys)
    column_docs = [0] * len(keys)
    for view in corpus.visit():
        col = index[column_of_doc[view.id]]
        here: Counter[str] = Counter()
        own = 0
        for coding in view.codings:
            rows = targets.get(coding.code, ())
            own += coding.code in corpus.code_by_id
            here.update(rows)
        for row, n in here.items():
            cell_segments[row][col] += n
            cell_docs[row][col] += 1
            row_docs[row] += 1
        column_segments[col] += own
        column_docs[col] += own > 0
    rows = []
    for depth, code in corpus.tree:
        if count == "segments":
            cells = tuple(cell_segments[code.id]) if code.id in cell_segments else (0,) * len(keys)
            total = sum(cells)
        else:
            cells = tuple(cell_docs[code.id]) if code.id in cell_docs else (0,) * len(keys)
            total = row_docs[code.id]
        rows.append(MatrixRow(code.id, code.name, corpus.path(code.id), depth, cells, total))
    if count == "segments":
        totals, grand = tuple(column_segments), sum(column_segments)
    else:
        totals, grand = tuple(column_docs), sum(column_docs)
    return Matrix(attribute, count, values, tuple(docs_per_value), tuple(rows), totals, grand)
