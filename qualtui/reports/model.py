"""Gather a report from a project: pure reads, no formatting."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from qualtui.analysis.frequencies import Matrix
from qualtui.progress import track
from qualtui.team.identity import coder_key
from qualtui.model import Code, Coding, Memo, Turn
from qualtui.project import Project
from qualtui.text.lines import cite_lines, line_starts, lines_of_span
from qualtui.text.units import clock

# Attributes charted by default: those that split the documents into a few groups.
MATRIX_MAX_VALUES = 12


@dataclass(frozen=True)
class Quote:
    document: str
    speaker: str | None
    first_line: int
    last_line: int
    text: str
    coder: str
    memo: str | None = None
    time: str | None = None    # recording time of the turn (h:mm:ss), when asked for and known

    @property
    def citation(self) -> str:
        """'SU02, Sam, ll. 118-120' ('l. 41' for one line), then the time if any."""
        who = f", {self.speaker}" if self.speaker else ""
        when = f", {self.time}" if self.time else ""
        return f"{self.document}{who}, {cite_lines(self.first_line, self.last_line)}{when}"


@dataclass
class CodeEntry:
    code: Code
    path: str
    depth: int
    segments: int
    documents: int
    quotes: list[Quote] = field(default_factory=list)
    memos: list[Memo] = field(default_factory=list)
    number: str = ""           # outline number: 1, 1.2, 1.2.1
    total: int = 0             # segments of the code and all its sub-codes

    @property
    def is_theme(self) -> bool:
        """A grouping code: a theme heading that is not applied to text itself."""
        return not self.code.codable


@dataclass
class Theme:
    entry: CodeEntry
    codes: list[CodeEntry]


@dataclass
class Report:
    title: str
    generated: str
    documents: int
    codings: int
    coders: list[str]
    codebook: list[CodeEntry]
    themes: list[Theme]
    journal: list[Memo]
    include_memos: bool
    matrices: list[Matrix] = field(default_factory=list)


class DocumentIndex:
    """Line numbers and speakers of one document, computed once, to cite its codings as quotes (reports,
    the codings table, the Framework matrix)."""

    def __init__(self, name: str, text: str, turns: list[Turn]) -> None:
        self.name = name
        self.text = text
        self.starts = line_starts(text)
        spoken = sorted((t for t in turns if t.speaker), key=lambda t: t.start)
        self.turn_starts = [t.label_start if t.label_start is not None else t.start for t in spoken]
        self.turns = spoken

    def quote(self, coding: Coding, *, timestamps: bool = False) -> Quote:
        first, last = lines_of_span(self.starts, coding.start, coding.end)
        index = bisect_right(self.turn_starts, coding.start) - 1
        turn = self.turns[index] if index >= 0 and coding.start <= self.turns[index].end else None
        text = " ".join(self.text[coding.start:coding.end].split())
        time = (clock(turn.begin_ms) or None) if timestamps and turn else None
        return Quote(self.name, turn.speaker if turn else None, first, last, text, coding.coder, coding.memo, time)


@dataclass
class _Tally:
    codings: int = 0
    coders: set[str] = field(default_factory=set)
    segments: Counter[str] = field(default_factory=Counter)              # code id -> codings
    documents: dict[str, set[str]] = field(default_factory=dict)         # code id -> document ids
    candidates: dict[str, list[Coding]] = field(default_factory=dict)    # code id -> what _spread may pick


def _tally(project: Project, docs: list, wanted: set[str], quotes: int) -> _Tally:
    """Counts per code, and the codings ``_spread`` may quote: one document read (and let go) at a time.

    ``_spread`` takes at most *quotes* codings from one document, the first in its order (memo'd
    first, then by position), so keeping those of each document picks exactly what it would pick
    from every coding.
    """
    tally = _Tally()
    for doc in track(docs, "reading codings"):
        here: dict[str, list[Coding]] = {}
        for coding in project.codings.for_document(doc.id):
            if wanted and coder_key(coding.coder) not in wanted:  # as every coder filter: case-insensitive
                continue
            here.setdefault(coding.code, []).append(coding)
            tally.coders.add(coding.coder)
        project.store.release_document(doc.id)
        for code_id, codings in here.items():
            tally.codings += len(codings)
            tally.segments[code_id] += len(codings)
            tally.documents.setdefault(code_id, set()).add(doc.id)
            if quotes:
                first = sorted(codings, key=lambda c: (c.memo is None, c.start))[:quotes]
                tally.candidates.setdefault(code_id, []).extend(first)
    return tally


def _spread(codings: list[Coding], limit: int) -> list[Coding]:
    """Up to *limit* codings, round-robin across documents so many voices are heard; memo'd ones first."""
    by_doc: dict[str, list[Coding]] = {}
    for coding in sorted(codings, key=lambda c: (c.memo is None, c.document, c.start)):
        by_doc.setdefault(coding.document, []).append(coding)
    chosen: list[Coding] = []
    queues = list(by_doc.values())
    while queues and len(chosen) < limit:
        for queue in list(queues):
            if len(chosen) >= limit:
                break
            chosen.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
    return chosen


def outline_numbers(tree: list[tuple[int, Code]]) -> dict[str, str]:
    """code id -> '1', '1.2', '1.2.1' in codebook order."""
    counters: list[int] = []
    numbers: dict[str, str] = {}
    for depth, code in tree:
        del counters[depth + 1:]
        counters += [0] * (depth + 1 - len(counters))
        counters[depth] += 1
        numbers[code.id] = ".".join(str(n) for n in counters)
    return numbers


def charted_attributes(project: Project) -> list[str]:
    """Attribute keys with between 2 and MATRIX_MAX_VALUES values (case-insensitive), sorted."""
    values: dict[str, set[str]] = {}
    shown: dict[str, str] = {}
    for doc in project.docs.all():
        for key, value in doc.attributes.items():
            shown.setdefault(key.casefold(), key)
            values.setdefault(key.casefold(), set()).add(value.casefold())
    return sorted((shown[k] for k, v in values.items() if 2 <= len(v) <= MATRIX_MAX_VALUES), key=str.casefold)


def build_report(project: Project, *, quotes_per_code: int = 3, include_memos: bool = False,
                 coders: list[str] | None = None, timestamps: bool = False,
                 matrix_attributes: list[str] | None = None) -> Report:
    """Everything a report says.  *matrix_attributes* None: every attribute with a few values."""
    docs = project.docs.all()
    names = {d.id: d.name for d in docs}
    tally = _tally(project, docs, {coder_key(c) for c in coders or ()}, quotes_per_code)
    indexes: dict[str, DocumentIndex] = {}

    def index(doc_id: str) -> DocumentIndex:
        if doc_id not in indexes:
            indexes[doc_id] = DocumentIndex(names[doc_id], project.docs.text(doc_id), project.docs.turns(doc_id))
        return indexes[doc_id]

    all_codes = project.codes.all()
    code_memos: dict[str, list[Memo]] = {}
    for memo in project.memos.all(kind="code"):
        code_memos.setdefault(memo.target or "", []).append(memo)
    entries: list[CodeEntry] = []
    tree = project.codes.tree()
    numbers = outline_numbers(tree)
    for depth, code in tree:
        entry = CodeEntry(code, project.codes.path(code, all_codes), depth, tally.segments[code.id],
                          len(tally.documents.get(code.id, ())),
                          [index(c.document).quote(c, timestamps=timestamps)
                           for c in _spread(tally.candidates.get(code.id, []), quotes_per_code)],
                          code_memos.get(code.id, []) if include_memos else [], numbers[code.id])
        entries.append(entry)
    _add_totals(entries)
    themes: list[Theme] = []
    for entry in entries:
        if entry.depth == 0:
            themes.append(Theme(entry, []))
        elif themes:
            themes[-1].codes.append(entry)
    return Report(
        title=project.name,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        documents=len(docs),
        codings=tally.codings,
        coders=sorted(tally.coders),
        codebook=entries,
        themes=themes,
        journal=project.memos.all(kind="project") if include_memos else [],
        include_memos=include_memos,
        matrices=_matrices(project, coders, matrix_attributes),
    )


def _add_totals(entries: list[CodeEntry]) -> None:
    """Each entry's total: its segments plus its descendants' (entries are in tree order)."""
    open_: list[CodeEntry] = []
    for entry in entries:
        while open_ and open_[-1].depth >= entry.depth:
            open_.pop()
        entry.total = entry.segments
        for ancestor in open_:
            ancestor.total += entry.segments
        open_.append(entry)


def _matrices(project: Project, coders: list[str] | None, keys: list[str] | None) -> list[Matrix]:
    from qualtui.analysis.corpus import Corpus, Scope
    from qualtui.analysis.frequencies import matrix

    keys = charted_attributes(project) if keys is None else keys
    if not keys:
        return []
    corpus = Corpus(project, Scope.build(project, coders=coders or ()), streaming=True)
    return [matrix(corpus, key) for key in keys]
