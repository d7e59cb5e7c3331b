"""A virtual terminal, just enough for Textual's output: what the screen shows, as text.

Fed with the bytes a pty produced, it keeps a grid of characters (cursor moves,
text, erasing; colours ignored), so a harness can wait for "the screen shows X"
even when Textual writes X in pieces (an overlapping toast splits a row into
several cursor-addressed runs).  Used by bench/crash_tui.py.
"""

from __future__ import annotations

import codecs
import re

COLUMNS, ROWS = 120, 40
_CSI = re.compile(r"\x1b\[([0-9;?<>=]*)[ -/]*([@-~])")
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_UNFINISHED = re.compile(r"\x1b(?:\[[0-9;?<>=]*[ -/]*|\][^\x07\x1b]*\x1b?)?\Z")


class VirtualScreen:
    """A grid of characters updated from the escape sequences Textual writes (cursor moves, text)."""

    def __init__(self, columns: int = COLUMNS, rows: int = ROWS) -> None:
        self.columns, self.rows = columns, rows
        self.grid = [[" "] * columns for _ in range(rows)]
        self.row = self.column = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""

    def feed(self, data: bytes) -> None:
        text = self._pending + self._decoder.decode(data)
        self._pending = ""
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch == "\x1b":
                match = _CSI.match(text, i) or _OSC.match(text, i)
                if match is None:
                    if _UNFINISHED.match(text, i):
                        self._pending = text[i:]  # cut by the read: finish it with the next data
                        return
                    i += 2  # a two-character escape (ESC 7, ESC =, ...)
                    continue
                if match.re is _CSI:
                    self._csi(match.group(1), match.group(2))
                i = match.end()
            elif ch == "\r":
                self.column = 0
                i += 1
            elif ch == "\n":
                self.row = min(self.row + 1, self.rows - 1)
                i += 1
            elif ch == "\b":
                self.column = max(self.column - 1, 0)
                i += 1
            elif ch < " " or ch == "\x7f":
                i += 1
            else:
                self.grid[self.row][min(self.column, self.columns - 1)] = ch
                self.column = min(self.column + 1, self.columns)  # autowrap is off (?7l)
                i += 1

    def _csi(self, params: str, final: str) -> None:
        if params.startswith(("?", "<", ">", "=")):
            return  # modes and private sequences
        numbers = [int(p) if p else 0 for p in params.split(";")] if params else []
        first = numbers[0] if numbers else 0
        if final in "Hf":
            row = numbers[0] if numbers else 1
            column = numbers[1] if len(numbers) > 1 else 1
            self.row = min(max(row, 1), self.rows) - 1
            self.column = min(max(column, 1), self.columns) - 1
        elif final == "A":
            self.row = max(self.row - max(first, 1), 0)
        elif final == "B":
            self.row = min(self.row + max(first, 1), self.rows - 1)
        elif final == "C":
            self.column = min(self.column + max(first, 1), self.columns)
        elif final == "D":
            self.column = max(self.column - max(first, 1), 0)
        elif final == "G":
            self.column = min(max(first, 1), self.columns) - 1
        elif final == "K":
            line = self.grid[self.row]
            lo, hi = {0: (self.column, self.columns), 1: (0, self.column + 1)}.get(first, (0, self.columns))
            line[lo:hi] = [" "] * (min(hi, self.columns) - lo)
        elif final == "J" and first in (2, 3):
            self.grid = [[" "] * self.columns for _ in range(self.rows)]

    def text(self) -> str:
        return "\n".join("".join(line) for line in self.grid)

    def shows(self, wanted: str) -> bool:
        return any(wanted in "".join(line) for line in self.grid)
