"""Who is coding: --coder, else $QUALTUI_CODER, else the configured name, else the login name."""

from __future__ import annotations

import getpass
import os

from qualtui.text.normalise import clean_label


def resolve_coder(explicit: str | None = None, configured: str | None = None) -> str:
    for candidate in (explicit, os.environ.get("QUALTUI_CODER"), configured):
        if candidate and clean_label(candidate):
            return clean_label(candidate, 60)
    try:
        return clean_label(getpass.getuser(), 60) or "coder"
    except Exception:  # no login name (containers without a passwd entry)
        return "coder"


def coder_key(name: str) -> str:
    """Coder names compare case-insensitively and without control characters."""
    return clean_label(name).casefold()
