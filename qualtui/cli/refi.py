"""REFI-QDA from the command line: export qdpx/qdc, import-qdpx, import-qdc."""

from __future__ import annotations

from pathlib import Path

import click

from qualtui.cli.common import long_running, project_options, safe, warn

_LOSS = ("data-loss warning: REFI-QDA exchange is not lossless; compare with the original project "
         "before relying on this copy")


def _output_option(fn):
    return click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                        help="File to write (replaced atomically if it exists).")(fn)


def _print_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items() if v)


@click.command("qdpx")
@_output_option
@project_options(identity=False)
def export_qdpx_command(project, output: Path) -> None:
    """A REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder and others.

    Carries documents (as UTF-8 text), the code tree with colours and definitions, codings with
    coder and time, memos as notes, and document attributes as text variables.  Offsets are
    Unicode code points, half-open.
    """
    from qualtui.refi.export import export_qdpx

    result = export_qdpx(project, output)
    click.echo(f"wrote {safe(str(output))}: {_print_counts(result.counts) or 'an empty project'}")
    for message in result.warnings:
        warn(message)
    warn(_LOSS)


@click.command("qdc")
@_output_option
@project_options(identity=False)
def export_qdc_command(project, output: Path) -> None:
    """A REFI-QDA codebook (.qdc): the code tree with colours and definitions."""
    from qualtui.refi.export import export_qdc

    result = export_qdc(project, output)
    click.echo(f"wrote {safe(str(output))}: {_print_counts(result.counts)}")
    for message in result.warnings:
        warn(message)


@click.command("import-qdpx")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--coder", default=None, help="Coder for anything the file does not attribute to a user.")
@click.pass_context
@long_running
def import_qdpx_command(ctx: click.Context, source: Path, path: Path | None, coder: str | None) -> None:
    """Create a NEW project at PATH from a REFI-QDA project (.qdpx, or a bare .qde).

    PATH defaults to a folder named after the file, in the current folder; it must not exist
    or be empty.  Reports what was imported, what was skipped and why, and which offset
    convention the other tool used.
    """
    from qualtui.refi.import_ import import_qdpx

    target = path if path is not None else Path.cwd() / source.stem
    parent = ctx.find_root().obj or {}
    report = import_qdpx(source, target, coder=coder or parent.get("coder"))
    click.echo(f"created project in {safe(str(report.target))}")
    for line in report.lines():
        click.echo(safe(line) if not line.startswith("  ") else "  " + safe(line))
    warn(_LOSS)


@click.command("import-qdc")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@project_options
def import_qdc_command(project, source: Path) -> None:
    """Add the codes of a REFI-QDA codebook (.qdc) to the current project.

    A code whose GUID or name (case-insensitive) matches an existing code is merged into it
    (the existing code is kept as it is; its new sub-codes are added under it).
    """
    from qualtui.refi.import_ import import_qdc

    report = import_qdc(project, source)
    for line in report.lines():
        click.echo(safe(line) if not line.startswith("  ") else "  " + safe(line))
