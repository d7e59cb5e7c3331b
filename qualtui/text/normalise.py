"""Text normalisation applied once at import, and label cleaning everywhere.

After import the stored text never changes, so this is the only place where
newlines, encodings and control characters are dealt with.
"""

from __future__ import annotations

import re
import unicodedata

from qualtui.errors import QualtuiError

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL/ST),
# DCS/SOS/PM/APC (ESC P|X|^|_ ... ST), and two-character escapes.
ESCAPE_SEQUENCE = re.compile(
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
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_JSON_RAW = re.compile(r"[\x7f-\x9f]")
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")   # U+0080-U+009F encoded
# Bidirectional embeddings, overrides and isolates: in a one-line name they reorder what the terminal shows
# ("Trojan source") and break table borders. Labels drop them; transcript text keeps them (right-to-left speech).
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
# Lone surrogates: how Python carries bytes of a command line or file name that are not UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")
_LABEL_SPACE = re.compile(r" *[\t\n\r\f\v][\s]*")
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


def escape_undecodable(text: str) -> str:
    """Bytes that were not UTF-8 (lone surrogates) shown as ``\\xff``; the result can always be encoded."""
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}" if "\udc80" <= m.group() <= "\udcff"
                          else "\ufffd", text)


def require_text(value: str) -> str:
    """*value* unchanged if it is valid text; a name with bytes that are not UTF-8 is refused, not stored."""
    if _SURROGATE.search(value) is not None:
        raise QualtuiError(f"'{strip_controls(value)}' is not valid text (it holds bytes "
                           "that are not UTF-8); use another name")
    return value


def text_from_path(name: str) -> str:
    """A name taken from a file or folder name: bytes that are not UTF-8 become U+FFFD."""
    if _SURROGATE.search(name) is None:
        return name
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", name)


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping LF and TAB."""
    text = escape_undecodable(text)
    if "\x1b" in text or "\x9b" in text:
        text = ESCAPE_SEQUENCE.sub("", text)
    return CONTROL.sub("", text)


def has_controls(value: str) -> bool:
    """True when *value* holds a character that ``strip_controls`` would remove (or a CR)."""
    return CONTROL.search(value) is not None


def clean_text(text: str) -> str:
    """Multi-line text (memos, code definitions): LF newlines and TABs kept, never a control character."""
    return strip_controls(normalise_newlines(require_text(text)))


def escape_json_controls(text: str) -> str:
    """JSON for a terminal: ``json.dumps(ensure_ascii=False)`` escapes C0 but passes DEL and C1 (U+009B) raw."""
    if not json_controls_in(text.encode("utf-8", "surrogatepass")):
        return text
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_controls_in(data: bytes) -> bool:
    """Whether UTF-8 *data* holds DEL or a C1 control, which ``escape_json_controls`` escapes."""
    # Tens of megabytes of retrieved text: a byte search (memchr) says "none" far faster than the regex.
    return b"\x7f" in data or (b"\xc2" in data and _C1_UTF8.search(data) is not None)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalise_text(text: str) -> str:
    """The canonical stored form: LF newlines, no BOM, no control characters, NFC."""
    text = text.lstrip("\ufeff")  # every leading BOM, so normalising twice changes nothing
    text = normalise_newlines(text)
    text = strip_controls(text)
    return unicodedata.normalize("NFC", text)


def clean_label(value: str, max_length: int = 200) -> str:
    """A name, attribute value or speaker label that is safe to print on one line."""
    value = _LABEL_SPACE.sub(" ", strip_controls(normalise_newlines(require_text(str(value)))))
    value = unicodedata.normalize("NFC", _BIDI.sub("", value)).strip()
    return value[:max_length]


def safe_for_terminal(value: str) -> str:
    """For echoing user-provided strings (file names, errors): controls shown escaped."""
    value = escape_undecodable(value)
    return "".join(ch if ch in "\t\n" or not CONTROL.match(ch) and ch != "\x1b" else repr(ch)[1:-1] for ch in value)


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def decode_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """Decode transcript bytes: UTF-8 (BOM optional), UTF-16 (BOM, or detected), else cp1252/latin-1.

    Returns (text, encoding used, warnings); every fallback is reported in the
    warnings.  Raises ``UnicodeDecodeError`` only for damaged UTF-16.
    """
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        text, replaced = _utf8_lenient(data[3:])
        if replaced:
            warnings.append(f"{replaced} invalid UTF-8 byte sequence(s) replaced with \ufffd")
        return text, "utf-8-sig", warnings
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16", warnings
    bomless = bomless_utf16(data)
    if bomless:
        text = data.decode(bomless)
        warnings.append(f"no byte order mark; decoded as {bomless.upper()}")
        return text, bomless, warnings
    try:
        return data.decode("utf-8"), "utf-8", warnings
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    text, replaced = _utf8_lenient(data)
    if _mostly_utf8(text, replaced):
        warnings.append(f"{replaced} invalid UTF-8 byte sequence(s) (first at byte {first_bad}) replaced with \ufffd")
        return text, "utf-8", warnings
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    warnings.append(f"not valid UTF-8 (first bad byte at {first_bad}); decoded as {encoding}: check accented letters")
    return text, encoding, warnings


def _utf8_lenient(data: bytes) -> tuple[str, int]:
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())
    return text, replaced


def _mostly_utf8(text: str, replaced: int) -> bool:
    """A few damaged bytes in text that is otherwise real multi-byte UTF-8 (not cp1252)."""
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return multibyte >= 3 and replaced <= max(2, multibyte // 10)


def bomless_utf16(data: bytes) -> str | None:
    """utf-16-le/be when almost every other byte is NUL (ASCII-range text saved as UTF-16 without a BOM)."""
    sample = data[:4096]
    if len(sample) < 8 or len(sample) % 2 and len(data) <= 4096:
        return None
    evens, odds = sample[0::2], sample[1::2]
    for zeros, other, encoding in ((odds, evens, "utf-16-le"), (evens, odds, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros) and other.count(0) <= 0.1 * len(other):
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return encoding
    return None
