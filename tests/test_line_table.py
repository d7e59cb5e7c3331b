"""LineTable: the header, the cursor (mark and reverse video), cells cut to their width in terminal cells,
text never read as markup, and the keys that move the cursor."""

from __future__ import annotations

from hypothesis import given, strategies as st
from textual.app import App, ComposeResult

from tui.transcript_layout import text_cells
from tui.widgets.line_table import ELLIPSIS, MARKER, LineTable, Styled, fit
from tui_helpers import sync

COLUMNS = [("document", 8), ("speaker", 6), ("text", 12)]
ROWS = [
    ["SU01", "Sam", "it was [inaudible] hard [/x]"],
    ["漢字漢字漢字", "Zoë", "short"],
    ["SU02", "Alex\x1b[31m", "tab\there\nand a line"],
    ["SU03", "😀😀😀😀", "[b]bold[/b]"],
]


class TableApp(App):
    def __init__(self, rows) -> None:
        super().__init__()
        self.rows = rows
        self.events: list[tuple[str, int]] = []

    def compose(self) -> ComposeResult:
        yield LineTable(id="t", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(LineTable)
        table.show(COLUMNS, self.rows)
        table.focus()

    def on_line_table_row_highlighted(self, event: LineTable.RowHighlighted) -> None:
        self.events.append(("highlighted", event.row))

    def on_line_table_row_selected(self, event: LineTable.RowSelected) -> None:
        self.events.append(("selected", event.row))


def test_fit_cuts_with_an_ellipsis_and_pads_to_the_width_in_cells():
    assert fit("SU01", 6) == "SU01  "
    assert fit("a long document name", 6) == "a lon" + ELLIPSIS
    assert fit("漢字漢字", 5) == "漢字" + ELLIPSIS          # 2 + 2 + 1 cells
    assert fit("漢字漢字", 6) == "漢字" + ELLIPSIS + " "    # a wide character never half-shown
    assert fit("漢字", 4) == "漢字"
    assert fit("[inaudible]", 11) == "[inaudible]"
    assert fit("a\tb\n\nc  d\x07", 9) == "a b c d  "       # controls out, whitespace runs as one space
    assert fit("\u202eevil", 4) == "evil"                  # bidi overrides out
    assert fit("anything", 0) == ""


@given(st.text(), st.integers(min_value=1, max_value=40))
def test_fit_always_fills_exactly_the_width(text, width):
    assert text_cells(fit(text, width)) == width


@sync
async def test_header_cursor_mark_cut_cells_wide_characters_and_brackets():
    app = TableApp(ROWS)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(LineTable)
        lines = [table.render_line(y) for y in range(6)]
        texts = [line.text for line in lines]
        assert texts[0].startswith("  document speak" + ELLIPSIS + " text         ")   # a header is cut too
        assert texts[1].startswith(MARKER + "SU01     Sam    it was [ina" + ELLIPSIS)
        assert texts[2].startswith("  漢字漢" + ELLIPSIS + "  Zoë    short")   # 7 cells of 8, then a space
        assert texts[3].startswith("  SU02     Alex   tab here an" + ELLIPSIS)   # no escape, no tab, no newline
        assert texts[4].startswith("  SU03     😀😀" + ELLIPSIS + "  [b]bold[/b] ")
        assert texts[5].strip() == ""                                           # past the last row
        assert all(line.cell_length == table.scrollable_content_region.width for line in lines)
        assert any(s.style and s.style.reverse for s in lines[1])               # the cursor: reverse video too
        assert not any(s.style and s.style.reverse for s in lines[2])
        assert table.row_count == 4 and table.get_row_at(0) == ROWS[0]


@sync
async def test_keys_move_the_cursor_page_and_select():
    rows = [[f"D{n:04}", "Sam", f"row {n}"] for n in range(1000)]
    app = TableApp(rows)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(LineTable)
        page = table.scrollable_content_region.height - 1          # the header takes one line
        assert table.page == page
        await pilot.press("down", "j", "j", "k")
        assert table.cursor_row == 2
        await pilot.press("pagedown")
        assert table.cursor_row == 2 + page
        await pilot.pause()
        shown = [table.render_line(y).text for y in range(1, page + 1)]
        marked = [line for line in shown if line.startswith(MARKER)]
        assert marked == [line for line in shown if f"D{2 + page:04}" in line]  # scrolled to it, marked once
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 999
        assert table.render_line(page).text.startswith(MARKER + "D0999")    # the last row at the bottom
        await pilot.press("pageup")
        assert table.cursor_row == 999 - page
        await pilot.press("home", "up")
        assert table.cursor_row == 0
        await pilot.pause()
        assert table.render_line(1).text.startswith(MARKER + "D0000")
        await pilot.press("j", "enter")
        await pilot.pause()
        assert app.events[-1] == ("selected", 1)
        assert ("highlighted", 999) in app.events


@sync
async def test_showing_other_rows_keeps_the_cursor_within_them_and_an_empty_table_draws_its_header():
    app = TableApp(ROWS)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(LineTable)
        await pilot.press("end")
        table.show(COLUMNS, ROWS[:2], cursor=table.cursor_row)
        await pilot.pause()
        assert table.cursor_row == 1 and table.render_line(2).text.startswith(MARKER + "漢字")
        table.show(COLUMNS, [])
        await pilot.press("down", "enter")
        await pilot.pause()
        assert table.row_count == 0 and "document" in table.render_line(0).text
        assert ("selected", 0) not in app.events


def test_styled_pieces_keep_their_spaces_and_are_cut_in_the_style_of_the_piece_cut():
    cell = Styled([("said \n ", "dim"), ("[peer]", "bold reverse"), (" worker\tthen", "dim")])
    assert str(cell) == "said \n [peer] worker\tthen"
    assert cell.fit(30) == [("said ", "dim"), ("[peer]", "bold reverse"), (" worker then", "dim"), ("       ", None)]
    assert cell.fit(9) == [("said ", "dim"), ("[pe" + ELLIPSIS, "bold reverse"), ("", None)]
    assert cell.fit(5) == [("said" + ELLIPSIS, "dim"), ("", None)]


@sync
async def test_a_styled_cell_draws_its_pieces_in_their_styles_and_its_hit_stands_out_on_the_cursor_row():
    cell = Styled([("before ", "dim"), ("hit", "bold reverse"), (" after", "dim")])
    app = TableApp([["SU01", "Jo", cell], ["SU02", "Jo", cell]])
    async with app.run_test(size=(60, 6)) as pilot:
        await pilot.pause()
        table = app.query_one(LineTable)
        cursor, other = table.render_line(1), table.render_line(2)
        assert cursor.text.startswith(MARKER + "SU01     Jo     before hit " + ELLIPSIS)   # 12 cells
        assert other.text.startswith("  SU02     Jo     before hit " + ELLIPSIS)

        def style(line, text):
            return next(s.style for s in line if s.text == text)

        assert style(other, "hit").bold and style(other, "hit").reverse
        assert style(other, "before ").dim and not style(other, "before ").reverse
        assert style(cursor, "before ").reverse and not style(cursor, "hit").reverse   # the other way round


@sync
async def test_a_click_highlights_a_row_and_a_click_on_the_highlighted_row_chooses_it():
    app = TableApp(ROWS)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(LineTable)
        await pilot.click(LineTable, offset=(4, 3))          # the header is line 0: row 2
        await pilot.pause()
        assert table.cursor_row == 2 and ("selected", 2) not in app.events
        await pilot.click(LineTable, offset=(20, 3))
        await pilot.pause()
        assert app.events[-1] == ("selected", 2)
        await pilot.click(LineTable, offset=(4, 0))          # the header: nothing
        await pilot.click(LineTable, offset=(4, 8))          # below the last row: nothing
        await pilot.pause()
        assert table.cursor_row == 2 and app.events[-1] == ("selected", 2)
