"""``qualtui config``: the active settings and where each came from."""

from __future__ import annotations

from pathlib import Path

import click

from qualtui.cli.common import emit, format_option, safe


@click.command("config")
@click.option("--project", "-p", "project_path", type=click.Path(file_okay=False), default=None,
              help="Project folder whose qualtui.toml applies (default: the enclosing project, if any).")
@format_option()
def config(project_path: str | None, fmt: str) -> None:
    """Print the active settings and where each came from.

    Sources, later winning: default, the user file (~/.config/qualtui/config.toml,
    $XDG_CONFIG_HOME honoured, $QUALTUI_CONFIG overrides the path), the project file
    (<project>/qualtui.toml), the environment ($QUALTUI_CODER, $QUALTUI_THEME).
    Settings: coder, theme (dark, light, ansi, ansi-light, high-contrast), mouse,
    and [keymap] overrides by binding id (see ? in the coding screen).
    """
    from qualtui.config import describe, load_settings
    from qualtui.errors import QualtuiError
    from qualtui.project import find_project_root

    parent = click.get_current_context().find_root().obj or {}
    root: Path | None
    try:
        root = find_project_root(project_path or parent.get("project"))
    except QualtuiError:
        if project_path or parent.get("project"):
            raise
        root = None  # outside a project: user settings only
    settings = load_settings(root)
    emit(describe(settings), ["setting", "value", "source"], fmt)
    if fmt == "table":
        for kind, path, exists in settings.files:
            click.echo(f"{kind} file: {safe(str(path))}{'' if exists else ' (not found)'}")
        if root is None:
            click.echo("project file: (not inside a project)")
