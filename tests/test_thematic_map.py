"""The thematic map: its model, the terminal drawing and the SVG, parsed back."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from click.testing import CliRunner

from qualtui.analysis.corpus import Corpus
from qualtui.cli import cli
from qualtui.reports.map_svg import map_svg
from qualtui.reports.thematic_map import build_map, map_lines

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "Us & <them> \"quoted\""


def make(project, doc):
    theme = project.codes.create("Belonging", codable=False)
    peer = project.codes.create("Peer help", parent=theme.id)
    lend = project.codes.create("Lending", parent=peer.id)
    hope = project.codes.create("Trust", parent=theme.id)
    other = project.codes.create(HOSTILE)
    text = project.docs.text(doc.id)
    first = text.index("It was")
    project.codings.add(doc.id, peer.id, first, first + 30)
    project.codings.add(doc.id, hope.id, first + 5, first + 40)
    project.codings.add(doc.id, peer.id, 0, 20)
    project.codings.add(doc.id, hope.id, 10, 25)
    project.codings.add(doc.id, lend.id, 0, 5)
    return theme, peer, lend, hope, other


def test_map_counts_and_links(project, doc):
    theme, peer, lend, hope, other = make(project, doc)
    themap = build_map(Corpus(project), cooccur=2, title="t")
    by_id = {n.code_id: n for n in themap.nodes}
    assert [n.number for n in themap.nodes] == ["1", "1.1", "1.1.1", "1.2", "2"]
    assert by_id[theme.id].total == 5 and by_id[theme.id].segments == 0 and by_id[theme.id].grouping
    assert by_id[peer.id].segments == 2 and by_id[peer.id].total == 3
    assert [(l.a, l.b, l.count) for l in themap.links] == [(peer.id, hope.id, 2)]
    assert build_map(Corpus(project), cooccur=3).links == ()
    assert build_map(Corpus(project)).links == ()


def test_terminal_map_is_a_tree_with_boxes_and_code_ids(project, doc):
    theme, peer, lend, hope, other = make(project, doc)
    lines = map_lines(build_map(Corpus(project), cooccur=2))
    text = [l.text for l in lines]
    named: dict[str, str] = {}
    for line in lines:
        if line.code_id:
            named.setdefault(line.code_id, line.text)   # its tree line, before any link line
    assert text[0].startswith("\u2554") and text[2].startswith("\u255a")          # grouping theme: double box
    assert "1 Belonging  5 segments in 1 document" in named[theme.id]
    assert named[peer.id].startswith("  \u251c\u2500\u2500 1.1 Peer help  (3 segments with sub-codes)")
    assert named[lend.id].startswith("  \u2502   \u2514\u2500\u2500 1.1.1 Lending  (1 segment)")
    assert named[hope.id].startswith("  \u2514\u2500\u2500 1.2 Trust")
    assert "\u2194 1.2 \u00d72" in named[peer.id] and "\u2194 1.1 \u00d72" in named[hope.id]
    assert any(t.startswith("\u250c") for t in text)                              # codable top code: single box
    assert "  1.1 Peer help \u2194 1.2 Trust: 2 overlaps" in text
    widths = {len(t) for t in text if t and t[0] in "\u2554\u255a\u250c\u2514"}
    assert len(widths) == 1                                                       # every box equally wide


def test_svg_names_every_code_and_is_deterministic(project, doc, tmp_path):
    make(project, doc)
    runner = CliRunner()
    outs = [tmp_path / "a.svg", tmp_path / "b.svg"]
    for out in outs:
        r = runner.invoke(cli, ["-p", str(project.root), "export", "map", "--cooccur", "2", "-o", str(out)])
        assert r.exit_code == 0, r.output
    assert outs[0].read_bytes() == outs[1].read_bytes()
    root = ET.fromstring(outs[0].read_bytes())
    assert root.tag == f"{SVG}svg"
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    for name in ("1 Belonging (5)", "1.1 Peer help (3)", "1.1.1 Lending (1)", "1.2 Trust (2)", f"2 {HOSTILE} (0)"):
        assert name in texts, texts
    dashed = [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray")]
    assert len(dashed) == 1
    colours = {v for e in root.iter() for k, v in e.attrib.items() if k in ("fill", "stroke")}
    assert colours <= {"#ffffff", "#000000", "none"}                              # prints in black and white
    assert not list(root.iter(f"{SVG}script")) and b"href" not in outs[0].read_bytes()


def test_svg_of_an_empty_codebook_parses(project):
    root = ET.fromstring(map_svg(build_map(Corpus(project), title="x")))
    assert "The codebook is empty." in "".join(root.itertext())


def test_html_report_embeds_the_map(project, doc):
    make(project, doc)
    r = CliRunner().invoke(cli, ["-p", str(project.root), "export", "html", "--cooccur", "2"])
    assert r.exit_code == 0
    svgs = re.findall(r"<svg.*?</svg>", r.stdout, re.S)
    maps = [s for s in svgs if "Thematic map" in s]
    assert len(maps) == 1 and "<?xml" not in r.stdout
    root = ET.fromstring(maps[0])
    assert "1.1.1 Lending (1)" in [t.text for t in root.iter(f"{SVG}text")]
