"""Project-wide transactions: a multi-file operation lands all or nothing.

The project lock (``stores.project_lock``) orders everything: a single edit
holds it SHARED around its read-modify-write, a transaction holds it EXCLUSIVE
from its first read to its last write, so coding processes wait while a codebook
merge runs and the merge computes from data nobody changes meanwhile.  The names
of the staging folder and its files come from ``stores.layout``.

Inside a transaction nothing touches the project's files.  Writes are staged
(the last few record files in memory, texts, other files and older record files
in ``.txn/``) and
reads see the staged data, so service code runs unchanged.  Commit:

1. every staged file is written into ``.txn/`` and fsynced;
2. ``.txn/manifest.json`` (target -> staged file or deletion, audit lines) is
   written atomically: this is the commit point;
3. each staged file is renamed onto its target, deletions are made, folders
   fsynced, the audit lines appended (tagged with the transaction id);
4. ``.txn/`` is renamed ``.txn-<id>`` (one step) and deleted.

A kill before 2 leaves the project as it was (``.txn/`` holds leftovers only);
a kill after 2 leaves a manifest that ``recover`` applies again (every step is
idempotent).  Recovery runs, under the exclusive lock, when a project is opened
and whenever a single edit finds ``.txn/`` while holding the shared lock (a
live transaction holds the exclusive lock, so what it finds then is dead).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stores.atomic import Permissions, append_line, atomic_write_bytes, ensure_dir, fsync_dir
from stores.layout import (
    TXN_MANIFEST as MANIFEST,
    TXN_STARTED as STARTED,
    ProjectLayout,
    is_staged_name,
    is_txn_target,
    staged_name,
)
from stores.links import CLOEXEC, read_bytes
from stores.project_lock import ProjectLock


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# staging -----------------------------------------------------------------------
GONE = ("gone",)
HELD_DATA = 16   # staged record files held as objects; older ones wait in .txn/ (see stage_data)


class Transaction:
    """What one multi-file operation has staged; see the module docstring."""

    def __init__(self, root: Path, perms: Permissions, operation: str) -> None:
        self.root = Path(root)
        self.layout = ProjectLayout(self.root)
        self.perms = perms
        self.operation = operation
        self.id = uuid.uuid4().hex
        self.started = _now()
        self.owner = threading.get_ident()
        self.entries: dict[Path, tuple] = {}  # target -> ("data", obj) | ("file", staged path) | GONE
        self.audit_lines: list[str] = []
        self._count = 0
        self._dir_ready = False
        self._held: dict[Path, None] = {}   # the entries held as data, oldest first
        self._parsed: dict[Path, Any] = {}  # staged record files parsed lately, oldest first (see parsed)

    @property
    def folder(self) -> Path:
        return self.layout.txn_dir

    def _folder(self) -> Path:
        """Create .txn/ with operation.json already inside (made under another name, then renamed)."""
        if not self._dir_ready:
            for stale in self.layout.spent_txn_dirs():  # a kill before the rename below (we hold the lock)
                shutil.rmtree(stale, ignore_errors=True)
            if self.folder.exists():  # leftovers of a dead transaction
                shutil.rmtree(self.folder)
            fresh = ensure_dir(self.layout.spent_txn_dir(self.id), self.perms)
            atomic_write_bytes(fresh / STARTED, json.dumps(
                {"id": self.id, "operation": self.operation, "started": self.started, "pid": os.getpid()}).encode(),
                self.perms)
            os.rename(fresh, self.folder)
            fsync_dir(self.root)
            self._dir_ready = True
        return self.folder

    def _new_file(self, data: bytes) -> Path:
        self._count += 1
        path = self._folder() / staged_name(self._count)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | CLOEXEC, self.perms.file_mode)
        try:
            os.fchmod(fd, self.perms.file_mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        return path

    def _drop(self, path: Path) -> None:
        self._held.pop(path, None)
        old = self.entries.pop(path, None)
        if old and old[0] == "file":
            self._parsed.pop(old[1], None)
            old[1].unlink(missing_ok=True)

    def parsed(self, staged: Path, fresh: bool) -> Any:
        """The JSON of a record file staged in .txn/; the last few parsed are kept (an operation reading
        record after record of one file parses it once).  *fresh*: a private copy, to change."""
        if fresh:
            return json.loads(staged.read_bytes())
        data = self._parsed.pop(staged, None)
        if data is None:
            data = json.loads(staged.read_bytes())
        self._parsed[staged] = data
        while len(self._parsed) > HELD_DATA:
            del self._parsed[next(iter(self._parsed))]
        return data

    # what the store calls ------------------------------------------------------
    def stage_data(self, path: Path, data: dict) -> None:
        """Stage a record file's data, held as objects until more than ``HELD_DATA`` are: then the oldest is
        written to its staged file now instead of at the commit (a merge or a pseudonymisation stages every
        document's codings: held, the whole project's records would be in memory at once)."""
        self._drop(path)
        self.entries[path] = ("data", data)
        self._held[path] = None
        while len(self._held) > HELD_DATA:
            oldest = next(iter(self._held))
            del self._held[oldest]
            self.entries[oldest] = ("file", self._new_file(_dumps(self.entries[oldest][1])))

    def stage_bytes(self, path: Path, data: bytes) -> None:
        self._drop(path)
        self.entries[path] = ("file", self._new_file(data))

    def stage_delete(self, path: Path) -> None:
        self._drop(path)
        self.entries[path] = GONE

    def staged(self, path: Path) -> tuple | None:
        return self.entries.get(path)

    def read_bytes(self, path: Path) -> bytes:
        """The file as this transaction sees it (FileNotFoundError if missing or deleted)."""
        entry = self.entries.get(path)
        if entry is None:
            data = read_bytes(path)
            if path == self.layout.audit_log and self.audit_lines:
                data += "".join(line + "\n" for line in self.audit_lines).encode("utf-8")
            return data
        if entry is GONE:
            raise FileNotFoundError(path)
        if entry[0] == "file":
            return entry[1].read_bytes()
        return _dumps(entry[1])

    def exists(self, path: Path) -> bool:
        entry = self.entries.get(path)
        return path.exists() if entry is None else entry is not GONE

    def audit(self, line: str) -> None:
        self.audit_lines.append(line)

    def rewrite_audit(self, data: bytes) -> None:
        """Replace the whole audit log (pseudonymise): the lines audited so far are part of *data*."""
        self.audit_lines.clear()
        self.stage_bytes(self.layout.audit_log, data)

    # commit ----------------------------------------------------------------------
    def commit(self) -> None:
        if not self.entries and not self.audit_lines:
            self.discard()
            return
        entries = []
        for path, entry in self.entries.items():
            if entry is GONE:
                entries.append([self.layout.relative(path), None])
                continue
            staged = self._new_file(_dumps(entry[1])) if entry[0] == "data" else entry[1]
            entries.append([self.layout.relative(path), staged.name])
        folder = self._folder()
        fsync_dir(folder)
        manifest = {"id": self.id, "operation": self.operation, "started": self.started,
                    "entries": entries, "audit": self.audit_lines}
        atomic_write_bytes(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False).encode("utf-8"), self.perms)
        apply(self.root, manifest, self.perms, check_audit=False)

    def discard(self) -> None:
        if self._dir_ready and self.folder.exists():
            _retire(self.root, self.id)


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def check_manifest(manifest: Any) -> None:
    """A manifest names only project files and staged files (a planted one must not reach outside)."""
    entries = manifest.get("entries") if isinstance(manifest, dict) else None
    if not isinstance(entries, list) or not isinstance(manifest.get("audit", []), list):
        raise ValueError("it is not a transaction manifest")
    for entry in entries:
        relative, staged = entry if isinstance(entry, list) and len(entry) == 2 else (None, None)
        if not (isinstance(relative, str) and is_txn_target(relative)
                and (staged is None or (isinstance(staged, str) and is_staged_name(staged)))):
            raise ValueError(f"it names a file qualtui never writes ({str(relative)[:80]!r})")


def apply(root: Path, manifest: dict, perms: Permissions, *, check_audit: bool) -> None:
    """Steps 3 and 4 of the commit; safe to repeat after a kill at any point."""
    check_manifest(manifest)
    root = Path(root)
    layout = ProjectLayout(root)
    folder = layout.txn_dir
    touched = set()
    for relative, staged in manifest["entries"]:
        target = root / relative
        touched.add(target.parent)
        if staged is None:
            try:
                os.unlink(target)
            except FileNotFoundError:
                pass
            continue
        source = folder / staged
        if source.exists():  # gone: renamed onto its target by an earlier, interrupted apply
            ensure_dir(target.parent, perms)
            os.replace(source, target)
    for parent in sorted(touched):
        if parent.is_dir():
            fsync_dir(parent)
    lines = manifest.get("audit") or []
    if lines and not (check_audit and _audited(root, lines[-1])):
        append_line(layout.audit_log, "\n".join(lines), perms)
    _retire(root, manifest["id"])


def _retire(root: Path, txn_id: str) -> None:
    """Take .txn/ out of the way in one rename (a kill cannot leave it half-removed), then delete it."""
    layout = ProjectLayout(root)
    spent = layout.spent_txn_dir(txn_id)
    if spent.exists():
        shutil.rmtree(spent, ignore_errors=True)
    os.rename(layout.txn_dir, spent)
    fsync_dir(root)
    shutil.rmtree(spent, ignore_errors=True)


def _audited(root: Path, last_line: str) -> bool:
    """Whether an earlier apply appended the lines already (they are written in one append, last line last)."""
    try:
        return last_line.encode("utf-8") in ProjectLayout(root).audit_log.read_bytes()
    except FileNotFoundError:
        return False


# after a kill --------------------------------------------------------------------
def pending(root: Path) -> dict | None:
    """What a transaction folder says: {"operation", "started", "committed"}, or None when there is none."""
    folder = ProjectLayout(root).txn_dir
    if not folder.exists():
        return None
    info: dict[str, Any] = {"operation": "an operation", "started": "", "committed": False, "invalid": ""}
    for name, committed in ((STARTED, False), (MANIFEST, True)):
        try:
            data = json.loads((folder / name).read_bytes())
        except (FileNotFoundError, ValueError, UnicodeDecodeError):
            continue
        if committed:
            try:
                check_manifest(data)
            except ValueError as exc:
                info["invalid"] = str(exc)
        if isinstance(data, dict):
            info.update(operation=str(data.get("operation") or info["operation"]),
                        started=str(data.get("started") or ""), committed=committed or info["committed"])
    return info


def recover(root: Path, perms: Permissions) -> tuple[str, dict] | None:
    """Finish (committed) or roll back (not committed) a dead transaction.  Hold the exclusive lock.

    Returns ("finished" | "rolled back", what ``pending`` said), or None when there was nothing.
    """
    info = pending(root)
    if info is None:
        return None
    folder = ProjectLayout(root).txn_dir
    if info["committed"]:
        manifest = json.loads((folder / MANIFEST).read_bytes())
        apply(Path(root), manifest, perms, check_audit=True)
        return "finished", info
    _retire(Path(root), uuid.uuid4().hex)
    return "rolled back", info


class StoreContext:
    """What a project's record files share: the project lock and this thread's open transaction."""

    def __init__(self, lock: ProjectLock) -> None:
        self.lock = lock
        self.txn: Transaction | None = None

    def active(self) -> Transaction | None:
        txn = self.txn
        return txn if txn is not None and txn.owner == threading.get_ident() else None

    @contextmanager
    def editing(self) -> Iterator[Transaction | None]:
        """Around one single edit: the project lock shared (a no-op inside this thread's transaction)."""
        txn = self.active()
        if txn is not None:
            yield txn
            return
        with self.lock.shared():
            yield None
