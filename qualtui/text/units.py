"""The text units every part of qualtui selects and codes: lines, sentences, turns and the speech of a line.

The coding screen (``s``, ``t``, ``p``), ``qualtui code --lines``, auto-coding by sentence or turn and the
reports all ask this module, so a sentence or a line's speech is the same span everywhere and two coders who
select "the same thing" with different tools code the same characters.

* A *line* is the N-th line of the stored text (``qualtui.text.lines``).
* A *turn*'s speech is ``[turn.start, turn.end)``; its label ``[label_start, start)`` is never speech.
* The *speech of lines* A..B is their text without a speaker label at its start or end, trimmed of spaces.
* A *sentence* is found by ``qualtui.text.sentences`` within a region: the speech of the turn the
  offset is in (so a hard-wrapped sentence spans its lines), else the speech of its lines.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from qualtui.text.sentences import sentence_around, split_sentences
from qualtui.model import Turn
from qualtui.text.lines import line_of, line_span, line_starts

__all__ = ["TextUnits", "clock", "turn_extent", "turn_at", "turn_near", "trim_span"]


def clock(ms: int | None) -> str:
    """A recording time in ms (a turn's start) as ``hh:mm:ss``; "" when unknown. The one formatter: the
    coding screen, retrieval citations and reports all call it."""
    if ms is None or ms < 0:
        return ""
    seconds = ms // 1000
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def turn_extent(turn: Turn) -> tuple[int, int]:
    """A turn including its speaker label: [label_start, end)."""
    start = turn.label_start if turn.label_start is not None else turn.start
    return min(start, turn.start), turn.end


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def turn_at(turns: Sequence[Turn], offset: int) -> Turn | None:
    """The turn whose label or speech contains *offset* (turns are sorted by start)."""
    starts = [turn_extent(t)[0] for t in turns]
    i = bisect_right(starts, offset) - 1
    if i >= 0 and offset < max(turns[i].end, turns[i].start + 1):
        return turns[i]
    return None


def turn_near(turns: Sequence[Turn], text: str, offset: int) -> Turn | None:
    """The turn to select at *offset*: the one under it (its label included); past the end of a
    turn on the same stored line (trailing spaces, the newline), that turn; elsewhere (a blank
    line between turns, a line outside any turn) the turn that follows, or the last turn at the
    end of the text.  None only when there are no turns."""
    found = turn_at(turns, offset)
    if found is not None or not turns:
        return found
    starts = [turn_extent(t)[0] for t in turns]
    i = bisect_right(starts, offset)
    if i > 0 and text.find("\n", turns[i - 1].end, offset) < 0:
        return turns[i - 1]
    return turns[i] if i < len(turns) else turns[-1]


class TextUnits:
    """Lines, turns and sentences of one document's text (built once, asked many times)."""

    def __init__(self, text: str, turns: Sequence[Turn]) -> None:
        self.text = text
        self.turns = sorted(turns, key=turn_extent)
        self.line_starts = line_starts(text)
        self._extent_starts = [turn_extent(t)[0] for t in self.turns]
        self._sentences: dict[tuple[int, int], list[tuple[int, int]]] = {}

    # lines ---------------------------------------------------------------------
    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_of(self, offset: int) -> int:
        return line_of(self.line_starts, offset)

    def line_span(self, line: int) -> tuple[int, int]:
        """[start, end) of 1-based *line*, without its newline."""
        return line_span(self.line_starts, len(self.text), line)

    # turns ---------------------------------------------------------------------
    def turn_at(self, offset: int) -> Turn | None:
        i = bisect_right(self._extent_starts, offset) - 1
        if i >= 0 and offset < max(self.turns[i].end, self.turns[i].start + 1):
            return self.turns[i]
        return None

    def turn_near(self, offset: int) -> Turn | None:
        return turn_near(self.turns, self.text, offset)

    def _in_label(self, offset: int) -> Turn | None:
        turn = self.turn_at(offset)
        if turn is not None and turn_extent(turn)[0] <= offset < turn.start:
            return turn
        return None

    # speech --------------------------------------------------------------------
    def speech_span(self, first: int, last: int | None = None) -> tuple[int, int]:
        """The speech of lines *first*..*last*: without a label at its start or end, trimmed.

        Empty (start == end) when the lines hold only labels and spaces.
        """
        start = self.line_span(first)[0]
        end = self.line_span(first if last is None else last)[1]
        while start < end and (label := self._in_label(start)) is not None:
            start = min(label.start, end)
            start = trim_span(self.text, start, end)[0]
        while end > start and (label := self._in_label(end - 1)) is not None:
            end = max(turn_extent(label)[0], start)
            end = trim_span(self.text, start, end)[1]
        start, end = trim_span(self.text, start, end)
        return (start, end) if end > start else (start, start)

    # sentences -----------------------------------------------------------------
    def sentence_region(self, start: int, end: int) -> tuple[int, int]:
        """Where the sentence of [start, end) is looked for: its turn's speech, else its lines' speech."""
        turn = self.turn_at(start)
        if turn is not None and turn.start <= start and max(end, start + 1) <= max(turn.end, turn.start + 1):
            return turn.start, turn.end
        first = self.line_of(start)
        return self.speech_span(first, max(first, self.line_of(max(start, end - 1))))

    def sentences(self, lo: int, hi: int) -> list[tuple[int, int]]:
        key = (lo, hi)
        if key not in self._sentences:
            self._sentences[key] = split_sentences(self.text, lo, hi)
        return self._sentences[key]

    def sentence_around(self, start: int, end: int) -> tuple[int, int] | None:
        """The sentence(s) [start, end) touches (auto-coding by sentence); None if it touches only spaces."""
        return sentence_around(self.sentences(*self.sentence_region(start, end)), start, end)

    def sentence_at(self, offset: int) -> tuple[int, int] | None:
        """The sentence to select at *offset* (the ``s`` key): the one under it; on a label, the turn's
        first; between sentences, the next one (else the last)."""
        label = self._in_label(offset)
        if label is not None:
            offset = label.start
        lo, hi = self.sentence_region(offset, offset + 1)
        sentences = self.sentences(lo, hi)
        for span in sentences:
            if offset < span[1]:
                return span
        return sentences[-1] if sentences else None
