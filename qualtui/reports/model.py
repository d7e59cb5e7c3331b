"""Gather a report from a project: pure reads, no formatting."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timezone

from qualtui.identity import coder_key
from qualtui.model import Code, Coding, Memo, Turn
from qualtui.project import Project
from qualtui.textlines import line_starts, lines_of_span


@dataclass(frozen=True)
class Quote:
    document: str
    speaker: str | None
    first_line: int
    last_line: int
    text: str
    coder: str
    memo: str | None = None

    @property
    def citation(self) -> str:
        lines = f"l. {self.first_line}" if self.first_line == self.last_line else f"ll. {self.first_line}-{self.last_line}"
        who = f", {self.speaker}" if self.speaker else ""
        return f"{self.document}{who}, {lines}"


@dataclass
class CodeEntry:
    code: Code
    path: str
    depth: int
    segments: int
    documents: int
    quotes: list[Quote] = field(default_factory=list)
    memos: list[Memo] = field(default_factory=list)


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


class _DocumentIndex:
    """Line numbers and speakers for one document, computed once."""

    def __init__(self, name: str, text: str, turns: list[Turn]) -> None:
        self.name = name
        self.text = text
        self.starts = line_starts(text)
        spoken = sorted((t for t in turns if t.speaker), key=lambda t: t.start)
        self.turn_starts = [t.label_start if t.label_start is not None else t.start for t in spoken]
        self.turns = spoken

    def quote(self, coding: Coding) -> Quote:
        first, last = lines_of_span(self.starts, coding.start, coding.end)
        index = bisect_right(self.turn_starts, coding.start) - 1
        speaker = self.turns[index].speaker if index >= 0 and coding.start <= self.turns[index].end else None
        text = " ".join(self.text[coding.start:coding.end].split())
        return Quote(self.name, speaker, first, last, text, coding.coder, coding.memo)


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


def build_report(project: Project, *, quotes_per_code: int = 3, include_memos: bool = False,
                 coders: list[str] | None = None) -> Report:
    docs = project.docs.all()
    names = {d.id: d.name for d in docs}
    wanted = {coder_key(c) for c in coders or ()}  # as every other coder filter: case-insensitive
    by_code: dict[str, list[Coding]] = {}
    for coding in project.codings.iter_all([d.id for d in docs]):
        if wanted and coder_key(coding.coder) not in wanted:
            continue
        by_code.setdefault(coding.code, []).append(coding)
    indexes: dict[str, _DocumentIndex] = {}

    def index(doc_id: str) -> _DocumentIndex:
        if doc_id not in indexes:
            indexes[doc_id] = _DocumentIndex(names[doc_id], project.docs.text(doc_id), project.docs.turns(doc_id))
        return indexes[doc_id]

    all_codes = project.codes.all()
    code_memos: dict[str, list[Memo]] = {}
    for memo in project.memos.all(kind="code"):
        code_memos.setdefault(memo.target or "", []).append(memo)
    entries: list[CodeEntry] = []
    for depth, code in project.codes.tree():
        codings = [c for c in by_code.get(code.id, []) if c.document in names]
        entry = CodeEntry(code, project.codes.path(code, all_codes), depth, len(codings),
                          len({c.document for c in codings}),
                          [index(c.document).quote(c) for c in _spread(codings, quotes_per_code)],
                          code_memos.get(code.id, []) if include_memos else [])
        entries.append(entry)
    themes: list[Theme] = []
    for entry in entries:
        if entry.depth == 0:
            themes.append(Theme(entry, []))
        elif themes:
            themes[-1].codes.append(entry)
    all_coders = sorted({c.coder for items in by_code.values() for c in items})
    return Report(
        title=project.name,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        documents=len(docs),
        codings=sum(len(v) for v in by_code.values()),
        coders=all_coders,
        codebook=entries,
        themes=themes,
        journal=project.memos.all(kind="project") if include_memos else [],
        include_memos=include_memos,
    )
