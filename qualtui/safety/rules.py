"""What makes one stored record or audit line valid: the rules ``check`` applies file by file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from qualtui.model import Coding
from stores.layout import CACHES, DOCUMENTS_DIR, FOLDERS, is_lock_file, is_temp_file
from stores.links import planted_links

T = TypeVar("T")


def is_torn_audit_fragment(line: bytes) -> bool:
    """The start of an entry whose writer was killed mid-line (the next entry starts on a new line)."""
    return line.startswith(b'{"time":') and not is_json_object(line)


def is_json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, UnicodeDecodeError):
        return False


_FIELD_TYPES = {"int": int, "str": str, "bool": bool}


def check_types(item: Any) -> None:
    """Required scalar fields must have their declared type (a hand-edited file may not)."""
    for name, declared in item.__dataclass_fields__.items():
        wanted = _FIELD_TYPES.get(str(declared.type))
        value = getattr(item, name)
        if wanted is not None and (not isinstance(value, wanted) or (wanted is int and isinstance(value, bool))):
            raise TypeError(f"{name} should be {declared.type}")


def parse_record(key: str, record: Any, cls: type[T]) -> T:
    """The record stored under *key* as a *cls*, or TypeError/ValueError saying why it cannot be read."""
    if not isinstance(record, dict) or record.get("id") != key:
        raise TypeError("its id does not match its key")
    item = cls.from_record(record)
    check_types(item)
    return item


def invalid_coding(key: str, record: Any, doc_id: str, length: int | None, codes: dict) -> str | None:
    """Why one stored coding is not valid, or None."""
    try:
        coding = parse_record(key, record, Coding)
    except (TypeError, ValueError) as exc:
        return f"unreadable ({exc})"
    if coding.document != doc_id:
        return "stored under another document"
    if coding.code not in codes:
        return "its code does not exist"
    if not coding.start < coding.end or coding.start < 0 or (length is not None and coding.end > length):
        return f"span [{coding.start}, {coding.end}) is not inside the text (0-{length})"
    return None


def find_cycles(codes: dict[str, Any]) -> list[list[str]]:
    """Parent cycles in the codebook, each as the list of code ids in it."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles = []
    for start in codes:
        path: list[str] = []
        current: str | None = start
        while current in codes and state.get(current) is None:
            state[current] = 1
            path.append(current)
            current = codes[current].parent if hasattr(codes[current], "parent") else codes[current].get("parent")
        if current in codes and state.get(current) == 1:
            cycles.append(path[path.index(current):])
        for code_id in path:
            state[code_id] = 2
    return cycles


def planted_link_advice(root: Path) -> list[tuple[str, str]]:
    """(where, what to do) for every symbolic link in the project (a repair never deletes the user's files)."""
    found = []
    for relative, target in planted_links(root, FOLDERS):
        name = relative.rsplit("/", 1)[-1]
        if relative in FOLDERS:
            todo = (f"remove the link {relative} and put back the real {relative}/ folder from a backup"
                    if relative == DOCUMENTS_DIR else f"remove the link {relative}; qualtui makes a new {relative}/ folder")
        elif relative in CACHES:
            todo = f"remove the link {relative}; it is an index qualtui rebuilds from the project's files"
        elif is_lock_file(name) or is_temp_file(name):
            todo = f"remove the link {relative}; qualtui makes its own {'lock' if is_lock_file(name) else 'temporary'} files"
        else:
            todo = f"remove the link {relative} and restore the real file from a backup"
        found.append((relative, f"is a symbolic link to {target}; qualtui does not follow links inside a project: {todo}"))
    return found
