"""Find speaker turns in plain transcript text.

Recognised labels at the start of a line: ``Name:``, ``NAME:``, ``Dr Smith:``,
``Participant 3:``, ``[Name]``, ``[Name]:``, short codes like ``I:``, ``R:``,
``P3:``, each optionally after a timestamp such as ``[00:12:31]``, ``(12:31)``
or ``00:12:31.500`` (kept as the turn's ``begin_ms``); and a name followed by a
timestamp alone on its line (``Speaker 1  0:03``, as Otter.ai exports).

Every word of a multi-word name must start with a capital or a digit (or be a
particle such as "de", "van"), and the colon must be followed by a space or the
end of the line, so prose like "The point is: ..." or "At 10:30 ..." is not a
label.  Labels only count when some speaker recurs (or at least two labels
cover most paragraphs), so a stray "Note: ..." line in prose does not become a
speaker.  Text without labels becomes one unlabelled turn per paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from qualtui.model import Turn
from qualtui.textnorm import clean_label

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TIMESTAMP = rf"(?:[\[(]?(?P<time>{_TIME})[\])]?[ \t]+)?"
_WORD_FIRST = r"[A-Z\u00c0-\u00de][\w.'\u2019\-]*"
_WORD_NEXT = r"(?:[A-Z\u00c0-\u00de0-9(][\w.'\u2019\-)]*|de|da|del|della|der|di|du|la|le|van|von|bin|al|el|ter|ten)"
_NAME = rf"{_WORD_FIRST}(?:[ ]{_WORD_NEXT}){{0,3}}"
_LABEL = re.compile(
    rf"^(?P<prefix>{_TIMESTAMP})"
    rf"(?:\[(?P<bracket>{_NAME})\]:?(?=[ \t]|$)|(?P<plain>{_NAME}|[A-Z]{{1,3}}\d{{0,3}})[ ]?:(?=[ \t]|$))"
    r"[ \t]*",
    re.MULTILINE,
)
# "Speaker 1  0:03" alone on a line, the speech on the next lines.
_NAME_THEN_TIME = re.compile(rf"^(?P<plain>{_NAME})[ \t]+[\[(]?(?P<time>{_TIME})[\])]?[ \t]*$", re.MULTILINE)
# Bracketed stage directions are not speakers.
_ANNOTATIONS = frozenset({
    "inaudible", "laughs", "laughter", "laughing", "pause", "long pause", "crosstalk", "cross talk", "unclear",
    "silence", "overlapping", "coughs", "sighs", "music", "applause", "redacted", "name", "noise", "indistinct",
})
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LINE_BREAK = re.compile(r"\n")


@dataclass(frozen=True)
class Label:
    """A speaker label found in the text: it starts at ``label_start``; speech starts at ``body_start``."""

    label_start: int
    body_start: int
    speaker: str
    begin_ms: int | None = None


def timestamp_ms(value: str | None) -> int | None:
    """``hh:mm:ss.mmm``, ``mm:ss.mmm``, ``mm:ss`` or ``hh:mm:ss`` (``,`` allowed) in milliseconds."""
    if not value:
        return None
    match = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?", value.strip())
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if int(seconds) > 59 or (hours is not None and int(minutes) > 59):
        return None
    millis = int((fraction or "0").ljust(3, "0"))
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + millis


def find_labels(text: str) -> list[Label]:
    """Every line-initial speaker label, in text order (before the recurrence rule)."""
    found: list[Label] = []
    for match in _LABEL.finditer(text):
        name = match.group("bracket") or match.group("plain")
        if match.group("bracket") and name.casefold() in _ANNOTATIONS:
            continue
        speaker = clean_label(name, 60)
        if speaker:
            found.append(Label(match.start(), match.end(), speaker, timestamp_ms(match.group("time"))))
    for match in _NAME_THEN_TIME.finditer(text):
        speaker = clean_label(match.group("plain"), 60)
        if speaker:
            found.append(Label(match.start(), match.end(), speaker, timestamp_ms(match.group("time"))))
    found.sort(key=lambda label: label.label_start)
    return found


def trusted_labels(labels: Sequence[Label], paragraphs: int) -> bool:
    counts = Counter(label.speaker.casefold() for label in labels)
    recurring = any(n >= 2 for n in counts.values())
    mostly_labelled = len(labels) >= 2 and len(labels) * 2 >= max(1, paragraphs)
    return recurring or mostly_labelled


def detect_turns(text: str) -> list[Turn]:
    paragraphs = paragraph_spans(text)
    labels = find_labels(text)
    if not labels or not trusted_labels(labels, len(paragraphs)):
        return [Turn(start=s, end=e, speaker=None, label_start=s) for s, e in paragraphs]
    return turns_from_labels(text, labels)


def turns_from_labels(text: str, labels: Sequence[Label]) -> list[Turn]:
    """One turn per label, running to the next label; paragraphs before the first label are unlabelled turns."""
    if not labels:
        return [Turn(start=s, end=e, speaker=None, label_start=s) for s, e in paragraph_spans(text)]
    first = labels[0].label_start
    turns = [Turn(start=s, end=e, speaker=None, label_start=s) for s, e in paragraph_spans(text[:first])]
    for index, label in enumerate(labels):
        limit = labels[index + 1].label_start if index + 1 < len(labels) else len(text)
        start = _lstrip_start(text, label.body_start, limit)
        end = _rstrip_end(text, start, limit)
        turns.append(Turn(start=start, end=end, speaker=label.speaker, label_start=label.label_start,
                          begin_ms=label.begin_ms))
    return turns


def _lstrip_start(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _rstrip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Non-blank paragraphs, whitespace trimmed; if the text has no blank lines, each line is a paragraph."""
    splitter = _PARAGRAPH_BREAK if _PARAGRAPH_BREAK.search(text) else _LINE_BREAK
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in [*splitter.finditer(text), None]:
        limit = match.start() if match else len(text)
        start = _lstrip_start(text, pos, limit)
        end = _rstrip_end(text, start, limit)
        if end > start:
            spans.append((start, end))
        if match:
            pos = match.end()
    return spans
