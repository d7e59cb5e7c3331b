"""One way of writing numbers, counts and lists of names in every report format."""

from __future__ import annotations

_PLURALS = {"this": "these", "summary": "summaries", "matrix": "matrices"}


def number(n: int) -> str:
    """Digits with a thousands comma: 7, 1,204."""
    return f"{n:,}"


def counted(n: int, noun: str) -> str:
    """'1 segment', '2 segments', '1,204 codings'."""
    word = noun if n == 1 else _PLURALS.get(noun, noun + "s")
    return f"{number(n)} {word}"


def names(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"

