"""Replace real names with pseudonyms across a project, re-anchoring every coding and turn.

What changes: transcript text (whole words, longest name first), speaker names,
document names, sources and attribute values, code names and descriptions,
memos and coding memos, and string values in the audit log.  Each coded
passage keeps covering the same words: an offset that falls inside a replaced
name moves to the edge of its pseudonym, so a coding never loses or gains a word.

Crash safety.  Each document is changed through a journal,
``documents/<id>.pseudonymise.json``, that holds the finished result (text
edits, turns, codings, record fields) but no real name.  It is written before
anything else changes and removed only after everything is written, and
applying it twice is harmless, so a crash leaves either the old document, the
new one, or a journal that ``qualtui check`` reports and ``check --repair``
(or re-running pseudonymise) completes.  A run record in the project file
lets an interrupted run resume without renaming a document twice.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stores import ProjectStore, StoreError
from qualtui.errors import QualtuiError
from qualtui.integrity import JOURNAL_SUFFIX, RUN_RECORD
from qualtui.model import Turn, new_id, now_iso
from qualtui.services.documents import content_fields, text_sha256
from qualtui.services.speakers import renamed_records
from qualtui.textnorm import clean_label, strip_controls

MAX_MAP_BYTES = 10 * 1024 * 1024
_SPACES = re.compile(r"\s+")
AUDIT_MARK = "pseudonymise.audit"


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    replacement: str


class NameMap:
    """Real names -> pseudonyms, matched as whole words, longest first."""

    def __init__(self, pairs: list[tuple[str, str]], *, case_insensitive: bool = False) -> None:
        if not pairs:
            raise QualtuiError("the mapping file has no names")
        self.case_insensitive = case_insensitive
        self.lookup = {self._key(real): pseudonym for real, pseudonym in pairs}
        alternatives = sorted(self.lookup, key=len, reverse=True)
        body = "|".join(r"[^\S\n]+".join(re.escape(part) for part in real.split(" ")) for real in alternatives)
        self.pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE if case_insensitive else 0)

    def _key(self, name: str) -> str:
        name = _SPACES.sub(" ", name)
        return name.casefold() if self.case_insensitive else name

    def __len__(self) -> int:
        return len(self.lookup)

    def edits(self, text: str) -> list[Edit]:
        out = []
        for match in self.pattern.finditer(text):
            pseudonym = self.lookup.get(self._key(match.group()))
            if pseudonym is None:  # case folding that re and str disagree on: find the entry the regex matched
                pseudonym = next(p for real, p in self.lookup.items()
                                 if re.fullmatch(re.escape(real).replace(r"\ ", r"\s+"), match.group(), re.IGNORECASE))
            out.append(Edit(match.start(), match.end(), pseudonym))
        return out

    def apply(self, text: str) -> tuple[str, int]:
        edits = self.edits(text)
        return apply_edits(text, edits), len(edits)


def parse_mapping(data: bytes, *, case_insensitive: bool = False) -> NameMap:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QualtuiError("the mapping file is not UTF-8 text") from None
    pairs: dict[str, tuple[int, str, str]] = {}
    rows = list(csv.reader(io.StringIO(text)))
    for number, row in enumerate(rows, 1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and [c.casefold() for c in cells[:2]] == ["real", "pseudonym"]:
            continue
        if len(cells) != 2 or not cells[0] or not cells[1]:
            raise QualtuiError(f"mapping row {number} must have two cells: real,pseudonym")
        real = unicodedata.normalize("NFC", _SPACES.sub(" ", strip_controls(cells[0]))).strip()
        pseudonym = unicodedata.normalize("NFC", clean_label(cells[1]))
        if not re.search(r"\w", real) or not pseudonym:
            raise QualtuiError(f"mapping row {number} has no usable name or pseudonym")
        key = real.casefold() if case_insensitive else real
        if key in pairs and pairs[key][2] != pseudonym:
            raise QualtuiError(f"mapping row {number} repeats the name of row {pairs[key][0]} with another pseudonym")
        pairs.setdefault(key, (number, real, pseudonym))
    return NameMap([(real, pseudonym) for _, real, pseudonym in pairs.values()], case_insensitive=case_insensitive)


def load_mapping(path: str | Path, *, case_insensitive: bool = False) -> NameMap:
    path = Path(path).expanduser()
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_MAP_BYTES + 1)
    except FileNotFoundError:
        raise QualtuiError("the mapping file does not exist") from None
    except IsADirectoryError:
        raise QualtuiError("the mapping file is a folder") from None
    if len(data) > MAX_MAP_BYTES:
        raise QualtuiError("the mapping file is over 10 MB")
    return parse_mapping(data, case_insensitive=case_insensitive)


# offsets ----------------------------------------------------------------------
def apply_edits(text: str, edits: list[Edit]) -> str:
    parts, position = [], 0
    for edit in edits:
        parts.append(text[position:edit.start])
        parts.append(edit.replacement)
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


class OffsetMap:
    """Old offsets -> new offsets; a boundary inside a replaced name snaps to the pseudonym's edge."""

    def __init__(self, edits: list[Edit]) -> None:
        self.starts = [e.start for e in edits]
        self.ends = [e.end for e in edits]
        self.new_starts, self.shift_after = [], []
        shift = 0
        for edit in edits:
            self.new_starts.append(edit.start + shift)
            shift += len(edit.replacement) - (edit.end - edit.start)
            self.shift_after.append(shift)

    def start(self, offset: int) -> int:
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.ends[i]:
            return self.new_starts[i]
        return offset + (self.shift_after[i] if i >= 0 else 0)

    def end(self, offset: int) -> int:
        i = bisect_left(self.starts, offset) - 1
        if i >= 0 and offset < self.ends[i]:
            return self.ends[i] + self.shift_after[i]
        return offset + (self.shift_after[i] if i >= 0 else 0)


def reanchor_turns(turns: list[dict], offsets: OffsetMap, names: NameMap) -> list[dict]:
    out = []
    for record in turns:
        turn = Turn.from_record(record)
        speaker = names.apply(turn.speaker)[0] if turn.speaker else turn.speaker
        label = None if turn.label_start is None else offsets.start(turn.label_start)
        out.append(Turn(offsets.start(turn.start), offsets.end(turn.end), speaker, label,
                        turn.begin_ms, turn.end_ms).to_record())
    return out


def reanchor_codings(table: dict[str, dict], offsets: OffsetMap, names: NameMap) -> tuple[dict[str, dict], int, int]:
    """(new table, codings moved, names replaced in coding memos)."""
    out, moved, in_memos = {}, 0, 0
    for key, record in table.items():
        start, end = offsets.start(record["start"]), offsets.end(record["end"])
        moved += (start, end) != (record["start"], record["end"])
        record = dict(record, start=start, end=end)
        if record.get("memo"):
            record["memo"], count = names.apply(record["memo"])
            in_memos += count
        out[key] = record
    return out, moved, in_memos


# one document ----------------------------------------------------------------
def _journal_path(store: ProjectStore, doc_id: str) -> Path:
    return store.documents_dir / f"{doc_id}{JOURNAL_SUFFIX}"


def complete_pending(store: ProjectStore, doc_id: str) -> None:
    """Apply a document's journal (again): codings, turns, text, record, then remove the journal."""
    path = _journal_path(store, doc_id)
    journal = store.read_json(path)
    if journal is None:
        return
    with store.document_file(doc_id).lock:
        store.document_file(doc_id).mutate_tables(lambda data: data.__setitem__("codings", journal["codings"]))
        store.write_json(store.turns_path(doc_id), journal["turns"])
        text = store.read_text(doc_id)
        current = text_sha256(text)
        if current == journal["old_sha256"]:
            text = apply_edits(text, [Edit(*e) for e in journal["edits"]])
            if text_sha256(text) != journal["new_sha256"]:
                raise StoreError(f"the pseudonymisation journal of document {doc_id} does not fit its text")
            store.write_text(doc_id, text)
        elif current != journal["new_sha256"]:
            raise StoreError(f"the text of document {doc_id} matches neither side of its pseudonymisation")
        turns = [Turn.from_record(t) for t in journal["turns"]]

        def update(table: dict) -> None:
            # text_sha256(text) == journal["new_sha256"]: both branches above made sure of it.
            table[doc_id] = dict(table[doc_id], **journal["record"], **content_fields(text, turns),
                                 pseudonymised=journal["run"])

        store.project.mutate("documents", update)
        path.unlink()
        from stores.atomic import fsync_dir

        fsync_dir(store.documents_dir)


@dataclass
class DocumentResult:
    id: str
    name: str
    replacements: int = 0
    codings: int = 0


@dataclass
class Result:
    documents: list[DocumentResult] = field(default_factory=list)
    other: dict[str, int] = field(default_factory=dict)
    resumed: int = 0
    old_backups: int = 0

    @property
    def total(self) -> int:
        return sum(d.replacements for d in self.documents) + sum(self.other.values())

    @property
    def changed_documents(self) -> int:
        return sum(1 for d in self.documents if d.replacements)


def _record_fields(record: dict, names: NameMap, counts: Counter) -> dict:
    name, n1 = names.apply(record["name"])
    source, n2 = names.apply(record.get("source") or "")
    attributes = {}
    for key, value in (record.get("attributes") or {}).items():
        attributes[key], n = names.apply(value)
        counts["document attributes"] += n
    counts["document names and sources"] += n1 + n2
    return {"name": clean_label(name, 120), "source": source, "attributes": attributes}


def _code_fields(record: dict, names: NameMap, counts: Counter) -> dict:
    out = dict(record)
    for key in ("name", "description", "inclusion", "exclusion", "example"):
        if out.get(key):
            out[key], n = names.apply(out[key])
            counts["codebook"] += n
    return out


def _memo_fields(record: dict, names: NameMap, counts: Counter) -> dict:
    out = dict(record)
    for key in ("text", "title"):
        if out.get(key):
            out[key], n = names.apply(out[key])
            counts["memos"] += n
    return out


def _check_unique(records: list[dict], what: str) -> None:
    seen: dict[str, str] = {}
    for record in records:
        folded = record["name"].casefold()
        if folded in seen and seen[folded] != record["id"]:
            raise QualtuiError(f"after pseudonymisation two {what} would share a name; rename one first")
        seen[folded] = record["id"]
        if what == "codes" and "/" in record["name"]:
            raise QualtuiError("a pseudonym would put '/' into a code name")


def pseudonymise_project(project, names: NameMap, *, dry_run: bool = False) -> Result:
    from qualtui.backup import backups

    store: ProjectStore = project.store
    for doc in project.docs.all():  # finish documents a crash left half-done
        if _journal_path(store, doc.id).exists() and not dry_run:
            complete_pending(store, doc.id)
    run = store.project.get("meta", RUN_RECORD)
    run_id = run["run"] if run else new_id()
    result = Result(old_backups=len(backups(project.root)))
    counts: Counter = Counter()
    doc_records = dict(store.project.raw("documents"))
    todo = []
    new_records = []
    for doc in project.docs.all():
        record = doc_records[doc.id]
        if run and record.get("pseudonymised") == run_id:
            result.resumed += 1
            new_records.append(record)
            continue
        fields = _record_fields(record, names, counts)
        new_records.append(dict(record, **fields))
        text = project.docs.text(doc.id)
        edits = names.edits(text)
        offsets = OffsetMap(edits)
        moved = reanchor_codings(store.document_file(doc.id).raw("codings"), offsets, names)
        counts["coding memos"] += moved[2]
        result.documents.append(DocumentResult(doc.id, fields["name"], len(edits), moved[1]))
        todo.append((doc.id, text, edits, fields))
    _check_unique(new_records, "documents")
    codes = {k: _code_fields(v, names, counts) for k, v in store.project.raw("codes").items()}
    _check_unique(list(codes.values()), "codes")
    for memo in store.project.raw("memos").values():
        _memo_fields(memo, names, counts)  # counted for the report here; written with the codebook below
    for summary in store.project.raw("framework").values():  # Framework cell summaries
        counts["framework summaries"] += names.apply(summary.get("text") or "")[1]
    result.other = {k: counts[k] for k in ("document names and sources", "document attributes", "codebook",
                                           "memos", "coding memos", "framework summaries")}
    if dry_run:
        return result
    if run is None:
        store.project.put("meta", {"id": RUN_RECORD, "run": run_id, "started": now_iso()})
    for (doc_id, text, edits, fields), row in zip(todo, result.documents):
        _pseudonymise_document(store, doc_id, text, edits, fields, names, run_id)
        project.audit("pseudonymise.document", document=doc_id, replacements=row.replacements, codings=row.codings)
    result.other["audit log"] = _rewrite_audit(project, names, run_id)

    def finish(data: dict) -> None:
        data["codes"] = {k: _code_fields(v, names, Counter()) for k, v in data.get("codes", {}).items()}
        data["memos"] = {k: _memo_fields(v, names, Counter()) for k, v in data.get("memos", {}).items()}
        if data.get("framework"):
            data["framework"] = {k: dict(v, text=names.apply(v.get("text") or "")[0])
                                 for k, v in data["framework"].items()}
        if data.get("speakers"):  # canonical speaker names hold real names too
            data["speakers"] = renamed_records(data["speakers"], lambda value: names.apply(value)[0])
        data.setdefault("meta", {}).pop(RUN_RECORD, None)

    store.project.mutate_tables(finish)
    project.audit("pseudonymise", run=run_id, names=len(names), documents=len(todo),
                  replacements=result.total, resumed=result.resumed)
    return result


def _pseudonymise_document(store: ProjectStore, doc_id: str, text: str, edits: list[Edit], fields: dict,
                           names: NameMap, run_id: str) -> None:
    offsets = OffsetMap(edits)
    rf = store.document_file(doc_id)
    with rf.lock:  # nobody codes this document between reading its codings and the journal
        codings = reanchor_codings(dict(rf.raw("codings")), offsets, names)[0]
        turns = reanchor_turns(store.read_json(store.turns_path(doc_id), default=[]), offsets, names)
        journal = {
            "run": run_id, "document": doc_id, "old_sha256": text_sha256(text),
            "new_sha256": text_sha256(apply_edits(text, edits)),
            "edits": [[e.start, e.end, e.replacement] for e in edits],
            "turns": turns, "codings": codings, "record": fields,
        }
        store.write_json(_journal_path(store, doc_id), journal)
        complete_pending(store, doc_id)


def _replace_strings(value: Any, names: NameMap, counter: list[int]) -> Any:
    if isinstance(value, str):
        new, n = names.apply(value)
        counter[0] += n
        return new
    if isinstance(value, list):
        return [_replace_strings(v, names, counter) for v in value]
    if isinstance(value, dict):
        return {k: v if k in ("time", "action") else _replace_strings(v, names, counter) for k, v in value.items()}
    return value


def _rewrite_audit(project, names: NameMap, run_id: str) -> int:
    """Names recorded in earlier audit entries (document names, attribute values) are replaced too."""
    from stores.atomic import atomic_write_bytes

    path = project.store.audit_path
    raw = path.read_bytes() if path.exists() else b""
    lines = raw.split(b"\n")
    counter = [0]
    out = []
    for line in lines:
        if not line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            out.append(line)
            continue
        if isinstance(entry, dict) and entry.get("action") == AUDIT_MARK and entry.get("run") == run_id:
            return entry.get("replacements", 0)  # already rewritten by the interrupted run
        out.append(json.dumps(_replace_strings(entry, names, counter), ensure_ascii=False,
                              separators=(",", ":")).encode("utf-8"))
    mark = {"time": now_iso(), "coder": project.coder, "action": AUDIT_MARK, "run": run_id,
            "replacements": counter[0]}
    out.append(json.dumps(mark, separators=(",", ":")).encode())
    atomic_write_bytes(path, b"\n".join(out) + b"\n", project.store.perms)
    return counter[0]


__all__ = ["NameMap", "OffsetMap", "Edit", "parse_mapping", "load_mapping", "pseudonymise_project",
           "complete_pending", "apply_edits"]
