"""The report as one self-contained HTML page: inline CSS and SVG, no scripts, nothing fetched.

Everything from the data is escaped; the researcher's markdown is rendered by
``usermd`` (raw HTML shown as text, links and images as text).
"""

from __future__ import annotations

import html

from qualtui.reports import usermd
from qualtui.reports.markdown import DEFINITION_FIELDS, coverage, heading_title, summary_line
from qualtui.reports.model import CodeEntry, Quote, Report
from qualtui.reports.svg import Bar, bar_chart, matrix_chart
from qualtui.reports.wording import number
from qualtui.text.normalise import strip_controls

_CSS = """
body{font-family:Georgia,serif;max-width:52em;margin:2em auto;padding:0 1em;line-height:1.5;color:#111}
table{border-collapse:collapse}td,th{border:1px solid #999;padding:.25em .5em;vertical-align:top}
td.n{text-align:right}tr.theme td{font-weight:bold;background:#f0f0f0}
blockquote{border-left:4px solid #888;margin:1em 0;padding:.1em 1em;background:#f6f6f6}
blockquote .cite{font-style:italic}
h1,h2,h3,h4,h5,h6{font-family:Helvetica,Arial,sans-serif}
.label{font-weight:bold}.memo-label{font-style:italic}.chart{overflow-x:auto;margin:1em 0}
section.code{margin-left:1.5em}
"""


def esc(text: str) -> str:
    return html.escape(strip_controls(text))


def _indent(depth: int) -> str:
    return f' style="padding-left:{0.5 + 1.5 * depth:.1f}em"'


def _codebook(report: Report) -> list[str]:
    out = ["<h2>Codebook</h2>", "<table>",
           "<thead><tr><th>No.</th><th>Code</th><th>Segments</th><th>Documents</th><th>Definition</th></tr></thead>",
           "<tbody>"]
    for entry in report.codebook:
        kind = ' class="theme"' if entry.is_theme else ""
        name = esc(entry.code.name) + (" (theme)" if entry.is_theme else "")
        out.append(f"<tr{kind}><td>{esc(entry.number)}</td><td{_indent(entry.depth)}>{name}</td>"
                   f'<td class="n">{number(entry.segments)}</td><td class="n">{number(entry.documents)}</td>'
                   f"<td>{usermd.to_html_inline(entry.code.description)}</td></tr>")
    return out + ["</tbody></table>"]


def _charts(report: Report, thematic_map: str | None) -> list[str]:
    out = ["<h2>Frequencies</h2>"]
    bars = [Bar(f"{e.number} {e.code.name}", e.depth, e.total if e.is_theme else e.segments, e.is_theme)
            for e in report.codebook]
    out.append(f'<div class="chart">{bar_chart(bars, "Segments per code")}</div>')
    themes = {e.code.id for e in report.codebook if e.is_theme}
    for matrix in report.matrices:
        out.append(f"<h3>Codes by {esc(matrix.attribute)} ({esc(matrix.count)})</h3>")
        out.append(f'<div class="chart">{matrix_chart(matrix, themes)}</div>')
    if thematic_map:
        out += ["<h2>Thematic map</h2>", f'<div class="chart">{thematic_map}</div>']
    return out


def _quote(q: Quote) -> list[str]:
    out = [f"<blockquote><p>{esc(q.text)}</p><p class=\"cite\">\u2014 {esc(q.citation)}</p></blockquote>"]
    if q.memo and q.memo.strip():
        out.append(usermd.to_html(q.memo, heading_offset=5, lead='<span class="memo-label">Coding memo:</span>'))
    return out


def _entry(entry: CodeEntry) -> list[str]:
    level = min(6, 3 + entry.depth)
    out = [f'<section class="{"theme" if entry.depth == 0 else "code"}">',
           f"<h{level}>{esc(heading_title(entry))}</h{level}>"]
    for label, attr in DEFINITION_FIELDS:
        value = getattr(entry.code, attr)
        if value.strip():
            out.append(usermd.to_html(value, heading_offset=level, lead=f'<span class="label">{label}:</span>'))
    for memo in entry.memos:
        lead = f'<span class="memo-label">Memo ({esc(memo.author)}, {esc(memo.modified[:10])}):</span>'
        out.append(usermd.to_html(memo.text, heading_offset=level, lead=lead))
    if entry.segments or not entry.is_theme:
        out.append(f"<p>{esc(coverage(entry))}</p>")
    for q in entry.quotes:
        out += _quote(q)
    return out


def render_html(report: Report, *, thematic_map: str | None = None) -> str:
    """*thematic_map*: an SVG drawing (from ``map_svg``) placed after the charts."""
    out = [f"<h1>{esc(report.title)}</h1>", f"<p>{esc(summary_line(report))}</p>"]
    out += _codebook(report)
    out += _charts(report, thematic_map)
    out.append("<h2>Themes</h2>")
    open_depths: list[int] = []   # sections nest as the codebook does
    for theme in report.themes:
        for entry in [theme.entry, *theme.codes]:
            while open_depths and open_depths[-1] >= entry.depth:
                out.append("</section>")
                open_depths.pop()
            out += _entry(entry)
            open_depths.append(entry.depth)
    out += ["</section>"] * len(open_depths)
    if report.include_memos and report.journal:
        out.append("<h2>Reflexive journal</h2>")
        for memo in report.journal:
            title = f" \u2014 {esc(memo.title)}" if memo.title else ""
            out += [f"<h3>{esc(memo.created[:10])}{title}</h3>", f"<p><em>{esc(memo.author)}</em></p>",
                    usermd.to_html(memo.text, heading_offset=3)]
    body = "\n".join(out)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{esc(report.title)}</title><style>{_CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )
