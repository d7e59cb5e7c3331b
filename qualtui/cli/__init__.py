"""The ``qualtui`` command.

Subcommands are imported only when used (so ``qualtui --version`` stays fast)
and nothing here imports Textual: the TUI is imported by ``open``/``demo`` only.
User errors print one line on stderr and exit 1; never a traceback. A closed output (``| head``) is exit 0
(it stops a command that only reads; see ``qualtui.cli.closed_output``).
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from qualtui import __version__

# name -> "module:attribute"; each module owns its commands.
COMMANDS: dict[str, str] = {
    "init": "qualtui.cli.documents:init",
    "add": "qualtui.cli.documents:add",
    "docs": "qualtui.cli.documents:docs",
    "show": "qualtui.cli.documents:show",
    "attr": "qualtui.cli.documents:attr",
    "speakers": "qualtui.cli.transcripts:speakers",
    "speaker": "qualtui.cli.transcripts:speaker",
    "demo": "qualtui.cli.app:demo",
    "open": "qualtui.cli.app:open_",
    "export": "qualtui.cli.export:export",
    "code": "qualtui.cli.codings:code",
    "uncode": "qualtui.cli.codings:uncode",
    "codings": "qualtui.cli.codings:codings",
    "retrieve": "qualtui.cli.retrieve:retrieve",
    "freq": "qualtui.cli.analysis:freq",
    "frequencies": "qualtui.cli.analysis:freq",
    "matrix": "qualtui.cli.analysis:matrix",
    "cooccur": "qualtui.cli.analysis:cooccur",
    "search": "qualtui.cli.analysis:search",
    "autocode": "qualtui.cli.analysis:autocode",
    "codes": "qualtui.cli.codes:codes",
    "memo": "qualtui.cli.memos:memo",
    "memos": "qualtui.cli.memos:memos",
    "framework": "qualtui.cli.framework:framework",
    "import-qdpx": "qualtui.cli.refi:import_qdpx_command",
    "import-qdc": "qualtui.cli.refi:import_qdc_command",
    "check": "qualtui.cli.safety:check",
    "backup": "qualtui.cli.safety:backup",
    "pseudonymise": "qualtui.cli.safety:pseudonymise",
    "pseudonymize": "qualtui.cli.safety:pseudonymize",
    "config": "qualtui.cli.config:config",
    "agreement": "qualtui.cli.team:agreement",
    "merge": "qualtui.cli.team:merge",
}


class LazyGroup(click.Group):
    """A group whose subcommands are named "module:attribute" and imported on first use."""

    lazy_commands: dict[str, str] = COMMANDS

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Each command once: a second name for the same target (an alias) works but is not listed."""
        listed: dict[str, str] = {}
        for name in sorted(self.lazy_commands):
            listed.setdefault(self.lazy_commands[name], name)
        return sorted(listed.values())

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = self.lazy_commands.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)

    # click turns a broken pipe into exit 1 (or, when the write was buffered, Python fails at exit with 120):
    # taken away from click here, a closed output is always exit 0 in ``main``.
    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _reader_gone_stops_the_command():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _reader_gone_stops_the_command():
            return super().invoke(ctx)


class ReaderGone(Exception):
    """The output's reader closed it (``qualtui show SU01 | head``): the command stops there."""


@contextmanager
def _reader_gone_stops_the_command() -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        raise ReaderGone() from None


@click.group(cls=LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="qualtui", message="%(prog)s %(version)s")
@click.option("--project", "-p", "project", type=click.Path(file_okay=False), default=None,
              help="Project folder (default: $QUALTUI_PROJECT, else the enclosing project folder).")
@click.option("--coder", default=None, help="Coder name (default: $QUALTUI_CODER, config, or login name).")
@click.pass_context
def cli(ctx: click.Context, project: str | None, coder: str | None) -> None:
    """qualtui: qualitative analysis of interview transcripts, in the terminal.

    Run with no command inside a project folder to open the coding screen.
    """
    ctx.obj = {"project": project, "coder": coder}
    if ctx.invoked_subcommand is None:
        from qualtui.cli.app import open_

        ctx.invoke(open_, project_path=project, coder=coder)


def _fail(message: str, code: int = 1) -> int:
    from qualtui.text.normalise import safe_for_terminal

    try:
        click.echo(f"qualtui: error: {safe_for_terminal(message)}", err=True)
    except OSError:  # stderr is closed too: the exit status still tells
        pass
    return code


def _click_message(exc: click.ClickException) -> str:
    """click's error as qualtui's one line: "Usage: ... Try ... Error: No such option '--x'." becomes
    "no such option '--x' (see 'qualtui show --help')"."""
    message = exc.format_message().strip().removesuffix(".")
    if message[:1].isupper() and message[1:2].islower():
        message = message[0].lower() + message[1:]
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        message += f" (see '{ctx.command_path} --help')"
    return message


def _silence_output() -> None:
    """Point stdout and stderr at /dev/null, so that what is still buffered cannot fail again at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError, AttributeError):  # not a real file (a test's capture)
            pass
    os.close(devnull)


def _run(argv: list[str] | None) -> int | str | None:
    """The exit status of the command (after its one-line message, if it failed)."""
    from qualtui.errors import QualtuiError
    from qualtui.safeio.messages import describe_error
    from stores import StoreError

    try:
        cli.main(args=argv, prog_name="qualtui", standalone_mode=False)
    except SystemExit as exc:
        return exc.code
    except ReaderGone:
        _silence_output()
        return 0
    except click.exceptions.Abort:
        return _fail("aborted", 130)
    except click.ClickException as exc:
        return _fail(_click_message(exc), exc.exit_code)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except (QualtuiError, StoreError) as exc:
        return _fail(str(exc), getattr(exc, "exit_code", 1))
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except UnicodeError:  # the last line of defence; names that would be stored are checked before any change
        return _fail("an argument or file name holds bytes that are not valid text (UTF-8)")
    except OSError as exc:
        if exc.errno == errno.EPIPE:  # a closed output met outside the group's context and invoke
            _silence_output()
            return 0
        return _fail(describe_error(exc))
    return 0


def main(argv: list[str] | None = None) -> None:
    from qualtui.cli.closed_output import guard_streams

    guard_streams()
    code = _run(argv)
    try:
        sys.stdout.flush()  # what is still buffered: a closed pipe here is the same as during the command
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            from qualtui.safeio.messages import describe_error

            code = code or _fail(describe_error(exc))
        _silence_output()
    if code:
        sys.exit(code)
