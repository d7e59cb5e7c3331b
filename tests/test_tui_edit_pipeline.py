"""The app's one edit pipeline: edits show from the records they return, errors are one notification, undo and redo
take the same path and reach every screen in the stack."""

from __future__ import annotations

from tui_helpers import SU01, build_project, make_app, sync, type_text

from qualtui.editing import edits
from qualtui.errors import QualtuiError
from qualtui.editing.replay import UndoConflict
from qualtui.project import Project
from tui.dialogs.code_picker import CodePicker


def count_reads(monkeypatch, project) -> list[str]:
    """Every read of a document's codings file by *project* (the app's own) is noted."""
    reads: list[str] = []
    read = project.codings.for_document

    def counted(doc_id: str):
        reads.append(doc_id)
        return read(doc_id)

    monkeypatch.setattr(project.codings, "for_document", counted)
    return reads


def errors(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def code_turn(pilot, app, name: str) -> None:
    await pilot.press("j", "t", "c")
    await pilot.pause()
    assert isinstance(app.screen, CodePicker)
    await type_text(pilot, name)
    await pilot.press("enter")
    await pilot.pause()


@sync
async def test_an_edit_shows_from_its_records_and_the_poll_does_not_read_it_back(tmp_path, monkeypatch):
    project = build_project(tmp_path)
    hope = project.codes.create("Hope")
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        reads = count_reads(monkeypatch, app.project)
        await code_turn(pilot, app, "Hope")
        doc_id = project.docs.get("SU01").id
        [coding] = project.codings.for_document(doc_id)
        assert screen.view.codings_at_cursor == [coding]          # shown ...
        assert reads == []                                        # ... without reading the file it just wrote
        screen.poll()
        assert reads == []                                        # nor does the poll read it back
        await pilot.press("x")
        await pilot.pause()
        assert project.codings.for_document(doc_id) == [] and screen.view.codings_at_cursor == []
        assert reads == []
        # Another coder's write is still picked up by the poll, which then reads that file once.
        other = Project.open(project.root, coder="bob")
        start = SU01.index("That's alright")
        theirs = other.codings.add(doc_id, hope.id, start, start + 14)
        screen.poll()
        assert reads == [doc_id]
        assert theirs in screen.all_codings


@sync
async def test_a_refused_edit_is_one_error_notification_and_changes_nothing(tmp_path, monkeypatch):
    project = build_project(tmp_path)
    project.codes.create("Hope")
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()

        def refuse(*args, **kwargs):
            raise QualtuiError("that span is not in the document")

        monkeypatch.setattr(edits, "add_coding", refuse)
        await code_turn(pilot, app, "Hope")
        assert errors(app) == ["Could not code the selection: that span is not in the document"]
        assert not app.history.can_undo
        assert app.screen.view.selection is not None              # kept, so the user can retry
        assert project.codings.for_document(project.docs.get("SU01").id) == []


class Refused:
    """A step whose undo the store refuses (a colleague changed its records since)."""

    label = "code with 'Hope'"

    def undo(self) -> None:
        raise UndoConflict("can't undo: changed since by bob; nothing was undone")


@sync
async def test_a_refused_undo_is_one_error_notification(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.history.record(Refused())
        await pilot.press("u")
        await pilot.pause()
        assert errors(app) == ["can't undo: changed since by bob; nothing was undone"]
        assert not app.history.can_undo and not app.history.can_redo   # the refused step is dropped


@sync
async def test_undo_and_redo_go_through_the_pipeline_to_every_screen_in_the_stack(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        coding_screen = app.screen
        await code_turn(pilot, app, "Ward life")
        doc_id = project.docs.get("SU01").id
        [coding] = project.codings.for_document(doc_id)
        await pilot.press("K")                                    # the codebook screen, over the coding screen
        await pilot.pause()
        codebook = app.screen
        await pilot.press("u")
        await pilot.pause()
        assert project.codings.for_document(doc_id) == [] and project.codes.find("Ward life") is None
        assert "Ward life" not in [c.name for c in codebook.codes.values()]
        assert coding_screen.all_codings == []                    # updated below, before going back
        await pilot.press("U")
        await pilot.pause()
        assert project.codings.for_document(doc_id) == [coding]
        assert coding_screen.all_codings == [coding]
        assert [n.message for n in app._notifications][-2:] == ["Undid: code with new code 'Ward life'",
                                                                 "Redid: code with new code 'Ward life'"]
