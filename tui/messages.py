"""Results that the analysis screens hand back to the app.

A screen that wants the app to show a place in a transcript dismisses with a
``JumpTo``; the app opens the document and selects ``[start, end)``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class JumpTo:
    document_id: str
    start: int
    end: int
