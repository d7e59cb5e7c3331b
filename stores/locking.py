"""Inter-process file locks.

We lock a sidecar file (``stores.layout.lock_path``) rather than the data file itself, because
the data file is replaced (a new inode) on every atomic write.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from stores.atomic import PRIVATE, Permissions
from stores.layout import lock_path
from stores.links import CLOEXEC, NOFOLLOW

class LockState:
    """One lock file as this process holds it: re-entrant within a thread, one descriptor however deep."""

    def __init__(self) -> None:
        self.thread_lock = threading.RLock()
        self.depth = 0
        self.exclusive = False
        self.fd: int | None = None

    def leave(self) -> None:
        """Undo one entry (the caller holds ``thread_lock`` for it); the last unlocks and closes the file."""
        try:
            self.depth -= 1
            if self.depth == 0 and self.fd is not None:
                fd, self.fd = self.fd, None
                self.exclusive = False
                try:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                finally:
                    os.close(fd)
        finally:
            self.thread_lock.release()


_states: dict[str, LockState] = {}
_states_guard = threading.Lock()


def lock_state(path: Path) -> LockState:
    """The one state of the lock file at *path* in this process, however the path was spelled (relative,
    via a link): two descriptors of one file would each wait for the other's flock."""
    with _states_guard:
        return _states.setdefault(os.path.realpath(path), LockState())


def open_lock_file(path: Path, perms: Permissions) -> int:
    """A descriptor of the lock file at *path*, created if missing, never through a link (its target would
    be created or get our mode).  os.open's mode is filtered by the umask, so the project's mode is set after."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | NOFOLLOW | CLOEXEC, perms.file_mode)
    try:
        if os.fstat(fd).st_mode & 0o7777 != perms.file_mode:
            os.fchmod(fd, perms.file_mode)
    except PermissionError:  # another team member's lock file: theirs to fix
        pass
    except BaseException:
        os.close(fd)
        raise
    return fd


class FileLock:
    """An exclusive lock, re-entrant within a process, shared across processes."""

    def __init__(self, path: Path, perms: Permissions = PRIVATE) -> None:
        self.path = lock_path(path)
        self.perms = perms
        self._state = lock_state(self.path)

    def __enter__(self) -> "FileLock":
        state = self._state
        state.thread_lock.acquire()
        try:
            if state.depth == 0:
                fd = open_lock_file(self.path, self.perms)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                except BaseException:
                    os.close(fd)
                    raise
                state.fd = fd
            state.depth += 1
        except BaseException:
            state.thread_lock.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._state.leave()
