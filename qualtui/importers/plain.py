"""Plain text and markdown transcripts, and the decoding shared by every text format."""

from __future__ import annotations

from qualtui.errors import ImportRejected
from qualtui.importers.speakers import detect_turns
from qualtui.model import Transcript
from qualtui.text.normalise import bomless_utf16, decode_bytes, normalise_text


def looks_binary(data: bytes) -> bool:
    """A high share of control bytes (NUL among them) in the first 8 KB means this is not a text file.

    A few stray controls in real text are tolerated: normalisation removes them.
    """
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")) or bomless_utf16(data):
        return False  # UTF-16 legitimately contains NULs
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    nuls = sample.count(0)
    return controls > max(4, len(sample) // 20) or nuls > max(2, len(sample) // 200)


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
