"""import-qdpx reads the project file and each text more than once (a document at a time, issue 14): an
archive within the total size limit must import, however many readings that takes, and a file that changes
between the readings must not mix two files into one project."""

from __future__ import annotations

import os
import zipfile

import pytest

import qualtui.refi.archive as archive_module
import qualtui.refi.import_plan as import_plan
from qualtui.errors import ImportRejected
from qualtui.project import Project
from qualtui.refi.import_ import import_qdpx
from qualtui.safeio.safezip import ZipLimits

TEXT = ("Ana: " + "the ward was loud and the nights were long. " * 100 + "\n").encode()
QDE = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="P" origin="test">
<CodeBook><Codes><Code guid="44444444-4444-4444-4444-444444444444" name="Ward" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="11111111-1111-1111-1111-111111111111" name="A" plainTextPath="internal://a.txt">
<PlainTextSelection guid="22222222-2222-2222-2222-222222222222" startPosition="9" endPosition="13">
<Coding guid="33333333-3333-3333-3333-333333333333"><CodeRef targetGUID="44444444-4444-4444-4444-444444444444"/>
</Coding></PlainTextSelection></TextSource></Sources></Project>""".encode()


def test_an_archive_within_the_total_limit_imports_though_its_parts_are_read_again(tmp_path, monkeypatch):
    source = tmp_path / "p.qdpx"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("project.qde", QDE)
        zf.writestr("sources/a.txt", TEXT)
    # the archive holds a little less than the limit: each part fits once, not twice
    monkeypatch.setattr(archive_module, "LIMITS", ZipLimits(max_total_bytes=len(QDE) + len(TEXT) + 100))
    report = import_qdpx(source, tmp_path / "out", coder="tester")
    project = Project.open(report.target)
    assert project.docs.text(project.docs.get("A").id) == TEXT.decode()
    assert [c.start for c in project.codings.for_code([project.codes.get("Ward").id])] == [9]


def _bare_qde(sources: list[tuple[str, int, int]]) -> bytes:
    parts = "".join(
        f'<TextSource guid="1111111{i}-1111-1111-1111-111111111111" name="S{i}"><PlainTextContent>{text}'
        f'</PlainTextContent><PlainTextSelection guid="2222222{i}-2222-2222-2222-222222222222" '
        f'startPosition="{start}" endPosition="{end}"><Coding guid="3333333{i}-3333-3333-3333-333333333333">'
        f'<CodeRef targetGUID="44444444-4444-4444-4444-444444444444"/></Coding></PlainTextSelection></TextSource>'
        for i, (text, start, end) in enumerate(sources))
    return ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="P"><CodeBook>'
            '<Codes><Code guid="44444444-4444-4444-4444-444444444444" name="C" isCodable="true"/></Codes>'
            f'</CodeBook><Sources>{parts}</Sources></Project>').encode()


def test_a_bare_qde_replaced_between_the_readings_is_refused_and_leaves_nothing(tmp_path, monkeypatch):
    # the first reading plans the documents, a later one reads their codings: were they from two files,
    # file B's codings would land on file A's texts (here: silently dropped as outside them).  A .qdpx is
    # held open and each part is checked against its CRC; a bare .qde is opened again for each reading.
    source = tmp_path / "p.qde"
    source.write_bytes(_bare_qde([("Ana: hello there friend", 5, 10)]))
    build = import_plan.ImportPlan.build

    def build_then_replace(plan, coder):
        build(plan, coder)
        (tmp_path / "other.qde").write_bytes(_bare_qde([("Xavier: other words", 8, 13)]))
        os.replace(tmp_path / "other.qde", source)   # as a sync tool or an editor saves it

    monkeypatch.setattr(import_plan.ImportPlan, "build", build_then_replace)
    with pytest.raises(ImportRejected, match="p.qde changed while it was being imported"):
        import_qdpx(source, tmp_path / "out", coder="tester")
    assert [p.name for p in tmp_path.iterdir()] == ["p.qde"]
