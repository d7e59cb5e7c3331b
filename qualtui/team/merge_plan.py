"""What a merge would do (``qualtui.team.merge.plan``): every item of the other project and its outcome,
and the records to write."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from qualtui.model import Code, Coding, Document, Memo, Turn

OUTCOMES = ("added", "matched", "identical", "conflict")


@dataclass(frozen=True, slots=True)   # one per coding of the other project: tens of thousands
class MergeItem:
    kind: str        # document, attribute, speaker, code, definition, coding, coding memo, memo
    outcome: str     # one of OUTCOMES
    name: str        # what it is, for people
    detail: str = ""
    other_id: str = ""
    our_id: str = ""


@dataclass(frozen=True)
class NewDocument:
    doc: Document    # as it will be stored here (id and name decided)
    text: str
    turns: tuple[Turn, ...]


@dataclass
class MergePlan:
    other_root: str
    other_name: str
    items: list[MergeItem] = field(default_factory=list)
    documents: list[NewDocument] = field(default_factory=list)
    attributes: list[tuple[str, str, str]] = field(default_factory=list)          # (doc id, key, value)
    codes: list[Code] = field(default_factory=list)                               # parents first
    definitions: list[tuple[str, dict[str, str]]] = field(default_factory=list)   # (code id, fields)
    codings: dict[str, list[Coding]] = field(default_factory=dict)                # doc id -> new codings
    coding_memos: list[tuple[str, str, str]] = field(default_factory=list)        # (doc id, coding id, memo)
    memos: list[Memo] = field(default_factory=list)
    summaries: list = field(default_factory=list)                                  # Framework cells (Summary)
    speakers: list = field(default_factory=list)                                   # SpeakerName records to add

    @property
    def changes(self) -> bool:
        return bool(self.documents or self.attributes or self.speakers or self.codes or self.definitions
                    or self.codings or self.coding_memos or self.memos or self.summaries)

    def counts(self) -> Counter[tuple[str, str]]:
        return Counter((item.kind, item.outcome) for item in self.items)

    def note(self, kind: str, outcome: str, name: str, detail: str = "", other_id: str = "", our_id: str = "") -> None:
        self.items.append(MergeItem(kind, outcome, name, detail, other_id, our_id))
