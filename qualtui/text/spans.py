"""Moving one edge of a coded span by a word or a sentence (pure functions, no state).

A span is half-open ``[start, end)``.  Edges land on word or sentence boundaries:
the start on the first character of a word / sentence, the end just after the
last one, so a span never begins or ends in the middle of a word.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from qualtui.text.sentences import split_sentences

_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*[^\w\s]*")
WINDOW = 4000  # characters either side searched for the next boundary


def _units(text: str, start: int, end: int, unit: str) -> list[tuple[int, int]]:
    lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
    if unit == "word":
        return [(m.start(), m.end()) for m in _WORD.finditer(text, lo, hi)]
    if unit == "sentence":
        return split_sentences(text, lo, hi)
    raise ValueError(f"unknown unit {unit!r}")


def move_edge(text: str, start: int, end: int, edge: str, unit: str, direction: int) -> tuple[int, int]:
    """The span with its *edge* ("start"/"end") moved one *unit* ("word"/"sentence") in *direction*
    (-1 earlier, +1 later).  The span never becomes empty: a move that would is ignored."""
    units = _units(text, start, end, unit)
    if edge == "start":
        starts = [s for s, _ in units]
        if direction < 0:
            i = bisect_left(starts, start)
            new = starts[i - 1] if i > 0 else start
        else:
            i = bisect_right(starts, start)
            new = starts[i] if i < len(starts) else start
        return (new, end) if new < end else (start, end)
    if edge == "end":
        ends = [e for _, e in units]
        if direction > 0:
            i = bisect_right(ends, end)
            new = ends[i] if i < len(ends) else end
        else:
            i = bisect_left(ends, end)
            new = ends[i - 1] if i > 0 else end
        return (start, new) if new > start else (start, end)
    raise ValueError(f"unknown edge {edge!r}")
