"""Codebook screen and retrieval view driven by keys over a small project with known codings."""

from __future__ import annotations

from screens_harness import ST01, SU01, Harness, build, new_history, span, sync, type_text

from textual.widgets import SelectionList

from qualtui.editing.history import History
from qualtui.services.codebook import PALETTE
from tui.messages import JumpTo
from tui.dialogs.codebook import CodeEntryForm, SplitDialog
from tui.screens.codebook_screen import CodebookScreen
from tui.dialogs.simple import ChooseDialog, ConfirmDialog
from tui.dialogs.memo_editor import MemoEditDialog
from tui.dialogs.pickers import CodeChooser, TextPrompt
from tui.screens.retrieval_screen import RetrievalScreen


def tree_labels(screen) -> list[str]:
    return [str(node.label) for node in screen.code_nodes()]


async def goto(pilot, screen, name: str) -> None:
    """Move the tree cursor to the code called *name*."""
    for _ in range(20):
        if screen.current is not None and screen.current.name == name:
            return
        await pilot.press("j")
    raise AssertionError(f"{name} not found in {tree_labels(screen)}")


@sync
async def test_create_rename_move_and_undo_through_the_history(tmp_path):
    project = build(tmp_path)
    history = History()
    app = Harness(lambda: CodebookScreen(project, history))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodebookScreen)
        labels = tree_labels(screen)
        assert any("Peer help" in label and "2 seg / 2 doc" in label for label in labels)
        assert any("Support (group)  0 seg / 0 doc (2 with sub-codes)" in label for label in labels)

        await pilot.press("n")
        assert isinstance(app.screen, TextPrompt)
        await type_text(pilot, "Belonging")
        await pilot.press("enter")
        await pilot.pause()
        belonging = project.codes.find("Belonging")
        assert belonging is not None and belonging.parent is None
        assert screen.current.id == belonging.id

        await pilot.press("r")
        await pilot.press(*["backspace"] * 9)
        await type_text(pilot, "Fitting in")
        await pilot.press("enter")
        await pilot.pause()
        assert project.codes.by_id(belonging.id).name == "Fitting in"

        await pilot.press("m")
        assert isinstance(app.screen, CodeChooser)
        await type_text(pilot, "Support")
        await pilot.press("enter")
        await pilot.pause()
        support = project.codes.find("Support")
        assert project.codes.by_id(belonging.id).parent == support.id
        assert "Support/Fitting in" in screen.query_one("#cb-markdown").source

        await pilot.press("u")       # undo the move
        assert project.codes.by_id(belonging.id).parent is None
        await pilot.press("u", "u")  # undo the rename and the creation
        assert project.codes.find("Belonging") is None and project.codes.find("Fitting in") is None
        await pilot.press("ctrl+r")
        assert project.codes.find("Belonging") is not None
        assert not any("Fitting in" in label for label in tree_labels(screen))


@sync
async def test_merge_asks_then_moves_codings_and_undo_restores(tmp_path):
    project = build(tmp_path)
    history = History()
    staff, peer = project.codes.find("Staff"), project.codes.find("Peer help")
    app = Harness(lambda: CodebookScreen(project, history))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await goto(pilot, screen, "Staff")
        await pilot.press("M")
        await type_text(pilot, "Peer")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "3 codings" in app.screen.question
        await pilot.press("y")
        await pilot.pause()
        assert project.codes.find("Staff") is None
        assert len(project.codings.for_code(peer.id)) == 5
        assert any("Peer help" in label and "5 seg" in label for label in tree_labels(screen))
        assert history.can_undo
        history.undo()
        assert project.codes.by_id(staff.id).name == "Staff"
        assert len(project.codings.for_code(staff.id)) == 3 and len(project.codings.for_code(peer.id)) == 2


@sync
async def test_delete_shows_what_goes_and_undo_brings_it_back(tmp_path):
    project = build(tmp_path)
    history = History()
    staff = project.codes.find("Staff")
    project.memos.add("code", "Staff memo", target=staff.id)
    app = Harness(lambda: CodebookScreen(project, history))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await goto(pilot, screen, "Staff")
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        question = app.screen.question
        assert "3 codings in 2 documents" in question and "1 code memo" in question
        await pilot.press("n")   # no: nothing happens
        assert project.codes.find("Staff") is not None
        await pilot.press("D", "y")
        await pilot.pause()
        assert project.codes.find("Staff") is None and not project.memos.all(kind="code")
        await pilot.press("u")
        assert len(project.codings.for_code(staff.id)) == 3
        assert project.memos.all(kind="code")[0].text == "Staff memo"


@sync
async def test_split_toggle_group_recolour_and_entry_form(tmp_path):
    project = build(tmp_path)
    history = History()
    staff = project.codes.find("Staff")
    app = Harness(lambda: CodebookScreen(project, history))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await goto(pilot, screen, "Staff")
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, SplitDialog)
        await pilot.press("space")          # mark the first coding
        first = app.screen.segments[0]
        marks = [str(app.screen.query_one(SelectionList).get_option_at_index(i).prompt)[:3] for i in range(3)]
        assert marks == ["[x]", "[ ]", "[ ]"]   # marked by a symbol, not only by colour
        await pilot.press("tab")
        await type_text(pilot, "Kind staff")
        await pilot.press("enter")
        await pilot.pause()
        kind = project.codes.find("Kind staff")
        assert [c.id for c in project.codings.for_code(kind.id)] == [first.coding_id]
        assert len(project.codings.for_code(staff.id)) == 2

        await goto(pilot, screen, "Staff")
        await pilot.press("g")
        assert project.codes.by_id(staff.id).codable is False
        await pilot.press("c")
        assert isinstance(app.screen, ChooseDialog)
        await pilot.press("j", "enter")
        await pilot.pause()
        assert project.codes.by_id(staff.id).color == PALETTE[1]

        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, CodeEntryForm)
        await type_text(pilot, "Talk about staff.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert project.codes.by_id(staff.id).description == "Talk about staff."
        assert "Talk about staff." in screen.query_one("#cb-markdown").source
        history.undo()
        assert project.codes.by_id(staff.id).description == ""

        await pilot.press("w")                       # the code memo, saved as the app would before quitting
        await pilot.pause()
        assert isinstance(app.screen, MemoEditDialog)
        await type_text(pilot, "Ask Jo.")
        assert app.screen.save_open_memo() is True
        assert project.memos.about("code", staff.id).text == "Ask Jo."
        await pilot.press("escape")                  # nothing new to save: closes
        await pilot.pause()
        assert "Ask Jo." in screen.query_one("#cb-markdown").source


@sync
async def test_a_failed_write_is_an_error_and_records_nothing(tmp_path):
    project = build(tmp_path)
    history = History()
    app = Harness(lambda: CodebookScreen(project, history))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await type_text(pilot, "Staff")   # a duplicate name: the core refuses it
        await pilot.press("enter")
        await pilot.pause()
        assert not history.can_undo
        assert any(n.severity == "error" and "already exists" in n.message for n in app._notifications)


@sync
async def test_enter_opens_retrieval_and_its_jump_comes_back(tmp_path):
    project = build(tmp_path)
    app = Harness(lambda: CodebookScreen(project, new_history()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await goto(pilot, app.screen, "Peer help")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen)
        await pilot.press("enter")
        await pilot.pause()
        st = project.docs.get("ST01")
        assert app.results == [JumpTo(st.id, *span(ST01, "Patients helped each other"))]


@sync
async def test_retrieval_children_filters_context_and_jump(tmp_path):
    project = build(tmp_path)
    support = project.codes.find("Support")
    app = Harness(lambda: RetrievalScreen(project, new_history(), code_id=support.id))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.table.row_count == 0          # a grouping has no codings of its own
        await pilot.press("h")
        assert screen.table.row_count == 2
        await pilot.press("a")
        assert isinstance(app.screen, ChooseDialog)
        choices = app.screen.choices
        staff_index = next(i for i, c in enumerate(choices) if c.startswith("[ ] group=staff"))
        await pilot.press(*["j"] * staff_index, "enter")
        await pilot.pause()
        assert [s.document for s in screen.segments] == ["ST01"]
        await pilot.press("x", "f")
        choices = app.screen.choices
        tester = next(i for i, c in enumerate(choices) if c.startswith("tester"))
        await pilot.press(*["j"] * tester, "enter")
        await pilot.pause()
        assert [(s.document, s.coder) for s in screen.segments] == [("SU01", "tester")]
        preview = str(screen.query_one("#rv-segment").render())
        assert "SU01, Sam, l. 2" in preview and "It was hard" not in preview
        await pilot.press("plus")
        assert "It was hard at first." in str(screen.query_one("#rv-segment").render())
        await pilot.press("enter")
        await pilot.pause()
        su = project.docs.get("SU01")
        assert app.results == [JumpTo(su.id, *span(SU01, "The other patients helped me though."))]
