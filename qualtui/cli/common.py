"""Shared CLI plumbing: finding the project, output formats, safe printing."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

import click

from qualtui.errors import QualtuiError, UsageProblem
from qualtui.text.normalise import escape_json_controls, strip_controls

FORMATS = ("table", "csv", "json")
MAX_WIDTH = 60   # widest table column; longer cells end in an ellipsis


def project_options(fn: Callable | None = None, *, identity: bool = True) -> Callable:
    """Add --project/-p, and --coder (who you are) to commands that record it; pass the opened Project as
    ``project``.  ``identity=False`` for commands that only read: there --coder would do nothing (give it
    before the command, ``qualtui --coder X ...``, where it always means who you are)."""
    if fn is None:
        return functools.partial(project_options, identity=identity)

    @functools.wraps(fn)
    def wrapper(*args: Any, project_path: str | None, coder: str | None = None, **kwargs: Any) -> Any:
        from qualtui.project import Project, find_project_root

        project_path, coder = _inherited(project_path, coder)
        root = find_project_root(project_path)
        if not coder and not os.environ.get("QUALTUI_CODER"):
            from qualtui.config import load_settings

            coder = load_settings(root).coder  # the configured name, as the coding screen uses
        return fn(*args, project=told(Project.open(root, coder=coder)), **kwargs)

    if identity:
        wrapper = click.option("--coder", default=None,
                               help="Who you are: the coder recorded on new codings and in the audit log "
                                    "(default: $QUALTUI_CODER, config, or login).")(wrapper)
    else:
        wrapper = not_a_filter(wrapper)
    return click.option("--project", "-p", "project_path", type=click.Path(file_okay=False), default=None,
                        help="Project folder (default: $QUALTUI_PROJECT, else the enclosing project).")(wrapper)


def _refuse_coder_filter(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value:
        raise click.UsageError("--coder is who you are (give it before the command: qualtui --coder NAME ...); "
                               "to keep only one coder's codings use --by NAME")


def not_a_filter(fn: Callable) -> Callable:
    """A hidden --coder on read-only commands that says what to use instead (never a silent no-op); being
    read-only, a closed output may stop them (``qualtui.cli.closed_output``)."""
    from qualtui.cli.closed_output import only_reads

    return click.option("--coder", "_coder_misused", hidden=True, expose_value=False, multiple=True,
                        callback=_refuse_coder_filter, is_eager=True)(only_reads(fn))


def told(project):
    """Say on stderr what opening the project finished or rolled back (an operation a kill interrupted)."""
    for line in project.store.recovered:
        click.echo(f"qualtui: {safe(line)}", err=True)
    return project


def _inherited(project_path: str | None, coder: str | None) -> tuple[str | None, str | None]:
    """Options given to an enclosing group (``qualtui -p X codes new``) apply to its subcommands."""
    ctx = click.get_current_context().parent
    while ctx is not None:
        project_path = project_path or ctx.params.get("project_path") or (ctx.obj or {}).get("project")
        coder = coder or ctx.params.get("coder") or (ctx.obj or {}).get("coder")
        ctx = ctx.parent
    return project_path, coder


def long_running(fn: Callable) -> Callable:
    """A command that may run long on a large project: progress bars on stderr when it is a terminal."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from qualtui.progress import terminal_progress

        with terminal_progress():
            return fn(*args, **kwargs)

    return wrapper


def format_option(default: str = "table", extra: Sequence[str] = ()) -> Callable:
    return click.option("--format", "fmt", type=click.Choice([*FORMATS, *extra]), default=default,
                        show_default=True, help="Output format.")


def safe(value: Any) -> str:
    """A cell for the terminal: never let stored text carry escape sequences out."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = "; ".join(f"{k}={v}" for k, v in value.items())
    return strip_controls(str(value)).replace("\n", " ")


def json_text(value: Any) -> str:
    """Indented JSON that is safe on a terminal: every control character escaped (DEL and C1 too)."""
    return escape_json_controls(json.dumps(value, ensure_ascii=False, indent=2))


def emit(rows: list[dict[str, Any]], columns: Sequence[str], fmt: str, *, headers: Sequence[str] | None = None) -> None:
    """Print rows as an aligned table, CSV or JSON (JSON keeps native types)."""
    out = _Echo()
    if fmt == "json":
        out.write(json_text([{c: row.get(c) for c in columns} for row in rows]) + "\n")
        return
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([safe(row.get(c)) for c in columns])
        out.write(buf.getvalue())
        return
    heads = list(headers or columns)
    cells = [[safe(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(heads)]
    widths = [min(w, MAX_WIDTH) for w in widths]

    def line(values: Sequence[str]) -> str:
        return "  ".join(fit(v, w) for v, w in zip(values, widths)).rstrip()

    out.write(line(heads) + "\n")
    for row in cells:
        out.write(line(row) + "\n")


def emit_each(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str, batch: int = 1000) -> None:
    """``emit`` as CSV or JSON, the same text, written *batch* rows at a time (never every row at once)."""
    out, rows = _Echo(), iter(rows)
    started = False
    if fmt == "csv":
        out.write(_csv_line(columns))
    while chunk := list(islice(rows, batch)):
        if fmt == "csv":
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows([safe(row.get(c)) for c in columns] for row in chunk)
            out.write(buf.getvalue())
            continue
        # Each row as json.dumps(..., indent=2) nests it in the list: every line two spaces further in.
        text = ",\n".join("  " + json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False, indent=2)
                          .replace("\n", "\n  ") for row in chunk)
        out.write(("[\n" if not started else ",\n") + escape_json_controls(text))
        started = True
    if fmt == "json":
        out.write("\n]\n" if started else "[]\n")


def _csv_line(values: Sequence[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


def fit(value: str, width: int) -> str:
    if len(value) > width:
        return value[: width - 1] + "\u2026"
    return value.ljust(width)


def parse_attributes(pairs: Sequence[str]) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QualtuiError(f"attribute {safe(pair)!r} must look like key=value")
        attrs[key.strip()] = value.strip()
    return attrs


MIN_PREFIX = 4  # an empty or one-letter prefix would match whichever record happens to be there


def match_id(ids: Sequence[str], ref: str, what: str) -> str:
    """The one id in *ids* that is *ref* or starts with it; refuse short prefixes and ambiguity."""
    if len(ref.strip()) < MIN_PREFIX:
        raise QualtuiError(f"{what} id '{safe(ref)}' is too short: give at least {MIN_PREFIX} characters of the id")
    matches = [i for i in ids if i == ref] or [i for i in ids if i.startswith(ref)]
    if len(matches) != 1:
        raise QualtuiError(f"{'no' if not matches else 'more than one'} {what} matches '{safe(ref)}'")
    return matches[0]


def confirm(question: str) -> None:
    """Ask on the terminal; with none (a script, a pipe, ``< /dev/null``) never ask: the command needs --yes (exit 2)."""
    if sys.stdin is None or not sys.stdin.isatty():
        raise UsageProblem("no terminal to ask in: add --yes to confirm")
    # the question on stderr: it is seen even when the output is redirected
    if not click.confirm(safe(question), default=False, err=True):   # Ctrl-C here is click's Abort: exit 130
        raise QualtuiError("not confirmed: nothing was changed")


def warn(message: str) -> None:
    click.echo(f"qualtui: warning: {safe(message)}", err=True)


def stdout_is_tty() -> bool:
    return sys.stdout.isatty() and sys.stdin.isatty()


class _Echo:
    """Writes through click.echo so CliRunner captures it and broken pipes are handled."""

    def write(self, text: str) -> None:
        click.echo(text, nl=False)
