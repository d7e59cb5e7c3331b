"""What the transcript view shows of one document besides the cursor (no Textual).

``ShownText`` holds the text with its stored lines, the turns (speaker labels
and start times), the codings as a ``CodingIndex`` and the search hits, and
answers what one row looks like (``row_state``) for ``RowPainter``.
``TranscriptView`` owns one per shown document.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from qualtui.model import Code, Coding, Turn
from qualtui.text.lines import line_starts
from qualtui.text.units import clock, turn_extent
from tui.transcript_layout import CodingIndex, Layout, find_hits, next_in, previous_in, spans_touching

MAX_SEARCH_HITS = 20_000
LABEL_LENGTH = 60  # gutter labels keep whole names; the painter abbreviates them to the room there is


def compile_search(pattern: str, *, regex: bool = False, case_sensitive: bool = False) -> re.Pattern[str] | None:
    """The pattern the view highlights (None for an empty one); a bad regex is a ValueError naming where."""
    if not pattern:
        return None
    flags = 0 if case_sensitive else re.IGNORECASE
    try:
        return re.compile(pattern if regex else re.escape(pattern), flags)
    except re.error as error:
        where = f" at position {error.pos + 1}" if error.pos is not None else ""
        raise ValueError(f"bad regular expression: {error.msg}{where}") from None


class ShownText:
    def __init__(self, text: str = "", turns: list[Turn] | None = None, codings: list[Coding] | None = None,
                 codes: dict[str, Code] | None = None, own_coder: str | None = None,
                 search: re.Pattern[str] | None = None) -> None:
        self.text = text
        self.turns = sorted(turns or [], key=lambda t: t.label_start if t.label_start is not None else t.start)
        self.own_coder = own_coder
        self.line_starts = line_starts(text)
        self.label_spans = [(t.label_start, t.start) for t in self.turns
                            if t.label_start is not None and t.label_start < t.start]
        self.label_span_starts = [s for s, _ in self.label_spans]
        timed = [(turn_extent(t)[0], clock(t.begin_ms)) for t in self.turns if t.begin_ms is not None]
        self.time_starts = [start for start, time in timed if time]  # where each timed turn begins (label included)
        self.times = [time for _, time in timed if time]              # ... and its start time as hh:mm:ss
        self.index = self._index(codings or [], codes or {})
        self.search: re.Pattern[str] | None = None
        self.hits: list[tuple[int, int]] = []
        self.hit_starts: list[int] = []
        self.set_search(search)

    def set_codings(self, codings: list[Coding], codes: dict[str, Code]) -> list[int]:
        """Show these codings; returns the stored lines whose look changed."""
        old, self.index = self.index, self._index(codings, codes)
        return [line for line in range(1, len(self.line_starts) + 1)
                if old.line_signature(line) != self.index.line_signature(line)]

    def _index(self, codings: list[Coding], codes: dict[str, Code]) -> CodingIndex:
        return CodingIndex(self.line_starts, len(self.text), list(codings), dict(codes), self.own_coder,
                           label_length=LABEL_LENGTH)

    def set_search(self, search: re.Pattern[str] | None) -> int:
        self.search = search
        self.hits, self.hit_starts = find_hits(search, self.text, MAX_SEARCH_HITS)
        return len(self.hits)

    def next_hit(self, offset: int, forward: bool = True) -> int | None:
        """The start of the next (or previous) search hit from *offset*, wrapping around; None without hits."""
        if not self.hit_starts:
            return None
        found = (next_in if forward else previous_in)(self.hit_starts, offset)
        return found if found is not None else self.hit_starts[0 if forward else -1]

    def row_state(self, layout: Layout, row: int, cursor: int, selection: tuple[int, int] | None,
                  show_times: bool) -> dict:
        """What ``RowPainter.paint`` needs to draw *row*."""
        first, last = layout.row_offsets(row)
        time = ""
        if show_times and self.time_starts:
            i = bisect_right(self.time_starts, last) - 1
            if i >= 0 and self.time_starts[i] >= first:
                time = self.times[i]
        return {
            "cursor": cursor if first <= cursor <= last else None,
            "selection": selection,
            "hits": spans_touching(self.hits, self.hit_starts, first, last + 1),
            "painted": self.index.overlapping(layout.row_lines[row], first, last + 1),
            "speakers": spans_touching(self.label_spans, self.label_span_starts, first, last + 1),
            "time": time,
        }
