"""The on-disk layout of one qualtui project folder.

    <project>/
      qualtui.json              project-wide TinyDB: meta, documents, codes, memos, coders
      documents/<id>.txt        the immutable transcript text (UTF-8, LF)
      documents/<id>.turns.json speaker turns (written once at import)
      documents/<id>.json       that document's codings (small TinyDB, one per document)
      audit.jsonl               append-only audit trail
      backups/                  automatic and manual backups

One coding edit rewrites one small per-document file, never the whole project.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stores.atomic import PRIVATE, Permissions, append_line, atomic_write_bytes, ensure_dir
from stores.links import planted_links, read_bytes
from stores.records import CorruptFileError, RecordFile, _signature

SCHEMA_VERSION = 1
MARKER = "qualtui.json"
DOCUMENTS_DIR = "documents"
AUDIT_LOG = "audit.jsonl"
BACKUPS_DIR = "backups"
META_ID = "project"


class StoreError(Exception):
    """A problem with the project files that the user can understand."""


class NewerSchemaError(StoreError):
    pass


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ProjectStore:
    def __init__(self, root: Path, perms: Permissions = PRIVATE) -> None:
        self.root = Path(root)
        self.perms = perms
        self.project = RecordFile(self.root / MARKER, perms)
        self._document_files: dict[str, RecordFile] = {}
        self._text_cache: dict[str, tuple[tuple | None, str]] = {}

    # lifecycle -------------------------------------------------------------
    @staticmethod
    def is_project(path: Path) -> bool:
        return (Path(path) / MARKER).is_file()

    @classmethod
    def create(cls, root: Path, *, shared_group: bool = False, meta: Mapping[str, Any] | None = None) -> "ProjectStore":
        root = Path(root)
        perms = Permissions.shared() if shared_group else PRIVATE
        if cls.is_project(root):
            raise StoreError(f"{root} is already a qualtui project")
        if root.exists() and not root.is_dir():
            raise StoreError(f"{root} exists and is not a folder")
        if root.exists():
            os.chmod(root, perms.dir_mode)
        else:
            ensure_dir(root, perms)
        store = cls(root, perms)
        ensure_dir(root / DOCUMENTS_DIR, perms)
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
    def open(cls, root: Path) -> "ProjectStore":
        root = Path(root)
        if not cls.is_project(root):
            raise StoreError(f"{root} is not a qualtui project (no {MARKER})")
        refuse_links(root)
        probe = cls(root)
        try:
            meta = probe.project.get("meta", META_ID)
        except CorruptFileError as exc:
            raise StoreError(f"the project file is damaged: {exc}; run 'qualtui check --repair'") from None
        if meta is None:
            raise StoreError(f"{root / MARKER} has no project metadata; run 'qualtui check --repair'")
        schema = meta.get("schema", 0)
        if not isinstance(schema, int) or schema > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"this project was written by a newer qualtui (schema {schema}, this version reads up to "
                f"{SCHEMA_VERSION}); upgrade qualtui to open it"
            )
        if meta.get("shared_group"):
            return cls(root, Permissions.shared())
        return probe

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
        return self.root / DOCUMENTS_DIR

    def document_file(self, doc_id: str) -> RecordFile:
        _check_id(doc_id)
        rf = self._document_files.get(doc_id)
        if rf is None:
            rf = RecordFile(self.documents_dir / f"{doc_id}.json", self.perms)
            self._document_files[doc_id] = rf
        return rf

    def text_path(self, doc_id: str) -> Path:
        _check_id(doc_id)
        return self.documents_dir / f"{doc_id}.txt"

    def turns_path(self, doc_id: str) -> Path:
        _check_id(doc_id)
        return self.documents_dir / f"{doc_id}.turns.json"

    def write_text(self, doc_id: str, text: str) -> None:
        ensure_dir(self.documents_dir, self.perms)
        atomic_write_bytes(self.text_path(doc_id), text.encode("utf-8"), self.perms)
        self._text_cache.pop(doc_id, None)

    def read_text(self, doc_id: str) -> str:
        path = self.text_path(doc_id)
        sig = _signature(path)
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
        data = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        atomic_write_bytes(path, data, self.perms)

    def read_json(self, path: Path, default: Any = None) -> Any:
        try:
            return json.loads(read_bytes(path))
        except FileNotFoundError:
            return default
        except ValueError as exc:
            raise StoreError(f"{path} is damaged ({exc})") from None

    def delete_document_files(self, doc_id: str) -> None:
        for path in (self.text_path(doc_id), self.turns_path(doc_id), self.documents_dir / f"{doc_id}.json"):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
        self._document_files.pop(doc_id, None)
        self._text_cache.pop(doc_id, None)

    # audit -----------------------------------------------------------------
    @property
    def audit_path(self) -> Path:
        return self.root / AUDIT_LOG

    def audit(self, entry: Mapping[str, Any]) -> None:
        line = json.dumps({"time": _now(), **entry}, ensure_ascii=False, separators=(",", ":"))
        append_line(self.audit_path, line, self.perms)

    def backups_dir(self) -> Path:
        return ensure_dir(self.root / BACKUPS_DIR, self.perms)

    def ensure_dir(self, path: Path) -> Path:
        return ensure_dir(path, self.perms)


def refuse_links(root: Path) -> None:
    """A project holding a symbolic link is not worked on: qualtui would read or write where it points."""
    links = planted_links(root, (DOCUMENTS_DIR, BACKUPS_DIR))
    if links:
        more = f" (and {len(links) - 1} more)" if len(links) > 1 else ""
        raise StoreError(f"{Path(root) / links[0][0]} is a symbolic link{more}; qualtui does not follow links "
                         "inside a project: run 'qualtui check' to see what to do")


def _check_id(doc_id: str) -> None:
    if not doc_id or "/" in doc_id or "\\" in doc_id or doc_id.startswith("."):
        raise StoreError(f"invalid document id {doc_id!r}")
