"""Table-driven layout corpus: one fictional transcript per label layout (tests/layouts/), with the speakers
and turn boundaries a person would name.  Each row: (speaker, label text, first words, last word, begin_ms)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualtui.importers import read_transcript, turn_problem

LAYOUTS = Path(__file__).parent / "layouts"

EXPECTED = [
    ("bracket_lower.txt", [
        ('doctor', '[doctor] ', 'Good morning, what', 'today?', None),
        ('patient', '[patient] ', 'My knee again.', 'spring.', None),
        ('doctor', '[doctor] ', 'Any swelling?', 'swelling?', None),
        ('patient', '[patient] ', 'A bit in', 'football.', None),
        ('doctor', '[doctor] ', "Let's have a", 'look.', None),
    ]),
    ("bracket_names.txt", [
        ('Interviewer', '[Interviewer] ', 'How did the', 'meet?', None),
        ('P3', '[P3] ', 'Through the church', 'up.', None),
        ('Interviewer', '[Interviewer]: ', 'Who put it', 'up?', None),
        ('P3', '[P3] ', "I honestly can't", 'maybe.', None),
        ('Interviewer', '[Interviewer] ', 'Thank you.', 'you.', None),
    ]),
    ("caption_chevrons.txt", [
        ('REPORTER', '>> REPORTER: ', 'The council met', 'bridge.', None),
        ('MAYOR HALE', '>> MAYOR HALE: ', 'We have agreed', 'winter.', None),
        ('REPORTER', '>> REPORTER: ', 'Residents say they', 'before.', None),
        ('MAYOR HALE', '>> MAYOR HALE: ', 'This time the', 'budget.', None),
    ]),
    ("colon_titlecase.txt", [
        ('Interviewer', 'Interviewer: ', 'Thanks for coming', 'start?', None),
        ('Participant', 'Participant: ', 'Yes, go ahead.', 'ahead.', None),
        ('Interviewer', 'Interviewer: ', 'How long have', 'allotment?', None),
        ('Participant', 'Participant: ', 'Nine years, give', 'take.', None),
    ]),
    ("descript_prefix_time.txt", [
        ('Lena', '[00:00:00] Lena: ', "Okay, we're live.", 'live.', 0),
        ('Marco', '[00:00:03] Marco: ', 'Hello, hello.', 'hello.', 3000),
        ('Lena', '[00:00:06] Lena: ', "Today we're talking", 'bees.', 6000),
        ('Marco', '[00:00:10] Marco: ', 'My favourite subject.', 'subject.', 10000),
    ]),
    ("focus_group.txt", [
        ('Moderator', 'Moderator: ', 'Thanks all for', 'introductions.', None),
        ('Speaker 1', 'Speaker 1: ', "I'm a parent", 'school.', None),
        ('Speaker 2', 'Speaker 2: ', 'Same, two kids', 'there.', None),
        ('Speaker 14', 'Speaker 14: ', 'I teach year', 'four.', None),
        ('Moderator', 'Moderator: ', 'And what brought', 'tonight?', None),
        ('Speaker 1', 'Speaker 1: ', 'The crossing outside', 'gate.', None),
        ('Speaker 23', 'Speaker 23: ', 'I live on', 'terrible.', None),
        ('Dana Lowe', 'Dana Lowe: ', 'Can I add', 'something?', None),
        ('Moderator', 'Moderator: ', 'Of course.', 'course.', None),
        ('Speaker 2', 'Speaker 2: ', "It's worse at", 'pick-up.', None),
        ('Speaker 14', 'Speaker 14: ', 'Much worse.', 'worse.', None),
    ]),
    ("hard_wrapped.txt", [
        ('Interviewer', 'Interviewer: ', 'Could you tell', 'there?', None),
        ('Participant', 'Participant: ', 'It was strange.', 'was.', None),
        ('Interviewer', 'Interviewer: ', 'And after that?', 'that?', None),
        ('Participant', 'Participant: ', 'After that it', 'easier.', None),
    ]),
    ("header_fields.txt", [
        (None, '', 'Date: 14 March.', 'room.', None),
        ('Interviewer', 'Interviewer: ', 'Is it alright', 'this?', None),
        ('Participant', 'Participant: ', 'Yes.', 'Yes.', None),
        ('Interviewer', 'Interviewer: ', "Let's start with", 'ward.', None),
        ('Participant', 'Participant: ', 'My GP sent', 'me.', None),
    ]),
    ("header_metadata_lines.txt", [
        (None, '', 'Transcript: FG2 Recorded:', 'May', None),
        ('Facilitator', 'Facilitator: ', 'Welcome back, everyone.', 'everyone.', None),
        ('Ines', 'Ines: ', 'Hi.', 'Hi.', None),
        ('Facilitator', 'Facilitator: ', 'Last time we', 'parking.', None),
        ('Ines', 'Ines: ', "Don't remind me.", 'me.', None),
    ]),
    ("label_wide_spaces.txt", [
        ('Interviewer', 'Interviewer:    ', 'Where did you', 'up?', None),
        ('Jo Marsh', 'Jo Marsh:\t', 'In a village', 'flat.', None),
        ('Interviewer', 'Interviewer:    ', 'Did you like', 'it?', None),
        ('Jo Marsh', 'Jo Marsh:\t', 'Not as a', 'teenager.', None),
    ]),
    ("lone_timestamps.txt", [
        ('Interviewer', '00:00:05\nInterviewer: ', 'Could you start', 'role?', 5000),
        ('Participant', '00:00:11\nParticipant: ', 'I coordinate the', 'bank.', 11000),
        ('Interviewer', '00:01:40\n\nInterviewer: ', 'How many volunteers', 'there?', 100000),
        ('Participant', '00:01:44\nParticipant: ', 'About forty on', 'up.', 104000),
    ]),
    ("lowercase_codes.txt", [
        ('int', 'int: ', 'so what does', 'you?', None),
        ('p07', 'p07: ', 'it depends on', 'calmer.', None),
        ('int', 'int: ', 'calmer how?', 'how?', None),
        ('p07', 'p07: ', 'fewer phone calls,', 'yet.', None),
        ('int', 'int: ', 'and evenings?', 'evenings?', None),
        ('p07', 'p07: ', 'evenings are chaos,', 'honestly.', None),
    ]),
    ("lowercase_hyphenated.txt", [
        ('admin-1', 'admin-1: ', "OK, we're recording.", 'tape?', None),
        ('Nell Ashdown', 'Nell Ashdown: ', 'Nell Ashdown. I', 'Street.', None),
        ('admin-1', 'admin-1: ', 'And how did', 'start?', None),
        ('Nell Ashdown', 'Nell Ashdown: ', 'By accident, really.', 'stopped.', None),
        ('admin-1', 'admin-1: ', 'Who uses it', 'most?', None),
        ('Nell Ashdown', 'Nell Ashdown: ', 'Kids after school.', 'oddly.', None),
    ]),
    ("markdown_bold.md", [
        (None, '', '# Interview 12', '12', None),
        ('Interviewer', '**Interviewer:** ', 'Can you describe', 'cafe?', None),
        ('Tomas Reyes', '**Tomas Reyes:** ', "It's a monthly", 'bikes.', None),
        ('Interviewer', '**Interviewer:** ', 'Who fixes them?', 'them?', None),
        ('Tomas Reyes', '**Tomas Reyes:** ', 'Volunteers. Retired engineers,', 'mostly.', None),
    ]),
    ("markdown_bold_outside.md", [
        ('Moderator', '**Moderator**: ', "Welcome, everyone. Let's", 'table.', None),
        ('Priya', '**Priya**: ', "Hi, I'm Priya,", 'under-tens.', None),
        ('Moderator', '**Moderator**: ', 'Thanks Priya.', 'Priya.', None),
        ('Dev', '**Dev**: ', "I'm Dev. I", 'oranges.', None),
    ]),
    ("name_time.txt", [
        ('Ruth Abbey', 'Ruth Abbey  00:12\n', 'Thanks for having', 'this.', 12000),
        ('Carl Penn', 'Carl Penn  00:17\n', "Likewise. Let's talk", 'choir.', 17000),
        ('Ruth Abbey', 'Ruth Abbey  00:25\n', 'It started as', 'kitchen.', 25000),
    ]),
    ("no_labels.txt", [
        (None, '', 'Field notes, visit', 'arrived.', None),
        (None, '', 'Two volunteers were', 'came.', None),
        (None, '', 'The point is:', 'it.', None),
    ]),
    ("otter_speaker_time.txt", [
        ('Speaker 1', 'Speaker 1  0:03\n', 'So I think', 'timeline.', 3000),
        ('Speaker 2', 'Speaker 2  0:09\n', 'Fine by me.', 'people.', 9000),
        ('Speaker 1', 'Speaker 1  0:21\n', 'Twelve? I thought', 'more.', 21000),
    ]),
    ("paren_time_colon.txt", [
        ('Rebecca Ward', 'Rebecca Ward (00:00:04): ', 'Are you happy', 'recording?', 4000),
        ('Osman Khan', 'Osman Khan (00:00:09): ', "Yes, that's fine.", 'fine.', 9000),
        ('Rebecca Ward', 'Rebecca Ward (00:00:12): ', 'Great. So tell', 'shelter.', 12000),
        ('Osman Khan', 'Osman Khan (00:00:18): ', 'It opened in', 'hut.', 18000),
    ]),
    ("rev_bracket_time.txt", [
        ('Hannah Cole', 'Hannah Cole [00:01:02]\n', 'How long have', 'committee?', 62000),
        ('Felix Varga', 'Felix Varga [00:01:06]\n', 'Four years this', 'autumn.', 66000),
        ('Hannah Cole', 'Hannah Cole [00:01:10]\n', 'What keeps you', 'it?', 70000),
    ]),
    ("short_codes.txt", [
        (None, '', 'I = interviewer,', 'respondent.', None),
        ('I', 'I: ', 'What does a', 'like?', None),
        ('R', 'R: ', 'Sun out, bus', 'time.', None),
        ('I', 'I: ', 'And a bad', 'one?', None),
        ('R', 'R: ', 'The opposite, really.', 'really.', None),
    ]),
    ("tab_table.txt", [
        ('Interviewer', 'Interviewer\t', 'What do you', 'plot?', None),
        ('Amira Stone', 'Amira Stone\t', 'Mostly beans. Some', 'it.', None),
        ('Interviewer', 'Interviewer\t', 'And who helps', 'you?', None),
        ('Amira Stone', 'Amira Stone\t', 'My neighbour, on', 'Sundays.', None),
    ]),
    ("trint_bracket_time_inline.txt", [
        ('Hannah Cole', 'Hannah Cole [00:01:02] ', 'How long have', 'committee?', 62000),
        ('Felix Varga', 'Felix Varga [00:01:06] ', 'Four years this', 'autumn.', 66000),
        ('Hannah Cole', 'Hannah Cole [00:01:10] ', 'What keeps you', 'it?', 70000),
        ('Felix Varga', 'Felix Varga [00:01:14] ', 'Stubbornness, mostly.', 'mostly.', 74000),
    ]),
    ("underscore_numbered.txt", [
        ('int', 'int: ', 'First question. Why', 'volunteer?', None),
        ('resp_3', 'resp_3: ', 'My sister did', 'it.', None),
        ('int', 'int: ', 'Did you love', 'it?', None),
        ('resp_3', 'resp_3: ', 'Mostly. The early', 'so.', None),
    ]),
    ("uppercase_colon.txt", [
        ('INTERVIEWER', 'INTERVIEWER: ', 'When did you', 'scheme?', None),
        ('MARCUS', 'MARCUS: ', 'From my key', 'summer.', None),
        ('INTERVIEWER', 'INTERVIEWER: ', 'What did you', 'think?', None),
        ('MARCUS', 'MARCUS: ', 'I thought it', 'forms.', None),
    ]),
]


def test_the_corpus_has_every_file_and_at_least_twenty_layouts():
    assert sorted(name for name, _turns in EXPECTED) == sorted(p.name for p in LAYOUTS.iterdir())
    assert len(EXPECTED) >= 20


@pytest.mark.parametrize("name, expected", EXPECTED, ids=[name for name, _ in EXPECTED])
def test_layout(name, expected):
    transcript = read_transcript(LAYOUTS / name)
    text = transcript.text
    assert turn_problem(transcript) is None
    found = []
    for turn in transcript.turns:
        words = text[turn.start:turn.end].split()
        found.append((turn.speaker, text[turn.label_start:turn.start], " ".join(words[:3]), words[-1], turn.begin_ms))
    assert found == expected
    # Nothing is lost between turns: every visible character is in some turn's label or speech.
    covered = set()
    for turn in transcript.turns:
        covered.update(range(turn.label_start, turn.end))
    assert [i for i, ch in enumerate(text) if not ch.isspace() and i not in covered] == []


def test_a_word_table_with_continuation_rows_keeps_its_turns_through_a_refi_round_trip(tmp_path):
    from qualtui.importers import read_bytes
    from qualtui.project import Project
    from qualtui.refi.export import export_qdpx
    from qualtui.refi.import_ import import_qdpx
    from test_import_docx import build_docx

    rows = [["Interviewer", "How did the garden start?"], ["", "Take your time."], ["Amira Stone", "With a skip."],
            ["", "And a lot of tea."], ["Interviewer", "Who came first?"], ["Amira Stone", "My neighbours."]]
    transcript = read_bytes(build_docx(table=rows), "garden.docx")
    assert "Interviewer\tHow did the garden start?" in transcript.text
    expected = [("Interviewer", "How did the garden start?\nTake your time."),
                ("Amira Stone", "With a skip.\nAnd a lot of tea."), ("Interviewer", "Who came first?"),
                ("Amira Stone", "My neighbours.")]
    assert [(t.speaker, transcript.text[t.start:t.end]) for t in transcript.turns] == expected
    project = Project.init(tmp_path / "a", name="a", coder="ana")
    project.docs.add(transcript, "garden")
    export_qdpx(project, tmp_path / "a.qdpx")
    import_qdpx(tmp_path / "a.qdpx", tmp_path / "b")
    again = Project.open(tmp_path / "b")
    (doc,) = again.docs.all()
    text = again.docs.text(doc.id)
    assert [(t.speaker, text[t.start:t.end]) for t in again.docs.turns(doc.id)] == expected
