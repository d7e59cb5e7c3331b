"""Auto-coding: code search hits (or their sentences or turns) and speakers' turns, as one undoable step.

    spans = spans_for_hits(corpus, result.hits, unit="sentence")
    outcome, change = code_spans(project, code.id, spans)
    history.record(change)          # undo removes exactly the codings added

Each document is written once (``CodingService.add_many``); if a later
document fails, the documents already written are rolled back before the
error propagates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from qualtui.analysis.corpus import Corpus, DocumentView
from qualtui.analysis.search import Hit
from qualtui.editing.touches import touch
from qualtui.errors import QualtuiError
from qualtui.editing.history import Change, combine
from qualtui.model import Code, Coding
from qualtui.progress import track
from qualtui.project import Project
from qualtui.text.normalise import clean_label

UNITS = ("match", "sentence", "turn")
Spans = dict[str, list[tuple[int, int]]]   # document id -> sorted distinct [start, end)


@dataclass(frozen=True)
class AutocodeResult:
    code_id: str
    code: str
    added: tuple[Coding, ...]
    skipped: int        # spans already covered by one of this coder's codings with the code
    documents: int      # documents that got new codings


def _region(view: DocumentView, start: int, end: int) -> tuple[int, int]:
    """A hit outside every turn: the speech of its lines."""
    return view.units.speech_span(*view.lines(start, end))


def spans_for_hits(corpus: Corpus, hits: Iterable[Hit], unit: str = "match") -> Spans:
    """What to code for each hit: the match, the sentence(s) it touches, or the speech of its turn(s).

    A hit outside any turn falls back to its lines for ``turn``; a whitespace-only hit is skipped
    for ``sentence``.
    """
    if unit not in UNITS:
        raise QualtuiError(f"unit must be one of {', '.join(UNITS)}, not {clean_label(unit)!r}")
    views = {v.id: v for v in corpus.documents}
    spans: dict[str, set[tuple[int, int]]] = {}
    for hit in hits:
        view = views[hit.document_id]
        chosen: list[tuple[int, int]] = []
        if unit == "match":
            chosen.append((hit.start, hit.end))
        elif unit == "sentence":
            around = view.units.sentence_around(hit.start, hit.end)
            if around:
                chosen.append(around)
        else:
            turns = [t for t in view.turns_overlapping(hit.start, hit.end) if t.end > t.start]
            chosen.extend((t.start, t.end) for t in turns)
            if not turns:
                chosen.append(_region(view, hit.start, hit.end))
        spans.setdefault(view.id, set()).update(s for s in chosen if s[1] > s[0])
    return {doc_id: sorted(s) for doc_id, s in spans.items() if s}


def spans_for_speakers(corpus: Corpus, speakers: Iterable[str]) -> Spans:
    """The speech ([start, end), label excluded) of every non-empty turn by one of *speakers*."""
    speakers = list(speakers)
    canonical = corpus.project.speakers.canonical
    wanted = {(canonical(s) or s).casefold() for s in speakers}
    spans: Spans = {}
    for view in track(corpus.visit(), "reading turns", total=len(corpus.documents)):
        chosen = [(t.start, t.end) for t in view.turns
                  if t.speaker and t.speaker.casefold() in wanted and t.end > t.start]
        if chosen:
            spans[view.id] = sorted(set(chosen))
    if not spans:
        known = sorted({t.speaker for v in corpus.documents for t in v.turns if t.speaker}, key=str.casefold)
        listed = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
        names = ", ".join(clean_label(s, 60) for s in speakers)
        raise QualtuiError(f"no turns spoken by {names!r} in these documents"
                           + (f" (speakers: {listed})" if known else " (no speaker labels found)"))
    return spans


def _already_covered(existing: list[Coding], code_id: str, coder: str, span: tuple[int, int]) -> bool:
    return any(c.code == code_id and c.coder == coder and c.start <= span[0] and span[1] <= c.end for c in existing)


def plan(project: Project, code_id: str, spans: Mapping[str, list[tuple[int, int]]]) -> tuple[Spans, int]:
    """(spans still to code, number skipped because this coder already covers them with the code)."""
    todo: Spans = {}
    skipped = 0
    for doc_id, doc_spans in spans.items():
        existing = project.codings.for_document(doc_id)
        project.store.release_document(doc_id)   # one document's codings held at a time
        fresh = [s for s in doc_spans if not _already_covered(existing, code_id, project.coder, s)]
        skipped += len(doc_spans) - len(fresh)
        if fresh:
            todo[doc_id] = fresh
    return todo, skipped


def code_spans(project: Project, code_id: str, spans: Mapping[str, list[tuple[int, int]]],
               label: str | None = None) -> tuple[AutocodeResult, Change | None]:
    """Code every span with *code_id*, all documents in one transaction, and the undo step (None: none added)."""
    with project.store.transaction("auto-code"):
        code = project.codes.by_id(code_id)
        if not code.codable:
            raise QualtuiError(f"{code.name!r} is a grouping, not a codable code")
        todo, skipped = plan(project, code_id, spans)
        added: list[Coding] = []
        for doc_id, doc_spans in track(list(todo.items()), "auto-coding"):
            new = project.codings.add_many(doc_id, [(code_id, s, e) for s, e in doc_spans])
            project.store.release_document(doc_id)
            skipped += len(doc_spans) - len(new)   # identical codings written meanwhile by this coder
            added.extend(new)
        if added:
            project.audit("autocode", code=code_id, codings=len(added))
    frozen = tuple(added)
    result = AutocodeResult(code.id, code.name, frozen, skipped, len({c.document for c in frozen}))
    return result, Change.of(label or f"auto-code {len(frozen)} as {code.name!r}", project,
                             [touch(c.document, "codings", None, c) for c in frozen])


def resolve_code(project: Project, name: str, *, create: bool = False) -> tuple[Code, Change | None]:
    """The code called *name*; with *create*, made if missing (the Change undoes the creation)."""
    if create:
        found = project.codes.find(name)
        if found is not None:
            return found, None
        code = project.codes.create(name)
        return code, Change.of(f"create code {code.name!r}", project, [touch(None, "codes", None, code)])
    return project.codes.get(name), None


def autocode(project: Project, name: str, spans: Mapping[str, list[tuple[int, int]]], *,
             create: bool = False) -> tuple[AutocodeResult, Change | None]:
    """Resolve (or create) the code and code *spans*: one transaction, and one undo step."""
    with project.store.transaction("auto-code"):
        code, created = resolve_code(project, name, create=create)
        result, coded = code_spans(project, code.id, spans)
    if created is None:
        return result, coded
    return result, combine(coded.label if coded else created.label, [created, coded])
