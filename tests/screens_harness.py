"""Harness for the analysis-screen Pilot tests: a tiny project with known codings and an app that pushes one screen."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from textual.app import App

from qualtui.editing.history import History
from qualtui.importers.plain import read_plain
from qualtui.project import Project

SU01 = (
    "Interviewer: Tell me about the ward.\n"
    "Sam: It was hard at first. The other patients helped me though.\n"
    "Interviewer: And the staff?\n"
    "Sam: Some staff were kind. The peer worker was the best.\n"
)
ST01 = (
    "Interviewer: What is the peer role like?\n"
    "Jo: The peer worker fills gaps. Staff lean on peers.\n"
    "Interviewer: Anything else?\n"
    "Jo: Patients helped each other when staff were busy.\n"
)


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def build(folder: Path) -> Project:
    """SU01 (group=service user) and ST01 (group=staff); codes Support > Peer help, Staff; two coders.

    Peer help: 2 codings (SU01 by tester, ST01 by bob); Staff: 3 codings (SU01 tester, ST01 tester x2).
    """
    project = Project.init(folder / "proj", name="screens", coder="tester")
    su = project.docs.add(read_plain(SU01.encode(), "SU01.txt"), "SU01", attributes={"group": "service user"})
    st = project.docs.add(read_plain(ST01.encode(), "ST01.txt"), "ST01", attributes={"group": "staff"})
    support = project.codes.create("Support", codable=False, description="How people are helped.")
    peer = project.codes.create("Peer help", parent=support.id, inclusion="Patients helping patients.")
    staff = project.codes.create("Staff")
    project.codings.add(su.id, peer.id, *span(SU01, "The other patients helped me though."))
    project.codings.add(st.id, peer.id, *span(ST01, "Patients helped each other"), coder="bob")
    project.codings.add(su.id, staff.id, *span(SU01, "Some staff were kind."))
    project.codings.add(st.id, staff.id, *span(ST01, "Staff lean on peers."))
    project.codings.add(st.id, staff.id, *span(ST01, "when staff were busy"))
    return project


class Harness(App):
    """Pushes one screen; what it dismisses with is appended to ``results``."""

    def __init__(self, make_screen) -> None:
        super().__init__()
        self.animation_level = "none"
        self.make_screen = make_screen
        self.results: list = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), self.results.append)


def sync(test):
    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))
    return run


async def type_text(pilot, text: str) -> None:
    keys = {" ": "space", "/": "slash", ".": "full_stop", ",": "comma", "'": "apostrophe", "=": "equals_sign",
            "-": "minus", "_": "underscore"}
    await pilot.press(*[keys.get(ch, ch) for ch in text])


def new_history() -> History:
    return History()
