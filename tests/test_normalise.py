"""Text normalisation: decoding, newlines, control characters; properties with hypothesis."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualtui.text.normalise import bomless_utf16, clean_label, decode_bytes, normalise_text, strip_controls

_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\x1b]")


@pytest.mark.parametrize("raw, clean", [
    ("a\r\nb\rc\n", "a\nb\nc\n"),
    ("\ufeff\ufeffx", "x"),
    ("red \x1b[31mtext\x1b[0m", "red text"),
    ("title \x1b]0;owned\x07 done", "title  done"),
    ("st \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ ok", "st link ok"),
    ("dcs \x1bPq#0;2;0;0;0\x1b\\ end", "dcs  end"),
    ("bell\x07 nul\x00 bs\x08 del\x7f c1\x85\x9b31m", "bell nul bs del c1"),
    ("tab\tstays", "tab\tstays"),
    ("e\u0301", "\u00e9"),
])
def test_normalise_text(raw, clean):
    assert normalise_text(raw) == clean


def test_clean_label_is_one_safe_line():
    assert clean_label("  Ja\x1b[31mne\n Doe\t ") == "Jane Doe"
    assert clean_label("x" * 500, 60) == "x" * 60


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_normalise_is_idempotent_and_leaves_only_lf_and_tab(value):
    once = normalise_text(value)
    assert normalise_text(once) == once
    assert not _FORBIDDEN.search(once)
    assert "\r" not in once and not once.startswith("\ufeff")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab\x1b[]0;P\\\x07\x9b\x00\r\n\tm:"), max_size=60))
def test_escape_sequence_soup(value):
    once = normalise_text(value)
    assert not _FORBIDDEN.search(once) and normalise_text(once) == once
    assert not _FORBIDDEN.search(strip_controls(value).replace("\r", ""))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_decode_bytes_never_fails_except_on_damaged_utf16(data):
    try:
        text, encoding, warnings = decode_bytes(data)
    except UnicodeDecodeError:
        assert data.startswith((b"\xff\xfe", b"\xfe\xff"))
        return
    assert isinstance(text, str) and encoding
    if encoding not in ("utf-8", "utf-8-sig", "utf-16"):
        assert warnings and encoding.split("-")[0].lower() in warnings[0].lower()


def test_decode_bytes_cases():
    assert decode_bytes("héllo".encode()) == ("héllo", "utf-8", [])
    assert decode_bytes(b"\xef\xbb\xbfhi") == ("hi", "utf-8-sig", [])
    assert decode_bytes("hé".encode("utf-16")) == ("hé", "utf-16", [])
    text, encoding, warnings = decode_bytes("hé".encode("cp1252"))
    assert (text, encoding) == ("hé", "cp1252") and "cp1252" in warnings[0]
    assert bomless_utf16("hello world".encode("utf-16-le")) == "utf-16-le"
    assert bomless_utf16("hello world".encode("utf-16-be")) == "utf-16-be"
    assert bomless_utf16(b"hello world") is None
