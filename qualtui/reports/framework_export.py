"""The Framework matrix as csv, md or html (.docx: ``framework_docx``): summaries per cell and, optionally, the quotes
behind them."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator

from qualtui.analysis.framework import Case, Cell, FrameworkMatrix
from qualtui.reports import usermd
from qualtui.reports.markdown import md_escape
from qualtui.reports.model import Quote
from qualtui.reports.wording import counted
from qualtui.text.normalise import strip_controls

FORMATS = ("csv", "md", "html", "docx")


def _quotes(project, matrix: FrameworkMatrix, cell: Cell, with_quotes: bool) -> list[Quote]:
    return matrix.quotes(project, cell) if with_quotes else []


def release(project, case: Case) -> None:
    """Forget the texts read for *case*'s quotes: a pass over every case then holds one case's at a time."""
    for doc_id in case.documents:
        project.store.release_document(doc_id)


def framework_csv(project, matrix: FrameworkMatrix, *, with_quotes: bool = False) -> str:
    return "".join(framework_csv_parts(project, matrix, with_quotes=with_quotes))


def framework_csv_parts(project, matrix: FrameworkMatrix, *, with_quotes: bool = False) -> Iterator[str]:
    """``framework_csv`` a case (row of the matrix) at a time, its quotes read for it alone."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["case", "code", "segments", "summary", "author", "modified"] + (["quotes"] * with_quotes))
    for case in matrix.cases:
        for column in matrix.columns:
            cell = matrix.cell(case, column)
            row = [case.label, column.label, len(cell.codings), cell.summary.text if cell.summary else "",
                   cell.summary.author if cell.summary else "", cell.summary.modified if cell.summary else ""]
            if with_quotes:
                row.append("\n".join(f"{q.text} \u2014 {q.citation}" for q in matrix.quotes(project, cell)))
            writer.writerow([strip_controls(str(v)) for v in row])
        release(project, case)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _title(project, matrix: FrameworkMatrix) -> str:
    rows = f"values of {matrix.by_attr}" if matrix.by_attr else "documents"
    return f"Framework matrix: {project.name} ({rows} x codes)"


def framework_markdown(project, matrix: FrameworkMatrix, *, with_quotes: bool = False) -> str:
    return "".join(framework_markdown_parts(project, matrix, with_quotes=with_quotes))


def framework_markdown_parts(project, matrix: FrameworkMatrix, *, with_quotes: bool = False) -> Iterator[str]:
    """``framework_markdown`` a case at a time (its lines joined, the whole text's end stripped, as one)."""
    out = [f"# {md_escape(_title(project, matrix))}", ""]
    out.append("| Case | " + " | ".join(md_escape(c.label) for c in matrix.columns) + " |")
    out.append("|---|" + "---|" * len(matrix.columns))
    for case in matrix.cases:
        cells = []
        for column in matrix.columns:
            cell = matrix.cell(case, column)
            cells.append(usermd.one_line(cell.summary.text) if cell.summary else
                         (f"*{counted(len(cell.codings), 'segment')}, no summary*" if cell.codings else "\u2013"))
        out.append(f"| {md_escape(case.label)} | " + " | ".join(cells) + " |")
    out.append("")
    held = ""   # whitespace at the end of what is written so far: kept only if more text follows
    for case in matrix.cases:
        out += [f"## {md_escape(case.label)}", ""]
        for column in matrix.columns:
            cell = matrix.cell(case, column)
            if not cell.summary and not cell.codings:
                continue
            out += [f"### {md_escape(column.label)}", ""]
            out += [usermd.as_written(cell.summary.text) if cell.summary else "*No summary yet.*", ""]
            for q in _quotes(project, matrix, cell, with_quotes):
                out += [f"> {md_escape(q.text)}", ">", f"> \u2014 *{md_escape(q.citation)}*", ""]
        release(project, case)
        text = held + "\n".join(out) + "\n"
        body = text.rstrip()
        held = text[len(body):]
        if body:
            yield body
        out = []
    text = held + "\n".join(out)
    yield text.rstrip() + "\n"


_CSS = """
body{font-family:Georgia,serif;margin:2em;line-height:1.4;color:#111}
table{border-collapse:collapse}td,th{border:1px solid #777;padding:.3em .5em;vertical-align:top;min-width:12em}
th{font-family:Helvetica,Arial,sans-serif;background:#eee}td.open{background:#f4f4f4;font-style:italic}
blockquote{border-left:3px solid #888;margin:.5em 0;padding:0 .6em;font-size:90%}.cite{font-style:italic}
"""


def _esc(text: str) -> str:
    return html.escape(strip_controls(text))


def framework_html(project, matrix: FrameworkMatrix, *, with_quotes: bool = False) -> str:
    return "".join(framework_html_parts(project, matrix, with_quotes=with_quotes))


def framework_html_parts(project, matrix: FrameworkMatrix, *, with_quotes: bool = False) -> Iterator[str]:
    """``framework_html`` a case (table row) at a time."""
    yield ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           f"<title>{_esc(_title(project, matrix))}</title><style>{_CSS}</style></head>\n<body>\n")
    yield "\n".join([f"<h1>{_esc(_title(project, matrix))}</h1>", "<table>",
                     "<thead><tr><th>Case</th>" + "".join(f"<th>{_esc(c.label)}</th>" for c in matrix.columns)
                     + "</tr></thead><tbody>"])
    for case in matrix.cases:
        row = [f"<tr><th>{_esc(case.label)}</th>"]
        for column in matrix.columns:
            cell = matrix.cell(case, column)
            if cell.summary:
                body = usermd.to_html(cell.summary.text, heading_offset=3)
            elif cell.codings:
                body = f"<p>{_esc(counted(len(cell.codings), 'segment'))}, no summary</p>"
            else:
                body = "<p>\u2013</p>"
            for q in _quotes(project, matrix, cell, with_quotes):
                body += f'<blockquote><p>{_esc(q.text)}</p><p class="cite">\u2014 {_esc(q.citation)}</p></blockquote>'
            row.append(f'<td class="{cell.state}">{body}</td>')
        release(project, case)
        yield "\n" + "".join(row) + "</tr>"
    yield "\n</tbody></table>\n</body></html>\n"
