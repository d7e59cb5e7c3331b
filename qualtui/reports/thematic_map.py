"""A thematic map (Braun and Clarke, phase 3): themes, their codes and sub-codes, with counts.

``build_map`` gathers it from a corpus; ``map_lines`` draws it with box
characters for the terminal (each line knowing which code it shows, so a
screen can open that code's retrieval); ``map_svg`` draws it for print.
Optional links join codes whose segments overlap at least *cooccur* times.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualtui.analysis.cooccurrence import cooccurrence
from qualtui.analysis.corpus import Corpus
from qualtui.analysis.frequencies import segment_counts
from qualtui.reports.model import outline_numbers
from qualtui.reports.wording import counted
from qualtui.text.normalise import clean_label


@dataclass(frozen=True)
class MapNode:
    code_id: str
    name: str
    number: str          # outline number: 1, 1.2, 1.2.1
    depth: int
    grouping: bool       # a theme that is not applied to text itself
    segments: int        # the code's own segments
    total: int           # with all its sub-codes
    documents: int       # documents with the code or a sub-code

    @property
    def label(self) -> str:
        return f"{self.number} {clean_label(self.name)}"


@dataclass(frozen=True)
class MapLink:
    a: str               # code ids, a before b in codebook order
    b: str
    count: int           # pairs of overlapping segments


@dataclass(frozen=True)
class ThematicMap:
    title: str
    nodes: tuple[MapNode, ...]
    links: tuple[MapLink, ...]
    cooccur: int | None  # the threshold links were drawn at, None: no links

    def node(self, code_id: str) -> MapNode:
        return next(n for n in self.nodes if n.code_id == code_id)

    def links_of(self, code_id: str) -> list[tuple[MapNode, int]]:
        out = [(self.node(l.b if l.a == code_id else l.a), l.count) for l in self.links if code_id in (l.a, l.b)]
        return sorted(out, key=lambda pair: self.nodes.index(pair[0]))


def build_map(corpus: Corpus, *, cooccur: int | None = None, title: str = "") -> ThematicMap:
    own = segment_counts(corpus)
    rolled = segment_counts(corpus, rollup=True)
    numbers = outline_numbers(corpus.tree)
    nodes = tuple(
        MapNode(code.id, code.name, numbers[code.id], depth, not code.codable, own[code.id][0],
                rolled[code.id][0], rolled[code.id][1])
        for depth, code in corpus.tree
    )
    links: tuple[MapLink, ...] = ()
    if cooccur is not None:
        order = {n.code_id: i for i, n in enumerate(nodes)}
        found = []
        for pair in cooccurrence(corpus, unit="span"):
            if pair.count >= cooccur and pair.code_a_id in order and pair.code_b_id in order:
                a, b = sorted((pair.code_a_id, pair.code_b_id), key=order.__getitem__)
                found.append(MapLink(a, b, pair.count))
        links = tuple(sorted(found, key=lambda l: (order[l.a], order[l.b])))
    return ThematicMap(clean_label(title), nodes, links, cooccur)


@dataclass(frozen=True)
class MapLine:
    text: str
    code_id: str | None = None    # the code this line names (None: a box edge, a blank, a heading)


def _count(node: MapNode) -> str:
    if node.depth == 0 or node.total != node.segments:
        return counted(node.total, "segment") + (f" in {counted(node.documents, 'document')}"
                                                   if node.depth == 0 else " with sub-codes")
    return counted(node.segments, "segment")


def _links(themap: ThematicMap, node: MapNode) -> str:
    linked = themap.links_of(node.code_id)
    return "".join(f"  \u2194 {other.number} \u00d7{count}" for other, count in linked)


def map_lines(themap: ThematicMap) -> list[MapLine]:
    """The map as text: each top-level code in a box, its codes and sub-codes as a tree beneath."""
    tops = [n for n in themap.nodes if n.depth == 0]
    inner = max([len(f"{n.label}  {_count(n)}") for n in tops] + [20]) + 2
    out: list[MapLine] = []
    nodes = list(themap.nodes)
    for index, node in enumerate(nodes):
        if node.depth == 0:
            if out:
                out.append(MapLine(""))
            heavy = node.grouping
            tl, tr, bl, br, h, v = ("\u2554", "\u2557", "\u255a", "\u255d", "\u2550", "\u2551") if heavy else \
                ("\u250c", "\u2510", "\u2514", "\u2518", "\u2500", "\u2502")
            body = f" {node.label}  {_count(node)}".ljust(inner)
            out += [MapLine(tl + h * inner + tr),
                    MapLine(f"{v}{body}{v}{_links(themap, node)}", node.code_id),
                    MapLine(bl + h * inner + br)]
            continue
        prefix = ""
        for depth in range(1, node.depth):
            prefix += "\u2502   " if _has_later_sibling(nodes, index, depth) else "    "
        branch = "\u251c\u2500\u2500 " if _has_later_sibling(nodes, index, node.depth) else "\u2514\u2500\u2500 "
        out.append(MapLine(f"  {prefix}{branch}{node.label}  ({_count(node)}){_links(themap, node)}", node.code_id))
    if not nodes:
        out.append(MapLine("The codebook is empty: create codes to see the map."))
    if themap.links:
        out += [MapLine(""), MapLine(f"Co-occurrence: codes whose segments overlap {themap.cooccur}+ times")]
        for link in themap.links:
            a, b = themap.node(link.a), themap.node(link.b)
            out.append(MapLine(f"  {a.label} \u2194 {b.label}: {counted(link.count, 'overlap')}", link.a))
    elif themap.cooccur is not None:
        out += [MapLine(""), MapLine(f"No two codes overlap {themap.cooccur}+ times.")]
    return out


def _has_later_sibling(nodes: list[MapNode], index: int, depth: int) -> bool:
    """Whether the ancestor-or-self of nodes[index] at *depth* has a sibling further down."""
    for later in nodes[index + 1:]:
        if later.depth < depth:
            return False
        if later.depth == depth:
            return True
    return False
