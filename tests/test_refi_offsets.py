"""Offset conventions: UTF-16 units with CRLF as 2 (NVivo for Windows), CRLF as 1, code points."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from qualtui.project import Project
from qualtui.refi.import_ import import_qdpx
from qualtui.refi.offsets import (CODEPOINTS, CODEPOINTS_CRLF1, UTF16, UTF16_CRLF1, Selection, SourceText,
                                  fits, score)

RAW = ("Interviewer: How are you? 😀\r\n"
       "Participant: Fine, thanks 🎉 — really.\r\n"
       "Interviewer: And the café?\r\n"
       "Participant: Loud 😀😀 but friendly.\r\n")
PHRASES = ["How are you?", "really", "And the café?", "but friendly", "Participant: Loud"]


def units(text: str, index: int, conv) -> int:
    prefix = text[:index]
    if conv.crlf == 1:
        prefix = prefix.replace("\r\n", "\n")
    return len(prefix.encode("utf-16-le")) // 2 if conv.unit == "utf16" else len(prefix)


def selection(phrase: str, conv) -> tuple[int, int]:
    i = RAW.index(phrase)
    return units(RAW, i, conv), units(RAW, i + len(phrase), conv)


@pytest.mark.parametrize("conv", [CODEPOINTS, UTF16, CODEPOINTS_CRLF1, UTF16_CRLF1])
def test_every_convention_maps_to_the_same_normalised_text(conv):
    source = SourceText("\ufeff" + RAW)
    assert source.text == RAW.replace("\r\n", "\n")
    for phrase in PHRASES:
        start, end = source.span(*selection(phrase, conv), conv)
        assert source.text[start:end] == phrase


def test_utf16_offset_inside_a_surrogate_pair_is_impossible():
    source = SourceText("a😀b")
    assert source.to_raw(2, UTF16) is None
    assert source.to_raw(3, UTF16) == 2
    assert source.span(0, 2, UTF16) is None


def test_nvivo_offsets_score_best_as_utf16_and_code_points_do_not_fit():
    source = SourceText(RAW)
    sels = [Selection(*selection(p, UTF16)) for p in PHRASES]
    right, wrong = score(source, sels, UTF16), score(source, sels, CODEPOINTS)
    assert right.key() > wrong.key()
    assert right.boundary_ratio == 1.0 and wrong.boundary_ratio < 1.0
    assert fits(right) and not fits(wrong)


def test_selection_names_decide_between_conventions():
    source = SourceText(RAW)
    sels = [Selection(*selection(p, CODEPOINTS_CRLF1), name=p) for p in PHRASES]
    assert score(source, sels, CODEPOINTS_CRLF1).name_hits == len(PHRASES)
    assert score(source, sels, CODEPOINTS).name_hits < len(PHRASES)


def test_controls_and_decomposed_accents_are_remapped():
    raw = "ab\x07c e\u0301t\u00e9 \x1b[31mred\x1b[0m\rend"
    source = SourceText(raw)
    assert source.text == "abc \u00e9t\u00e9 red\nend"
    i = raw.index("red")
    a, b = source.span(i, i + 3, CODEPOINTS)
    assert source.text[a:b] == "red"
    i = raw.index("e\u0301t")
    a, b = source.span(i, i + 3, CODEPOINTS)
    assert source.text[a:b] == "\u00e9t"
    i = raw.index("end")
    assert source.text[slice(*source.span(i, i + 3, CODEPOINTS))] == "end"


# -- through a whole .qdpx --------------------------------------------------------

DOC = "0b5a7a52-1e8c-4b8e-9f1e-3d2c1b0a9f8e"
CODE = "{9F43FE32-C2CB-4BA8-B766-A0734C826E49}"


def qdpx(origin: str, raw_bytes: bytes, spans: list[tuple[int, int, str]]) -> bytes:
    sels = "".join(
        f'<PlainTextSelection guid="{{{i:08d}-0000-0000-0000-000000000000}}" startPosition="{s}" endPosition="{e}"'
        + (f' name="{n}"' if n else "")
        + f'><Coding guid="{i:08d}-1111-0000-0000-000000000000"><CodeRef targetGUID="{CODE}"/></Coding>'
        "</PlainTextSelection>" for i, (s, e, n) in enumerate(spans))
    qde = (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="{origin}">'
           f'<CodeBook><Codes><Code guid="{CODE}" name="c" isCodable="true"/></Codes></CodeBook>'
           f'<Sources><TextSource guid="{DOC.upper()}" name="interview" plainTextPath="internal://{DOC}.txt">'
           f"{sels}</TextSource></Sources></Project>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", "\ufeff" + qde)
        archive.writestr(f"Sources/{DOC}.txt", raw_bytes)
    return buffer.getvalue()


def imported(tmp_path, data: bytes):
    (tmp_path / "in.qdpx").write_bytes(data)
    report = import_qdpx(tmp_path / "in.qdpx", tmp_path / "out")
    project = Project.open(tmp_path / "out")
    doc = project.docs.all()[0]
    text = project.docs.text(doc.id)
    return report, sorted(text[c.start:c.end] for c in project.codings.for_document(doc.id))


def test_nvivo_windows_export_with_bom_crlf_and_emoji(tmp_path):
    data = qdpx("NVivo 12 (Windows)", b"\xef\xbb\xbf" + RAW.encode("utf-8"),
                [(*selection(p, UTF16), "") for p in PHRASES])
    report, coded = imported(tmp_path, data)
    assert coded == sorted(PHRASES)
    assert report.convention.startswith("UTF-16 code units, CRLF counted as 2")


def test_utf16_offsets_are_detected_even_without_the_origin(tmp_path):
    data = qdpx("Some tool", RAW.encode("utf-8"), [(*selection(p, UTF16), "") for p in PHRASES])
    report, coded = imported(tmp_path, data)
    assert coded == sorted(PHRASES)
    assert "UTF-16" in report.convention


def test_atlas_style_crlf_counted_once_found_by_selection_names(tmp_path):
    data = qdpx("ATLAS.ti 8", RAW.encode("utf-8"), [(*selection(p, CODEPOINTS_CRLF1), p) for p in PHRASES])
    report, coded = imported(tmp_path, data)
    assert coded == sorted(PHRASES)
    assert report.convention.startswith("Unicode code points, CRLF counted as 1")


def test_offsets_that_fit_no_convention_leave_the_text_uncoded(tmp_path):
    rng = random.Random(4)
    text = ("word " * 400).replace("word word", "wordy\r\nwords 😀")
    spans = []
    for _ in range(30):
        a = rng.randrange(1, len(text) * 2 - 10)
        spans.append((a, a + 2 * len(text), ""))   # all far beyond the text
    report, coded = imported(tmp_path, qdpx("NVivo", text.encode("utf-8"), spans))
    assert coded == []
    assert any("uncoded" in line for line in report.lines())
    assert report.skipped["text selections in documents imported uncoded (offsets fit no convention)"] == 30
