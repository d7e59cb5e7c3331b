"""Find speaker turns in plain transcript text.

A label starts a line.  The layouts recognised (each a *family*):

* ``colon``: ``Name:``, ``NAME:``, ``Dr Smith:``, ``Participant 3:``, ``I:``, ``P3:``, and lower-case,
  hyphenated or numbered codes (``admin-1:``, ``p07:``, ``int:``, ``resp_3:``), optionally with a
  timestamp before (``[00:12:31] Name:``) or after the name (``Name (00:12:31):``);
* ``bold``: markdown ``**Name:**`` or ``**Name**:``;  ``caption``: ``>> NAME:``;
* ``bracket``: ``[Name]``, ``[doctor]``, ``[P3]`` (stage directions like ``[laughs]`` are not names);
* ``timed``: a name then a timestamp, alone on its line (``Speaker 1  0:03``, ``Name 00:12``, as Otter
  exports) or a bracketed one before the speech (``Name [00:01:02]``, as Rev, Trint and Descript export);
* ``tab``: ``Name<TAB>speech`` (a transcript copied out of a table).

Speech may run over several lines, up to the next label.  A timestamp alone on its line just before a
label belongs to that label.  Every word of a multi-word name starts with a capital or a digit (or is a
particle such as "de", "van"), and the colon must be followed by a space or the end of the line, so prose
like "The point is: ..." or "At 10:30 ..." is not a label.

A label only counts when its speaker recurs, or when it has the same layout as labels that recur and does
not look like a header field (``Date: 14 March. Location: quiet room.``).  Lower-case labels must recur.
When no speaker recurs, at least two labels of one layout (not ``tab``) covering most paragraphs
still count.  Text
without labels becomes one unlabelled turn per paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from qualtui.model import Turn
from qualtui.text.normalise import clean_label

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_PRE = rf"(?:[\[(]?(?P<pre>{_TIME})[\])]?[ \t]+)?"
_SUF = rf"(?:[ \t]+[\[(]?(?P<suf>{_TIME})[\])]?)?"
_WORD_FIRST = r"[A-Z\u00c0-\u00de][\w.'\u2019\-]*"
_WORD_NEXT = r"(?:[A-Z\u00c0-\u00de0-9(][\w.'\u2019\-)]*|de|da|del|della|der|di|du|la|le|van|von|bin|al|el|ter|ten)"
_CAP_NAME = rf"{_WORD_FIRST}(?:[ ]{_WORD_NEXT}){{0,3}}"
_LOW_NAME = r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*(?:[ ]\d{1,3})?"
_NAME = rf"(?P<name>{_CAP_NAME}|{_LOW_NAME})"
_AFTER = r"(?=[ \t]|$)[ \t]*"

# (family, pattern); on one line the first family that matches wins.
_FAMILIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((family, re.compile(pattern, re.MULTILINE)) for family, pattern in (
    ("bold", rf"^{_PRE}\*\*{_NAME}{_SUF}(?:[ \t]*:\*\*|\*\*[ \t]*:|\*\*(?=[ \t]*$)){_AFTER}"),
    ("caption", rf"^>>[ \t]*{_NAME}{_SUF}[ \t]*:{_AFTER}"),
    ("bracket", rf"^{_PRE}\[{_NAME}\]:?{_AFTER}"),
    ("colon", rf"^{_PRE}{_NAME}{_SUF}[ ]?:{_AFTER}"),
    ("timed", rf"^{_NAME}[ \t]+(?:[\[(](?P<suf>{_TIME})[\])]:?{_AFTER}|[\[(]?(?P<pre>{_TIME})[\])]?:?[ \t]*$)"),
    ("tab", rf"^{_PRE}{_NAME}[ \t]*\t[ \t]*(?=\S)"),
))
_LONE_TIME = re.compile(rf"[ \t]*[\[(]?(?P<time>{_TIME})[\])]?[ \t]*")
# Bracketed stage directions are not speakers.
_ANNOTATIONS = frozenset({
    "inaudible", "laughs", "laughter", "laughing", "pause", "long pause", "crosstalk", "cross talk", "unclear",
    "silence", "overlapping", "coughs", "sighs", "music", "applause", "redacted", "name", "noise", "indistinct",
})
# A label seen once with one of these names is a header field, not a speaker.
_FIELDS = frozenset({
    "date", "time", "location", "place", "venue", "setting", "site", "duration", "length", "recorded", "recording",
    "transcribed by", "transcriber", "transcript", "transcription", "file", "filename", "project", "study",
    "title", "subject", "topic", "note", "notes", "comment", "comments", "present", "attendees", "session",
    "language", "source", "version", "page", "audio", "format", "code", "id", "keywords", "speaker", "text",
})
_ANOTHER_FIELD = re.compile(r"[.;,][ \t]+[A-Z][\w ]{0,20}:[ \t]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LINE_BREAK = re.compile(r"\n")


@dataclass(frozen=True)
class Label:
    """A speaker label found in the text: it starts at ``label_start``; speech starts at ``body_start``."""

    label_start: int
    body_start: int
    speaker: str
    begin_ms: int | None = None
    layout: str = "colon"


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
    """Every line-initial speaker label, in text order (before the recurrence rule); one per line."""
    found: list[Label] = []
    pos, size = 0, len(text)
    while pos < size:
        end = text.find("\n", pos)
        end = size if end < 0 else end
        # Every layout has a ':', ']', tab or '**' near the start of its line: skip the other lines cheaply.
        head = text[pos:min(end, pos + 160)]
        if head and not head[0].isspace() and (":" in head or "]" in head or "\t" in head or "**" in head):
            label = _label_at(text, pos)
            if label is not None:
                found.append(label)
        pos = end + 1
    return found


@lru_cache(maxsize=4096)
def _clean_name(name: str) -> str:
    return clean_label(name, 60)


def _label_at(text: str, pos: int) -> Label | None:
    for family, pattern in _FAMILIES:
        match = pattern.match(text, pos)
        if match is None:
            continue
        name = match.group("name")
        if name.casefold() in _ANNOTATIONS:
            return None
        speaker = _clean_name(name)
        if not speaker:
            return None
        groups = match.groupdict()
        time = groups.get("pre") or groups.get("suf")
        layout = family + ("+time" if time else "") + ("+lower" if name[0].islower() else "")
        return Label(match.start(), match.end(), speaker, timestamp_ms(time), layout)
    return None


def _is_field(text: str, label: Label) -> bool:
    if label.speaker.casefold() in _FIELDS:
        return True
    line_end = text.find("\n", label.body_start)
    return bool(_ANOTHER_FIELD.search(text, label.body_start, len(text) if line_end < 0 else line_end))


def select_labels(text: str, labels: Sequence[Label], paragraphs: int | None = None) -> list[Label]:
    """The labels that are speakers (the recurrence and layout rules above), in text order.

    *paragraphs* (the text's paragraph count) is worked out only when needed if not given.
    """
    counts = Counter(label.speaker.casefold() for label in labels)

    def shape(label: Label) -> str:
        return label.layout.replace("+lower", "")

    def one_off_ok(label: Label) -> bool:
        return "+lower" not in label.layout and not _is_field(text, label)

    layouts = {shape(label) for label in labels if counts[label.speaker.casefold()] >= 2}
    if layouts:
        return [label for label in labels if counts[label.speaker.casefold()] >= 2 or (
            shape(label) in layouts and one_off_ok(label))]
    # Nothing recurs: two or more labels of one layout covering most paragraphs (not tab-separated cells).
    candidates = [label for label in labels if one_off_ok(label) and not label.layout.startswith("tab")]
    if len(candidates) >= 2 and paragraphs is None:
        paragraphs = len(paragraph_spans(text))
    if len(candidates) >= 2 and len(candidates) * 2 >= max(1, paragraphs or 0) \
            and len({label.layout for label in candidates}) == 1:
        return candidates
    return []


def with_lone_timestamps(text: str, labels: Sequence[Label]) -> list[Label]:
    """Labels extended back over a timestamp alone on the line before them (its time kept if they have none)."""
    result: list[Label] = []
    floor = 0
    for label in labels:
        end = label.label_start  # a line start: walk back over blank lines to the previous line with text
        while end > floor:
            line_start = text.rfind("\n", 0, end - 1) + 1
            line = text[line_start:end - 1]
            if line.strip():
                lone = _LONE_TIME.fullmatch(line)
                if lone and line_start >= floor:
                    begin = label.begin_ms if label.begin_ms is not None else timestamp_ms(lone.group("time"))
                    label = Label(line_start + len(line) - len(line.lstrip()), label.body_start, label.speaker,
                                  begin, label.layout)
                break
            end = line_start
        result.append(label)
        floor = label.body_start
    return result


def detect_turns(text: str, pattern: re.Pattern[str] | None = None) -> list[Turn]:
    """Speaker turns of *text*: found by the rules above, or by *pattern* (``--speaker-pattern``)."""
    if pattern is not None:
        return turns_from_labels(text, labels_from_pattern(text, pattern))
    labels = select_labels(text, find_labels(text))
    if not labels:
        return [Turn(start=s, end=e, speaker=None, label_start=s) for s, e in paragraph_spans(text)]
    return turns_from_labels(text, with_lone_timestamps(text, labels))


def labels_from_pattern(text: str, pattern: re.Pattern[str]) -> list[Label]:
    """Every match of a user's pattern at the start of a line is a label; the speaker is the group named
    ``speaker`` (else the first group, else the match without its colon); a group named ``time`` is kept."""
    labels: list[Label] = []
    floor = 0
    for match in pattern.finditer(text):
        start = match.start()
        if start < floor or (start > 0 and text[start - 1] != "\n") or match.end() == start:
            continue
        groups = match.groupdict()
        raw = groups.get("speaker") or (match.group(1) if pattern.groups else None) or match.group().strip()
        speaker = clean_label(raw.strip().rstrip(":").strip(), 60)
        if not speaker:
            continue
        labels.append(Label(start, match.end(), speaker, timestamp_ms(groups.get("time")), "pattern"))
        floor = match.end()
    return labels


def turns_from_labels(text: str, labels: Sequence[Label]) -> list[Turn]:
    """One turn per label, running to the next label; paragraphs before the first label are unlabelled turns."""
    if not labels:
        return [Turn(start=s, end=e, speaker=None, label_start=s) for s, e in paragraph_spans(text)]
    first = labels[0].label_start
    turns = [Turn(start=s, end=e, speaker=None, label_start=s) for s, e in paragraph_spans(text[:first])]
    for index, label in enumerate(labels):
        limit = labels[index + 1].label_start if index + 1 < len(labels) else len(text)
        start = _lstrip_start(text, min(label.body_start, limit), limit)
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
