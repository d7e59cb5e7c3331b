"""Word .docx import: good documents generated with python-docx, and hostile or broken ones."""

from __future__ import annotations

import io
import stat
import zipfile

import docx
import pytest

from qualtui.errors import ImportRejected
from qualtui.importers import read_bytes, read_transcript, turn_problem


def build_docx(paragraphs=(), table=None) -> bytes:
    """paragraphs: strings, or lists of (text, bold) runs; table: rows of cell strings."""
    document = docx.Document()
    for paragraph in paragraphs:
        if isinstance(paragraph, str):
            document.add_paragraph(paragraph)
            continue
        p = document.add_paragraph()
        for text, bold in paragraph:
            p.add_run(text).bold = bold
    if table:
        grid = document.add_table(rows=len(table), cols=max(len(row) for row in table))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def rewrite(data: bytes, replace: dict[str, bytes] | None = None, extra=()) -> bytes:
    """The same package with some parts replaced and extra (ZipInfo or name, bytes) entries added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in extra:
            target.writestr(name, content)
    return out.getvalue()


def document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml")


def spoken(transcript):
    return [(t.speaker, transcript.text[t.start:t.end]) for t in transcript.turns]


def rejected(data: bytes, name: str = "x.docx") -> str:
    with pytest.raises(ImportRejected) as info:
        read_bytes(data, name)
    message = str(info.value)
    assert message and "\n" not in message and "Traceback" not in message
    return message


def test_plain_name_colon_paragraphs():
    t = read_bytes(build_docx(["Interviewer: How was the ward?", "Sam: Hard at first.",
                               "It got better.", "Interviewer: Why?"]), "SU01.docx")
    assert t.source_format == "docx"
    assert t.text == "Interviewer: How was the ward?\nSam: Hard at first.\nIt got better.\nInterviewer: Why?"
    assert spoken(t) == [("Interviewer", "How was the ward?"), ("Sam", "Hard at first.\nIt got better."),
                         ("Interviewer", "Why?")]
    assert turn_problem(t) is None


def test_bold_names_without_colons_and_names_on_their_own_line():
    data = build_docx([
        "Interview with SU03",
        [("Interviewer", True), ("\tHow are you?", False)],
        [("Sam", True), (" fine, thanks", False)],
        "",
        [("Interviewer", True)],
        "And the staff?",
        [("Sam", True), (" - ", False), ("kind.", False)],
    ])
    t = read_bytes(data, "x.docx")
    assert spoken(t) == [(None, "Interview with SU03"), ("Interviewer", "How are you?"), ("Sam", "fine, thanks"),
                         ("Interviewer", "And the staff?"), ("Sam", "kind.")]
    assert turn_problem(t) is None


def test_bold_emphasis_in_prose_is_not_a_speaker():
    data = build_docx([[("Important", True), (" this paragraph is prose.", False)], "Another paragraph."])
    t = read_bytes(data, "x.docx")
    assert all(turn.speaker is None for turn in t.turns)
    assert spoken(t) == [(None, "Important this paragraph is prose."), (None, "Another paragraph.")]


def test_tables_read_as_speaker_rows_and_plain_rows():
    t = read_bytes(build_docx(["Transcript"], table=[["Interviewer", "How was it?"], ["Sam", "Fine."],
                                                     ["Interviewer", "Thanks."]]), "x.docx")
    assert t.text == "Transcript\nInterviewer: How was it?\nSam: Fine.\nInterviewer: Thanks."
    assert [s for s, _ in spoken(t)] == [None, "Interviewer", "Sam", "Interviewer"]
    wide = read_bytes(build_docx(table=[["a long first cell that is not a name at all, clearly", "b", "c"]] * 2),
                      "x.docx")
    assert wide.text.split("\n")[0] == "a long first cell that is not a name at all, clearly\tb\tc"


def test_tracked_changes_keep_insertions_and_drop_deletions():
    data = build_docx(["Sam: KEEP"])
    xml = document_xml(data).decode()
    xml = xml.replace("<w:r><w:t>Sam: KEEP</w:t></w:r>",
                      '<w:r><w:t xml:space="preserve">Sam: I was </w:t></w:r>'
                      '<w:del w:id="1" w:author="a"><w:r><w:delText>very </w:delText></w:r></w:del>'
                      '<w:ins w:id="2" w:author="a"><w:r><w:t>quite </w:t></w:r></w:ins>'
                      '<w:r><w:t>happy.</w:t></w:r>')
    assert "delText" in xml
    t = read_bytes(rewrite(data, {"word/document.xml": xml.encode()}), "x.docx")
    assert t.text == "Sam: I was quite happy."
    assert any("tracked changes" in w for w in t.warnings)


def test_control_characters_and_escapes_are_stripped_from_text_and_names():
    # XML 1.0 cannot hold ESC or BEL at all, but C1 controls (8-bit CSI) and DEL are legal in it.
    data = build_docx(["Sam\x9b31m: hello \x7fthere\x85", "Sam: again"])
    t = read_bytes(data, "x.docx")
    assert t.text == "Sam: hello there\nSam: again"
    assert {turn.speaker for turn in t.turns} == {"Sam"}


def test_read_from_disk_with_size_limit(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(build_docx(["Interviewer: hi", "Sam: hello"]))
    assert read_transcript(path).text == "Interviewer: hi\nSam: hello"
    with pytest.raises(ImportRejected, match="limit"):
        read_transcript(path, max_bytes=1000)


# --- broken and hostile -------------------------------------------------------

def test_binary_junk_with_docx_extension():
    assert "not a zip" in rejected(bytes(range(256)) * 40)


def test_text_file_renamed_to_docx():
    assert "not a zip" in rejected(b"Interviewer: hello\nSam: hi\n")


def test_old_doc_or_encrypted_docx():
    assert "password-protected" in rejected(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.99])
def test_truncated_docx(fraction):
    data = build_docx(["Interviewer: hi"] * 50)
    message = rejected(data[: int(len(data) * fraction)])
    assert any(word in message for word in ("damaged", "not a zip"))


def test_zip_that_is_not_a_word_document():
    assert "not a Word document" in rejected(_zip({"a.txt": b"hello"}))


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buf.getvalue()


def test_missing_main_part_is_damaged():
    good = build_docx(["x"])
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        parts = {n: archive.read(n) for n in archive.namelist() if n != "word/document.xml"}
    assert "damaged" in rejected(_zip(parts))


@pytest.mark.parametrize("name", ["../../evil.txt", "/etc/cron.d/evil", "word\\..\\..\\evil.xml"])
def test_path_traversal_entry(name):
    assert "unsafe .docx file" in rejected(rewrite(build_docx(["x"]), extra=[(name, b"evil")]))


def test_symlink_entry():
    link = zipfile.ZipInfo("word/media/link.png")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert "symbolic link" in rejected(rewrite(build_docx(["x"]), extra=[(link, b"/etc/passwd")]))


def test_zip_bomb_member():
    assert "zip bomb" in rejected(rewrite(build_docx(["x"]), extra=[("word/media/big.bin", b"\0" * 8_000_000)]))


def _with_doctype(data: bytes, doctype: str, entity_use: str) -> bytes:
    xml = document_xml(data).decode()
    head, _, rest = xml.partition("?>")
    xml = head + "?>" + doctype + rest.replace("PLACEHOLDER", entity_use)
    return rewrite(data, {"word/document.xml": xml.encode()})


def test_billion_laughs_in_document_xml():
    lol = ("<!DOCTYPE w:document [<!ENTITY a \"lol\">"
           + "".join(f"<!ENTITY {chr(98 + i)} \"{('&' + chr(97 + i) + ';') * 10}\">" for i in range(9)) + "]>")
    message = rejected(_with_doctype(build_docx(["PLACEHOLDER"]), lol, "&j;"))
    assert message.startswith("unsafe XML: word/document.xml")


def test_external_entity_in_document_xml():
    xxe = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    assert "DOCTYPE" in rejected(_with_doctype(build_docx(["PLACEHOLDER"]), xxe, "&xxe;"))


def test_doctype_in_a_part_without_xml_extension():
    part = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    assert "DOCTYPE" in rejected(rewrite(build_docx(["x"]), extra=[("word/media/evil.bin", part)]))


def test_deeply_nested_xml():
    xml = document_xml(build_docx(["PLACEHOLDER"])).decode()
    deep = '<w:r><w:t>x</w:t></w:r>'
    for _ in range(300):
        deep = f"<w:smartTag>{deep}</w:smartTag>"
    data = rewrite(build_docx(["PLACEHOLDER"]),
                   {"word/document.xml": xml.replace("<w:r><w:t>PLACEHOLDER</w:t></w:r>", deep).encode()})
    assert "nested" in rejected(data)


def test_malformed_document_xml():
    data = rewrite(build_docx(["x"]), {"word/document.xml": b"<w:document><w:body>"})
    assert "not well-formed" in rejected(data)


def test_empty_document_has_no_text():
    assert "no text" in rejected(build_docx([]))


def test_very_long_paragraph():
    t = read_bytes(build_docx(["Sam: " + "word " * 100_000, "Interviewer: ok", "Sam: fine"]), "x.docx")
    assert len(t.text) > 500_000 and turn_problem(t) is None
