"""Where you left off: the last document, a cursor per document, your recent and pinned codes.

Kept per user in ``$XDG_STATE_HOME/qualtui/positions.json`` (default
``~/.local/state/qualtui/``), keyed by project folder AND coder: one login coding
as ``--coder demo-bob`` never opens where ``demo-alice`` was, nor with her codes.
It never touches the project's files.  Written atomically, 0600.
"""

from __future__ import annotations

import json
from pathlib import Path

from stores.atomic import atomic_write_bytes, ensure_dir

MAX_PROJECTS = 50
MAX_DOCS = 2000


class Positions:
    def __init__(self, folder: Path, project_root: Path, coder: str = "") -> None:
        self.path = Path(folder) / "positions.json"
        self.key = json.dumps([str(Path(project_root).resolve()), coder])
        self.last_doc: str | None = None
        self.docs: dict[str, tuple[int, int]] = {}  # doc id -> (cursor, top offset)
        self.recent: list[str] = []  # code ids, most recent first
        self.pinned: list[str] = []  # code ids pinned to the number keys, in key order
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
        self.pinned = [c for c in entry.get("pinned") or [] if isinstance(c, str)][:9]

    def _entry(self) -> dict:
        docs = dict(list(self.docs.items())[-MAX_DOCS:])
        return {"last_doc": self.last_doc, "docs": {k: list(v) for k, v in docs.items()}, "recent": self.recent[:9],
                "pinned": self.pinned[:9]}

    def remember(self, doc_id: str, cursor: int, top: int) -> None:
        self.docs.pop(doc_id, None)  # keep the most recently used last
        self.docs[doc_id] = (cursor, top)
        self.last_doc = doc_id

    def number_keys(self, known) -> list[str]:
        """The codes on keys 1-9: the pinned ones first (in pin order), then the most recent others."""
        pinned = [c for c in self.pinned if c in known]
        return (pinned + [c for c in self.recent if c in known and c not in pinned])[:9]

    def toggle_pin(self, code_id: str) -> bool:
        """Pin a code to the next number key, or unpin it; True if it is pinned now."""
        if code_id in self.pinned:
            self.pinned.remove(code_id)
            return False
        if len(self.pinned) >= 9:
            raise ValueError("all nine number keys are pinned: unpin one first")
        self.pinned.append(code_id)
        return True

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
        ensure_dir(self.path.parent, follow_link=True)  # the user's own state folder, not a project
        atomic_write_bytes(self.path, json.dumps(data).encode("utf-8"))
        self._saved = entry
