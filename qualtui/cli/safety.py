"""Safety commands: check (and repair), backup, pseudonymise."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qualtui.cli.common import long_running, safe, told
from qualtui.errors import QualtuiError


def _root(project_path: str | None) -> Path:
    """The project folder, without opening it (check must work on a damaged project)."""
    from qualtui.project import find_project_root

    parent = click.get_current_context().find_root().obj or {}
    return find_project_root(project_path or parent.get("project"))


_project_option = click.option("--project", "-p", "project_path", type=click.Path(file_okay=False), default=None,
                               help="Project folder (default: $QUALTUI_PROJECT, else the enclosing project).")


@click.command()
@click.option("--repair", is_flag=True,
              help="Back up the project, then fix what can be fixed safely (never transcript text).")
@_project_option
@long_running
def check(repair: bool, project_path: str | None) -> None:
    """Verify the project's integrity; exit 1 and list problems if any.

    Checks the schema version, every record, every document's text (sha256),
    turns and codings files, coding offsets, code and memo references, parent
    cycles, the audit log, leftover temporary files and file permissions.
    """
    from qualtui.safety.integrity import check as run_check

    root = _root(project_path)
    if not repair:
        problems = run_check(root)
        for problem in problems:
            click.echo(safe(problem.line()))
        if problems:
            click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found"
                       + ("; 'qualtui check --repair' can fix some of them" if any(p.repairable for p in problems) else ""),
                       err=True)
            sys.exit(1)
        click.echo("ok: no problems found")
        return
    from qualtui.safety.repair import repair as run_repair

    parent = click.get_current_context().find_root().obj or {}
    report = run_repair(root, coder=parent.get("coder"))
    if report.backup is not None:
        click.echo(f"backup written before repairing: {safe(str(report.backup))}")
    for line in report.fixed:
        click.echo(f"fixed {safe(line)}")
    if report.saved is not None:
        click.echo(f"removed items are kept in {safe(str(report.saved))}")
    for problem in report.remaining:
        click.echo(f"not fixed: {safe(problem.line())}")
    if report.remaining:
        sys.exit(1)
    click.echo("ok: no problems remain" if report.fixed else "ok: no problems found")


@click.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Archive file (.tar.gz, .tgz or .zip) or folder; default: the project's backups/ folder.")
@click.option("--zip", "as_zip", is_flag=True, help="Write a .zip instead of a .tar.gz (when no file name is given).")
@_project_option
def backup(output: Path | None, as_zip: bool, project_path: str | None) -> None:
    """Write a timestamped archive of the whole project (0600).

    To restore, extract it into an empty folder; the folder inside is a
    complete project: mkdir restored && tar xzf FILE -C restored
    """
    from qualtui.safety.backup import write_backup

    target = write_backup(_root(project_path), output, kind="zip" if as_zip else "tar")
    click.echo(f"backup written: {safe(str(target))}")


@click.command()
@click.option("--map", "map_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV file of real,pseudonym rows (keep it outside the project folder).")
@click.option("--dry-run", is_flag=True, help="Only count what would change; change nothing.")
@click.option("--case-insensitive", is_flag=True, help="Match names whatever their case.")
@_project_option
@click.option("--coder", default=None, help="Name recorded in the audit log.")
def pseudonymise(map_path: Path, dry_run: bool, case_insensitive: bool, project_path: str | None,
                 coder: str | None) -> None:
    """Replace real names with pseudonyms across the whole project.

    Whole words only, longest name first. Changes transcripts (every coding
    and speaker turn is re-anchored so it covers the same words), speaker
    names, document names, sources and attribute values, code names and
    descriptions, all memos, and names recorded in the audit log. The mapping
    file is never copied into the project. Run it while nobody else has the
    project open.
    """
    from qualtui.safeio.output_paths import is_inside
    from qualtui.project import Project
    from qualtui.editing.pseudonymise import load_mapping, pseudonymise_project

    parent = click.get_current_context().find_root().obj or {}
    root = _root(project_path)
    if is_inside(map_path, root):
        raise QualtuiError("the mapping file is inside the project folder; move it out so that backups and "
                           "copies of the project do not carry the real names")
    mapping = load_mapping(map_path, case_insensitive=case_insensitive)
    project = told(Project.open(root, coder=coder or parent.get("coder")))
    result = pseudonymise_project(project, mapping, dry_run=dry_run)
    verb = "would replace" if dry_run else "replaced"
    for row in result.documents:
        if row.replacements:
            click.echo(f"{safe(row.name)}: {verb} {row.replacements} name(s), {row.codings} coding(s) re-anchored")
    for what, count in result.other.items():
        if count:
            click.echo(f"{what}: {verb} {count} name(s)")
    click.echo(f"{'dry run: ' if dry_run else ''}{verb} {result.total} name(s) in {result.changed_documents} "
               f"of {len(result.documents)} document(s)")
    if not dry_run and result.old_backups:
        from stores.layout import ProjectLayout

        click.echo(f"note: {result.old_backups} earlier backup(s) in {safe(str(ProjectLayout(root).backups_dir))} still hold the "
                   "real names; delete them when you no longer need them", err=True)


pseudonymize = click.Command(
    "pseudonymize", callback=pseudonymise.callback, params=pseudonymise.params,
    help=pseudonymise.help, short_help="Alias of pseudonymise.", hidden=True,
)
