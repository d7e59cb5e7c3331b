"""The project lock: shared for single edits, exclusive for transactions.

A single edit holds it SHARED around its read-modify-write, a transaction holds
it EXCLUSIVE from its first read to its last write (see stores.transaction).
Lock order is always project lock, then file lock.  A shared holder that finds
a transaction folder knows it is a dead one (a live transaction would hold the
lock exclusively) and lets ``on_dead_transaction`` finish it first.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from stores.atomic import PRIVATE, Permissions
from stores.layout import ProjectLayout
from stores.locking import lock_state, open_lock_file
from stores.links import CLOEXEC, NOFOLLOW


class ProjectLock:
    """Shared for single edits, exclusive for transactions; re-entrant within a thread.

    Asking for shared while holding exclusive is granted (the transaction covers
    the edit); asking for exclusive while holding shared is a programming error.
    """

    def __init__(self, root: Path, perms: Permissions = PRIVATE,
                 on_dead_transaction: Callable[[], None] | None = None) -> None:
        self.root = Path(root)
        self.layout = ProjectLayout(self.root)
        self.path = self.layout.project_lock
        self.perms = perms
        self.on_dead_transaction = on_dead_transaction
        self._state = lock_state(self.path)

    def held(self) -> bool:
        """Whether this thread holds the lock (in any mode)."""
        state = self._state
        if not state.thread_lock.acquire(blocking=False):
            return False
        try:
            return state.depth > 0
        finally:
            state.thread_lock.release()

    def acquire(self, exclusive: bool, blocking: bool = True) -> bool:
        state = self._state
        if not state.thread_lock.acquire(blocking=blocking):
            return False
        try:
            if state.depth:
                if exclusive and not state.exclusive:
                    raise RuntimeError("a transaction cannot start inside a single edit (lock upgrade)")
                state.depth += 1
                return True
            fd = open_lock_file(self.path, self.perms)
            try:
                try:
                    fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | (0 if blocking else fcntl.LOCK_NB))
                except BlockingIOError:
                    os.close(fd)
                    state.thread_lock.release()
                    return False
                if not exclusive:
                    self._finish_dead_transaction(fd)
            except BaseException:
                os.close(fd)
                raise
            state.fd, state.exclusive, state.depth = fd, exclusive, 1
            return True
        except BaseException:
            state.thread_lock.release()
            raise

    def _finish_dead_transaction(self, fd: int) -> None:
        """Holding SHARED, a transaction folder can only be a dead one: finish it before editing."""
        while self.on_dead_transaction is not None and os.path.exists(self.layout.txn_dir):
            fcntl.flock(fd, fcntl.LOCK_UN)
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                self._state.exclusive, self._state.depth, self._state.fd = True, 1, fd
                self.on_dead_transaction()
            finally:
                self._state.exclusive, self._state.depth, self._state.fd = False, 0, None
                fcntl.flock(fd, fcntl.LOCK_SH)

    def release(self) -> None:
        self._state.leave()

    @contextmanager
    def shared(self) -> Iterator[None]:
        self.acquire(False)
        try:
            yield
        finally:
            self.release()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        self.acquire(True)
        try:
            yield
        finally:
            self.release()


def live(root: Path) -> bool:
    """Whether some process holds the project lock exclusively right now (a transaction is running)."""
    path = ProjectLayout(root).project_lock
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW | CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
