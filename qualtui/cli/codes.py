"""The codebook from the command line: ``qualtui codes`` and its subcommands."""

from __future__ import annotations

import click

from qualtui.cli.common import confirm, emit, format_option, match_id, project_options, safe
from qualtui.errors import QualtuiError

FIELDS = ("description", "inclusion", "exclusion", "example")


@click.group(invoke_without_command=True)
@click.option("--tree", is_flag=True, help="Indent sub-codes under their parents.")
@format_option()
@click.option("--project", "-p", "project_path", type=click.Path(file_okay=False), default=None,
              help="Project folder (default: $QUALTUI_PROJECT, else the enclosing project).")
@click.option("--coder", default=None, help="Who you are: the coder recorded by the subcommands that edit.")
@click.pass_context
def codes(ctx: click.Context, tree: bool, fmt: str, project_path: str | None, coder: str | None) -> None:
    """List the codebook with counts; subcommands edit it."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_codes, tree=tree, fmt=fmt, project_path=project_path)


@click.command()
@click.option("--tree", is_flag=True)
@format_option()
@project_options(identity=False)
def list_codes(project, tree: bool, fmt: str) -> None:
    counts = project.codings.counts()
    all_codes = project.codes.all()
    rows = []
    for depth, code in project.codes.tree():
        segments, documents = counts.get(code.id, (0, 0))
        rows.append({
            "id": code.id[:8] if fmt == "table" else code.id,
            "name": ("  " * depth + code.name) if tree and fmt == "table" else code.name,
            "path": project.codes.path(code, all_codes), "parent": code.parent, "color": code.color,
            "codable": code.codable, "segments": segments, "documents": documents,
            "description": code.description, "inclusion": code.inclusion, "exclusion": code.exclusion,
            "example": code.example,
        })
    columns = ["id", "name", "color", "segments", "documents", "description"] if fmt == "table" else [
        "id", "name", "path", "parent", "color", "codable", "segments", "documents", *FIELDS]
    emit(rows, columns, fmt)



@codes.command("new")
@click.argument("name")
@click.option("--parent", help="Parent code (name or path).")
@click.option("--color", help="Colour as #RRGGBB (default: the next palette colour).")
@click.option("--description", default="", help="Definition of the code.")
@click.option("--inclusion", default="", help="When to apply it.")
@click.option("--exclusion", default="", help="When not to apply it.")
@click.option("--example", default="", help="An example quote.")
@click.option("--group", "grouping", is_flag=True, help="A pure grouping (theme heading) that cannot be applied.")
@project_options
def new(project, name: str, parent: str | None, color: str | None, description: str, inclusion: str,
        exclusion: str, example: str, grouping: bool) -> None:
    """Create a code."""
    parent_id = project.codes.get(parent).id if parent else None
    code = project.codes.create(name, parent=parent_id, color=color, description=description, codable=not grouping,
                                inclusion=inclusion, exclusion=exclusion, example=example)
    click.echo(f"created {safe(project.codes.path(code))} ({code.id})")


@codes.command()
@click.argument("code")
@click.argument("new_name")
@project_options
def rename(project, code: str, new_name: str) -> None:
    """Rename a code."""
    found = project.codes.get(code)
    updated = project.codes.update(found.id, name=new_name)
    click.echo(f"renamed {safe(found.name)!r} to {safe(updated.name)!r}")


@codes.command()
@click.argument("code")
@click.option("--to", "parent", help="New parent code.")
@click.option("--root", is_flag=True, help="Move to the top level.")
@project_options
def move(project, code: str, parent: str | None, root: bool) -> None:
    """Move a code under another parent (or to the top level with --root)."""
    if bool(parent) == root:
        raise QualtuiError("give exactly one of --to PARENT or --root")
    found = project.codes.get(code)
    parent_id = None if root else project.codes.get(parent).id
    updated = project.codes.update(found.id, parent=parent_id)
    click.echo(f"moved to {safe(project.codes.path(updated))}")


@codes.command()
@click.argument("code")
@click.argument("color")
@project_options
def color(project, code: str, color: str) -> None:
    """Change a code's colour (#RRGGBB)."""
    found = project.codes.get(code)
    project.codes.update(found.id, color=color)
    click.echo(f"{safe(found.name)}: {safe(color)}")


@codes.command()
@click.argument("code")
@click.option("--name", help="New name.")
@click.option("--description", help="Definition.")
@click.option("--inclusion", help="Inclusion criteria.")
@click.option("--exclusion", help="Exclusion criteria.")
@click.option("--example", help="Example quote.")
@click.option("--codable/--group", default=None, help="Whether the code can be applied or is a grouping.")
@project_options
def describe(project, code: str, **changes) -> None:
    """Edit a code's definition, criteria and example."""
    found = project.codes.get(code)
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        for key in ("name", "color", "codable", *FIELDS):
            click.echo(f"{key}: {safe(getattr(found, key))}")
        return
    project.codes.update(found.id, **changes)
    click.echo(f"updated {safe(found.name)}: {', '.join(sorted(changes))}")


@codes.command()
@click.argument("source")
@click.argument("target")
@project_options
def merge(project, source: str, target: str) -> None:
    """Merge SOURCE into TARGET: codings, sub-codes, memos and definitions move; SOURCE is removed."""
    from qualtui.editing.codebook_ops import merge_codes

    result, _ = merge_codes(project, project.codes.get(source).id, project.codes.get(target).id, undo=False)
    click.echo(f"merged {safe(result.source.name)!r} into {safe(result.target.name)!r}: {result.moved} codings moved, "
               f"{result.duplicates} identical duplicates folded, {result.children} sub-codes and "
               f"{result.memos} memos moved")


@codes.command()
@click.argument("code")
@click.argument("new_name")
@click.option("--codings", "coding_refs", required=True, help="Comma-separated coding ids (or unique prefixes) to move.")
@click.option("--child", is_flag=True, help="Make the new code a sub-code of CODE (default: a sibling).")
@project_options
def split(project, code: str, new_name: str, coding_refs: str, child: bool) -> None:
    """Split CODE: move the chosen codings to a new code NEW_NAME."""
    from qualtui.editing.codebook_ops import codings_of, split_code

    found = project.codes.get(code)
    existing = [c.id for c in codings_of(project, found.id)]
    chosen = [match_id(existing, ref.strip(), f"coding of {found.name!r}") for ref in coding_refs.split(",")]
    new_code, _ = split_code(project, found.id, new_name, chosen, as_child=child)
    click.echo(f"created {safe(project.codes.path(new_code))} with {len(chosen)} codings")


@codes.command()
@click.argument("code")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (needed when there is no terminal to ask in).")
@project_options
def delete(project, code: str, yes: bool) -> None:
    """Delete a code with its codings and memos (sub-codes move up a level)."""
    from qualtui.editing.codebook_ops import delete_code, plan_delete

    plan = plan_delete(project, project.codes.get(code).id)
    name, code_id = plan.code.name, plan.code.id
    question = (f"Delete {plan.code.name!r} with {len(plan.codings)} codings and {len(plan.memos)} memos"
                f"{f' ({len(plan.children)} sub-codes move up)' if plan.children else ''}?")
    del plan   # its codings: the deletion plans again inside its transaction
    if not yes:
        confirm(question)
    delete_code(project, code_id, undo=False)
    click.echo(f"deleted {safe(name)!r}")
