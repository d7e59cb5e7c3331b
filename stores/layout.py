"""The on-disk layout of one qualtui project folder: every name qualtui writes, defined once.

    <project>/
      qualtui.json              project-wide TinyDB: meta, documents, codes, memos, coders, ...
      qualtui.json.lock         its file lock (see stores.locking)
      .qualtui.project.lock     the project lock (shared per edit, exclusive per transaction)
      documents/<id>.txt        the immutable transcript text (UTF-8, LF)
      documents/<id>.turns.json speaker turns (written once at import)
      documents/<id>.json       that document's codings (small TinyDB, one per document)
      documents/<id>.json.lock  its file lock
      audit.jsonl               append-only audit trail
      .qualtui.index.jsonl      the codings index: counts per document, a cache (see stores.file_index)
      .qualtui.turns.jsonl      the turns index: where each turn lies and who speaks, a cache (the same)
      .qualtui.columns.jsonl    the coding-columns index: each codings file's codings as columns, a cache
      backups/                  automatic and manual backups
      .txn/                     a transaction's staging folder (see stores.transaction), only while one runs
      .txn-<id>/                a spent or fresh staging folder, for the one rename that retires or creates .txn/

and, next to any file being replaced, ``.<name>.<pid>.tmp`` while ``atomic_write_bytes`` writes it.

The writers (atomic, locking, transaction, project_store) and whoever recognises what is
on disk (check, repair, backup) both ask this module, so they cannot drift apart.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

MARKER = "qualtui.json"
DOCUMENTS_DIR = "documents"
AUDIT_LOG = "audit.jsonl"
BACKUPS_DIR = "backups"
PROJECT_LOCK = ".qualtui.project.lock"
CODINGS_INDEX = ".qualtui.index.jsonl"  # a cache: never backed up, rebuilt from the codings files
TURNS_INDEX = ".qualtui.turns.jsonl"    # a cache: never backed up, rebuilt from the turns files
COLUMNS_INDEX = ".qualtui.columns.jsonl"  # a cache: never backed up, rebuilt from the codings files
CACHES = (CODINGS_INDEX, TURNS_INDEX, COLUMNS_INDEX)

TXN_DIR = ".txn"
TXN_MANIFEST = "manifest.json"
TXN_STARTED = "operation.json"  # written when staging starts: what was running, for `qualtui check`

TEXT_SUFFIX = ".txt"
TURNS_SUFFIX = ".turns.json"
CODINGS_SUFFIX = ".json"
LOCK_SUFFIX = ".lock"

# the folders qualtui makes at the top of a project (links are looked for in them too)
FOLDERS = (DOCUMENTS_DIR, BACKUPS_DIR)

_TEMP = re.compile(r"^\..+\.(\d+)\.tmp$")
_STAGED = re.compile(r"^\d{6}\.stage$")
_TXN_TARGET = re.compile(r"^(?:" + re.escape(MARKER) + "|" + re.escape(AUDIT_LOG) + "|"
                         + re.escape(DOCUMENTS_DIR) + r"/[^/\\.][^/\\]*)$")


# temporary and lock files ------------------------------------------------------------
def temp_path(path: Path, pid: int) -> Path:
    """Where ``atomic_write_bytes`` writes the next contents of *path* before renaming them onto it."""
    path = Path(path)
    return path.parent / f".{path.name}.{pid}.tmp"


def temp_writer_pid(name: str) -> int | None:
    """The pid of the process writing temp file *name*, or None when *name* is not a temp file."""
    match = _TEMP.match(name)
    return int(match.group(1)) if match else None


def is_temp_file(name: str) -> bool:
    return _TEMP.match(name) is not None


def is_leftover_temp_file(name: str) -> bool:
    """A temp file whose writer is gone (killed mid-write); one whose writer still runs is a write in flight."""
    pid = temp_writer_pid(name)
    if pid is None or pid == os.getpid():  # ours: this process is not writing it now
        return pid is not None
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return True
    except PermissionError:  # another user's live process
        return False
    return False


def building_path(target: Path, pid: int) -> Path:
    """Where a whole new project is built (import-qdpx) before one rename puts it at *target*."""
    target = Path(target)
    return target.parent / f".{target.name}.importing-{pid}"


def lock_path(path: Path) -> Path:
    """The sidecar a FileLock on *path* locks (the data file itself is replaced on every write)."""
    return Path(str(path) + LOCK_SUFFIX)


def is_lock_file(name: str) -> bool:
    return name.endswith(LOCK_SUFFIX)


# transaction staging -------------------------------------------------------------------
def staged_name(number: int) -> str:
    return f"{number:06d}.stage"


def is_staged_name(name: str) -> bool:
    return _STAGED.match(name) is not None


def spent_txn_dir(txn_id: str) -> str:
    return f"{TXN_DIR}-{txn_id}"


def is_txn_target(relative: str) -> bool:
    """Whether a transaction may write *relative* (the project file, the audit log, a file in documents/)."""
    return _TXN_TARGET.match(relative) is not None


# one project ---------------------------------------------------------------------------
def valid_document_id(doc_id: str) -> bool:
    """A document id names files inside documents/ and nothing else."""
    return bool(doc_id) and "/" not in doc_id and "\\" not in doc_id and not doc_id.startswith(".")


def document_file_names(doc_id: str) -> tuple[str, str, str]:
    """The names in documents/ of one document's text, turns and codings files."""
    return (doc_id + TEXT_SUFFIX, doc_id + TURNS_SUFFIX, doc_id + CODINGS_SUFFIX)


def document_of(name: str) -> tuple[str, str] | None:
    """(kind, document id) of a name in documents/: kind is "text", "turns" or "codings"; None otherwise."""
    for kind, suffix in (("turns", TURNS_SUFFIX), ("codings", CODINGS_SUFFIX), ("text", TEXT_SUFFIX)):
        if name.endswith(suffix) and valid_document_id(name[: -len(suffix)]):
            return kind, name[: -len(suffix)]
    return None


class ProjectLayout:
    """Every path of one project folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._documents = self.root / DOCUMENTS_DIR   # made once: every document's three paths start from it

    @property
    def marker(self) -> Path:
        return self.root / MARKER

    @property
    def documents_dir(self) -> Path:
        return self._documents

    @property
    def backups_dir(self) -> Path:
        return self.root / BACKUPS_DIR

    @property
    def audit_log(self) -> Path:
        return self.root / AUDIT_LOG

    @property
    def project_lock(self) -> Path:
        return self.root / PROJECT_LOCK

    @property
    def codings_index(self) -> Path:
        return self.root / CODINGS_INDEX

    @property
    def turns_index(self) -> Path:
        return self.root / TURNS_INDEX

    @property
    def columns_index(self) -> Path:
        return self.root / COLUMNS_INDEX

    @property
    def txn_dir(self) -> Path:
        return self.root / TXN_DIR

    def spent_txn_dir(self, txn_id: str) -> Path:
        return self.root / spent_txn_dir(txn_id)

    def spent_txn_dirs(self) -> list[Path]:
        return sorted(self.root.glob(TXN_DIR + "-*"))

    def text(self, doc_id: str) -> Path:
        return self.documents_dir / (doc_id + TEXT_SUFFIX)

    def turns(self, doc_id: str) -> Path:
        return self.documents_dir / (doc_id + TURNS_SUFFIX)

    def codings(self, doc_id: str) -> Path:
        return self.documents_dir / (doc_id + CODINGS_SUFFIX)

    def document_files(self, doc_id: str) -> tuple[Path, Path, Path]:
        """Text, turns and codings file of one document."""
        return self.text(doc_id), self.turns(doc_id), self.codings(doc_id)

    def relative(self, path: Path) -> str:
        """*path* as the user is shown it and a manifest names it: relative, with "/" (never outside)."""
        relative = Path(path).relative_to(self.root)
        if ".." in relative.parts:
            raise ValueError(f"{path} is outside the project")
        return relative.as_posix()


def known_document_names(doc_ids) -> set[str]:
    """Every file name documents/ may hold for these documents (lock and temp files are told apart by name)."""
    return {name for doc_id in doc_ids for name in document_file_names(doc_id)}


def is_unknown_in_documents(name: str, known: set[str]) -> bool:
    """A regular file in documents/ that qualtui did not write for any of the project's documents."""
    return name not in known and not is_lock_file(name) and not is_temp_file(name)
