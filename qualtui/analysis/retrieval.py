"""Retrieval: every segment coded with a code (or a theme and its sub-codes)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate, compress, repeat
from operator import add

from qualtui.analysis.corpus import Corpus, DocumentView
from qualtui.services.coding_columns import CodingColumns
from qualtui.text.units import clock


@dataclass(slots=True)   # not frozen: a frozen dataclass of 17 fields takes 3 us to build, this 0.4 us
class Segment:
    coding_id: str
    document_id: str
    document: str
    code_id: str
    code: str                     # 'Theme/Code' path
    start: int
    end: int
    first_line: int
    last_line: int
    text: str
    speakers: tuple[str, ...]
    coder: str
    created: str
    memo: str | None
    before: str = ""              # context, only when asked for
    after: str = ""
    time: str = ""                # start time of the segment's turn (hh:mm:ss), when asked for and known

    @property
    def lines(self) -> str:
        return str(self.first_line) if self.first_line == self.last_line else f"{self.first_line}-{self.last_line}"

    def citation(self) -> str:
        """'SU02, Participant, l. 118-120' (speakers joined by ' & '; omitted when unknown), then the time if any."""
        parts = [self.document]
        if self.speakers:
            parts.append(" & ".join(self.speakers))
        parts.append(f"l. {self.lines}")
        if self.time:
            parts.append(self.time)
        return ", ".join(parts)


@dataclass(slots=True)
class SegmentColumns:
    """One document's segments as a list per field (``Segment``'s fields), in order of position.

    What a whole-project pass is made of: each column is built at C speed (no object per segment),
    and printers take the columns as they are.  ``segments()`` gives the ``Segment`` of each row.
    """

    document_id: str
    document: str
    coding_id: list[str]
    code_id: list[str]
    code: list[str]
    start: list[int]
    end: list[int]
    first_line: list[int]
    last_line: list[int]
    text: list[str]
    speakers: list[tuple[str, ...]]
    coder: list[str]
    created: list[str]
    memo: list[str | None]
    before: list[str]
    after: list[str]
    time: list[str]

    def __len__(self) -> int:
        return len(self.coding_id)

    @property
    def lines(self) -> list[str]:
        return [str(a) if a == b else f"{a}-{b}" for a, b in zip(self.first_line, self.last_line)]

    def segments(self) -> list[Segment]:
        n = len(self)
        return list(map(Segment, self.coding_id, repeat(self.document_id, n), repeat(self.document, n), self.code_id,
                        self.code, self.start, self.end, self.first_line, self.last_line, self.text, self.speakers,
                        self.coder, self.created, self.memo, self.before, self.after, self.time))


def retrieve(corpus: Corpus, code_ids: Iterable[str], *, context: int = 0, timestamps: bool = False,
             exclude_roles: Iterable[str] = ()) -> list[Segment]:
    """Segments coded with any of *code_ids* in the corpus's scope, by document then offset.

    *context* adds that many whole lines (plus the rest of the segment's own
    lines) before and after each segment; *timestamps* the start time of the
    first turn it touches that has one.  A segment whose speakers all have a role in *exclude_roles*
    (e.g. ``interviewer``) is left out.
    """
    return [s for segments in iter_segments(corpus, code_ids, context=context, timestamps=timestamps,
                                            exclude_roles=exclude_roles) for s in segments]


def iter_segments(corpus: Corpus, code_ids: Iterable[str], *, context: int = 0, timestamps: bool = False,
                  exclude_roles: Iterable[str] = ()) -> Iterator[list[Segment]]:
    """``retrieve``, one document's segments at a time (documents without any are skipped)."""
    for columns in iter_segment_columns(corpus, code_ids, context=context, timestamps=timestamps,
                                        exclude_roles=exclude_roles):
        yield columns.segments()


def iter_segment_columns(corpus: Corpus, code_ids: Iterable[str], *, context: int = 0, timestamps: bool = False,
                         exclude_roles: Iterable[str] = (),
                         views: Iterable[DocumentView] | None = None) -> Iterator[SegmentColumns]:
    """``iter_segments`` as columns: what printing tens of thousands of segments is made from.

    With a streaming corpus only the current document is held, whatever the project's size; documents
    the codings index counts no coding of the codes in are not read at all.  *views*: only those
    documents (a part of ``coded_documents``).
    """
    wanted = frozenset(code_ids)
    excluded = frozenset(r.casefold() for r in exclude_roles)
    role = corpus.project.speakers.role
    if views is None:
        views = [view for view, _ in coded_documents(corpus, wanted)]
    for view in corpus.visit(views):
        matching = view.coding_columns(wanted)
        if len(matching):
            columns = _columns(corpus, view, matching, context, timestamps, excluded, role)
            if len(columns):
                yield columns


def coded_documents(corpus: Corpus, code_ids: Iterable[str]) -> list[tuple[DocumentView, int]]:
    """The documents in scope with any coding of *code_ids* (by any coder), each with how many, from
    the codings index (no codings file read): the documents a retrieval visits, and its work in each."""
    wanted = frozenset(code_ids)
    tallies = corpus.project.codings.tallies([v.id for v in corpus.documents])
    found = []
    for view in corpus.documents:
        codings = sum(n for (code, _coder), n in tallies[view.id].codes.items() if code in wanted)
        if codings:
            found.append((view, codings))
    return found


def _columns(corpus: Corpus, view: DocumentView, matching: CodingColumns, context: int, timestamps: bool,
             excluded: frozenset[str], role: Callable[[str], str]) -> SegmentColumns:
    # Once per document of a whole project: every column by map over C functions, one pass in Python.
    starts, ends = matching.start, matching.end
    turn_starts, turn_ends, turn_speakers, _ = view.turn_spans()
    # The turns a segment touches, as ``view.speakers`` finds them: from the first ending after its
    # start to the last beginning before its end (a point counts as one character).
    firsts = list(map(bisect_right, repeat(turn_ends), starts))
    lasts = list(map(max, firsts, map(bisect_left, repeat(turn_starts), map(max, ends, map((1).__add__, starts)))))
    alone = [(name,) if name else () for name in turn_speakers]
    speakers = [alone[first] if last - first == 1 else tuple(dict.fromkeys(s for s in turn_speakers[first:last] if s))
                for first, last in zip(firsts, lasts)]
    if excluded:
        keep = [not (names and all(role(s) in excluded for s in names)) for names in speakers]
        if not all(keep):
            matching = matching.kept(keep)
            starts, ends, speakers = matching.start, matching.end, list(compress(speakers, keep))
    codes = matching.code
    paths = {code: corpus.path(code) for code in set(codes)}
    n = len(matching)
    before, after, times = [""] * n, [""] * n, [""] * n
    if context:
        before, after = (list(side) for side in zip(*(view.context(s, e, context) for s, e in zip(starts, ends)))) \
            if n else ([], [])
    if timestamps:
        times = [clock(began) if (began := view.start_ms(s, e)) is not None else "" for s, e in zip(starts, ends)]
    first_lines, last_lines = _lines(view, starts, ends)
    return SegmentColumns(
        view.id, view.name, matching.id, codes, list(map(paths.__getitem__, codes)), starts, ends, first_lines,
        last_lines, list(map(view.text.__getitem__, map(slice, starts, ends))), speakers, matching.coder,
        matching.created, matching.memo, before, after, times)


def _lines(view: DocumentView, starts: list[int], ends: list[int]) -> tuple[list[int], list[int]]:
    """The first and last line of each segment (``view.lines``), for segments sorted by start.

    The newlines before each start are counted from the previous start on, and those within each
    segment from its start: the text is scanned about once, at C speed, and no line table is built.
    """
    text = view.text
    if not starts or starts[0] < 0 or starts != sorted(starts):   # never so as stored: the plain way
        line_starts = view.line_starts
        return (list(map(bisect_right, repeat(line_starts), starts)),
                list(map(bisect_right, repeat(line_starts), map(max, starts, map((-1).__add__, ends)))))
    between = map(text.count, repeat("\n"), [0, *starts[:-1]], starts)
    firsts = list(accumulate(between, initial=1))[1:]
    within = map(text.count, repeat("\n"), starts, map(max, starts, map((-1).__add__, ends)))
    return firsts, list(map(add, firsts, within))
