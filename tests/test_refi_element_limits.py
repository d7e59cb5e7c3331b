"""A project file with millions of elements in one source (or beyond the file's limits) is refused in one line.

The 200 MB XML limit alone let a .qde hold 50 million elements; a source holding them all was built
into one tree (867 MB for 5 million).  ``iter_xml`` counts the elements in the tree at once, the
REFI reader the sources and the elements of the whole file (limits in ``qualtui.refi.reader``).
"""

from __future__ import annotations

import pytest

from qualtui.cli import main
from qualtui.errors import ImportRejected
from qualtui.project import Project
from qualtui.refi import reader
from qualtui.refi.export import build_qdpx
from qualtui.refi.import_ import import_qdpx
from qualtui.safeio.safexml import iter_xml
from test_refi_helpers import rich_project
from test_refi_import_stream import _chunks, _detach
from test_refi_roundtrip import snapshot

CODE = "9f43fe32-c2cb-4ba8-b766-a0734c826e49"
HEAD = ('<?xml version="1.0" encoding="UTF-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="hostile">'
        f'<CodeBook><Codes><Code guid="{CODE}" name="c" isCodable="true"/></Codes></CodeBook>')
SOURCE = ('<TextSource guid="00000000-0000-4000-8000-000000000001" name="one">'
          "<PlainTextContent>hello world</PlainTextContent>")


def _guid(i: int) -> str:
    return f"{i:08x}-0000-4000-8000-000000000000"


def _selection(i: int) -> str:
    return (f'<PlainTextSelection guid="{_guid(i)}" startPosition="0" endPosition="5">'
            f'<Coding guid="{_guid(i)}"><CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection>')


def _hostile(kind: str) -> str:
    """One part (a source, or a list beside the sources) with more elements than MAX_PART_ELEMENTS."""
    n = reader.MAX_PART_ELEMENTS
    if kind == "selections":
        return HEAD + "<Sources>" + SOURCE + "".join(map(_selection, range(n // 3 + 1))) + "</TextSource></Sources></Project>"
    if kind == "codings of the whole source":
        body = "".join(f'<Coding guid="{_guid(i)}"><CodeRef targetGUID="{CODE}"/></Coding>' for i in range(n // 2 + 1))
        return HEAD + "<Sources>" + SOURCE + body + "</TextSource></Sources></Project>"
    if kind == "junk in a source":
        return HEAD + "<Sources>" + SOURCE + "<x/>" * (n + 1) + "</TextSource></Sources></Project>"
    if kind == "junk nested in a selection":
        junk = "<x><y/><y/><y/></x>" * (n // 4 + 1)
        return (HEAD + "<Sources>" + SOURCE + '<PlainTextSelection guid="' + _guid(1) + '" startPosition="0" '
                'endPosition="5">' + junk + "</PlainTextSelection></TextSource></Sources></Project>")
    assert kind == "codes"
    codes = "".join(f'<Code guid="{_guid(i)}" name="c{i}" isCodable="true"/>' for i in range(n + 1))
    return HEAD.split("<CodeBook>")[0] + f"<CodeBook><Codes>{codes}</Codes></CodeBook></Project>"


@pytest.mark.parametrize("kind", ["selections", "codings of the whole source", "junk in a source",
                                  "junk nested in a selection", "codes"])
def test_millions_of_elements_in_one_part_are_one_error_line_and_no_project(tmp_path, capsys, monkeypatch, kind):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hostile.qde").write_text(_hostile(kind), encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["import-qdpx", "hostile.qde", "study"])
    assert exited.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0] == (f"qualtui: error: unsafe XML: hostile.qde has more than {reader.MAX_PART_ELEMENTS:,} elements "
                      "in one source or list (a limit against hostile files)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.qde"]


def test_too_many_sources_are_refused(tmp_path):
    sources = "".join(f'<TextSource guid="{_guid(i)}" name="s"/>' for i in range(reader.MAX_SOURCES + 1))
    (tmp_path / "many.qde").write_text(HEAD + f"<Sources>{sources}</Sources></Project>", encoding="utf-8")
    with pytest.raises(ImportRejected, match=f"many.qde has more than {reader.MAX_SOURCES:,} sources"):
        import_qdpx(tmp_path / "many.qde", tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.qde"]


def test_too_many_elements_directly_in_the_project_are_refused(tmp_path):
    refs = "".join(f'<NoteRef targetGUID="{_guid(i)}"/>' for i in range(reader.MAX_SOURCES + 1))
    (tmp_path / "refs.qde").write_text(HEAD + refs + "</Project>", encoding="utf-8")
    with pytest.raises(ImportRejected, match=f"more than {reader.MAX_SOURCES:,} elements directly in its Project"):
        import_qdpx(tmp_path / "refs.qde", tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.qde"]


def test_the_whole_file_has_an_element_limit_counted_over_its_sources(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ELEMENTS", 300)
    source = '<TextSource guid="{}" name="s"><PlainTextContent>hello world</PlainTextContent>{}</TextSource>'
    sources = "".join(source.format(_guid(i), "".join(map(_selection, range(10)))) for i in range(10))
    (tmp_path / "big.qde").write_text(HEAD + f"<Sources>{sources}</Sources></Project>", encoding="utf-8")
    with pytest.raises(ImportRejected, match="big.qde has more than 300 elements"):   # 10 sources of 32 elements
        import_qdpx(tmp_path / "big.qde", tmp_path / "out")
    monkeypatch.setattr(reader, "MAX_ELEMENTS", 330)
    report = import_qdpx(tmp_path / "big.qde", tmp_path / "out")
    assert report.counts["documents"] == 10


def test_the_limit_is_on_one_part_not_the_sum_of_the_parts(tmp_path, monkeypatch):
    """Each source is let go once read: a project whose sources together pass the part limit imports whole."""
    original = rich_project(tmp_path / "a")
    (tmp_path / "a.qdpx").write_bytes(build_qdpx(original)[0])
    import_qdpx(tmp_path / "a.qdpx", tmp_path / "b")
    largest = max(sum(1 for _ in el.iter()) for el, depth in iter_xml(
        _chunks(_qde(tmp_path / "a.qdpx"), 4096), _detach_project) if depth > 1)
    monkeypatch.setattr(reader, "MAX_PART_ELEMENTS", largest + 3)   # + Project and Sources, open around a source
    import_qdpx(tmp_path / "a.qdpx", tmp_path / "c")
    assert snapshot(Project.open(tmp_path / "c")) == snapshot(Project.open(tmp_path / "b")) == snapshot(original)
    monkeypatch.setattr(reader, "MAX_PART_ELEMENTS", largest + 1)
    with pytest.raises(ImportRejected, match="elements in one source or list"):
        import_qdpx(tmp_path / "a.qdpx", tmp_path / "d")


def _qde(path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


def _detach_project(el, depth, parent) -> bool:
    local = el.tag.rsplit("}", 1)[-1]
    return (depth == 2 and local != "Sources") or (depth == 3 and parent is not None)


@pytest.mark.parametrize("size", [1, 5, 4096])
def test_iter_xml_counts_what_is_in_the_tree_at_once(size):
    data = b"<P><U><u/><u/></U><S>" + b"<t><s/><s/></t>" * 50 + b"</S></P>"
    # P, S and one t of 3 elements: 5 at once; U of 3 with P: 4
    assert len(list(iter_xml(_chunks(data, size), _detach, max_held=5))) == 1 + 1 + 50
    with pytest.raises(ImportRejected, match="more than 4 elements in one element"):
        list(iter_xml(_chunks(data, size), _detach, max_held=4))
    with pytest.raises(ImportRejected, match="more than 5 elements"):    # a part too big, however it is fed
        list(iter_xml(_chunks(data.replace(b"<t><s/><s/></t>", b"<t><s/><s/><s/></t>", 1), size), _detach,
                      max_held=5))


def test_a_summary_note_also_referred_to_by_a_coding_stays_a_memo(tmp_path):
    """Only references to notes on codes are counted across the sources: the one a summary test needs."""
    import io
    import re
    import zipfile

    from qualtui.services.framework import doc_case

    original = rich_project(tmp_path / "a")
    peers = original.codes.find("Peer support")
    original.framework.set(doc_case(original.docs.get("SU01").id), peers.id, "Peers carry the early days.")
    data, _ = build_qdpx(original)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    qde = parts["project.qde"].decode()
    note = re.search(r'<Note guid="([^"]+)" name="Framework: SU01 x Peer support"', qde).group(1)
    for name, text in (("summary.qdpx", qde), ("also.qdpx", re.sub(r"(<CodeRef [^>]*/>)", rf'\1<NoteRef targetGUID="{note}"/>',
                                                                     qde, count=1))):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for part, content in parts.items():
                archive.writestr(part, text.encode() if part == "project.qde" else content)
        (tmp_path / name).write_bytes(buffer.getvalue())
    summary = import_qdpx(tmp_path / "summary.qdpx", tmp_path / "b")
    also = import_qdpx(tmp_path / "also.qdpx", tmp_path / "c")
    assert summary.counts["framework summaries"] == 1 and "framework summaries" not in also.counts
    memos = [m for m in Project.open(tmp_path / "c").memos.all() if "Peers carry the early days." in m.text]
    assert len(memos) == 2 and {m.kind for m in memos} == {"code", "document"}
