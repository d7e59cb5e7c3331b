"""The coding screen driven by keys (Textual Pilot) on a small project built here."""

from __future__ import annotations

import errno

from tui_helpers import SU01, build_project, make_app, rows, sync, type_text

from qualtui.editing.history import History
from qualtui.project import Project
from tui.dialogs.code_picker import CodePicker
from tui.dialogs.simple import ChooseDialog, ConfirmDialog
from tui.dialogs.help import HelpScreen
from tui.dialogs.switcher import DocumentSwitcher
from tui.widgets.codebook_tree import CodebookTree
from tui.widgets.memo_pane import MemoPane
from tui.widgets.status_bar import RecentCodes, StatusBar


def status(app) -> str:
    return str(app.screen.query_one(StatusBar).render())


def codebook_rows(app) -> list[str]:
    tree = app.screen.query_one(CodebookTree)
    return [str(tree.get_option_at_index(i).prompt) for i in range(tree.option_count)]


async def code_turn(pilot, app, name: str, down: int = 1) -> None:
    """Move down, select the turn, and code it with *name* through the picker."""
    await pilot.press(*["j"] * down, "t", "c")
    await pilot.pause()
    assert isinstance(app.screen, CodePicker)
    await type_text(pilot, name)
    await pilot.press("enter")
    await pilot.pause()


@sync
async def test_code_a_turn_with_a_new_code_shows_highlight_gutter_and_counts(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await code_turn(pilot, app, "Peer support")
        su01 = project.docs.get("SU01")
        [coding] = project.codings.for_document(su01.id)
        assert SU01[coding.start:coding.end] == "That's alright. Um, where do you want me to start?"
        assert project.codes.by_id(coding.code).name == "Peer support"
        view = app.screen.view
        assert view.selection is None and view.codings_at_cursor == [coding]
        line2 = rows(view)[1]
        assert "That's alright" in line2 and "Peer s" in line2  # the gutter label names the code
        strip = view.render_line(1)
        coded = [seg for seg in strip if "alright" in seg.text]
        assert coded and coded[0].style.bgcolor is not None  # highlighted, not just labelled
        assert any("Peer support" in r and "1/1" in r and r.startswith(">") for r in codebook_rows(app))
        assert "codes: Peer support" in status(app)
        assert "1 Peer support" in str(app.screen.query_one(RecentCodes).render())


@sync
async def test_undo_and_redo_replay_against_the_store(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await code_turn(pilot, app, "Ward life")
        doc_id = project.docs.get("SU01").id
        [coding] = project.codings.for_document(doc_id)
        await pilot.press("u")
        await pilot.pause()
        assert project.codings.for_document(doc_id) == []
        assert project.codes.find("Ward life") is None  # one step undoes the code it created too
        assert app.screen.view.codings_at_cursor == []
        assert "Ward l" not in rows(app.screen.view)[1]
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert project.codings.for_document(doc_id) == [coding]
        assert app.screen.view.codings_at_cursor == [coding]
        await pilot.press("u", "U")  # U is the plain-key redo
        await pilot.pause()
        assert project.codings.for_document(doc_id) == [coding]


@sync
async def test_recent_code_keys_and_remove_asks_which_when_several(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await code_turn(pilot, app, "Alpha")
        await pilot.press("t", "c")
        await type_text(pilot, "Beta")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("t", "1")  # recent 1 is now Beta: already there, so the same coding
        await pilot.press("t", "2")  # Alpha again: the same span, no duplicate
        await pilot.pause()
        doc_id = project.docs.get("SU01").id
        assert len(project.codings.for_document(doc_id)) == 2
        await pilot.press("j", "j", "b", "t", "1")  # recent 1 is Alpha now: code the ward question
        await pilot.pause()
        names = sorted(project.codes.by_id(c.code).name for c in project.codings.for_document(doc_id))
        assert names == ["Alpha", "Alpha", "Beta"]
        await pilot.press("k", "k", "x")
        await pilot.pause()
        assert isinstance(app.screen, ChooseDialog)
        await pilot.press("j", "enter")  # the second listed
        await pilot.pause()
        left = project.codings.for_document(doc_id)
        assert len(left) == 2
        assert len(app.screen.view.codings_at_cursor) == 1


@sync
async def test_removing_another_coders_coding_needs_confirmation(tmp_path):
    project = build_project(tmp_path)
    other = Project.open(project.root, coder="bob")
    doc = project.docs.get("SU01")
    code = project.codes.create("Hope")
    start = SU01.index("Sam: That's")
    other.codings.add(doc.id, code.id, start, start + 10)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("j", "x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert len(project.codings.for_document(doc.id)) == 1
        await pilot.press("x", "y")
        await pilot.pause()
        assert project.codings.for_document(doc.id) == []


@sync
async def test_search_prompt_highlights_and_moves_between_hits(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await type_text(pilot, "interviewer")
        await pilot.press("enter")
        await pilot.pause()
        view = app.screen.view
        assert view.search_hits == 2
        first = view.cursor
        assert SU01[first:first + 11] == "Interviewer" and first > 0
        await pilot.press("n")
        assert view.cursor == 0  # wraps around
        await pilot.press("slash", "ctrl+a", "ctrl+k")
        await type_text(pilot, "w[ao]rd")
        await pilot.press("ctrl+t", "enter")  # regex on
        await pilot.pause()
        assert view.search_hits == 1 and SU01[view.cursor:view.cursor + 4] == "ward"


@sync
async def test_switching_documents_comes_back_to_the_same_place_even_after_restart(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "j", "w", "w")
        here = app.screen.view.cursor
        assert here > 0
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DocumentSwitcher)
        await type_text(pilot, "SU02")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.view.document.name == "SU02"
        assert app.screen.view.cursor == 0
        await pilot.press("j")
        su02_cursor = app.screen.view.cursor
        await pilot.press("d", "up", "enter")  # SU01 is listed first
        await pilot.pause()
        assert app.screen.view.document.name == "SU01"
        assert app.screen.view.cursor == here
        await pilot.press("d")
        await type_text(pilot, "02")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.view.cursor == su02_cursor
        await pilot.press("q")
    again = make_app(project, tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert again.screen.view.document.name == "SU02"
        assert again.screen.view.cursor == su02_cursor


@sync
async def test_memo_edit_is_stored_and_shown_after_restart(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        memo = app.screen.query_one(MemoPane)
        assert memo.editing and memo.target.kind == "document"
        await type_text(pilot, "Sam sounds relieved")
        await pilot.press("ctrl+s")
        await pilot.pause()
        doc = project.docs.get("SU01")
        assert project.memos.about("document", doc.id).text == "Sam sounds relieved"
        await pilot.press("escape")
        await pilot.pause()
        assert not memo.editing and app.screen.focused is app.screen.view
        # a coding memo: the coding under the cursor wins
        await code_turn(pilot, app, "Relief")
        await pilot.press("m")
        await type_text(pilot, "**first** sign")
        await pilot.press("escape")
        await pilot.pause()
        [coding] = project.codings.for_document(doc.id)
        assert coding.memo == "**first** sign"
        await pilot.press("u")
        await pilot.pause()
        assert project.codings.for_document(doc.id)[0].memo is None
        await pilot.press("ctrl+r", "q")
    again = make_app(project, tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        memo = again.screen.query_one(MemoPane)
        assert memo.target.kind == "coding" and memo.text == "**first** sign"
        await pilot.press("k")
        await pilot.pause()
        assert memo.target.kind == "document" and memo.text == "Sam sounds relieved"


@sync
async def test_quitting_while_editing_a_memo_saves_it(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await type_text(pilot, "unsaved thought")
        await app.action_quit()
    assert project.memos.about("document", project.docs.get("SU01").id).text == "unsaved thought"


@sync
async def test_a_failed_write_is_reported_and_not_shown(tmp_path, monkeypatch):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await code_turn(pilot, app, "Works")

        def full(*args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")

        import stores.records

        monkeypatch.setattr(stores.records, "atomic_write_bytes", full)  # every record write fails, as on a full disk
        await pilot.press("j", "j", "b", "t", "1")
        await pilot.pause()
        doc_id = project.docs.get("SU01").id
        assert len(project.codings.for_document(doc_id)) == 1
        assert app.screen.view.codings_at_cursor == []
        assert app.screen.view.selection is not None  # kept, so the user can retry
        messages = [n.message for n in app._notifications]
        assert any("disk is full" in m for m in messages)
        monkeypatch.undo()
        await pilot.press("1")
        await pilot.pause()
        assert len(project.codings.for_document(doc_id)) == 2


@sync
async def test_another_process_changes_appear_and_blind_mode_hides_them(tmp_path):
    project = build_project(tmp_path)
    doc = project.docs.get("SU01")
    other = Project.open(project.root, coder="bob")
    app = make_app(project, tmp_path, blind=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "BLIND" in status(app)
        code = other.codes.create("Fear")
        start = SU01.index("Sam: That's")
        other.codings.add(doc.id, code.id, start, start + 10)
        app.screen.poll()
        await pilot.pause()
        assert any("Fear" in r for r in codebook_rows(app))
        await pilot.press("j")
        assert app.screen.view.codings_at_cursor == []  # blind: bob's coding is hidden
        assert any("Fear" in r and "0/0" in r for r in codebook_rows(app))
        await pilot.press("o", "y")
        await pilot.pause()
        assert "all coders" in status(app)
        assert [c.coder for c in app.screen.view.codings_at_cursor] == ["bob"]
        assert "Fear (bob)" in status(app)
        assert "~Fear" in rows(app.screen.view)[1]
        await pilot.press("o")
        assert "only mine" in status(app) and app.screen.view.codings_at_cursor == []
        await pilot.press("o")
        assert "coder: bob" in status(app) and len(app.screen.view.codings_at_cursor) == 1


@sync
async def test_help_lists_every_binding_id_and_keymap_overrides_apply(tmp_path):
    from qualtui.config import Settings

    project = build_project(tmp_path)
    app = make_app(project, tmp_path, settings=Settings(keymap={"coding.code": "a", "nonsense.id": "z"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        ids = app.binding_ids()
        assert len(ids) == len(set(ids))
        assert {"transcript.select_turn", "coding.code", "coding.undo", "app.quit", "memo.save"} <= set(ids)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = {row.binding_id: row for row in app.screen.rows}
        assert set(ids) == set(listed)
        assert listed["coding.code"].keys == "a"
        assert listed["transcript.next_coded"].keys == "]"
        assert all(row.description for row in app.screen.rows)
        await pilot.press("escape", "t", "a")
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        assert any("nonsense.id" in n.message for n in app._notifications)


@sync
async def test_small_terminal_hides_side_panes_until_toggled(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert not screen.codebook.display and not screen.memo.display
        assert screen.view.size.width == 80
        await pilot.press("C")
        await pilot.pause()
        assert screen.codebook.display and screen.view.size.width < 80
        await pilot.press("tab")
        assert screen.focused is screen.codebook
        await pilot.press("tab")
        assert screen.focused is screen.view


@sync
async def test_command_palette_offers_codes_and_documents(tmp_path):
    from tui.commands import palette_entries

    project = build_project(tmp_path)
    project.codes.create("Hope")
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = [t for t, _, _ in palette_entries(app.screen)]
        assert "Open document: SU02" in titles and not any(t.startswith("Apply code") for t in titles)
        # Actions come from the bindings, and only those that apply now are offered.
        code_action = next(b.description for b in app.screen.BINDINGS if b.id == "coding.code")
        undo_action = next(b.description for b in app.screen.BINDINGS if b.id == "coding.undo")
        assert code_action not in titles and undo_action not in titles
        assert "Help: every key, generated from the bindings" in titles
        await pilot.press("t")
        entries = {t: (keys, cb) for t, keys, cb in palette_entries(app.screen)}
        assert entries[code_action][0] == "c"
        entries["Apply code: Hope"][1]()
        await pilot.pause()
        assert [project.codes.by_id(c.code).name for c in project.codings.for_document(
            project.docs.get("SU01").id)] == ["Hope"]
        assert undo_action in [t for t, _, _ in palette_entries(app.screen)]
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"


@sync
async def test_automatic_backup_runs_at_open(tmp_path):
    from qualtui.safety.backup import backups

    project = build_project(tmp_path)
    app = make_app(project, tmp_path, auto_backup=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert len(backups(project.root)) == 1


@sync
async def test_the_demo_project_codes_with_an_existing_code_and_cycles_coder_layers(tmp_path):
    from qualtui.demo import create_demo

    project = create_demo(tmp_path / "demo")
    app = make_app(project, tmp_path, coder="newcomer")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        doc = app.screen.doc
        before = len(project.codings.for_document(doc.id))
        await pilot.press("t", "c")
        await type_text(pilot, "shared exp")
        await pilot.press("enter")
        await pilot.pause()
        mine = [c for c in project.codings.for_document(doc.id) if c.coder == "newcomer"]
        assert len(mine) == 1 and project.codes.by_id(mine[0].code).name == "Shared experience"
        assert len(project.codings.for_document(doc.id)) == before + 1
        layers = []
        for _ in range(5):
            await pilot.press("o")
            layers.append(app.screen.layer_label())
        assert layers == ["only mine", "coder: demo-alice", "coder: demo-bob", "all coders", "only mine"]


@sync
async def test_themes_from_settings(tmp_path):
    from qualtui.config import Settings

    project = build_project(tmp_path)
    for name, expected in (("high-contrast", "qualtui-high-contrast"), ("ansi", "ansi-dark"), ("light", "textual-light")):
        app = make_app(project, tmp_path, settings=Settings(theme=name))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.theme == expected
            assert app.animation_level == "none"


@sync
async def test_other_screens_open_and_a_jump_selects_the_span(tmp_path):
    from tui.messages import JumpTo

    project = build_project(tmp_path)
    su02 = project.docs.get("SU02")
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key, name in (("K", "CodebookScreen"), ("S", "SearchScreen"), ("A", "AnalysisScreen"),
                          ("J", "MemosScreen")):
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == name
            app.screen.action_close()
            await pilot.pause()
            assert type(app.screen).__name__ == "CodingScreen"
        text = project.docs.text(su02.id)
        start = text.index("Nobody judged")
        app.screen.came_back(JumpTo(su02.id, start, start + 13))
        await pilot.pause()
        assert app.screen.view.document.name == "SU02"
        assert app.screen.view.selection == (start, start + 13)


@sync
async def test_retrieval_and_agreement_screens_open_from_the_coding_screen(tmp_path):
    project = build_project(tmp_path)
    su01 = project.docs.get("SU01")
    hope = project.codes.create("Hope")
    project.codings.add(su01.id, hope.id, 0, 12, coder="tester")
    project.codings.add(su01.id, hope.id, 0, 12, coder="other")
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        assert type(app.screen).__name__ == "RetrievalScreen"
        assert app.screen.code_id == hope.id  # the code under the cursor
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("I")
        await pilot.pause()
        assert type(app.screen).__name__ == "AgreementScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "CodingScreen"


def test_code_picker_offers_a_new_name_first_unless_an_existing_code_really_matches():
    from qualtui.model import Code
    from tui.dialogs.code_picker import NEW, CodePicker

    hope = Code(id="h", name="Hope and role models")
    stigma = Code(id="s", name="Stigma")
    picker = CodePicker([hope, stigma], {}, "Code with:")
    assert picker.options_for("hope")[0].id == "h"          # a real match comes first ...
    assert picker.options_for("hope")[-1].id == NEW          # ... and creating stays possible
    assert picker.options_for("homo")[0].id == NEW           # letters scattered in 'Hope and role models'
    assert [o.id for o in picker.options_for("stigma")] == ["s"]  # exact name: nothing to create


@sync
async def test_a_document_whose_codings_file_is_damaged_is_an_error_not_a_crash(tmp_path):
    """Opening a document whose codings file was cut short says which file and that check --repair fixes it;
    the coding screen keeps running and the other documents open."""
    project = build_project(tmp_path)
    su01 = project.docs.get("SU01")
    project.codings.add(su01.id, project.codes.create("Hope").id, 0, 11)
    path = project.store.codings_path(su01.id)
    path.write_bytes(path.read_bytes()[:40])
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()  # SU01 is the first document: the screen opens it at start
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and path.name in errors[0] and "check --repair" in errors[0]
        assert app.screen.doc is None
        await pilot.press("d")
        await pilot.pause()
        await type_text(pilot, "SU02")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.view.document.name == "SU02"
        app.clear_notifications()
        await pilot.press("d")
        await pilot.pause()
        await type_text(pilot, "SU01")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.view.document.name == "SU02"  # still showing the one that opened
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors and all(path.name in m and "check --repair" in m for m in errors)


@sync
async def test_a_keymap_remaps_the_keys_of_other_screens_and_widgets_too(tmp_path):
    """Every id ? lists on any screen can be remapped; only ids no screen declares are reported unknown."""
    from qualtui.config import Settings
    from tui.screens.retrieval_screen import RetrievalScreen

    project = build_project(tmp_path)
    code = project.codes.create("Remapped")
    doc = project.docs.all()[0]
    project.codings.add(doc.id, code.id, 0, 5)
    keymap = {"retrieval.children": "H", "list.down": "J,down", "nonsense.id": "z"}
    app = make_app(project, tmp_path, settings=Settings(keymap=keymap))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        warned = [n.message for n in app._notifications if "Unknown binding id" in n.message]
        assert warned and "nonsense.id" in warned[0]
        assert "retrieval.children" not in warned[0] and "list.down" not in warned[0]
        app.push_screen(RetrievalScreen(project, History(), code_id=code.id))
        await pilot.pause()
        screen = app.screen
        assert not screen.with_children
        await pilot.press("H")
        await pilot.pause()
        assert screen.with_children
