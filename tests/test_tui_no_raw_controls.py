"""Names from a crafted project never reach the terminal raw in the TUI either.

Textual strips only BEL, BS, VT, FF and CR from what it draws: an ESC or a C1
control in a code name would go to the terminal as it is.  A project merged
from a hand-made copy (every name, title, coder and speaker full of escape
sequences) is opened, and every screen's rendered lines are checked.
"""

from __future__ import annotations

import re

from test_no_raw_controls import EVERYTHING, _craft_other
from tui_helpers import make_app, sync

from qualtui.editing.history import History
from qualtui.team.merge import merge
from qualtui.model import Transcript
from qualtui.project import Project

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def assert_screen_clean(app, what: str) -> None:
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    assert any(line.strip() for line in lines), f"{what}: nothing drawn"
    for line in lines:
        found = UNSAFE.search(line)
        assert found is None, f"{what} draws {found.group()!r}: {line!r}"


@sync
async def test_every_screen_of_a_merged_crafted_project_is_clean(tmp_path):
    from tui.screens.agreement_screen import AgreementScreen
    from tui.screens.codebook_screen import CodebookScreen
    from tui.screens.framework_screen import FrameworkScreen
    from tui.screens.map_screen import MapScreen
    from tui.screens.memos_screen import MemosScreen
    from tui.screens.retrieval_screen import RetrievalScreen

    _craft_other(tmp_path / "other", [EVERYTHING, "w\x1b]0;t\x07 x", "\x9b2J named"])
    ours = Project.init(tmp_path / "ours", name="ours", coder="tester")
    ours.docs.add(Transcript("Ann: hello there\nBob: a reply\n", (), "txt"), "mine")
    merge(ours, Project.open(tmp_path / "other"))
    code = ours.codes.all()[0]
    assert len(ours.codes.all()) == 2 and ours.memos.all()
    app = make_app(ours, tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        assert_screen_clean(app, "coding screen")
        for name, make in (("codebook", lambda: CodebookScreen(ours, History())),
                           ("memos", lambda: MemosScreen(ours, History())),
                           ("retrieval", lambda: RetrievalScreen(ours, History(), code_id=code.id)),
                           ("agreement", lambda: AgreementScreen(ours, History())),
                           ("map", lambda: MapScreen(ours, History())),
                           ("framework", lambda: FrameworkScreen(ours, History()))):
            app.push_screen(make())
            await pilot.pause()
            await pilot.pause()
            assert_screen_clean(app, name)
            app.pop_screen()
            await pilot.pause()


@sync
async def test_a_crafted_project_opened_directly_shows_no_controls(tmp_path):
    """Names stored raw (an older version, a hand-made file) and a transcript text with escapes in it."""
    _craft_other(tmp_path / "other", [EVERYTHING, "w\x1b]0;t\x07 x", "\x9b2J named"])
    project = Project.open(tmp_path / "other")
    app = make_app(project, tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        for doc in project.docs.all():
            app.screen.open_document(doc.id)
            await pilot.pause()
            assert_screen_clean(app, f"coding screen of {doc.id}")
