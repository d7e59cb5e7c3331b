"""The report as Markdown.

Data from transcripts and names is escaped; the researcher's own markdown
(memos, definitions) is kept as written (see ``usermd``).
"""

from __future__ import annotations

import re

from qualtui.reports.model import CodeEntry, Quote, Report
from qualtui.reports import usermd
from qualtui.reports.wording import counted, names, number
from qualtui.text.normalise import strip_controls

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~])")

DEFINITION_FIELDS = (("Definition", "description"), ("Include", "inclusion"), ("Exclude", "exclusion"),
                     ("Example", "example"))


def md_escape(text: str) -> str:
    """User text shown literally in Markdown (no accidental emphasis, links or HTML)."""
    text = _MD_SPECIAL.sub(r"\\\1", strip_controls(text))
    return re.sub(r"^(\s*)([-+]|\d+[.)])(\s)", r"\1\\\2\3", text, flags=re.MULTILINE)


def summary_line(report: Report) -> str:
    """The sentence under the title, in words every format shares (unescaped)."""
    who = f" by {names(report.coders)}" if report.coders else ""
    return (f"Thematic analysis report generated {report.generated}: {counted(report.documents, 'document')}, "
            f"{counted(report.codings, 'coding')}{who}.")


def coverage(entry: CodeEntry) -> str:
    return f"{counted(entry.segments, 'segment')} in {counted(entry.documents, 'document')}."


def heading_title(entry: CodeEntry) -> str:
    return f"{entry.number} {entry.code.name}" + (" (theme)" if entry.is_theme else "")


def _quote(q: Quote) -> list[str]:
    lines = [f"> {md_escape(q.text)}", ">", f"> \u2014 *{md_escape(q.citation)}*", ""]
    if q.memo and q.memo.strip():
        lines += [usermd.with_lead(q.memo, "*Coding memo:*"), ""]
    return lines


def _definition(entry: CodeEntry) -> list[str]:
    out = []
    for label, attr in DEFINITION_FIELDS:
        value = getattr(entry.code, attr)
        if value.strip():
            out += [usermd.with_lead(value, f"**{label}:**"), ""]
    return out


def _memos(entry: CodeEntry) -> list[str]:
    out = []
    for memo in entry.memos:
        out += [usermd.with_lead(memo.text, f"*Memo ({md_escape(memo.author)}, {memo.modified[:10]}):*"), ""]
    return out


def _codebook(report: Report) -> list[str]:
    out = ["## Codebook", "", "| No. | Code | Segments | Documents | Definition |", "|---|---|---:|---:|---|"]
    for entry in report.codebook:
        name = md_escape(entry.code.name)
        name = f"**{name}** (theme)" if entry.is_theme else name
        out.append(f"| {entry.number} | {chr(0x2003) * entry.depth}{name} | {number(entry.segments)} | "
                   f"{number(entry.documents)} | {usermd.one_line(entry.code.description)} |")
    return out + [""]


def _matrices(report: Report) -> list[str]:
    if not report.matrices:
        return []
    out = ["## Codes by document attribute", ""]
    for matrix in report.matrices:
        out += [f"### Codes by {md_escape(matrix.attribute)} ({matrix.count})", ""]
        heads = [f"{md_escape(v)} (n={number(n)})" for v, n in zip(matrix.values, matrix.documents_per_value)]
        out.append("| Code | " + " | ".join(heads) + " | Total |")
        out.append("|---|" + "---:|" * (len(heads) + 1))
        for row in matrix.rows:
            cells = " | ".join(number(c) for c in row.cells)
            out.append(f"| {chr(0x2003) * row.depth}{md_escape(row.name)} | {cells} | {number(row.total)} |")
        totals = " | ".join(number(c) for c in matrix.totals)
        out += [f"| **Total** | {totals} | {number(matrix.grand_total)} |", ""]
    return out


def render_markdown(report: Report) -> str:
    out = [f"# {md_escape(report.title)}", "", md_escape(summary_line(report)), ""]
    out += _codebook(report)
    out += _matrices(report)
    out += ["## Themes", ""]
    for theme in report.themes:
        for entry in [theme.entry, *theme.codes]:
            out += [f"{'#' * min(6, 3 + entry.depth)} {md_escape(heading_title(entry))}", ""]
            out += _definition(entry) + _memos(entry)
            if entry.segments or not entry.is_theme:
                out += [coverage(entry), ""]
            for q in entry.quotes:
                out += _quote(q)
    if report.include_memos and report.journal:
        out += ["## Reflexive journal", ""]
        for memo in report.journal:
            title = f" \u2014 {md_escape(memo.title)}" if memo.title else ""
            out += [f"### {memo.created[:10]}{title}", "", f"*{md_escape(memo.author)}*", "",
                    usermd.as_written(memo.text), ""]
    return "\n".join(out).rstrip() + "\n"
