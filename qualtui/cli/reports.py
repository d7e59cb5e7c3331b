"""``qualtui export md|html|docx|csv``: reports for writing up and a codings table."""

from __future__ import annotations

from pathlib import Path

import click

from qualtui.cli.common import project_options, safe
from qualtui.errors import QualtuiError


def _report_options(fn):
    fn = click.option("--quotes", type=click.IntRange(0, 50), default=3, show_default=True,
                      help="Quotes per code (spread across documents; codings with memos first).")(fn)
    fn = click.option("--memos", is_flag=True, help="Include code memos and the reflexive journal.")(fn)
    fn = click.option("--only-coder", "coders", multiple=True, help="Only codings by this coder (repeatable).")(fn)
    return fn


def _write(output: Path | None, data: bytes, *, binary: bool, what: str) -> None:
    from qualtui.output import write_export_file

    if output is None or str(output) == "-":
        if binary:
            raise QualtuiError(f"{what} output needs a file: use -o FILE")
        click.echo(data.decode("utf-8"), nl=False)
        return
    write_export_file(output, data)
    click.echo(f"wrote {safe(str(output))} ({len(data):,} bytes, readable only by you)", err=True)


def _output_option(fn):
    return click.option("-o", "--output", type=click.Path(dir_okay=True, path_type=Path),
                        help="Output file (default: standard output for text formats).")(fn)


def _report(project, quotes: int, memos: bool, coders: tuple[str, ...]):
    from qualtui.reports.model import build_report

    return build_report(project, quotes_per_code=quotes, include_memos=memos, coders=list(coders) or None)


@click.command("md")
@_output_option
@_report_options
@project_options
def export_md(project, output: Path | None, quotes: int, memos: bool, coders: tuple[str, ...]) -> None:
    """Markdown report: codebook with definitions and counts, themes with quotes."""
    from qualtui.reports.markdown import render_markdown

    _write(output, render_markdown(_report(project, quotes, memos, coders)).encode("utf-8"), binary=False, what="md")


@click.command("html")
@_output_option
@_report_options
@project_options
def export_html(project, output: Path | None, quotes: int, memos: bool, coders: tuple[str, ...]) -> None:
    """Self-contained HTML report (no scripts, no external assets)."""
    from qualtui.reports.markdown import render_html

    _write(output, render_html(_report(project, quotes, memos, coders)).encode("utf-8"), binary=False, what="html")


@click.command("docx")
@_output_option
@_report_options
@project_options
def export_docx(project, output: Path | None, quotes: int, memos: bool, coders: tuple[str, ...]) -> None:
    """Word report (python-docx)."""
    from qualtui.reports.docx_report import render_docx

    _write(output, render_docx(_report(project, quotes, memos, coders)), binary=True, what="docx")


@click.command("csv")
@_output_option
@project_options
def export_csv(project, output: Path | None) -> None:
    """All codings, one row each, with document attributes as attr:* columns."""
    from qualtui.reports.codings_csv import codings_csv

    _write(output, codings_csv(project).encode("utf-8"), binary=False, what="csv")
