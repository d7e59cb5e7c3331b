"""The hand-built project every analysis test counts on, and checks that it is what the tests assume.

Three interviews; codebook: Difficulty, Safety, Support (a grouping) with
Peer support and Staff support, Unused.  Codings are made by "tester" unless
marked alice.  Every expected number in the analysis tests is worked out by
hand from the texts and codings below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

TEXTS = {
    "SU01": (
        "Interviewer: How was the ward?\n"
        "Sam: It was hard at first. The other patients helped me though.\n"
        "Interviewer: And the staff?\n"
        "Sam: Dr. Lee was kind. I felt safe, hardly scared."
    ),
    "ST01": (
        "Interviewer: What is hard about the job?\n"
        "Alex: Staffing is hard. We cope by talking to each other.\n"
        "Interviewer: Anything else?\n"
        "Alex: The patients help each other too."
    ),
    "ST02": (
        "Interviewer: Tell me about support.\n"
        "Jo: Peer support is vital. It is hard to get time for it.\n"
        "Hard, really."
    ),
}
ATTRIBUTES = {
    "SU01": {"group": "service user", "site": "A", "interviewer": "KB"},
    "ST01": {"group": "staff", "site": "A"},
    "ST02": {"group": "Staff", "site": "B"},
}
# name -> (document, code, quoted text, coder)
CODINGS = {
    "c1": ("SU01", "Difficulty", "It was hard at first.", "tester"),
    "c2": ("SU01", "Peer support", "The other patients helped me though.", "tester"),
    "c3": ("SU01", "Staff support", "Dr. Lee was kind.", "tester"),
    "c4": ("SU01", "Safety", "I felt safe, hardly scared.", "tester"),
    "c5": ("SU01", "Difficulty", "hard at first. The other patients", "alice"),
    "c6": ("ST01", "Difficulty", "Staffing is hard.", "tester"),
    "c7": ("ST01", "Peer support", "We cope by talking to each other.", "tester"),
    "c8": ("ST01", "Peer support", "The patients help each other too.", "tester"),
    "c9": ("ST01", "Staff support", "Staffing is hard. We cope", "alice"),
    "c10": ("ST02", "Peer support", "Peer support is vital.", "tester"),
    "c11": ("ST02", "Difficulty", "It is hard to get time for it.\nHard, really.", "tester"),
    "c12": ("ST02", "Safety", "Tell me about support.", "tester"),
}


@dataclass
class Built:
    project: object
    docs: dict[str, object] = field(default_factory=dict)      # name -> Document
    codes: dict[str, object] = field(default_factory=dict)     # name -> Code
    codings: dict[str, object] = field(default_factory=dict)   # c1.. -> Coding
    names: dict[str, str] = field(default_factory=dict)        # coding id -> c1..

    def ids(self, *names: str) -> list[str]:
        return [self.codings[n].id for n in names]


def build_project(project) -> Built:
    from qualtui.importers.plain import read_plain

    built = Built(project)
    for name, text in TEXTS.items():
        built.docs[name] = project.docs.add(read_plain(text.encode(), f"{name}.txt"), name,
                                            attributes=ATTRIBUTES[name])
    codes = project.codes
    built.codes["Difficulty"] = codes.create("Difficulty")
    built.codes["Safety"] = codes.create("Safety")
    built.codes["Support"] = codes.create("Support", codable=False)
    built.codes["Peer support"] = codes.create("Peer support", parent=built.codes["Support"].id)
    built.codes["Staff support"] = codes.create("Staff support", parent=built.codes["Support"].id)
    built.codes["Unused"] = codes.create("Unused")
    for key, (doc_name, code_name, quote, coder) in CODINGS.items():
        text = TEXTS[doc_name]
        start = text.index(quote)
        assert text.count(quote) == 1, quote
        coding = project.codings.add(built.docs[doc_name].id, built.codes[code_name].id, start,
                                     start + len(quote), coder=coder)
        built.codings[key] = coding
        built.names[coding.id] = key
    return built


@pytest.fixture
def built(project) -> Built:
    return build_project(project)


def test_fixture_texts_are_stored_verbatim_with_the_expected_turns(built):
    project = built.project
    for name, text in TEXTS.items():
        doc = built.docs[name]
        assert project.docs.text(doc.id) == text
    speakers = [t.speaker for t in project.docs.turns(built.docs["ST02"].id)]
    assert speakers == ["Interviewer", "Jo"]
    jo = project.docs.turns(built.docs["ST02"].id)[1]
    assert TEXTS["ST02"][jo.start:jo.end].endswith("Hard, really.")
    assert len(project.codings.for_document(built.docs["SU01"].id)) == 5
