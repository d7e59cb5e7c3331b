"""Plain text, markdown and .odt import: encodings, junk, limits, hostile XML in .odt."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from qualtui.errors import ImportRejected
from qualtui.importers import read_bytes, read_transcript, supported_extensions, turn_problem


def rejected(data: bytes, name: str) -> str:
    with pytest.raises(ImportRejected) as info:
        read_bytes(data, name)
    message = str(info.value)
    assert message and "\n" not in message
    return message


def test_supported_extensions():
    assert {".txt", ".md", ".docx", ".vtt", ".srt", ".odt"} <= set(supported_extensions())


def test_crlf_and_bom():
    t = read_bytes(b"\xef\xbb\xbfInterviewer: Hi\r\nSam: Hello\r\n\r\nInterviewer: Bye\rSam: Bye\r\n", "a.txt")
    assert t.text == "Interviewer: Hi\nSam: Hello\n\nInterviewer: Bye\nSam: Bye"
    assert [turn.speaker for turn in t.turns] == ["Interviewer", "Sam", "Interviewer", "Sam"]
    assert t.warnings == ()


def test_cp1252_with_a_warning_naming_it():
    t = read_bytes("Zoë: “café” – naïve\n".encode("cp1252"), "a.txt")
    assert t.text == "Zoë: “café” – naïve"
    assert len(t.warnings) == 1 and "cp1252" in t.warnings[0]


def test_latin1_when_cp1252_cannot_decode():
    t = read_bytes(b"caf\xe9 \x81 ok", "a.txt")
    assert t.text == "café  ok" and "latin-1" in t.warnings[0]


def test_mostly_utf8_with_a_damaged_byte_is_reported():
    t = read_bytes("Zoë said: café, déjà vu, naïve\n".encode() + b"\xff more\n", "a.txt")
    assert "\ufffd" in t.text and "invalid UTF-8" in t.warnings[0]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(encoding):
    t = read_bytes("Interviewer: Grüß dich\nSam: hi\n".encode(encoding), "a.txt")
    assert t.text == "Interviewer: Grüß dich\nSam: hi"
    assert bool(t.warnings) == (encoding != "utf-16")


def test_damaged_utf16_is_rejected():
    assert "decode" in rejected(b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xd8", "a.txt")


@pytest.mark.parametrize("data", [bytes(range(256)) * 4, b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200,
                                  b"%PDF-1.4\n\x00\x01\x02\x03\x04\x05\x06"])
def test_binary_with_a_text_extension(data):
    assert "binary" in rejected(data, "a.txt")


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b"\x1b[2J\x1b[H", b"\xef\xbb\xbf"])
def test_empty_or_blank(data):
    assert any(word in rejected(data, "a.txt") for word in ("empty", "no text"))


def test_zero_byte_file_on_disk(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    with pytest.raises(ImportRejected, match="empty"):
        read_transcript(tmp_path / "a.txt")


def test_one_line_file():
    t = read_bytes(b"Just one line without a newline", "a.txt")
    assert t.text == "Just one line without a newline"
    assert [(x.start, x.end, x.speaker) for x in t.turns] == [(0, 31, None)]


def test_control_characters_and_escapes_in_text_and_speakers():
    data = "Sa\x1b[31mm\x07: hello \x1b]0;title\x07world\x00\x08!\nSam: again \u009b2J\n".encode()
    t = read_bytes(data, "a.txt")
    assert t.text == "Sam: hello world!\nSam: again "
    assert [(turn.speaker, t.text[turn.start:turn.end]) for turn in t.turns] == [("Sam", "hello world!"),
                                                                                 ("Sam", "again")]


def test_very_long_lines():
    line = "Sam: " + "blah " * 200_000
    t = read_bytes((line + "\nInterviewer: ok\n").encode(), "a.txt")
    assert turn_problem(t) is None and len(t.turns) == 2


def test_unsupported_extension_and_missing_file(tmp_path):
    with pytest.raises(ImportRejected, match="unsupported file type .pdf"):
        read_transcript(tmp_path / "a.pdf")
    with pytest.raises(ImportRejected, match="no such file"):
        read_transcript(tmp_path / "missing.txt")
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(ImportRejected):
        read_transcript(tmp_path / "folder.txt")


def test_size_limit_is_checked_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 3000)
    with pytest.raises(ImportRejected, match="over the"):
        read_transcript(path, max_bytes=1000)


def test_markdown_source_format():
    assert read_bytes(b"# Notes\n\nSome text.", "a.md").source_format == "md"


# --- .odt -----------------------------------------------------------------------

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')


def odt(body: str, *, prolog: str = "", extra=(), mimetype="application/vnd.oasis.opendocument.text") -> bytes:
    content = (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content {NS}>'
               f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", content)
        for name, data in extra:
            archive.writestr(name, data)
    return buf.getvalue()


def test_odt_paragraphs_spaces_tabs_breaks_lists_tables():
    body = ("<text:h>Interview  SU02</text:h>"
            "<text:p>Interviewer: How <text:span>are</text:span>\n   you?"
            "<text:note><text:note-body><text:p>a footnote</text:p></text:note-body></text:note></text:p>"
            '<text:p>Sam:<text:s/>Fine,<text:s text:c="3"/>thanks.<text:tab/>Really.<text:line-break/>More.</text:p>'
            "<text:p/><text:p/>"
            "<text:list><text:list-item><text:p>Interviewer: Good.</text:p></text:list-item></text:list>"
            "<table:table><table:table-row><table:table-cell><text:p>Sam</text:p></table:table-cell>"
            "<table:table-cell><text:p>Bye.</text:p></table:table-cell></table:table-row></table:table>"
            "<text:tracked-changes><text:changed-region><text:deletion><text:p>deleted</text:p></text:deletion>"
            "</text:changed-region></text:tracked-changes>")
    t = read_bytes(odt(body), "a.odt")
    assert t.source_format == "odt"
    assert t.text == ("Interview SU02\nInterviewer: How are you?\nSam: Fine,   thanks.\tReally.\nMore.\n\n"
                      "Interviewer: Good.\nSam: Bye.")
    assert [(x.speaker, t.text[x.start:x.end]) for x in t.turns] == [
        (None, "Interview SU02"), ("Interviewer", "How are you?"), ("Sam", "Fine,   thanks.\tReally.\nMore."),
        ("Interviewer", "Good."), ("Sam", "Bye.")]


def test_odt_billion_laughs_and_xxe():
    lol = '<!DOCTYPE office:document-content [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    assert rejected(odt("<text:p>&b;</text:p>", prolog=lol), "a.odt").startswith("unsafe XML: content.xml")
    xxe = '<!DOCTYPE office:document-content [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    assert "DOCTYPE" in rejected(odt("<text:p>&x;</text:p>", prolog=xxe), "a.odt")


def test_odt_deep_nesting():
    body = "<text:p>" + "<text:span>" * 300 + "x" + "</text:span>" * 300 + "</text:p>"
    assert "nested" in rejected(odt(body), "a.odt")


def test_odt_archive_attacks():
    assert "path traversal" in rejected(odt("<text:p>x</text:p>", extra=[("../evil", b"x")]), "a.odt")
    link = zipfile.ZipInfo("Pictures/link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert "symbolic link" in rejected(odt("<text:p>x</text:p>", extra=[(link, b"/etc/passwd")]), "a.odt")


def test_odt_wrong_kind_encrypted_or_damaged():
    assert "not an OpenDocument text" in rejected(
        odt("<text:p>x</text:p>", mimetype="application/vnd.oasis.opendocument.spreadsheet"), "a.odt")
    manifest = b'<manifest:manifest><manifest:encryption-data/></manifest:manifest>'
    assert "password" in rejected(odt("<text:p>x</text:p>", extra=[("META-INF/manifest.xml", manifest)]), "a.odt")
    good = odt("<text:p>x</text:p>")
    assert any(w in rejected(good[: len(good) // 2], "a.odt") for w in ("damaged", "not a zip"))
    assert "not a zip" in rejected(b"plain text, not an odt", "a.odt")
    assert "no text" in rejected(odt("<text:p/>"), "a.odt")
