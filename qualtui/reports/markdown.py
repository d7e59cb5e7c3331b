"""The report as Markdown (and, through markdown-it-py, as self-contained HTML)."""

from __future__ import annotations

import html
import re

from qualtui.reports.model import CodeEntry, Quote, Report
from qualtui.textnorm import strip_controls

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~])")


def md_escape(text: str) -> str:
    """User text shown literally in Markdown (no accidental emphasis, links or HTML)."""
    text = _MD_SPECIAL.sub(r"\\\1", strip_controls(text))
    return re.sub(r"^(\s*)([-+]|\d+[.)])(\s)", r"\1\\\2\3", text, flags=re.MULTILINE)


def _one_line(text: str) -> str:
    return md_escape(" ".join(text.split()))


def _quote(q: Quote) -> list[str]:
    lines = [f"> {md_escape(q.text)}", ">", f"> \u2014 *{md_escape(q.citation)}*", ""]
    if q.memo:
        lines[-1:-1] = [f"> (memo: {_one_line(q.memo)})"]
    return lines


def _definition(entry: CodeEntry) -> list[str]:
    code = entry.code
    out = []
    for label, value in (("Definition", code.description), ("Include", code.inclusion),
                         ("Exclude", code.exclusion), ("Example", code.example)):
        if value.strip():
            out.append(f"- **{label}:** {_one_line(value)}")
    return out


def render_markdown(report: Report) -> str:
    out = [f"# {md_escape(report.title)}", "",
           f"Thematic analysis report generated {report.generated}: {report.documents} documents, "
           f"{report.codings} codings" + (f" by {md_escape(', '.join(report.coders))}." if report.coders else "."), ""]
    out += ["## Codebook", "", "| Code | Segments | Documents | Definition |", "|---|---:|---:|---|"]
    for entry in report.codebook:
        name = ("\u2003" * entry.depth) + md_escape(entry.code.name) + ("" if entry.code.codable else " (theme)")
        out.append(f"| {name} | {entry.segments} | {entry.documents} | {_one_line(entry.code.description)} |")
    out.append("")
    out += ["## Themes", ""]
    for theme in report.themes:
        head = theme.entry
        out += [f"### {md_escape(head.code.name)}", ""]
        out += _definition(head) + ([""] if _definition(head) else [])
        for memo in head.memos:
            out += [f"*Memo ({md_escape(memo.author)}, {memo.modified[:10]}):* {_one_line(memo.text)}", ""]
        for entry in [head] * bool(head.segments) + theme.codes:
            if entry is not head:
                out += [f"#### {md_escape(entry.path)}", ""]
                out += _definition(entry) + ([""] if _definition(entry) else [])
                for memo in entry.memos:
                    out += [f"*Memo ({md_escape(memo.author)}, {memo.modified[:10]}):* {_one_line(memo.text)}", ""]
            out.append(f"{entry.segments} segments in {entry.documents} documents.")
            out.append("")
            for q in entry.quotes:
                out += _quote(q)
    if report.include_memos and report.journal:
        out += ["## Reflexive journal", ""]
        for memo in report.journal:
            title = f" \u2014 {md_escape(memo.title)}" if memo.title else ""
            out += [f"### {memo.created[:10]}{title}", "", f"*{md_escape(memo.author)}*", "",
                    md_escape(memo.text.strip()), ""]
    return "\n".join(out).rstrip() + "\n"


_CSS = """
body{font-family:Georgia,serif;max-width:48em;margin:2em auto;padding:0 1em;line-height:1.5;color:#111}
table{border-collapse:collapse}td,th{border:1px solid #999;padding:.25em .5em;vertical-align:top}
blockquote{border-left:4px solid #888;margin:1em 0;padding:.1em 1em;background:#f6f6f6}
h1,h2,h3,h4{font-family:Helvetica,Arial,sans-serif}
"""


def render_html(report: Report) -> str:
    """Self-contained HTML: inline CSS, no scripts, no external assets; raw HTML in data is escaped."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(render_markdown(report))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(report.title)}</title><style>{_CSS}</style></head>\n<body>\n{body}</body></html>\n"
    )
