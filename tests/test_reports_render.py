"""The researcher's markdown, the hierarchy, citations and charts, read back from each format."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from qualtui.cli import cli, main
from qualtui.reports.docx_report import render_docx
from qualtui.reports.html_report import render_html
from qualtui.reports.markdown import render_markdown
from qualtui.reports.model import build_report, outline_numbers
from qualtui.reports.usermd import as_written, to_html
from qualtui.reports.wording import counted, names
from qualtui.text.units import clock

MEMO = ("# Familiarisation\n\n**My position.** I *was* a nurse, see [the paper](https://example.org/p) and "
        "![a photo](https://example.org/x.png) <img src=https://example.org/y.png>.\n\n"
        "- first\n  - nested\n- second\n\n1. one\n2. two\n\n> said once\n\n```\nverbatim\n```\n")
MARKERS = re.compile(r"\*\*|(^|\s)#{1,6}\s|(^|\s)\*[^\s*]|\]\(|!\[|```")


def build(project, doc):
    theme = project.codes.create("Belonging", codable=False, description="Feeling *part* of the ward")
    peer = project.codes.create("Peer help", parent=theme.id, description="Patients **helping** each other")
    sub = project.codes.create("Practical help", parent=peer.id, description="Lending, fetching")
    text = project.docs.text(doc.id)
    start = text.index("The other patients")
    project.codings.add(doc.id, peer.id, start, start + 20, memo="Compare *SU02*")
    project.codings.add(doc.id, sub.id, 0, 11)
    project.memos.add("project", MEMO, title="Week 1")
    project.memos.add("code", "Check with **Bob**", target=peer.id)
    return theme, peer, sub


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.headings: list[tuple[str, list[str], str]] = []   # (tag, enclosing tags, text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if self.stack and self.stack[-1] in ("style",):
            return
        self.text.append(data)
        if self.stack and re.fullmatch(r"h\d", self.stack[-1]):
            self.headings.append((self.stack[-1], list(self.stack[:-1]), data))


def test_html_renders_the_researchers_markdown_and_fetches_nothing(project, doc):
    build(project, doc)
    page = _Page()
    page.feed(render_html(build_report(project, include_memos=True)))
    outside_svg = "".join(page.text)
    assert not MARKERS.search(outside_svg.replace("\u2014", "")), MARKERS.search(outside_svg)
    tags = [t for t, _ in page.tags]
    assert {"strong", "em", "ul", "ol", "blockquote", "pre", "svg"} <= set(tags)
    assert not {"script", "img", "link", "iframe", "a"} & set(tags)
    assert not any(k in ("src", "href") for _, attrs in page.tags for k in attrs)
    assert not any(v and re.search(r"url\(|https?:", v) for _, attrs in page.tags for k, v in attrs.items()
                   if k != "xmlns")
    assert "(https://example.org/p)" in outside_svg and "[image: a photo]" in outside_svg
    assert "<img src=https://example.org/y.png>" in outside_svg          # raw HTML shown as text
    # the memo's "# Familiarisation" sits below the journal entry's h3
    assert ("h4", "Familiarisation") in [(t, x) for t, _, x in page.headings]


def test_html_keeps_the_hierarchy(project, doc):
    build(project, doc)
    page = _Page()
    page.feed(render_html(build_report(project)))
    found = {text: (tag, enclosing.count("section")) for tag, enclosing, text in page.headings}
    assert found["1 Belonging (theme)"] == ("h3", 1)
    assert found["1.1 Peer help"] == ("h4", 2)
    assert found["1.1.1 Practical help"] == ("h5", 3)
    assert "1 segment in 1 document." in "".join(page.text)


def test_markdown_keeps_the_users_markdown_as_written(project, doc):
    build(project, doc)
    md = render_markdown(build_report(project, include_memos=True))
    assert "\n# Familiarisation\n" in md and "**My position.** I *was* a nurse" in md
    assert "\\#" not in md and "\\*" not in md
    assert "##### 1.1.1 Practical help" in md
    assert "*Memo (tester, " in md and "Check with **Bob**" in md


def test_unclosed_fence_is_closed_so_it_cannot_swallow_the_report():
    assert as_written("```\ncode") == "```\ncode\n```"
    assert as_written("~~~~\nx\n~~~~\n```") == "~~~~\nx\n~~~~\n```\n```"
    assert as_written("```\nx\n```") == "```\nx\n```"


def test_docx_maps_markdown_to_word_and_nests_headings(project, doc):
    from docx import Document

    build(project, doc)
    document = Document(io.BytesIO(render_docx(build_report(project, include_memos=True))))
    paragraphs = document.paragraphs
    styles = {p.text: p.style.name for p in paragraphs}
    assert styles["1 Belonging (theme)"] == "Heading 2"
    assert styles["1.1 Peer help"] == "Heading 3"
    assert styles["1.1.1 Practical help"] == "Heading 4"
    assert styles["Familiarisation"] == "Heading 3"       # the memo's h1, under the entry's Heading 2
    bold = [r.text for p in paragraphs for r in p.runs if r.bold]
    italic = [r.text for p in paragraphs for r in p.runs if r.italic]
    assert "My position." in bold and "Bob" in bold and "was" in italic
    assert styles["first"] == "List Bullet" and styles["nested"] == "List Bullet 2"
    assert styles["1. one"] == "List Continue" and styles["2. two"] == "List Continue"
    assert styles["said once"] == "Quote" and styles["verbatim"] == "macro"
    assert not any(MARKERS.search(p.text) for p in paragraphs), [p.text for p in paragraphs if MARKERS.search(p.text)]
    codebook = document.tables[0]
    rows = [[c.text for c in r.cells] for r in codebook.rows]
    assert [r[0] for r in rows[1:]] == ["1", "1.1", "1.1.1"]
    assert rows[1][1] == "Belonging (theme)" and rows[1][4] == "Feeling part of the ward"
    cell_runs = codebook.rows[1].cells[1].paragraphs[0].runs
    assert cell_runs[0].bold
    indents = [r.cells[1].paragraphs[0].paragraph_format.left_indent or 0 for r in codebook.rows[1:]]
    assert indents[0] < indents[1] < indents[2]
    definition = [r for r in codebook.rows[2].cells[4].paragraphs[0].runs if r.bold]
    assert [r.text for r in definition] == ["helping"]


def test_docx_has_frequency_and_matrix_tables(project, doc):
    from docx import Document

    build(project, doc)
    project.docs.add(doc_transcript("Nurse: We talk.\n"), "ST01", attributes={"group": "staff"})
    document = Document(io.BytesIO(render_docx(build_report(project))))
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in document.tables]
    frequencies = tables[1]
    assert frequencies[0] == ["Code", "Segments", "Documents", "With sub-codes"]
    assert frequencies[1] == ["1 Belonging", "0", "0", "2"]
    matrix = tables[2]
    assert matrix[0] == ["Code", "service user (n=1)", "staff (n=1)", "Total"]
    assert matrix[-1] == ["Total", "2", "0", "2"]


def doc_transcript(text: str):
    from qualtui.importers.plain import read_plain

    return read_plain(text.encode(), "x.txt")


def test_svg_charts_parse_and_name_every_code(project, doc):
    build(project, doc)
    project.codes.create("<script>alert(1)<\\script> & co")
    project.docs.add(doc_transcript("Nurse: We talk.\n"), "ST01", attributes={"group": "staff"})
    page = render_html(build_report(project))
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 2                         # frequencies, codes x group
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        texts = "".join(root.itertext())
        for name in ("Belonging", "Peer help", "Practical help", "<script>alert(1)<\\script> & co"):
            assert name in texts
        assert not root.findall(".//{http://www.w3.org/2000/svg}script")
    assert render_html(build_report(project)).count("<svg") == 2


def test_citations_plurals_and_numbers(project, doc):
    from qualtui.importers.vtt import read_vtt

    vtt = "WEBVTT\n\n00:12:31.000 --> 00:12:35.000\n<v Ann>We waited.</v>\n\n" \
          "00:12:36.000 --> 00:12:40.000\n<v Bo>For hours.</v>\n"
    video = project.docs.add(read_vtt(vtt.encode(), "ST09.vtt"), "ST09")
    code = project.codes.create("Waiting")
    text = project.docs.text(video.id)
    start = text.index("For hours")
    project.codings.add(video.id, code.id, start, start + 9)
    plain = build_report(project)
    timed = build_report(project, timestamps=True)
    assert plain.codebook[0].quotes[0].citation == "ST09, Bo, l. 3"
    assert timed.codebook[0].quotes[0].citation == "ST09, Bo, l. 3, 00:12:36"
    assert counted(1, "segment") == "1 segment" and counted(1204, "coding") == "1,204 codings"
    assert counted(0, "document") == "0 documents" and names(["a", "b", "c"]) == "a, b and c"
    assert clock(3_723_000) == "01:02:03"


def test_outline_numbers_follow_the_tree(project):
    a = project.codes.create("A")
    b = project.codes.create("B")
    project.codes.create("B1", parent=b.id)
    b2 = project.codes.create("B2", parent=b.id)
    project.codes.create("B2a", parent=b2.id)
    numbers = outline_numbers(project.codes.tree())
    by_name = {c.name: numbers[c.id] for c in project.codes.all()}
    assert by_name == {"A": "1", "B": "2", "B1": "2.1", "B2": "2.2", "B2a": "2.2.1"}
    assert numbers[a.id] == "1"


def test_html_fragment_renders_no_live_markup():
    out = to_html("[x](javascript:alert(1)) <script>a()</script> ![](http://e/x.png)")
    assert "<script>" not in out and "href" not in out and "src=" not in out and "[image]" in out


def test_export_options_and_bad_attribute(project, doc, tmp_path, capsys):
    build(project, doc)
    runner = CliRunner()
    r = runner.invoke(cli, ["-p", str(project.root), "export", "md", "--no-matrix"])
    assert r.exit_code == 0 and "Codes by" not in r.output
    r = runner.invoke(cli, ["-p", str(project.root), "export", "md", "--matrix-attr", "group"])
    assert r.exit_code == 0 and "### Codes by group (segments)" in r.output
    out = tmp_path / "r.html"
    with pytest.raises(SystemExit) as exit_:
        main(["-p", str(project.root), "export", "html", "--matrix-attr", "nope", "-o", str(out)])
    err = capsys.readouterr().err
    assert exit_.value.code != 0 and err.count("\n") == 1 and "'nope'" in err and not out.exists()
