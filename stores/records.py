"""A TinyDB file whose documents are keyed by our own stable ids.

TinyDB gives us the document-store API, used through its public interface only;
this module gives it what it lacks for research data:

* ``AtomicJSONStorage`` (TinyDB's documented ``Storage`` extension point) writes
  through ``atomic_write_bytes`` (no in-place rewrite, no write-behind cache),
  re-reads the file whenever another process replaced it, and can *batch*:
  inside ``batch()`` every TinyDB operation reads the freshest file once and
  then its own writes, and the batch ends in ONE durable write, however many
  table operations an edit takes.
* ``RecordTable`` uses the entity's UUID string as the TinyDB document id
  (``Document(record, doc_id=id)``), so ids are stable forever and never reused.
* ``RecordFile`` holds a file lock around every read-modify-write, so two
  processes editing the same project never lose each other's edits.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from stores.atomic import PRIVATE, Permissions, atomic_write_bytes
from stores.errors import StoreError
from stores.links import read_bytes
from stores.locking import FileLock
from stores.transaction import StoreContext

Record = dict[str, Any]
Tables = dict[str, dict[str, Any]]


class CorruptFileError(StoreError):
    """A store file exists but is not valid JSON of the expected shape (a ``StoreError``, so every command
    and the coding screen report it as one line instead of failing with a traceback)."""


def file_signature(path: Path) -> tuple[int, int, int, int] | None:
    """Changes whenever the file is replaced or rewritten (the parse cache's key)."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class _Batch:
    def __init__(self) -> None:
        self.loaded = False
        self.data: Tables | None = None
        self.dirty = False


class AtomicJSONStorage(Storage):
    """TinyDB storage: atomic durable writes, parse cache keyed by file identity, batched writes."""

    def __init__(self, path: Path, perms: Permissions = PRIVATE, context: StoreContext | None = None) -> None:
        self.path = Path(path)
        self.perms = perms
        self.context = context
        self._cached: Tables | None = None
        self._cached_sig: tuple | None = None
        self._batch: _Batch | None = None
        # told (data, signature) after each durable write outside a transaction (the codings index)
        self.on_written: Callable[[dict, tuple | None], None] | None = None

    def read(self) -> Tables | None:
        batch = self._batch
        if batch is None:
            return self._load(fresh=False)
        if not batch.loaded:
            batch.data, batch.loaded = self._load(fresh=True), True
        return batch.data

    def write(self, data: Tables) -> None:
        batch = self._batch
        if batch is None:
            self._store(data)
        else:
            batch.data, batch.loaded, batch.dirty = data, True, True

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Around one read-modify-write: a private fresh copy to change, and one durable write at the end.

        The copy is never the cached parse or a transaction's staged data (readers may hold
        those), so an edit that fails part-way leaves nothing behind.  Nested batches join.
        """
        if self._batch is not None:
            yield
            return
        batch = self._batch = _Batch()
        try:
            yield
        finally:
            self._batch = None
        if batch.dirty:
            self._store(batch.data or {})

    def _load(self, fresh: bool) -> Tables | None:
        txn = self.context.active() if self.context is not None else None
        if txn is not None:
            entry = txn.staged(self.path)
            if entry is not None:  # read-your-writes inside a transaction
                if entry[0] == "data":
                    return _copy_tables(entry[1]) if fresh else entry[1]
                if entry[0] == "gone":
                    return None
                return txn.parsed(entry[1], fresh)
        sig = file_signature(self.path)
        if sig is None:
            self._cached, self._cached_sig = None, None
            return None
        if not fresh and sig == self._cached_sig and self._cached is not None:
            return self._cached
        try:
            raw = read_bytes(self.path)
        except FileNotFoundError:
            return None
        if not raw.strip():
            data: Tables = {}
        else:
            try:
                data = json.loads(raw)
            except ValueError as exc:
                raise CorruptFileError(f"{self.path} is not valid JSON ({exc}); run 'qualtui check --repair'") from None
            if not isinstance(data, dict):
                raise CorruptFileError(f"{self.path} does not hold a JSON object; run 'qualtui check --repair'")
            bad = next((name for name, table in data.items() if not isinstance(table, dict)), None)
            if bad is not None:   # TinyDB, and every reader, takes a table for an object of records
                raise CorruptFileError(f"{self.path} holds a '{bad}' that is not a table of records; "
                                       "run 'qualtui check --repair'")
        if not fresh:  # a fresh parse is a writer's private copy: it is cached once written
            self._cached, self._cached_sig = data, sig
        return data

    def _store(self, data: Tables) -> None:
        txn = self.context.active() if self.context is not None else None
        if txn is not None:
            txn.stage_data(self.path, data)
            return
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._cached, self._cached_sig = None, None
        atomic_write_bytes(self.path, payload, self.perms)
        self._cached, self._cached_sig = data, file_signature(self.path)
        if self.on_written is not None:
            self.on_written(data, self._cached_sig)

    def invalidate(self) -> None:
        self._cached, self._cached_sig = None, None

    def close(self) -> None:  # nothing is held open between calls
        pass


def _copy_tables(data: Tables) -> Tables:
    """Tables, id maps and records copied (TinyDB's update changes a record in place)."""
    return {name: {key: dict(record) if isinstance(record, dict) else record for key, record in table.items()}
            if isinstance(table, dict) else table for name, table in data.items()}


def _replace(document: dict, record: Mapping[str, Any]) -> None:
    """Make *document* exactly *record* (a field the record lacks is dropped, not kept)."""
    document.clear()
    document.update(record)


class RecordTable(Table):
    """A TinyDB table keyed by the records' own ``id`` strings."""

    document_id_class = str

    def put_many(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Insert or replace whole records (the storage's batch makes it one write)."""
        wanted: dict[str, Record] = {}
        for record in records:
            wanted[record["id"]] = dict(record)
        same_key, odd, new = [], [], []
        for record_id, record in wanted.items():
            stored = self.get(doc_id=record_id)
            if stored is None:
                new.append(Document(record, doc_id=record_id))
            elif stored.get("id") == record_id:
                same_key.append(record_id)
            else:  # a hand-edited record whose id field is not its key: replaced on its own
                odd.append(record_id)
        if same_key:  # one pass over the table whatever the number of records
            self.update(lambda document: _replace(document, wanted[document["id"]]), doc_ids=same_key)
        for record_id in odd:
            self.update(lambda document, record=wanted[record_id]: _replace(document, record), doc_ids=[record_id])
        if new:
            self.insert_multiple(new)

    def delete_many(self, ids: Iterable[str]) -> list[str]:
        present = [record_id for record_id in dict.fromkeys(ids) if self.contains(doc_id=record_id)]
        if present:
            self.remove(doc_ids=present)
        return present


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
        return file_signature(self.path)

    # reads -----------------------------------------------------------------
    def all(self, table: str) -> list[Record]:
        return self._table(table).all()

    def raw(self, table: str) -> Mapping[str, Record]:
        """The table as stored (id -> record), without a copy per record.  Callers must not mutate it.

        Read through the storage's public ``read()``: ``Table.all()`` and iteration build a
        ``Document`` copy of every record, which at 120,000 codings is most of a read's time.
        """
        data = self.storage.read()
        return (data or {}).get(table, {})

    def get(self, table: str, record_id: str) -> Record | None:
        record = self._table(table).get(doc_id=record_id)
        return dict(record) if record is not None else None

    # writes ----------------------------------------------------------------
    def _write(self, fn: Callable[[], Any]) -> Any:
        if self.context is not None:
            with self.context.editing():
                return self._write_locked(fn)
        return self._write_locked(fn)

    def _write_locked(self, fn: Callable[[], Any]) -> Any:
        with self.lock:
            try:
                with self.storage.batch():
                    return fn()
            except BaseException:
                self.storage.invalidate()
                raise

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
        """Read-modify-write under the lock; *fn* sees the freshest data on disk (id -> record) and may change it.

        Through the storage's ``read()``/``write()``: *fn* may add, replace and remove records in
        any mix, which TinyDB's table operations would spread over several writes.
        """

        def run() -> Any:
            data = self.storage.read() or {}
            records = dict(data.get(table, {}))
            result = fn(records)
            data[table] = records
            self.storage.write(data)
            return result

        return self._write(run)

    def mutate_tables(self, fn: Callable[[dict[str, dict[str, Record]]], Any]) -> Any:
        """Read-modify-write several tables at once (table -> id -> record), in one durable write."""

        def run() -> Any:
            data = {name: dict(records) for name, records in (self.storage.read() or {}).items()}
            result = fn(data)
            self.storage.write(data)
            return result

        return self._write(run)

    def ensure_exists(self) -> None:
        txn = self.context.active() if self.context is not None else None
        if not (txn.exists(self.path) if txn is not None else self.path.exists()):
            self._write(lambda: self.storage.read() is None and self.storage.write({}))
