"""The transcript's cursor model and what a cursor move repaints (pure Python, no terminal)."""

from __future__ import annotations

from qualtui.text.lines import line_starts
from tui.transcript_caret import Caret, cells_of, changed_spans
from tui.transcript_layout import Layout

TEXT = (
    "Interviewer: Thank you for agreeing to talk to me today.\n"
    "Sam: That's alright. Um, where do you want me to start?\n"
    "\n"
    "Interviewer: Tell me about the ward.\n"
)


def caret(cursor: int = 0) -> Caret:
    return Caret(TEXT, line_starts(TEXT), [], cursor)


def test_motions_go_where_an_editor_goes_and_vertical_moves_keep_the_column():
    layout = Layout(TEXT, 80, line_starts(TEXT))
    c = caret(TEXT.index("That's") + 3)
    assert c.target("word_next", layout, 10) == TEXT.index("alright")
    assert c.target("line_start", layout, 10) == TEXT.index("Sam:")
    assert c.target("line_end", layout, 10) == TEXT.index("start?") + len("start?")
    column = c.cursor - TEXT.index("Sam:")
    c.cursor = c.target("down", layout, 10)                     # the blank line: column 0
    assert c.cursor == TEXT.index("\n\n") + 1
    c.cursor = c.target("down", layout, 10)                     # back at the remembered column
    assert c.cursor - TEXT.index("Interviewer: Tell") == column
    assert c.target("left", layout, 10) == c.cursor - 1 and c.goal_column is None


def test_selection_includes_anchor_and_cursor_and_units_are_trimmed():
    c = caret(TEXT.index("ward"))
    c.anchor = TEXT.index("about")
    assert c.selection == (TEXT.index("about"), TEXT.index("ward") + 1)
    c = caret(TEXT.index("\n\n") + 1)                           # on a blank line: the next line's speech
    assert TEXT[slice(*c.unit("paragraph"))] == "Interviewer: Tell me about the ward."  # no turns: the whole line


def test_a_cursor_step_repaints_two_cells_and_a_long_selection_everything():
    layout = Layout(TEXT, 30, line_starts(TEXT))
    spans = changed_spans(5, 6, None, None)
    assert spans == [(5, 6), (6, 7)]
    assert cells_of(layout, spans, 10) == [(0, 5, 2), (0, 6, 2)]
    assert cells_of(layout, changed_spans(0, len(TEXT) - 1, None, (0, len(TEXT))), 2) is None
