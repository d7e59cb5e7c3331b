"""``qualtui export FORMAT``: reports (md, html, docx, csv) and REFI-QDA (qdpx, qdc).

Each format is a subcommand in the module that owns it, imported only when used.
"""

from __future__ import annotations

import importlib

import click

# format -> "module:attribute"
EXPORTERS: dict[str, str] = {
    "md": "qualtui.cli.reports:export_md",
    "html": "qualtui.cli.reports:export_html",
    "docx": "qualtui.cli.reports:export_docx",
    "csv": "qualtui.cli.reports:export_csv",
    "qdpx": "qualtui.cli.refi:export_qdpx_command",
    "qdc": "qualtui.cli.refi:export_qdc_command",
}


class _LazyExports(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(EXPORTERS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = EXPORTERS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)


@click.group(cls=_LazyExports)
def export() -> None:
    """Write the project (or part of it) in another format."""
