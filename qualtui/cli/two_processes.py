"""One long read-only pass in two processes: a forked child makes the later documents' output while this
process makes the earlier ones', and the child's is printed after, so the output is the same in order and bytes.

``retrieve`` of 60,000 segments spends nearly all its time per document (reading its codings, working out
lines and speakers, encoding), so a second processor halves the wait.  It is used only where that pays and
is safe: a read-only command, a pass large enough (``MIN_WORK``), a system with ``fork``, this process
without other threads (a fork copies only the calling thread), and a second processor this process may run
on with nothing else running on it.  ``QUALTUI_PROCESSES=1`` keeps every command in one process; ``2`` splits any pass of two documents or
more (how the tests reach the split on small projects).

The child writes its products through a pipe, pickled, and never touches standard output; a thread here
drains the pipe so the child never waits for this process to finish its part.  What the child raises comes
back as the same kind of error, raised where its output would have been printed: a damaged file is the same
one line either way.  If this process stops early (an error, a closed output, an interrupt) the child is killed and
reaped; the child ignores interrupts (a Ctrl-C at a terminal reaches both, and this process stops it).
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from qualtui.errors import QualtuiError
from stores import StoreError

Item = TypeVar("Item")
Product = TypeVar("Product")

ENV = "QUALTUI_PROCESSES"
MIN_WORK = 4000   # units of work (segments) below which one process is about as quick as two


def processes_for(work: int) -> int:
    """How many processes a pass of *work* units should use: 1 or 2."""
    setting = os.environ.get(ENV, "").strip()
    if setting == "1" or not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    try:
        processors = len(os.sched_getaffinity(0))
    except AttributeError:   # no affinity on this system
        processors = os.cpu_count() or 1
    if processors < 2:
        return 1
    if setting == "2":
        return 2
    return 2 if work >= MIN_WORK and processors - _running_elsewhere() >= 2 else 1


def _running_elsewhere() -> float:
    """How many other processes are running now (Linux's count of runnable tasks, this one taken off), else
    the load average, else none: on a busy shared server a second process would only wait its turn."""
    try:
        with open("/proc/loadavg", encoding="ascii") as status:
            return int(status.read().split()[3].split("/")[0]) - 1
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return 0.0


def split_point(weights: Sequence[int]) -> int:
    """Where to cut *weights* so the two parts weigh about the same (each keeps at least one item)."""
    half, running = sum(weights) / 2, 0
    for index, weight in enumerate(weights[:-1]):
        running += weight
        if running >= half:
            return index + 1
    return len(weights) - 1


def in_order(items: Sequence[Item], weights: Sequence[int],
             make: Callable[[Sequence[Item]], Iterator[Product]]) -> Iterator[Product]:
    """Everything ``make(items)`` yields, in order; the later items' products made by a child process
    when ``processes_for`` says so.  Close the iterator (``contextlib.closing``) to stop early."""
    if len(items) < 2 or processes_for(sum(weights)) < 2:
        yield from make(items)
        return
    import pickle  # noqa: F401  (imported before the fork: an import in either process after it could be
    import signal  # interrupted half-way, and the child's would print that traceback)

    cut = split_point(weights)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:   # the child: never returns, whatever reaches it (a Ctrl-C before its work began included)
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)   # a Ctrl-C reaches the command too, which kills the child
            os.close(read_end)
            _make_in_child(make, items[cut:], write_end)
        finally:
            os._exit(1)   # never unwinds through the command it is a copy of
    receiver, done = None, False
    try:   # from the fork on: whatever stops this process (a Ctrl-C included) stops and reaps the child
        os.close(write_end)
        receiver = _Receiver(read_end)
        yield from make(items[:cut])
        yield from receiver.products()
        done = True
    finally:
        if not done:
            _kill(pid)
        if receiver is None:
            os.close(read_end)
        else:
            receiver.close()
        os.waitpid(pid, 0)


def _make_in_child(make: Callable[[Sequence[Any]], Iterator[Any]], items: Sequence[Any], fd: int) -> None:
    status = 1
    try:
        import pickle   # pickle, signal and traceback only where a pass is split: every command's start is spared them

        with os.fdopen(fd, "wb", buffering=1 << 20) as out:
            try:
                for product in make(items):
                    pickle.dump((True, product), out, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump((False, None), out)
            except BrokenPipeError:
                raise
            except BaseException as exc:   # sent back, raised by the parent where it stands
                pickle.dump((False, _portable(exc)), out)
        status = 0
    except BaseException:   # the parent is gone, or the pipe failed: nothing to tell anyone
        pass
    finally:
        os._exit(status)   # no cleanup of the parent's: its buffers, files and handlers are its own


def _portable(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, StoreError):
        return "store", str(exc)
    if isinstance(exc, QualtuiError):
        return "qualtui", str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return "interrupt", ""
    import traceback

    return "bug", "".join(traceback.format_exception(exc))


def _rebuilt(kind: str, message: str) -> BaseException:
    if kind == "store":
        return StoreError(message)
    if kind == "qualtui":
        return QualtuiError(message)
    if kind == "interrupt":
        return KeyboardInterrupt()
    return RuntimeError(f"the second process failed:\n{message}")


def _kill(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class _Receiver:
    """Drains the child's pipe on a thread (the child never blocks on a full pipe), then reads its products."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.chunks: list[bytes] = []
        self.thread = threading.Thread(target=self._drain, name="qualtui-second-process", daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        try:
            while chunk := os.read(self.fd, 1 << 20):
                self.chunks.append(chunk)
        except OSError:
            pass

    def products(self) -> Iterator[Any]:
        import pickle

        self.thread.join()
        stream = io.BufferedReader(_Chunks(self.chunks), buffer_size=1 << 20)
        while True:
            try:
                made, value = pickle.load(stream)
            except (EOFError, pickle.UnpicklingError, ValueError):   # killed (out of memory, say)
                raise QualtuiError(f"the second process stopped before it finished; {ENV}=1 runs the command "
                                   "in one") from None
            if made:
                yield value
            elif value is None:
                return
            else:
                raise _rebuilt(*value)

    def close(self) -> None:
        self.thread.join()
        os.close(self.fd)
        self.chunks.clear()


class _Chunks(io.RawIOBase):
    """The received chunks as one stream, each let go once read (the child's output is held once)."""

    def __init__(self, chunks: list[bytes]) -> None:
        super().__init__()
        self.chunks = chunks
        self.offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(view) and self.chunks:
            chunk = self.chunks[0]
            taken = chunk[self.offset:self.offset + len(view) - filled]
            view[filled:filled + len(taken)] = taken
            filled += len(taken)
            self.offset += len(taken)
            if self.offset == len(chunk):
                self.chunks.pop(0)
                self.offset = 0
        return filled
