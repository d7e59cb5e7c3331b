"""Retrieval: every segment coded with a code (or a theme and its sub-codes)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qualtui.analysis.corpus import Corpus
from qualtui.text.units import clock


@dataclass(frozen=True)
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


def retrieve(corpus: Corpus, code_ids: Iterable[str], *, context: int = 0, timestamps: bool = False,
             exclude_roles: Iterable[str] = ()) -> list[Segment]:
    """Segments coded with any of *code_ids* in the corpus's scope, by document then offset.

    *context* adds that many whole lines (plus the rest of the segment's own
    lines) before and after each segment; *timestamps* the start time of the
    first turn it touches that has one.  A segment whose speakers all have a role in *exclude_roles*
    (e.g. ``interviewer``) is left out.
    """
    wanted = set(code_ids)
    excluded = frozenset(r.casefold() for r in exclude_roles)
    role = corpus.project.speakers.role
    segments: list[Segment] = []
    for view in corpus.documents:
        matching = [c for c in view.codings if c.code in wanted]
        if not matching:
            continue
        text = view.text
        for coding in matching:
            speakers = view.speakers(coding.start, coding.end)
            if excluded and speakers and all(role(s) in excluded for s in speakers):
                continue
            first, last = view.lines(coding.start, coding.end)
            before, after = view.context(coding.start, coding.end, context)
            timed = [t.begin_ms for t in view.turns_overlapping(coding.start, coding.end)
                     if t.begin_ms is not None] if timestamps else []
            segments.append(Segment(
                coding_id=coding.id, document_id=view.id, document=view.name, code_id=coding.code,
                code=corpus.path(coding.code), start=coding.start, end=coding.end, first_line=first,
                last_line=last, text=text[coding.start:coding.end], speakers=speakers,
                coder=coding.coder, created=coding.created, memo=coding.memo, before=before, after=after,
                time=clock(timed[0]) if timed else "",
            ))
    return segments
