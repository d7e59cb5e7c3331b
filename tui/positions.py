"""Where you left off: the last document, a cursor per document, your recent codes.

Kept per user in ``$XDG_STATE_HOME/qualtui/positions.json`` (default
``~/.local/state/qualtui/``), keyed by project folder, so it never touches the
project's files (nor another coder's view of them).  Written atomically, 0600.
"""

from __future__ import annotations

import json
from pathlib import Path

from stores.atomic import atomic_write_bytes, ensure_dir

MAX_PROJECTS = 50
MAX_DOCS = 2000


class Positions:
    def __init__(self, folder: Path, project_root: Path) -> None:
        self.path = Path(folder) / "positions.json"
        self.key = str(Path(project_root).resolve())
        self.last_doc: str | None = None
        self.docs: dict[str, tuple[int, int]] = {}  # doc id -> (cursor, top offset)
        self.recent: list[str] = []  # code ids, most recent first
        self._saved: object = None
        entry = self._read_all().get(self.key)
        if isinstance(entry, dict):
            self._load(entry)
        self._saved = self._entry()

    def _read_all(self) -> dict:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _load(self, entry: dict) -> None:
        last = entry.get("last_doc")
        self.last_doc = last if isinstance(last, str) else None
        for doc_id, pair in (entry.get("docs") or {}).items():
            if isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, int) for v in pair):
                self.docs[doc_id] = (pair[0], pair[1])
        self.recent = [c for c in entry.get("recent") or [] if isinstance(c, str)][:9]

    def _entry(self) -> dict:
        docs = dict(list(self.docs.items())[-MAX_DOCS:])
        return {"last_doc": self.last_doc, "docs": {k: list(v) for k, v in docs.items()}, "recent": self.recent[:9]}

    def remember(self, doc_id: str, cursor: int, top: int) -> None:
        self.docs.pop(doc_id, None)  # keep the most recently used last
        self.docs[doc_id] = (cursor, top)
        self.last_doc = doc_id

    def save(self) -> None:
        """Write if anything changed; errors are the caller's to report."""
        entry = self._entry()
        if entry == self._saved:
            return
        data = self._read_all()
        data.pop(self.key, None)
        data[self.key] = entry
        while len(data) > MAX_PROJECTS:
            data.pop(next(iter(data)))
        ensure_dir(self.path.parent)
        atomic_write_bytes(self.path, json.dumps(data).encode("utf-8"))
        self._saved = entry
