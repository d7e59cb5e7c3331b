"""import-qdpx reads the project file and each text more than once (a document at a time, issue 14): an
archive within the total size limit must import, however many readings that takes."""

from __future__ import annotations

import zipfile

import qualtui.refi.archive as archive_module
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
