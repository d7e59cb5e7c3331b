"""A reader closing the output early (``qualtui show SU01 | head -3``, or stderr piped to a reader that left).

A command that only reads stops when its stdout's reader leaves (``main`` turns the broken pipe into exit 0).
Any other command goes on to its end with the rest of its output thrown away: its exit status tells a script
whether its change was made, so a closed output must not stop it half-way (``add a.txt b.txt c.txt | head -1``
adding one file, or ``search --code`` stopping at its "12 hits" line on stderr before coding anything, with
exit 0).  A closed stderr stops nothing: a note there must not cut short the output going to a file.
"""

from __future__ import annotations

import codecs
import functools
import io
import os
import stat
import sys
from collections.abc import Callable
from typing import Any

_only_reads = False
_replaced: list[Any] = []   # the streams replaced, kept open


def only_reads(fn: Callable) -> Callable:
    """Mark a command that changes nothing: a closed output may stop it."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        global _only_reads
        _only_reads = True
        return fn(*args, **kwargs)

    return wrapper


def _to_devnull(fd: int) -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    if devnull == fd:   # fd was not open: the lowest number free
        return
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


class _PipeEnd(io.RawIOBase):
    """A pipe's write end: a reader gone from stdout is a ``BrokenPipeError`` for a read-only command; else
    (any other command, or stderr, whose notes must never cut short the output going elsewhere, to a file)
    the pipe is swapped for /dev/null and the write counts as done."""

    def __init__(self, fd: int, *, may_stop: bool) -> None:
        super().__init__()
        self._fd = fd
        self._may_stop = may_stop

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: Any) -> int:
        try:
            return os.write(self._fd, data)
        except BrokenPipeError:
            if _only_reads and self._may_stop:
                raise
            _to_devnull(self._fd)
            return memoryview(data).nbytes


def _u_escapes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    escaped = []
    for char in error.object[error.start:error.end]:
        n = ord(char)
        escaped.append(f"\\u{n:04x}" if n <= 0xFFFF else   # beyond the BMP: the UTF-16 pair, as JSON writes it
                       f"\\u{0xD800 + ((n - 0x10000) >> 10):04x}\\u{0xDC00 + ((n - 0x10000) & 0x3FF):04x}")
    return "".join(escaped), error.end


U_ESCAPES = "qualtui.u-escapes"
codecs.register_error(U_ESCAPES, _u_escapes)


def _escape_what_it_cannot_hold(stream: Any) -> None:
    """An output in an encoding other than UTF-8 (a latin-1 or ASCII locale) writes a character it cannot hold
    as its \\uXXXX escape (JSON's own, so a JSON string stays JSON): strict, it stopped the output there, with
    exit 1 and a message about arguments."""
    try:
        if stream.errors == "strict" and codecs.lookup(stream.encoding).name != "utf-8":
            stream.reconfigure(errors=U_ESCAPES)
    except (AttributeError, LookupError, TypeError, ValueError, io.UnsupportedOperation):
        pass   # not a text stream of a known encoding (a test's capture)


def guard_streams() -> None:
    """Put stdout and stderr that go to a pipe or a socket (only those can lose their reader) over ``_PipeEnd``;
    a terminal, a file or a test's capture is left as it is.  A stream closed before the command started
    (``qualtui code ... >&-``) is /dev/null: a reader gone before the first line, and no file the command
    opens is given its number."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            _to_devnull(fd)
            if name != "stdin" and getattr(sys, name) is None:
                setattr(sys, name, io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), encoding="utf-8",
                                                    line_buffering=name == "stderr"))
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        _escape_what_it_cannot_hold(stream)
        try:
            fd = stream.fileno()
            mode = os.fstat(fd).st_mode
        except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
            continue
        if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
            continue
        stream.flush()
        _replaced.append(stream)
        setattr(sys, name, io.TextIOWrapper(io.BufferedWriter(_PipeEnd(fd, may_stop=name == "stdout")), encoding=stream.encoding,
                                            errors=stream.errors, line_buffering=stream.line_buffering,
                                            write_through=getattr(stream, "write_through", False)))
