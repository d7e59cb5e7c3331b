"""Coding from the command line: code, uncode, codings (scriptable and testable)."""

from __future__ import annotations

import click

from qualtui.cli.common import format_option, match_id, project_options, safe
from qualtui.errors import QualtuiError


def parse_span(project, doc, span: str | None, lines: str | None) -> tuple[int, int]:
    """--span START:END (code points, half-open) or --lines A-B (the speech of those lines, as ``p`` selects
    it in the coding screen: a speaker label at the start is left out, spaces trimmed)."""
    from qualtui.text.units import TextUnits

    if bool(span) == bool(lines):
        raise QualtuiError("give exactly one of --span START:END or --lines A-B")
    if span:
        a, sep, b = span.partition(":")
        try:
            start, end = int(a), int(b)
        except ValueError:
            raise QualtuiError(f"--span {safe(span)!r} must look like 120:180") from None
        if end < start:
            raise QualtuiError(f"--span {safe(span)}: the end ({end}) is before the start ({start})")
        if end == start:
            raise QualtuiError(f"--span {safe(span)}: the span is empty (the end is exclusive: try {start}:{start + 1})")
        return start, end
    units = TextUnits(project.docs.text(doc.id), project.docs.turns(doc.id))
    first, sep, last = lines.partition("-")
    try:
        a, b = int(first), int(last or first)
    except ValueError:
        raise QualtuiError(f"--lines {safe(lines)!r} must look like 10-12") from None
    if not 1 <= a <= b <= units.line_count:
        raise QualtuiError(f"--lines {safe(lines)!r} is outside the document (1-{units.line_count})")
    start, end = units.speech_span(a, b)
    text = project.docs.text(doc.id)
    if all(not text[slice(*units.line_span(n))].strip() for n in range(a, b + 1)):
        raise QualtuiError(f"--lines {safe(lines)}: line {a} is empty" if a == b
                           else f"--lines {safe(lines)}: lines {a}-{b} are empty")
    if end <= start:
        raise QualtuiError(f"--lines {safe(lines)!r}: no speech there (only speaker labels or blank lines)")
    return start, end


@click.command()
@click.argument("document")
@click.argument("code_name", metavar="CODE")
@click.option("--span", help="Half-open code-point span START:END.")
@click.option("--lines", help="Lines A-B (as numbered by 'qualtui show'), without a speaker label at the start.")
@click.option("--memo", help="A memo on the new coding.")
@click.option("--create", is_flag=True, help="Create the code if it does not exist.")
@project_options
def code(project, document: str, code_name: str, span: str | None, lines: str | None, memo: str | None,
         create: bool) -> None:
    """Apply CODE to a span of DOCUMENT."""
    doc = project.docs.get(document)
    start, end = parse_span(project, doc, span, lines)
    project.codings.check_span(doc.id, start, end)  # a failed command must not leave a new code behind
    found = project.codes.find(code_name) if create else None
    target = found or (project.codes.create(code_name) if create else project.codes.get(code_name))
    coding = project.codings.add(doc.id, target.id, start, end, memo=memo)
    click.echo(f"coded {safe(doc.name)} [{coding.start}, {coding.end}) as {safe(target.name)} ({coding.id})")


@click.command()
@click.argument("document")
@click.argument("coding_ids", nargs=-1, required=True, metavar="CODING_ID...")
@project_options
def uncode(project, document: str, coding_ids: tuple[str, ...]) -> None:
    """Remove codings (by id or unique id prefix) from DOCUMENT."""
    doc = project.docs.get(document)
    existing = project.codings.for_document(doc.id)
    chosen = [match_id([c.id for c in existing], ref, "coding") for ref in coding_ids]
    removed = project.codings.remove(doc.id, chosen)
    click.echo(f"removed {len(removed)} coding{'s' if len(removed) != 1 else ''}")


@click.command()
@click.argument("document", required=False)
@click.option("--code", "code_name", help="Only codings of this code.")
@format_option()
@project_options(identity=False)
def codings(project, document: str | None, code_name: str | None, fmt: str) -> None:
    """List codings (of one document, or all), with line numbers and text.

    Printed document by document (--format json: one coding per line).
    """
    from qualtui.cli.stream import writer
    from qualtui.text.lines import line_starts, lines_of_span

    docs = [project.docs.get(document)] if document else project.docs.all()
    code_filter = project.codes.get(code_name).id if code_name else None
    names = {c.id: c.name for c in project.codes.all()}
    out = writer(fmt, ["id", "document", "code", "lines", "start", "end", "coder", "created", "memo", "text"])
    for doc in docs:
        text = project.docs.text(doc.id)
        starts = line_starts(text)
        rows = []
        for c in project.codings.for_document(doc.id):
            if code_filter and c.code != code_filter:
                continue
            first, last = lines_of_span(starts, c.start, c.end)
            rows.append({"id": c.id if fmt != "table" else c.id[:8], "document": doc.name,
                         "code": names.get(c.code, c.code), "lines": f"{first}-{last}" if first != last else str(first),
                         "start": c.start, "end": c.end, "coder": c.coder, "created": c.created, "memo": c.memo,
                         "text": text[c.start:c.end]})
        out.write(rows)
        project.store.release_document(doc.id)   # one document held at a time
    out.close()
