"""Text normalisation applied once at import, and label cleaning everywhere.

After import the stored text never changes, so this is the only place where
newlines, encodings and control characters are dealt with.
"""

from __future__ import annotations

import re
import unicodedata

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL/ST),
# DCS/SOS/PM/APC (ESC P|X|^|_ ... ST), and two-character escapes.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]                 # CSI
  | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?      # OSC
  | \x1b[PX^_][^\x1b]*(?:\x1b\\)?           # DCS, SOS, PM, APC
  | \x1b[@-Z\\-_]                           # other Fe escapes
  | \x1b[ -/]*[0-~]?                        # nF escapes and a lone ESC
  | \x9b[0-?]*[ -/]*[@-~]                   # 8-bit CSI
    """,
    re.VERBOSE,
)
# C0 controls except TAB and LF, DEL, and C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LABEL_SPACE = re.compile(r"[\t\n\r\f\v]+")
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping LF and TAB."""
    if "\x1b" in text or "\x9b" in text:
        text = _ESCAPE_SEQUENCE.sub("", text)
    return _CONTROL.sub("", text)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalise_text(text: str) -> str:
    """The canonical stored form: LF newlines, no BOM, no control characters, NFC."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = normalise_newlines(text)
    text = strip_controls(text)
    return unicodedata.normalize("NFC", text)


def clean_label(value: str, max_length: int = 200) -> str:
    """A name, attribute value or speaker label that is safe to print on one line."""
    value = _LABEL_SPACE.sub(" ", strip_controls(normalise_newlines(str(value))))
    value = unicodedata.normalize("NFC", value).strip()
    return value[:max_length]


def safe_for_terminal(value: str) -> str:
    """For echoing user-provided strings (file names, errors): controls shown escaped."""
    return "".join(ch if ch in "\t\n" or not _CONTROL.match(ch) and ch != "\x1b" else repr(ch)[1:-1] for ch in value)


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def decode_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """Decode transcript bytes: UTF-8 (BOM optional), UTF-16 with a BOM, else cp1252/latin-1.

    Returns (text, encoding used, warnings).
    """
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig", warnings
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16", warnings
    try:
        return data.decode("utf-8"), "utf-8", warnings
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    warnings.append(f"not valid UTF-8; decoded as {encoding}")
    return text, encoding, warnings
