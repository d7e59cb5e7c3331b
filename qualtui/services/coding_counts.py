"""What the codings index keeps for one codings file: codings per (code, coder) and the characters they cover.

``stores.file_index`` keeps one entry per state of a codings file without knowing what a coding is;
``COUNTS`` tells it what an entry holds, how to write it as JSON and how to read it back.  The entry's
fields (beside the index's own ``v``, ``doc`` and ``sig``)::

    "codes": {coder: {code: codings}}, "covered": {coder: characters}, "all": characters
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

CODINGS_TABLE = "codings"  # the table of a codings file (``qualtui.services.codings.TABLE``)

Signature = tuple[int, int, int, int]


@dataclass(frozen=True)
class DocCounts:
    """The counts of one codings file in the state ``signature`` names (None: there is no file)."""

    signature: Signature | None
    codes: dict[tuple[str, str], int] = field(default_factory=dict)  # (code, coder) -> codings
    covered: dict[str, int] = field(default_factory=dict)  # coder -> characters inside that coder's codings
    covered_all: int = 0  # characters inside any coding (overlaps counted once)


def _union(spans: list[tuple[int, int]]) -> int:
    covered, reach = 0, 0
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            covered += end - start
            reach = end
    return covered


def count_records(records: Iterable[Mapping[str, Any]], signature: Signature | None) -> DocCounts:
    """The counts of a codings table (its records), for the file state *signature*."""
    codes: dict[tuple[str, str], int] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for record in records:
        if not isinstance(record, Mapping):
            continue
        key = (str(record.get("code")), str(record.get("coder")))
        codes[key] = codes.get(key, 0) + 1
        start, end = record.get("start"), record.get("end")
        if type(start) is int and type(end) is int:
            spans.setdefault(key[1], []).append((start, end))
    covered = {coder: _union(items) for coder, items in spans.items()}
    return DocCounts(signature, codes, covered, _union([s for items in spans.values() for s in items]))


class _Counts:
    """The codec ``stores.file_index.FileIndex`` is given (see ``stores.file_index.Summary``)."""

    @staticmethod
    def summarise(data: Mapping[str, Any] | None, signature: Signature | None) -> DocCounts:
        """The counts of a whole codings file's data (table name -> id -> record); None: no file."""
        table = (data or {}).get(CODINGS_TABLE) or {}
        return count_records(table.values() if isinstance(table, Mapping) else (), signature)

    @staticmethod
    def to_json(counts: DocCounts) -> dict[str, Any]:
        nested: dict[str, dict[str, int]] = {}
        for (code, coder), n in counts.codes.items():
            nested.setdefault(coder, {})[code] = n
        return {"codes": nested, "covered": counts.covered, "all": counts.covered_all}

    @staticmethod
    def from_json(entry: Mapping[str, Any], signature: Signature) -> DocCounts | None:
        """A well-formed entry's counts, or None (a damaged one is never half-used)."""
        nested, covered, covered_all = entry["codes"], entry["covered"], entry["all"]
        if not (isinstance(nested, dict) and isinstance(covered, dict) and type(covered_all) is int):
            return None
        codes: dict[tuple[str, str], int] = {}
        for coder, by_code in nested.items():
            if not isinstance(by_code, dict):
                return None
            for code, n in by_code.items():
                if type(n) is not int or n <= 0:
                    return None
                codes[code, coder] = n
        if not all(isinstance(k, str) and type(v) is int and v >= 0 for k, v in covered.items()):
            return None
        return DocCounts(signature, codes, dict(covered), covered_all)


COUNTS = _Counts()
