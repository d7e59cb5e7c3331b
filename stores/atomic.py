"""Atomic, durable file writes with explicit permissions.

The umask is never trusted: every file and folder we create gets its mode set
explicitly, so a project is private (0600/0700) whatever the user's shell says.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from stores.layout import temp_path
from stores.links import CLOEXEC, NOFOLLOW, link_error

DEFAULT_FILE_MODE = 0o600
DEFAULT_DIR_MODE = 0o700
SHARED_FILE_MODE = 0o660
SHARED_DIR_MODE = 0o2770  # setgid so new files keep the team's group


@dataclass(frozen=True)
class Permissions:
    file_mode: int = DEFAULT_FILE_MODE
    dir_mode: int = DEFAULT_DIR_MODE

    @classmethod
    def shared(cls) -> "Permissions":
        return cls(SHARED_FILE_MODE, SHARED_DIR_MODE)


PRIVATE = Permissions()


def fsync_dir(path: Path) -> None:
    """Make a rename or a new entry in *path* durable."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ensure_dir(path: Path, perms: Permissions = PRIVATE, *, follow_link: bool = False) -> Path:
    """Create *path* (and missing parents inside it) with the project's folder mode.

    A link in place of the folder is refused (ELOOP): files would land where it points.
    """
    path = Path(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISLNK(st.st_mode) and not follow_link:
        raise link_error(path)
    if path.is_dir():
        return path
    parent = path.parent
    if not parent.exists():
        ensure_dir(parent, perms)
    os.mkdir(path, perms.dir_mode)
    os.chmod(path, perms.dir_mode)
    fsync_dir(parent)
    return path


def _open_temp(path: Path, perms: Permissions) -> tuple[Path, int]:
    """A new temp file beside *path* (``layout`` names it), opened for writing; never a link followed."""
    tmp = temp_path(path, os.getpid())
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC
    try:
        return tmp, os.open(tmp, flags, perms.file_mode)
    except FileExistsError:  # left by a killed writer with our pid, or a planted link: never write through it
        os.unlink(tmp)
        return tmp, os.open(tmp, flags, perms.file_mode)


def atomic_write_bytes(path: Path, data: bytes, perms: Permissions = PRIVATE) -> None:
    """Replace *path* with *data* so that a crash leaves either the old or the new file.

    The temp file lives in the same folder (so ``os.replace`` is a rename on one
    file system), is fsynced before the rename, and the folder is fsynced after.
    """
    with atomic_writer(path, perms) as out:
        out.write(data)


class _DescriptorWriter:
    """A file object over one descriptor whose every write is ``os.write`` (as all other writes here)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        size = len(view)
        while view:
            view = view[os.write(self._fd, view):]
        return size

    def tell(self) -> int:
        return os.lseek(self._fd, 0, os.SEEK_CUR)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return os.lseek(self._fd, offset, whence)

    def seekable(self) -> bool:
        return True

    def flush(self) -> None:
        pass


@contextmanager
def atomic_writer(path: Path, perms: Permissions = PRIVATE) -> Iterator[BinaryIO]:
    """``atomic_write_bytes`` for what is too big to hold in memory: write to the file object given.

    The file replaces *path* (fsynced, then renamed, then the folder fsynced) only when the
    block ends without an exception; otherwise the temp file is removed and *path* is untouched.
    """
    path = Path(path)
    tmp, fd = _open_temp(path, perms)
    try:
        os.fchmod(fd, perms.file_mode)
        yield _DescriptorWriter(fd)  # type: ignore[misc]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_dir(path.parent)


def append_line(path: Path, line: str, perms: Permissions = PRIVATE) -> None:
    """Append one line (a newline is added) and fsync it.

    O_APPEND makes concurrent appends from several processes land whole as long
    as each line is written with a single write call.
    """
    path = Path(path)
    existed = path.exists()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | NOFOLLOW | CLOEXEC, perms.file_mode)
    try:
        if not existed:
            os.fchmod(fd, perms.file_mode)
        data = (line.rstrip("\n") + "\n").encode("utf-8")
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            # A writer killed mid-line (SIGKILL can cut a write at a page boundary) left a
            # fragment: start on a new line so this entry stays whole and readable.
            data = b"\n" + data
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    if not existed:
        fsync_dir(path.parent)
