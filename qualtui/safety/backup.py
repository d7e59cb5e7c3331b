"""Project backups: one ``.tar.gz`` or ``.zip`` archive of the whole project folder.

A backup is a consistent snapshot: it is read under the project file's lock, so
no code, document or memo changes while it is taken.  The archive holds one
folder, ``<project folder>-<time>/``, which is itself a complete project:

    mkdir restored && tar xzf backups/backup-20250101T120000Z.tar.gz -C restored

Backups leave out ``backups/`` itself, lock files, temporary files and the codings index (a
cache, rebuilt from the codings files when the restored copy is first used).  The archive is
streamed through a temporary file, never held in memory.  Archive
files are 0600 (the project's file mode inside a shared-group project).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from stores import FileLock, Permissions
from stores.atomic import PRIVATE, atomic_write_bytes, atomic_writer, ensure_dir
from stores.links import read_bytes
from stores.layout import AUDIT_LOG, BACKUPS_DIR, CACHES, ProjectLayout, is_lock_file, is_temp_file
from stores.project_lock import ProjectLock
from stores.project_store import read_permissions, refuse_links
from qualtui.errors import QualtuiError
from qualtui.safeio.output_paths import is_inside, refuse_inside_project

AUTO_PREFIX = "auto-"
MANUAL_PREFIX = "backup-"
AUTO_STATE = "automatic.json"
DEFAULT_KEEP = 5
FORMATS = {".tar.gz": "tar", ".tgz": "tar", ".zip": "zip"}


def _included(root: Path):
    """(relative path, DirEntry) of everything a backup holds, folders first."""
    stack = [("", root)]
    while stack:
        relative, folder = stack.pop()
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            name = relative + entry.name
            if entry.is_symlink() or is_temp_file(entry.name) or is_lock_file(entry.name) \
                    or name in CACHES:  # every entry of a cache is stale in a restored copy anyway
                continue
            if entry.is_dir():
                if name == BACKUPS_DIR:
                    continue
                yield name, entry
                stack.append((name + "/", Path(entry.path)))
            elif entry.is_file():
                yield name, entry


def fingerprint(root: str | os.PathLike) -> str:
    """Changes whenever any file a backup would hold changes."""
    digest = hashlib.sha256()
    for name, entry in _included(Path(root)):
        st = entry.stat(follow_symlinks=False)
        digest.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode())
    return digest.hexdigest()


def stage_snapshot(root: str | os.PathLike, out: BinaryIO, top: str) -> None:
    """Write every included file into *out* as an uncompressed tar under folder *top*, while no
    project-wide change can happen, one file in memory at a time (compressing comes after, unlocked)."""
    root = Path(root)
    perms = read_permissions(root)
    # Shared project lock: no transaction is half-applied while we read (a dead one's .txn/ is copied
    # along and finished when the restored copy is opened).
    with ProjectLock(root, perms).shared(), FileLock(ProjectLayout(root).marker, perms), \
            tarfile.open(fileobj=out, mode="w") as archive:
        folder = tarfile.TarInfo(top)
        folder.type, folder.mode, folder.mtime = tarfile.DIRTYPE, perms.dir_mode, int(time.time())
        archive.addfile(folder)
        for name, entry in _included(root):
            info = tarfile.TarInfo(f"{top}/{name}")
            info.mtime = int(entry.stat(follow_symlinks=False).st_mtime)
            if entry.is_dir():
                info.type, info.mode = tarfile.DIRTYPE, perms.dir_mode
                archive.addfile(info)
                continue
            try:
                data = read_bytes(entry.path)
            except FileNotFoundError:  # removed meanwhile (a coding file of a deleted document)
                continue
            if name == AUDIT_LOG and not data.endswith(b"\n") and b"\n" in data:
                data = data[: data.rindex(b"\n") + 1]  # an append in progress is not part of the snapshot
            info.size, info.mode = len(data), perms.file_mode
            archive.addfile(info, io.BytesIO(data))


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _folder_name(root: Path) -> str:
    name = re.sub(r"[^\w.-]+", "-", root.resolve().name).strip(".-") or "project"
    return name[:60]


def compress(staged: BinaryIO, out: BinaryIO, kind: str, perms: Permissions) -> None:
    """The staged tar as a .tar.gz or .zip archive, streamed (the project is never held in memory)."""
    staged.seek(0)
    if kind != "zip":
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=6) as packed:
            shutil.copyfileobj(staged, packed, 1 << 20)
        return
    with tarfile.open(fileobj=staged, mode="r:") as tar, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in tar:  # the project folder too: unzip gives a folder without an entry the umask's mode
            stamp = time.gmtime(max(member.mtime, 315532800))[:6]
            if member.isdir():
                info = zipfile.ZipInfo(f"{member.name}/", stamp)
                info.external_attr = (0o40000 | perms.dir_mode) << 16
                archive.writestr(info, b"")
                continue
            info = zipfile.ZipInfo(member.name, stamp)
            info.external_attr = (0o100000 | perms.file_mode) << 16
            info.compress_type, info.file_size = zipfile.ZIP_DEFLATED, member.size
            source = tar.extractfile(member)
            assert source is not None
            with source, archive.open(info, "w") as target:
                shutil.copyfileobj(source, target, 1 << 20)


def archive_kind(path: Path) -> str:
    name = path.name.lower()
    for suffix, kind in FORMATS.items():
        if name.endswith(suffix):
            return kind
    raise QualtuiError("a backup file name must end in .tar.gz, .tgz or .zip")


def _unique(folder: Path, prefix: str, suffix: str) -> Path:
    stamp = _stamp()
    candidate = folder / f"{prefix}{stamp}{suffix}"
    counter = 2
    while candidate.exists():
        candidate = folder / f"{prefix}{stamp}-{counter}{suffix}"
        counter += 1
    return candidate


def write_backup(root: str | os.PathLike, output: str | os.PathLike | None = None, *,
                 prefix: str = MANUAL_PREFIX, kind: str = "tar") -> Path:
    """Write one archive of the project; returns its path.

    *output* may be a file (its extension picks the format), a folder (a
    timestamped name is chosen in it) or None (``backups/`` in the project).
    """
    root = Path(root)
    if not ProjectLayout(root).marker.is_file():
        raise QualtuiError(f"{root} is not a qualtui project")
    refuse_links(root)  # never pack, or write into, what a planted link points to
    perms = read_permissions(root)
    suffix = ".zip" if kind == "zip" else ".tar.gz"
    if output is None:
        target = _unique(ensure_dir(ProjectLayout(root).backups_dir, perms), prefix, suffix)
    else:
        target = Path(output).expanduser()
        named = not target.is_dir()
        if not named:
            target = _unique(target, prefix, suffix)
        refuse_inside_project(target, root, allow=BACKUPS_DIR)
        if named:
            kind = archive_kind(target)
            if target.exists():
                raise QualtuiError(f"{target.name} already exists; choose another name")
            if not target.parent.is_dir():
                raise QualtuiError(f"folder {target.parent} does not exist")
    top = f"{_folder_name(root)}-{_stamp()}"
    with tempfile.TemporaryFile(dir=target.parent) as staged:  # nameless where it can be: no leftovers
        stage_snapshot(root, staged, top)
        with atomic_writer(target, perms if is_inside(target, root) else PRIVATE) as out:
            compress(staged, out, kind, perms)
    return target


def backups(root: str | os.PathLike, prefix: str = "") -> list[Path]:
    """The archives in the project's backups/ folder, oldest first."""
    folder = ProjectLayout(root).backups_dir
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_file() and not p.is_symlink() and p.name.startswith(prefix)
             and any(p.name.endswith(s) for s in FORMATS)]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


def automatic_backup(project_or_root, keep: int = DEFAULT_KEEP) -> Path | None:
    """Take a rotating automatic backup unless nothing changed since the last one.

    Meant to run when the coding screen opens.  Keeps the newest *keep*
    automatic backups; manual backups are never deleted.
    """
    root = Path(project_or_root if isinstance(project_or_root, (str, os.PathLike)) else project_or_root.root)
    if not ProjectLayout(root).marker.is_file():
        raise QualtuiError(f"{root} is not a qualtui project")
    perms = read_permissions(root)
    state_path = ProjectLayout(root).backups_dir / AUTO_STATE
    current = fingerprint(root)
    try:
        state = json.loads(read_bytes(state_path))
    except (OSError, ValueError):
        state = {}
    existing = backups(root, AUTO_PREFIX)
    if isinstance(state, dict) and state.get("fingerprint") == current and any(p.name == state.get("file") for p in existing):
        return None
    target = write_backup(root, prefix=AUTO_PREFIX)
    state = {"fingerprint": current, "file": target.name}
    atomic_write_bytes(state_path, json.dumps(state).encode(), perms)
    for old in backups(root, AUTO_PREFIX)[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return target
