"""Progress bars for long operations, on the terminal only.

    with terminal_progress():                      # a CLI command that may run long
        for doc in track(docs, "checking"):        # anywhere in the core: a no-op unless a bar is on
            ...

A bar is drawn on stderr only inside ``terminal_progress()``, when stderr is a terminal and
``TERM`` is not ``dumb``: piped or redirected output, the test runner and the TUI (which never
turns bars on) get nothing.  The bar is one line redrawn with a carriage return at most ten
times a second, without escape sequences or colour (so ``NO_COLOR`` holds), and erased when
the loop ends.  Bars do not nest: inside a drawn loop, inner loops run silently.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator, Sized
from contextlib import contextmanager
from typing import TextIO, TypeVar

T = TypeVar("T")

_stream: TextIO | None = None    # where bars go, inside terminal_progress() on a terminal
_bar: "_Bar | None" = None       # the bar on the line (inner loops stay quiet)
REDRAW_SECONDS = 0.1
MIN_ITEMS = 2                    # one item is not worth a bar


def wanted(stream: TextIO) -> bool:
    """Whether *stream* is a terminal that can show a bar."""
    try:
        return stream.isatty() and os.environ.get("TERM", "") != "dumb"
    except (AttributeError, ValueError):   # closed or replaced streams
        return False


@contextmanager
def terminal_progress(stream: TextIO | None = None) -> Iterator[None]:
    """Let ``track`` draw bars on *stream* (default stderr) during the block, if it is a terminal."""
    global _stream
    stream = stream if stream is not None else sys.stderr
    previous = _stream
    _stream = stream if wanted(stream) else None
    try:
        yield
    finally:
        _stream = previous


def track(items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
    """Yield *items*, drawing "label ████░░░░ 12/40" while a bar is wanted."""
    global _bar
    stream = _stream
    if total is None and isinstance(items, Sized):
        total = len(items)
    if stream is None or _bar is not None or total is None or total < MIN_ITEMS:
        yield from items
        return
    bar = _bar = _Bar(stream, label, total)
    try:
        for done, item in enumerate(items):
            bar.show(done)
            yield item
        bar.show(total, force=True)
    finally:
        _bar = None
        bar.erase()


def clear() -> None:
    """Erase the bar before printing a line on the terminal; it comes back at its next step."""
    if _bar is not None:
        _bar.erase()


class _Bar:
    def __init__(self, stream: TextIO, label: str, total: int) -> None:
        from qualtui.text.normalise import clean_label

        self.stream, self.total = stream, total
        self.label = clean_label(label, 40)
        self.last = 0.0
        self.width = 0
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            "\u2588\u2591".encode(encoding)
            self.full, self.empty = "\u2588", "\u2591"
        except (LookupError, UnicodeEncodeError):
            self.full, self.empty = "#", "-"

    def show(self, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < REDRAW_SECONDS:
            return
        self.last = now
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            columns = 80
        count = f" {done}/{self.total}"
        room = max(10, min(40, columns - len(self.label) - len(count) - 4))
        filled = room * done // self.total
        line = f"{self.label} {self.full * filled}{self.empty * (room - filled)}{count}"[:max(1, columns - 1)]
        self.width = max(self.width, len(line))
        self._write("\r" + line)

    def erase(self) -> None:
        if self.width:
            self._write("\r" + " " * self.width + "\r")
            self.width, self.last = 0, 0.0

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):   # a closed terminal must not fail the work
            pass
