"""Where each turn of a document lies and who speaks it: what the turns index keeps per turns file.

A pass over a whole project (``retrieve``: the speakers of 60,000 segments) looks up the turns of
every document.  ``stores.file_index`` keeps, per state of a turns file, its turns as four columns
(extent starts with the label, ends, speaker labels as stored, start times), so that pass parses
one small line per document instead of every turns file.  Labels are kept as stored: canonical
names (``qualtui speaker``) change without the turns file changing, so they are applied when read.

A file whose records are odd in any way (a field missing or of another type: a hand-made file) is
summarised as ``odd``: its reader goes through ``DocumentService.turns``, which cleans, checks and
refuses what it must.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from qualtui.services.numbering import STR_OR_NONE, named, numbered

_INT_OR_NONE = {int, type(None)}
_KEYS = ("start", "end", "speaker", "label_start", "begin_ms")

Signature = tuple[int, int, int, int]


def is_turn_record(record: object) -> bool:
    """Whether a stored turn has the fields and types a turn has (a hand-made file may not)."""
    return isinstance(record, dict) and type(record.get("start")) is int and type(record.get("end")) is int \
        and type(record.get("speaker")) in STR_OR_NONE \
        and all(type(record.get(key)) in _INT_OR_NONE for key in ("label_start", "begin_ms", "end_ms"))


@dataclass(frozen=True)
class TurnSpans:
    signature: Signature | None
    starts: list[int] = field(default_factory=list)     # where each turn begins, its label included
    ends: list[int] = field(default_factory=list)
    labels: list[str | None] = field(default_factory=list)   # the speaker label as stored
    begins: list[int | None] = field(default_factory=list)   # start time (ms), when the source had one
    odd: bool = False


def spans_of(records: Any, signature: Signature | None) -> TurnSpans:
    """The columns of a turns file's records, in order of position (taken at C speed, no object per turn)."""
    if not isinstance(records, list):
        return TurnSpans(signature, odd=True)
    try:
        starts, ends, labels, label_starts, begins = (list(map(itemgetter(key), records)) for key in _KEYS)
    except (KeyError, TypeError, IndexError):
        return TurnSpans(signature, odd=True)
    ends_at = [record.get("end_ms") for record in records]
    if not {*map(type, starts), *map(type, ends)} <= {int} or not set(map(type, labels)) <= STR_OR_NONE \
            or not {*map(type, label_starts), *map(type, begins), *map(type, ends_at)} <= _INT_OR_NONE:
        return TurnSpans(signature, odd=True)
    starts = [start if label is None or label > start else label for start, label in zip(starts, label_starts)]
    if starts != sorted(starts) or ends != sorted(ends):   # stored in order: only a hand-made file is not
        rows = sorted(zip(starts, ends, labels, begins), key=lambda row: (row[0], row[1]))
        starts, ends, labels, begins = (list(column) for column in zip(*rows))
    return TurnSpans(signature, starts, ends, labels, begins)


class _Spans:
    """The codec ``stores.file_index.FileIndex`` is given for turns files (see ``stores.file_index.Summary``)."""

    @staticmethod
    def summarise(data: Any, signature: Signature | None) -> TurnSpans:
        return spans_of([] if data is None else data, signature)

    @staticmethod
    def to_json(spans: TurnSpans) -> dict[str, Any]:
        if spans.odd:
            return {"odd": True}
        names, speakers = numbered(spans.labels)
        return {"start": spans.starts, "end": spans.ends, "names": names, "speaker": speakers, "begin": spans.begins}

    @staticmethod
    def from_json(entry: Mapping[str, Any], signature: Signature) -> TurnSpans | None:
        """A well-formed entry's spans, or None (a damaged one is never half-used)."""
        if entry.get("odd") is True:
            return TurnSpans(signature, odd=True)
        starts, ends, begins = entry["start"], entry["end"], entry["begin"]
        if not all(isinstance(column, list) for column in (starts, ends, begins)):
            return None
        labels = named(entry["names"], entry["speaker"], len(starts), STR_OR_NONE)
        if labels is None or not len(starts) == len(ends) == len(begins) \
                or not {*map(type, starts), *map(type, ends)} <= {int} or not set(map(type, begins)) <= _INT_OR_NONE \
                or starts != sorted(starts) or ends != sorted(ends):
            return None
        return TurnSpans(signature, starts, ends, labels, begins)


SPANS = _Spans()
