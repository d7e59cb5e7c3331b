"""REFI-QDA import: the shared real-world examples, vendor variants, codebooks, reports."""

from __future__ import annotations

import io
from pathlib import Path
import zipfile

import pytest
from click.testing import CliRunner

from qualtui.cli import cli
from qualtui.errors import ImportRejected, QualtuiError
from qualtui.project import Project
from qualtui.refi.export import build_qdc
from qualtui.refi.import_ import import_qdc, import_qdpx
from refi_fixtures import NVIVO_CODES, NVIVO_DEPTH, nvivo_mac_codebook_qdpx
from test_refi_helpers import refi_dir, rich_project

# The real NVivo for Mac export these quirks come from is AGPL-licensed, so it is not vendored; where a copy of the
# reference folder lies beside the clone (as on the developers' machines), the same tests also run on the real file.
REAL_NVIVO = Path(__file__).resolve().parents[1].parent / "shared" / "refi-qda" / "examples" / "nvivo-mac15-codebook-only.qdpx"


def examples():
    return refi_dir() / "examples"


@pytest.fixture(params=["made", "real"])
def nvivo_mac_qdpx(request, tmp_path) -> Path:
    if request.param == "real":
        if not REAL_NVIVO.is_file():
            pytest.skip(f"the real NVivo for Mac export is not beside the clone ({REAL_NVIVO})")
        return REAL_NVIVO
    path = tmp_path / "nvivo-mac15-codebook-only.qdpx"
    path.write_bytes(nvivo_mac_codebook_qdpx())
    return path


def depth(project: Project) -> int:
    return max(d for d, _ in project.codes.tree()) + 1


def test_annex_a2_qde_alone(tmp_path):
    report = import_qdpx(examples() / "annexA2-atlasti-8.4.qde", tmp_path / "p")
    project = Project.open(tmp_path / "p")
    codes = {c.name: c for c in project.codes.all()}
    assert len(codes) == 14 and codes["Coke"].description == "the breakfast of champions"
    assert codes["happiness"].color == "#f00082"
    assert codes["milk"].color.startswith("#")                          # no colour in the file: a default
    assert codes['"rushed"'].id == "9f43fe32-c2cb-4ba8-b766-a0734c826e49"   # upper-case GUID normalised
    memos = {m.title: m for m in project.memos.all()}
    assert memos["Research Plan"].text.startswith("day to day log")     # Description kept with the text
    assert memos["Research Plan"].author == "Friedrich Markgraf"
    assert project.docs.all() == []
    skipped = report.skipped
    assert skipped["text sources without text (a bare .qde carries no source files)"] == 6
    assert skipped["graphs (networks)"] == 1 and skipped["picture selections"] == 1
    assert skipped["video selections"] == 2 and skipped["PDF area selections"] == 4
    assert skipped["text selections in sources without text"] == 8


def test_annex_a2_qdpx_without_text_files_reports_instead_of_crashing(tmp_path):
    report = import_qdpx(examples() / "annexA2-atlasti-8.4.qdpx", tmp_path / "p")
    text = "\n".join(report.lines())
    assert "14 codes" in text and "0 documents" in text
    assert "text sources without text (its text file is missing from the archive)" in text
    assert "graphs" in text and "links between objects" in text


def test_nvivo_mac_codebook_only_project(tmp_path, nvivo_mac_qdpx):
    report = import_qdpx(nvivo_mac_qdpx, tmp_path / "p")
    project = Project.open(tmp_path / "p")
    assert len(project.codes.all()) == NVIVO_CODES == 262 and depth(project) == NVIVO_DEPTH == 7
    names = [c.name.casefold() for c in project.codes.all()]
    assert len(set(names)) == len(names)                                 # duplicates renamed, and said so
    assert any("renamed to 'programming (" in line for line in report.notes)
    assert len(project.docs.all()) == 2                                   # the 1-byte text representations
    assert project.name == "qc project"


def test_nvivo_mac_codebook_into_an_existing_project(project, tmp_path, nvivo_mac_qdpx):
    top = "politics" if nvivo_mac_qdpx == REAL_NVIVO else "theme_03"
    project.codes.create(top)
    report = import_qdc(project, nvivo_mac_qdpx)
    assert report.counts["merged codes"] == 1 and report.counts["codes"] == 261
    politics = project.codes.get(top)
    assert len(project.codes.descendants(politics.id)) > 5                # NVivo's children went under ours


def _variant_qdpx() -> bytes:
    """Many vendor quirks at once: Trial.QDE, SOURCES/, braces, upper case, BOM, bare path, colon namespace."""
    qde = """\ufeff<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1:0" origin="MAXQDA 2022" creatingUserGUID="{AAAAAAAA-0000-0000-0000-000000000001}">
  <Users><User guid="{AAAAAAAA-0000-0000-0000-000000000001}" name="Mia"/></Users>
  <CodeBook><Codes>
    <Code guid="{BBBBBBBB-0000-0000-0000-000000000001}" name="Parent/Theme" isCodable="false">
      <Code guid="bbbbbbbb-0000-0000-0000-000000000002" name="" isCodable="true" color="#ABC"/>
    </Code>
  </Codes></CodeBook>
  <Variables><Variable guid="cccccccc-0000-0000-0000-000000000001" name="age" typeOfVariable="Integer"/></Variables>
  <Cases><Case guid="cccccccc-0000-0000-0000-000000000002">
    <VariableValue><VariableRef targetGUID="CCCCCCCC-0000-0000-0000-000000000001"/><IntegerValue>42</IntegerValue></VariableValue>
    <SourceRef targetGUID="{DDDDDDDD-0000-0000-0000-000000000001}"/>
  </Case></Cases>
  <Sources>
    <TextSource guid="{DDDDDDDD-0000-0000-0000-000000000001}" plainTextPath="interview.txt">
      <PlainTextSelection guid="eeeeeeee-0000-0000-0000-000000000001" startPosition="6" endPosition="11">
        <Description>a comment</Description>
        <Coding guid="ffffffff-0000-0000-0000-000000000001"><CodeRef targetGUID="{BBBBBBBB-0000-0000-0000-000000000002}"/></Coding>
        <Coding guid="ffffffff-0000-0000-0000-000000000002"><CodeRef targetGUID="99999999-0000-0000-0000-000000000000"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="eeeeeeee-0000-0000-0000-000000000002" startPosition="0" endPosition="5">
        <Description>uncoded remark</Description>
      </PlainTextSelection>
      <PlainTextSelection guid="eeeeeeee-0000-0000-0000-000000000003" startPosition="3" endPosition="3"/>
    </TextSource>
  </Sources>
  <Notes/>
  <Sets></Sets>
</Project>"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Trial.QDE", qde.encode("utf-8"))
        archive.writestr("SOURCES/interview.txt", "\ufeffHello world, again\r\n".encode("utf-8"))
    return buffer.getvalue()


def test_vendor_variants_are_read_leniently(tmp_path):
    (tmp_path / "v.qdpx").write_bytes(_variant_qdpx())
    report = import_qdpx(tmp_path / "v.qdpx", tmp_path / "p")
    project = Project.open(tmp_path / "p")
    theme = project.codes.by_id("bbbbbbbb-0000-0000-0000-000000000001")
    assert theme.name == "Parent-Theme" and not theme.codable
    child = project.codes.by_id("bbbbbbbb-0000-0000-0000-000000000002")
    assert child.parent == theme.id and child.name == "Unnamed code" and child.color == "#aabbcc"
    doc = project.docs.by_id("dddddddd-0000-0000-0000-000000000001")
    assert project.docs.text(doc.id) == "Hello world, again\n"
    assert doc.attributes == {"age": "42"}
    [coding] = project.codings.for_document(doc.id)
    assert project.docs.text(doc.id)[coding.start:coding.end] == "world"
    assert coding.coder == "Mia" and coding.memo == "a comment"
    comment = [m for m in project.memos.all(kind="document") if m.title == "Comment"]
    assert comment and "uncoded remark" in comment[0].text and "> Hello" in comment[0].text
    assert report.skipped["codings whose code does not exist (dangling CodeRef)"] == 1
    assert report.skipped["text selections that are empty or outside their text"] == 1


def test_codebook_import_merges_by_guid_then_name(tmp_path):
    source = rich_project(tmp_path / "a")
    data, _ = build_qdc(source)
    (tmp_path / "c.qdc").write_bytes(data)
    target = Project.init(tmp_path / "b", coder="ana")
    target.codes.create("hardship", description="ours")
    report = import_qdc(target, tmp_path / "c.qdc")
    assert report.counts["codes"] == 4 and report.counts["merged codes"] == 1
    assert target.codes.get("hardship").description == "ours"
    assert target.codes.get("Support/Staff/Kind staff").color == "#aabbcc"
    again = import_qdc(target, tmp_path / "c.qdc")                  # everything matches by GUID now
    assert again.counts["codes"] == 0 and again.counts["merged codes"] == 5
    assert "same GUID" in " ".join(again.notes)


def test_codebook_namespace_variants_and_empty_sets(project, tmp_path):
    (tmp_path / "t.qdc").write_bytes(
        b'\xef\xbb\xbf<CodeBook xmlns="urn:QDA-XML:codebook:0:4"><Codes>'
        b'<Code guid="{0B8E3E3B-1C1B-5F5A-9C3B-2A2A2A2A2A2A}" name="taguette" isCodable="true"/>'
        b"</Codes><Sets></Sets></CodeBook>")
    import_qdc(project, tmp_path / "t.qdc")
    assert project.codes.get("taguette").id == "0b8e3e3b-1c1b-5f5a-9c3b-2a2a2a2a2a2a"


def test_a_project_file_is_not_a_codebook_and_vice_versa(project, tmp_path):
    (tmp_path / "c.qdc").write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>')
    with pytest.raises(ImportRejected):
        import_qdc(project, tmp_path / "c.qdc")
    with pytest.raises(ImportRejected):
        import_qdpx(tmp_path / "c.qdc", tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_target_must_be_new_or_empty(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file").write_text("x")
    with pytest.raises(QualtuiError, match="not empty"):
        import_qdpx(examples() / "annexA2-atlasti-8.4.qde", tmp_path / "busy")
    (tmp_path / "empty").mkdir()
    import_qdpx(examples() / "annexA2-atlasti-8.4.qde", tmp_path / "empty")
    assert Project.open(tmp_path / "empty").codes.all()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy", "empty"]   # no staging folder left


def test_cli_import_commands(tmp_path, monkeypatch, nvivo_mac_qdpx):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    out = runner.invoke(cli, ["import-qdpx", str(examples() / "annexA2-atlasti-8.4.qdpx")])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "annexA2-atlasti-8.4").is_dir()
    assert "skipped (not carried over):" in out.output and "data-loss warning" in out.output
    out = runner.invoke(cli, ["import-qdc", "-p", "annexA2-atlasti-8.4",
                              str(nvivo_mac_qdpx)])
    assert out.exit_code == 0, out.output
    assert "262 codes" in out.output
