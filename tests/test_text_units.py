"""One definition of lines, sentences, turns and a line's speech: the coding screen, `code --lines` and
auto-coding by sentence select the same characters."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualtui.analysis.autocode import spans_for_hits
from qualtui.analysis.corpus import Corpus
from qualtui.analysis.search import Hit
from qualtui.cli.codings import parse_span
from qualtui.importers.speakers import detect_turns
from qualtui.model import Document, Transcript
from qualtui.project import Project
from qualtui.text.units import TextUnits, turn_extent

PIECES = ["Interviewer:", "Sam:", "admin-1:", "**Jo:**", "[doctor]", "Speaker 1  0:03", "00:01:02", "Dr. Smith said",
          "it was fine.", "Really?", "no... I mean", "e.g. the ward", "yes!", "and then", "\u4e00\u4e8c\u3002", ""]
TEXTS = st.lists(st.tuples(st.lists(st.sampled_from(PIECES), max_size=6).map(" ".join),
                           st.sampled_from(["\n", "\n\n", " \n"])), min_size=1, max_size=12).map(
    lambda parts: "".join(a + b for a, b in parts).strip("\n")).filter(str.strip)


def in_label(units: TextUnits, offset: int) -> bool:
    return any(turn_extent(t)[0] <= offset < t.start for t in units.turns)


@settings(max_examples=200, deadline=None)
@given(text=TEXTS)
def test_units_never_include_a_label_and_sentences_agree(text):
    units = TextUnits(text, detect_turns(text))
    for line in range(1, units.line_count + 1):
        start, end = units.speech_span(line)
        lo, hi = units.line_span(line)
        assert lo <= start <= end <= hi
        assert text[start:end] == text[start:end].strip()
        assert end == start or not (in_label(units, start) or in_label(units, end - 1))
    for offset, ch in enumerate(text):
        if ch.isspace() or in_label(units, offset):
            continue
        sentence = units.sentence_at(offset)
        # the `s` key and auto-coding by sentence pick the same span, which holds the offset
        assert sentence == units.sentence_around(offset, offset + 1)
        assert sentence[0] <= offset < sentence[1]
        turn = units.turn_at(offset)
        if turn is not None and turn.start <= offset:
            assert turn.start <= sentence[0] and sentence[1] <= turn.end


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_the_cli_and_auto_coding_use_the_same_units(text):
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.init(Path(tmp) / "p", name="p", coder="ana")
        doc = project.docs.add(Transcript(text, tuple(detect_turns(text)), "txt"), "D")
        units = TextUnits(project.docs.text(doc.id), project.docs.turns(doc.id))
        for line in range(1, units.line_count + 1):
            start, end = units.speech_span(line)
            if end > start:
                assert parse_span(project, doc, None, str(line)) == (start, end)
        view = Corpus(project).documents[0]
        for offset, ch in enumerate(text):
            if ch.isspace() or in_label(units, offset):
                continue
            hit = Hit(doc.id, "D", offset, offset + 1, ch, 1, 1, None, "", "")
            assert spans_for_hits(Corpus(project), [hit], unit="sentence") == {doc.id: [units.sentence_at(offset)]}
            assert view.units.sentence_around(offset, offset + 1) == units.sentence_at(offset)


WRAPPED = ("Date: 14 March. Location: quiet room.\n\n"
           "Interviewer: Could you tell me, e.g. in a few words, about the first\nweek on the ward?\n"
           "Participant: It was strange. Everyone knew the routine\nexcept me. Dr. Patel helped.\n"
           "Speaker 1  0:03\nSo that was it.\n"
           "Interviewer: And then?\nSpeaker 1  0:09\nMore.\n")


def test_the_coding_screen_selects_what_the_cli_codes():
    from textual.app import App, ComposeResult

    from tui.widgets.transcript_view import TranscriptView

    turns = detect_turns(WRAPPED)
    units = TextUnits(WRAPPED, turns)

    class Tiny(App):
        def compose(self) -> ComposeResult:
            yield TranscriptView()

        def on_mount(self) -> None:
            view = self.query_one(TranscriptView)
            view.show_document(Document(id="e", name="E"), WRAPPED, list(turns), [], {})
            view.focus()

    async def run() -> None:
        app = Tiny()
        async with app.run_test(size=(100, 20)) as pilot:
            view = app.query_one(TranscriptView)
            for line in range(1, units.line_count + 1):
                lo, hi = units.line_span(line)
                if not WRAPPED[lo:hi].strip():
                    continue
                view.clear_selection()
                view.move_to(hi - 1)
                await pilot.press("p")
                speech = units.speech_span(line)
                assert view.selection == (speech if speech[1] > speech[0] else None)
            for offset in (WRAPPED.index("week"), WRAPPED.index("Dr."), WRAPPED.index("except"),
                           WRAPPED.index("Interviewer")):
                view.clear_selection()
                view.move_to(offset)
                await pilot.press("s")
                assert view.selection == units.sentence_at(offset)

    asyncio.run(run())
    # a hard-wrapped sentence is one sentence, its label and abbreviations inside it
    assert WRAPPED.__getitem__(slice(*units.sentence_at(WRAPPED.index("week")))) == (
        "Could you tell me, e.g. in a few words, about the first\nweek on the ward?")
    assert WRAPPED.__getitem__(slice(*units.sentence_at(WRAPPED.index("Patel")))) == "Dr. Patel helped."
    start, end = units.speech_span(units.line_of(WRAPPED.index("Speaker 1")))
    assert start == end  # a label alone on its line has no speech
    assert [t.speaker for t in turns] == [None, "Interviewer", "Participant", "Speaker 1", "Interviewer", "Speaker 1"]
