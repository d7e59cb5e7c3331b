"""Names that repeat down a column of an index entry (codes, coders, speakers), each stored once and referred
to by number: what the coding-columns and turns indexes both write and check when read."""

from __future__ import annotations

from typing import Any

STR_OR_NONE = frozenset({str, type(None)})


def numbered(names: list[Any]) -> tuple[list[Any], list[int]]:
    """(each distinct name once, in order of first use; the number of each name in that list)."""
    distinct = list(dict.fromkeys(names))
    number = {name: i for i, name in enumerate(distinct)}
    return distinct, list(map(number.__getitem__, names))


def named(distinct: Any, numbers: Any, n: int, kinds: frozenset[type] = frozenset({str})) -> list[Any] | None:
    """The names *numbers* refer to, or None for an entry damaged in any way: not two lists, not *n* numbers,
    a number that is not one or not an index of *distinct*, or a name of a type not in *kinds*."""
    if not (isinstance(distinct, list) and isinstance(numbers, list) and len(numbers) == n
            and set(map(type, distinct)) <= kinds and set(map(type, numbers)) <= {int}):
        return None
    if numbers and not 0 <= min(numbers) <= max(numbers) < len(distinct):
        return None
    return list(map(distinct.__getitem__, numbers))
