"""Symbolic links inside a project are never followed.

On a shared server anyone who can write the project folder could replace a file
with a link, so that another user's qualtui reads, writes or chmods whatever the
link points to.  Project files are therefore opened with ``O_NOFOLLOW`` (a link
gives ``ELOOP``), folders are checked with ``lstat``, and a project that holds a
link is refused when it is opened.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def link_error(path: str | os.PathLike) -> OSError:
    return OSError(errno.ELOOP, "is a symbolic link", str(path))


def read_rest(fd: int) -> bytes:
    """Everything from the descriptor's offset to the end of its file."""
    try:   # a file's size known: read it in one call, not copied again from chunks (large indexes)
        left = os.fstat(fd).st_size - os.lseek(fd, 0, os.SEEK_CUR)
    except OSError:
        left = 0
    chunks = [os.read(fd, max(left, 0) + (1 << 16))]
    while chunks[-1] and (chunk := os.read(fd, 1 << 20)):
        chunks.append(chunk)
    return b"".join(chunks)


def read_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of a regular file, never through a link (ELOOP) and never blocking on a FIFO."""
    fd = os.open(path, os.O_RDONLY | NOFOLLOW | CLOEXEC | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "is not a regular file", str(path))
        return read_rest(fd)
    finally:
        os.close(fd)


def is_link(path: str | os.PathLike) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def planted_links(root: str | os.PathLike, folders: tuple[str, ...]) -> list[tuple[str, str]]:
    """(path relative to *root*, where it points) of every link at the top of the project or in *folders*."""
    root = Path(root)
    found: list[tuple[str, str]] = []
    scan = [("", root)]
    while scan:
        prefix, folder = scan.pop(0)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_symlink():
                try:
                    target = os.readlink(entry.path)
                except OSError:
                    target = "?"
                found.append((prefix + entry.name, target))
            elif not prefix and entry.name in folders and entry.is_dir(follow_symlinks=False):
                scan.append((entry.name + "/", Path(entry.path)))
    return found
