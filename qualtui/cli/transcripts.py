"""Speakers and import previews: ``qualtui speakers`` and what ``add --dry-run`` prints."""

from __future__ import annotations

import re
from collections.abc import Iterable

import click

from qualtui.cli.common import emit, format_option, project_options, safe
from qualtui.errors import QualtuiError
from qualtui.model import Transcript, Turn
from qualtui.textnorm import count_words

PREVIEW_TURNS = 5
NO_SPEAKER = "(no speaker)"


def compile_speaker_pattern(pattern: str | None) -> re.Pattern[str] | None:
    """``--speaker-pattern``: a regular expression matched at the start of each line."""
    if pattern is None:
        return None
    try:
        compiled = re.compile(rf"^(?:{pattern})", re.MULTILINE)
    except re.error as exc:
        raise QualtuiError(f"bad --speaker-pattern: {exc}") from None
    if compiled.match(""):
        raise QualtuiError("--speaker-pattern must not match an empty line")
    return compiled


def speaker_rows(text: str, turns: Iterable[Turn]) -> list[dict]:
    """Per speaker (in order of first turn): turns and words spoken; unlabelled turns last."""
    rows: dict[str, dict] = {}
    for turn in turns:
        name = turn.speaker or NO_SPEAKER
        row = rows.setdefault(name, {"speaker": name, "turns": 0, "words": 0})
        row["turns"] += 1
        row["words"] += count_words(text[turn.start:turn.end])
    unlabelled = rows.pop(NO_SPEAKER, None)
    return [*rows.values(), *([unlabelled] if unlabelled else [])]


def natural_key(name: str) -> list:
    """"Speaker 2" before "Speaker 14"."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name.casefold())]


def _clock(ms: int | None) -> str:
    if ms is None:
        return ""
    seconds = ms // 1000
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def preview(transcript: Transcript, label: str, turns_shown: int = PREVIEW_TURNS) -> list[str]:
    """What ``add --dry-run`` prints for one file: speakers with turn and word counts, the first turns."""
    from qualtui.textunits import TextUnits

    text = transcript.text
    rows = speaker_rows(text, transcript.turns)
    named = [row for row in rows if row["speaker"] != NO_SPEAKER]
    lines = [f"{label}: {count_words(text):,} words, {len(transcript.turns)} turns, "
             f"{len(named)} speaker{'s' if len(named) != 1 else ''} (dry run: nothing written)"]
    width = max([len(row["speaker"]) for row in rows] + [7])
    lines.append(f"  {'speaker':<{width}}  {'turns':>5}  {'words':>7}")
    lines += [f"  {safe(row['speaker']):<{width}}  {row['turns']:>5}  {row['words']:>7,}" for row in rows]
    units = TextUnits(text, transcript.turns)
    shown = transcript.turns[:turns_shown]
    if shown:
        lines.append(f"  first {len(shown)} turn{'s' if len(shown) != 1 else ''} as stored (line, speaker, speech):")
    for turn in shown:
        speech = " ".join(text[turn.start:turn.end].split())
        speech = speech if len(speech) <= 70 else speech[:69] + "\u2026"
        time = _clock(turn.begin_ms)
        who = safe(turn.speaker or NO_SPEAKER) + (f" [{time}]" if time else "")
        lines.append(f"  l.{units.line_of(turn.start)}  {who}: {safe(speech)}")
    return lines


@click.command()
@click.argument("document", required=False)
@format_option()
@project_options
def speakers(project, document: str | None, fmt: str) -> None:
    """List the speakers of DOCUMENT (or of every document): turns, words and documents."""
    docs = [project.docs.get(document)] if document else project.docs.all()
    totals: dict[str, dict] = {}
    for doc in docs:
        for row in speaker_rows(project.docs.text(doc.id), project.docs.turns(doc.id)):
            total = totals.setdefault(row["speaker"], {"speaker": row["speaker"], "turns": 0, "words": 0,
                                                       "documents": 0})
            total["turns"] += row["turns"]
            total["words"] += row["words"]
            total["documents"] += 1
    unlabelled = totals.pop(NO_SPEAKER, None)
    rows = sorted(totals.values(), key=lambda row: (-row["turns"], natural_key(row["speaker"])))
    emit([*rows, *([unlabelled] if unlabelled else [])], ["speaker", "turns", "words", "documents"], fmt)


def duplicate_of(project, transcript: Transcript):
    """The document whose stored text is exactly *transcript*'s (same sha256), or None."""
    from qualtui.services.documents import text_sha256

    digest = text_sha256(transcript.text)
    return next((doc for doc in project.docs.all() if doc.sha256 == digest), None)
