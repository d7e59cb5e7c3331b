"""Turn start times (Otter, Rev, bracketed, VTT) are stored per turn and shown in the coding screen's status bar."""

from __future__ import annotations

from pathlib import Path

from qualtui.importers import read_transcript
from qualtui.project import Project
from qualtui.text.units import clock
from tui.widgets.status_bar import StatusBar
from tui_helpers import make_app, sync

LAYOUTS = Path(__file__).parent / "layouts"


def test_clock():
    assert [clock(ms) for ms in (None, 0, 9_999, 751_000, 3_723_250)] == ["", "00:00:00", "00:00:09", "00:12:31",
                                                                         "01:02:03"]


@sync
async def test_the_status_bar_shows_the_start_time_of_the_turn_under_the_cursor(tmp_path):
    project = Project.init(tmp_path / "p", name="p", coder="tester")
    project.docs.add(read_transcript(LAYOUTS / "paren_time_colon.txt"), "A timed")
    project.docs.add(read_transcript(LAYOUTS / "colon_titlecase.txt"), "B untimed")
    stored = [t.begin_ms for t in project.docs.turns(project.docs.get("A timed").id)]
    assert stored == [4000, 9000, 12000, 18000]
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        status = app.screen.query_one(StatusBar)
        assert "l.1/4  00:00:04" in str(status.render())
        text = project.docs.text(project.docs.get("A timed").id)
        app.screen.view.move_to(text.index("Yes, that"))
        await pilot.pause()
        assert "l.2/4  00:00:09" in str(status.render())
        await pilot.press("G")
        await pilot.pause()
        assert "00:00:18" in str(status.render())
        await pilot.press("d")  # the document list: open the untimed one, whose turns have no time
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert "B untimed" in str(status.render()) and ":00" not in str(status.render())


def test_retrieve_cites_the_turn_time_when_asked(tmp_path):
    import json

    from click.testing import CliRunner

    from qualtui.cli import cli

    project = Project.init(tmp_path / "p", name="p", coder="ana")
    project.docs.add(read_transcript(LAYOUTS / "paren_time_colon.txt"), "SU02")
    project.docs.add(read_transcript(LAYOUTS / "colon_titlecase.txt"), "SU03")
    base = ["-p", str(project.root)]
    runner = CliRunner()
    assert runner.invoke(cli, [*base, "code", "SU02", "Shelter", "--lines", "4", "--create"]).exit_code == 0
    assert runner.invoke(cli, [*base, "code", "SU03", "Shelter", "--lines", "3"]).exit_code == 0
    md = runner.invoke(cli, [*base, "retrieve", "Shelter", "--timestamps", "--format", "md"]).output
    assert "\u2014 SU02, Osman Khan, l. 4, 00:00:18\n" in md and "\u2014 SU03, Participant, l. 3\n" in md
    rows = json.loads(runner.invoke(cli, [*base, "retrieve", "Shelter", "--timestamps", "--format", "json"]).output)
    assert [(r["document"], r["time"]) for r in rows] == [("SU02", "00:00:18"), ("SU03", "")]
    plain = runner.invoke(cli, [*base, "retrieve", "Shelter", "--format", "md"]).output
    assert "\u2014 SU02, Osman Khan, l. 4\n" in plain
    # `code --lines` codes the speech without its label; a line with no speech is refused
    [coding] = [c for c in project.codings.for_document(project.docs.get("SU02").id)]
    assert project.docs.text(coding.document)[coding.start:coding.end] == "It opened in 2019, in the old scout hut."
    empty = runner.invoke(cli, [*base, "code", "SU03", "Shelter", "--lines", "2"])
    assert empty.exit_code == 1 and "line 2 is empty" in str(empty.exception)


@sync
async def test_z_shows_each_turns_start_time_in_the_gutter_at_its_first_row(tmp_path):
    from tui_helpers import rows

    project = Project.init(tmp_path / "p", name="p", coder="tester")
    project.docs.add(read_transcript(LAYOUTS / "otter_speaker_time.txt"), "A timed")
    project.docs.add(read_transcript(LAYOUTS / "colon_titlecase.txt"), "B untimed")
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        view = app.screen.view
        plain = rows(view)
        assert plain[0].startswith("  1 Speaker 1  0:03") and ":00" not in "".join(plain)
        await pilot.press("z")
        await pilot.pause()
        timed = rows(view)
        # the time stands at the row where each turn begins (its label), not on the speech's other rows
        assert [r[:14] for r in timed[:9]] == [
            "  1 00:00:03 S", "  2          S", "  3           ", "  4 00:00:09 S", "  5          F",
            "  6          W", "  7           ", "  8 00:00:21 S", "  9          T"]
        assert timed[0][13:].startswith("Speaker 1  0:03") and timed[4][13:].startswith("Fine by me.")
        before = view.cursor
        await pilot.press("j", "j")  # the cursor still moves over the text, not the gutter
        await pilot.pause()
        assert view.cursor != before and rows(view)[2][:13] == "  3          "
        await pilot.press("z")
        await pilot.pause()
        assert rows(view)[3].startswith("  4 Speaker 2  0:09") and ":00" not in "".join(rows(view))
        assert not any(n.message.startswith("B untimed") for n in app._notifications)
        await pilot.press("z", "d")  # times stay on; the untimed document says it has none
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert view.document.name == "B untimed" and rows(view)[0].startswith("  1 ")
        assert ":00" not in "".join(rows(view))
        await pilot.press("z", "z")
        await pilot.pause()
        assert any(n.message.startswith("B untimed has no turn times") for n in app._notifications)
        await pilot.press("d")  # back to the timed document: its times are shown
        await pilot.pause()
        await pilot.press("up", "enter")
        await pilot.pause()
        assert view.document.name == "A timed" and "00:00:09 Speaker 2" in "".join(rows(view))
