"""Hostile .qdpx/.qdc files are refused with one clear line, and no project is left behind."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from qualtui.cli import main
from qualtui.errors import ImportRejected
from qualtui.refi.import_ import import_qdc, import_qdpx

QDE = ('<?xml version="1.0" encoding="UTF-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p">'
       '<CodeBook><Codes><Code guid="9f43fe32-c2cb-4ba8-b766-a0734c826e49" name="c" isCodable="true"/></Codes>'
       "</CodeBook></Project>")

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
          + ']><Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>')
XXE = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       '<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;"/>')


def archive(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            z.writestr(info, data)
    return buffer.getvalue()


def symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


HOSTILE = {
    "traversal": archive([("project.qde", QDE.encode()), ("sources/../../evil.txt", b"x")]),
    "absolute path": archive([("project.qde", QDE.encode()), ("/etc/evil.txt", b"x")]),
    "symlink": archive([("project.qde", QDE.encode()), symlink("sources/a.txt", "/etc/passwd")]),
    "billion laughs": archive([("project.qde", LAUGHS.encode())]),
    "external entity": archive([("project.qde", XXE.encode())]),
    "zip bomb": archive([("project.qde", QDE.encode()), ("sources/big.txt", b"\0" * (20 * 1024 * 1024))]),
    "bare billion laughs .qde": LAUGHS.encode(),
    "two project files": archive([("project.qde", QDE.encode()), ("other.QDE", QDE.encode())]),
    "no project file": archive([("sources/a.txt", b"hello")]),
    "not xml": archive([("project.qde", b"<Project name='x'>")]),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_archives_are_refused_and_leave_nothing(tmp_path, kind):
    source = tmp_path / "in.qdpx"
    source.write_bytes(HOSTILE[kind])
    with pytest.raises(ImportRejected) as info:
        import_qdpx(source, tmp_path / "out")
    assert "\n" not in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.qdpx"]


def test_the_cli_prints_one_line_and_creates_no_project(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.qdpx").write_bytes(HOSTILE["traversal"])
    with pytest.raises(SystemExit) as exited:
        main(["import-qdpx", "bad.qdpx", "study"])
    assert exited.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("qualtui: error:") and "'..'" in err[0]
    assert not (tmp_path / "study").exists()


@pytest.mark.parametrize("xml", [LAUGHS, XXE])
def test_hostile_codebooks_are_refused(project, tmp_path, xml):
    (tmp_path / "c.qdc").write_text(xml.replace("Project", "CodeBook"))
    with pytest.raises(ImportRejected):
        import_qdc(project, tmp_path / "c.qdc")
    assert project.codes.all() == []


def test_a_failure_half_way_removes_the_half_made_project(tmp_path, monkeypatch):
    from qualtui.refi import import_ as module

    good = archive([("project.qde", QDE.encode())])
    (tmp_path / "in.qdpx").write_bytes(good)

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module, "_write", boom)
    with pytest.raises(OSError):
        import_qdpx(tmp_path / "in.qdpx", tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.qdpx"]
