"""A TinyDB file whose documents are keyed by our own stable ids.

TinyDB gives us the document-store API; this module gives it what it lacks for
research data:

* ``AtomicJSONStorage`` writes through ``atomic_write_bytes`` (no in-place
  rewrite, no write-behind cache) and re-reads the file whenever another
  process replaced it.
* ``RecordTable`` uses the entity's UUID string as the TinyDB document id, so
  ids are stable forever and never reused.
* ``RecordFile`` holds a file lock around every read-modify-write, so two
  processes editing the same project never lose each other's edits.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from stores.atomic import PRIVATE, Permissions, atomic_write_bytes
from stores.links import read_bytes
from stores.locking import FileLock
from stores.transaction import StoreContext

Record = dict[str, Any]


class CorruptFileError(Exception):
    """A store file exists but is not valid JSON of the expected shape."""


def _signature(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class AtomicJSONStorage(Storage):
    """TinyDB storage: atomic durable writes, parse cache keyed by file identity."""

    def __init__(self, path: Path, perms: Permissions = PRIVATE, context: StoreContext | None = None) -> None:
        self.path = Path(path)
        self.perms = perms
        self.context = context
        self._cached: dict | None = None
        self._cached_sig: tuple | None = None
        self.force_fresh = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        txn = self.context.active() if self.context is not None else None
        if txn is not None:
            entry = txn.staged(self.path)
            if entry is not None:  # read-your-writes inside a transaction
                if entry[0] == "data":
                    return entry[1]
                if entry[0] == "gone":
                    return None
                return json.loads(entry[1].read_bytes())
        # A transaction's read-modify-write gets a private copy: the staged result must never
        # sit in the cache under the signature of the file on disk (a rollback would expose it).
        private = txn is not None and self.force_fresh
        sig = _signature(self.path)
        if sig is None:
            self._cached, self._cached_sig = None, None
            return None
        if not self.force_fresh and sig == self._cached_sig and self._cached is not None:
            return self._cached
        try:
            raw = read_bytes(self.path)
        except FileNotFoundError:
            return None
        if not raw.strip():
            data: dict = {}
        else:
            try:
                data = json.loads(raw)
            except ValueError as exc:
                raise CorruptFileError(f"{self.path} is not valid JSON ({exc})") from None
            if not isinstance(data, dict):
                raise CorruptFileError(f"{self.path} does not hold a JSON object")
        if not private:
            self._cached, self._cached_sig = data, sig
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        txn = self.context.active() if self.context is not None else None
        if txn is not None:
            txn.stage_data(self.path, data)
            return
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._cached, self._cached_sig = None, None
        atomic_write_bytes(self.path, payload, self.perms)
        self._cached, self._cached_sig = data, _signature(self.path)

    def invalidate(self) -> None:
        self._cached, self._cached_sig = None, None

    def close(self) -> None:  # nothing is held open between calls
        pass


class RecordTable(Table):
    """A TinyDB table keyed by the records' own ``id`` strings."""

    document_id_class = str

    def put_many(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Insert or replace whole records, in one durable write."""
        items = [dict(r) for r in records]

        def updater(table: dict) -> None:
            for record in items:
                table[record["id"]] = record

        self._update_table(updater)

    def delete_many(self, ids: Iterable[str]) -> list[str]:
        wanted = list(ids)
        removed: list[str] = []

        def updater(table: dict) -> None:
            for record_id in wanted:
                if table.pop(record_id, None) is not None:
                    removed.append(record_id)

        self._update_table(updater)
        return removed

    def mutate(self, fn: Callable[[dict[str, Record]], Any]) -> Any:
        """Run *fn* on the whole table (id -> record) and write the result once."""
        result: list[Any] = []

        def updater(table: dict) -> None:
            result.append(fn(table))

        self._update_table(updater)
        return result[0]


class _RecordDB(TinyDB):
    table_class = RecordTable
    default_table_name = "meta"


class RecordFile:
    """One TinyDB JSON file of tables of records, safe across processes."""

    def __init__(self, path: Path, perms: Permissions = PRIVATE, context: StoreContext | None = None) -> None:
        self.path = Path(path)
        self.perms = perms
        self.context = context
        self.storage = AtomicJSONStorage(self.path, perms, context)
        storage = self.storage
        self._db = _RecordDB(storage=lambda: storage)
        self.lock = FileLock(self.path, perms)

    def _table(self, name: str) -> RecordTable:
        table = self._db.table(name, cache_size=0)
        assert isinstance(table, RecordTable)
        return table

    def signature(self) -> tuple | None:
        return _signature(self.path)

    # reads -----------------------------------------------------------------
    def all(self, table: str) -> list[Record]:
        raw = self._table(table)._read_table()
        return [dict(record) for record in raw.values()]

    def raw(self, table: str) -> Mapping[str, Record]:
        """The table as stored (id -> record).  Callers must not mutate it."""
        return self._table(table)._read_table()

    def get(self, table: str, record_id: str) -> Record | None:
        record = self._table(table)._read_table().get(record_id)
        return dict(record) if record is not None else None

    # writes ----------------------------------------------------------------
    def _write(self, fn: Callable[[], Any]) -> Any:
        if self.context is not None:
            with self.context.editing():
                return self._write_locked(fn)
        return self._write_locked(fn)

    def _write_locked(self, fn: Callable[[], Any]) -> Any:
        with self.lock:
            self.storage.force_fresh = True
            try:
                return fn()
            except BaseException:
                self.storage.invalidate()
                raise
            finally:
                self.storage.force_fresh = False

    def put(self, table: str, record: Mapping[str, Any]) -> None:
        self._write(lambda: self._table(table).put_many([record]))

    def put_many(self, table: str, records: Iterable[Mapping[str, Any]]) -> None:
        records = list(records)
        if records:
            self._write(lambda: self._table(table).put_many(records))

    def delete(self, table: str, record_id: str) -> bool:
        return bool(self._write(lambda: self._table(table).delete_many([record_id])))

    def delete_many(self, table: str, ids: Iterable[str]) -> list[str]:
        ids = list(ids)
        if not ids:
            return []
        return self._write(lambda: self._table(table).delete_many(ids))

    def mutate(self, table: str, fn: Callable[[dict[str, Record]], Any]) -> Any:
        """Read-modify-write under the lock; *fn* sees the freshest data on disk."""
        return self._write(lambda: self._table(table).mutate(fn))

    def mutate_tables(self, fn: Callable[[dict[str, dict[str, Record]]], Any]) -> Any:
        """Read-modify-write several tables at once (table -> id -> record), in one durable write."""

        def run() -> Any:
            data = self.storage.read() or {}
            data = {name: dict(table) for name, table in data.items()}
            result = fn(data)
            self.storage.write(data)
            return result

        return self._write(run)

    def ensure_exists(self) -> None:
        txn = self.context.active() if self.context is not None else None
        if not (txn.exists(self.path) if txn is not None else self.path.exists()):
            self._write(lambda: self.storage.read() is None and self.storage.write({}))
