"""Row layout of the transcript view (pure Python, no terminal)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qualtui.model import Code, Coding, Turn
from qualtui.text.lines import line_of, line_starts
from qualtui.text.units import TextUnits
from tui.transcript_layout import (
    CodingIndex,
    Layout,
    contrast_text,
    fit_labels,
    next_in,
    previous_in,
    text_cells,
    turn_at,
    word_starts,
    wrap_line,
)

TEXT = (
    "Interviewer: Thank you for agreeing to talk to me today.\n"
    "Sam: That's alright. Um, where do you want me to start?\n"
    "\n"
    "Interviewer: Tell me about the ward.\n"
    "Sam: It was, it was hard at first. The other patients helped me though.\n"
)


def rows_text(layout: Layout) -> list[str]:
    return [layout.text[slice(*layout.row_span(r))] for r in range(layout.row_count)]


def test_wraps_at_word_boundaries():
    layout = Layout("the quick brown fox jumps", 10)
    assert rows_text(layout) == ["the quick ", "brown fox ", "jumps"]


def test_a_word_ending_at_the_edge_keeps_its_space_hanging():
    assert rows_text(Layout("abcde fghij", 5)) == ["abcde ", "fghij"]


def test_long_words_are_split():
    assert rows_text(Layout("abcdefghijkl xy", 5)) == ["abcde", "fghij", "kl xy"]


def test_wide_characters_take_two_cells():
    layout = Layout("日本語のテキスト", 6)
    assert rows_text(layout) == ["日本語", "のテキ", "スト"]
    assert all(text_cells(row) <= 6 for row in rows_text(layout))


def test_empty_lines_get_one_row_each():
    layout = Layout("a\n\nb\n", 10)
    assert layout.line_count == 4
    assert layout.row_count == 4
    assert [layout.row_span(r) for r in range(4)] == [(0, 1), (2, 2), (3, 4), (5, 5)]


def test_line_numbers_are_the_stored_lines_at_every_width():
    starts = line_starts(TEXT)
    for width in (1, 3, 7, 20, 200):
        layout = Layout(TEXT, width)
        for offset in range(len(TEXT) + 1):
            assert layout.line_of_row(layout.row_of(offset)) == line_of(starts, offset)
        first_rows = [r for r in range(layout.row_count) if layout.is_first_row(r)]
        assert [layout.line_of_row(r) for r in first_rows] == list(range(1, layout.line_count + 1))


def test_offset_column_round_trip_and_newline_is_on_the_last_row():
    layout = Layout(TEXT, 12)
    newline = TEXT.index("\n")
    row = layout.row_of(newline)
    assert layout.row_offsets(row)[1] == newline
    assert layout.line_of_row(row) == 1
    assert layout.offset_at(row, layout.column_of(newline)) == newline
    # a column past the end of a row clamps to the row's last offset
    assert layout.offset_at(row, 999) == newline


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab cd\n\tX-.日é")), max_size=120),
    width=st.integers(min_value=1, max_value=30),
)
def test_every_offset_maps_to_a_row_and_back(text, width):
    layout = Layout(text, width)
    assert layout.row_starts == sorted(set(layout.row_starts))
    for offset in range(len(text) + 1):
        row = layout.row_of(offset)
        first, last = layout.row_offsets(row)
        assert first <= offset <= last
        assert layout.offset_at(row, layout.column_of(offset)) == offset
    for row in range(layout.row_count):
        start, end = layout.row_span(row)
        shown = text[start:end]
        assert "\n" not in shown
        # at most the width, plus one hanging space
        assert text_cells(shown.rstrip(" \t")) <= max(width, 2) or len(shown) == 1
    # rows tile the text: every non-newline character is on exactly one row
    covered = [i for r in range(layout.row_count) for i in range(*layout.row_span(r))]
    assert covered == [i for i, ch in enumerate(text) if ch != "\n"]


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab \n")), max_size=80),
       widths=st.lists(st.integers(1, 40), min_size=2, max_size=4))
def test_line_numbers_do_not_depend_on_width(text, widths):
    lines = None
    for width in widths:
        layout = Layout(text, width)
        mapped = [layout.line_of_row(layout.row_of(o)) for o in range(len(text) + 1)]
        assert lines is None or mapped == lines
        lines = mapped


def test_wrap_line_of_a_slice_only_touches_that_slice():
    text = "xxxx hello world yyyy"
    assert wrap_line(text, 5, 16, 6) == [5, 11]


def test_words_sentences_and_turns():
    starts = word_starts(TEXT)
    assert TEXT[starts[0]:starts[0] + 11] == "Interviewer"
    assert "That's" in [TEXT[s:s + 6] for s in starts]
    assert next_in(starts, 0) == starts[1]
    assert previous_in(starts, starts[1]) == starts[0]
    assert previous_in(starts, 0) is None

    line_start = TEXT.index("Sam: It was")
    units = TextUnits(TEXT, [])
    start, end = units.sentence_at(TEXT.index("other patients"))
    assert TEXT[start:end] == "The other patients helped me though."
    start, end = units.sentence_at(line_start + 6)
    assert TEXT[start:end] == "Sam: It was, it was hard at first."  # no turns: the label is text
    labelled = TextUnits(TEXT, [Turn(start=line_start + 5, end=len(TEXT) - 1, speaker="Sam", label_start=line_start)])
    assert TEXT.__getitem__(slice(*labelled.sentence_at(line_start + 1))) == "It was, it was hard at first."

    cjk = "一二三。四五六。"
    assert TextUnits(cjk, []).sentence_at(5) == (4, 8)

    turns = [Turn(start=13, end=56, speaker="Interviewer", label_start=0),
             Turn(start=62, end=112, speaker="Sam", label_start=57)]
    assert turn_at(turns, 0) is turns[0]
    assert turn_at(turns, 58) is turns[1]
    assert turn_at(turns, 200) is None


def _coding(cid, start, end, code="c1", coder="me"):
    return Coding(id=cid, document="d", code=code, start=start, end=end, coder=coder)


def test_coding_index_groups_by_line_and_signatures_change_only_where_codings_change():
    starts = line_starts(TEXT)
    codes = {"c1": Code(id="c1", name="Peer support", color="#2ca02c"),
             "c2": Code(id="c2", name="Stigma", color="#d62728")}
    first_line_end = TEXT.index("\n")
    a = _coding("a", 5, first_line_end + 10)
    b = _coding("b", TEXT.index("Tell"), TEXT.index("ward"), code="c2", coder="other")
    index = CodingIndex(starts, len(TEXT), [a, b], codes, own_coder="me")
    assert [p.coding.id for p in index.for_line(1)] == ["a"]
    assert [p.coding.id for p in index.for_line(2)] == ["a"]
    assert index.for_line(3) == []
    assert [(p.label, p.own) for p in index.for_line(4)] == [("Stigma", False)]
    assert index.at(6, 1) == [a]
    assert index.starts == [5, b.start]

    moved = CodingIndex(starts, len(TEXT), [a, _coding("b", b.start, b.end + 1, code="c2")], codes, "me")
    changed = [line for line in range(1, len(starts) + 1)
               if index.line_signature(line) != moved.line_signature(line)]
    assert changed == [4]
    recoloured = CodingIndex(starts, len(TEXT), [a, b],
                             {**codes, "c1": Code(id="c1", name="Peer support", color="#000000")}, "me")
    assert [line for line in range(1, 6)
            if index.line_signature(line) != recoloured.line_signature(line)] == [1, 2]


def test_fit_labels_names_what_fits_and_counts_the_rest():
    assert fit_labels(["Peer s", "Stigma"], 17) == (2, "")
    assert fit_labels(["Peer s", "Stigma", "Family", "Hope"], 17) == (2, "+2")
    assert fit_labels(["Peer s", "Stigma", "Family"], 10) == (1, "+2")
    assert fit_labels(["Peer s"], 3) == (0, "+1")
    assert fit_labels([], 10) == (0, "")


def test_contrast_text():
    assert contrast_text("#ffff00") == "#000000"
    assert contrast_text("#1f1f7f") == "#ffffff"
    assert contrast_text("not a colour") == "#000000"
