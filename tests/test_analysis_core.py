"""Retrieval, frequencies, matrix and co-occurrence on the hand-built project (known answers)."""

from __future__ import annotations

import pytest

from qualtui.analysis.corpus import Corpus, Scope, parse_attribute_filters
from qualtui.analysis.cooccurrence import cooccurrence
from qualtui.analysis.frequencies import MISSING, frequencies, matrix
from qualtui.analysis.retrieval import retrieve
from qualtui.errors import QualtuiError
from test_analysis_project import TEXTS, built  # noqa: F401  (fixture)


def corpus(built, **scope) -> Corpus:
    return Corpus(built.project, Scope.build(built.project, **scope))


def names(built, segments) -> list[str]:
    return [built.names[s.coding_id] for s in segments]


# retrieval ------------------------------------------------------------------

def test_retrieve_sorts_by_document_then_offset(built):
    c = corpus(built)
    segments = retrieve(c, c.code_ids_for("Difficulty"))
    assert names(built, segments) == ["c6", "c11", "c1", "c5"]
    c11 = segments[1]
    assert (c11.document, c11.code, c11.speakers, c11.lines) == ("ST02", "Difficulty", ("Jo",), "2-3")
    assert c11.text == "It is hard to get time for it.\nHard, really."
    assert c11.citation() == "ST02, Jo, l. 2-3"
    assert (segments[3].coder, segments[3].first_line, segments[3].last_line) == ("alice", 2, 2)
    assert segments[0].before == segments[0].after == ""


def test_retrieve_with_children_uses_paths(built):
    c = corpus(built)
    segments = retrieve(c, c.code_ids_for("Support", children=True))
    assert names(built, segments) == ["c9", "c7", "c8", "c10", "c2", "c3"]
    assert {s.code for s in segments} == {"Support/Peer support", "Support/Staff support"}
    assert retrieve(c, c.code_ids_for("Support")) == []


def test_retrieve_attribute_filters_and_across_keys_or_within_a_key(built):
    def got(*attrs):
        c = corpus(built, attributes=attrs)
        return names(built, retrieve(c, c.code_ids_for("Difficulty")))

    assert got("group=staff") == ["c6", "c11"]           # "Staff" on ST02 matches case-insensitively
    assert got("group=staff", "group=service user") == ["c6", "c11", "c1", "c5"]
    assert got("group=staff", "site=B") == ["c11"]
    assert got("GROUP=Service User") == ["c1", "c5"]
    assert got("group=nobody") == []
    with pytest.raises(QualtuiError, match="key=value"):
        parse_attribute_filters(["group"])


def test_retrieve_coder_and_document_filters(built):
    c = corpus(built, coders=["ALICE"])
    assert names(built, retrieve(c, c.code_ids_for("Difficulty"))) == ["c5"]
    c = corpus(built, documents=["su01", "ST02"])
    assert names(built, retrieve(c, c.code_ids_for("Difficulty"))) == ["c11", "c1", "c5"]


def test_retrieve_context_lines(built):
    c = corpus(built)
    by_name = {built.names[s.coding_id]: s for s in retrieve(c, c.code_ids_for("Difficulty"), context=1)}
    assert by_name["c1"].before == "Interviewer: How was the ward?\nSam: "
    assert by_name["c1"].after == " The other patients helped me though.\nInterviewer: And the staff?"
    assert by_name["c11"].before == "Interviewer: Tell me about support.\nJo: Peer support is vital. "
    assert by_name["c11"].after == ""          # the segment ends the document
    wide = {built.names[s.coding_id]: s for s in retrieve(c, c.code_ids_for("Difficulty"), context=5)}
    assert wide["c6"].before == "Interviewer: What is hard about the job?\nAlex: "
    assert wide["c6"].after == TEXTS["ST01"][TEXTS["ST01"].index(" We cope"):]


def test_speakers_of_a_span_across_turns(built):
    c = corpus(built)
    view = next(v for v in c.documents if v.name == "SU01")
    text = TEXTS["SU01"]
    start, end = text.index("me though"), text.index("the staff")
    assert view.speakers(start, end) == ("Sam", "Interviewer")
    assert view.speakers(text.index("Sam: Dr"), text.index("Sam: Dr") + 3) == ("Sam",)   # the label counts
    assert view.speakers(0, len(text)) == ("Interviewer", "Sam")


# frequencies ----------------------------------------------------------------

def table(rows):
    return {r.path: (r.segments, r.documents, r.speakers, r.words) for r in rows}


def test_frequencies_known_counts(built):
    rows = frequencies(corpus(built))
    assert [(r.depth, r.path) for r in rows] == [
        (0, "Difficulty"), (0, "Safety"), (0, "Support"), (1, "Support/Peer support"),
        (1, "Support/Staff support"), (0, "Unused")]
    assert table(rows) == {
        # words: SU01 c1+c5 merge to "It was hard at first. The other patients" (8), 3, 8 + 2
        "Difficulty": (4, 3, 3, 21),
        "Safety": (2, 2, 2, 9),                      # speakers Sam and Interviewer
        "Support": (0, 0, 0, 0),
        "Support/Peer support": (4, 3, 3, 6 + 7 + 6 + 4),
        "Support/Staff support": (2, 2, 2, 4 + 5),
        "Unused": (0, 0, 0, 0),
    }


def test_frequencies_rolled_up_to_parents(built):
    rows = table(frequencies(corpus(built), rollup=True))
    # ST01: c9 and c7 merge into "Staffing is hard. We cope by talking to each other." (10 words)
    assert rows["Support"] == (6, 3, 3, (6 + 4) + (10 + 6) + 4)
    assert rows["Support/Peer support"] == (4, 3, 3, 23)
    assert rows["Difficulty"] == (4, 3, 3, 21)


def test_frequencies_by_coder_and_attribute(built):
    rows = table(frequencies(corpus(built, coders=["alice"])))
    assert rows["Difficulty"] == (1, 1, 1, 6)
    assert rows["Support/Staff support"] == (1, 1, 1, 5)
    assert rows["Safety"] == (0, 0, 0, 0)
    rows = table(frequencies(corpus(built, attributes=["site=B"])))
    assert rows["Difficulty"] == (1, 1, 1, 10)
    assert rows["Safety"] == (1, 1, 1, 4)


# matrix ---------------------------------------------------------------------

def cells(m):
    return {r.path: (r.cells, r.total) for r in m.rows}


def test_matrix_segments(built):
    m = matrix(corpus(built), "group")
    assert m.values == ("service user", "staff")       # "staff" and "Staff" are one column
    assert m.documents_per_value == (1, 2)
    assert cells(m) == {
        "Difficulty": ((2, 2), 4), "Safety": ((1, 1), 2), "Support": ((0, 0), 0),
        "Support/Peer support": ((1, 3), 4), "Support/Staff support": ((1, 1), 2), "Unused": ((0, 0), 0),
    }
    assert (m.totals, m.grand_total) == ((5, 7), 12)


def test_matrix_documents_totals_are_distinct_documents(built):
    m = matrix(corpus(built), "group", count="documents")
    assert cells(m)["Difficulty"] == ((1, 2), 3)
    assert cells(m)["Support/Peer support"] == ((1, 2), 3)
    assert cells(m)["Safety"] == ((1, 1), 2)
    assert (m.totals, m.grand_total) == ((1, 2), 3)


def test_matrix_rollup_keeps_totals_counting_each_coding_once(built):
    m = matrix(corpus(built), "group", rollup=True)
    assert cells(m)["Support"] == ((2, 4), 6)
    assert (m.totals, m.grand_total) == ((5, 7), 12)


def test_matrix_missing_values_column_and_unknown_attribute(built):
    m = matrix(corpus(built), "Interviewer")              # key matched case-insensitively
    assert m.values == ("KB", MISSING)
    assert cells(m)["Difficulty"] == ((2, 2), 4)
    assert m.documents_per_value == (1, 2)
    with pytest.raises(QualtuiError, match="no document has the attribute 'role'.*group"):
        matrix(corpus(built), "role")
    with pytest.raises(QualtuiError, match="count must be"):
        matrix(corpus(built), "group", count="words")


# co-occurrence ----------------------------------------------------------------

def pairs(result):
    return {(p.code_a, p.code_b): (p.count, p.documents) for p in result}


def test_cooccurrence_span(built):
    result = cooccurrence(corpus(built), unit="span")
    assert pairs(result) == {
        ("Difficulty", "Support/Peer support"): (1, 1),           # c5 x c2 (c1 x c5 is the same code)
        ("Difficulty", "Support/Staff support"): (1, 1),          # c6 x c9
        ("Support/Peer support", "Support/Staff support"): (1, 1),  # c7 x c9
    }
    first = next(p for p in result if p.code_b == "Support/Peer support" and p.code_a == "Difficulty")
    shared = len("The other patients")
    difficulty = len("It was hard at first. The other patients") + len("Staffing is hard.") + len(
        "It is hard to get time for it.\nHard, really.")
    peer = sum(len(q) for q in ("The other patients helped me though.", "We cope by talking to each other.",
                                "The patients help each other too.", "Peer support is vital."))
    assert first.jaccard == pytest.approx(shared / (difficulty + peer - shared))


def test_cooccurrence_turn(built):
    result = cooccurrence(corpus(built), unit="turn")
    assert pairs(result) == {
        ("Difficulty", "Support/Peer support"): (3, 3),
        ("Difficulty", "Support/Staff support"): (1, 1),
        ("Safety", "Support/Staff support"): (1, 1),
        ("Support/Peer support", "Support/Staff support"): (1, 1),
    }
    assert (result[0].code_a, result[0].count) == ("Difficulty", 3)     # most frequent first
    jaccard = {(p.code_a, p.code_b): p.jaccard for p in result}
    assert jaccard[("Difficulty", "Support/Peer support")] == pytest.approx(3 / (3 + 4 - 3))
    assert jaccard[("Safety", "Support/Staff support")] == pytest.approx(1 / 3)


def test_cooccurrence_filters(built):
    c = corpus(built)
    only = cooccurrence(c, unit="turn", codes=[built.codes["Safety"].id])
    assert pairs(only) == {("Safety", "Support/Staff support"): (1, 1)}
    assert pairs(cooccurrence(corpus(built, coders=["tester"]), unit="span")) == {}
    staff = cooccurrence(corpus(built, attributes=["group=staff"]), unit="turn")
    assert pairs(staff)[("Difficulty", "Support/Peer support")] == (2, 2)
    with pytest.raises(QualtuiError):
        cooccurrence(c, unit="paragraph")
