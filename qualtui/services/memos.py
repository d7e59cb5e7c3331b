"""Memos: project journal entries, and memos about a document or a code.

A coding's memo is stored on the coding itself (``Coding.memo``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from qualtui.errors import ChangedMeanwhile, NotFoundError, QualtuiError
from qualtui.model import MEMO_KINDS, Memo, new_id, now_iso
from qualtui.text.normalise import clean_label, clean_text

if TYPE_CHECKING:
    from qualtui.project import Project

TABLE = "memos"


def clean_memo_text(text: str) -> str:
    return clean_text(text)


class MemoService:
    def __init__(self, project: "Project") -> None:
        self.project = project
        self.file = project.store.project

    def all(self, kind: str | None = None, target: str | None = None) -> list[Memo]:
        memos = [Memo.from_record(r) for r in self.file.raw(TABLE).values()]
        memos = [m for m in memos if (kind is None or m.kind == kind) and (target is None or m.target == target)]
        return sorted(memos, key=lambda m: (m.created, m.id))

    def get(self, memo_id: str) -> Memo:
        record = self.file.get(TABLE, memo_id)
        if record is None:
            raise NotFoundError(f"no memo with id {memo_id}")
        return Memo.from_record(record)

    def about(self, kind: str, target: str | None) -> Memo | None:
        """The (first) memo about one document or code."""
        found = self.all(kind=kind, target=target)
        return found[0] if found else None

    def add(self, kind: str, text: str, *, target: str | None = None, title: str = "", audit: bool = True) -> Memo:
        if kind not in MEMO_KINDS or kind == "coding":
            raise QualtuiError(f"memo kind must be one of project, document, code (not {kind!r})")
        if kind != "project" and not target:
            raise QualtuiError(f"a {kind} memo needs the {kind} it is about")
        stamp = now_iso()
        memo = Memo(id=new_id(), kind=kind, target=target, text=clean_memo_text(text), title=clean_label(title),
                    author=self.project.coder, created=stamp, modified=stamp)
        self.file.put(TABLE, memo.to_record())
        if audit:
            self.project.audit("memo.add", memo=memo.id, kind=kind, target=target)
        return memo

    def update(self, memo_id: str, *, text: str | None = None, title: str | None = None, audit: bool = True) -> Memo:
        """*audit* False: an editor saving as you type, which audits once per editing session."""
        return self.update_pair(memo_id, text=text, title=title, audit=audit)[1]

    def update_pair(self, memo_id: str, *, text: str | None = None, title: str | None = None,
                    audit: bool = True, expect_text: str | None = None) -> tuple[Memo, Memo]:
        """Like ``update``; (the memo as this write found it, as it left it), for undo.

        *expect_text*: write only if the stored text is still this (checked inside the lock), else raise
        ``ChangedMeanwhile`` and write nothing: an editor saving as you type never overwrites a colleague.
        """
        changes: dict = {"modified": now_iso()}
        if text is not None:
            changes["text"] = clean_memo_text(text)
        if title is not None:
            changes["title"] = clean_label(title)

        def apply(table: dict) -> dict:
            if memo_id not in table:
                raise NotFoundError(f"no memo with id {memo_id}")
            found = table[memo_id]
            if expect_text is not None and found.get("text") != expect_text:
                raise ChangedMeanwhile(f"memo {memo_id} was changed by someone else meanwhile")
            table[memo_id] = dict(found, **changes)
            return found, table[memo_id]

        found, record = self.file.mutate(TABLE, apply)
        if audit:
            self.project.audit("memo.update", memo=memo_id)
        return Memo.from_record(found), Memo.from_record(record)

    def put(self, memos: Iterable[Memo]) -> None:
        """Store memos as given (undo, merge, import), cleaned by the rule every write follows."""
        memos = [m.safe() for m in memos]
        self.file.put_many(TABLE, [m.to_record() for m in memos])
        self.project.audit("memo.put", memos=[m.id for m in memos])

    def delete(self, memo_ids: str | Iterable[str]) -> list[Memo]:
        ids = [memo_ids] if isinstance(memo_ids, str) else list(memo_ids)

        def apply(table: dict) -> list[Memo]:
            return [Memo.from_record(table.pop(i)) for i in ids if i in table]

        removed = self.file.mutate(TABLE, apply)
        if removed:
            self.project.audit("memo.delete", memos=[m.id for m in removed])
        return removed

    def delete_about(self, target: str) -> list[Memo]:
        return self.delete([m.id for m in self.all(target=target)])
