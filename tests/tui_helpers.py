"""Shared set-up for the TUI tests: a small project and a headless app."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from qualtui.config import Settings
from qualtui.importers.plain import read_plain
from qualtui.project import Project

SU01 = (
    "Interviewer: Thank you for agreeing to talk to me today.\n"
    "Sam: That's alright. Um, where do you want me to start?\n"
    "\n"
    "Interviewer: Tell me about the ward.\n"
    "Sam: It was, it was hard at first. The other patients helped me though.\n"
)
SU02 = (
    "Interviewer: How did you find the groups?\n"
    "Alex: Honestly the peer group was the best part of the week.\n"
    "Interviewer: Why was that?\n"
    "Alex: Nobody judged you there. You could say you were scared.\n"
)


def build_project(folder: Path) -> Project:
    project = Project.init(folder / "proj", name="test project", coder="tester")
    project.docs.add(read_plain(SU01.encode(), "SU01.txt"), "SU01", attributes={"group": "service user"})
    project.docs.add(read_plain(SU02.encode(), "SU02.txt"), "SU02", attributes={"group": "staff"})
    return project


def make_app(project_or_root, tmp_path: Path, **kwargs):
    from tui.app import QualtuiApp

    root = getattr(project_or_root, "root", project_or_root)
    kwargs.setdefault("settings", Settings())
    return QualtuiApp(Path(root), coder=kwargs.pop("coder", "tester"), auto_backup=kwargs.pop("auto_backup", False),
                      state_dir=tmp_path / "state", **kwargs)


def sync(test):
    """Run an async Pilot test with asyncio.run (no async pytest plugin needed)."""
    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))
    return run


def rows(view) -> list[str]:
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


async def type_text(pilot, text: str) -> None:
    keys = {" ": "space", "/": "slash", ".": "full_stop", ",": "comma", "'": "apostrophe"}
    await pilot.press(*[keys.get(ch, ch) for ch in text])
