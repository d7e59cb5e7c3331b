"""Speaker label detection in plain text, and its properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualtui.importers import turn_problem
from qualtui.importers.speakers import detect_turns, find_labels, timestamp_ms
from qualtui.model import Transcript


def spoken(text):
    return [(t.speaker, text[t.label_start:t.start], text[t.start:t.end], t.begin_ms) for t in detect_turns(text)]


@pytest.mark.parametrize("text, speakers", [
    ("Interviewer: a\nSam: b\nInterviewer: c", ["Interviewer", "Sam", "Interviewer"]),
    ("INTERVIEWER: a\nPARTICIPANT: b\nINTERVIEWER: c", ["INTERVIEWER", "PARTICIPANT", "INTERVIEWER"]),
    ("I: a\nR: b\nI: c", ["I", "R", "I"]),
    ("P3: a\nI: b\nP3: c", ["P3", "I", "P3"]),
    ("Dr Smith: a\nMrs O'Neil: b\nDr Smith: c", ["Dr Smith", "Mrs O'Neil", "Dr Smith"]),
    ("Participant 3: a\nInterviewer: b\nParticipant 3: c", ["Participant 3", "Interviewer", "Participant 3"]),
    ("[Sam] a\n[Interviewer] b\n[Sam]: c", ["Sam", "Interviewer", "Sam"]),
    ("Ludwig van Beethoven: a\nSam: b\nSam: c", ["Ludwig van Beethoven", "Sam", "Sam"]),
])
def test_label_styles(text, speakers):
    assert [s for s, *_ in spoken(text)] == speakers


def test_timestamps_become_begin_ms():
    text = "[00:00:05] Jane: hi\n(00:01:02.5) Bob: hello\n1:02:03.250 Jane: again\n12:31 Bob: ok"
    assert [(s, label, body, ms) for s, label, body, ms in spoken(text)] == [
        ("Jane", "[00:00:05] Jane: ", "hi", 5000), ("Bob", "(00:01:02.5) Bob: ", "hello", 62_500),
        ("Jane", "1:02:03.250 Jane: ", "again", 3_723_250), ("Bob", "12:31 Bob: ", "ok", 751_000)]


def test_otter_style_name_and_time_on_their_own_line():
    text = "Speaker 1  0:03\nHello there.\nMore.\n\nSpeaker 2  0:10\nHi"
    assert spoken(text) == [("Speaker 1", "Speaker 1  0:03\n", "Hello there.\nMore.", 3000),
                            ("Speaker 2", "Speaker 2  0:10\n", "Hi", 10_000)]


def test_label_alone_on_its_line():
    assert spoken("I:\nWhat now?\nR: fine\nI: ok")[0] == ("I", "I:\n", "What now?", None)


@pytest.mark.parametrize("text", [
    "Note: this is prose.\n\nAnother paragraph here.",
    "Note: just one line",
    "At 10:30 we met.\nAt 11:00 we left.",
    "The point is: this.\nThe point is: that.",
    "[laughs] yes\n[inaudible] no\n[laughs] well",
    "see http://example.org and https://x.org\nhttp://a.b is here",
    "Ratio 3:1 was used.\nRatio 3:1 again.",
])
def test_prose_does_not_make_speakers(text):
    assert all(t.speaker is None for t in detect_turns(text))


def test_unlabelled_paragraphs_before_the_first_label_and_paragraph_turns():
    text = "Interview 4, ward B\n\nInterviewer: hi\n\nSam: hello"
    assert spoken(text)[0] == (None, "", "Interview 4, ward B", None)
    assert [body for *_, body, _ms in spoken("One.\n\n  Two, indented.  \n\n\nThree.")] == [
        "One.", "Two, indented.", "Three."]


@pytest.mark.parametrize("value, ms", [("00:00:01.000", 1000), ("01:02.5", 62_500), ("1:00:00,001", 3_600_001),
                                        ("0:61", None), ("nonsense", None), ("", None)])
def test_timestamp_ms(value, ms):
    assert timestamp_ms(value) == ms


def test_the_reported_interview_keeps_every_participant_turn():
    # The shape of the real interview in issue 11: a named participant and a lower-case, hyphenated interviewer.
    text = "\n".join(f"admin-1: question {i}?\nMia Holt: answer {i},\nover two lines." for i in range(30))
    turns = detect_turns(text)
    assert len(turns) == 60
    assert [t.speaker for t in turns] == ["admin-1", "Mia Holt"] * 30
    assert text[turns[1].start:turns[1].end] == "answer 0,\nover two lines."


@pytest.mark.parametrize("text, speakers", [
    # a one-off header line is not a speaker, even in the same layout as the speakers
    ("Date: 14 March. Location: quiet room.\nInterviewer: a\nSam: b\nInterviewer: c\nSam: d",
     [None, "Interviewer", "Sam", "Interviewer", "Sam"]),
    ("Notes: first visit\nInterviewer: a\nSam: b\nInterviewer: c", [None, "Interviewer", "Sam", "Interviewer"]),
    # a one-off speaker in the layout of the others counts
    ("Speaker 1: a\nSpeaker 2: b\nSpeaker 1: c\nSpeaker 17: d", ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 17"]),
    # a one-off in another layout does not (it stays in the speech before it)
    ("Interviewer: a\n[Sam] b\nParticipant: c\nInterviewer: d\nParticipant: e",
     ["Interviewer", "Participant", "Interviewer", "Participant"]),
    # lower-case labels must recur themselves
    ("Interviewer: a\nnote: b\nSam: c\nInterviewer: d\nSam: e", ["Interviewer", "Sam", "Interviewer", "Sam"]),
    ("int: a\nP1: b\nint: c", ["int", "P1", "int"]),
])
def test_one_off_labels(text, speakers):
    assert [s for s, *_ in spoken(text)] == speakers


@pytest.mark.parametrize("text", [
    "so: this is prose.\n\nAnother paragraph here.",
    "Meeting (10:30) went fine.\nLunch was late.",
    "Age\t34\nTown\tEly",
    "**Important** read this.\n\nAnd this.",
    "Date: 14 March. Location: quiet room.\n\nWe met in the garden.",
])
def test_more_prose_does_not_make_speakers(text):
    assert all(t.speaker is None for t in detect_turns(text))


def test_speaker_pattern_overrides_detection():
    text = "Q1 (asked by Ann) What now?\nA1 (Bo) Nothing.\nQ2 (asked by Ann) Really?"
    assert all(t.speaker is None for t in detect_turns(text))
    pattern = re.compile(r"[QA]\d+ \((?:asked by )?(?P<speaker>\w+)\) ")
    assert [(t.speaker, text[t.start:t.end]) for t in detect_turns(text, pattern)] == [
        ("Ann", "What now?"), ("Bo", "Nothing."), ("Ann", "Really?")]


def test_find_labels_cleans_names():
    (label,) = [x for x in find_labels("Sam: hi") if x.speaker]
    assert (label.label_start, label.body_start, label.speaker) == (0, 5, "Sam")


_lines = st.lists(st.one_of(
    st.sampled_from(["Interviewer:", "Sam:", "I:", "[Sam]", "P3:", "00:01:02 Sam:", "Note:", "Speaker 1  0:03", "",
                     "admin-1:", "**Sam:**", ">> SAM:", "Sam\t", "Sam [00:01:02]", "00:01:02", "[doctor]",
                     "Sam (00:00:04):", "resp_3:"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
), max_size=25)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.tuples(_lines.map(" ".join), st.sampled_from(["\n", "\n\n", " \n \n", "\t\n"])), max_size=20))
def test_turns_are_inside_the_text_ordered_disjoint_and_trimmed(parts):
    text = "".join(a + b for a, b in parts)
    turns = detect_turns(text)
    assert turn_problem(Transcript(text, tuple(turns), "txt")) is None
    for turn in turns:
        assert 0 <= turn.label_start <= turn.start <= turn.end <= len(text)
        assert text[turn.start:turn.end] == text[turn.start:turn.end].strip()
        assert turn.speaker is None or (turn.speaker == turn.speaker.strip() and "\n" not in turn.speaker)
