"""Line numbers: line N is the N-th line of the stored text (1-based).

Numbers depend only on the immutable text, never on the terminal width, so a
quote cited as "SU02, l. 118" means the same line in the TUI, the CLI and every
export.
"""

from __future__ import annotations

from bisect import bisect_right


def line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    pos = find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    return starts


def line_of(starts: list[int], offset: int) -> int:
    """1-based line number containing *offset*."""
    return bisect_right(starts, offset)


def line_span(starts: list[int], text_length: int, line: int) -> tuple[int, int]:
    """[start, end) of 1-based *line*, excluding its newline."""
    start = starts[line - 1]
    end = starts[line] - 1 if line < len(starts) else text_length
    return start, end


def lines_of_span(starts: list[int], start: int, end: int) -> tuple[int, int]:
    """First and last 1-based line touched by the half-open span [start, end)."""
    return line_of(starts, start), line_of(starts, max(start, end - 1))


def cite_lines(first: int, last: int) -> str:
    """How citations name lines *first* to *last*: "l. 5" or "ll. 77-79"."""
    return f"l. {first}" if first == last else f"ll. {first}-{last}"


def lines_label(starts: list[int], start: int, end: int) -> str:
    """How citations name the lines of [start, end): "l. 5" or "ll. 77-79"."""
    return cite_lines(*lines_of_span(starts, start, end))
