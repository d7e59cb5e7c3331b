"""The transcript widget driven by keys in a headless Textual app."""

from __future__ import annotations

import asyncio
import functools

import pytest
from textual.app import App, ComposeResult

from qualtui.importers.plain import read_plain
from qualtui.model import Code, Coding, Document
from tui.widgets.transcript_view import TranscriptView

TEXT = (
    "Interviewer: Thank you for agreeing to talk to me today. Could you start with the ward?\n"
    "Sam: That's alright. It was hard at first. The other patients helped me though, "
    "especially at night when the staff were busy and everything felt very quiet.\n"
    "\n"
    "Interviewer: Tell me more about the nights.\n"
    "Sam: Long. Very long. But we talked.\n"
)
TRANSCRIPT = read_plain(TEXT.encode(), "SU01.txt")
DOC = Document(id="d1", name="SU01", length=len(TRANSCRIPT.text))
CODES = {
    "c1": Code(id="c1", name="Peer support", color="#2ca02c"),
    "c2": Code(id="c2", name="Stigma and shame", color="#d62728"),
}


def coding(cid: str, phrase: str, code: str = "c1", coder: str = "me") -> Coding:
    start = TRANSCRIPT.text.index(phrase)
    return Coding(id=cid, document="d1", code=code, start=start, end=start + len(phrase), coder=coder)


PEERS = coding("k1", "The other patients helped me though")
NIGHTS = coding("k2", "Tell me more about the nights.", code="c2", coder="other")


class Harness(App):
    def __init__(self, codings: list[Coding] | None = None, cursor: int = 0) -> None:
        super().__init__()
        self.codings = codings if codings is not None else [PEERS, NIGHTS]
        self.start_cursor = cursor
        self.events: list[object] = []

    def compose(self) -> ComposeResult:
        yield TranscriptView(gutter_width=18)

    def on_mount(self) -> None:
        view = self.query_one(TranscriptView)
        view.show_document(DOC, TRANSCRIPT.text, list(TRANSCRIPT.turns), self.codings, CODES,
                           cursor=self.start_cursor, own_coder="me")
        view.focus()

    def on_transcript_view_cursor_moved(self, event: TranscriptView.CursorMoved) -> None:
        self.events.append(("cursor", event.offset, event.line))

    def on_transcript_view_selection_changed(self, event: TranscriptView.SelectionChanged) -> None:
        self.events.append(("selection", event.selection))


def sync(test):
    """Run an async Pilot test with asyncio.run (no async pytest plugin needed)."""
    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))
    return run


def rows(view: TranscriptView) -> list[str]:
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


def selected(view: TranscriptView) -> str:
    assert view.selection is not None
    start, end = view.selection
    return TRANSCRIPT.text[start:end]


@sync
async def test_renders_numbers_once_per_stored_line_and_names_codes_in_the_gutter():
    app = Harness()
    async with app.run_test(size=(70, 14)) as pilot:
        await pilot.pause()
        view = app.query_one(TranscriptView)
        shown = rows(view)
        numbered = [r[:4].strip() for r in shown if r[:4].strip()]
        assert numbered == ["1", "2", "3", "4", "5"]
        peers_row = next(r for r in shown if "other" in r and "patients" in r)
        assert "Peer s" in peers_row
        nights_row = next(r for r in shown if "nights" in r)
        assert "~Stigma" in nights_row  # another coder's coding is marked, not only coloured
        assert view.line_count == 5 and view.current_line == 1


@sync
async def test_cursor_keys_move_by_character_row_word_and_line():
    app = Harness()
    async with app.run_test(size=(70, 14)) as pilot:
        view = app.query_one(TranscriptView)
        text = TRANSCRIPT.text
        await pilot.press("l", "l")
        assert view.cursor == 2
        await pilot.press("h")
        assert view.cursor == 1
        await pilot.press("w")
        assert text[view.cursor:].startswith("Thank")
        await pilot.press("b")
        assert view.cursor == 0
        await pilot.press("end")
        assert view.cursor == text.index("\n")
        await pilot.press("home", "j")
        assert view.cursor > 0 and view.current_line in (1, 2)
        await pilot.press("G")
        assert view.cursor == len(text) and view.current_line == view.line_count
        await pilot.press("g")
        assert view.cursor == 0
        await pilot.press("down", "down", "down", "up")
        row_of = view._layout.row_of
        assert row_of(view.cursor) == 2
        await pilot.pause()
        assert ("cursor", view.cursor, view.current_line) in app.events


@sync
async def test_v_starts_a_selection_that_movement_extends_and_escape_clears():
    app = Harness()
    async with app.run_test(size=(70, 14)) as pilot:
        view = app.query_one(TranscriptView)
        await pilot.press("w", "v", "w", "w")
        assert selected(view) == "Thank you f"  # inclusive of the character under the cursor
        await pilot.press("shift+right")
        assert selected(view) == "Thank you fo"
        await pilot.press("escape")
        assert view.selection is None
        await pilot.press("shift+right", "shift+right")
        assert selected(view) == "or "  # shift+arrows start a selection at the cursor
        await pilot.press("v")
        assert view.selection is None
        await pilot.pause()
        kinds = [e for e in app.events if e[0] == "selection"]
        assert kinds[-1] == ("selection", None) and len(kinds) >= 4


@sync
async def test_t_s_p_select_turn_sentence_and_paragraph_without_the_speaker_label():
    text = TRANSCRIPT.text
    app = Harness(cursor=text.index("other patients"))
    async with app.run_test(size=(70, 14)) as pilot:
        view = app.query_one(TranscriptView)
        await pilot.press("s")
        assert selected(view) == "The other patients helped me though, especially at night when the staff " \
                                 "were busy and everything felt very quiet."
        await pilot.press("escape", "p")
        assert selected(view).startswith("That's alright.") and selected(view).endswith("quiet.")
        await pilot.press("escape", "g", "t")
        assert selected(view) == "Thank you for agreeing to talk to me today. Could you start with the ward?"


@sync
async def test_brackets_jump_between_coded_spans():
    app = Harness()
    async with app.run_test(size=(70, 14)) as pilot:
        view = app.query_one(TranscriptView)
        await pilot.press("right_square_bracket")
        assert view.cursor == PEERS.start
        assert view.codings_at_cursor == [PEERS]
        await pilot.press("right_square_bracket")
        assert view.cursor == NIGHTS.start
        await pilot.press("right_square_bracket")
        assert view.cursor == NIGHTS.start  # no further span: stays
        await pilot.press("left_square_bracket")
        assert view.cursor == PEERS.start


@sync
async def test_search_hits_next_previous_and_bad_regex():
    app = Harness()
    async with app.run_test(size=(70, 14)) as pilot:
        view = app.query_one(TranscriptView)
        text = TRANSCRIPT.text
        assert view.set_search("NIGHT") == 2  # case-insensitive by default
        assert view.set_search("NIGHT", case_sensitive=True) == 0
        assert view.set_search(r"\bl\w+g\b", regex=True) == 2  # Long, long
        await pilot.press("n")
        assert text[view.cursor:view.cursor + 4] == "Long"
        await pilot.press("n")
        assert text[view.cursor:view.cursor + 4] == "long"
        await pilot.press("n")  # wraps to the first hit
        assert text[view.cursor:view.cursor + 4] == "Long"
        await pilot.press("N")  # and back to the last
        assert text[view.cursor:view.cursor + 4] == "long"
        with pytest.raises(ValueError, match="bad regular expression"):
            view.set_search("(unclosed", regex=True)
        assert view.set_search("") == 0
        assert not view.search_next()


@sync
async def test_update_codings_repaints_only_the_rows_whose_codings_changed():
    app = Harness(codings=[PEERS])
    async with app.run_test(size=(70, 14)) as pilot:
        await pilot.pause()
        view = app.query_one(TranscriptView)
        before = rows(view)
        nights_y = next(y for y, r in enumerate(before) if "nights" in r)
        old_strip = view.render_line(nights_y)
        refreshed: list[tuple[int, int]] = []
        original = view.refresh_lines
        view.refresh_lines = lambda y, n=1: (refreshed.append((y, n)), original(y, n))  # type: ignore[method-assign]
        view.update_codings([PEERS, NIGHTS], CODES)
        assert refreshed == [(view._layout.row_of(NIGHTS.start), 1)]
        await pilot.pause()
        new_strip = view.render_line(nights_y)
        assert new_strip != old_strip
        assert "~Stigma" in new_strip.text and "~Stigma" not in old_strip.text
        styles = {seg.style.bgcolor.name for seg in new_strip if seg.text.strip() and seg.style.bgcolor}
        assert any("d62728" in name for name in styles)  # the code's colour as background
        after = rows(view)
        assert [r for y, r in enumerate(after) if y != nights_y] == [r for y, r in enumerate(before) if y != nights_y]


@sync
async def test_a_cursor_move_repaints_only_the_old_and_new_rows():
    app = Harness()
    async with app.run_test(size=(70, 14)) as pilot:
        await pilot.pause()
        view = app.query_one(TranscriptView)
        painted: list[int] = []
        painter = view._painter
        original = painter.paint
        painter.paint = lambda layout, row, state: (painted.append(row), original(layout, row, state))[1]
        await pilot.press("l")
        await pilot.pause()
        assert painted == [0]
        painted.clear()
        await pilot.press("j")
        await pilot.pause()
        assert sorted(painted) == [0, 1]
        painted.clear()
        await pilot.press("v", "w")
        await pilot.pause()
        assert set(painted) <= {0, 1, 2}


@sync
async def test_rewrapping_keeps_line_numbers_and_the_cursor_visible():
    cursor = TRANSCRIPT.text.index("Long.")
    app = Harness(cursor=cursor)
    async with app.run_test(size=(70, 8)) as pilot:
        await pilot.pause()
        view = app.query_one(TranscriptView)
        line = view.current_line
        for width in (50, 90, 40):
            await pilot.resize_terminal(width, 8)
            await pilot.pause()
            assert view.current_line == line and view.cursor == cursor
            top_row = view._layout.row_of(view.top_offset)
            assert top_row <= view._layout.row_of(cursor) < top_row + view.scrollable_content_region.height
            number = view.render_line(view._layout.row_of(cursor) - top_row).text[:4].strip()
            assert number == str(line)


@sync
async def test_show_document_restores_the_top_offset():
    app = Harness()
    async with app.run_test(size=(70, 6)) as pilot:
        await pilot.pause()
        view = app.query_one(TranscriptView)
        top = TRANSCRIPT.text.index("Interviewer: Tell")
        view.show_document(DOC, TRANSCRIPT.text, list(TRANSCRIPT.turns), [PEERS], CODES,
                           cursor=top + 3, top_offset=top)
        await pilot.pause()
        layout = view._layout
        expected = min(layout.row_of(top), layout.row_count - view.scrollable_content_region.height)
        assert expected > 0  # the document is scrolled, as far as its length allows
        assert layout.row_of(view.top_offset) == expected


@sync
async def test_no_color_still_marks_coded_text(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = Harness()
    async with app.run_test(size=(70, 14)) as pilot:
        await pilot.pause()
        view = app.query_one(TranscriptView)
        y = next(y for y, r in enumerate(rows(view)) if "patients" in r)
        strip = view.render_line(y)
        coded = [seg for seg in strip if "patients" in seg.text]
        assert coded and coded[0].style.underline
        assert "Peer s" in strip.text


@sync
async def test_page_keys_scroll_a_page_and_a_click_moves_the_cursor():
    app = Harness()
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        view = app.query_one(TranscriptView)
        await pilot.press("pagedown")
        assert view.scroll_y == 5 and view._layout.row_of(view.cursor) == 5
        await pilot.press("pageup")
        assert view.scroll_y == 0 and view.cursor == 0
        await pilot.click(TranscriptView, offset=(4 + 3, 1))
        assert view.cursor == view._layout.row_starts[1] + 3
        assert view.selection is None


class Tiny(App):
    def __init__(self, text: str, turns: list | None = None) -> None:
        super().__init__()
        self.text = text
        self.turns = turns or []

    def compose(self) -> ComposeResult:
        yield TranscriptView()

    def on_mount(self) -> None:
        view = self.query_one(TranscriptView)
        view.show_document(Document(id="e", name="E"), self.text, self.turns, [], {})
        view.focus()


@sync
async def test_empty_and_wide_documents_do_not_break_movement():
    app = Tiny("")
    async with app.run_test(size=(40, 6)) as pilot:
        view = app.query_one(TranscriptView)
        await pilot.press("j", "l", "w", "G", "t", "s", "p", "v", "right_square_bracket", "n")
        assert view.cursor == 0 and view.selection is None and view.line_count == 1
    app = Tiny("日本語のテキストはここにあります。" * 4 + "\nx")
    async with app.run_test(size=(40, 6)) as pilot:
        view = app.query_one(TranscriptView)
        await pilot.press("j", "j")
        assert view.current_line == 1 and view._layout.row_of(view.cursor) == 2
        await pilot.press("s")
        assert view.selection is not None
        assert all(view.render_line(y).cell_length == 40 - 1 for y in range(5))  # minus the scrollbar


BLANKS = read_plain(b"Ann: One. Two.\n\n  \nBob: Three. Four.", "blanks.txt")
BLANKS_TEXT = BLANKS.text + "\n\n"  # blank lines after the last turn too


async def select_at(pilot, view: TranscriptView, offset: int, key: str) -> str | None:
    view.clear_selection()
    view.move_to(offset)
    await pilot.press(key)
    if view.selection is None:
        return None
    start, end = view.selection
    return BLANKS_TEXT[start:end]


@sync
async def test_t_on_a_blank_line_a_label_or_past_the_end_of_a_turn_selects_the_nearest_turn():
    text = BLANKS_TEXT
    app = Tiny(text, list(BLANKS.turns))
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(TranscriptView)
        blank, spaces = text.index("\n\n") + 1, text.index("  \n")
        assert await select_at(pilot, view, blank, "t") == "Three. Four."  # the turn that follows
        assert await select_at(pilot, view, spaces + 1, "t") == "Three. Four."  # a line of spaces is blank too
        assert await select_at(pilot, view, text.index("Bob"), "t") == "Three. Four."  # on the label
        assert await select_at(pilot, view, text.index("\n"), "t") == "One. Two."  # the newline ending Ann's turn
        assert await select_at(pilot, view, len(text), "t") == "Three. Four."  # after the last turn
        assert view.cursor == text.index("Four.") + len("Four.") - 1


@sync
async def test_s_and_p_on_a_blank_line_use_the_next_line_with_text_or_else_the_previous_one():
    text = BLANKS_TEXT
    app = Tiny(text, list(BLANKS.turns))
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(TranscriptView)
        blank = text.index("\n\n") + 1
        assert await select_at(pilot, view, blank, "s") == "Three."  # the first sentence that follows
        assert await select_at(pilot, view, blank, "p") == "Three. Four."  # without the speaker label
        assert await select_at(pilot, view, len(text), "s") == "Four."  # at the end: the last sentence
        assert await select_at(pilot, view, len(text), "p") == "Three. Four."
        assert await select_at(pilot, view, text.index("Bob"), "s") == "Three."  # on a label: its first sentence
        assert await select_at(pilot, view, text.index("Two"), "s") == "Two."  # on text: as before
        assert await select_at(pilot, view, text.index("\n"), "p") == "One. Two."  # at a line's end, no label
    app = Tiny("\n \n\n")
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(TranscriptView)
        await pilot.press("j", "t", "s", "p", "G", "t", "s", "p")
        assert view.selection is None  # nothing but blank lines: nothing to select
