"""Word-processor documents (.docx, .odt) -> transcript text and turns.

Readers produce ``Paragraph``s in document order; tables become one line per
row.  Paragraphs become lines; runs of empty paragraphs become one blank line.
Speaker labels are found in the text (``Name:`` and friends, see
``speakers``) and, for .docx, also from a bold name at the start of a
paragraph (``**Jane** so I said ...``) or alone on its line before the speech.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qualtui.importers.speakers import (Label, find_labels, paragraph_spans, select_labels, turns_from_labels,
                                        with_lone_timestamps)
from qualtui.model import Transcript
from qualtui.text.normalise import clean_label, normalise_text

_SHORT_CELL = 40
_LABEL_SEPARATORS = " \t:-\u2013\u2014"
_PLAUSIBLE_NAME = re.compile(r"[^\W\d_][\w.'\u2019\- ()/]*", re.UNICODE)


@dataclass(frozen=True)
class Paragraph:
    text: str              # as in the document: may hold tabs and line breaks
    bold_prefix: str = ""  # leading bold text (a likely speaker label), "" if none


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """One line per row.  Transcript tables (short cells then one long cell) read as ``Speaker: speech``."""
    rows = [[" ".join(cell.split()) if "\n" not in cell.strip() else cell.strip() for cell in row] for row in rows]
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        return []

    def labelled(row: Sequence[str]) -> bool:
        cells = [cell for cell in row if cell]
        return len(cells) >= 2 and all(len(cell) <= _SHORT_CELL and "\n" not in cell for cell in cells[:-1])

    if sum(labelled(row) for row in rows) * 5 >= len(rows) * 4 and max(len(row) for row in rows) >= 2:
        lines = []
        for row in rows:
            cells = [cell for cell in row if cell]
            if len(cells) < 2:
                lines.append(cells[0] if cells else "")
                continue
            label = " ".join(cells[:-1]).rstrip()
            lines.append(f"{label} {cells[-1]}" if label.endswith(":") else f"{label}: {cells[-1]}")
        return lines
    return ["\t".join(row).strip() for row in rows]


def _plausible_name(value: str) -> bool:
    name = value.strip().rstrip(_LABEL_SEPARATORS).strip()
    if not name or len(name) > _SHORT_CELL or len(name.split()) > 5 or not _PLAUSIBLE_NAME.fullmatch(name):
        return False
    return not name.endswith(".") or len(name.split()[-1]) <= 4  # "Int." or "Dr." but not a sentence


def assemble(paragraphs: Sequence[Paragraph], source_format: str, warnings: Sequence[str] = ()) -> Transcript:
    lines: list[str] = []
    starts: list[int] = []
    bold: dict[int, str] = {}      # index in lines -> normalised bold prefix
    pos = 0
    blank_pending = False
    for paragraph in paragraphs:
        text = "\n".join(line.rstrip() for line in normalise_text(paragraph.text).split("\n")).strip("\n")
        if not text.strip():
            blank_pending = bool(lines)
            continue
        if blank_pending:
            lines.append("")
            starts.append(pos)
            pos += 1
            blank_pending = False
        prefix = normalise_text(paragraph.bold_prefix)
        if prefix.strip() and text.startswith(prefix) and _plausible_name(prefix):
            bold[len(lines)] = prefix
        lines.append(text)
        starts.append(pos)
        pos += len(text) + 1
    full = "\n".join(lines)
    labels = _bold_labels(full, lines, starts, bold)
    spans = paragraph_spans(full)
    text_labels = select_labels(full, find_labels(full), len(spans))
    labels = select_labels(full, labels, len(spans))
    if labels:
        taken = {label.label_start for label in labels}
        labels = sorted([*labels, *(t for t in text_labels if t.label_start not in taken)],
                        key=lambda label: label.label_start)
    else:
        labels = text_labels
    turns = turns_from_labels(full, with_lone_timestamps(full, labels))
    return Transcript(text=full, turns=tuple(turns), source_format=source_format, warnings=tuple(warnings))


def _bold_labels(full: str, lines: list[str], starts: list[int], bold: dict[int, str]) -> list[Label]:
    labels: list[Label] = []
    for index, prefix in bold.items():
        start = starts[index]
        body = start + len(prefix)
        rest = lines[index][len(prefix):]
        if not rest.strip(_LABEL_SEPARATORS):
            # A name alone on its line labels the next paragraph.
            if index + 1 >= len(lines) or not lines[index + 1].strip() or index + 1 in bold:
                continue
            body = start + len(lines[index])
        else:
            body += len(rest) - len(rest.lstrip(_LABEL_SEPARATORS))
        speaker = clean_label(prefix.strip().rstrip(_LABEL_SEPARATORS), 60)
        if speaker:
            labels.append(Label(start, min(body, len(full)), speaker))
    return labels
