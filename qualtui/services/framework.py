"""Framework Method summaries (Gale et al. 2013): one markdown summary per cell of cases x codes.

A case is a document (``doc:<document id>``) or one value of a document
attribute (``attr:<key>=<value>``, both case-folded).  Summaries live in the
project file's ``framework`` table, so they are backed up, merged, checked and
pseudonymised with everything else.  Writing an empty summary deletes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from qualtui.errors import ChangedMeanwhile
from qualtui.model import new_id, now_iso
from qualtui.services.memos import clean_memo_text
from qualtui.text.normalise import clean_label

if TYPE_CHECKING:
    from qualtui.project import Project

TABLE = "framework"


def doc_case(doc_id: str) -> str:
    return f"doc:{doc_id}"


def attr_case(key: str, value: str) -> str:
    return f"attr:{key.casefold()}={value.casefold()}"


def case_document(case: str) -> str | None:
    """The document id of a document case, else None."""
    return case[4:] if case.startswith("doc:") else None


@dataclass
class Summary:
    id: str
    case: str
    code: str
    text: str = ""
    author: str = ""
    created: str = ""
    modified: str = ""

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Summary":
        return cls(**{k: record[k] for k in ("id", "case", "code", "text", "author", "created", "modified")
                      if k in record})

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


class FrameworkService:
    def __init__(self, project: "Project") -> None:
        self.project = project
        self.file = project.store.project

    def all(self) -> list[Summary]:
        found = [Summary.from_record(r) for r in self.file.raw(TABLE).values()]
        return sorted(found, key=lambda s: (s.case, s.code, s.id))

    def cells(self) -> dict[tuple[str, str], Summary]:
        return {(s.case, s.code): s for s in self.all()}

    def get(self, case: str, code_id: str) -> Summary | None:
        return self.cells().get((case, code_id))

    def set(self, case: str, code_id: str, text: str, *, audit: bool = True) -> Summary | None:
        """Write one cell's summary (durably); empty text deletes it.  Returns what is stored now.

        *audit* False: an editor saving as the user types, whose session is audited once (qualtui.editing.live_edit).
        """
        return self.set_pair(case, code_id, text, audit=audit)[1]

    def set_pair(self, case: str, code_id: str, text: str, *, audit: bool = True,
                 expect: tuple[str | None] | None = None) -> tuple[Summary | None, Summary | None]:
        """Like ``set``; (the summary as this write found it, as it left it; None: none), for undo.
        *expect*: ``(text,)`` the cell must still hold (None: no summary), checked inside the lock, else
        ``ChangedMeanwhile`` and nothing is written."""
        text = clean_memo_text(text).rstrip()
        stamp = now_iso()
        author = clean_label(self.project.coder)

        def apply(table: dict) -> tuple[Summary | None, Summary | None]:
            current = next((k for k, r in table.items() if r.get("case") == case and r.get("code") == code_id), None)
            found = Summary.from_record(table[current]) if current is not None else None
            if expect is not None and (found.text if found is not None else None) != expect[0]:
                raise ChangedMeanwhile(f"the summary of {case} x {code_id} was changed by someone else meanwhile")
            if not text.strip():
                if current is not None:
                    del table[current]
                return found, None
            if current is None:
                record = Summary(new_id(), case, code_id, text, author, stamp, stamp).to_record()
            else:
                record = dict(table[current], text=text, author=author, modified=stamp)
            table[record["id"]] = record
            return found, Summary.from_record(record)

        found, stored = self.file.mutate(TABLE, apply)
        if audit:
            which = stored or found
            self.project.audit("framework.set", case=case, code=code_id, summary=which.id if which else None)
        return found, stored

    def put(self, summaries: Iterable[Summary]) -> None:
        """Store summaries as given (merge), cleaned as every write is."""
        records = []
        for s in summaries:
            records.append(Summary(s.id, s.case, s.code, clean_memo_text(s.text), clean_label(s.author),
                                   s.created, s.modified).to_record())
        self.file.put_many(TABLE, records)
        self.project.audit("framework.put", summaries=[r["id"] for r in records])

    def delete(self, summary_ids: Iterable[str]) -> list[Summary]:
        ids = list(summary_ids)

        def apply(table: dict) -> list[Summary]:
            return [Summary.from_record(table.pop(i)) for i in ids if i in table]

        removed = self.file.mutate(TABLE, apply)
        if removed:
            self.project.audit("framework.delete", summaries=[s.id for s in removed])
        return removed

    def about_code(self, code_id: str) -> list[Summary]:
        return [s for s in self.all() if s.code == code_id]

    def about_case(self, case: str) -> list[Summary]:
        return [s for s in self.all() if s.case == case]


def readable(key: str, record) -> bool:
    return isinstance(record, dict) and record.get("id") == key and all(
        isinstance(record.get(f), str) for f in ("case", "code", "text"))


def orphan(record: dict, documents, codes) -> bool:
    """Whether a readable summary's row document or column code is gone."""
    doc = case_document(record["case"])
    return (doc is not None and doc not in documents) or record["code"] not in codes


def framework_problems(table: dict, documents: dict, codes: dict) -> list[tuple[str, str]]:
    """(where, what is wrong) for each stored summary that is unreadable or about a missing document or code."""
    problems = []
    for key, record in table.items():
        where = f"framework summary {key}"
        if not readable(key, record):
            problems.append((where, "unreadable record"))
            continue
        case, doc = record["case"], case_document(record["case"])
        if doc is not None and doc not in documents:
            problems.append((where, "the document of its row no longer exists"))
        elif doc is None and not case.startswith("attr:"):
            problems.append((where, f"unknown kind of row {case[:40]!r}"))
        if record["code"] not in codes:
            problems.append((where, "the code of its column no longer exists"))
    return problems
