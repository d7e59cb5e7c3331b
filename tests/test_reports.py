"""Reports are checked by parsing what is written, not by eyeballing."""

from __future__ import annotations

import csv
import io
import os
import stat
from html.parser import HTMLParser

from click.testing import CliRunner

from qualtui.cli import cli
from qualtui.reports.codings_csv import codings_csv
from qualtui.reports.html_report import render_html
from qualtui.reports.markdown import md_escape, render_markdown
from qualtui.reports.model import build_report


def make(project, doc):
    theme = project.codes.create("Belonging", codable=False, description="Feeling part of the ward")
    peer = project.codes.create("Peer help", parent=theme.id, description="Patients *helping* each other",
                                inclusion="Concrete acts", example="The other patients helped me")
    text = project.docs.text(doc.id)
    start = text.index("The other patients helped me")
    project.codings.add(doc.id, peer.id, start, start + len("The other patients helped me though."), memo="key quote")
    project.memos.add("project", "Reflexive note <script>alert(1)</script>", title="Week 1")
    project.memos.add("code", "Peer help seems central.", target=peer.id)
    return theme, peer


def test_markdown_report_content(project, doc):
    make(project, doc)
    md = render_markdown(build_report(project, include_memos=True))
    assert "| 1 | **Belonging** (theme) | 0 | 0 | Feeling part of the ward |" in md
    assert "| 1.1 | \u2003Peer help | 1 | 1 | Patients *helping* each other |" in md
    assert "### 1 Belonging (theme)" in md and "#### 1.1 Peer help" in md
    assert "> The other patients helped me though." in md
    assert "*SU01, Sam, l. 5*" in md
    assert "**Definition:** Patients *helping* each other" in md   # the researcher's markdown, as written
    assert "1 segment in 1 document." in md
    assert "## Reflexive journal" in md and "Week 1" in md
    assert "Peer help seems central." in md
    assert "*Coding memo:* key quote" in md
    without = render_markdown(build_report(project))
    assert "Reflexive journal" not in without and "Peer help seems central." not in without


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_and_escapes_data(project, doc):
    make(project, doc)
    page = render_html(build_report(project, include_memos=True))
    parser = _Collect()
    parser.feed(page)
    tags = {t for t, _ in parser.tags}
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert not any("src" in a or "href" in a for _, a in parser.tags)
    assert "<script>alert(1)</script>" in "".join(parser.text)  # shown as text, not markup
    assert "blockquote" in tags and "table" in tags


def test_docx_report_reads_back(project, doc, tmp_path):
    make(project, doc)
    out = tmp_path / "report.docx"
    result = CliRunner().invoke(cli, ["-p", str(project.root), "export", "docx", "-o", str(out), "--memos"])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    from docx import Document

    paragraphs = [p.text for p in Document(str(out)).paragraphs]
    assert "The other patients helped me though." in paragraphs
    assert any(p.startswith("\u2014 SU01, Sam, l. 5") for p in paragraphs)
    table = Document(str(out)).tables[0]
    assert [c.text for c in table.rows[2].cells] == ["1.1", "Peer help", "1", "1", "Patients helping each other"]


def test_codings_csv_has_attributes_and_reads_back(project, doc):
    theme, peer = make(project, doc)
    rows = list(csv.DictReader(io.StringIO(codings_csv(project))))
    assert len(rows) == 1
    row = rows[0]
    assert row["code_path"] == "Belonging/Peer help" and row["theme"] == "Belonging"
    assert row["code_number"] == "1.1" and row["code_depth"] == "1"
    assert row["attr:group"] == "service user" and row["speaker"] == "Sam"
    assert row["text"] == "The other patients helped me though." and row["memo"] == "key quote"
    assert int(row["end"]) - int(row["start"]) == len(row["text"])


def test_export_text_formats_to_stdout_and_binary_needs_file(project, doc):
    make(project, doc)
    runner = CliRunner()
    r = runner.invoke(cli, ["-p", str(project.root), "export", "md", "--quotes", "0"])
    assert r.exit_code == 0 and "# test project" in r.output and "> The other" not in r.output
    r = runner.invoke(cli, ["-p", str(project.root), "export", "docx"])
    assert r.exit_code != 0


def test_md_escape_neutralises_markup():
    assert md_escape("# not a heading") == "\\# not a heading"
    assert md_escape("- not a list") == "\\- not a list"
    assert md_escape("a <b> [link](x)") == "a \\<b\\> \\[link\\](x)"


def test_only_coder_matches_names_as_other_coder_filters_do(project, doc):
    theme, peer = make(project, doc)
    project.codings.add(doc.id, peer.id, 0, 11, coder="Bob")
    report = build_report(project, coders=["bob"])
    assert report.codings == 1 and report.coders == ["Bob"]
