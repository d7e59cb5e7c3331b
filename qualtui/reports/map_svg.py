"""The thematic map as a standalone SVG drawing, for print and for the HTML report.

Layout is a pure function of the map: one row per code in codebook order, one
column per depth, so two exports of the same project are byte-identical.
Themes have a heavy border (double for grouping themes) and bold names; tree
lines join a code to its parent; co-occurrence links are dashed arcs on the
right with their count.  Black on white only, so it prints in black and white.
"""

from __future__ import annotations

from qualtui.reports.svg import CHAR, esc, shorten, svg_open
from qualtui.reports.thematic_map import MapNode, ThematicMap
from qualtui.reports.wording import counted, number

ROW = 30
BOX_H = 22
GAP = 28            # horizontal gap between depth columns
MARGIN = 12
LABEL_CHARS = 44


def _label(node: MapNode) -> str:
    count = node.total if node.depth == 0 or node.total != node.segments else node.segments
    return f"{shorten(node.label, LABEL_CHARS)} ({number(count)})"


def map_svg(themap: ThematicMap, *, standalone: bool = True) -> str:
    nodes = themap.nodes
    depths = max([n.depth for n in nodes] + [0]) + 1
    widths = [0.0] * depths
    for node in nodes:
        widths[node.depth] = max(widths[node.depth], len(_label(node)) * CHAR + 16)
    xs = [MARGIN + sum(widths[:d]) + GAP * d for d in range(depths)]
    head = 2 * ROW if themap.links else ROW + 6
    ys = {n.code_id: head + i * ROW for i, n in enumerate(nodes)}
    right = max([xs[n.depth] + widths[n.depth] for n in nodes] + [240.0])
    reach = min(ROW * len(nodes) / 2, 200) if themap.links else 0
    width = right + reach + 40 + MARGIN
    height = head + ROW * max(len(nodes), 1) + MARGIN
    title = f"Thematic map: {themap.title}" if themap.title else "Thematic map"
    out = [svg_open(width, height, title).replace("<svg ", '<svg version="1.1" ', 1)]
    out.append(f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>')
    out.append(f'<text x="{MARGIN}" y="18" font-size="14" font-weight="bold">{esc(title)}</text>')
    if themap.links:
        note = (f"Dashed lines: codes whose segments overlap {themap.cooccur} or more times "
                "(the number: overlapping pairs).")
        out.append(f'<text x="{MARGIN}" y="{ROW + 8}" font-size="11">{esc(note)}</text>')
    if not nodes:
        out.append(f'<text x="{MARGIN}" y="{head + 14}">The codebook is empty.</text>')
    parents: list[MapNode] = []
    for node in nodes:
        del parents[node.depth:]
        x, y = xs[node.depth], ys[node.code_id]
        if parents:
            parent = parents[-1]
            px = xs[parent.depth] + 10
            py = ys[parent.code_id] + BOX_H
            out.append(f'<path d="M{px:.1f},{py} V{y + BOX_H / 2} H{x:.1f}" fill="none" stroke="#000000" '
                       'stroke-width="1"/>')
        box_w = widths[node.depth] - 4
        if node.depth == 0:
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{box_w:.1f}" height="{BOX_H}" fill="#ffffff" '
                       'stroke="#000000" stroke-width="2.5"/>')
            if node.grouping:
                out.append(f'<rect x="{x + 3:.1f}" y="{y + 3}" width="{box_w - 6:.1f}" height="{BOX_H - 6}" '
                           'fill="none" stroke="#000000" stroke-width="0.8"/>')
        else:
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{box_w:.1f}" height="{BOX_H}" fill="#ffffff" '
                       'stroke="#000000" stroke-width="1"/>')
        weight = ' font-weight="bold"' if node.depth == 0 else ""
        out.append(f'<text x="{x + 8:.1f}" y="{y + 15}"{weight}>{esc(_label(node))}</text>')
        parents.append(node)
    for link in themap.links:
        a, b = themap.node(link.a), themap.node(link.b)
        ya, yb = ys[a.code_id] + BOX_H / 2, ys[b.code_id] + BOX_H / 2
        xa, xb = xs[a.depth] + widths[a.depth] - 4, xs[b.depth] + widths[b.depth] - 4
        bulge = right + min(abs(yb - ya) / 2, reach)
        out.append(f'<path d="M{xa:.1f},{ya} C{bulge:.1f},{ya} {bulge:.1f},{yb} {xb:.1f},{yb}" fill="none" '
                   'stroke="#000000" stroke-width="1" stroke-dasharray="5,3"/>')
        mx, my = (xa + xb) / 8 + 0.75 * bulge, (ya + yb) / 2     # the curve's midpoint (t = 0.5)
        label = number(link.count)
        out.append(f'<rect x="{mx - 4 - len(label) * 3.5:.1f}" y="{my - 8:.1f}" width="{len(label) * 7 + 8}" '
                   'height="14" fill="#ffffff" stroke="#000000" stroke-width="0.5"/>')
        out.append(f'<text x="{mx:.1f}" y="{my + 3:.1f}" text-anchor="middle" font-size="10">{label}</text>')
    out.append("</svg>")
    body = "".join(out)
    if standalone:
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
    return body


def describe(themap: ThematicMap) -> str:
    """One line for the command line: what was drawn."""
    themes = sum(1 for n in themap.nodes if n.depth == 0)
    codes = len(themap.nodes) - themes
    links = f", {counted(len(themap.links), 'link')}" if themap.cooccur is not None else ""
    return f"{counted(themes, 'theme')}, {counted(codes, 'code')}{links}"
