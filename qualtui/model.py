"""The domain model: plain dataclasses, converted to and from store records.

Offsets are half-open ``[start, end)`` code-point offsets into a document's
immutable text.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any


def new_id() -> str:
    return str(uuid.uuid4())


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_FIELD_NAMES: dict[type, frozenset[str]] = {}


class _Record:
    """Mixin: build from a store record, ignoring unknown keys (forward compatible)."""

    @classmethod
    def from_record(cls, record: dict[str, Any]):
        names = _FIELD_NAMES.get(cls)
        if names is None:
            names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))  # type: ignore[arg-type]
        return cls(**{k: _copy(v) for k, v in record.items() if k in names})

    def to_record(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@dataclass(frozen=True)
class Turn(_Record):
    """One speaker turn.

    ``[start, end)`` is what the speaker said; ``label_start`` is where the
    speaker label ("Alex:") begins, equal to ``start`` when there is none.
    Timestamps are milliseconds, kept from VTT/SRT cues.
    """

    start: int
    end: int
    speaker: str | None = None
    label_start: int | None = None
    begin_ms: int | None = None
    end_ms: int | None = None


@dataclass
class Document(_Record):
    id: str
    name: str
    length: int = 0
    words: int = 0
    turns: int = 0
    speakers: list[str] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    source: str = ""
    source_format: str = ""
    sha256: str = ""
    created: str = ""
    imported_by: str = ""


@dataclass
class Code(_Record):
    id: str
    name: str
    parent: str | None = None
    color: str = "#1f77b4"
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    codable: bool = True
    created: str = ""
    created_by: str = ""


@dataclass
class Coding(_Record):
    id: str
    document: str
    code: str
    start: int
    end: int
    coder: str
    created: str = ""
    memo: str | None = None

    def to_record(self) -> dict[str, Any]:
        # Every field is a scalar, so a shallow copy is exact and far faster than
        # dataclasses.asdict when tens of thousands are written at once (imports).
        return dict(self.__dict__)

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end

    def covers(self, offset: int) -> bool:
        return self.start <= offset < self.end


MEMO_KINDS = ("project", "document", "code", "coding")


@dataclass
class Memo(_Record):
    """A markdown memo. ``kind`` says what it is about; ``target`` is that thing's id."""

    id: str
    kind: str
    text: str = ""
    target: str | None = None
    title: str = ""
    author: str = ""
    created: str = ""
    modified: str = ""


@dataclass(frozen=True)
class Transcript:
    """What an importer produces: normalised text plus turns, before it is stored."""

    text: str
    turns: tuple[Turn, ...]
    source_format: str
    warnings: tuple[str, ...] = ()
