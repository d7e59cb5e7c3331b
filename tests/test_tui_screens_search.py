"""Search screen: project-wide search, jump, code every hit as one undoable step, auto-code a speaker."""

from __future__ import annotations

from screens_harness import ST01, Harness, build, span, sync, type_text

from qualtui.editing.history import History
from tui.messages import JumpTo
from tui.dialogs.code_picker import CodePicker
from tui.dialogs.simple import ChooseDialog
from tui.screens.search_screen import SearchScreen


def codings_of(project, name):
    code = project.codes.find(name)
    return project.codings.for_code(code.id) if code else []


@sync
async def test_search_code_every_sentence_then_undo_removes_exactly_those(tmp_path):
    project = build(tmp_path)
    before = {c.id for c in project.codings.iter_all()}
    history = History()
    app = Harness(lambda: SearchScreen(project, history))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_text(pilot, "helped")
        await pilot.press("enter")
        await pilot.pause()
        assert [h.document for h in screen.result.hits] == ["ST01", "SU01"]
        assert "2 hits in 2 of 2 documents" in str(screen.query_one("#ss-status").render())
        assert "Jo: Patients helped each other" in str(screen.table.get_row_at(0)[4])   # spaces kept around the hit
        await pilot.press("c")
        assert isinstance(app.screen, ChooseDialog)
        await pilot.press("j", "enter")               # sentence
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        await type_text(pilot, "Mutual aid")
        await pilot.press("enter")
        await pilot.pause()
        coded = codings_of(project, "Mutual aid")
        texts = sorted(project.docs.text(c.document)[c.start:c.end] for c in coded)
        assert texts == ["Patients helped each other when staff were busy.", "The other patients helped me though."]
        assert history.can_undo
        history.undo()
        assert {c.id for c in project.codings.iter_all()} == before
        assert project.codes.find("Mutual aid") is None   # creating the code was part of the same step


@sync
async def test_options_speaker_attribute_and_jump(tmp_path):
    project = build(tmp_path)
    app = Harness(lambda: SearchScreen(project, History()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_text(pilot, "staff")
        await pilot.press("enter")
        await pilot.pause()
        assert len(screen.result.hits) == 4            # case-insensitive by default
        await pilot.press("slash", "tab", "tab")       # the case box
        await pilot.press("space", "shift+tab", "shift+tab", "enter")
        await pilot.pause()
        assert [h.text for h in screen.result.hits] == ["staff"] * 3
        await pilot.press("slash", "ctrl+t")           # regex on, from the keyboard
        assert screen.query_one("#ss-regex").value is True
        screen.query_one("#ss-pattern").value = "st[a]ff"
        screen.query_one("#ss-case").value = False
        screen.query_one("#ss-speakers").value = "Jo"
        screen.query_one("#ss-attributes").value = "group=staff"
        screen.run_search()
        await pilot.pause()
        assert [(h.document, h.speaker) for h in screen.result.hits] == [("ST01", "Jo"), ("ST01", "Jo")]
        await pilot.press("k", "enter")
        await pilot.pause()
        st = project.docs.get("ST01")
        assert app.results == [JumpTo(st.id, *span(ST01, "Staff"))]


@sync
async def test_bad_regex_is_one_error_and_autocode_a_speaker(tmp_path):
    project = build(tmp_path)
    history = History()
    app = Harness(lambda: SearchScreen(project, history))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#ss-regex").value = True
        await type_text(pilot, "(unclosed")
        await pilot.press("enter")
        await pilot.pause()
        assert any(n.severity == "error" and "bad regular expression" in n.message for n in app._notifications)
        screen.query_one("#ss-results").focus()
        await pilot.press("s")
        assert isinstance(app.screen, ChooseDialog)
        names = app.screen.choices
        await pilot.press(*["j"] * next(i for i, n in enumerate(names) if n.startswith("Interviewer")), "enter")
        await pilot.pause()
        await type_text(pilot, "interviewer")
        await pilot.press("enter")
        await pilot.pause()
        coded = codings_of(project, "interviewer")
        assert len(coded) == 4 and {project.docs.text(c.document)[c.start:c.end] for c in coded} >= {
            "Tell me about the ward.", "Anything else?"}
        history.undo()
        assert codings_of(project, "interviewer") == []
