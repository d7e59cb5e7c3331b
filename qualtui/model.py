"""The domain model: plain dataclasses, converted to and from store records.

Offsets are half-open ``[start, end)`` code-point offsets into a document's
immutable text.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timezone
from collections.abc import Iterable
from itertools import chain, compress, repeat
from operator import eq, is_, methodcaller
from typing import Any, ClassVar

from qualtui.text.normalise import BIDI_CONTROLS, clean_label, clean_text, has_controls


def new_id() -> str:
    return str(uuid.uuid4())


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_FIELD_NAMES: dict[type, frozenset[str]] = {}
_CODER, _CREATED, _MEMO = (methodcaller("get", key) for key in ("coder", "created", "memo"))
_LABEL_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")  # nor TAB, LF or bidi overrides


class _Record:
    """The base of every record dataclass: built from a store record, ignoring unknown keys (forward compatible).

    ``cleaned()`` applies the one rule for stored strings: one-line fields (``LABELS``, with
    their length limits) as ``clean_label``, multi-line ones (``TEXTS``) keep LF and TAB and
    lose every other control.  Ids and references are never changed.  Services clean on every
    write; ``from_record`` cleans what an older version or a hand-made file stored raw.
    """

    LABELS: ClassVar[dict[str, int]] = {}
    TEXTS: ClassVar[tuple[str, ...]] = ()
    SCALARS: ClassVar[bool] = False   # every field is a str, int or None: nothing to copy

    @classmethod
    def field_names(cls) -> frozenset[str]:
        names = _FIELD_NAMES.get(cls)
        if names is None:
            names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))  # type: ignore[arg-type]
        return names

    @classmethod
    def from_record(cls, record: dict[str, Any]):
        names = cls.field_names()
        made = cls(**{k: _copy(v) for k, v in record.items() if k in names})
        return made.cleaned() if cls._needs_cleaning(record) else made

    @classmethod
    def from_records(cls, records: Iterable[dict[str, Any]]) -> list:
        """``[from_record(r) for r in records]``, at a fraction of the cost for classes of scalars.

        The hot path of reading tens of thousands of codings and turns: when no record has an unknown
        key and none needs cleaning (checked for all at once), each is built straight from its record
        (nothing to copy: every value is a str, an int or None, and objects never change a value in place).
        """
        records = records if isinstance(records, list) else list(records)
        if cls.SCALARS and cls.usable_as_stored(records):
            return [cls(**r) for r in records]
        return [cls.from_record(r) for r in records]

    @classmethod
    def usable_as_stored(cls, records: list, *, complete: bool = False) -> bool:
        """Whether every record is a dict of known fields with nothing to clean (checked for all at once);
        *complete*: of every field, as this version writes them."""
        names = cls.field_names()
        if complete:   # C-level: the hot path of reading a whole project's codings
            shaped = all(map(isinstance, records, repeat(dict))) and all(map(eq, repeat(names), map(dict.keys, records)))
        else:
            shaped = all(isinstance(r, dict) and r.keys() <= names for r in records)
        return shaped and not cls._any_needs_cleaning(records)

    @classmethod
    def _any_needs_cleaning(cls, records: list[dict[str, Any]]) -> bool:
        labels = "".join([v for r in records for k in cls.LABELS if type(v := r.get(k)) is str])
        texts = "".join([v for r in records for k in cls.TEXTS if type(v := r.get(k)) is str])
        return _LABEL_UNSAFE.search(labels) is not None or has_controls(texts)

    @classmethod
    def _needs_cleaning(cls, record: dict[str, Any]) -> bool:
        # One search per kind over the fields joined: reading tens of thousands of records stays fast.
        labels = "".join([v for k in cls.LABELS if type(v := record.get(k)) is str])
        return _LABEL_UNSAFE.search(labels) is not None or \
            has_controls("".join([v for k in cls.TEXTS if type(v := record.get(k)) is str]))

    def to_record(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    def cleaned(self):
        changes: dict[str, Any] = {}
        for name, limit in self.LABELS.items():
            value = getattr(self, name)
            if isinstance(value, str):
                changes[name] = clean_label(value, limit)
        for name in self.TEXTS:
            value = getattr(self, name)
            if isinstance(value, str):
                changes[name] = clean_text(value)
        return replace(self, **changes, **self._clean_more())  # type: ignore[type-var]

    def _clean_more(self) -> dict[str, Any]:
        return {}

    def safe(self):
        """What a write stores: ``cleaned()`` when a field needs it (a fast check), else this object itself."""
        return self.cleaned() if self._needs_cleaning(vars(self)) else self




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

    LABELS: ClassVar[dict[str, int]] = {"speaker": 200}
    SCALARS: ClassVar[bool] = True

    start: int
    end: int
    speaker: str | None = None
    label_start: int | None = None
    begin_ms: int | None = None
    end_ms: int | None = None


@dataclass
class Document(_Record):
    LABELS: ClassVar[dict[str, int]] = {"name": 120, "source": 200, "source_format": 40, "created": 60,
                                        "imported_by": 60}

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

    @classmethod
    def _needs_cleaning(cls, record: dict[str, Any]) -> bool:
        attributes = record.get("attributes") or {}
        strings = [*(record.get("speakers") or []), *(attributes if type(attributes) is dict else ["\x00"])]
        strings += attributes.values() if type(attributes) is dict else []
        joined = "".join(s if type(s) is str else "\x00" for s in strings)
        return super()._needs_cleaning(record) or _LABEL_UNSAFE.search(joined) is not None

    def _clean_more(self) -> dict[str, Any]:
        attributes: dict[str, str] = {}
        for key, value in (self.attributes or {}).items():
            key = clean_label(str(key), 60)
            if key:
                attributes[key] = clean_label(str(value))
        return {"attributes": attributes,
                "speakers": [clean_label(str(s), 200) for s in self.speakers or [] if clean_label(str(s), 200)]}


_COLOR = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6})")


@dataclass
class Code(_Record):
    LABELS: ClassVar[dict[str, int]] = {"name": 100, "created": 60, "created_by": 60}
    TEXTS: ClassVar[tuple[str, ...]] = ("description", "inclusion", "exclusion", "example")

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

    @classmethod
    def _needs_cleaning(cls, record: dict[str, Any]) -> bool:
        color = record.get("color", "#1f77b4")
        return super()._needs_cleaning(record) or not (type(color) is str and _COLOR.fullmatch(color))

    def _clean_more(self) -> dict[str, Any]:
        # Colours become Rich styles in the TUI: anything but #rgb/#rrggbb falls back to the default.
        color = self.color.strip().lower() if isinstance(self.color, str) else ""
        if not _COLOR.fullmatch(color):
            return {"color": "#1f77b4"}
        return {"color": color if len(color) == 7 else "#" + "".join(c * 2 for c in color[1:])}


@dataclass
class Coding(_Record):
    LABELS: ClassVar[dict[str, int]] = {"coder": 60, "created": 60}
    SCALARS: ClassVar[bool] = True

    id: str
    document: str
    code: str
    start: int
    end: int
    coder: str
    created: str = ""
    memo: str | None = None

    @classmethod
    def _needs_cleaning(cls, record: dict[str, Any]) -> bool:
        # Spelled out: the hot path when tens of thousands of codings are read.
        return _LABEL_UNSAFE.search(f"{record.get('coder')}{record.get('created')}") is not None or \
            has_controls(record.get("memo") or "")

    @classmethod
    def _any_needs_cleaning(cls, records: list[dict[str, Any]]) -> bool:
        return cls.columns_need_cleaning(list(map(_CODER, records)), list(map(_CREATED, records)),
                                         list(map(_MEMO, records)))

    @staticmethod
    def columns_need_cleaning(coders: list[Any], created: list[Any], memos: list[Any]) -> bool:
        """Whether any of these codings' coders, creation times or memos (one list each) needs cleaning."""
        if not set(map(type, chain(coders, created))) <= {str}:   # C-level when all are
            coders, created = list(map(str, coders)), list(map(str, created))
        labels = "".join(coders) + "".join(created)
        # isprintable() is false for every character _LABEL_UNSAFE finds (and others): a quicker first look
        return (not labels.isprintable() and _LABEL_UNSAFE.search(labels) is not None) \
            or has_controls("".join(compress(memos, map(is_, map(type, memos), repeat(str)))))

    def _clean_more(self) -> dict[str, Any]:
        return {"memo": clean_text(self.memo) or None if isinstance(self.memo, str) else None}

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

    LABELS: ClassVar[dict[str, int]] = {"kind": 20, "title": 200, "author": 60, "created": 60, "modified": 60}
    TEXTS: ClassVar[tuple[str, ...]] = ("text",)

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
