from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QUALTUI_CODER", "tester")

# No per-example deadlines anywhere (a loaded CI machine is not a bug), and in CI the
# same examples every run, so a red build is reproducible rather than a roll of the dice.
settings.register_profile("qualtui", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("qualtui-ci", parent=settings.get_profile("qualtui"), derandomize=True,
                          database=None)
settings.load_profile("qualtui-ci" if os.environ.get("CI") else "qualtui")


@pytest.fixture
def project(tmp_path: Path):
    from qualtui.project import Project

    return Project.init(tmp_path / "proj", name="test project", coder="tester")


@pytest.fixture
def transcript_text() -> str:
    return (
        "Interviewer: Thank you for agreeing to talk to me today.\n"
        "Sam: That's alright. Um, where do you want me to start?\n"
        "\n"
        "Interviewer: Tell me about the ward.\n"
        "Sam: It was, it was hard at first. The other patients helped me though.\n"
    )


@pytest.fixture
def doc(project, transcript_text):
    from qualtui.importers.plain import read_plain

    return project.docs.add(read_plain(transcript_text.encode(), "SU01.txt"), "SU01", attributes={"group": "service user"})
