"""Map screen: the drawn map of the harness project, links, and Enter into the retrieval."""

from __future__ import annotations

from screens_harness import SU01, Harness, build, new_history, span, sync

from tui.messages import JumpTo
from tui.screens.map_screen import MapScreen, fit
from tui.screens.retrieval_screen import RetrievalScreen


def shown(screen) -> list[str]:
    ol = screen.option_list
    return [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]


@sync
async def test_map_shows_the_tree_and_links_and_enter_retrieves(tmp_path):
    project = build(tmp_path)
    staff = project.codes.find("Staff")
    peer = project.codes.find("Peer help")
    su = project.docs.get("SU01")
    project.codings.add(su.id, staff.id, *span(SU01, "The other patients"))   # overlaps a Peer help coding
    app = Harness(lambda: MapScreen(project, new_history()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        lines = shown(screen)
        assert lines[0].startswith("\u250c") and "1 Staff  4 segments in 2 documents" in lines[1]
        assert lines[4].startswith("\u2554") and "2 Support  2 segments in 2 documents" in lines[5]  # a group
        assert "\u2514\u2500\u2500 2.1 Peer help  (2 segments)" in lines[7]
        assert all(len(line) <= 78 for line in lines)
        assert screen.highlighted_code == staff.id                              # the first code line
        await pilot.press("l", "minus")                                         # links at 1+ overlaps
        lines = shown(screen)
        assert lines[1].endswith("\u2194 2.1 \u00d71") and lines[7].endswith("\u2194 1 \u00d71")
        assert lines[-1] == "  1 Staff \u2194 2.1 Peer help: 1 overlap"
        assert "links: codes overlapping 1+ times (1)" in str(screen.query_one("#map-title").render())
        while screen.highlighted_code != peer.id:
            await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen) and len(app.screen.segments) == 2
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.results) == 1 and isinstance(app.results[0], JumpTo)


@sync
async def test_coding_screen_opens_the_map_with_T(tmp_path):
    from tui_helpers import make_app

    project = build(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, MapScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, MapScreen)


def test_fit_cuts_long_rows():
    assert fit("abcdef", 4) == "abc\u2026" and fit("abc", 4) == "abc"
