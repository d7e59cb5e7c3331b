"""Persistence for qualtui projects.

This package knows about files, locks and JSON records only: it imports neither
the qualtui core nor Textual.  Every write is atomic and durable before the call
returns (temp file in the same folder, fsync, os.replace, fsync the folder).
"""

from stores.atomic import (
    Permissions,
    append_line,
    atomic_write_bytes,
    ensure_dir,
)
from stores.locking import FileLock
from stores.records import RecordFile
from stores.project_store import (
    SCHEMA_VERSION,
    ProjectStore,
    StoreError,
    NewerSchemaError,
)

__all__ = [
    "Permissions",
    "append_line",
    "atomic_write_bytes",
    "ensure_dir",
    "FileLock",
    "RecordFile",
    "SCHEMA_VERSION",
    "ProjectStore",
    "StoreError",
    "NewerSchemaError",
]
