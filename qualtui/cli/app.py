"""Commands that open the coding screen: open, demo (and bare ``qualtui``)."""

from __future__ import annotations

from pathlib import Path

import click

from qualtui.cli.common import safe, stdout_is_tty, told


def launch_tui(root: Path, coder: str | None, *, blind: bool = False, mouse: bool = True,
               pin_codes: tuple[str, ...] = ()) -> None:
    if not stdout_is_tty():
        raise click.ClickException("the coding screen needs a terminal; use the CLI commands in scripts")
    from tui.app import run_app  # the only place the CLI imports Textual

    run_app(root, coder=coder, blind=blind, mouse=mouse, pin_codes=pin_codes)


@click.command("open")
@click.option("--project", "-p", "project_path", type=click.Path(file_okay=False), default=None,
              help="Project folder (default: $QUALTUI_PROJECT, else the enclosing project).")
@click.option("--coder", default=None, help="Coder name for new codings.")
@click.option("--blind", is_flag=True, help="Hide other coders' codings (for double-coding).")
@click.option("--no-mouse", is_flag=True, help="Do not capture the mouse (less traffic over SSH).")
def open_(project_path: str | None, coder: str | None, blind: bool = False, no_mouse: bool = False) -> None:
    """Open the coding screen."""
    from qualtui.project import Project, find_project_root

    parent = click.get_current_context().find_root().obj or {}
    root = find_project_root(project_path or parent.get("project"))
    told(Project.open(root))  # fail early, with a clear message, before the screen starts
    launch_tui(root, coder or parent.get("coder"), blind=blind, mouse=not no_mouse)


@click.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--no-open", is_flag=True, help="Only create the demo project; do not open it.")
def demo(path: Path | None, no_open: bool) -> None:
    """Create a demo project from the bundled fictional transcripts and open it.

    PATH defaults to a new folder ./qualtui-demo (or -2, -3 ... if taken). With no
    terminal (or --no-open) it only prints where the project is.
    """
    from qualtui.demo import PINNED, create_demo, default_demo_path

    target = path or default_demo_path(Path.cwd())
    project = create_demo(target)
    summary = (f"Demo project in {safe(str(project.root))}: {len(project.docs.all())} transcripts, "
               f"{len(project.codes.all())} codes.")
    if no_open or not stdout_is_tty():
        click.echo(summary)
        click.echo(f"Open it with: qualtui open -p {safe(str(project.root))}")
        return
    click.echo(summary, err=True)
    launch_tui(project.root, None, pin_codes=PINNED)
