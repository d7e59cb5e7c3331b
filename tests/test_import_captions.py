"""WebVTT and SRT import: Teams voices, Zoom labels, merging, tags, junk."""

from __future__ import annotations

import pytest

from qualtui.errors import ImportRejected
from qualtui.importers import read_bytes, turn_problem

TEAMS = """WEBVTT

NOTE Teams transcript
spanning two lines

STYLE
::cue { color: yellow }

3f0c/12-0
00:00:01.000 --> 00:00:04.500 align:start position:10%
<v Jane Doe>Hello and <i>welcome</i> &amp; thanks.</v>

3f0c/13-0
00:00:04.500 --> 00:00:06.000
<v Jane Doe>Shall we start?</v>

3f0c/14-0
00:06.100 --> 00:09.000
<v.loud Sam Smith>Yes, <c.yellow>sure</c>.<00:00:08.000> Go on.</v>

3f0c/15-0
01:00:10.250 --> 01:00:12.000
<v Jane Doe>Last question.</v>
"""

ZOOM = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Jane Doe: Hello there
how are you

2
00:00:04.000 --> 00:00:05.000
Sam: Fine thanks.

3
00:00:05.000 --> 00:00:07.000
Sam: Really fine.
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
<i>INTERVIEWER:</i> Hello there

2
00:00:04,000 --> 00:00:05,000
- SAM: Hi.
- INTERVIEWER: How are you?

3
00:00:05,500 --> 00:00:07,000
{\\an8}<font color="#ff0000">Still asking.</font>
"""


def spoken(t):
    return [(turn.speaker, t.text[turn.start:turn.end], turn.begin_ms, turn.end_ms) for turn in t.turns]


def test_teams_voices_merge_consecutive_cues():
    t = read_bytes(TEAMS.encode(), "meeting.vtt")
    assert t.source_format == "vtt"
    assert t.text == ("Jane Doe: Hello and welcome & thanks. Shall we start?\n\n"
                      "Sam Smith: Yes, sure. Go on.\n\nJane Doe: Last question.")
    assert spoken(t) == [
        ("Jane Doe", "Hello and welcome & thanks. Shall we start?", 1000, 6000),
        ("Sam Smith", "Yes, sure. Go on.", 6100, 9000),
        ("Jane Doe", "Last question.", 3_610_250, 3_612_000),
    ]
    assert [t.text[turn.label_start:turn.start] for turn in t.turns] == ["Jane Doe: ", "Sam Smith: ", "Jane Doe: "]
    assert turn_problem(t) is None and t.warnings == ()


def test_zoom_labels_in_cue_text():
    t = read_bytes(ZOOM.encode(), "zoom.vtt")
    assert t.text == "Jane Doe: Hello there how are you\n\nSam: Fine thanks. Really fine."
    assert spoken(t) == [("Jane Doe", "Hello there how are you", 1000, 4000),
                         ("Sam", "Fine thanks. Really fine.", 4000, 7000)]


def test_captions_without_speakers_become_paragraphs_at_pauses():
    vtt = ("WEBVTT\n\n00:01.000 --> 00:02.000\nfirst part\n\n00:02.000 --> 00:03.000\nstill first\n\n"
           "00:09.000 --> 00:10.000\nafter a pause\n")
    t = read_bytes(vtt.encode(), "x.vtt")
    assert spoken(t) == [(None, "first part still first", 1000, 3000), (None, "after a pause", 9000, 10000)]


def test_a_single_note_like_caption_is_not_a_speaker():
    vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nNote: this is said\n\n00:02.000 --> 00:03.000\nand more\n"
    t = read_bytes(vtt.encode(), "x.vtt")
    assert [turn.speaker for turn in t.turns] == [None]
    assert t.text == "Note: this is said and more"


def test_vtt_without_header_is_read_with_a_warning():
    t = read_bytes(b"00:00:01.000 --> 00:00:02.000\nhello\n", "x.vtt")
    assert t.text == "hello" and any("WEBVTT" in w for w in t.warnings)


def test_vtt_escape_sequences_in_text_and_voice_names():
    vtt = ("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ja\x1b[31mne\x07>hi \x1b]0;title\x07there &#27;[2J</v>\n\n"
           "00:02.000 --> 00:03.000\n<v Jane>again</v>\n")
    t = read_bytes(vtt.encode(), "x.vtt")
    assert "\x1b" not in t.text and "\x07" not in t.text
    assert [turn.speaker for turn in t.turns] == ["Jane"]
    assert t.text == "Jane: hi there [2J again"


def test_srt_labels_dialogue_lines_and_tags():
    t = read_bytes(SRT.encode(), "x.srt")
    assert t.source_format == "srt"
    assert spoken(t) == [("INTERVIEWER", "Hello there", 1000, 4000), ("SAM", "Hi.", 4000, 5000),
                         ("INTERVIEWER", "How are you? Still asking.", 4000, 7000)]
    assert turn_problem(t) is None


def test_srt_crlf_bom_and_missing_index():
    srt = "\ufeff1\r\n00:00:01,000 --> 00:00:02,000\r\nSam: one\r\n\r\n00:00:02,000 --> 00:00:03,000\r\nSam: two\r\n"
    t = read_bytes(srt.encode("utf-8"), "x.srt")
    assert t.text == "Sam: one two"


def test_srt_in_cp1252_warns():
    t = read_bytes("1\n00:00:01,000 --> 00:00:02,000\nZoë: café\n\n2\n00:00:03,000 --> 00:00:04,000\nZoë: déjà\n"
                   .encode("cp1252"), "x.srt")
    assert t.text == "Zoë: café déjà" and any("cp1252" in w for w in t.warnings)


def test_utf16_vtt():
    t = read_bytes(ZOOM.encode("utf-16"), "x.vtt")
    assert t.text.startswith("Jane Doe: Hello")


@pytest.mark.parametrize("data, name, expected", [
    (b"", "x.vtt", "empty"),
    (b"WEBVTT\n", "x.vtt", "no WebVTT cues"),
    (b"WEBVTT\n\nNOTE only a note\n", "x.vtt", "no WebVTT cues"),
    (b"just one line of text", "x.srt", "no SRT cues"),
    (b"1\n00:00:01,000 --> 00:00:02,000\n\n", "x.srt", "no caption text"),
    (b"WEBVTT\n\n00:01.000 --> 00:02.000\n<b></b>\n", "x.vtt", "no caption text"),
    (bytes(range(256)) * 10, "x.vtt", "binary"),
    (b"\x00\x01\x02\x03" * 100, "x.srt", "binary"),
])
def test_junk_captions(data, name, expected):
    with pytest.raises(ImportRejected) as info:
        read_bytes(data, name)
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_long_caption_file_is_fast_enough_and_consistent():
    cues = "".join(f"{i}\n00:{i // 60 % 60:02d}:{i % 60:02d},000 --> 00:{i // 60 % 60:02d}:{i % 60:02d},900\n"
                   f"{'Ann' if i % 3 else 'Bob'}: line {i}\n\n" for i in range(3000))
    t = read_bytes(cues.encode(), "x.srt")
    assert turn_problem(t) is None
    assert len(t.turns) == 2000  # Ann speaks twice in a row, Bob once
