"""Plain text and markdown transcripts, and the decoding shared by every text format."""

from __future__ import annotations

from qualtui.errors import ImportRejected
from qualtui.importers.speakers import detect_turns
from qualtui.model import Transcript
from qualtui.textnorm import bomless_utf16, decode_bytes, normalise_text


def looks_binary(data: bytes) -> bool:
    """NUL bytes or a high share of control bytes mean this is not a text file."""
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")) or bomless_utf16(data):
        return False  # UTF-16 legitimately contains NULs
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(4, len(sample) // 20)


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Bytes of a text file -> normalised text and warnings, or ``ImportRejected``."""
    if looks_binary(data):
        raise ImportRejected("looks like a binary file, not text")
    try:
        raw, _encoding, warnings = decode_bytes(data)
    except UnicodeDecodeError:
        raise ImportRejected("cannot decode the text (damaged UTF-16)") from None
    return normalise_text(raw), warnings


def read_plain(data: bytes, name: str) -> Transcript:
    text, warnings = decode_text(data)
    text = text.strip("\n")
    source_format = "md" if name.lower().endswith(".md") else "txt"
    return Transcript(text=text, turns=tuple(detect_turns(text)), source_format=source_format,
                      warnings=tuple(warnings))
