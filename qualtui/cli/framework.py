"""``qualtui framework``: the Framework matrix (cases x codes) with the researcher's cell summaries."""

from __future__ import annotations

import sys

import click

from qualtui.cli.common import emit, format_option, project_options, safe
from qualtui.errors import QualtuiError


def parse_codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    refs = [part.strip() for part in value.split(",") if part.strip()]
    if not refs:
        raise QualtuiError("--codes needs code names, separated by commas")
    return refs


def matrix_options(fn):
    fn = click.option("--codes", "codes", metavar="A,B",
                      help="Columns: these codes (each with its sub-codes); default: the top-level codes.")(fn)
    fn = click.option("--by-attr", "by_attr", metavar="KEY",
                      help="Rows: the values of this document attribute (default: one row per document).")(fn)
    return fn


def _preview(text: str, width: int = 28) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "\u2026"


@click.group(invoke_without_command=True)
@matrix_options
@format_option()
@project_options(identity=False)
@click.pass_context
def framework(ctx, project, by_attr: str | None, codes: str | None, fmt: str) -> None:
    """Show the Framework matrix: cases x codes, with segment counts and summaries.

    In a table each cell reads "N" (segments) and the start of its summary; "-" is an empty cell.
    csv and json give one row per cell.
    """
    if ctx.invoked_subcommand is not None:
        return
    from qualtui.analysis.framework import build_framework

    matrix = build_framework(project, by_attr=by_attr, codes=parse_codes(codes))
    if fmt == "table":
        columns = ["case", *[c.label for c in matrix.columns]]
        rows = []
        for case in matrix.cases:
            row = {"case": case.label}
            for column in matrix.columns:
                cell = matrix.cell(case, column)
                text = str(len(cell.codings)) if cell.codings else "-"
                if cell.summary is not None:
                    text += " " + _preview(cell.summary.text)
                row[column.label] = text
            rows.append(row)
        emit(rows, columns, fmt)
        return
    rows = [{"case": case.label, "case_key": case.key, "code": column.label, "code_id": column.code_id,
             "segments": len(cell.codings), "documents": len({c.document for c in cell.codings}),
             "state": cell.state, "summary": cell.summary.text if cell.summary else "",
             "author": cell.summary.author if cell.summary else "",
             "modified": cell.summary.modified if cell.summary else ""}
            for case in matrix.cases for column in matrix.columns
            for cell in [matrix.cell(case, column)]]
    emit(rows, ["case", "case_key", "code", "code_id", "segments", "documents", "state", "summary", "author",
                "modified"], fmt)


@framework.command("summarise")
@click.argument("case")
@click.argument("code")
@click.argument("text", required=False)
@click.option("--by-attr", "by_attr", metavar="KEY", help="CASE is a value of this attribute, not a document.")
@project_options
def summarise(project, case: str, code: str, text: str | None, by_attr: str | None) -> None:
    """Write the summary of one cell: CASE (a document) x CODE.  TEXT '-' reads stdin; empty text clears it."""
    from qualtui.analysis.framework import build_framework, find_case

    found_code = project.codes.get(code)
    matrix = build_framework(project, by_attr=by_attr, codes=[found_code.id])
    target = find_case(matrix, project, case)
    if text is None or text == "-":
        if sys.stdin.isatty():
            raise QualtuiError("give the summary as an argument, or pipe it in with '-'")
        text = sys.stdin.read()
    stored = project.framework.set(target.key, found_code.id, text)
    what = "cleared" if stored is None else "saved"
    click.echo(f"summary {what}: {safe(target.label)} x {safe(found_code.name)}")
