"""Hostile zip archives and XML: every one is refused with a one-line ImportRejected."""

from __future__ import annotations

import io
import stat
import struct
import zipfile

import pytest

from qualtui.errors import ImportRejected
from qualtui.safeio.safexml import parse_xml
from qualtui.safeio.safezip import SafeZip, ZipLimits, unsafe_name_reason


def make_zip(entries, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as archive:
        for name_or_info, data in entries:
            archive.writestr(name_or_info, data)
    return buf.getvalue()


def patch_headers(data: bytes, *, flag: int | None = None, file_size: int | None = None) -> bytes:
    """Rewrite fields of every local and central header (zipfile will not write lies for us)."""
    out = bytearray(data)
    pos = 0
    while (pos := out.find(b"PK\x03\x04", pos)) != -1:
        if flag is not None:
            struct.pack_into("<H", out, pos + 6, flag)
        if file_size is not None:
            struct.pack_into("<I", out, pos + 22, file_size)
        pos += 4
    pos = 0
    while (pos := out.find(b"PK\x01\x02", pos)) != -1:
        if flag is not None:
            struct.pack_into("<H", out, pos + 8, flag)
        if file_size is not None:
            struct.pack_into("<I", out, pos + 24, file_size)
        pos += 4
    return bytes(out)


def rejected(fn, *args, **kwargs) -> str:
    with pytest.raises(ImportRejected) as info:
        fn(*args, **kwargs)
    message = str(info.value)
    assert message and "\n" not in message
    return message


def test_reads_a_good_archive_from_bytes_and_path(tmp_path):
    data = make_zip([("word/document.xml", b"<a/>"), ("docProps/", b""), ("Sources/x.txt", "héllo".encode())])
    path = tmp_path / "a.zip"
    path.write_bytes(data)
    for source in (data, path, str(path)):
        with SafeZip(source) as archive:
            assert archive.names() == ["word/document.xml", "Sources/x.txt"]
            assert archive.find("WORD/Document.XML") == "word/document.xml"
            assert archive.find("WORD/Document.XML", case_insensitive=False) is None
            assert archive.find("missing.xml") is None
            assert "Sources/x.txt" in archive and "docProps/" not in archive
            assert archive.read("Sources/x.txt").decode() == "héllo"
            assert archive.size("word/document.xml") == 4


@pytest.mark.parametrize("data, expected", [
    (b"", "not a zip"),
    (b"hello, this is plain text", "not a zip"),
    (b"PK\x03\x04" + b"\x00" * 40, "damaged"),
])
def test_not_a_zip(data, expected):
    assert expected in rejected(SafeZip, data)


def test_truncated_archive_is_damaged():
    data = make_zip([("a.xml", b"<a>" + b"x" * 5000 + b"</a>")])
    assert "damaged" in rejected(SafeZip, data[: len(data) // 2])


@pytest.mark.parametrize("name", [
    "../evil.txt", "a/../../evil.txt", "/etc/passwd", "\\windows\\evil.txt", "C:/evil.txt", "c:evil.txt",
    "a\\..\\..\\evil.txt", "ok/\x1b[31mred.txt",
])
def test_unsafe_entry_names_reject_the_whole_archive(name):
    data = make_zip([("fine.txt", b"fine"), (name, b"evil")])
    message = rejected(SafeZip, data)
    assert message.startswith("unsafe zip archive: ")
    assert unsafe_name_reason(name)


def test_ordinary_names_are_safe():
    for name in ("word/document.xml", "Sources/1f2e.txt", "a..b/c.txt", "docs/x...y"):
        assert unsafe_name_reason(name) is None


def test_symlink_entry_is_refused():
    link = zipfile.ZipInfo("word/document.xml")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    link.create_system = 3
    assert "symbolic link" in rejected(SafeZip, make_zip([(link, b"/etc/passwd")]))


def test_device_entry_is_refused():
    dev = zipfile.ZipInfo("dev")
    dev.external_attr = (stat.S_IFCHR | 0o666) << 16
    assert "special file" in rejected(SafeZip, make_zip([(dev, b"")]))


def test_encrypted_entry_is_refused():
    data = patch_headers(make_zip([("a.txt", b"secret")]), flag=0x1)
    assert "encrypted" in rejected(SafeZip, data)


def test_duplicate_names_are_refused():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate we are making on purpose
        data = make_zip([("a.txt", b"one"), ("a.txt", b"two")])
    assert "duplicate" in rejected(SafeZip, data)


def test_high_compression_ratio_is_a_bomb():
    data = make_zip([("bomb.xml", b"\0" * (5 * 1024 * 1024))])
    assert len(data) < 50_000
    assert "zip bomb" in rejected(SafeZip, data)


def test_small_files_may_compress_well():
    with SafeZip(make_zip([("small.xml", b" " * 500_000)])) as archive:
        assert len(archive.read("small.xml")) == 500_000


def test_huge_declared_size_is_refused_before_reading():
    data = patch_headers(make_zip([("a.txt", b"tiny")], zipfile.ZIP_STORED), file_size=3_000_000_000)
    assert "limit" in rejected(SafeZip, data)


def test_total_size_limit():
    limits = ZipLimits(max_total_bytes=10_000, max_ratio=1e9)
    data = make_zip([(f"{i}.txt", b"x" * 4000) for i in range(3)])
    assert "in total" in rejected(SafeZip, data, limits=limits)


def test_entry_count_limit():
    data = make_zip([(f"{i}.txt", b"") for i in range(20)])
    assert "entries" in rejected(SafeZip, data, limits=ZipLimits(max_entries=10))


def test_header_that_understates_the_size_is_damage_not_more_data():
    data = make_zip([("a.txt", b"y" * 1000)], zipfile.ZIP_STORED)
    with SafeZip(patch_headers(data, file_size=10)) as archive:
        assert "damaged" in rejected(archive.read, "a.txt")


def test_corrupt_member_data_is_damage():
    data = bytearray(make_zip([("a.txt", bytes(range(256)) * 200)]))
    start = data.find(b"a.txt") + 5
    data[start + 10: start + 60] = b"\xff" * 50
    with SafeZip(bytes(data)) as archive:
        assert "damaged" in rejected(archive.read, "a.txt")


def test_read_limit_per_call_and_missing_part():
    with SafeZip(make_zip([("a.txt", b"z" * 5000)])) as archive:
        assert "limit" in rejected(archive.read, "a.txt", max_bytes=100)
        assert "missing" in rejected(archive.read, "b.txt")


# --- XML -------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz>&lol3;</lolz>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><d>&xxe;</d>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://example.invalid/x.dtd"><d/>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><d/>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE, EXTERNAL_DTD, PARAMETER_ENTITY])
def test_xml_with_a_doctype_is_refused(data):
    assert rejected(parse_xml, data, what="content.xml").startswith("unsafe XML: content.xml")


def test_deep_nesting_is_refused():
    assert "nested" in rejected(parse_xml, b"<a>" * 201 + b"</a>" * 201)
    assert parse_xml(b"<a>" * 200 + b"</a>" * 200).tag == "a"


def test_oversized_xml_is_refused():
    assert "limit" in rejected(parse_xml, b"<a>" + b"x" * 2000 + b"</a>", max_bytes=1000)


@pytest.mark.parametrize("data", [b"", b"<a><b></a>", b"<a>&undefined;</a>", b"\xff\xfe\x00<", b"not xml at all"])
def test_malformed_xml(data):
    rejected(parse_xml, data)


def test_xml_namespaces_bom_and_text():
    root = parse_xml('\ufeff<?xml version="1.0" encoding="UTF-8"?><w:doc xmlns:w="urn:w" w:v="1">'
                     '<w:p>héllo<!-- gone --><?pi gone?></w:p>tail</w:doc>'.encode("utf-8"))
    assert root.tag == "{urn:w}doc" and root.attrib == {"{urn:w}v": "1"}
    (p,) = list(root)
    assert (p.tag, p.text, p.tail) == ("{urn:w}p", "héllo", "tail")


def test_utf16_xml_with_bom():
    assert parse_xml('<?xml version="1.0" encoding="UTF-16"?><a>ü</a>'.encode("utf-16")).text == "ü"


def test_reading_a_part_again_does_not_count_it_twice_toward_the_total():
    # import-qdpx reads project.qde and each text more than once (issue 14: never the whole file in memory);
    # the total limit is on what the archive holds, so a second reading must not make a good file "unsafe"
    limits = ZipLimits(max_total_bytes=10_000, max_ratio=1e9)
    zf = SafeZip(make_zip([("a.txt", b"x" * 4000), ("b.txt", b"y" * 4000)]), limits=limits)
    for _ in range(3):
        assert zf.read("a.txt") == b"x" * 4000 and b"".join(zf.stream("b.txt")) == b"y" * 4000


def test_a_lying_header_is_refused_at_every_reading():
    data = make_zip([("a.txt", b"y" * 1000)], zipfile.ZIP_STORED)
    with SafeZip(patch_headers(data, file_size=10)) as archive:
        assert "damaged" in rejected(archive.read, "a.txt") and "damaged" in rejected(archive.read, "a.txt")
