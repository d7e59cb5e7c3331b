"""REFI-QDA export: schema-valid, complete, deterministic, private files, no empty containers."""

from __future__ import annotations

import io
import stat
import xml.etree.ElementTree as ET
import zipfile

import pytest
from click.testing import CliRunner

from qualtui.cli import cli
from qualtui.errors import QualtuiError
from qualtui.model import Transcript
from qualtui.project import Project
from qualtui.refi.common import derived_guid, fold_definition, unfold_definition, user_guid
from qualtui.refi.export import build_qdc, build_qdpx, export_qdc, export_qdpx
from test_refi_helpers import TEXT_A, qde_of, rich_project, validate_qdc, validate_qde

NS = {"q": "urn:QDA-XML:project:1.0"}
CONTAINERS = ("Users", "CodeBook", "Codes", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs")


def parsed(data: bytes) -> ET.Element:
    return ET.fromstring(qde_of(data))


def no_empty_containers(root: ET.Element) -> None:
    for el in root.iter():
        if el.tag.split("}")[-1] in CONTAINERS:
            assert len(el), f"empty <{el.tag}>"


def test_rich_project_is_valid_and_complete(tmp_path):
    project = rich_project(tmp_path / "p")
    data, result = build_qdpx(project)
    validate_qde(qde_of(data))
    root = parsed(data)
    no_empty_containers(root)
    assert [el.tag.split("}")[1] for el in root] == ["Users", "CodeBook", "Variables", "Sources", "Notes", "NoteRef"]
    assert {u.get("name"): u.get("guid") for u in root.iterfind("q:Users/q:User", NS)} == \
        {"ana": user_guid("ana"), "ben": user_guid("ben")}
    support = root.find("q:CodeBook/q:Codes/q:Code[@name='Support']", NS)
    assert support.get("isCodable") == "false" and support.get("color") == "#112233"
    peers = support.find("q:Code[@name='Peer support']", NS)
    assert unfold_definition(peers.find("q:Description", NS).text)["exclusion"] == "staff help"
    assert peers.find("q:NoteRef", NS) is not None                       # the code memo
    kind = support.find("q:Code[@name='Staff']/q:Code[@name='Kind staff']", NS)
    assert kind.get("color") == "#aabbcc"                                 # depth 3, #abc expanded
    source = root.find("q:Sources/q:TextSource[@name='SU01']", NS)
    doc = project.docs.get("SU01")
    assert source.get("guid") == doc.id and source.get("plainTextPath") == f"internal://{doc.id}.txt"
    assert [v.find("q:TextValue", NS).text for v in source.iterfind("q:VariableValue", NS)] == ["service user", "North"]
    shared = [s for s in source.iterfind("q:PlainTextSelection", NS) if len(s.findall("q:Coding", NS)) == 2]
    assert len(shared) == 1                                               # two coders, one span
    assert {c.get("creatingUser") for c in shared[0].iterfind("q:Coding", NS)} == {user_guid("ana"), user_guid("ben")}
    text = project.docs.text(doc.id)
    for sel in source.iterfind("q:PlainTextSelection", NS):
        start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        assert text[start:end].startswith(sel.get("name").rstrip("\u2026"))   # code points, half-open
    coding_note = source.find("q:PlainTextSelection/q:Coding/q:NoteRef", NS).get("targetGUID")
    notes = {n.get("guid"): n.find("q:PlainTextContent", NS).text for n in root.iterfind("q:Notes/q:Note", NS)}
    assert notes[coding_note] == "early days\nsecond line"
    assert notes[root.find("q:NoteRef", NS).get("targetGUID")] == "Reflexive journal: *first* entry"
    assert notes[source.find("q:NoteRef", NS).get("targetGUID")] == "Long interview; Sam was tired"
    assert result.counts["codings"] == 6 and result.counts["selections"] == 5
    assert any("outside the Basic Multilingual Plane" in w for w in result.warnings)


def test_sources_are_utf8_lf_without_bom_and_the_zip_is_deterministic(tmp_path):
    project = rich_project(tmp_path / "p")
    data, _ = build_qdpx(project)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names[0] == "project.qde" and names[1:] == sorted(names[1:])
        assert all(n.startswith("sources/") and n.endswith(".txt") for n in names[1:])
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        doc = project.docs.get("SU01")
        body = archive.read(f"sources/{doc.id}.txt")
        assert body == TEXT_A.strip("\n").encode("utf-8") and not body.startswith(b"\xef\xbb\xbf")
        assert not archive.read("project.qde").startswith(b"\xef\xbb\xbf")
    assert build_qdpx(project)[0] == data


def test_written_files_are_private(tmp_path):
    project = rich_project(tmp_path / "p")
    export_qdpx(project, tmp_path / "out.qdpx")
    export_qdc(project, tmp_path / "out.qdc")
    for name in ("out.qdpx", "out.qdc"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600


@pytest.mark.parametrize("what", ["empty", "codes only", "document only", "memo only"])
def test_sparse_projects_never_write_empty_containers(tmp_path, what):
    project = Project.init(tmp_path / "p", name="sparse", coder="ana")
    if what == "codes only":
        project.codes.create("Lonely")
    elif what == "document only":
        project.docs.add(Transcript("just text", (), "txt"), "D")
    elif what == "memo only":
        project.memos.add("project", "a thought")
    data, _ = build_qdpx(project)
    validate_qde(qde_of(data))
    no_empty_containers(parsed(data))


def test_codebook_export_is_valid_and_nested(tmp_path):
    project = rich_project(tmp_path / "p")
    data, result = build_qdc(project)
    validate_qdc(data)
    root = ET.fromstring(data)
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    assert root.find(".//{*}Code[@name='Kind staff']") is not None
    assert root.find(".//{*}NoteRef") is None and root.find("{*}Sets") is None
    assert result.counts["codes"] == 5 and "code memo" in result.warnings[0]


def test_codebook_of_a_project_without_codes_is_refused(tmp_path):
    with pytest.raises(QualtuiError):
        build_qdc(Project.init(tmp_path / "p", coder="ana"))


def test_deleted_targets_and_bad_values_are_left_out_with_warnings(tmp_path):
    project = rich_project(tmp_path / "p")
    doc = project.docs.get("SU01")
    ghost = project.codes.create("Ghost")
    project.codings.add(doc.id, ghost.id, 0, 5)
    project.codes.delete_records([ghost.id])                       # a coding now points nowhere
    project.codes.update(project.codes.get("Hardship").id, description="bell\x07 and \ufffe")
    data, result = build_qdpx(project)
    validate_qde(qde_of(data))
    assert any("deleted code" in w for w in result.warnings)
    assert any("XML cannot carry" in w for w in result.warnings)
    assert ghost.id not in qde_of(data).decode()


def test_definitions_fold_and_unfold():
    text = fold_definition("Talk about help", "patients helping", "", "they helped me")
    assert text == "Talk about help\n\nInclude when: patients helping\n\nExample: they helped me"
    assert unfold_definition(text) == {"description": "Talk about help", "inclusion": "patients helping",
                                       "exclusion": "", "example": "they helped me"}
    assert unfold_definition(fold_definition("", "", "never", "")) == {
        "description": "", "inclusion": "", "exclusion": "never", "example": ""}
    assert derived_guid("user", "ana") == user_guid("ana") == derived_guid("user", "ana")


def test_cli_export_commands(tmp_path):
    project = rich_project(tmp_path / "p")
    runner = CliRunner()
    out = runner.invoke(cli, ["export", "qdpx", "-p", str(project.root), "-o", str(tmp_path / "s.qdpx")])
    assert out.exit_code == 0, out.output
    assert "6 codings" in out.output and "data-loss warning" in out.output
    validate_qde(qde_of((tmp_path / "s.qdpx").read_bytes()))
    out = runner.invoke(cli, ["export", "qdc", "-p", str(project.root), "-o", str(tmp_path / "c.qdc")])
    assert out.exit_code == 0, out.output
    validate_qdc((tmp_path / "c.qdc").read_bytes())
    out = runner.invoke(cli, ["export", "qdpx", "-p", str(project.root), "-o", str(tmp_path / "nowhere" / "s.qdpx")])
    assert out.exit_code != 0
