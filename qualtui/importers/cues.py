"""Timed caption cues (WebVTT, SRT) -> one transcript with a turn per speaker change.

Both formats are a sequence of blocks separated by blank lines, each with a
``start --> end`` timing line and some text.  The readers turn each cue into
``Segment``s (speaker + text), this module finds ``Name: text`` labels,
merges consecutive segments of one speaker into one turn and renders the text
as one ``Speaker: text`` paragraph per turn, separated by blank lines, so line
numbers stay meaningful.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from qualtui.errors import ImportRejected
from qualtui.importers.speakers import timestamp_ms
from qualtui.model import Transcript, Turn
from qualtui.text.normalise import clean_label, normalise_text

_STAMP = r"(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
TIMING = re.compile(rf"^[ \t]*(?P<begin>{_STAMP})[ \t]*-->[ \t]*(?P<end>{_STAMP})?(?:[ \t].*)?$")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
_SPACE = re.compile(r"\s+")
# "Jane Doe: text", "- Jane: text", ">> JANE: text" at the start of a cue line.
_TEXT_LABEL = re.compile(r"^(?:-|>>)?[ \t]*(?P<name>[^:\n]{1,60}?)[ \t]*:[ \t]+(?P<rest>\S.*)$")
_NAME_SHAPE = re.compile(r"[^\W\d_][^?!;\"<>\[\]{}=*]*")
# Unlabelled captions start a new paragraph after a pause or when one grows long.
_PAUSE_MS = 2000
_LONG_PARAGRAPH = 1500


@dataclass(frozen=True)
class Segment:
    text: str
    speaker: str | None = None
    begin_ms: int | None = None
    end_ms: int | None = None


@dataclass(frozen=True)
class Block:
    """One cue as found in the file: its timing and raw text lines."""

    begin_ms: int | None
    end_ms: int | None
    lines: tuple[str, ...]


def split_blocks(text: str) -> list[list[str]]:
    return [block.split("\n") for block in _BLANK_LINES.split(text.strip("\n")) if block.strip()]


def cue_blocks(text: str, skip: tuple[str, ...] = ()) -> tuple[list[Block], int]:
    """Blocks with a timing line (identifier lines before it ignored); also how many blocks had none."""
    cues: list[Block] = []
    skipped = 0
    for lines in split_blocks(text):
        if skip and lines[0].strip().startswith(skip):
            continue
        for index, line in enumerate(lines):
            match = TIMING.match(line)
            if match:
                cues.append(Block(timestamp_ms(match.group("begin")), timestamp_ms(match.group("end")),
                                  tuple(lines[index + 1:])))
                break
        else:
            skipped += 1
    return cues, skipped


def clean_cue_text(raw: str) -> str:
    """Normalised, whitespace collapsed to single spaces (a cue's line breaks are only display wrapping)."""
    return _SPACE.sub(" ", normalise_text(raw)).strip()


def clean_speaker(raw: str) -> str | None:
    return clean_label(_SPACE.sub(" ", raw).strip().rstrip(":").strip(), 60) or None


def _text_label(line: str) -> tuple[str, str] | None:
    match = _TEXT_LABEL.match(line)
    if not match:
        return None
    name = match.group("name").strip()
    if not _NAME_SHAPE.fullmatch(name) or len(name.split()) > 6:
        return None
    return name, match.group("rest")


def label_segments(blocks: list[tuple[Block, list[tuple[str | None, str]]]]) -> list[Segment]:
    """Cues as (block, [(speaker or None, raw text)]) -> segments, finding ``Name: text`` labels.

    Text labels are trusted only when some name recurs or at least two labels
    cover half the cues, so one "Note: ..." caption does not make a speaker.
    An unlabelled cue after a labelled one continues that speaker.
    """
    candidates = Counter(
        label[0].casefold() for _, parts in blocks for speaker, raw in parts if speaker is None
        for line in raw.split("\n") if (label := _text_label(line))
    )
    labelled_cues = sum(1 for _, parts in blocks if any(
        speaker is None and any(_text_label(line) for line in raw.split("\n")) for speaker, raw in parts))
    trusted = bool(candidates) and (max(candidates.values()) >= 2 or
                                    (sum(candidates.values()) >= 2 and labelled_cues * 2 >= len(blocks)))
    uses_voices = any(speaker is not None for _, parts in blocks for speaker, _raw in parts)
    segments: list[Segment] = []
    current: str | None = None
    for block, parts in blocks:
        def add(raw: str, speaker: str | None) -> None:
            segments.append(Segment(raw, speaker, block.begin_ms, block.end_ms))

        for speaker, raw in parts:
            if speaker is not None:
                current = speaker
                add(raw, speaker)
            elif not trusted:
                add(raw, current if uses_voices else None)
            else:
                lines: list[str] = []
                for line in raw.split("\n"):
                    label = _text_label(line)
                    if label:
                        if lines:
                            add("\n".join(lines), current)
                        current, lines = label[0], [label[1]]
                    else:
                        lines.append(line)
                if lines:
                    add("\n".join(lines), current)
    return segments


def merge_segments(segments: list[Segment]) -> list[Segment]:
    """Clean text and speakers; join consecutive segments of one speaker into one turn."""
    groups: list[tuple[Segment, list[str]]] = []  # (first segment with the running end, texts)
    for segment in segments:
        text = clean_cue_text(segment.text)
        if not text:
            continue
        speaker = clean_speaker(segment.speaker) if segment.speaker else None
        segment = Segment(text, speaker, segment.begin_ms, segment.end_ms)
        if groups and _continues(groups[-1], segment):
            head, texts = groups[-1]
            texts.append(text)
            if segment.end_ms is not None:
                groups[-1] = (replace(head, end_ms=segment.end_ms), texts)
        else:
            groups.append((segment, [text]))
    return [replace(head, text=" ".join(texts)) for head, texts in groups]


def _continues(group: tuple[Segment, list[str]], segment: Segment) -> bool:
    last, texts = group
    if last.speaker != segment.speaker:
        return False
    if segment.speaker is not None:
        return True
    pause = (segment.begin_ms - last.end_ms) if segment.begin_ms is not None and last.end_ms is not None else 0
    return pause < _PAUSE_MS and sum(len(t) + 1 for t in texts) < _LONG_PARAGRAPH


def render(segments: list[Segment], source_format: str, warnings: list[str]) -> Transcript:
    """One paragraph per merged turn: ``Speaker: text``, paragraphs separated by a blank line."""
    merged = merge_segments(segments)
    if not merged:
        raise ImportRejected(f"no caption text found in the {source_format.upper()} cues")
    parts: list[str] = []
    turns: list[Turn] = []
    pos = 0
    for segment in merged:
        if parts:
            parts.append("\n\n")
            pos += 2
        label = f"{segment.speaker}: " if segment.speaker else ""
        parts.append(label + segment.text)
        start = pos + len(label)
        end = start + len(segment.text)
        turns.append(Turn(start=start, end=end, speaker=segment.speaker, label_start=pos,
                          begin_ms=segment.begin_ms, end_ms=segment.end_ms))
        pos = end
    return Transcript(text="".join(parts), turns=tuple(turns), source_format=source_format,
                      warnings=tuple(warnings))
