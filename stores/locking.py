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

_local_locks: dict[str, "_Reentrant"] = {}
_registry_guard = threading.Lock()


class _Reentrant:
    def __init__(self) -> None:
        self.thread_lock = threading.RLock()
        self.depth = 0
        self.fd: int | None = None


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
        key = str(self.path)
        with _registry_guard:
            self._state = _local_locks.setdefault(key, _Reentrant())

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
        state = self._state
        try:
            state.depth -= 1
            if state.depth == 0 and state.fd is not None:
                fd, state.fd = state.fd, None
                try:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                finally:
                    os.close(fd)
        finally:
            state.thread_lock.release()
