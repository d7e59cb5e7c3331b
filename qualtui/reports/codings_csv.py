"""Every coding as one CSV row with its document's attributes, for R or pandas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from qualtui.progress import track
from qualtui.project import Project
from qualtui.reports.model import DocumentIndex, outline_numbers
from qualtui.text.normalise import strip_controls

BASE_COLUMNS = ["coding_id", "document", "document_id", "code", "code_path", "code_number", "code_depth", "theme",
                "start", "end",
                "first_line", "last_line", "speaker", "coder", "created", "memo", "text"]


def codings_csv(project: Project) -> str:
    return "".join(codings_csv_parts(project))


def codings_csv_parts(project: Project) -> Iterator[str]:
    """The CSV in parts (the header, then one part per document): a large project is never held whole."""
    docs = project.docs.all()
    keys = sorted({k for d in docs for k in d.attributes}, key=str.casefold)
    codes = project.codes.all()
    by_id = {c.id: c for c in codes}
    tree = project.codes.tree()
    numbers = outline_numbers(tree)
    depths = {code.id: depth for depth, code in tree}

    def theme(code_id: str) -> str:
        seen: set[str] = set()
        code = by_id.get(code_id)
        while code is not None and code.parent in by_id and code.parent not in seen:
            seen.add(code.id)
            code = by_id[code.parent]
        return code.name if code else ""

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(BASE_COLUMNS + [f"attr:{k}" for k in keys])
    for doc in track(docs, "exporting codings"):
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        index = DocumentIndex(doc.name, project.docs.text(doc.id), project.docs.turns(doc.id))
        for coding in project.codings.for_document(doc.id):
            quote = index.quote(coding)
            code = by_id.get(coding.code)
            writer.writerow([
                coding.id, doc.name, doc.id, code.name if code else "", project.codes.path(code, codes) if code else "",
                numbers.get(coding.code, ""), depths.get(coding.code, ""), theme(coding.code), coding.start, coding.end, quote.first_line, quote.last_line, quote.speaker or "",
                coding.coder, coding.created, strip_controls(coding.memo or ""),
                index.text[coding.start:coding.end],
            ] + [doc.attributes.get(k, "") for k in keys])
        project.store.release_document(doc.id)   # one document's codings and text held at a time
    yield buffer.getvalue()
