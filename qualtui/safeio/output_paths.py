"""Files the user names (exports, backups, new projects): never inside a project, atomic, private (0600)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from qualtui.errors import QualtuiError
from qualtui.text.normalise import safe_for_terminal


def _real(path: str | os.PathLike) -> Path:
    """The path with every symbolic link and ``..`` resolved (the missing tail kept as given)."""
    return Path(os.path.realpath(Path(path).expanduser()))


def is_inside(path: str | os.PathLike, folder: str | os.PathLike) -> bool:
    """Whether *path*, once links and ``..`` are resolved, is *folder* or anything in it."""
    target, base = _real(path), _real(folder)
    return target == base or base in target.parents


def refuse_inside_project(path: str | os.PathLike, root: str | os.PathLike, *, allow: str | None = None) -> None:
    """Raise a one-line QualtuiError if qualtui would write *path* inside the project at *root*.

    Writing there could replace the project file, the audit log or a transcript (directly,
    through ``..`` or through a symbolic link).  *allow* names the one sub-folder where such
    output belongs (``backups``); the path must resolve into it, not merely mention it.
    """
    if not is_inside(path, root):
        return
    if allow is not None and _real(path).parent == _real(Path(root) / allow):
        return
    where = f" (only into its {allow}/ folder)" if allow else ""
    raise QualtuiError(f"refusing to write {safe_for_terminal(str(path))}: it is inside the project folder "
                       f"{safe_for_terminal(str(root))}; choose a path outside it{where}")


def enclosing_project(path: str | os.PathLike) -> Path | None:
    """The project folder that *path* (resolved) is in or is, if any."""
    from stores.layout import ProjectLayout

    real = _real(path)
    for folder in (real, *real.parents):
        if ProjectLayout(folder).marker.is_file():
            return folder
    return None


def refuse_inside_any_project(path: str | os.PathLike) -> None:
    """For commands that create a new project: never inside an existing project.

    *path* being a project itself is left to the caller, which says "already a project".
    """
    root = enclosing_project(path)
    if root is not None and root != _real(path):
        refuse_inside_project(path, root)


def write_export_file(path: Path, data: bytes, *, project_root: str | os.PathLike) -> None:
    """Write *data* to *path* atomically with mode 0600, or raise a one-line QualtuiError."""
    from stores.atomic import atomic_write_bytes

    atomic_write_bytes(_export_target(path, project_root), data)


def write_export_parts(path: Path, parts: Iterable[bytes], *, project_root: str | os.PathLike) -> int:
    """``write_export_file`` for an export too large to hold: *parts* written as they come; the bytes written.

    Until the last part is written the file at *path* is untouched (a failure leaves it as it was).
    """
    from stores.atomic import atomic_writer

    size = 0
    with atomic_writer(_export_target(path, project_root)) as out:
        for part in parts:
            out.write(part)
            size += len(part)
    return size


@contextmanager
def export_writer(path: Path, *, project_root: str | os.PathLike) -> Iterator[BinaryIO]:
    """``write_export_parts`` for a writer that seeks back (a zip): a file object over the temp file.

    The file replaces *path* only when the block ends without an exception.
    """
    from stores.atomic import atomic_writer

    with atomic_writer(_export_target(path, project_root)) as out:
        yield out


def _export_target(path: Path, project_root: str | os.PathLike) -> Path:
    path = Path(path)
    refuse_inside_project(path, project_root)
    if path.is_dir():
        raise QualtuiError(f"{safe_for_terminal(str(path))} is a folder; give a file name with -o")
    if not path.parent.is_dir():
        raise QualtuiError(f"folder {safe_for_terminal(str(path.parent))} does not exist")
    return path
