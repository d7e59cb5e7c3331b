"""Replace real names with pseudonyms across a project, re-anchoring every coding and turn.

What changes: transcript text (whole words, longest name first), speaker names,
document names, sources and attribute values, code names and descriptions,
memos and coding memos, and string values in the audit log.  Each coded
passage keeps covering the same words: an offset that falls inside a replaced
name moves to the edge of its pseudonym, so a coding never loses or gains a word.

Crash safety.  The whole run is one store transaction (``stores.transaction``):
every new file is staged in ``.txn/`` (pseudonymised content only, never a
real name) and lands at one commit point, so a kill leaves the project with
every real name or with none; a kill after the commit point is finished by
the next qualtui command (``qualtui check`` names it).
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

from stores import ProjectStore
from qualtui.errors import QualtuiError
from qualtui.model import Turn
from qualtui.services.documents import content_fields
from qualtui.services.speakers import renamed_records
from qualtui.text.normalise import clean_label, strip_controls

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
    from qualtui.safety.backup import backups

    store: ProjectStore = project.store
    result = Result(old_backups=len(backups(project.root)))
    if dry_run:
        _plan(project, names, result)
        return result
    with store.transaction("pseudonymise"):
        todo = _plan(project, names, result)
        for (doc_id, fields), row in zip(todo, result.documents):
            text = project.docs.text(doc_id)   # read again, not held from the plan: one document at a time
            _pseudonymise_document(store, doc_id, text, names.edits(text), fields, names)
            store.release_document(doc_id)
            project.audit("pseudonymise.document", document=doc_id, replacements=row.replacements, codings=row.codings)
        result.other["audit log"] = _rewrite_audit(project, names)

        def finish(data: dict) -> None:
            data["codes"] = {k: _code_fields(v, names, Counter()) for k, v in data.get("codes", {}).items()}
            data["memos"] = {k: _memo_fields(v, names, Counter()) for k, v in data.get("memos", {}).items()}
            if data.get("framework"):
                data["framework"] = {k: dict(v, text=names.apply(v.get("text") or "")[0])
                                     for k, v in data["framework"].items()}
            if data.get("speakers"):  # canonical speaker names hold real names too
                data["speakers"] = renamed_records(data["speakers"], lambda value: names.apply(value)[0])

        store.project.mutate_tables(finish)
        project.audit("pseudonymise", names=len(names), documents=len(todo), replacements=result.total)
    return result


def _plan(project, names: NameMap, result: Result) -> list[tuple[str, dict]]:
    """Count what would change (into *result*) and return (doc id, record fields) per document."""
    store: ProjectStore = project.store
    counts: Counter = Counter()
    doc_records = dict(store.project.raw("documents"))
    todo = []
    new_records = []
    for doc in project.docs.all():
        record = doc_records[doc.id]
        fields = _record_fields(record, names, counts)
        new_records.append(dict(record, **fields))
        text = project.docs.text(doc.id)
        edits = names.edits(text)
        moved = reanchor_codings(store.document_file(doc.id).raw("codings"), OffsetMap(edits), names)
        counts["coding memos"] += moved[2]
        result.documents.append(DocumentResult(doc.id, fields["name"], len(edits), moved[1]))
        todo.append((doc.id, fields))
        store.release_document(doc.id)
    _check_unique(new_records, "documents")
    codes = {k: _code_fields(v, names, counts) for k, v in store.project.raw("codes").items()}
    _check_unique(list(codes.values()), "codes")
    for memo in store.project.raw("memos").values():
        _memo_fields(memo, names, counts)  # counted for the report here; written with the codebook
    for summary in store.project.raw("framework").values():  # Framework cell summaries
        counts["framework summaries"] += names.apply(summary.get("text") or "")[1]
    result.other = {k: counts[k] for k in ("document names and sources", "document attributes", "codebook",
                                           "memos", "coding memos", "framework summaries")}
    return todo


def _pseudonymise_document(store: ProjectStore, doc_id: str, text: str, edits: list[Edit], fields: dict,
                           names: NameMap) -> None:
    """Stage one document's new text, turns, codings and record (inside the run's transaction)."""
    offsets = OffsetMap(edits)
    codings = reanchor_codings(dict(store.document_file(doc_id).raw("codings")), offsets, names)[0]
    turns = reanchor_turns(store.read_json(store.turns_path(doc_id), default=[]), offsets, names)
    new_text = apply_edits(text, edits)
    store.document_file(doc_id).mutate_tables(lambda data: data.__setitem__("codings", codings))
    store.write_json(store.turns_path(doc_id), turns)
    store.write_text(doc_id, new_text)
    turn_objects = [Turn.from_record(t) for t in turns]
    store.project.mutate("documents", lambda table: table.__setitem__(
        doc_id, dict(table[doc_id], **fields, **content_fields(new_text, turn_objects))))


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


def _rewrite_audit(project, names: NameMap) -> int:
    """Names recorded in earlier audit entries (document names, attribute values) are replaced too."""
    try:
        raw = project.store.read_bytes(project.store.audit_path)
    except FileNotFoundError:
        raw = b""
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
        out.append(json.dumps(_replace_strings(entry, names, counter), ensure_ascii=False,
                              separators=(",", ":")).encode("utf-8"))
    project.store.rewrite_audit(b"\n".join(out) + b"\n")
    project.audit(AUDIT_MARK, replacements=counter[0])
    return counter[0]


__all__ = ["NameMap", "OffsetMap", "Edit", "parse_mapping", "load_mapping", "pseudonymise_project", "apply_edits"]
