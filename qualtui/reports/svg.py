"""Inline SVG charts for the HTML report: no scripts, no external files, readable in black and white.

Text widths are estimated from the number of characters (no font metrics on a
server), so the layout depends only on the data: the same project always gives
the same bytes.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from qualtui.analysis.frequencies import Matrix
from qualtui.reports.wording import counted, number
from qualtui.text.normalise import clean_label

FONT = "font-family=\"Helvetica,Arial,sans-serif\" font-size=\"12\""
CHAR = 6.6          # average width of a 12px sans-serif character
ROW = 20
INDENT = 14


def esc(text: str) -> str:
    """Text for XML: one line, no control characters (XML 1.0 forbids them), markup escaped."""
    return html.escape(clean_label(text, 1000), quote=True)


def shorten(text: str, limit: int) -> str:
    text = clean_label(text, 1000)
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "\u2026"


def text_width(text: str) -> float:
    return len(text) * CHAR


def svg_open(width: float, height: float, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{esc(label)}" {FONT}>'
            f"<title>{esc(label)}</title>")


@dataclass(frozen=True)
class Bar:
    label: str
    depth: int
    value: int
    theme: bool = False     # outlined bar, bold label: a theme's total over its codes


def bar_chart(bars: list[Bar], title: str, *, label_chars: int = 40) -> str:
    labels = [shorten(b.label, label_chars - 2 * b.depth) for b in bars]
    label_w = max([text_width(t) + INDENT * b.depth for t, b in zip(labels, bars)] + [60]) + 10
    bar_w = 320
    top = 8
    width = label_w + bar_w + 60
    height = top + ROW * len(bars) + 34
    most = max([b.value for b in bars] + [1])
    out = [svg_open(width, height, title)]
    for i, (bar, label) in enumerate(zip(bars, labels)):
        y = top + i * ROW
        weight = ' font-weight="bold"' if bar.theme else ""
        out.append(f'<text x="{4 + INDENT * bar.depth}" y="{y + 14}"{weight}>{esc(label)}</text>')
        length = bar_w * bar.value / most
        fill = "#ffffff" if bar.theme else "#8c8c8c"
        if bar.value:
            out.append(f'<rect x="{label_w:.1f}" y="{y + 4}" width="{length:.1f}" height="{ROW - 8}" '
                       f'fill="{fill}" stroke="#000000" stroke-width="1"/>')
        out.append(f'<text x="{label_w + length + 4:.1f}" y="{y + 14}">{number(bar.value)}</text>')
    legend = "Grey bars: segments coded with the code; outlined bars: all segments in a theme's codes."
    out.append(f'<text x="4" y="{height - 10}" font-size="10">{esc(legend)}</text>')
    out.append("</svg>")
    return "".join(out)


def _shade(value: int, most: int) -> str:
    """White for 0, down to mid grey for the largest cell: black numbers stay readable on every shade."""
    level = 255 - round(120 * value / most) if most else 255
    return f"#{level:02x}{level:02x}{level:02x}"


def matrix_chart(matrix: Matrix, themes: set[str], *, label_chars: int = 36) -> str:
    """A shaded table of codes x attribute values, each cell with its number."""
    rows = matrix.rows
    labels = [shorten(r.name, label_chars - 2 * r.depth) for r in rows]
    label_w = max([text_width(t) + INDENT * r.depth for t, r in zip(labels, rows)] + [80]) + 12
    heads = [shorten(v, 18) for v in matrix.values] + ["Total"]
    col_w = max([text_width(h) + 12 for h in heads] + [64])
    top = 2 * ROW + 6
    width = label_w + col_w * len(heads) + 2
    height = top + ROW * (len(rows) + 1) + 8
    most = max([c for r in rows for c in r.cells] + [0])
    title = f"Codes by {matrix.attribute} ({matrix.count})"
    out = [svg_open(width, height, title)]
    for j, head in enumerate(heads):
        x = label_w + j * col_w + col_w / 2
        out.append(f'<text x="{x:.1f}" y="{ROW - 4}" text-anchor="middle" font-weight="bold">{esc(head)}</text>')
        if j < len(matrix.values):
            docs = counted(matrix.documents_per_value[j], "document")
            out.append(f'<text x="{x:.1f}" y="{2 * ROW - 6}" text-anchor="middle" font-size="10">{esc(docs)}</text>')
    for i, (row, label) in enumerate(zip(rows, labels)):
        y = top + i * ROW
        weight = ' font-weight="bold"' if row.code_id in themes else ""
        out.append(f'<text x="{4 + INDENT * row.depth}" y="{y + 14}"{weight}>{esc(label)}</text>')
        for j, value in enumerate((*row.cells, row.total)):
            x = label_w + j * col_w
            fill = _shade(value, most) if j < len(row.cells) else "#ffffff"
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{col_w:.1f}" height="{ROW}" fill="{fill}" '
                       f'stroke="#000000" stroke-width="0.5"/>')
            out.append(f'<text x="{x + col_w / 2:.1f}" y="{y + 14}" text-anchor="middle">{number(value)}</text>')
    y = top + len(rows) * ROW
    out.append(f'<text x="4" y="{y + 14}" font-weight="bold">Total</text>')
    for j, value in enumerate((*matrix.totals, matrix.grand_total)):
        x = label_w + j * col_w
        out.append(f'<rect x="{x:.1f}" y="{y}" width="{col_w:.1f}" height="{ROW}" fill="#ffffff" '
                   f'stroke="#000000" stroke-width="1"/>')
        out.append(f'<text x="{x + col_w / 2:.1f}" y="{y + 14}" text-anchor="middle" '
                   f'font-weight="bold">{number(value)}</text>')
    out.append("</svg>")
    return "".join(out)
