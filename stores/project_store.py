"""One qualtui project folder: its record files, texts, audit log and transactions.

The folder's layout (every path and name) is defined in ``stores.layout``.  One
coding edit rewrites one small per-document file, never the whole project.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stores.atomic import PRIVATE, Permissions, append_line, atomic_write_bytes, ensure_dir
from stores.file_index import FileIndex, Summaries, project_indexes
from stores.errors import StoreError
from stores.layout import FOLDERS, MARKER, ProjectLayout, document_of, valid_document_id
from stores.links import planted_links, read_bytes
from stores.project_lock import ProjectLock
from stores.records import CorruptFileError, RecordFile, file_signature
from stores.transaction import StoreContext, Transaction, recover

SCHEMA_VERSION = 1
META_ID = "project"
__all__ = ["META_ID", "SCHEMA_VERSION", "ProjectStore", "StoreError", "NewerSchemaError", "permissions_for",
           "read_permissions", "refuse_links"]


class NewerSchemaError(StoreError):
    pass


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ProjectStore:
    def __init__(self, root: Path, perms: Permissions = PRIVATE, summaries: Summaries = Summaries()) -> None:
        self.root = Path(root)
        self.layout = ProjectLayout(self.root)
        self.perms = perms
        self.lock = ProjectLock(self.root, perms, on_dead_transaction=self._recover)
        self.context = StoreContext(self.lock)
        self.recovered: list[str] = []  # what was finished or rolled back, for the user to be told
        self.project = RecordFile(self.layout.marker, perms, self.context)
        self._document_files: dict[str, RecordFile] = {}
        self._text_cache: dict[str, tuple[tuple | None, str]] = {}
        # what each index keeps is the core's business (qualtui.services.coding_counts, coding_columns, turn_spans)
        self.coding_index, self.turn_index, self.columns_index = project_indexes(self.root, perms, summaries)

    # lifecycle -------------------------------------------------------------
    @staticmethod
    def is_project(path: Path) -> bool:
        return ProjectLayout(path).marker.is_file()

    @classmethod
    def create(cls, root: Path, *, shared_group: bool = False, meta: Mapping[str, Any] | None = None,
               summaries: Summaries = Summaries()) -> "ProjectStore":
        root = Path(root)
        perms = permissions_for({"shared_group": shared_group})
        if cls.is_project(root):
            raise StoreError(f"{root} is already a qualtui project")
        if root.exists() and not root.is_dir():
            raise StoreError(f"{root} exists and is not a folder")
        if root.exists():
            os.chmod(root, perms.dir_mode)
        else:
            ensure_dir(root, perms)
        store = cls(root, perms, summaries)
        ensure_dir(store.layout.documents_dir, perms)
        record = {
            "id": META_ID,
            "schema": SCHEMA_VERSION,
            "created": _now(),
            "shared_group": shared_group,
            **dict(meta or {}),
        }
        store.project.put("meta", record)
        return store

    @classmethod
    def open(cls, root: Path, summaries: Summaries = Summaries()) -> "ProjectStore":
        root = Path(root)
        if not cls.is_project(root):
            raise StoreError(f"{root} is not a qualtui project (no {MARKER})")
        refuse_links(root)
        probe = cls(root, summaries=summaries)
        try:
            meta = probe.project.get("meta", META_ID)
        except CorruptFileError as exc:
            raise StoreError(f"the project file is damaged: {exc}") from None  # exc says to run check --repair
        if meta is None:
            raise StoreError(f"{ProjectLayout(root).marker} has no project metadata; run 'qualtui check --repair'")
        schema = meta.get("schema", 0)
        if not isinstance(schema, int) or schema > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"this project was written by a newer qualtui (schema {schema}, this version reads up to "
                f"{SCHEMA_VERSION}); upgrade qualtui to open it"
            )
        perms = permissions_for(meta)
        store = probe if perms == probe.perms else cls(root, perms, summaries)
        store.recover_if_dead()
        return store

    # transactions ------------------------------------------------------------
    def _recover(self) -> None:
        """Finish or roll back a dead transaction; the caller holds the project lock exclusively."""
        try:
            outcome = recover(self.root, self.perms)
        except ValueError as exc:
            raise StoreError(f"{self.layout.txn_dir} was not written by qualtui ({exc}); move it out of the "
                             "project and run 'qualtui check'") from None
        if outcome is None:
            return
        verb, info = outcome
        when = info["started"][11:16] if len(info["started"]) > 16 else "earlier"
        self.recovered.append(f"{'finished' if verb == 'finished' else 'rolled back'} an interrupted "
                              f"{info['operation']!r} from {when}"
                              + ("" if verb == "finished" else " (it had changed nothing)"))
        self.audit({"coder": "qualtui", "action": "recover", "operation": info["operation"], "outcome": verb,
                    "started": info["started"]})

    def finish_interrupted(self) -> list[str]:
        """Finish or roll back a dead transaction, waiting for a running one; what was done."""
        with self.lock.exclusive():
            self._recover()
        return self.recovered

    def recover_if_dead(self) -> None:
        """Finish an interrupted transaction, unless one is running (its process holds the lock)."""
        if not self.layout.txn_dir.exists() or self.lock.held():
            return
        if self.lock.acquire(True, blocking=False):
            try:
                self._recover()
            finally:
                self.lock.release()

    @contextmanager
    def transaction(self, operation: str) -> Iterator[Transaction]:
        """All the writes inside land together or not at all; other writers wait meanwhile.

        Nested calls join the outer transaction.
        """
        outer = self.context.active()
        if outer is not None:
            yield outer
            return
        with self.lock.exclusive():
            txn = Transaction(self.root, self.perms, operation)
            self.context.txn = txn
            try:
                yield txn
            except BaseException:
                self.context.txn = None
                txn.discard()
                self._drop_caches()
                raise
            self.context.txn = None
            try:
                txn.commit()
                written, spilled = self._staged_codings(txn)
                self.coding_index.record_files(written)  # still under the exclusive lock
                if spilled and self.coding_index.summary is not None:
                    self.coding_index.counts(spilled)    # read back one at a time, and indexed
            finally:
                self._drop_caches()

    def _staged_codings(self, txn: Transaction) -> tuple[dict[str, dict], list[str]]:
        """(doc id -> data of the codings files a transaction wrote and held as records, ids of the others
        it wrote: staged as files, see ``Transaction.stage_data``)."""
        written, spilled = {}, []
        for path, entry in txn.entries.items():
            if entry[0] in ("data", "file") and path.parent == self.documents_dir \
                    and (found := document_of(path.name)) is not None and found[0] == "codings":
                if entry[0] == "data":
                    written[found[1]] = entry[1]
                else:
                    spilled.append(found[1])
        return written, spilled

    def editing(self):
        """Around a check-then-write of one edit: the project lock shared, so no transaction runs in between."""
        return self.context.editing()

    def in_transaction(self) -> bool:
        return self.context.active() is not None

    def _drop_caches(self) -> None:
        self._text_cache.clear()
        self.project.storage.invalidate()
        for rf in self._document_files.values():
            rf.storage.invalidate()

    def meta(self) -> dict[str, Any]:
        return self.project.get("meta", META_ID) or {}

    def update_meta(self, **fields: Any) -> None:
        def apply(table: dict) -> None:
            record = dict(table.get(META_ID) or {"id": META_ID})
            record.update(fields)
            table[META_ID] = record

        self.project.mutate("meta", apply)

    # documents -------------------------------------------------------------
    @property
    def documents_dir(self) -> Path:
        return self.layout.documents_dir

    def document_file(self, doc_id: str) -> RecordFile:
        _check_id(doc_id)
        rf = self._document_files.get(doc_id)
        if rf is None:
            rf = RecordFile(self.codings_path(doc_id), self.perms, self.context)
            rf.storage.on_written = lambda data, sig: self.coding_index.record(doc_id, data, sig)
            self._document_files[doc_id] = rf
        return rf

    def release_document(self, doc_id: str) -> None:
        """Drop this document's cached text and parsed codings (a pass over every document keeps one)."""
        self._text_cache.pop(doc_id, None)
        if not self.in_transaction():
            self._document_files.pop(doc_id, None)
        elif doc_id in self._document_files:   # kept for the commit to invalidate; its parse goes now
            self._document_files[doc_id].storage.invalidate()

    def codings_path(self, doc_id: str) -> Path:
        _check_id(doc_id)
        return self.layout.codings(doc_id)

    def coding_counts(self, doc_ids: list[str]) -> dict[str, Any]:
        """Each document's codings summary, from the codings index (see ``stores.file_index``)."""
        return self._summaries(self.coding_index, doc_ids)

    def coding_columns(self, doc_ids: list[str]) -> dict[str, Any]:
        """Each document's codings as columns, from the coding-columns index."""
        return self._summaries(self.columns_index, doc_ids)

    def turn_summaries(self, doc_ids: list[str]) -> dict[str, Any]:
        """Each document's turns summary, from the turns index."""
        return self._summaries(self.turn_index, doc_ids)

    def _summaries(self, index: FileIndex, doc_ids: list[str]) -> dict[str, Any]:
        """Inside a transaction what it staged is read, and nothing is added to the index."""
        for doc_id in doc_ids:
            _check_id(doc_id)
        txn = self.context.active()
        if txn is None:
            return index.counts(doc_ids)
        return index.counts(doc_ids, staged=txn.staged, write_back=False)

    def text_path(self, doc_id: str) -> Path:
        _check_id(doc_id)
        return self.layout.text(doc_id)

    def turns_path(self, doc_id: str) -> Path:
        _check_id(doc_id)
        return self.layout.turns(doc_id)

    def write_bytes(self, path: Path, data: bytes) -> None:
        """Replace one project file (staged inside a transaction)."""
        with self.context.editing() as txn:
            if txn is not None:
                txn.stage_bytes(Path(path), data)
            else:
                ensure_dir(Path(path).parent, self.perms)
                atomic_write_bytes(Path(path), data, self.perms)

    def read_bytes(self, path: Path) -> bytes:
        """One project file as it stands (inside a transaction: with its staged changes)."""
        txn = self.context.active()
        return txn.read_bytes(Path(path)) if txn is not None else read_bytes(path)

    def delete_file(self, path: Path) -> None:
        with self.context.editing() as txn:
            if txn is not None:
                txn.stage_delete(Path(path))
            else:
                Path(path).unlink(missing_ok=True)

    def write_text(self, doc_id: str, text: str) -> None:
        self.write_bytes(self.text_path(doc_id), text.encode("utf-8"))
        self._text_cache.pop(doc_id, None)

    def read_text(self, doc_id: str) -> str:
        path = self.text_path(doc_id)
        txn = self.context.active()
        if txn is not None and txn.staged(path) is not None:
            try:
                return txn.read_bytes(path).decode("utf-8")
            except FileNotFoundError:
                raise StoreError(f"the text of document {doc_id} is missing from {self.documents_dir}") from None
        sig = file_signature(path)
        cached = self._text_cache.get(doc_id)
        if cached is not None and cached[0] == sig:
            return cached[1]
        try:
            text = read_bytes(path).decode("utf-8")
        except FileNotFoundError:
            raise StoreError(f"the text of document {doc_id} is missing from {self.documents_dir}") from None
        except UnicodeDecodeError:
            raise StoreError(f"the text of document {doc_id} is damaged (not UTF-8)") from None
        self._text_cache[doc_id] = (sig, text)
        return text

    def write_json(self, path: Path, obj: Any) -> None:
        self.write_bytes(path, json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def read_json(self, path: Path, default: Any = None) -> Any:
        try:
            return json.loads(self.read_bytes(path))
        except FileNotFoundError:
            return default
        except ValueError as exc:
            raise StoreError(f"{path} is damaged ({exc})") from None

    def delete_document_files(self, doc_id: str) -> None:
        with self.context.editing():
            _check_id(doc_id)
            for path in self.layout.document_files(doc_id):
                self.delete_file(path)
        if not self.in_transaction():
            self._document_files.pop(doc_id, None)
        self._text_cache.pop(doc_id, None)

    # audit -----------------------------------------------------------------
    @property
    def audit_path(self) -> Path:
        return self.layout.audit_log

    def audit(self, entry: Mapping[str, Any]) -> None:
        with self.context.editing() as txn:
            if txn is not None:
                line = json.dumps({"time": _now(), **entry, "txn": txn.id}, ensure_ascii=False, separators=(",", ":"))
                txn.audit(line)
            else:
                line = json.dumps({"time": _now(), **entry}, ensure_ascii=False, separators=(",", ":"))
                append_line(self.audit_path, line, self.perms)

    def rewrite_audit(self, data: bytes) -> None:
        """Replace the whole audit log (pseudonymise); inside a transaction, lines audited so far are in *data*."""
        with self.context.editing() as txn:
            if txn is not None:
                txn.rewrite_audit(data)
            else:
                atomic_write_bytes(self.audit_path, data, self.perms)

    def backups_dir(self) -> Path:
        return ensure_dir(self.layout.backups_dir, self.perms)

    def ensure_dir(self, path: Path) -> Path:
        return ensure_dir(path, self.perms)


def permissions_for(meta: Mapping[str, Any] | None) -> Permissions:
    """A project's file and folder modes, from its meta record: a shared-group project's are the team's."""
    return Permissions.shared() if meta and meta.get("shared_group") else PRIVATE


def read_permissions(root: Path) -> Permissions:
    """``permissions_for`` the project at *root*, its marker read leniently (damaged or missing: private)."""
    try:
        meta = (json.loads(read_bytes(ProjectLayout(root).marker)).get("meta") or {}).get(META_ID)
    except (OSError, ValueError, AttributeError):
        meta = None
    return permissions_for(meta if isinstance(meta, dict) else None)


def refuse_links(root: Path) -> None:
    """A project holding a symbolic link is not worked on: qualtui would read or write where it points."""
    links = planted_links(root, FOLDERS)
    if links:
        more = f" (and {len(links) - 1} more)" if len(links) > 1 else ""
        raise StoreError(f"{Path(root) / links[0][0]} is a symbolic link{more}; qualtui does not follow links "
                         "inside a project: run 'qualtui check' to see what to do")


def _check_id(doc_id: str) -> None:
    if not valid_document_id(doc_id):
        raise StoreError(f"invalid document id {doc_id!r}")
