"""A small sentence splitter for transcript text.

A sentence ends at ``.``, ``!``, ``?``, ``...`` or ``…`` (runs like ``?!``
count as one end, closing quotes and brackets stay with the sentence) when
whitespace or the end of the text follows, at ``。``, ``！`` or ``？``, and at a
line break.  ``qualtui.text.units`` says where sentences are looked for.  These do not
end a sentence:

* a full stop after a known abbreviation ("Dr.", "e.g.", "etc.") or an
  initial ("J. Smith");
* a full stop or ellipsis followed by a lower-case word or a digit
  ("I was... you know", "No. 5");
* a line break followed by a line that starts in lower case (a hard-wrapped
  sentence), unless the line break is part of a blank line.

Sentences are returned as ``[start, end)`` offsets with surrounding whitespace
trimmed, so they cover the text's non-space content in order, without overlap.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset({
    "dr", "mr", "mrs", "ms", "mx", "prof", "rev", "sr", "jr", "st", "mt", "fr", "hon", "capt", "col", "gen",
    "lt", "sgt", "e.g", "eg", "i.e", "ie", "etc", "vs", "cf", "approx", "viz", "al", "dept", "inc", "ltd",
    "corp", "vol", "pp", "fig", "ca", "a.m", "p.m", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ph.d", "u.k", "u.s", "n.b", "nb",
})

# A run of terminators (with closing quotes/brackets) before whitespace or the end, or a line break.
# CJK full stops end a sentence without a space after them.
_END = re.compile(r"""(?:\.\.\.+|…+|[.!?]+)[\.!?…]*["'”’)\]]*(?=\s|$)|[\u3002\uff01\uff1f]+["'”’)\]\u300d\u300f]*|\n""")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")
_CLOSERS = "\"'”’)]"


def _next_visible(text: str, pos: int, end: int) -> str:
    while pos < end and text[pos].isspace():
        pos += 1
    return text[pos] if pos < end else ""


def _continues(ch: str) -> bool:
    return ch.islower() or ch.isdigit()


def _is_boundary(text: str, match: re.Match[str], end: int) -> bool:
    token = match.group()
    if token == "\n":
        after = match.end()
        if after < end and text[after] == "\n" or text[match.start() - 1:match.start()] == "\n":
            return True  # part of a blank line
        line_rest = text[after:end].split("\n", 1)[0]
        stripped = line_rest.lstrip()
        return not (stripped and stripped[0].islower())
    terminators = token.rstrip(_CLOSERS)
    following = _next_visible(text, match.end(), end)
    if terminators in (".", "...", "…") or set(terminators) <= {".", "…"}:
        if _continues(following):
            return False
    if terminators == ".":
        before = _WORD_BEFORE.search(text, max(0, match.start() - 20), match.start() + 1)
        if before:
            word = before.group(1).casefold()
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                return False
    return True


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as trimmed ``[start, end)`` offsets into *text*."""
    end = len(text) if end is None else end
    sentences: list[tuple[int, int]] = []

    def close(s: int, e: int) -> None:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            sentences.append((s, e))

    pos = start
    for match in _END.finditer(text, start, end):
        if _is_boundary(text, match, end):
            boundary = match.start() if match.group() == "\n" else match.end()
            close(pos, boundary)
            pos = boundary
    close(pos, end)
    return sentences


def sentence_around(sentences: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The span from the first to the last sentence that [start, end) touches (None if only whitespace)."""
    touched = [s for s in sentences if s[0] < max(end, start + 1) and start < s[1]]
    if not touched:
        return None
    return touched[0][0], touched[-1][1]
