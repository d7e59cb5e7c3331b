"""Survey and tabular data (.csv): open-ended answers become documents, the other columns attributes.

One document per row (respondent), one turn per chosen question column with an answer, the column
heading as the speaker, rendered as ``Question: answer`` paragraphs separated by blank lines.  The
file is decoded like any text file (UTF-8 with or without BOM, UTF-16, else cp1252 with a warning);
the delimiter is whichever of ``,`` ``;`` tab or ``|`` the heading row uses most; quoted cells may span
lines.  Nothing here touches a project.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from qualtui.errors import ImportRejected
from qualtui.importers.plain import decode_text
from qualtui.model import Transcript, Turn
from qualtui.text.normalise import clean_label

MAX_RESPONDENTS = 20_000
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class Response:
    """One respondent: the document's name suffix (the id), its transcript and attributes."""

    key: str
    transcript: Transcript
    attributes: dict[str, str]


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _column(headings: Sequence[str], index: dict[str, list[int]], wanted: str, option: str) -> int:
    matches = index.get(wanted.strip().casefold(), [])
    if len(matches) == 1:
        return matches[0]
    listed = ", ".join(h for h in headings[:15] if h) + (" ..." if len(headings) > 15 else "")
    if matches:
        raise ImportRejected(f"{option}: more than one column is called {wanted!r}")
    raise ImportRejected(f"{option}: no column {clean_label(wanted, 60)!r} (columns: {listed})")


def read_survey(data: bytes, text_columns: Sequence[str], id_column: str | None = None) -> list[Response]:
    """Rows of a CSV file as responses, or ``ImportRejected`` for the whole file."""
    if not text_columns:
        raise ImportRejected("say which columns hold the answers with --text-columns Q5,Q7")
    text, warnings = decode_text(data)
    text = text.lstrip("\ufeff")
    # The module's default cap (131,072 characters a cell) would refuse a whole interview in one cell;
    # the file's size is already bounded by --max-size, so no cell can be longer than the text.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True))
    except csv.Error as exc:
        raise ImportRejected(f"not a readable CSV file ({exc})") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise ImportRejected("no rows below the heading row")
    if len(rows) - 1 > MAX_RESPONDENTS:
        raise ImportRejected(f"{len(rows) - 1:,} rows, over the limit of {MAX_RESPONDENTS:,} respondents per file")
    headings = [clean_label(h, 60) for h in rows[0]]
    index: dict[str, list[int]] = {}  # one pass over the headings: a survey may have thousands of columns
    for i, heading in enumerate(headings):
        index.setdefault(heading.casefold(), []).append(i)
    questions = [_column(headings, index, name, "--text-columns") for name in text_columns]
    asked = set(questions)
    if len(asked) != len(questions):
        raise ImportRejected("--text-columns names a column twice")
    key_index = _column(headings, index, id_column, "--id-column") if id_column else None
    if key_index is not None and key_index in questions:
        raise ImportRejected("--id-column cannot also be a text column")
    responses: list[Response] = []
    seen: set[str] = set()
    empty = 0
    for number, row in enumerate(rows[1:], start=2):
        cells = [*row, *[""] * (len(headings) - len(row))]
        if len(row) > len(headings) and any(cell.strip() for cell in row[len(headings):]):
            raise ImportRejected(f"row {number} has more cells than the heading row")
        key = clean_label(cells[key_index], 60) if key_index is not None else str(number - 1)
        if not key:
            raise ImportRejected(f"row {number} has no {headings[key_index]!r}")
        if key.casefold() in seen:
            raise ImportRejected(f"respondent {key!r} appears twice (row {number})")
        seen.add(key.casefold())
        transcript = _transcript([(headings[i], cells[i]) for i in questions], warnings if not responses else [])
        if transcript is None:
            empty += 1
            continue
        attributes = {headings[i]: clean_label(cells[i]) for i in range(len(headings))
                      if i not in asked and headings[i] and cells[i].strip()}
        responses.append(Response(key, transcript, attributes))
    if not responses:
        raise ImportRejected("no answers in the text columns")
    if empty:
        responses[0] = Response(responses[0].key, Transcript(
            responses[0].transcript.text, responses[0].transcript.turns, "csv",
            (*responses[0].transcript.warnings, f"{empty} row(s) with no answers skipped")), responses[0].attributes)
    return responses


def _transcript(answers: list[tuple[str, str]], warnings: Sequence[str]) -> Transcript | None:
    parts: list[str] = []
    turns: list[Turn] = []
    pos = 0
    for question, answer in answers:
        answer = "\n".join(line.rstrip() for line in answer.strip().split("\n"))
        if not answer:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        label = f"{question}: "
        parts.append(label + answer)
        turns.append(Turn(start=pos + len(label), end=pos + len(label) + len(answer), speaker=question,
                          label_start=pos))
        pos += len(label) + len(answer)
    if not turns:
        return None
    return Transcript("".join(parts), tuple(turns), "csv", tuple(warnings))
