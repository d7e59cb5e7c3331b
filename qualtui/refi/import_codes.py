"""Codes from a REFI-QDA code tree: unique clean names, colours, and records ready to store."""

from __future__ import annotations

from qualtui.errors import QualtuiError
from qualtui.model import Code, new_id, now_iso
from qualtui.refi.common import unfold_definition
from qualtui.refi.reader import RCode
from qualtui.text.normalise import clean_label


def palette_color(i: int) -> str:
    from qualtui.services.codebook import PALETTE

    return PALETTE[i % len(PALETTE)]


def code_color(value: str | None, i: int) -> str:
    from qualtui.services.codebook import normalise_color

    if value:
        try:
            return normalise_color(value)
        except QualtuiError:
            pass
    return palette_color(i)


class CodeNames:
    """Unique, clean names (case-insensitive), renaming and remembering collisions."""

    def __init__(self, taken: list[str] = (), limit: int = 100, fallback: str = "Unnamed") -> None:
        self.taken = {n.casefold() for n in taken}
        self.limit = limit
        self.fallback = fallback
        self.renamed: list[tuple[str, str]] = []

    def claim(self, wanted: str, context: str = "") -> str:
        base = clean_label(wanted, self.limit).replace("/", "-").strip() or self.fallback
        name = base
        if name.casefold() in self.taken and context:
            name = clean_label(f"{base} ({context})", self.limit)
        n = 2
        while name.casefold() in self.taken:
            name = clean_label(f"{base} ({n})", self.limit)
            n += 1
        self.taken.add(name.casefold())
        if name != (wanted or "").strip():
            self.renamed.append((wanted, name))
        return name


def code_records(tree: list[RCode], coder: str, used_ids: set[str], names: CodeNames,
                  match=None, palette_offset: int = 0) -> tuple[list[Code], dict[str, str], list[str]]:
    """Flatten an imported code tree.  ``match(rcode)`` may return an existing code id to merge into.

    Returns (new codes, guid -> qualtui id, merge messages).
    """
    new: list[Code] = []
    ids: dict[str, str] = {}
    merges: list[str] = []
    stamp = now_iso()

    def walk(codes: list[RCode], parent: str | None, parent_name: str) -> None:
        for rc in codes:
            existing = match(rc) if match else None
            if existing is not None:
                code_id, how = existing
                merges.append(f"{clean_label(rc.name)} ({how})")
                if rc.guid:
                    ids[rc.guid] = code_id
                walk(rc.children, code_id, rc.name)
                continue
            code_id = rc.guid if rc.guid and rc.guid not in used_ids else new_id()
            used_ids.add(code_id)
            if rc.guid:
                ids.setdefault(rc.guid, code_id)
            definition = unfold_definition(rc.description.replace("\r\n", "\n"))
            name = names.claim(rc.name, parent_name)
            new.append(Code(id=code_id, name=name, parent=parent, color=code_color(rc.color, palette_offset + len(new)),
                            description=definition["description"], inclusion=definition["inclusion"],
                            exclusion=definition["exclusion"], example=definition["example"],
                            codable=rc.codable, created=stamp, created_by=coder))
            walk(rc.children, code_id, name)

    walk(tree, None, "")
    return new, ids, merges


def walk_codes(codes: list[RCode]):
    for code in codes:
        yield code
        yield from walk_codes(code.children)
