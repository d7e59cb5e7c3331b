"""The fast read paths of large projects give exactly what the plain ones give."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings, strategies as st

from qualtui.analysis.corpus import Corpus, distinct_speakers
from qualtui.importers.plain import read_plain
from qualtui.model import Coding, Turn
from qualtui.text.units import turn_extent
from test_analysis_project import built  # noqa: F401  (fixture)

LABEL = st.text(alphabet=st.sampled_from("ab \t\n\x00\x1b\x85\u202e\u00e9:"), max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries(
    {"start": st.integers(0, 50), "end": st.integers(0, 50)},
    optional={"speaker": st.none() | LABEL, "label_start": st.none() | st.integers(0, 50),
              "begin_ms": st.none() | st.integers(0, 10**6), "unknown": st.just(1)}), max_size=5))
def test_turns_from_records_are_from_record_each(records):
    assert Turn.from_records(records) == [Turn.from_record(r) for r in records]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries(
    {"id": st.text(max_size=3), "document": st.just("d"), "code": st.just("k"), "start": st.integers(0, 9),
     "end": st.integers(0, 9), "coder": LABEL},
    optional={"created": LABEL, "memo": st.none() | LABEL, "extra": st.just([1])}), max_size=5))
def test_codings_from_records_are_from_record_each(records):
    assert Coding.from_records(records) == [Coding.from_record(r) for r in records]


def test_turn_spans_and_speaker_lookups_match_the_turns(project):
    text = "Interviewer: How was it?\nSam: Hard.\n\nSo hard.\nInterviewer: And then?\n[00:01:02] Sam: Better."
    doc = project.docs.add(read_plain(text.encode(), "a.txt"), "A")
    project.speakers.set(["Sam"], "Samira", "participant")
    turns = sorted(project.docs.turns(doc.id), key=turn_extent)
    assert project.docs.turn_spans(doc.id) == _columns(turns)
    fast, plain = Corpus(project).documents[0], Corpus(project).documents[0]   # fast: never loads Turn objects
    for start in range(len(text) + 1):
        for end in range(start, min(len(text), start + 30) + 1):
            touched = plain.turns_overlapping(start, end)
            assert fast.speakers(start, end) == distinct_speakers(touched)
            assert fast.start_ms(start, end) == next((t.begin_ms for t in touched if t.begin_ms is not None), None)
    assert fast._turns is None


def _columns(turns: list[Turn]) -> tuple[list, ...]:
    rows = [(*turn_extent(t), t.speaker, t.begin_ms) for t in turns]
    return tuple(map(list, zip(*rows))) if rows else ([], [], [], [])


ODD = st.none() | st.text(max_size=2) | st.floats(allow_nan=False) | st.booleans()


@settings(max_examples=120, deadline=None)   # a new project each: 300 took 7 s of CI's 15 minutes
@given(records=st.lists(st.fixed_dictionaries(
    {"start": st.integers(0, 50) | ODD, "end": st.integers(0, 50)},
    optional={"speaker": st.none() | LABEL | st.integers(0, 3), "label_start": st.none() | st.integers(0, 50) | ODD,
              "begin_ms": st.none() | st.integers(0, 10**6) | ODD, "end_ms": st.none(), "unknown": st.just(1)}),
    max_size=5) | st.sampled_from([{}, {"start": 1}, [[1, 2]], ["x"], "text"]))
def test_turn_spans_of_a_hand_made_turns_file_are_the_turns_columns(tmp_path_factory, records):
    """Stored records of any shape: the columns taken at C speed, or the cleaned and checked ``turns``."""
    import json

    from qualtui.project import Project
    from stores import StoreError

    project = Project.init(tmp_path_factory.mktemp("p") / "proj", name="p", coder="t")
    doc = project.docs.add(read_plain(b"Sam: hello there", "a.txt"), "A")
    project.speakers.set(["Sam"], "Samira", "participant")
    project.store.turns_path(doc.id).write_text(json.dumps(records), encoding="utf-8")
    try:
        turns = project.docs.turns(doc.id)
    except StoreError:   # turns itself refuses the damaged file: so does turn_spans
        with pytest.raises(StoreError):
            project.docs.turn_spans(doc.id)
        return
    assert project.docs.turn_spans(doc.id) == _columns(sorted(turns, key=turn_extent))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2100)) | st.text())
def test_escaping_controls_for_json_finds_every_del_and_c1(text):
    from qualtui.text.normalise import escape_json_controls

    expected = "".join(f"\\u{ord(c):04x}" if "\x7f" <= c <= "\x9f" else c for c in text)
    assert escape_json_controls(text) == expected


def test_counts_from_the_index_are_what_frequencies_counts(built):
    from qualtui.analysis.corpus import Scope
    from qualtui.analysis.frequencies import frequencies, segment_counts

    project = built.project
    for scope in (Scope(), Scope.build(project, coders=["alice"]), Scope.build(project, attributes=["group=staff"])):
        corpus = Corpus(project, scope)
        for rollup in (False, True):
            assert segment_counts(corpus, rollup=rollup) == {
                f.code_id: (f.segments, f.documents) for f in frequencies(corpus, rollup=rollup)}


def test_retrieve_reads_only_the_documents_the_index_finds_the_code_in(built, monkeypatch):
    from qualtui.analysis.retrieval import retrieve
    from qualtui.project import Project

    project = Project.open(built.project.root)
    code = project.codes.get("Staff support").id
    expected = retrieve(Corpus(project), [code])
    read: list[str] = []
    original = project.codings.columns_of
    monkeypatch.setattr(project.codings, "columns_of",
                        lambda doc_id, codes, coders=None: read.append(doc_id) or original(doc_id, codes, coders))
    assert retrieve(Corpus(project), [code]) == expected
    assert sorted(set(read)) == sorted({s.document_id for s in expected}) and len(read) < len(project.docs.all())


@settings(max_examples=60, deadline=None)
@given(spans=st.lists(st.tuples(st.integers(0, 95), st.integers(1, 40)), min_size=1, max_size=12),
       exclude=st.booleans())
def test_retrieved_columns_are_what_the_plain_lookups_give(tmp_path_factory, spans, exclude):
    """Speakers, lines and text of every segment, made column-wise, equal the one-at-a-time lookups."""
    from qualtui.analysis.retrieval import iter_segment_columns
    from qualtui.project import Project

    project = Project.init(tmp_path_factory.mktemp("p") / "proj", name="p", coder="t")
    text = ("Interviewer: How was it?\nSam: Hard.\n\nSo hard.\nInterviewer: And then?\n"
            "[00:01:02] Sam: Better, and Jo: agreed.\nJo: Yes.")
    doc = project.docs.add(read_plain(text.encode(), "a.txt"), "A")
    project.speakers.set(["Interviewer"], "Interviewer", "interviewer")
    code = project.codes.create("C")
    length = len(project.docs.text(doc.id))
    made = [(code.id, s, min(length, s + n)) for s, n in spans if s < length]
    assume(made)
    project.codings.add_many(doc.id, made)
    plain = Corpus(project).documents[0]
    exclude_roles = ("interviewer",) if exclude else ()
    rows = [(c.start, c.end) for c in sorted(project.codings.for_document(doc.id), key=lambda c: (c.start, c.end, c.id))]
    expected = [(s, e, plain.speakers(s, e), plain.lines(s, e), plain.text[s:e]) for s, e in rows
                if not (exclude and (names := plain.speakers(s, e))
                        and all(project.speakers.role(n) == "interviewer" for n in names))]
    got = [(s, e, sp, (a, b), t) for columns in iter_segment_columns(Corpus(project), [code.id],
                                                                      exclude_roles=exclude_roles)
           for s, e, sp, a, b, t in zip(columns.start, columns.end, columns.speakers, columns.first_line,
                                        columns.last_line, columns.text)]
    assert got == expected
