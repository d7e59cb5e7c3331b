"""Auto-coding search hits and speaker turns: units, skips, and undo/redo as one step."""

from __future__ import annotations

import pytest

from qualtui.analysis.autocode import autocode, code_spans, spans_for_hits, spans_for_speakers
from qualtui.analysis.corpus import Corpus
from qualtui.analysis.search import SearchQuery, search
from qualtui.errors import QualtuiError
from qualtui.editing.history import History
from test_analysis_project import TEXTS, built  # noqa: F401  (fixture)


def hard_hits(built):
    corpus = Corpus(built.project)
    return corpus, search(corpus, SearchQuery("hard", whole_word=True)).hits


def quoted(built, spans):
    by_id = {d.id: name for name, d in built.docs.items()}
    return sorted((by_id[doc_id], TEXTS[by_id[doc_id]][s:e]) for doc_id, doc_spans in spans.items()
                  for s, e in doc_spans)


def all_codings(project):
    return {c.id: c for c in project.codings.iter_all()}


def test_units_match_sentence_turn(built):
    corpus, hits = hard_hits(built)
    assert len(hits) == 5
    assert quoted(built, spans_for_hits(corpus, hits, "match")) == sorted(
        [("ST01", "hard"), ("ST01", "hard"), ("ST02", "hard"), ("ST02", "Hard"), ("SU01", "hard")])
    assert quoted(built, spans_for_hits(corpus, hits, "sentence")) == [
        ("ST01", "Staffing is hard."), ("ST01", "What is hard about the job?"),
        ("ST02", "Hard, really."), ("ST02", "It is hard to get time for it."), ("SU01", "It was hard at first.")]
    assert quoted(built, spans_for_hits(corpus, hits, "turn")) == [          # two hits in Jo's turn: one span
        ("ST01", "Staffing is hard. We cope by talking to each other."), ("ST01", "What is hard about the job?"),
        ("ST02", "Peer support is vital. It is hard to get time for it.\nHard, really."),
        ("SU01", "It was hard at first. The other patients helped me though.")]
    with pytest.raises(QualtuiError, match="unit must be"):
        spans_for_hits(corpus, hits, "paragraph")


def test_autocode_skips_what_this_coder_already_covered_and_undo_redo(built):
    project = built.project
    corpus, hits = hard_hits(built)
    before = all_codings(project)
    spans = spans_for_hits(corpus, hits, "sentence")
    result, change = code_spans(project, built.codes["Difficulty"].id, spans)
    # c1, c6 are these sentences exactly; c11 covers both of ST02's: only the interviewer's question is new.
    assert (len(result.added), result.skipped, result.documents) == (1, 4, 1)
    (new,) = result.added
    assert TEXTS["ST01"][new.start:new.end] == "What is hard about the job?"
    assert (new.coder, new.code) == ("tester", built.codes["Difficulty"].id)
    after = all_codings(project)
    assert set(after) - set(before) == {new.id}

    history = History()
    history.record(change)
    history.undo()
    assert all_codings(project) == before
    history.redo()
    assert all_codings(project) == after


def test_autocode_across_documents_is_one_step(built):
    project = built.project
    corpus, hits = hard_hits(built)
    before = all_codings(project)
    result, change = autocode(project, "Hardship", spans_for_hits(corpus, hits, "match"), create=True)
    assert (len(result.added), result.skipped, result.documents) == (5, 0, 3)
    code = project.codes.find("Hardship")
    assert code is not None and result.code_id == code.id
    change.undo()
    assert all_codings(project) == before
    assert project.codes.find("Hardship") is None           # the created code goes too
    change.redo()
    assert project.codes.find("Hardship") is not None
    assert {c.id for c in all_codings(project).values() if c.code == code.id} == {c.id for c in result.added}
    again, _ = autocode(project, "hardship", spans_for_hits(corpus, hits, "match"), create=True)
    assert (len(again.added), again.skipped) == (0, 5)


def test_another_coders_coding_does_not_count_as_already_coded(built):
    project = built.project
    text = TEXTS["SU01"]
    start = text.index("hard at first. The other patients")       # c5, coded by alice
    spans = {built.docs["SU01"].id: [(start, start + len("hard at first. The other patients"))]}
    result, _ = code_spans(project, built.codes["Difficulty"].id, spans)
    assert (len(result.added), result.skipped) == (1, 0)


def test_autocode_refuses_groupings_and_unknown_codes_without_changing_anything(built):
    project = built.project
    corpus, hits = hard_hits(built)
    spans = spans_for_hits(corpus, hits, "match")
    before = all_codings(project)
    with pytest.raises(QualtuiError, match="grouping"):
        code_spans(project, built.codes["Support"].id, spans)
    with pytest.raises(QualtuiError, match="no code named"):
        autocode(project, "Nope", spans)
    assert all_codings(project) == before
    assert project.codes.find("Nope") is None


def test_failure_midway_rolls_back_earlier_documents(built, monkeypatch):
    project = built.project
    corpus, hits = hard_hits(built)
    spans = spans_for_hits(corpus, hits, "match")
    before = all_codings(project)
    real = project.codings.add_many
    calls = []

    def flaky(doc_id, items, **kw):
        calls.append(doc_id)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(doc_id, items, **kw)

    monkeypatch.setattr(project.codings, "add_many", flaky)
    with pytest.raises(OSError):
        autocode(project, "Disk", spans, create=True)
    assert all_codings(project) == before
    assert project.codes.find("Disk") is None


def test_speaker_turns_speech_only(built):
    corpus = Corpus(built.project)
    spans = spans_for_speakers(corpus, ["interviewer"])
    assert quoted(built, spans) == [
        ("ST01", "Anything else?"), ("ST01", "What is hard about the job?"), ("ST02", "Tell me about support."),
        ("SU01", "And the staff?"), ("SU01", "How was the ward?")]
    result, change = autocode(built.project, "interviewer", spans, create=True)
    assert (len(result.added), result.skipped, result.documents) == (5, 0, 3)
    assert len(spans_for_speakers(corpus, ["Sam", "Jo"])[built.docs["SU01"].id]) == 2
    with pytest.raises(QualtuiError, match=r"no turns spoken by 'Intervewer'.*speakers: Alex, Interviewer, Jo, Sam"):
        spans_for_speakers(corpus, ["Intervewer"])
