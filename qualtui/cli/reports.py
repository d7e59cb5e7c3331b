"""``qualtui export md|html|docx|csv|map|framework``: reports for writing up, a codings table, the thematic
map and the Framework matrix."""

from __future__ import annotations

from pathlib import Path

import click

from qualtui.cli.common import project_options, safe
from qualtui.cli.framework import matrix_options, parse_codes
from qualtui.errors import QualtuiError
from qualtui.text.normalise import strip_controls


def _report_options(fn):
    fn = click.option("--quotes", type=click.IntRange(0, 50), default=3, show_default=True,
                      help="Quotes per code (spread across documents; codings with memos first).")(fn)
    fn = click.option("--memos", is_flag=True, help="Include code memos and the reflexive journal.")(fn)
    fn = click.option("--by", "coders", multiple=True, metavar="CODER",
                      help="Only codings by this coder (repeatable).")(fn)
    fn = click.option("--timestamps", is_flag=True,
                      help="Add the recording time of the turn to citations (VTT/SRT transcripts).")(fn)
    fn = click.option("--matrix-attr", "matrix_attrs", multiple=True, metavar="KEY",
                      help="Chart codes x this document attribute (repeatable; default: every attribute "
                           "with 2-12 values).")(fn)
    fn = click.option("--no-matrix", is_flag=True, help="No codes x attribute tables or charts.")(fn)
    return fn


def _write(project, output: Path | None, data: bytes, *, binary: bool, what: str) -> None:
    from qualtui.safeio.output_paths import write_export_file

    if output is None or str(output) == "-":
        if binary:
            raise QualtuiError(f"{what} output needs a file: use -o FILE")
        click.echo(strip_controls(data.decode("utf-8")), nl=False)   # the project may predate cleaning
        return
    write_export_file(output, data, project_root=project.root)
    click.echo(f"wrote {safe(str(output))} ({len(data):,} bytes, readable only by you)", err=True)


def _output_option(fn):
    return click.option("-o", "--output", type=click.Path(dir_okay=True, path_type=Path),
                        help="Output file (default: standard output for text formats).")(fn)


def _report(project, options: dict):
    from qualtui.reports.model import build_report

    keys = [] if options["no_matrix"] else list(options["matrix_attrs"]) or None
    return build_report(project, quotes_per_code=options["quotes"], include_memos=options["memos"],
                        coders=list(options["coders"]) or None, timestamps=options["timestamps"],
                        matrix_attributes=keys)


@click.command("md")
@_output_option
@_report_options
@project_options(identity=False)
def export_md(project, output: Path | None, **options) -> None:
    """Markdown report: codebook with definitions and counts, themes with quotes."""
    from qualtui.reports.markdown import render_markdown

    _write(project, output, render_markdown(_report(project, options)).encode("utf-8"), binary=False, what="md")


def _cooccur_option(fn):
    return click.option("--cooccur", type=click.IntRange(1), default=None, metavar="N",
                        help="Link codes on the map whose segments overlap N or more times.")(fn)


def _thematic_map(project, coders, cooccur: int | None):
    from qualtui.analysis.corpus import Corpus, Scope
    from qualtui.reports.thematic_map import build_map

    corpus = Corpus(project, Scope.build(project, coders=coders), streaming=True)
    return build_map(corpus, cooccur=cooccur, title=project.name)


@click.command("html")
@_output_option
@_cooccur_option
@_report_options
@project_options(identity=False)
def export_html(project, output: Path | None, cooccur: int | None, **options) -> None:
    """Self-contained HTML report with SVG charts and the thematic map (no scripts, no external assets)."""
    from qualtui.reports.html_report import render_html
    from qualtui.reports.map_svg import map_svg

    drawing = map_svg(_thematic_map(project, options["coders"], cooccur), standalone=False)
    page = render_html(_report(project, options), thematic_map=drawing)
    _write(project, output, page.encode("utf-8"), binary=False, what="html")


@click.command("map")
@_output_option
@_cooccur_option
@click.option("--by", "coders", multiple=True, metavar="CODER", help="Only codings by this coder (repeatable).")
@project_options(identity=False)
def export_map(project, output: Path | None, cooccur: int | None, coders: tuple[str, ...]) -> None:
    """The thematic map as a standalone SVG: themes, codes and sub-codes with counts."""
    from qualtui.reports.map_svg import describe, map_svg

    themap = _thematic_map(project, coders, cooccur)
    _write(project, output, map_svg(themap).encode("utf-8"), binary=False, what="map")
    if output is not None and str(output) != "-":
        click.echo(f"map: {describe(themap)}", err=True)


@click.command("docx")
@_output_option
@_report_options
@project_options(identity=False)
def export_docx(project, output: Path | None, **options) -> None:
    """Word report (python-docx), with the charts as tables."""
    from qualtui.reports.docx_report import render_docx

    _write(project, output, render_docx(_report(project, options)), binary=True, what="docx")


@click.command("csv")
@_output_option
@project_options(identity=False)
def export_csv(project, output: Path | None) -> None:
    """All codings, one row each, with document attributes as attr:* columns."""
    from qualtui.reports.codings_csv import codings_csv_parts

    parts = codings_csv_parts(project)
    if output is None or str(output) == "-":
        for part in parts:   # printed as each document is read
            click.echo(strip_controls(part), nl=False)
        return
    from qualtui.safeio.output_paths import write_export_parts

    size = write_export_parts(output, (part.encode("utf-8") for part in parts), project_root=project.root)
    click.echo(f"wrote {safe(str(output))} ({size:,} bytes, readable only by you)", err=True)


@click.command("framework")
@click.option("-o", "--output", type=click.Path(dir_okay=True, path_type=Path), required=True,
              help="Output file: .csv, .md, .html or .docx (the suffix chooses the format).")
@click.option("--quotes", is_flag=True, help="Add each cell's coded segments as quotes with citations.")
@matrix_options
@project_options(identity=False)
def export_framework(project, output: Path, quotes: bool, by_attr: str | None, codes: str | None) -> None:
    """The Framework matrix with each cell's summary (and, with --quotes, its segments)."""
    from qualtui.analysis.framework import build_framework
    from qualtui.reports import framework_export as fx

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in fx.FORMATS:
        raise QualtuiError(f"the output file must end in .csv, .md, .html or .docx (not {safe(output.name)!r})")
    matrix = build_framework(project, by_attr=by_attr, codes=parse_codes(codes))
    # Every format is written a case (row) at a time, each cell's quotes read for it alone: quotes are large.
    from qualtui.safeio.output_paths import export_writer, write_export_parts

    if fmt == "docx":
        from qualtui.reports.framework_docx import write_framework_docx

        with export_writer(output, project_root=project.root) as out:   # a zip: its writer seeks back
            write_framework_docx(out, project, matrix, with_quotes=quotes)
            size = out.tell()
    else:
        render = {"csv": fx.framework_csv_parts, "md": fx.framework_markdown_parts,
                  "html": fx.framework_html_parts}[fmt]
        parts = render(project, matrix, with_quotes=quotes)
        size = write_export_parts(output, (part.encode("utf-8") for part in parts), project_root=project.root)
    click.echo(f"wrote {safe(str(output))} ({size:,} bytes, readable only by you)", err=True)
