"""The codebook: hierarchical codes (themes are codes with children)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from qualtui.errors import ChangedMeanwhile, NotFoundError, QualtuiError
from qualtui.model import Code, new_id, now_iso
from qualtui.services.documents import resolve
from qualtui.text.normalise import clean_label, clean_text

if TYPE_CHECKING:
    from qualtui.project import Project

TABLE = "codes"

# 24 colours for new codes, each exactly one of the 256 xterm colours (so none blur together there); the
# first twelve, and the last twelve, map to twelve different colours of the 16-colour ANSI palette.  Colour
# is never the only sign of a code: the gutter and the status bar name it.
PALETTE_NAMES = (
    ("#d70000", "red"), ("#00af00", "green"), ("#0000ff", "blue"), ("#d78700", "ochre"),
    ("#8700af", "purple"), ("#00afaf", "teal"), ("#ff5fd7", "pink"), ("#5fff5f", "light green"),
    ("#5f87ff", "periwinkle"), ("#ffd700", "yellow"), ("#ff875f", "salmon"), ("#5fd7ff", "sky blue"),
    ("#870000", "maroon"), ("#005f00", "dark green"), ("#000087", "navy"), ("#878700", "olive"),
    ("#d7005f", "raspberry"), ("#0087d7", "azure"), ("#ff87af", "rose"), ("#87d700", "lime"),
    ("#875fd7", "violet"), ("#d7d787", "khaki"), ("#ff8700", "orange"), ("#87ffd7", "aquamarine"),
)
PALETTE = tuple(hex_value for hex_value, _ in PALETTE_NAMES)
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
EDITABLE = ("name", "parent", "color", "description", "inclusion", "exclusion", "example", "codable")


def normalise_color(value: str) -> str:
    value = value.strip()
    if not _COLOR.match(value):
        raise QualtuiError(f"{clean_label(value)!r} is not a colour; use #RRGGBB")
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value.lower()


class CodeService:
    def __init__(self, project: "Project") -> None:
        self.project = project
        self.file = project.store.project

    # reads -----------------------------------------------------------------
    def all(self) -> list[Code]:
        codes = [Code.from_record(r) for r in self.file.raw(TABLE).values()]
        return sorted(codes, key=lambda c: c.name.casefold())

    def by_id(self, code_id: str) -> Code:
        record = self.file.get(TABLE, code_id)
        if record is None:
            raise NotFoundError(f"no code with id {code_id}")
        return Code.from_record(record)

    def get(self, ref: str) -> Code:
        """By id, name (case-insensitive), unique prefix, or a path like 'Theme/Code'."""
        codes = self.all()
        if "/" in ref:
            by_path = [c for c in codes if self.path(c, codes).casefold() == ref.strip().casefold()]
            if len(by_path) == 1:
                return by_path[0]
        return resolve(codes, ref, "code")

    def find(self, name: str) -> Code | None:
        folded = clean_label(name).casefold()
        return next((c for c in self.all() if c.name.casefold() == folded), None)

    def children(self, code_id: str | None, codes: list[Code] | None = None) -> list[Code]:
        return [c for c in (codes or self.all()) if c.parent == code_id]

    def descendants(self, code_id: str, codes: list[Code] | None = None) -> list[Code]:
        codes = codes or self.all()
        out: list[Code] = []
        stack = [code_id]
        while stack:
            current = stack.pop()
            for child in codes:
                if child.parent == current:
                    out.append(child)
                    stack.append(child.id)
        return out

    def path(self, code: Code, codes: list[Code] | None = None) -> str:
        by_id = {c.id: c for c in (codes or self.all())}
        parts = [code.name]
        seen = {code.id}
        parent = code.parent
        while parent and parent in by_id and parent not in seen:
            seen.add(parent)
            parts.append(by_id[parent].name)
            parent = by_id[parent].parent
        return "/".join(reversed(parts))

    def tree(self) -> list[tuple[int, Code]]:
        """Depth-first (depth, code) pairs, siblings sorted by name; orphans become roots."""
        codes = self.all()
        ids = {c.id for c in codes}
        children: dict[str | None, list[Code]] = {}
        for code in codes:
            parent = code.parent if code.parent in ids else None
            children.setdefault(parent, []).append(code)
        out: list[tuple[int, Code]] = []
        seen: set[str] = set()

        def walk(parent: str | None, depth: int) -> None:
            for code in children.get(parent, []):
                if code.id not in seen:
                    seen.add(code.id)
                    out.append((depth, code))
                    walk(code.id, depth + 1)

        walk(None, 0)
        return out

    # writes ----------------------------------------------------------------
    def _check_name(self, name: str, exclude: str | None = None) -> str:
        name = clean_label(name, 100)
        if not name:
            raise QualtuiError("a code needs a name")
        if "/" in name:
            raise QualtuiError("code names cannot contain '/' (it separates parent and child)")
        for code in self.all():
            if code.id != exclude and code.name.casefold() == name.casefold():
                raise QualtuiError(f"a code named {code.name!r} already exists")
        return name

    def _check_parent(self, parent: str | None, code_id: str | None = None) -> None:
        if parent is None:
            return
        self.by_id(parent)
        if code_id and (parent == code_id or parent in {c.id for c in self.descendants(code_id)}):
            raise QualtuiError("a code cannot be moved under itself or one of its sub-codes")

    def next_color(self) -> str:
        """The first palette colour no code uses; when all are used, the least used (never a repeat while
        an unused colour is left)."""
        used: dict[str, int] = {}
        for record in self.file.raw(TABLE).values():
            color = str(record.get("color", "")).lower()
            used[color] = used.get(color, 0) + 1
        return min(PALETTE, key=lambda c: (used.get(c, 0), PALETTE.index(c)))

    def create(self, name: str, *, parent: str | None = None, color: str | None = None,
               description: str = "", codable: bool = True, **criteria: str) -> Code:
        name = self._check_name(name)
        self._check_parent(parent)
        code = Code(
            id=new_id(), name=name, parent=parent,
            color=normalise_color(color) if color else self.next_color(),
            description=description, codable=codable, created=now_iso(), created_by=self.project.coder,
            **{k: v for k, v in criteria.items() if k in ("inclusion", "exclusion", "example")},
        ).cleaned()
        record = code.to_record()

        def apply(table: dict) -> None:  # checked again inside the lock: two coders, one name, one code
            _unique(table, code.name, None)
            if parent is not None and parent not in table:
                raise NotFoundError(f"no code with id {parent}")
            table[code.id] = record

        self.file.mutate(TABLE, apply)
        self.project.audit("code.create", code=code.id, name=code.name, parent=parent)
        return code

    def update(self, code_id: str, *, audit: bool = True, **changes: Any) -> Code:
        """Change fields of a code (*audit* False: see MemoService.update)."""
        return self.update_pair(code_id, audit=audit, **changes)[1]

    def update_pair(self, code_id: str, *, audit: bool = True, expect: dict | None = None,
                    **changes: Any) -> tuple[Code, Code]:
        """Like ``update``; (the code as this write found it, as it left it), for undo.  *expect*: fields the
        stored code must still hold (checked inside the lock), else ``ChangedMeanwhile``, nothing written."""
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise QualtuiError(f"cannot change {', '.join(sorted(unknown))} of a code")
        if "name" in changes:
            changes["name"] = self._check_name(changes["name"], exclude=code_id)
        if "parent" in changes:
            self._check_parent(changes["parent"], code_id)
        if changes.get("color"):
            changes["color"] = normalise_color(changes["color"])
        for name in Code.TEXTS:
            if name in changes:
                changes[name] = clean_text(str(changes[name] or ""))

        def apply(table: dict) -> dict:
            if code_id not in table:
                raise NotFoundError(f"no code with id {code_id}")
            if "name" in changes:
                _unique(table, changes["name"], code_id)
            if changes.get("parent") is not None and changes["parent"] not in table:
                raise NotFoundError(f"no code with id {changes['parent']}")
            found = table[code_id]
            if expect and any(found.get(field, "") != value for field, value in expect.items()):
                raise ChangedMeanwhile(f"code {code_id} was changed by someone else meanwhile")
            table[code_id] = dict(found, **changes)
            return found, table[code_id]

        found, record = self.file.mutate(TABLE, apply)
        if audit:
            self.project.audit("code.update", code=code_id, fields=sorted(changes))
        return Code.from_record(found), Code.from_record(record)

    def put(self, codes: Iterable[Code]) -> None:
        """Store codes as given (used by undo, merge and import), cleaned by the rule every write follows."""
        codes = [c.safe() for c in codes]
        self.file.put_many(TABLE, [c.to_record() for c in codes])
        self.project.audit("code.put", codes=[c.id for c in codes])

    def delete_records(self, code_ids: Iterable[str]) -> list[str]:
        """Remove code records only; callers deal with codings and children first."""
        removed = self.file.delete_many(TABLE, list(code_ids))
        if removed:
            self.project.audit("code.delete", codes=removed)
        return removed


def _unique(table: dict, name: str, exclude: str | None) -> None:
    for key, record in table.items():
        if key != exclude and record.get("name", "").casefold() == name.casefold():
            raise QualtuiError(f"a code named {record['name']!r} already exists")
