"""Shared fixtures for the REFI-QDA tests: the vendored schemas and examples, a rich sample project."""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest

from qualtui.importers.plain import read_plain
from qualtui.project import Project

# The official schemas and the MIT-licensed examples are vendored here (origin and licence in its README), so the
# suite passes on a clone with nothing beside it.
REFI = Path(__file__).resolve().parent / "data" / "refi-qda"


def refi_dir() -> Path:
    """tests/data/refi-qda; a missing file is a failure, not a skip."""
    if not (REFI / "Project-mrt2019.xsd").is_file():
        pytest.fail(f"the vendored REFI-QDA files are missing from {REFI}")
    return REFI


@lru_cache(maxsize=None)
def _schema(name: str):
    import xmlschema

    return xmlschema.XMLSchema(str(refi_dir() / name))


def validate_qde(data: bytes) -> None:
    _schema("Project-mrt2019.xsd").validate(data.decode("utf-8"))


def validate_qdc(data: bytes) -> None:
    _schema("Codebook.xsd").validate(data.decode("utf-8"))


def qde_of(qdpx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(qdpx)) as archive:
        return archive.read("project.qde")


TEXT_A = ("Interviewer: How was the ward?\n"
          "Sam: It was hard at first 😀. The other patients helped me though.\n"
          "Interviewer: And the staff?\n"
          "Sam: Kind, mostly. Café talk helped 🎉 a lot.\n")
TEXT_B = "Alex: I never felt listened to.\nInterviewer: Never?\nAlex: Well, once — by a nurse called 𝒜nna.\n"


def rich_project(path: Path) -> Project:
    """Codes (nested, a category, definitions), memos of every kind, attributes, two coders, emoji."""
    project = Project.init(path, name="Rich & <odd> \"study\"", coder="ana")
    a = project.docs.add(read_plain(TEXT_A.encode(), "A.txt"), "SU01", attributes={"group": "service user", "site": "North"})
    b = project.docs.add(read_plain(TEXT_B.encode(), "B.txt"), "ST02", attributes={"group": "staff"})
    theme = project.codes.create("Support", color="#112233", codable=False, description="A theme")
    peers = project.codes.create("Peer support", parent=theme.id, description="Help from other patients",
                                 inclusion="patients helping", exclusion="staff help", example="they helped me")
    staff = project.codes.create("Staff", parent=theme.id)
    deep = project.codes.create("Kind staff", parent=staff.id, color="#abc")
    hard = project.codes.create("Hardship")
    text_a = project.docs.text(a.id)
    text_b = project.docs.text(b.id)
    s = text_a.index("It was hard")
    project.codings.add(a.id, hard.id, s, s + len("It was hard at first 😀"), memo="early days\nsecond line")
    s2 = text_a.index("The other patients")
    project.codings.add(a.id, peers.id, s2, text_a.index("though") + 6)
    project.codings.add(a.id, hard.id, s2, text_a.index("though") + 6, coder="ben")
    s3 = text_a.index("Kind, mostly")
    project.codings.add(a.id, deep.id, s3, len(text_a.rstrip("\n")), coder="ben")
    project.codings.add(b.id, hard.id, 0, text_b.index("\n"), coder="ben")
    project.codings.add(b.id, deep.id, text_b.index("once"), text_b.index("𝒜nna") + 5)
    project.memos.add("project", "Reflexive journal: *first* entry", title="Journal")
    project.memos.add("document", "Long interview; Sam was tired", target=a.id, title="About SU01")
    project.memos.add("code", "Maybe merge with Staff", target=peers.id)
    return project
