"""Writing an export to a file the user named: checked, atomic, private (0600)."""

from __future__ import annotations

from pathlib import Path

from qualtui.errors import QualtuiError
from qualtui.textnorm import safe_for_terminal


def write_export_file(path: Path, data: bytes) -> None:
    """Write *data* to *path* atomically with mode 0600, or raise a one-line QualtuiError."""
    from stores.atomic import atomic_write_bytes

    path = Path(path)
    if path.is_dir():
        raise QualtuiError(f"{safe_for_terminal(str(path))} is a folder; give a file name with -o")
    if not path.parent.is_dir():
        raise QualtuiError(f"folder {safe_for_terminal(str(path.parent))} does not exist")
    atomic_write_bytes(path, data)
