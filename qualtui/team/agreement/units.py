"""Interval arithmetic: from coders' coded spans to tallies, without per-character arrays.

Spans are half-open ``[start, end)`` code-point offsets.  Each coder's spans of
one code are first merged into a sorted union; a sweep over the union
boundaries of all coders then yields the elementary segments on which the set
of coders is constant.  The work is proportional to the number of codings, not
to the length of the documents.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence

Span = tuple[int, int]


def merge_spans(spans: Iterable[Span], length: int | None = None) -> list[Span]:
    """Sorted, disjoint union of *spans* (clipped to ``[0, length)``); touching spans join."""
    clipped = []
    for start, end in spans:
        start = max(0, start)
        if length is not None:
            end = min(end, length)
        if start < end:
            clipped.append((start, end))
    clipped.sort()
    merged: list[Span] = []
    for start, end in clipped:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def segments(coder_spans: Sequence[Sequence[Span]]) -> Iterator[tuple[int, int, int]]:
    """(start, end, mask) for every maximal stretch some coder coded, split where the set of coders changes.

    *coder_spans[i]* must be coder i's merged spans (see ``merge_spans``).
    Stretches nobody coded are not yielded.
    """
    events: list[tuple[int, int]] = []
    for index, spans in enumerate(coder_spans):
        bit = 1 << index
        for start, end in spans:
            events.append((start, bit))
            events.append((end, bit))
    events.sort()
    mask = 0
    position = 0
    i = 0
    while i < len(events):
        here = events[i][0]
        if mask and here > position:
            yield position, here, mask
        # A coder's merged spans never touch, so each of its bits flips at most once per position.
        while i < len(events) and events[i][0] == here:
            mask ^= events[i][1]
            i += 1
        position = here


def char_patterns(coder_spans: Sequence[Sequence[Span]]) -> dict[int, int]:
    """Characters per non-zero coder mask."""
    counts: dict[int, int] = {}
    for start, end, mask in segments(coder_spans):
        counts[mask] = counts.get(mask, 0) + end - start
    return counts


def overlaps_any(spans: Sequence[Span], ends: Sequence[int], start: int, end: int) -> bool:
    """Whether merged *spans* (with ``ends`` = their end offsets) share a character with [start, end)."""
    index = bisect_right(ends, start)
    return index < len(spans) and spans[index][0] < end


def unit_masks(units: Sequence[Span], coder_spans: Sequence[Sequence[Span]]) -> list[int]:
    """For each unit, the mask of coders whose spans overlap it by at least one character."""
    ends = [[e for _, e in spans] for spans in coder_spans]
    masks = []
    for start, end in units:
        mask = 0
        for index, spans in enumerate(coder_spans):
            if spans and overlaps_any(spans, ends[index], start, end):
                mask |= 1 << index
        masks.append(mask)
    return masks
