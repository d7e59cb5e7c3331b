"""An index of one kind of per-document file: a summary of each, so a pass over a project reads no file.

Three are kept: the codings index (``<project>/.qualtui.index.jsonl``, ``stores.layout.CODINGS_INDEX``)
counts the codings files, the coding-columns index (``.qualtui.columns.jsonl``, ``COLUMNS_INDEX``)
holds their codings as columns, and the turns index (``.qualtui.turns.jsonl``, ``TURNS_INDEX``)
summarises the turns files.  Each holds one JSON line per state of a file::

    {"v": 1, "doc": ID, "sig": [ino, size, mtime_ns, ctime_ns], ...the summary's own fields}

What a summary holds is not the store's business: the ``Summary`` it is given says how to make one
from a file's data and how to write and read it (``qualtui.services.coding_counts``: counts per code
and coder; ``qualtui.services.turn_spans``: where each turn lies and who speaks).  An index without
one reads and writes nothing; its entries then go stale, and are recounted when next read.  A line
is parsed only when its document is asked for: one document's entry costs no parse of the others.

It is a cache, never a source of truth, and it is never trusted:

* every write of a codings file appends its counts to the codings index, with the file's signature
  taken under the file's lock (a transaction appends after its commit, under the project lock);
  the other two are made when read (turns files are written only by imports and pseudonymisation;
  a columns entry is larger than an edit is worth writing);
* a reader uses the last entry of a document only when its signature is the signature the
  codings file has now.  Any other state (a crash between the write and the append, an append lost
  to a concurrent compaction, a torn or unparseable line, a missing or unreadable index, a file
  written by something that does not know the index) means that document is recounted from its
  file and the result appended;
* nothing in it is fsynced: losing it loses no work, only the time to recount.

``qualtui check`` compares each codings file it reads with the entry claiming that file's state
(``disagrees``): only an edit of the index itself can make them differ; ``check --repair`` rebuilds it.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from stores.atomic import PRIVATE, Permissions, atomic_write_bytes
from stores.layout import CODINGS_INDEX, ProjectLayout, valid_document_id
from stores.links import CLOEXEC, NOFOLLOW, read_rest
from stores.records import CorruptFileError

INDEX_NAME = CODINGS_INDEX
VERSION = 1
_COMPACT_SLACK = 64  # lines beyond one per document before the log is rewritten

Signature = tuple[int, int, int, int]


class Summary(Protocol):
    """What the index keeps for one state of a codings file (a value with a ``signature`` attribute)."""

    def summarise(self, data: Mapping[str, Any] | None, signature: Signature | None) -> Any:
        """The summary of a codings file's *data* (None: there is no file) in the state *signature*."""

    def to_json(self, summary: Any) -> dict[str, Any]:
        """The summary's fields of an index line (any keys but ``v``, ``doc`` and ``sig``)."""

    def from_json(self, entry: Mapping[str, Any], signature: Signature) -> Any | None:
        """The summary an index line holds, or None when it is not well-formed (may raise KeyError,
        TypeError or ValueError for that too)."""


@dataclass(frozen=True)
class Summaries:
    """What each index of a project keeps (the core's business); an index without one is not kept."""

    codings: Summary | None = None   # the codings index
    turns: Summary | None = None     # the turns index
    columns: Summary | None = None   # the coding-columns index


def signature_of(st: os.stat_result) -> Signature:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _line(summary: Summary, doc_id: str, value: Any) -> str:
    return json.dumps({"v": VERSION, "doc": doc_id, "sig": list(value.signature or ()), **summary.to_json(value)},
                      ensure_ascii=False, separators=(",", ":"))


def _parse_line(summary: Summary, line: bytes) -> tuple[str, Any] | None:
    """A well-formed entry, or None (a torn, foreign or damaged line is skipped, never half-used)."""
    try:
        entry = json.loads(line)
        if not isinstance(entry, dict) or entry.get("v") != VERSION:
            return None
        doc, sig = entry["doc"], entry["sig"]
        if not (isinstance(doc, str) and valid_document_id(doc) and isinstance(sig, list) and len(sig) == 4
                and all(type(n) is int for n in sig)):
            return None
        value = summary.from_json(entry, tuple(sig))  # type: ignore[arg-type]
        return None if value is None else (doc, value)
    except (ValueError, KeyError, TypeError, RecursionError):
        return None


_PREFIX = b'{"v":%d,"doc":"' % VERSION   # how ``_line`` begins: the document is read without parsing the rest


def _document_of(line: bytes) -> str | None:
    """The document a line as ``_line`` writes it is about (None: another shape, parsed to know)."""
    if not line.startswith(_PREFIX):
        return None
    end = line.find(b'"', len(_PREFIX))
    doc = line[len(_PREFIX):end].decode("utf-8", "replace") if end > 0 else ""
    return doc if valid_document_id(doc) else None


class FileIndex:
    """The index of one kind of per-document file in one project folder (codings files unless told)."""

    def __init__(self, root: Path, perms: Permissions = PRIVATE, summary: Summary | None = None, *,
                 index: Path | None = None, path_of: Callable[[str], Path] | None = None,
                 holds: type = dict, keeps_parsed: bool = True) -> None:
        layout = ProjectLayout(root)
        self.summary = summary
        self.path = index or layout.codings_index
        self.path_of = path_of or layout.codings
        self.holds = holds   # the JSON type an indexed file holds (a codings file: an object)
        # False: an entry is parsed each time it is asked for, never held (a large one, read once per pass)
        self.keeps_parsed = keeps_parsed
        self.perms = perms
        self._guard = threading.RLock()
        self._entries: dict[str, Any] = {}
        self._unparsed: dict[str, bytes] = {}   # the last line of each document, parsed when asked for
        self._lines = 0  # entries read from the file, valid or not (how long the log has grown)
        self._ino: int | None = None
        self._offset = 0  # how far the file has been read (only whole lines)

    # reading the log ----------------------------------------------------------------------
    def _forget(self, ino: int | None = None) -> None:
        self._entries, self._unparsed, self._lines, self._ino, self._offset = {}, {}, 0, ino, 0

    def _load(self) -> None:
        """Bring the entries up to date, reading only what was appended since last time."""
        if self.summary is None:
            return
        try:
            fd = os.open(self.path, os.O_RDONLY | NOFOLLOW | CLOEXEC | getattr(os, "O_NONBLOCK", 0))
        except OSError:  # none yet, or unreadable: every document is recounted
            self._forget()
            return
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                self._forget()
                return
            if st.st_ino != self._ino or st.st_size < self._offset:  # replaced (compacted) or cut: start over
                self._forget(st.st_ino)
            if st.st_size == self._offset:
                return
            os.lseek(fd, self._offset, os.SEEK_SET)
            data = read_rest(fd)
        finally:
            os.close(fd)
        end = data.rfind(b"\n")
        if end < 0:
            return  # only a line still being written (or a torn one): read it when it is whole
        lines = data.split(b"\n")
        del data, lines[-1]   # after the last newline: a line still being written, read when it is whole
        for line in lines:
            if not line or line.isspace():
                continue
            self._lines += 1
            doc = _document_of(line)
            if doc is not None:   # the latest line of a document is its entry, whatever it holds
                self._unparsed[doc] = line
                self._entries.pop(doc, None)
                continue
            parsed = _parse_line(self.summary, line)
            if parsed is not None:
                self._entries[parsed[0]] = parsed[1]
                self._unparsed.pop(parsed[0], None)
        self._offset += end + 1

    def _entry(self, doc_id: str) -> Any | None:
        line = self._unparsed.pop(doc_id, None) if self.keeps_parsed else self._unparsed.get(doc_id)
        if line is not None:
            assert self.summary is not None
            parsed = _parse_line(self.summary, line)
            value = parsed[1] if parsed is not None and parsed[0] == doc_id else None
            if not self.keeps_parsed:
                return value
            if value is not None:
                self._entries[doc_id] = value
        return self._entries.get(doc_id)

    def _all_entries(self) -> dict[str, Any]:
        found = {doc_id: self._entry(doc_id) for doc_id in list(self._unparsed)}
        return {**self._entries, **{doc_id: entry for doc_id, entry in found.items() if entry is not None}}

    # counting -------------------------------------------------------------------------------
    def counts(self, doc_ids: Iterable[str], *, staged: Callable[[Path], Any] | None = None,
               write_back: bool = True) -> dict[str, Any]:
        """Each document's summary, from the index where its entry matches the file, else recounted.

        *staged* (inside a transaction) returns a codings file's staged data, or None when the
        transaction has not touched it; staged files are counted from that data and not indexed.
        """
        summary = self.summary
        if summary is None:
            raise RuntimeError("a codings index asked for summaries without a Summary")
        found: dict[str, Any] = {}
        fresh: list[tuple[str, Any]] = []
        with self._guard:
            self._load()
            for doc_id in doc_ids:
                path = self.path_of(doc_id)
                entry = staged(path) if staged is not None else None
                if entry is not None:
                    found[doc_id] = summarise_staged(summary, entry)
                    continue
                try:
                    sig: Signature | None = signature_of(os.stat(path, follow_symlinks=False))
                except FileNotFoundError:
                    sig = None
                if sig is None:
                    found[doc_id] = summary.summarise(None, None)
                    continue
                known = self._entry(doc_id)
                if known is not None and known.signature == sig:
                    found[doc_id] = known
                    continue
                counted = summary.summarise(*recount(path, self.holds))
                found[doc_id] = counted
                if counted.signature is not None:
                    fresh.append((doc_id, counted))
            if write_back and fresh:
                self._append(fresh)
            if write_back and self._lines > 2 * (len(self._entries) + len(self._unparsed)) + _COMPACT_SLACK:
                self._compact()
            return found

    def record(self, doc_id: str, data: Mapping[str, Any] | None, signature: Signature | None) -> None:
        """A codings file was just written with *data* and now has *signature*: index it (best effort)."""
        if signature is not None and self.summary is not None:
            self._append([(doc_id, self.summary.summarise(data, signature))])

    def record_files(self, written: Mapping[str, Mapping[str, Any] | None]) -> None:
        """After a transaction's commit: index the codings files it wrote (doc id -> data written)."""
        if self.summary is None:
            return
        fresh = []
        for doc_id, data in written.items():
            try:
                sig = signature_of(os.stat(self.path_of(doc_id), follow_symlinks=False))
            except OSError:
                continue
            fresh.append((doc_id, self.summary.summarise(data, sig)))
        if fresh:
            self._append(fresh)

    def _append(self, items: list[tuple[str, Any]]) -> None:
        assert self.summary is not None
        payload = "".join(_line(self.summary, doc_id, value) + "\n" for doc_id, value in items).encode("utf-8")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | NOFOLLOW | CLOEXEC
                         | getattr(os, "O_NONBLOCK", 0), self.perms.file_mode)
        except OSError:
            return  # read-only project or a colleague's file: the index only saves time
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return
            if stat.S_IMODE(st.st_mode) != self.perms.file_mode and st.st_uid == os.geteuid():
                os.fchmod(fd, self.perms.file_mode)  # just created: the umask is never trusted
            if st.st_size and os.pread(fd, 1, st.st_size - 1) != b"\n":
                payload = b"\n" + payload  # after a torn line (a killed writer): start a new one
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
        except OSError:
            return
        finally:
            os.close(fd)

    def _compact(self) -> None:
        """Rewrite the log as one entry per document whose codings file still exists (a reader does it,
        when the log holds more than twice the lines it needs)."""
        self._load()
        keep = {doc_id: entry for doc_id, entry in self._all_entries().items() if self.path_of(doc_id).exists()}
        assert self.summary is not None
        payload = "".join(_line(self.summary, doc_id, entry) + "\n" for doc_id, entry in keep.items()).encode("utf-8")
        try:
            atomic_write_bytes(self.path, payload, self.perms)
        except OSError:
            return
        self._forget()

    # checking -------------------------------------------------------------------------------
    def entry(self, doc_id: str) -> Any | None:
        """The last entry of one document, as the index holds it (for checking)."""
        with self._guard:
            self._load()
            return self._entry(doc_id)

    def entries(self) -> dict[str, Any]:
        """The last entry of each document, as the index holds them (for checking and tests)."""
        with self._guard:
            self._load()
            return dict(self._all_entries())

    def rebuild(self, doc_ids: Iterable[str]) -> None:
        """Recount every document and rewrite the index (``check --repair``)."""
        summary = self.summary
        if summary is None:
            raise RuntimeError("a codings index rebuilt without a Summary")
        with self._guard:
            lines = []
            for doc_id in doc_ids:
                try:
                    data, signature = recount(self.path_of(doc_id), self.holds)
                except (CorruptFileError, OSError):
                    continue  # check reports the file itself; it is recounted once readable
                if signature is not None:
                    lines.append(_line(summary, doc_id, summary.summarise(data, signature)) + "\n")
            atomic_write_bytes(self.path, "".join(lines).encode("utf-8"), self.perms)
            self._forget()


def project_indexes(root: Path, perms: Permissions, summaries: Summaries) -> tuple[FileIndex, FileIndex, FileIndex]:
    """The codings, turns and coding-columns indexes of the project folder *root*: where each is kept and
    which files it summarises (the one place a store and ``check`` learn it)."""
    layout = ProjectLayout(root)
    return (FileIndex(root, perms, summaries.codings),
            FileIndex(root, perms, summaries.turns, index=layout.turns_index, path_of=layout.turns, holds=list),
            FileIndex(root, perms, summaries.columns, index=layout.columns_index, keeps_parsed=False))


def recount(path: Path, holds: type = dict) -> tuple[Any, Signature | None]:
    """Read one indexed file again (its entry was stale): its data (a JSON *holds*) and the signature of
    exactly the bytes read; (None, None) when there is no file."""
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW | CLOEXEC | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None, None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise CorruptFileError(f"{path} is not a regular file; run 'qualtui check --repair'")
        raw = read_rest(fd)
    finally:
        os.close(fd)
    try:
        data = json.loads(raw) if raw.strip() else holds()
    except ValueError as exc:
        raise CorruptFileError(f"{path} is not valid JSON ({exc}); run 'qualtui check --repair'") from None
    if not isinstance(data, holds):
        what = "a JSON object" if holds is dict else "a JSON list"
        raise CorruptFileError(f"{path} does not hold {what}; run 'qualtui check --repair'")
    if holds is dict and not all(isinstance(table, dict) for table in data.values()):   # as records.py reads it
        raise CorruptFileError(f"{path} holds a table that is not a table of records; run 'qualtui check --repair'")
    return data, signature_of(st)


def disagrees(summary: Summary, entry: Any, data: Mapping[str, Any], read_signature: Signature | None,
              path: Path) -> bool:
    """Whether *entry* claims the state of a codings file just read as *data* (its signature was
    *read_signature* before the read and still is now), yet holds other counts."""
    if entry is None or read_signature is None or entry.signature != read_signature:
        return False  # no entry, or a stale one: recounted whenever it is next read, never used
    try:
        if signature_of(os.stat(path, follow_symlinks=False)) != read_signature:
            return False  # written while it was being checked
    except OSError:
        return False
    return summary.summarise(data, read_signature) != entry


def summarise_staged(summary: Summary, entry: Any) -> Any:
    """The summary of what a transaction staged for a codings file (see ``Transaction.staged``)."""
    kind = entry[0]
    if kind == "data":
        return summary.summarise(entry[1], None)
    if kind == "file":
        return summary.summarise(json.loads(Path(entry[1]).read_bytes() or b"{}"), None)
    return summary.summarise(None, None)
