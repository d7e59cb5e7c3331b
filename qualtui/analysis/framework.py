"""The Framework matrix: cases (documents, or one attribute's values) x codes, each cell with its segments.

A column is a code with all its sub-codes (by default the top-level codes, the
themes).  A cell lists the coded segments of its case and code and holds the
researcher's summary (``services.framework``).  Pure reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qualtui.analysis.corpus import Corpus, attribute_value
from qualtui.analysis.frequencies import MISSING
from qualtui.errors import QualtuiError
from qualtui.model import Coding, Memo
from qualtui.reports.model import DocumentIndex, Quote, outline_numbers
from qualtui.services.framework import Summary, attr_case, case_document, doc_case
from qualtui.text.normalise import clean_label


@dataclass(frozen=True)
class Case:
    key: str                  # doc:<id> or attr:<key>=<value>
    label: str                # document name, or the attribute value as first spelled
    documents: tuple[str, ...]


@dataclass(frozen=True)
class Column:
    code_id: str
    label: str                # "1.2 Name"
    codes: frozenset[str]     # the code and its sub-codes


@dataclass
class Cell:
    case: Case
    column: Column
    codings: list[Coding] = field(default_factory=list)
    summary: Summary | None = None

    @property
    def state(self) -> str:
        """empty (no segments, no summary), open (segments, no summary), done (a summary)."""
        if self.summary is not None:
            return "done"
        return "open" if self.codings else "empty"


@dataclass
class FrameworkMatrix:
    by_attr: str | None
    cases: list[Case]
    columns: list[Column]
    cells: dict[tuple[str, str], Cell]

    def cell(self, case: Case, column: Column) -> Cell:
        return self.cells[(case.key, column.code_id)]

    def quotes(self, project, cell: Cell, *, timestamps: bool = False) -> list[Quote]:
        """The cell's segments as cited quotes, in document and text order."""
        out = []
        indexes: dict[str, DocumentIndex] = {}
        for coding in sorted(cell.codings, key=lambda c: (project.docs.by_id(c.document).name.casefold(), c.start)):
            if coding.document not in indexes:
                doc = project.docs.by_id(coding.document)
                indexes[doc.id] = DocumentIndex(doc.name, project.docs.text(doc.id), project.docs.turns(doc.id))
            out.append(indexes[coding.document].quote(coding, timestamps=timestamps))
        return out


def _columns(project, corpus: Corpus, code_refs: list[str] | None) -> list[Column]:
    numbers = outline_numbers(corpus.tree)
    if code_refs:
        chosen = []
        for ref in code_refs:
            code = project.codes.get(ref)
            if code.id not in [c.id for c in chosen]:
                chosen.append(code)
    else:
        chosen = [code for depth, code in corpus.tree if depth == 0]
    return [Column(c.id, f"{numbers[c.id]} {clean_label(c.name)}", frozenset([c.id, *corpus.descendants(c.id)]))
            for c in chosen]


def _cases(corpus: Corpus, by_attr: str | None) -> list[Case]:
    views = sorted(corpus.documents, key=lambda v: v.doc.name.casefold())
    if by_attr is None:
        return [Case(doc_case(v.id), clean_label(v.doc.name), (v.id,)) for v in views]
    if not any(attribute_value(v.doc, by_attr) is not None for v in views):
        keys = sorted({k for v in views for k in v.doc.attributes}, key=str.casefold)
        known = f" (attributes: {', '.join(keys)})" if keys else " (no document has attributes)"
        raise QualtuiError(f"no document has the attribute {clean_label(by_attr)!r}{known}")
    groups: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    for view in views:
        value = attribute_value(view.doc, by_attr)
        folded = value.casefold() if value is not None else "\0"
        shown.setdefault(folded, clean_label(value) if value is not None else MISSING)
        groups.setdefault(folded, []).append(view.id)
    order = sorted(groups, key=lambda k: (k == "\0", shown[k].casefold()))
    return [Case(attr_case(by_attr, "" if k == "\0" else k), shown[k], tuple(groups[k])) for k in order]


def build_framework(project, *, by_attr: str | None = None, codes: list[str] | None = None) -> FrameworkMatrix:
    corpus = Corpus(project)
    columns = _columns(project, corpus, codes)
    cases = _cases(corpus, by_attr)
    summaries = project.framework.cells()
    cells: dict[tuple[str, str], Cell] = {}
    views = {v.id: v for v in corpus.documents}
    for case in cases:
        codings = [c for doc_id in case.documents for c in _read_once(views[doc_id])]
        for column in columns:
            cell = Cell(case, column, [c for c in codings if c.code in column.codes],
                        summaries.get((case.key, column.code_id)))
            cells[(case.key, column.code_id)] = cell
    return FrameworkMatrix(by_attr, cases, columns, cells)


def _read_once(view) -> list:
    """The document's codings; what was read for them (and the store's cache of it) is let go."""
    codings = view.codings
    view.release()
    return codings


def find_case(matrix: FrameworkMatrix, project, ref: str) -> Case:
    """A case by document name/id, or (by attribute) by value, case-insensitively."""
    if matrix.by_attr is None:
        doc = project.docs.get(ref)
        key = doc_case(doc.id)
    else:   # "(none)" is the row of documents without the attribute
        key = attr_case(matrix.by_attr, "" if ref.casefold() == MISSING.casefold() else ref)
    for case in matrix.cases:
        if case.key == key:
            return case
    raise QualtuiError(f"no case {clean_label(ref)!r} in the matrix")


def summary_notes(project) -> list[tuple[Memo, str | None]]:
    """Each summary as a REFI-QDA note: (a memo about its code, titled with its cell; its document or None).

    The exporter attaches the note to the code and, for a document row, to the document too.
    """
    names = {d.id: d.name for d in project.docs.all()}
    codes = {c.id: c.name for c in project.codes.all()}
    out = []
    for summary in project.framework.all():
        doc = case_document(summary.case)
        if summary.code not in codes or (doc is not None and doc not in names):
            continue
        row = names[doc] if doc is not None else summary.case.removeprefix("attr:")
        title = clean_label(f"Framework: {row} x {codes[summary.code]}")
        out.append((Memo(id=summary.id, kind="code", text=summary.text, target=summary.code, title=title,
                         author=summary.author, created=summary.created, modified=summary.modified), doc))
    return out
