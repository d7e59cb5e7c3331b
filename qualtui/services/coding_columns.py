"""A codings file's codings as columns: what the coding-columns index keeps per state of a codings file.

``retrieve`` over a whole project reads the codings of one code from every document.  Parsing a
codings file builds a dict per coding, of every code, and each must then be checked; the
coding-columns index (``stores.layout.COLUMNS_INDEX``, kept by ``stores.file_index``) holds, per
state of a codings file, its codings sorted by offset as one list per field, code and coder names
numbered, ids and creation times joined into one string each.  Such a line parses several times
faster than the file, and holds nothing a reader of the file would not get.

Only a file whose every coding is exactly as this version writes it becomes columns.  Any other (a
field missing, extra, of another type, or holding something to clean: an older version's or a
hand-made file) is summarised as ``odd``, and its readers go through ``CodingService.records_of``,
which cleans what it can and refuses what it must.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field, fields
from itertools import chain, compress
from operator import and_, itemgetter, methodcaller
from typing import Any

from qualtui.model import Coding
from qualtui.services.coding_counts import CODINGS_TABLE
from qualtui.services.numbering import STR_OR_NONE, named, numbered

Signature = tuple[int, int, int, int]

RECORD_ORDER = itemgetter("start", "end", "id")   # the order codings are read in: by offset, then id
_OFFSETS, _NAMES = itemgetter("start", "end"), itemgetter("id", "code", "coder")
_CREATED, _MEMO = methodcaller("get", "created"), methodcaller("get", "memo")   # older files may lack them


def readable(records: list[Any]) -> bool:
    """Whether every record is an object whose fields every reader relies on are there, of the right
    types (a hand-edited file may hold an offset in quotes).  Checked a field at a time at C speed."""
    try:
        offsets = set(map(type, chain.from_iterable(map(_OFFSETS, records))))
        names = set(map(type, chain.from_iterable(map(_NAMES, records))))
        optional = {*map(type, map(_CREATED, records)), *map(type, map(_MEMO, records))}
    except (KeyError, TypeError, AttributeError):
        return False   # a field missing, or a record that is not an object
    return offsets <= {int} and names <= {str} and optional <= STR_OR_NONE


@dataclass(frozen=True)
class CodingColumns:
    """Codings of one document, sorted by (start, end, id), as one list per ``Coding`` field but the
    document's id.  ``odd``: the file holds a coding to read the careful way (the columns are empty)."""

    signature: Signature | None
    id: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    coder: list[str] = field(default_factory=list)
    created: list[str | None] = field(default_factory=list)
    memo: list[str | None] = field(default_factory=list)
    odd: bool = False

    def __len__(self) -> int:
        return len(self.id)

    def only(self, codes: Container[str], coders: Container[str] | None = None) -> "CodingColumns":
        """The codings with one of *codes* (by one of *coders*, as casefolded names, if given)."""
        keep = list(map(codes.__contains__, self.code))
        if coders is not None:
            keep = list(map(and_, keep, map(coders.__contains__, map(str.casefold, self.coder))))
        return self.kept(keep)

    def kept(self, keep: list[bool]) -> "CodingColumns":
        """The codings whose entry in *keep* is true."""
        if all(keep):
            return self
        return CodingColumns(self.signature, *(list(compress(column, keep)) for column in self._columns()))

    def _columns(self) -> tuple[list, ...]:
        return self.id, self.code, self.start, self.end, self.coder, self.created, self.memo

    @classmethod
    def of_records(cls, records: list[Mapping[str, Any]], signature: Signature | None = None) -> "CodingColumns":
        """Columns of records that every reader can use (``readable``; *records* is sorted in place)."""
        records.sort(key=RECORD_ORDER)   # type: ignore[arg-type]
        return cls(signature, *(list(map(itemgetter(name), records)) for name in _FIELDS))


_FIELDS = tuple(f.name for f in fields(CodingColumns) if f.name not in ("signature", "odd"))


def columns_of(records: list[Any], signature: Signature | None) -> CodingColumns:
    """The columns of a codings table's records, or ``odd`` when any is not exactly as this version writes it."""
    if not (Coding.usable_as_stored(records, complete=True) and readable(records)):
        return CodingColumns(signature, odd=True)
    return CodingColumns.of_records(records, signature)


def _joined(values: list[Any]) -> str | list[Any]:
    """A column of strings as one string, lines joined (it parses at a fraction of the cost of a list);
    a column that could not be split back the same (empty, or a value that is not a string or holds
    a newline) stays a list."""
    if values and set(map(type, values)) == {str}:
        joined = "\n".join(values)
        if joined.count("\n") == len(values) - 1:
            return joined
    return values


def _split(column: Any) -> Any:
    return column.split("\n") if isinstance(column, str) else column


class _Columns:
    """The codec ``stores.file_index.FileIndex`` is given for the coding-columns index."""

    @staticmethod
    def summarise(data: Mapping[str, Any] | None, signature: Signature | None) -> CodingColumns:
        table = (data or {}).get(CODINGS_TABLE) or {}
        if not isinstance(table, Mapping):
            return CodingColumns(signature, odd=True)
        return columns_of(list(table.values()), signature)

    @staticmethod
    def to_json(columns: CodingColumns) -> dict[str, Any]:
        if columns.odd:
            return {"odd": True}
        codes, code = numbered(columns.code)
        coders, coder = numbered(columns.coder)
        return {"id": _joined(columns.id), "codes": codes, "code": code, "start": columns.start, "end": columns.end,
                "coders": coders, "coder": coder, "created": _joined(columns.created), "memo": columns.memo}

    @staticmethod
    def from_json(entry: Mapping[str, Any], signature: Signature) -> CodingColumns | None:
        """A well-formed entry's columns, or None (a damaged one is never half-used).

        It holds nothing a reader of the codings file would not get: the same types, nothing to clean.
        """
        if entry.get("odd") is True:
            return CodingColumns(signature, odd=True)
        ids, created = _split(entry["id"]), _split(entry["created"])
        starts, ends, memos = entry["start"], entry["end"], entry["memo"]
        if not all(isinstance(column, list) for column in (ids, starts, ends, created, memos)):
            return None
        n = len(ids)
        codes, coders = named(entry["codes"], entry["code"], n), named(entry["coders"], entry["coder"], n)
        if codes is None or coders is None or not len(starts) == len(ends) == len(created) == len(memos) == n \
                or not set(map(type, ids)) <= {str} or not {*map(type, starts), *map(type, ends)} <= {int} \
                or not {*map(type, created), *map(type, memos)} <= STR_OR_NONE \
                or starts != sorted(starts) or Coding.columns_need_cleaning(entry["coders"], created, memos):
            return None
        return CodingColumns(signature, ids, codes, starts, ends, coders, created, memos)


COLUMNS = _Columns()
