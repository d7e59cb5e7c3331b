"""The other screens, second pass, through their keys: codebook refresh and theme retrieval, several attribute
values in retrieval, a coder filter in analysis, agreement remembered and its text column, hits left out of
"code every hit", one row per speaker in the auto-code dialog."""

from __future__ import annotations

import asyncio

from screens_harness import ST01, SU01, Harness, build, new_history, span, sync, type_text

from qualtui.importers.plain import read_plain
from qualtui.project import Project
from tui.screens.agreement_screen import AgreementScreen
from tui.screens.analysis_screen import AnalysisScreen
from tui.dialogs.code_picker import CodePicker
from tui.dialogs.codebook import CodeEntryForm, SplitDialog
from tui.screens.codebook_screen import CodebookScreen
from tui.dialogs.simple import ChooseDialog
from tui.screens.retrieval_screen import RetrievalScreen
from tui.screens.search_screen import SearchScreen


def tree_names(screen) -> list[str]:
    return [screen.codes[n.data].name for n in screen.code_nodes() if n.data in screen.codes]


async def goto(pilot, screen, name: str) -> None:
    for key in ["k"] * 10 + ["j"] * 10:
        if screen.current is not None and screen.current.name == name:
            return
        await pilot.press(key)
    raise AssertionError(f"{name} not found")


@sync
async def test_codebook_shows_another_process_changes_and_enter_on_a_theme_includes_sub_codes(tmp_path):
    project = build(tmp_path)
    app = Harness(lambda: CodebookScreen(project, new_history()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        Project.open(project.root, coder="bob").codes.create("Hope")  # another process
        await asyncio.sleep(2.5)
        await pilot.pause()
        assert "Hope" in tree_names(screen)
        await goto(pilot, screen, "Support")  # a grouping with the sub-code Peer help
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen) and app.screen.with_children
        assert len(app.screen.segments) == 2


@sync
async def test_definition_editor_starts_at_the_end_and_split_rows_are_not_ticked(tmp_path):
    project = build(tmp_path)
    app = Harness(lambda: CodebookScreen(project, new_history()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await goto(pilot, screen, "Support")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, CodeEntryForm)
        await type_text(pilot, " More")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert project.codes.find("Support").description == "How people are helped. More"
        await pilot.pause()
        await goto(pilot, screen, "Staff")
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, SplitDialog)
        listing = app.screen.query_one("SelectionList")
        box = listing.get_component_rich_style("selection-list--button")
        assert box.color == box.bgcolor  # the list's own box draws nothing: only "[ ]" / "[x]" speak
        strip = listing.render_line(0)
        assert "[ ]" in strip.text
        [cross] = [seg for seg in strip if seg.text == "X"]
        assert cross.style.color == cross.style.bgcolor  # drawn invisibly, ticked or not


@sync
async def test_retrieval_filters_by_several_values_of_an_attribute(tmp_path):
    project = build(tmp_path)
    project.docs.add(read_plain(b"Interviewer: Hi.\nKim: The peer worker helped.\n", "MG01.txt"), "MG01",
                     attributes={"group": "manager"})
    peer = project.codes.find("Peer help")
    mg = project.docs.get("MG01")
    project.codings.add(mg.id, peer.id, 21, 45)
    app = Harness(lambda: RetrievalScreen(project, new_history(), code_id=peer.id))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert sorted(s.document for s in screen.segments) == ["MG01", "ST01", "SU01"]
        for value in ("group=staff", "group=manager"):
            await pilot.press("a")
            index = next(i for i, c in enumerate(app.screen.choices) if value in c)
            await pilot.press(*["j"] * index, "enter")
            await pilot.pause()
        assert sorted(s.document for s in screen.segments) == ["MG01", "ST01"]
        assert "group=staff or manager" in str(screen.query_one("#rv-title").render())
        await pilot.press("a")
        assert any(c.startswith("[x] group=manager") for c in app.screen.choices)
        index = next(i for i, c in enumerate(app.screen.choices) if "group=manager" in c)
        await pilot.press(*["j"] * index, "enter")  # chosen again: removed
        await pilot.pause()
        assert [s.document for s in screen.segments] == ["ST01"]


@sync
async def test_analysis_counts_every_coder_or_one_and_says_which(tmp_path):
    project = build(tmp_path)
    app = Harness(lambda: AnalysisScreen(project, new_history()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        title = str(screen.query_one("#an-title").render())
        assert "codings by every coder" in title and "own codings only" not in title
        def coders() -> set[str]:
            return {c.coder for view in screen.corpus.documents for c in view.codings}

        assert coders() == {"bob", "tester"}
        await pilot.press("f")
        index = next(i for i, c in enumerate(app.screen.choices) if c.startswith("bob"))
        await pilot.press(*["j"] * index, "enter")
        await pilot.pause()
        assert "codings by bob" in str(screen.query_one("#an-title").render())
        assert coders() == {"bob"}


@sync
async def test_retrieval_keeps_one_coders_segments_and_every_coders_again(tmp_path):
    project = build(tmp_path)
    peer = project.codes.find("Peer help")                 # coded by tester and by bob
    app = Harness(lambda: RetrievalScreen(project, new_history(), code_id=peer.id))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        everyone = {s.coder for s in screen.segments}
        assert everyone == {"tester", "bob"}
        await pilot.press("f")
        assert app.screen.choices[0] == "(every coder)"
        index = next(i for i, c in enumerate(app.screen.choices) if c.startswith("bob"))
        await pilot.press(*["j"] * index, "enter")
        await pilot.pause()
        assert {s.coder for s in screen.segments} == {"bob"}
        await pilot.press("f", "enter")                       # the first row: every coder again
        await pilot.pause()
        assert {s.coder for s in screen.segments} == everyone


@sync
async def test_agreement_remembers_its_choices_and_gives_the_text_room(tmp_path):
    project = build(tmp_path)
    history = new_history()
    app = Harness(lambda: AgreementScreen(project, history))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.coders == ["bob", "tester"]
        await pilot.press("t")
        await pilot.pause()
        assert screen.unit == "turn"
        table = screen.disagreement_table
        text_column = list(table.columns.values())[-1]
        assert str(text_column.label) == "text" and text_column.width >= 40
        await pilot.press("escape")
        await pilot.pause()
        again = AgreementScreen(project, history)
        app.push_screen(again)
        await pilot.pause()
        assert again.unit == "turn" and again.coders == ["bob", "tester"]


@sync
async def test_search_hits_left_out_are_not_coded(tmp_path):
    project = build(tmp_path)
    history = new_history()
    app = Harness(lambda: SearchScreen(project, history))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_text(pilot, "staff")
        await pilot.press("enter")
        await pilot.pause()
        hits = list(screen.result.hits)
        assert len(hits) >= 3
        await pilot.press("x")  # leave the first hit out
        await pilot.pause()
        assert str(screen.table.get_row_at(0)[0]) == "no"
        await pilot.press("c")
        await pilot.press("enter")  # code the match itself
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        await type_text(pilot, "Staff talk")
        await pilot.press("enter")
        await pilot.pause()
        code = project.codes.find("Staff talk")
        coded = {(c.document, c.start, c.end) for c in project.codings.for_code(code.id)}
        assert coded == {(h.document_id, h.start, h.end) for h in hits[1:]}


@sync
async def test_speaker_dialog_lists_one_row_per_speaker_with_every_spelling(tmp_path):
    project = build(tmp_path)
    project.docs.add(read_plain(b"INTERVIEWER: Hello.\nKim: Hi there.\nINTERVIEWER: Bye.\nKim: Bye.\n",
                                "MG01.txt"), "MG01")
    history = new_history()
    app = Harness(lambda: SearchScreen(project, history))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#ss-results").focus()  # out of the pattern field
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ChooseDialog)
        rows = [c for c in app.screen.choices if "nterviewer" in c.casefold() or "INTERVIEWER" in c]
        assert len(rows) == 1 and "INTERVIEWER / Interviewer" in rows[0] and "(6 turns)" in rows[0]
    assert SU01 and ST01 and span  # the harness's texts are what the counts above rely on
