"""Project-wide transactions: a multi-file operation lands all or nothing.

A project lock (``<project>/.qualtui.project.lock``) orders everything: a single
edit holds it SHARED around its read-modify-write, a transaction holds it
EXCLUSIVE from its first read to its last write, so coding processes wait while
a codebook merge runs and the merge computes from data nobody changes meanwhile.
Lock order is always project lock, then file lock.

Inside a transaction nothing touches the project's files.  Writes are staged
(record files in memory, texts and other files straight into ``.txn/``) and
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

import fcntl
import json
import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stores.atomic import PRIVATE, Permissions, append_line, atomic_write_bytes, ensure_dir, fsync_dir
from stores.links import CLOEXEC, NOFOLLOW, read_bytes

LOCK_NAME = ".qualtui.project.lock"
TXN_DIR = ".txn"
MANIFEST = "manifest.json"
STARTED = "operation.json"  # written when staging starts: what was running, for `qualtui check`
AUDIT_LOG = "audit.jsonl"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# the project lock ------------------------------------------------------------
class _LockState:
    def __init__(self) -> None:
        self.thread_lock = threading.RLock()
        self.depth = 0
        self.exclusive = False
        self.fd: int | None = None


_states: dict[str, _LockState] = {}
_states_guard = threading.Lock()


class ProjectLock:
    """Shared for single edits, exclusive for transactions; re-entrant within a thread.

    Asking for shared while holding exclusive is granted (the transaction covers
    the edit); asking for exclusive while holding shared is a programming error.
    """

    def __init__(self, root: Path, perms: Permissions = PRIVATE,
                 on_dead_transaction: Callable[[], None] | None = None) -> None:
        self.root = Path(root)
        self.path = self.root / LOCK_NAME
        self.perms = perms
        self.on_dead_transaction = on_dead_transaction
        with _states_guard:
            # one state per lock file, however the project's path was spelled (relative, via a link)
            self._state = _states.setdefault(os.path.realpath(self.path), _LockState())

    def held(self) -> bool:
        """Whether this thread holds the lock (in any mode)."""
        state = self._state
        if not state.thread_lock.acquire(blocking=False):
            return False
        try:
            return state.depth > 0
        finally:
            state.thread_lock.release()

    def held_exclusive(self) -> bool:
        return self.held() and self._state.exclusive

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
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | NOFOLLOW | CLOEXEC, self.perms.file_mode)
            try:
                if os.fstat(fd).st_mode & 0o7777 != self.perms.file_mode:
                    try:
                        os.fchmod(fd, self.perms.file_mode)
                    except PermissionError:  # a colleague's lock file
                        pass
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
        while self.on_dead_transaction is not None and os.path.exists(self.root / TXN_DIR):
            fcntl.flock(fd, fcntl.LOCK_UN)
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                self._state.exclusive, self._state.depth, self._state.fd = True, 1, fd
                self.on_dead_transaction()
            finally:
                self._state.exclusive, self._state.depth, self._state.fd = False, 0, None
                fcntl.flock(fd, fcntl.LOCK_SH)

    def release(self) -> None:
        state = self._state
        try:
            state.depth -= 1
            if state.depth == 0 and state.fd is not None:
                fd, state.fd = state.fd, None
                state.exclusive = False
                try:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                finally:
                    os.close(fd)
        finally:
            state.thread_lock.release()

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


# staging -----------------------------------------------------------------------
GONE = ("gone",)


class Transaction:
    """What one multi-file operation has staged; see the module docstring."""

    def __init__(self, root: Path, perms: Permissions, operation: str) -> None:
        self.root = Path(root)
        self.perms = perms
        self.operation = operation
        self.id = uuid.uuid4().hex
        self.started = _now()
        self.owner = threading.get_ident()
        self.entries: dict[Path, tuple] = {}  # target -> ("data", obj) | ("file", staged path) | GONE
        self.audit_lines: list[str] = []
        self._count = 0
        self._dir_ready = False

    @property
    def folder(self) -> Path:
        return self.root / TXN_DIR

    def _folder(self) -> Path:
        """Create .txn/ with operation.json already inside (made under another name, then renamed)."""
        if not self._dir_ready:
            for stale in self.root.glob(TXN_DIR + "-*"):  # a kill before the rename below (we hold the lock)
                shutil.rmtree(stale, ignore_errors=True)
            if self.folder.exists():  # leftovers of a dead transaction
                shutil.rmtree(self.folder)
            fresh = ensure_dir(self.root / f"{TXN_DIR}-{self.id}", self.perms)
            atomic_write_bytes(fresh / STARTED, json.dumps(
                {"id": self.id, "operation": self.operation, "started": self.started, "pid": os.getpid()}).encode(),
                self.perms)
            os.rename(fresh, self.folder)
            fsync_dir(self.root)
            self._dir_ready = True
        return self.folder

    def _new_file(self, data: bytes) -> Path:
        self._count += 1
        path = self._folder() / f"{self._count:06d}.stage"
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
        old = self.entries.pop(path, None)
        if old and old[0] == "file":
            old[1].unlink(missing_ok=True)

    # what the store calls ------------------------------------------------------
    def stage_data(self, path: Path, data: dict) -> None:
        self._drop(path)
        self.entries[path] = ("data", data)

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
            if path == self.root / AUDIT_LOG and self.audit_lines:
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
        self.stage_bytes(self.root / AUDIT_LOG, data)

    # commit ----------------------------------------------------------------------
    def commit(self) -> None:
        if not self.entries and not self.audit_lines:
            self.discard()
            return
        entries = []
        for path, entry in self.entries.items():
            if entry is GONE:
                entries.append([_relative(self.root, path), None])
                continue
            staged = self._new_file(_dumps(entry[1])) if entry[0] == "data" else entry[1]
            entries.append([_relative(self.root, path), staged.name])
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


def _relative(root: Path, path: Path) -> str:
    relative = Path(path).relative_to(root)
    if ".." in relative.parts:
        raise ValueError(f"{path} is outside the project")
    return relative.as_posix()


_STAGED = re.compile(r"^\d{6}\.stage$")
_TARGET = re.compile(r"^(?:qualtui\.json|audit\.jsonl|documents/[^/\\]+)$")


def check_manifest(manifest: Any) -> None:
    """A manifest names only project files and staged files (a planted one must not reach outside)."""
    entries = manifest.get("entries") if isinstance(manifest, dict) else None
    if not isinstance(entries, list) or not isinstance(manifest.get("audit", []), list):
        raise ValueError("it is not a transaction manifest")
    for entry in entries:
        relative, staged = entry if isinstance(entry, list) and len(entry) == 2 else (None, None)
        if not (isinstance(relative, str) and _TARGET.match(relative) and not relative.startswith("documents/.")
                and (staged is None or (isinstance(staged, str) and _STAGED.match(staged)))):
            raise ValueError(f"it names a file qualtui never writes ({str(relative)[:80]!r})")


def apply(root: Path, manifest: dict, perms: Permissions, *, check_audit: bool) -> None:
    """Steps 3 and 4 of the commit; safe to repeat after a kill at any point."""
    check_manifest(manifest)
    root = Path(root)
    folder = root / TXN_DIR
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
        append_line(root / AUDIT_LOG, "\n".join(lines), perms)
    _retire(root, manifest["id"])


def _retire(root: Path, txn_id: str) -> None:
    """Take .txn/ out of the way in one rename (a kill cannot leave it half-removed), then delete it."""
    spent = root / f"{TXN_DIR}-{txn_id}"
    if spent.exists():
        shutil.rmtree(spent, ignore_errors=True)
    os.rename(root / TXN_DIR, spent)
    fsync_dir(root)
    shutil.rmtree(spent, ignore_errors=True)


def _audited(root: Path, last_line: str) -> bool:
    """Whether an earlier apply appended the lines already (they are written in one append, last line last)."""
    try:
        return last_line.encode("utf-8") in (root / AUDIT_LOG).read_bytes()
    except FileNotFoundError:
        return False


# after a kill --------------------------------------------------------------------
def pending(root: Path) -> dict | None:
    """What a transaction folder says: {"operation", "started", "committed"}, or None when there is none."""
    folder = Path(root) / TXN_DIR
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
    folder = Path(root) / TXN_DIR
    if info["committed"]:
        manifest = json.loads((folder / MANIFEST).read_bytes())
        apply(Path(root), manifest, perms, check_audit=True)
        return "finished", info
    _retire(Path(root), uuid.uuid4().hex)
    return "rolled back", info


def live(root: Path) -> bool:
    """Whether some process holds the project lock exclusively right now (a transaction is running)."""
    path = Path(root) / LOCK_NAME
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
