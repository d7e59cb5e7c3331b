"""Project and document commands: init, add, docs, show, attr."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qualtui.cli.common import emit, format_option, parse_attributes, project_options, safe, warn
from qualtui.errors import ImportRejected, QualtuiError
from qualtui.text.normalise import text_from_path


@click.command()
@click.argument("path", type=click.Path(file_okay=False), default=".")
@click.option("--name", help="Project name (default: the folder name).")
@click.option("--shared-group", is_flag=True,
              help="Let the folder's group read and write (files 0660, folders 2770) for a team; default is private.")
def init(path: str, name: str | None, shared_group: bool) -> None:
    """Create a new project in PATH (a folder; created if missing)."""
    from qualtui.project import Project

    coder = (click.get_current_context().find_root().obj or {}).get("coder")  # qualtui --coder X init
    project = Project.init(path, name=name, shared_group=shared_group, coder=coder)
    mode = "shared with the folder's group" if shared_group else "private to you (0600/0700)"
    click.echo(f"Created project {safe(project.name)!r} in {safe(str(project.root))}; files are {mode}.")


def _document_name(path: Path, explicit: str | None, many: bool) -> str:
    if explicit:
        if many:
            raise QualtuiError("--name can only be used when adding one file")
        return explicit
    return text_from_path(path.stem)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE", help="Document attribute (repeatable).")
@click.option("--name", help="Document name (one file only; default: the file name without extension).")
@click.option("--max-size", type=click.FloatRange(min=0.001), default=50.0, show_default=True,
              help="Largest file accepted, in MB.")
@click.option("--dry-run", is_flag=True, help="Show the speakers and first turns that would be stored; write nothing.")
@click.option("--speaker-pattern", metavar="REGEX",
              help="Speaker labels are what REGEX matches at the start of a line (group 'speaker' or the first "
                   "group is the name; group 'time' a timestamp), instead of the usual detection.")
@click.option("--allow-duplicate", is_flag=True, help="Add a file even if its text is already in the project.")
@click.option("--text-columns", metavar="COL,COL",
              help="For a .csv survey: the columns holding open-ended answers (one document per row).")
@click.option("--id-column", metavar="COL", help="For a .csv survey: the column naming each respondent.")
@project_options
def add(project, files: tuple[Path, ...], attrs: tuple[str, ...], name: str | None, max_size: float,
        dry_run: bool, speaker_pattern: str | None, allow_duplicate: bool, text_columns: str | None,
        id_column: str | None) -> None:
    """Import transcripts (.txt .md .docx .vtt .srt .odt) or survey answers (.csv with --text-columns).

    Each file is imported whole or not at all; a summary is printed at the end
    and the command exits non-zero if any file was rejected.
    """
    from qualtui.cli.transcripts import add_survey, compile_speaker_pattern, duplicate_of, preview
    from qualtui.importers import read_transcript
    from qualtui.progress import clear, terminal_progress, track

    pattern = compile_speaker_pattern(speaker_pattern)
    attributes = parse_attributes(attrs)
    added, rejected = 0, 0
    with terminal_progress():
        for path in track(files, "adding"):
            label = safe(path.name)
            try:
                if path.suffix.lower() == ".csv" or text_columns or id_column:
                    if path.suffix.lower() != ".csv" or not text_columns:
                        raise ImportRejected("a survey is a .csv file with --text-columns (the columns of answers)")
                    added += add_survey(project, path, text_columns=text_columns, id_column=id_column,
                                        prefix=_document_name(path, name, len(files) > 1),
                                        max_bytes=int(max_size * 1024 * 1024), attributes=attributes,
                                        dry_run=dry_run, allow_duplicate=allow_duplicate)
                    continue
                transcript = read_transcript(path, max_bytes=int(max_size * 1024 * 1024), speaker_pattern=pattern)
                twin = duplicate_of(project, transcript)
                if dry_run:
                    clear()
                    for line in preview(transcript, label):
                        click.echo(line)
                    for message in transcript.warnings:
                        warn(f"{label}: {message}")
                    if twin is not None:
                        warn(f"{label}: the same text is already in the project as {safe(twin.name)!r}")
                    wanted = _document_name(path, name, len(files) > 1)
                    if any(doc.name.casefold() == wanted.casefold() for doc in project.docs.all()):
                        warn(f"{label}: a document named {safe(wanted)!r} already exists (use --name to choose another)")
                    added += 1
                    continue
                if twin is not None and not allow_duplicate:
                    raise ImportRejected(f"the same text is already in the project as {twin.name!r} "
                                         "(--allow-duplicate adds it again)")
                doc = project.docs.add(transcript, _document_name(path, name, len(files) > 1),
                                       source=text_from_path(path.name), attributes=attributes)
            except (ImportRejected, QualtuiError) as exc:
                rejected += 1
                clear()
                click.echo(f"qualtui: rejected {label}: {safe(str(exc))}", err=True)
                continue
            clear()
            for message in transcript.warnings:
                warn(f"{label}: {message}")
            added += 1
            speakers = ", ".join(doc.speakers[:4]) + (" ..." if len(doc.speakers) > 4 else "")
            click.echo(f"added {safe(doc.name)}: {doc.words:,} words, {doc.turns:,} turns"
                       + (f" ({safe(speakers)})" if speakers else ""))
    click.echo(f"{added} {'would be added' if dry_run else 'added'}, {rejected} rejected")
    if rejected:
        sys.exit(1)


@click.command()
@format_option()
@project_options(identity=False)
def docs(project, fmt: str) -> None:
    """List documents: id, name, words, turns, speakers, attributes, codings."""
    rows = []
    tallies = project.codings.tallies()   # from the codings index: no codings file parsed
    for doc in project.docs.all():
        rows.append({
            "id": doc.id[:8] if fmt == "table" else doc.id, "name": doc.name, "words": doc.words,
            "turns": doc.turns, "speakers": sorted({project.speakers.canonical(s) for s in doc.speakers}, key=str.casefold),
            "attributes": doc.attributes,
            "codings": sum(tallies[doc.id].codes.values()) if doc.id in tallies else project.codings.count(doc.id),
        })
    emit(rows, ["id", "name", "words", "turns", "speakers", "attributes", "codings"], fmt)


def _parse_lines(spec: str | None, total: int) -> tuple[int, int]:
    if not spec:
        return 1, total
    first, sep, last = spec.partition("-")
    try:
        a = int(first) if first else 1
        b = int(last) if sep and last else (total if sep else a)
    except ValueError:
        raise QualtuiError(f"--lines {safe(spec)!r} must look like 10-40") from None
    if a < 1 or b < a:
        raise QualtuiError(f"--lines {safe(spec)!r} is not a valid range")
    if a > total:
        raise QualtuiError(f"--lines {safe(spec)}: past the end (the document has {total} lines)")
    return a, min(b, total)


@click.command()
@click.argument("document")
@click.option("--lines", "line_spec", metavar="A-B", help="Only these lines (e.g. 1-40).")
@click.option("--codes/--no-codes", default=True, show_default=True, help="Show the codes touching each line.")
@project_options(identity=False)
def show(project, document: str, line_spec: str | None, codes: bool) -> None:
    """Print a transcript with line numbers, speaker turns and codes per line."""
    from qualtui.text.lines import line_of, line_span, line_starts

    doc = project.docs.get(document)
    text = project.docs.text(doc.id)
    starts = line_starts(text)
    first, last = _parse_lines(line_spec, len(starts))
    labels: dict[int, list[str]] = {}
    if codes:
        names = {c.id: c.name for c in project.codes.all()}
        for coding in project.codings.for_document(doc.id):
            for line in range(line_of(starts, coding.start), line_of(starts, coding.end - 1) + 1):
                name = names.get(coding.code, "?")
                if name not in labels.setdefault(line, []):
                    labels[line].append(name)
    label_starts = {t.label_start: t for t in project.docs.turns(doc.id) if t.speaker}
    width = len(str(last))
    color = sys.stdout.isatty()
    click.echo(f"{safe(doc.name)}  lines {first}-{last} of {len(starts)}")
    for line in range(first, last + 1):
        start, end = line_span(starts, len(text), line)
        body = safe(text[start:end])
        turn = label_starts.get(start)
        if turn is not None and color:
            cut = turn.start - start
            body = click.style(body[:cut], bold=True) + body[cut:]
        tail = f"  [{safe(', '.join(labels[line]))}]" if line in labels else ""
        click.echo(f"{line:>{width}}  {body}{tail}")


@click.group()
def attr() -> None:
    """Document attributes (e.g. group=staff)."""


@attr.command("set")
@click.argument("document")
@click.argument("pairs", nargs=-1, required=True, metavar="KEY=VALUE...")
@project_options
def attr_set(project, document: str, pairs: tuple[str, ...]) -> None:
    """Set attributes of a document."""
    doc = project.docs.get(document)
    for key, value in parse_attributes(pairs).items():
        doc = project.docs.set_attribute(doc.id, key, value)
    click.echo(f"{safe(doc.name)}: {safe(doc.attributes)}")


@attr.command("unset")
@click.argument("document")
@click.argument("keys", nargs=-1, required=True)
@project_options
def attr_unset(project, document: str, keys: tuple[str, ...]) -> None:
    """Remove attributes from a document."""
    doc = project.docs.get(document)
    for key in keys:
        doc = project.docs.set_attribute(doc.id, key, None)
    click.echo(f"{safe(doc.name)}: {safe(doc.attributes)}")


@attr.command("list")
@format_option()
@project_options(identity=False)
def attr_list(project, fmt: str) -> None:
    """Every document's attributes, one row per document and key."""
    rows = [{"document": d.name, "key": k, "value": v} for d in project.docs.all() for k, v in sorted(d.attributes.items())]
    emit(rows, ["document", "key", "value"], fmt)
