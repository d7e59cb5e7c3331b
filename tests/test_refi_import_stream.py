"""import-qdpx reads the project file a piece at a time (issue 14: 500 interviews peaked at 648 MB).

``iter_xml`` checks what ``parse_xml`` checks and yields the same elements; the import never parses
the whole file into one tree, and what it links across the file (notes on selections, links to
codings) still lands where the whole-file reading put it.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qualtui.safeio.safexml as safexml
from qualtui.errors import ImportRejected
from qualtui.project import Project
from qualtui.refi.export import build_qdpx
from qualtui.refi.import_ import import_qdpx
from qualtui.safeio.safexml import iter_xml, parse_xml
from test_refi_helpers import rich_project
from test_refi_roundtrip import snapshot

TREE = (b'<?xml version="1.0" encoding="UTF-8"?><P a="1"><U><u n="x"/></U><S><t g="1"><s>one &amp; two</s></t>'
        b'<t g="2">caf\xc3\xa9 <b>bold</b> tail</t></S><N><n>note</n></N></P>')


def _chunks(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def _detach(el: ET.Element, depth: int, parent: ET.Element | None) -> bool:
    return (depth == 2 and el.tag != "S") or (depth == 3 and parent is not None and parent.tag == "S")


@settings(max_examples=40, deadline=None)
@given(st.integers(1, len(TREE)))
def test_streamed_elements_are_the_whole_trees_whatever_the_chunks(size):
    whole = parse_xml(TREE)
    expected = [whole.find("U"), *whole.find("S"), whole.find("N")]
    got = list(iter_xml(_chunks(TREE, size), _detach))
    assert got[0][0].tag == "P" and got[0][0].get("a") == "1" and got[0][1] == 1
    assert [depth for _, depth in got[1:]] == [2, 3, 3, 2]
    for (el, _), want in zip(got[1:], expected):
        el.tail = want.tail = None
        assert ET.tostring(el) == ET.tostring(want)


@pytest.mark.parametrize("data,message", [
    (b'<!DOCTYPE p [<!ENTITY e "x">]><p>&e;</p>', "unsafe XML"),
    (b"<a>" * 201 + b"</a>" * 201, "nested more than"),
    (b"<a><b></a>", "not well-formed"),
    (b"", "not well-formed"),
])
@pytest.mark.parametrize("size", [1, 7, 4096])
def test_streaming_refuses_what_the_whole_parse_refuses(data, message, size):
    with pytest.raises(ImportRejected, match=message):
        list(iter_xml(_chunks(data, size) or [b""], _detach))
    with pytest.raises(ImportRejected, match=message):
        parse_xml(data)


def test_streaming_stops_at_the_size_limit():
    with pytest.raises(ImportRejected, match="limit"):
        list(iter_xml(_chunks(b"<a>" + b"x" * 5000 + b"</a>", 100), _detach, max_bytes=1000))


def test_import_never_parses_the_whole_file_and_gives_the_project_back(tmp_path, monkeypatch):
    original = rich_project(tmp_path / "a")
    (tmp_path / "a.qdpx").write_bytes(build_qdpx(original)[0])

    def whole(*args, **kwargs):
        raise AssertionError("the whole project file parsed at once")

    monkeypatch.setattr(safexml, "parse_xml", whole)
    import_qdpx(tmp_path / "a.qdpx", tmp_path / "b")
    assert snapshot(Project.open(tmp_path / "b")) == snapshot(original)


G = [f"{i:08d}-0000-4000-8000-000000000000" for i in range(12)]
LINKED = f"""<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="linked" origin="Elsewhere 1.0">
 <Users><User guid="{G[0]}" name="ana"/></Users>
 <CodeBook><Codes><Code guid="{G[1]}" name="Care" isCodable="true"/></Codes></CodeBook>
 <Sources>
  <TextSource guid="{G[2]}" name="interview" plainTextPath="internal://{G[2]}.txt">
   <PlainTextSelection guid="{G[3]}" startPosition="0" endPosition="5" creatingUser="{G[0]}">
    <Coding guid="{G[4]}" creatingUser="{G[0]}"><CodeRef targetGUID="{G[1]}"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="{G[5]}" startPosition="6" endPosition="11" creatingUser="{G[0]}">
    <NoteRef targetGUID="{G[8]}"/>
   </PlainTextSelection>
  </TextSource>
 </Sources>
 <Notes>
  <Note guid="{G[7]}" name="On the span"><PlainTextContent>linked to the selection</PlainTextContent></Note>
  <Note guid="{G[8]}" name="Aside"><PlainTextContent>a comment on an uncoded span</PlainTextContent></Note>
  <Note guid="{G[9]}" name="On the coding"><PlainTextContent>linked from the coding</PlainTextContent></Note>
 </Notes>
 <Links>
  <Link guid="{G[10]}" originGUID="{G[7]}" targetGUID="{G[3]}"/>
  <Link guid="{G[11]}" originGUID="{G[4]}" targetGUID="{G[9]}"/>
  <Link guid="{G[6]}" originGUID="{G[7]}" targetGUID="{G[0]}"/>
 </Links>
</Project>"""


def test_notes_linked_to_selections_and_codings_land_on_them(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", LINKED)
        archive.writestr(f"sources/{G[2]}.txt", "Hello world, said Ana.\n")
    (tmp_path / "in.qdpx").write_bytes(buffer.getvalue())
    report = import_qdpx(tmp_path / "in.qdpx", tmp_path / "p")
    project = Project.open(tmp_path / "p")
    doc = project.docs.all()[0]
    [coding] = project.codings.for_document(doc.id)
    assert (coding.start, coding.end, coding.id) == (0, 5, G[4])
    assert "linked to the selection" in coding.memo and "linked from the coding" in coding.memo
    comments = [m.text for m in project.memos.all() if m.title == "Comment"]
    assert comments == ["> world\n\n**Aside**\n\na comment on an uncoded span"]
    assert report.skipped["links between objects"] == 1      # the one to a user: not a selection or coding
