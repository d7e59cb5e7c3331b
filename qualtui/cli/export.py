"""``qualtui export FORMAT``: reports (md, html, docx, csv), the thematic map (svg), the
Framework matrix (csv, md, html, docx) and REFI-QDA (qdpx, qdc).

Each format is a subcommand in the module that owns it, imported only when used.
"""

from __future__ import annotations

import click

from qualtui.cli import LazyGroup

# format -> "module:attribute"
EXPORTERS: dict[str, str] = {
    "md": "qualtui.cli.reports:export_md",
    "html": "qualtui.cli.reports:export_html",
    "docx": "qualtui.cli.reports:export_docx",
    "csv": "qualtui.cli.reports:export_csv",
    "map": "qualtui.cli.reports:export_map",
    "framework": "qualtui.cli.reports:export_framework",
    "qdpx": "qualtui.cli.refi:export_qdpx_command",
    "qdc": "qualtui.cli.refi:export_qdc_command",
}


class _LazyExports(LazyGroup):
    lazy_commands = EXPORTERS


@click.group(cls=_LazyExports)
@click.pass_context
def export(ctx: click.Context) -> None:
    """Write the project (or part of it) in another format."""
    from qualtui.progress import terminal_progress

    ctx.with_resource(terminal_progress())   # a large project's export shows its progress on a terminal
