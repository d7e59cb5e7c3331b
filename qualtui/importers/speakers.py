"""Find speaker turns in plain transcript text.

Recognised labels at the start of a line: ``Name:``, ``NAME:``, ``Dr Name:``,
``[Name]``, ``[Name]:``, short codes like ``I:``, ``R:``, ``P3:``, optionally
preceded by a timestamp such as ``[00:12:31]`` or ``00:12:31``.  Labels only
count when some label recurs (or most paragraphs are labelled), so that a
stray "Note: ..." line in prose does not become a speaker.  Text without labels becomes one
unlabelled turn per paragraph.
"""

from __future__ import annotations

import re
from collections import Counter

from qualtui.model import Turn
from qualtui.textnorm import clean_label

_TIMESTAMP = r"(?:\[?\(?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\)?\]?\s+)?"
_NAME = r"[A-Z\u00c0-\u00de][\w.'\u2019\-]*(?:\s[\w.'\u2019\-]+){0,3}"
_LABEL = re.compile(
    rf"^(?P<prefix>{_TIMESTAMP})"
    rf"(?:\[(?P<bracket>[^\]\n]{{1,40}})\]:?|(?P<plain>{_NAME}|[A-Z]{{1,3}}\d{{0,3}})\s?:)"
    r"[ \t]*",
    re.MULTILINE,
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _labels(text: str) -> list[re.Match[str]]:
    return [m for m in _LABEL.finditer(text) if (m.group("bracket") or m.group("plain"))]


def _speaker(match: re.Match[str]) -> str:
    return clean_label(match.group("bracket") or match.group("plain"), 60)


def detect_turns(text: str) -> list[Turn]:
    matches = _labels(text)
    counts = Counter(_speaker(m).casefold() for m in matches)
    paragraphs = _paragraph_spans(text)
    recurring = any(n >= 2 for n in counts.values())
    mostly_labelled = bool(matches) and len(matches) * 2 >= max(1, len(paragraphs))
    labelled = matches if recurring or mostly_labelled else []
    if not labelled:
        return [Turn(start=s, end=e, speaker=None, label_start=s) for s, e in paragraphs]
    turns: list[Turn] = []
    first = labelled[0].start()
    turns.extend(Turn(start=s, end=e, speaker=None, label_start=s) for s, e in paragraphs if e <= first)
    for index, match in enumerate(labelled):
        body_start = match.end()
        limit = labelled[index + 1].start() if index + 1 < len(labelled) else len(text)
        body_end = _rstrip_end(text, body_start, limit)
        turns.append(Turn(start=body_start, end=max(body_start, body_end), speaker=_speaker(match), label_start=match.start()))
    return turns


def _rstrip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Non-blank paragraphs; if the text has no blank lines, each line is a paragraph."""
    splitter = _PARAGRAPH_BREAK if _PARAGRAPH_BREAK.search(text) else re.compile(r"\n")
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in list(splitter.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        s, e = pos, end
        while s < e and text[s].isspace():
            s += 1
        e = _rstrip_end(text, s, e)
        if e > s:
            spans.append((s, e))
        if match:
            pos = match.end()
    return spans
