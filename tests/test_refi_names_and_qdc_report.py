"""REFI-QDA details from issue 11: a nameless TextSource is named after its text file, and import-qdc
reports what it did not carry over, as import-qdpx does."""

from __future__ import annotations

import io
import zipfile

from click.testing import CliRunner

from qualtui.cli import cli
from qualtui.project import Project
from qualtui.refi.import_ import import_qdc, import_qdpx


def test_a_text_source_without_a_name_is_named_after_its_plain_text_file(tmp_path):
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources>'
           '<TextSource guid="dddddddd-0000-0000-0000-000000000001" plainTextPath="internal://SU07 ward B.txt"/>'
           '<TextSource guid="dddddddd-0000-0000-0000-000000000002" plainTextPath="notes.TXT"/>'
           "</Sources></Project>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("Sources/SU07 ward B.txt", "Interviewer: hi\nSam: hello\nInterviewer: bye\n")
        archive.writestr("Sources/notes.TXT", "Just notes.\n")
    (tmp_path / "a.qdpx").write_bytes(buffer.getvalue())
    report = import_qdpx(tmp_path / "a.qdpx", tmp_path / "p")
    names = [d.name for d in Project.open(tmp_path / "p").docs.all()]
    assert names == ["notes", "SU07 ward B"], report.lines()


CODEBOOK = b"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:example:not-refi"><Codes>
  <Code guid="0b8e3e3b-1c1b-5f5a-9c3b-2a2a2a2a2a2a" name="Hope" isCodable="true" weight="3" color="#aabbcc">
    <Description>when they look ahead</Description>
    <NoteRef targetGUID="0b8e3e3b-1c1b-5f5a-9c3b-2a2a2a2a2a2b"/>
    <Code guid="0b8e3e3b-1c1b-5f5a-9c3b-2a2a2a2a2a2c" name="Plans" isCodable="true"><Alias>p</Alias></Code>
  </Code>
</Codes><Sets><Set guid="0b8e3e3b-1c1b-5f5a-9c3b-2a2a2a2a2a2d" name="core"/><Set name="other"/></Sets></CodeBook>"""


def test_import_qdc_reports_code_sets_unknown_attributes_and_a_non_standard_namespace(tmp_path):
    project = Project.init(tmp_path / "p", name="p", coder="ana")
    (tmp_path / "c.qdc").write_bytes(CODEBOOK)
    report = import_qdc(project, tmp_path / "c.qdc")
    assert report.counts["codes"] == 2
    assert report.skipped == {"code sets": 2, "unknown code attribute 'weight'": 1,
                              "code notes (a codebook carries no note text)": 1, "unknown element 'Alias' in codes": 1}
    assert report.notes == ["non-standard namespace 'urn:example:not-refi'; read as REFI-QDA anyway"]
    result = CliRunner().invoke(cli, ["-p", str(project.root), "import-qdc", str(tmp_path / "c.qdc")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "skipped (not carried over):" in lines and "2 code sets" in [line.strip() for line in lines]
    assert "non-standard namespace 'urn:example:not-refi'; read as REFI-QDA anyway" in lines


def test_a_clean_codebook_reports_nothing_skipped(tmp_path):
    project = Project.init(tmp_path / "p", name="p", coder="ana")
    (tmp_path / "c.qdc").write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                                    '<Code guid="0b8e3e3b-1c1b-5f5a-9c3b-2a2a2a2a2a2a" name="Hope" isCodable="true"/>'
                                    "</Codes></CodeBook>")
    report = import_qdc(project, tmp_path / "c.qdc")
    assert not any(report.skipped.values()) and report.notes == []
