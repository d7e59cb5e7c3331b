"""Coding-screen keys of the second pass, driven by real keys (Pilot): go to line, recode, boundaries,
overlapping codings, pinned codes, per-coder positions, gutter names, the picker's '/' refusal, colours."""

from __future__ import annotations

from tui_helpers import SU01, build_project, make_app, rows, sync, type_text

from qualtui.project import Project
from tui.dialogs.adjust import AdjustDialog
from tui.dialogs.code_picker import CodePicker
from tui.dialogs.simple import ChooseDialog, LinePrompt
from tui.widgets.status_bar import RecentCodes, StatusBar


def status(app) -> str:
    return str(app.screen.query_one(StatusBar).render())


def footer(app) -> str:
    return str(app.screen.query_one(RecentCodes).render())


def span(phrase: str) -> tuple[int, int]:
    start = SU01.index(phrase)
    return start, start + len(phrase)


@sync
async def test_colon_and_a_number_goes_to_that_line_and_refuses_lines_past_the_end(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("colon")
        await pilot.pause()
        assert isinstance(app.screen, LinePrompt)
        await pilot.press("5", "enter")
        await pilot.pause()
        assert app.screen.view.current_line == 5 and "l.5/5" in status(app)
        assert app.screen.view.cursor == SU01.index("Sam: It was")
        await pilot.press("colon", "9", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LinePrompt)  # stays open and says why
        assert "no line 9" in str(app.screen.query_one("#line-hint").render())
        await pilot.press("backspace", "2", "enter")
        await pilot.pause()
        assert app.screen.view.current_line == 2
        # the command palette: a number offers "Go to line N" first
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "4")
        await pilot.pause(0.5)
        await pilot.press("down", "enter")
        await pilot.pause(0.3)
        assert app.screen.view.current_line == 4


@sync
async def test_r_recodes_in_place_keeping_span_memo_and_coder_in_one_undo_step(tmp_path):
    project = build_project(tmp_path)
    doc = project.docs.get("SU01")
    hope = project.codes.create("Hope")
    project.codes.create("Peer help")
    coding = project.codings.add(doc.id, hope.id, *span("The other patients helped me though."), memo="key moment")
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.view.move_to(coding.start + 3)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        await type_text(pilot, "Peer help")
        await pilot.press("enter")
        await pilot.pause()
        [after] = project.codings.for_document(doc.id)
        assert after.id == coding.id and (after.start, after.end, after.memo, after.coder) == \
            (coding.start, coding.end, "key moment", "tester")
        assert project.codes.by_id(after.code).name == "Peer help"
        assert "codes: Peer help" in status(app)
        await pilot.press("u")
        await pilot.pause()
        assert project.codings.for_document(doc.id) == [coding]
        # recoding to a new name creates the code, and one undo takes both back
        await pilot.press("r")
        await type_text(pilot, "Solidarity")
        await pilot.press("enter")
        await pilot.pause()
        assert project.codes.by_id(project.codings.get(doc.id, coding.id).code).name == "Solidarity"
        await pilot.press("u")
        await pilot.pause()
        assert project.codes.find("Solidarity") is None and project.codings.for_document(doc.id) == [coding]


@sync
async def test_f_cycles_overlapping_codings_and_x_r_e_act_on_the_picked_one(tmp_path):
    project = build_project(tmp_path)
    doc = project.docs.get("SU01")
    ward = project.codes.create("Ward life")
    peer = project.codes.create("Peer help")
    wide = project.codings.add(doc.id, ward.id, *span("It was, it was hard at first. The other patients helped me"))
    narrow = project.codings.add(doc.id, peer.id, *span("The other patients helped me though."))
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.view.move_to(SU01.index("other patients"))
        await pilot.pause()
        assert "codes: >Peer help, Ward life" in status(app)  # the shorter one first
        await pilot.press("f")
        await pilot.pause()
        assert "codes: Peer help, >Ward life" in status(app)
        # e on the picked one: the end one word later, then the start one sentence later
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, AdjustDialog)
        await pilot.press("l", "tab", "right_parenthesis", "enter")
        await pilot.pause()
        moved = project.codings.get(doc.id, wide.id)
        assert SU01[moved.start:moved.end] == "The other patients helped me though."
        assert project.codings.get(doc.id, narrow.id) == narrow
        await pilot.press("u")  # one undo step for the whole adjustment
        await pilot.pause()
        assert project.codings.get(doc.id, wide.id) == wide
        # the adjusted coding stays picked; x removes the picked one without asking
        assert ">Ward life" in status(app)
        await pilot.press("x")
        await pilot.pause()
        assert not isinstance(app.screen, ChooseDialog)
        assert project.codings.for_document(doc.id) == [narrow]


@sync
async def test_adjusting_boundaries_by_word_and_sentence_and_escape_changes_nothing(tmp_path):
    project = build_project(tmp_path)
    doc = project.docs.get("SU01")
    code = project.codes.create("Ward life")
    coding = project.codings.add(doc.id, code.id, *span("it was hard at first"))
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.view.move_to(coding.start)
        await pilot.press("e", "h", "h", "escape")
        await pilot.pause()
        assert project.codings.get(doc.id, coding.id) == coding
        await pilot.press("e", "tab", "h", "h")  # the start two words earlier
        await pilot.pause()
        assert "(changed)" in str(app.screen.query_one("#adjust-title").render())
        await pilot.press("tab", "l", "l", "enter")  # the end two words later ("first." then "The")
        await pilot.pause()
        after = project.codings.get(doc.id, coding.id)
        assert SU01[after.start:after.end] == "It was, it was hard at first. The"


@sync
async def test_pinned_codes_come_first_on_the_number_keys_and_stay_there(tmp_path):
    project = build_project(tmp_path)
    for name in ("Alpha", "Beta", "Gamma"):
        project.codes.create(name)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        await type_text(pilot, "Gamma")
        await pilot.press("enter")
        await pilot.pause()
        assert "1^ Gamma" in footer(app)
        await pilot.press("j", "t", "c")
        await type_text(pilot, "Alpha")
        await pilot.press("enter")
        await pilot.pause()
        assert "1^ Gamma" in footer(app) and "2 Alpha" in footer(app)  # recent codes come after pins
        await pilot.press("j", "j", "j", "t", "1")  # 1 still means Gamma after using Alpha
        await pilot.pause()
        names = sorted(project.codes.by_id(c.code).name for c in project.codings.for_document(
            project.docs.get("SU01").id))
        assert names == ["Alpha", "Gamma"]
        await pilot.press("q")
    # kept per project and coder: the same coder sees the pin again, another coder does not
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "1^ Gamma" in footer(app)
    app = make_app(project, tmp_path, coder="bob")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Gamma" not in footer(app) and "Alpha" not in footer(app)


@sync
async def test_where_you_left_off_is_per_coder(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path, coder="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await type_text(pilot, "SU02")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("j", "j")
        await pilot.pause()
        where = app.screen.view.current_line
        assert "SU02" in status(app) and where > 1
        await pilot.press("q")
    app = make_app(project, tmp_path, coder="demo-bob", blind=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "SU01" in status(app) and "l.1/5" in status(app)  # not where alice was
    app = make_app(project, tmp_path, coder="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "SU02" in status(app) and f"l.{where}/4" in status(app)


@sync
async def test_gutter_names_codes_by_words_and_status_bar_gives_full_names(tmp_path):
    project = build_project(tmp_path)
    doc = project.docs.get("SU01")
    other = Project.open(project.root, coder="bob")
    friendship = project.codes.create("Friendship and loneliness")
    meds = project.codes.create("Medication and side-effects")
    project.codings.add(doc.id, friendship.id, *span("That's alright."))
    other.codings.add(doc.id, meds.id, *span("That's alright. Um"))
    project.codings.add(doc.id, meds.id, *span("It was, it was hard at first."))
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = rows(app.screen.view)
        assert "Medicati side-eff" in shown[4]  # one label: most of the 18 columns, cut by words
        assert "Frie lon" in shown[1] and "~Med sid" in shown[1]  # two share the room, "~" = another coder
        app.screen.view.move_to(SU01.index("alright"))
        await pilot.pause()
        assert "codes: >Friendship and loneliness, Medication and side-effects (bob)" in status(app)


@sync
async def test_picker_says_why_a_name_with_a_slash_cannot_be_created(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("j", "t", "c")
        await type_text(pilot, "Care/Kindness")
        await pilot.pause()
        listing = app.screen.query_one("OptionList")
        prompts = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert any("cannot contain '/'" in p for p in prompts)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        assert any("cannot contain '/'" in n.message for n in app._notifications)
        await pilot.press("enter")
        await pilot.pause()
        assert project.codes.all() == []


def test_new_codes_take_unused_colours_from_a_palette_of_24(tmp_path):
    from rich.color import Color, ColorSystem

    from qualtui.services.codebook import PALETTE

    assert len(PALETTE) >= 24
    eight_bit = {Color.parse(c).downgrade(ColorSystem.EIGHT_BIT).number for c in PALETTE}
    assert len(eight_bit) == len(PALETTE)
    for half in (PALETTE[:12], PALETTE[12:24]):
        assert len({Color.parse(c).downgrade(ColorSystem.STANDARD).number for c in half}) == 12
    project = build_project(tmp_path)
    project.codes.create("Taken", color=PALETTE[0])
    colors = [project.codes.create(f"Code {i}").color for i in range(len(PALETTE) - 1)]
    assert sorted(colors + [PALETTE[0]]) == sorted(PALETTE)  # no repeat while one is unused
    project.codes.delete_records([project.codes.find("Code 5").id])
    assert project.codes.create("Again").color == colors[5]  # the freed colour comes back first


@sync
async def test_typing_colon_number_enter_ahead_of_the_prompt_still_goes_to_the_line(tmp_path):
    # Over SSH ":4<Enter>" arrives in one packet: the digits reach the app before the prompt's input has
    # focus. They must go into the prompt (the real terminal showed "There is no line (empty)").
    from textual import events

    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key, char in (("colon", ":"), ("4", "4"), ("enter", "\r")):
            app._driver.send_message(events.Key(key, char))  # all at once, no waiting between keys
        for _ in range(50):  # however loaded the machine, until the keys are handled
            await pilot.pause(0.1)
            if not isinstance(app.screen, LinePrompt):
                break
        prompt = app.screen
        assert not isinstance(prompt, LinePrompt), (prompt.query_one("#line-input").value,
                                                    str(prompt.query_one("#line-hint").render()))
        assert app.screen.view.current_line == 4


@sync
async def test_a_coding_key_that_cannot_act_yet_says_why_and_the_palette_leaves_it_out(tmp_path):
    """c with nothing selected, x/r/e with no coding under the cursor, f on one coding: each key answers with
    a hint (a researcher pressing c first must learn how to select), but the palette offers none of them."""
    from tui.commands import palette_entries

    project = build_project(tmp_path)
    code = project.codes.create("Hope")
    project.codings.add(project.docs.get("SU01").id, code.id, *span("It was, it was hard at first."))
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.view.selection is None and not app.screen.view.codings_at_cursor
        titles = [title for title, _, _ in palette_entries(app.screen)]
        assert not [t for t in titles if t.startswith(("Code the selection", "Remove the coding", "Recode",
                                                        "Adjust the coding"))]

        def hints() -> list[str]:
            return [n.message for n in app._notifications if n.severity == "warning"]

        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, CodePicker)
        assert any(h.startswith("Select text first") for h in hints())
        for key in ("x", "r", "e"):
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert any(h.startswith("No coding under the cursor") for h in hints()), key
        app.screen.view.move_to(SU01.index("hard at first"))
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("f")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["Only one coding here."]
        assert not [t for t in (title for title, _, _ in palette_entries(app.screen)) if t.startswith("Pick")]
