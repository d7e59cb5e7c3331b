"""Speakers and import previews: ``qualtui speakers`` and what ``add --dry-run`` prints."""

from __future__ import annotations

import re
from collections.abc import Iterable

import click

from qualtui.cli.common import emit, format_option, project_options, safe
from qualtui.errors import QualtuiError
from qualtui.model import Transcript, Turn
from qualtui.text.normalise import count_words

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


def preview(transcript: Transcript, label: str, turns_shown: int = PREVIEW_TURNS, *, table: bool = True) -> list[str]:
    """What ``add --dry-run`` prints for one file: speakers with turn and word counts, the first turns."""
    from qualtui.text.units import TextUnits, clock

    text = transcript.text
    rows = speaker_rows(text, transcript.turns)
    named = [row for row in rows if row["speaker"] != NO_SPEAKER]
    lines = [f"{label}: {count_words(text):,} words, {len(transcript.turns)} turns, "
             f"{len(named)} speaker{'s' if len(named) != 1 else ''} (dry run: nothing written)"]
    width = max([len(row["speaker"]) for row in rows] + [7])
    if table:
        lines.append(f"  {'speaker':<{width}}  {'turns':>5}  {'words':>7}")
        lines += [f"  {safe(row['speaker']):<{width}}  {row['turns']:>5}  {row['words']:>7,}" for row in rows]
    units = TextUnits(text, transcript.turns)
    shown = transcript.turns[:turns_shown]
    if shown:
        lines.append(f"  first {len(shown)} turn{'s' if len(shown) != 1 else ''} as stored (line, speaker, speech):")
    for turn in shown:
        speech = " ".join(text[turn.start:turn.end].split())
        speech = speech if len(speech) <= 70 else speech[:69] + "\u2026"
        time = clock(turn.begin_ms)
        who = safe(turn.speaker or NO_SPEAKER) + (f" [{time}]" if time else "")
        lines.append(f"  l.{units.line_of(turn.start)}  {who}: {safe(speech)}")
    return lines


@click.command()
@click.argument("document", required=False)
@format_option()
@project_options(identity=False)
def speakers(project, document: str | None, fmt: str) -> None:
    """List the speakers of DOCUMENT (or of every document): role, labels, turns, words and documents.

    Speakers appear under their canonical names ('qualtui speaker LABEL... --as NAME'); the labels
    column lists the labels found in the transcripts.
    """
    docs = [project.docs.get(document)] if document else project.docs.all()
    totals: dict[str, dict] = {}
    for doc in docs:
        text = project.docs.text(doc.id)
        raw = project.docs.turns(doc.id, raw=True)
        labels: dict[str, dict[str, None]] = {}
        for turn in raw:
            if turn.speaker:
                labels.setdefault(project.speakers.canonical(turn.speaker) or "", {})[turn.speaker] = None
        for row in speaker_rows(text, project.speakers.apply(raw)):
            total = totals.setdefault(row["speaker"], {
                "speaker": row["speaker"], "role": project.speakers.role(row["speaker"]) if row["speaker"] !=
                NO_SPEAKER else "", "labels": {}, "turns": 0, "words": 0, "documents": 0})
            total["turns"] += row["turns"]
            total["words"] += row["words"]
            total["documents"] += 1
            total["labels"].update(labels.get(row["speaker"], {}))
    unlabelled = totals.pop(NO_SPEAKER, None)
    rows = sorted(totals.values(), key=lambda row: (-row["turns"], natural_key(row["speaker"])))
    rows = [*rows, *([unlabelled] if unlabelled else [])]
    for row in rows:
        row["labels"] = list(row["labels"])
    emit(rows, ["speaker", "role", "labels", "turns", "words", "documents"], fmt)


@click.command()
@click.argument("labels", nargs=-1, required=True, metavar="LABEL...")
@click.option("--as", "name", metavar="NAME", help="The canonical name (default: the one LABEL given).")
@click.option("--role", help="A role for the speaker across the project, e.g. interviewer or participant.")
@click.option("--reset", is_flag=True, help="Forget the canonical name and role of these labels.")
@project_options
def speaker(project, labels: tuple[str, ...], name: str | None, role: str | None, reset: bool) -> None:
    """Give speaker LABELs one canonical name and a role, across the project.

    qualtui speaker Interviewer INTERVIEWER I "Rebecca Hall" --as Interviewer --role interviewer

    Transcript text and stored turns do not change; display, filters, autocode --speaker, retrieval,
    agreement and exports use the canonical name.  Search and retrieve can leave out interviewers
    with --no-interviewer.
    """
    if reset:
        if name or role:
            raise QualtuiError("--reset cannot be combined with --as or --role")
        removed = project.speakers.reset(labels)
        click.echo(f"reset {len(removed)} label{'s' if len(removed) != 1 else ''}")
        return
    if name is None:
        if len(labels) != 1:
            raise QualtuiError("several labels need --as NAME (the name they all become)")
        name = labels[0]
    records = project.speakers.set(labels, name, role or "")
    role_text = f" (role {safe(records[0].role)})" if records[0].role else ""
    click.echo(f"{safe(', '.join(r.label for r in records))} -> {safe(records[0].name)}{role_text}")


def duplicate_of(project, transcript: Transcript):
    """The document whose stored text is exactly *transcript*'s (same sha256), or None."""
    from qualtui.services.documents import text_sha256

    digest = text_sha256(transcript.text)
    return next((doc for doc in project.docs.all() if doc.sha256 == digest), None)


def add_survey(project, path, *, text_columns: str, id_column: str | None, prefix: str, max_bytes: int,
               attributes: dict[str, str], dry_run: bool, allow_duplicate: bool) -> int:
    """``add responses.csv --text-columns ...``: one document per respondent, all or none of them.

    Returns how many documents were (or, with ``dry_run``, would be) added; raises ``ImportRejected``
    or ``QualtuiError`` with nothing added.
    """
    from qualtui.errors import ImportRejected
    from qualtui.importers import read_file
    from qualtui.importers.survey import read_survey

    columns = [c.strip() for c in text_columns.split(",") if c.strip()]
    responses = read_survey(read_file(path, max_bytes), columns, id_column)
    label = safe(path.name)
    taken = {doc.name.casefold() for doc in project.docs.all()}
    names = [f"{prefix}-{response.key}" for response in responses]
    clash = next((name for name in names if name.casefold() in taken), None)
    if clash is not None:
        raise ImportRejected(f"a document named {clash!r} already exists (use --name to choose another prefix)")
    twins = [(name, twin) for name, response in zip(names, responses)
             if (twin := duplicate_of(project, response.transcript)) is not None]
    if twins and not allow_duplicate and not dry_run:
        name, twin = twins[0]
        raise ImportRejected(f"the answers of {name!r} are already in the project as {twin.name!r} "
                             "(--allow-duplicate adds them again)")
    if dry_run:
        keys = sorted({k for response in responses for k in response.attributes}, key=str.casefold)
        click.echo(f"{label}: {len(responses)} respondent{'s' if len(responses) != 1 else ''} -> documents "
                   f"{safe(names[0])}{' ... ' + safe(names[-1]) if len(names) > 1 else ''}; attributes: "
                   f"{safe(', '.join(keys)) or '(none)'}")
        totals: dict[str, dict] = {}
        for response in responses:
            for row in speaker_rows(response.transcript.text, response.transcript.turns):
                total = totals.setdefault(row["speaker"], {"question": row["speaker"], "answers": 0, "words": 0})
                total["answers"] += 1
                total["words"] += row["words"]
        width = max([len(q) for q in totals] + [8])
        click.echo(f"  {'question':<{width}}  {'answers':>7}  {'words':>7}")
        for row in totals.values():
            click.echo(f"  {safe(row['question']):<{width}}  {row['answers']:>7}  {row['words']:>7,}")
        for line in preview(responses[0].transcript, safe(names[0]), table=False)[1:]:
            click.echo(line)
        for message in responses[0].transcript.warnings:
            click.echo(f"qualtui: warning: {label}: {safe(message)}", err=True)
        for name, twin in twins:
            click.echo(f"qualtui: warning: {safe(name)}: the same text is already in the project as "
                       f"{safe(twin.name)!r}", err=True)
        return len(responses)
    added = []
    with project.store.transaction("add survey"):  # all or nothing, even if killed: one transaction
        for name, response in zip(names, responses):
            added.append(project.docs.add(response.transcript, name, source=path.name,
                                          attributes={**response.attributes, **attributes}))
    for message in responses[0].transcript.warnings:
        click.echo(f"qualtui: warning: {label}: {safe(message)}", err=True)
    click.echo(f"added {len(added)} document{'s' if len(added) != 1 else ''} from {label} "
               f"({safe(names[0])}{' ... ' + safe(names[-1]) if len(names) > 1 else ''}), one turn per answered "
               f"question ({safe(', '.join(columns))})")
    return len(added)
