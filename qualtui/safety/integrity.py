"""``qualtui check``: verify a project folder file by file (``qualtui.safety.repair`` fixes what is safe to fix).

The check reads the files directly (not through ``Project``) so that it still
works, and still explains itself, when the project is too damaged to open.  It
is also the oracle of the crash and concurrency tests, so it must stay fast:
one pass over each file, no per-coding lookups that grow quadratically.  The
rules one record or audit line must follow are in ``qualtui.safety.rules``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stores import SCHEMA_VERSION, Permissions
from stores.atomic import PRIVATE
from stores.file_index import INDEX_NAME, disagrees, project_indexes, signature_of
from stores.layout import (AUDIT_LOG, BACKUPS_DIR, CACHES, CODINGS_INDEX, COLUMNS_INDEX, DOCUMENTS_DIR, MARKER,
                           TURNS_INDEX, TXN_DIR, ProjectLayout, is_leftover_temp_file, is_temp_file,
                           is_unknown_in_documents, known_document_names, valid_document_id)
from stores.links import read_bytes
from stores.project_lock import ProjectLock, live
from stores.project_store import META_ID, permissions_for
from stores.transaction import pending
from qualtui.model import MEMO_KINDS, Code, Document, Memo, Turn
from qualtui.progress import track
from qualtui.services.indexes import INDEXES
from qualtui.safety.rules import (check_types, find_cycles, invalid_coding, is_json_object, is_torn_audit_fragment,
                                  parse_record, planted_link_advice)

INTERRUPTED = "interrupted"  # Problem.kind of a multi-file operation killed part-way


@dataclass(frozen=True)
class Problem:
    kind: str
    where: str
    message: str
    repairable: bool = True

    def line(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class ProjectFiles:
    """What the check read, for the repair to act on."""

    data: dict[str, Any] | None = None
    perms: Permissions = PRIVATE
    documents: dict[str, dict] = field(default_factory=dict)
    codes: dict[str, dict] = field(default_factory=dict)
    coding_ids: set[str] = field(default_factory=set)


def _read_regular(path: Path) -> bytes:
    """A project file's bytes; a link, FIFO or device in its place is damage to report, never followed or waited on."""
    try:
        return read_bytes(path)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EINVAL):
            raise ValueError(f"it {exc.strerror}") from None
        raise


def _load_json(path: Path) -> Any:
    return json.loads(_read_regular(path))


def check(root: str | os.PathLike) -> list[Problem]:
    """Every problem found in the project folder (empty when it is sound)."""
    return _Checker(Path(root)).run()[0]


class _Checker:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.layout = ProjectLayout(root)
        self.problems: list[Problem] = []
        self.files = ProjectFiles()
        self.index_entries: dict = {}
        self.turn_entries: dict = {}
        self.coding_index, self.turn_index, self.column_index = project_indexes(root, PRIVATE, INDEXES)

    def add(self, kind: str, where: str, message: str, repairable: bool = True) -> None:
        self.problems.append(Problem(kind, where, message, repairable))

    def run(self) -> tuple[list[Problem], ProjectFiles]:
        """Under the project lock, shared: a running transaction is waited for, never seen half-applied."""
        self.problems.extend(Problem("symlink", where, advice, False)
                             for where, advice in planted_link_advice(self.root))
        if self.problems:  # reading on would follow the links; nothing else is checked or repaired
            return self.problems, self.files
        try:
            meta = (_load_json(self.layout.marker).get("meta") or {}).get(META_ID)
            lock = ProjectLock(self.root, permissions_for(meta if isinstance(meta, dict) else None))
            lock.acquire(False)
        except (OSError, ValueError, UnicodeDecodeError, AttributeError):
            lock = None  # not a project, a damaged one, or a folder we may not write: check without the lock
        try:
            if self.check_transaction():
                return self.problems, self.files  # the files are between two states: judge them once it is finished
            return self._run()
        finally:
            if lock is not None:
                lock.release()

    def _run(self) -> tuple[list[Problem], ProjectFiles]:
        marker = self.layout.marker
        if not marker.is_file():
            self.add("project-file", MARKER, "missing: this is not a qualtui project", False)
            return self.problems, self.files
        try:
            data = _load_json(marker)
            if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
                raise ValueError("not an object of tables")
        except (ValueError, UnicodeDecodeError) as exc:
            self.add("project-file", MARKER, f"damaged ({exc}); restore it from a backup", False)
            return self.problems, self.files
        self.files.data = data
        self.check_meta(data.get("meta", {}))
        self.check_codes(data.get("codes", {}))
        self.index_entries = self.coding_index.entries()
        self.turn_entries = self.turn_index.entries()
        self.check_documents(data.get("documents", {}))
        self.check_memos(data.get("memos", {}))
        self.check_framework(data.get("framework", {}))
        self.check_speakers(data.get("speakers", {}))
        self.check_audit()
        self.check_folder_entries()
        return self.problems, self.files

    def check_transaction(self) -> bool:
        """A multi-file operation killed part-way (see stores.transaction); a running one is left alone.

        True when it had committed: the files are then part old, part new until it is finished.
        """
        info = pending(self.root)
        if info is None or live(self.root):
            return False
        what = f"{info['operation']!r}" + (f" started at {info['started']}" if info["started"] else "")
        if info["invalid"]:
            self.add(INTERRUPTED, TXN_DIR, f"holds a manifest qualtui did not write ({info['invalid']}); qualtui will "
                     "not apply it: move the folder out of the project", False)
            return True
        if info["committed"]:
            self.add(INTERRUPTED, TXN_DIR, f"the {what} was interrupted while writing its changes; run 'qualtui "
                     "check --repair' (or any qualtui command that opens the project) to finish it, then check again")
            return True
        else:
            self.add(INTERRUPTED, TXN_DIR, f"the {what} was interrupted before it changed anything; the project is "
                     "as it was; run 'qualtui check --repair' to remove its leftovers, then run it again if you "
                     "still want it")
        return False

    # project file ------------------------------------------------------------
    def check_meta(self, table: dict) -> None:
        meta = table.get(META_ID)
        if not isinstance(meta, dict):
            self.add("meta", MARKER, "has no project metadata")
            return
        self.files.perms = permissions_for(meta)
        schema = meta.get("schema")
        if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
            self.add("meta", MARKER, f"schema version {schema!r} is not valid", False)
        elif schema > SCHEMA_VERSION:
            self.add("meta", MARKER, f"written by a newer qualtui (schema {schema} > {SCHEMA_VERSION})", False)

    def _records(self, table: dict, cls: type, what: str) -> dict[str, Any]:
        parsed = {}
        for key, record in table.items():
            where = f"{what} {key}"
            try:
                item = parse_record(key, record, cls)
            except (TypeError, ValueError) as exc:
                self.add("record", where, f"unreadable record ({exc})", False)
                continue
            parsed[key] = item
        return parsed

    def check_codes(self, table: dict) -> None:
        codes: dict[str, Code] = self._records(table, Code, "code")
        self.files.codes = {k: table[k] for k in codes}
        for code in codes.values():
            if code.parent is not None and code.parent not in codes:
                self.add("code-parent", f"code {code.id}", "its parent code does not exist")
        for cycle in find_cycles(codes):
            self.add("code-cycle", f"code {cycle[0]}", f"is in a parent cycle of {len(cycle)} code(s)")

    def check_documents(self, table: dict) -> None:
        documents: dict[str, Document] = self._records(table, Document, "document")
        self.files.documents = {k: table[k] for k in documents}
        for doc in track(list(documents.values()), "checking documents"):
            if not valid_document_id(doc.id):
                self.add("record", f"document {doc.id!r}", "has an unsafe id", False)
                continue
            length = self.check_text(doc, self.layout.text(doc.id))
            self.check_turns(doc, self.layout.turns(doc.id), length)
            self.check_codings(doc, self.layout.codings(doc.id), length)

    def check_text(self, doc: Document, path: Path) -> int | None:
        where = self.layout.relative(path)
        try:
            raw = _read_regular(path)
            text = raw.decode("utf-8")
        except FileNotFoundError:
            self.add("text", where, f"the text of document {doc.id} is missing; restore it from a backup", False)
            return None
        except ValueError as exc:
            self.add("text", where, f"cannot be read ({exc}); restore it from a backup", False)
            return None
        except UnicodeDecodeError:
            self.add("text", where, "is not valid UTF-8; restore it from a backup", False)
            return None
        if doc.sha256 and hashlib.sha256(raw).hexdigest() != doc.sha256:
            self.add("text", where, "has changed since import (sha256 differs); restore it from a backup", False)
            return None
        if doc.length != len(text):
            self.add("text", where, f"length {len(text)} differs from the recorded {doc.length}", False)
        return len(text)

    def check_turns(self, doc: Document, path: Path, length: int | None) -> None:
        where = self.layout.relative(path)
        try:
            before = signature_of(os.stat(path, follow_symlinks=False))
            raw = _load_json(path)
            if not isinstance(raw, list):
                raise ValueError("not a list")
            turns = [Turn.from_record(t) for t in raw]
            for turn in turns:
                check_types(turn)
        except FileNotFoundError:
            self.add("turns", where, "speaker turns file is missing")
            return
        except (ValueError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            self.add("turns", where, f"speaker turns file is damaged ({exc})")
            return
        if disagrees(INDEXES.turns, self.turn_entries.get(doc.id), raw, before, path):
            self.add("turns-index", TURNS_INDEX, f"disagrees with the speaker turns of {doc.name!r} (the index was "
                     "edited by hand or damaged); it is rebuilt from the turns files")
        if length is None:
            return
        bad = sum(1 for t in turns if not (0 <= (t.label_start if t.label_start is not None else t.start)
                                           <= t.start <= t.end <= length))
        if bad:
            self.add("turns", where, f"{bad} speaker turn(s) lie outside the text")

    def check_codings(self, doc: Document, path: Path, length: int | None) -> None:
        where = self.layout.relative(path)
        try:
            before = signature_of(os.stat(path, follow_symlinks=False))
            data = _load_json(path)
            if not isinstance(data, dict) or not isinstance(data.get("codings", {}), dict):
                raise ValueError("not a codings file")
        except FileNotFoundError:
            self.add("codings-file", where, "codings file is missing")
            return
        except (ValueError, UnicodeDecodeError) as exc:
            self.add("codings-file", where, f"codings file is damaged ({exc})")
            return
        for key, record in data.get("codings", {}).items():
            reason = invalid_coding(key, record, doc.id, length, self.files.codes)
            if reason:
                self.add("coding", f"coding {key} in {doc.name!r}", reason)
            else:
                self.files.coding_ids.add(key)
        if disagrees(INDEXES.codings, self.index_entries.get(doc.id), data, before, path):
            self.add("codings-index", INDEX_NAME, f"disagrees with the codings of {doc.name!r} (the index was "
                     "edited by hand or damaged); it is rebuilt from the codings files")
        if disagrees(INDEXES.columns, self.column_index.entry(doc.id), data, before, path):
            self.add("columns-index", COLUMNS_INDEX, f"disagrees with the codings of {doc.name!r} (the index was "
                     "edited by hand or damaged); it is rebuilt from the codings files")

    def check_memos(self, table: dict) -> None:
        memos: dict[str, Memo] = self._records(table, Memo, "memo")
        for memo in memos.values():
            if memo.kind not in MEMO_KINDS:
                self.add("memo", f"memo {memo.id}", f"unknown kind {memo.kind!r}")
            elif not memo_target_exists(memo, self.files):
                self.add("memo", f"memo {memo.id}", f"the {memo.kind} it is about no longer exists")

    def check_framework(self, table: dict) -> None:
        from qualtui.services.framework import framework_problems

        for where, message in framework_problems(table, self.files.documents, self.files.codes):
            self.add("framework", where, message, message != "unreadable record")

    def check_speakers(self, table: dict) -> None:
        from qualtui.services.speakers import damage

        for key, record in table.items():
            wrong = damage(record)
            if wrong is not None:
                self.add("speaker", f"speaker {key}", f"damaged record ({wrong}); it is ignored when reading")

    # audit log and folder -----------------------------------------------------
    def check_audit(self) -> None:
        path = self.layout.audit_log
        try:
            raw = _read_regular(path)
        except FileNotFoundError:
            self.add("audit", AUDIT_LOG, "the audit log is missing", False)
            return
        except ValueError as exc:
            self.add("audit", AUDIT_LOG, f"the audit log cannot be read ({exc}); restore it from a backup", False)
            return
        lines = raw.split(b"\n")
        tail = lines.pop()  # empty when the log ends with a newline
        for number, line in enumerate(lines, 1):
            if is_torn_audit_fragment(line):
                self.add("audit-torn", f"{AUDIT_LOG} line {number}", "an entry cut short by a crash")
            elif not is_json_object(line):
                self.add("audit", f"{AUDIT_LOG} line {number}", "is not a readable audit entry", False)
        if tail:
            self.add("audit-torn", f"{AUDIT_LOG} line {len(lines) + 1}",
                     "the last entry is incomplete (torn by a crash)")

    def check_folder_entries(self) -> None:
        perms = self.files.perms
        docs_dir = self.layout.documents_dir
        known = known_document_names(self.files.documents)
        for folder, relative in ((self.root, ""), (docs_dir, f"{DOCUMENTS_DIR}/"),
                                 (self.layout.backups_dir, f"{BACKUPS_DIR}/")):
            try:
                st = os.lstat(folder)
            except FileNotFoundError:
                if folder == docs_dir:
                    self.add("folder", DOCUMENTS_DIR, "the documents folder is missing")
                continue
            self.check_mode(relative or ".", st, perms.dir_mode, directory=True)
            for entry in os.scandir(folder):
                name = relative + entry.name
                entry_stat = entry.stat(follow_symlinks=False)
                if stat.S_ISLNK(entry_stat.st_mode):
                    self.add("symlink", name, "is a symbolic link; qualtui never creates links in a project", False)
                    continue
                if is_temp_file(entry.name):
                    if is_leftover_temp_file(entry.name):
                        self.add("temp-file", name, "temporary file left behind by an interrupted write")
                    continue
                if folder == self.root and entry.name in CACHES and not stat.S_ISREG(entry_stat.st_mode):
                    self.cache_in_the_way(entry.name, stat.S_ISDIR(entry_stat.st_mode))
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if folder != self.root:  # backups/repair-* folders
                        self.check_mode(name, entry_stat, perms.dir_mode, directory=True)
                    continue
                if folder == docs_dir and is_unknown_in_documents(entry.name, known):
                    self.add("orphan-file", name, "belongs to no document (left by an interrupted import or delete)")
                self.check_mode(name, entry_stat, perms.file_mode, directory=False)

    def cache_in_the_way(self, name: str, directory: bool) -> None:
        """Not a file where an index belongs (every read recounts): --repair rebuilds it over a FIFO or socket."""
        kind = {CODINGS_INDEX: "codings-index", TURNS_INDEX: "turns-index", COLUMNS_INDEX: "columns-index"}[name]
        self.add(kind, name, "is a folder where qualtui keeps an index (a cache): move it away" if directory
                 else "is not a regular file where qualtui keeps an index (a cache); it is rebuilt", not directory)

    def check_mode(self, name: str, st: os.stat_result, wanted: int, *, directory: bool) -> None:
        mode = stat.S_IMODE(st.st_mode)
        if mode != wanted:
            what = "folder" if directory else "file"
            self.add("permissions", name, f"{what} mode is {mode:04o}, expected {wanted:04o}")


def memo_target_exists(memo: Memo, files: ProjectFiles) -> bool:
    if memo.kind == "project":
        return True
    if memo.kind == "document":
        return memo.target in files.documents
    if memo.kind == "code":
        return memo.target in files.codes
    return memo.target in files.coding_ids


def load_files(root: Path) -> tuple[list[Problem], ProjectFiles]:
    return _Checker(Path(root)).run()


