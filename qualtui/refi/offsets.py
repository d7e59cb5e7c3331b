"""Selection offsets: from another tool's counting convention to qualtui's normalised text.

REFI-QDA says offsets count Unicode code points from 0 (spec 10.2), half-open
in practice.  NVivo for Windows counts UTF-16 code units with CRLF as 2 (and
no BOM); ATLAS.ti is reported to count CRLF as 1.  A ``SourceText`` holds the
raw source text (decoded, one BOM removed, nothing else touched) and the text
qualtui stores (``normalise_text``), and maps positions from any convention
in the raw text to positions in the stored text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field

from qualtui.text.normalise import normalise_text

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CRLF = re.compile("\r\n")
_WORD_CHAR = re.compile(r"\w")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Convention:
    unit: str          # "codepoint" or "utf16"
    crlf: int          # how many units one CRLF counts as: 2 (as stored) or 1

    @property
    def label(self) -> str:
        unit = "Unicode code points" if self.unit == "codepoint" else "UTF-16 code units"
        return f"{unit}, CRLF counted as {self.crlf}"


CODEPOINTS = Convention("codepoint", 2)
CODEPOINTS_CRLF1 = Convention("codepoint", 1)
UTF16 = Convention("utf16", 2)
UTF16_CRLF1 = Convention("utf16", 1)
ALL_CONVENTIONS = (CODEPOINTS, UTF16, CODEPOINTS_CRLF1, UTF16_CRLF1)


def prior_conventions(origin: str) -> tuple[Convention, ...]:
    """Conventions in the order to prefer them for a producer (ties go to the first).

    qualtui's own exports count code points of LF-only text, so there is nothing
    to guess: on a short text with an emoji, guessing could pick UTF-16 and
    shift a coding by a character.
    """
    if origin.strip().lower().startswith("qualtui"):
        return (CODEPOINTS,)
    if origin.strip().lower().startswith("nvivo"):
        return (UTF16, CODEPOINTS, UTF16_CRLF1, CODEPOINTS_CRLF1)
    if origin.strip().lower().startswith("atlas"):
        return (CODEPOINTS, CODEPOINTS_CRLF1, UTF16, UTF16_CRLF1)
    return ALL_CONVENTIONS


class _Expansion:
    """Positions in a compact text vs. a text where some characters take 2 units.

    ``wide`` are the compact indices of the characters that take 2 units.
    """

    def __init__(self, wide: list[int]) -> None:
        self.wide = wide
        self.wide_units = [i + k for k, i in enumerate(wide)]  # unit index where each wide char starts

    def to_compact(self, unit: int) -> int | None:
        """Unit offset -> compact offset; None if it splits a wide character."""
        k = bisect_left(self.wide_units, unit)
        if k > 0 and self.wide_units[k - 1] + 1 == unit:
            return None
        return unit - k

    def to_units(self, compact: int) -> int:
        return compact + bisect_left(self.wide, compact)


@dataclass
class SourceText:
    raw: str                      # decoded, one leading BOM removed, newlines as in the file
    text: str = field(init=False)  # what qualtui stores
    _start: list[int] | None = field(init=False, default=None, repr=False)
    _end: list[int] | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        if self.raw.startswith("\ufeff"):
            self.raw = self.raw[1:]
        self.text = normalise_text(self.raw)
        if self.text != self.raw:
            self._start, self._end = _raw_to_text_maps(self.raw, self.text)
        pairs = [m.start() for m in _CRLF.finditer(self.raw)]
        self._crlf = _Expansion([p - k for k, p in enumerate(pairs)])  # in the CRLF-as-1 text
        collapsed = self.raw.replace("\r\n", "\n") if pairs else self.raw
        self._astral = _Expansion([m.start() for m in _ASTRAL.finditer(self.raw)])
        self._astral_collapsed = (_Expansion([m.start() for m in _ASTRAL.finditer(collapsed)])
                                  if pairs else self._astral)

    @property
    def has_crlf(self) -> bool:
        return bool(self._crlf.wide)

    @property
    def has_astral(self) -> bool:
        return bool(self._astral.wide)

    def distinct(self, conventions: tuple[Convention, ...]) -> tuple[Convention, ...]:
        """Drop conventions that cannot differ on this text (keeping the first of each group)."""
        seen, out = set(), []
        for conv in conventions:
            key = (conv.unit if self.has_astral else "", conv.crlf if self.has_crlf else 0)
            if key not in seen:
                seen.add(key)
                out.append(conv)
        return tuple(out)

    def to_raw(self, offset: int, conv: Convention) -> int | None:
        """An offset in ``conv`` -> a code-point offset into ``raw``; None if impossible."""
        if offset < 0:
            return None
        if conv.unit == "utf16":
            offset = (self._astral if conv.crlf == 2 else self._astral_collapsed).to_compact(offset)
            if offset is None:
                return None
        if conv.crlf == 1:
            offset = self._crlf.to_units(offset)
        return offset if offset <= len(self.raw) else None

    def span(self, start: int, end: int, conv: Convention) -> tuple[int, int] | None:
        """A selection in ``conv`` -> a half-open span of the stored text, or None if it does not fit."""
        a, b = self.to_raw(start, conv), self.to_raw(end, conv)
        if a is None or b is None or a >= b:
            return None
        if self._start is not None:
            a, b = self._start[a], self._end[b]
        return (a, b) if a < b else None

    def raw_span(self, start: int, end: int, conv: Convention) -> tuple[int, int] | None:
        a, b = self.to_raw(start, conv), self.to_raw(end, conv)
        return (a, b) if a is not None and b is not None and a < b else None


def _deletion_map(text: str, pattern: re.Pattern[str]) -> tuple[str, list[int]]:
    """Remove every match of ``pattern``; a removed character maps to the next kept one."""
    out: list[str] = []
    mapping: list[int] = []
    pos = 0
    kept = 0
    for match in pattern.finditer(text):
        chunk = text[pos:match.start()]
        mapping.extend(range(kept, kept + len(chunk)))
        kept += len(chunk)
        out.append(chunk)
        mapping.extend([kept] * (match.end() - match.start()))
        pos = match.end()
    chunk = text[pos:]
    mapping.extend(range(kept, kept + len(chunk) + 1))
    out.append(chunk)
    return "".join(out), mapping


def _newline_map(text: str) -> tuple[str, list[int]]:
    """CRLF and lone CR -> LF; both characters of a CRLF map to the LF."""
    mapping: list[int] = []
    pos = 0
    removed = 0
    for match in _CRLF.finditer(text):
        mapping.extend(range(pos - removed, match.start() + 1 - removed))
        removed += 1
        mapping.append(match.start() + 1 - removed)
        pos = match.start() + 2
    mapping.extend(range(pos - removed, len(text) + 1 - removed))
    return text.replace("\r\n", "\n").replace("\r", "\n"), mapping


def _nfc_maps(text: str) -> tuple[str, list[int], list[int]]:
    """NFC with position maps: a position inside a recomposed cluster goes to its start (starts) or end (ends)."""
    if unicodedata.is_normalized("NFC", text):
        identity = list(range(len(text) + 1))
        return text, identity, identity
    starts: list[int] = []
    ends: list[int] = []
    out: list[str] = []
    produced = 0
    # Clusters: a character with combining class 0 and the marks after it.
    boundaries = [i for i, ch in enumerate(text) if i == 0 or unicodedata.combining(ch) == 0] + [len(text)]
    for a, b in zip(boundaries, boundaries[1:]):
        piece = unicodedata.normalize("NFC", text[a:b])
        starts.append(produced)
        ends.append(produced)
        starts.extend([produced] * (b - a - 1))
        ends.extend([produced + len(piece)] * (b - a - 1))
        out.append(piece)
        produced += len(piece)
    starts.append(produced)
    ends.append(produced)
    return "".join(out), starts, ends


def _raw_to_text_maps(raw: str, text: str) -> tuple[list[int], list[int]]:
    from qualtui.text.normalise import CONTROL, ESCAPE_SEQUENCE  # the exact patterns normalise_text uses

    step1, map1 = _newline_map(raw)
    if "\x1b" in step1 or "\x9b" in step1:
        step2, map2 = _deletion_map(step1, ESCAPE_SEQUENCE)
    else:
        step2, map2 = step1, None
    step3, map3 = _deletion_map(step2, CONTROL)
    step4, starts4, ends4 = _nfc_maps(step3)
    if step4 != text:
        # Pieces recomposed across cluster boundaries (rare scripts): fall back to a
        # map that is exact outside those places and never leaves the text.
        starts4 = ends4 = [min(i, len(text)) for i in range(len(step3) + 1)]

    def compose(index: int, last: list[int]) -> int:
        index = map1[index]
        if map2 is not None:
            index = map2[index]
        return last[map3[index]]

    return ([compose(i, starts4) for i in range(len(raw) + 1)],
            [compose(i, ends4) for i in range(len(raw) + 1)])


# -- detecting the convention ---------------------------------------------------

@dataclass
class Selection:
    """What the detector needs of one text selection."""

    start: int
    end: int
    name: str = ""


@dataclass
class Score:
    convention: Convention
    valid: int = 0
    invalid: int = 0
    name_hits: int = 0
    name_misses: int = 0
    boundary_hits: int = 0
    boundary_total: int = 0

    @property
    def boundary_ratio(self) -> float:
        return self.boundary_hits / self.boundary_total if self.boundary_total else 1.0

    def key(self) -> tuple:
        return (-self.invalid, self.name_hits - self.name_misses, round(self.boundary_ratio, 3))

    def add(self, other: "Score") -> None:
        for name in ("valid", "invalid", "name_hits", "name_misses", "boundary_hits", "boundary_total"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _is_boundary(text: str, pos: int) -> bool:
    if pos <= 0 or pos >= len(text):
        return True
    return not (_WORD_CHAR.match(text[pos - 1]) and _WORD_CHAR.match(text[pos]))


def _quoted(name: str) -> str:
    """A selection name that quotes its text (ATLAS.ti: 'the first words…'), whitespace collapsed."""
    return _SPACE.sub(" ", name.rstrip("\u2026").rstrip(".").strip()) if name else ""


SAMPLE = 400


def score(source: SourceText, selections: list[Selection], conv: Convention) -> Score:
    """How well ``conv`` places the selections (an evenly spread sample of them, for speed)."""
    result = Score(conv)
    raw = source.raw
    step = max(1, len(selections) // SAMPLE)
    for sel in selections[::step]:
        if not 0 <= sel.start < sel.end:
            continue   # empty or reversed in every convention: no evidence either way
        span = source.raw_span(sel.start, sel.end, conv)
        if span is None:
            result.invalid += 1
            continue
        result.valid += 1
        a, b = span
        result.boundary_total += 2
        result.boundary_hits += _is_boundary(raw, a) + _is_boundary(raw, b)
        quoted = _quoted(sel.name)
        if len(quoted) >= 4:
            selected = _SPACE.sub(" ", raw[a:min(b, a + 2 * len(quoted) + 8)]).strip()
            if selected.startswith(quoted) or (len(selected) >= 4 and quoted.startswith(selected)):
                result.name_hits += 1
            else:
                result.name_misses += 1
    return result


def fits(result: Score, *, judge_boundaries: bool = True) -> bool:
    """Whether a convention's placement is believable for one document.

    With *judge_boundaries* False (a producer whose convention is known, such as
    qualtui itself) only out-of-range selections count against it: researchers
    legitimately code spans that start or end mid-word.
    """
    if result.invalid * 20 > result.valid + result.invalid:
        return False
    if not judge_boundaries:
        return True
    if result.name_hits + result.name_misses >= 1 and result.name_hits >= result.name_misses:
        return True
    return result.boundary_total < 8 or result.boundary_ratio >= 0.5
