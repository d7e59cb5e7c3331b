"""An aligned table of any number of rows, its cells held as UTF-8 on a temporary file past a few megabytes.

``stream.Table`` keeps every cell as a string until the widths are known: about 370 bytes a row, so
356,000 search hits of 'the' over the 500-interview project took 160 MB.  Here a row is one line of
bytes (cells joined by NUL: ``safe`` leaves neither NUL nor a line break in a cell), kept in memory
up to ``SPILL_BYTES`` and past that on an unnamed temporary file in the project's folder (transcript
text stays where the project is kept, not on a shared /tmp), read back 5,000 rows at a time.
The printed text is ``common.emit``'s, byte for byte.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from qualtui.cli.common import MAX_WIDTH, fit, safe
from qualtui.cli.stream import TABLE_CUT, _fitted

SPILL_BYTES = 8 * 1024 * 1024
_ROWS_AT_ONCE = 5000


class SpilledTable:
    """``stream.Table``'s interface and output; the cells held as bytes, on disk past *spill_bytes*."""

    def __init__(self, columns: Sequence[str], headers: Sequence[str] | None = None, *,
                 spill_bytes: int | None = None, folder: Path | None = None) -> None:
        self.columns = list(columns)
        self.headers = list(headers or columns)
        self.widest = [0] * len(self.columns)
        self.rows = 0
        # *folder*: the project's own (private) folder, so transcript text never goes to a shared /tmp
        self.held = tempfile.SpooledTemporaryFile(max_size=spill_bytes or SPILL_BYTES, dir=folder)

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        rows = list(rows)
        self.write_columns([[safe(row.get(c)) for row in rows] for c in self.columns])

    def write_columns(self, columns: Sequence[Sequence[str]]) -> None:
        """Cells already made safe (``common.safe``), a list per column in column order."""
        cut, kept = TABLE_CUT, []
        for i, column in enumerate(columns):
            longest = max(map(len, column), default=0)
            kept.append(column if longest <= cut else [cell[:cut] for cell in column])
            self.widest[i] = max(self.widest[i], min(longest, cut))
        if kept and kept[0]:
            self.held.write(("\n".join(map("\0".join, zip(*kept))) + "\n").encode("utf-8", "surrogatepass"))
            self.rows += len(kept[0])

    @property
    def spilled(self) -> bool:
        """True once the cells went to the temporary file."""
        return bool(getattr(self.held, "_rolled", False))

    def close(self) -> None:
        widths = [min(MAX_WIDTH, max(len(head), widest)) for head, widest in zip(self.headers, self.widest)]
        out = sys.stdout
        out.write("  ".join(fit(v, w) for v, w in zip(self.headers, widths)).rstrip() + "\n")
        held, self.held = self.held, None
        with held:
            held.seek(0)
            lines = iter(held)
            while chunk := list(islice(lines, _ROWS_AT_ONCE)):
                rows = [line.split("\0") for line in b"".join(chunk).decode("utf-8", "surrogatepass").split("\n")[:-1]]
                shown = [_fitted(column, width) for column, width in zip(zip(*rows), widths)]
                out.write("\n".join(map(str.rstrip, map("  ".join, zip(*shown)))) + "\n")
