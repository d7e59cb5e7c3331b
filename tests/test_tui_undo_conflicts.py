"""The coding screen's `u` after a colleague changed what it would undo: one message, nothing changed."""

from __future__ import annotations

from test_tui_app import code_turn
from tui_helpers import build_project, make_app, sync

from qualtui.project import Project


@sync
async def test_u_after_a_colleagues_memo_shows_the_refusal_and_changes_nothing(tmp_path):
    project = build_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await code_turn(pilot, app, "Ward life")     # one step: the new code and the coding
        doc_id = project.docs.get("SU01").id
        [coding] = project.codings.for_document(doc_id)
        alice = Project.open(project.root, coder="alice")
        alice.codings.update(doc_id, coding.id, memo="the ward, not the town")
        snapshot = (project.codes.all(), project.codings.for_document(doc_id))
        await pilot.press("u")
        await pilot.pause()
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert any("can't undo" in m and "changed since by alice (memo)" in m and "nothing was undone" in m
                   for m in errors), errors
        assert (project.codes.all(), project.codings.for_document(doc_id)) == snapshot
        assert project.codings.get(doc_id, coding.id).memo == "the ward, not the town"
        await pilot.press("u")                         # the refused step was dropped: nothing left to undo
        await pilot.pause()
        assert any("Nothing to undo" in n.message for n in app._notifications)
        assert (project.codes.all(), project.codings.for_document(doc_id)) == snapshot
