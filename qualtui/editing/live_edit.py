"""Text being typed, saved as it is typed: one ``LiveEdit`` per editor session.

An editor (memo pane, memo dialog, journal entry, codebook entry form) opens a
``LiveEdit`` on what it edits and calls ``save(value)`` whenever it wants the
text on disk (the TUI does so shortly after each pause in typing); every save
is an ordinary durable edit.  The session as a whole is one audit entry
(written with its first save, again only if it runs for more than
``AUDIT_EVERY`` seconds) and one undo step (``change()``, taken when the editor
closes), however many saves it made.

The value is what the target stores: a memo's text (``None``: no memo), a
coding's memo, or a dict of codebook-entry fields.  A memo that the session
itself created and whose text is emptied again is deleted, so an editor opened
and left empty leaves nothing behind.

Each target's ``write`` returns the record as it found it and as it left it;
the undo step runs from the first write's "found" to the last write's "left",
limited to the target's ``fields``: an undo puts back only what the session
wrote, and is refused if a colleague changed that since.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from qualtui.editing.history import Change
from qualtui.editing.touches import touch
from qualtui.errors import ChangedMeanwhile, NotFoundError
from qualtui.model import Memo

if TYPE_CHECKING:
    from qualtui.project import Project

AUDIT_EVERY = 300.0  # seconds: a long session is audited again after this long


def _name_of(service: Any, record_id: str | None) -> str | None:
    """The name of a document or code (``service.by_id``); None if it was deleted meanwhile."""
    try:
        return service.by_id(record_id).name
    except Exception:  # deleted meanwhile: the text matters, not the title
        return None


def _journal_entry(project: "Project", title: str) -> "StoredMemo":
    """Where the text goes when what it was typed into (``rescue()`` of each target) was deleted or changed by
    someone else meanwhile: a new entry in the project journal."""
    return StoredMemo(project, "project", None, None, title=title[:120])


class StoredMemo:
    """A project, document or code memo; ``memo_id`` None for one not written yet."""

    label = "write memo"
    where, table, fields = None, "memos", ("text",)

    def __init__(self, project: "Project", kind: str, target: str | None, memo_id: str | None,
                 title: str = "") -> None:
        self.project, self.kind, self.target, self.memo_id, self.title = project, kind, target, memo_id, title
        self.record: Memo | None = None  # the memo as last written (to bring it back after an undo)

    def read(self) -> str | None:
        if self.memo_id is None:
            return None
        memo = self.project.memos.get(self.memo_id)
        self.record = memo
        return memo.text

    def rescue(self) -> "StoredMemo":
        return _journal_entry(self.project, f"Your version of {self._describe()}")

    def _describe(self) -> str:
        if self.record is not None and self.record.title:
            return self.record.title
        service = {"document": self.project.docs, "code": self.project.codes}.get(self.kind)
        name = _name_of(service, self.target) if service is not None else None
        return f"the memo on {name}" if name is not None else "a memo"

    def normalise(self, value: str | None, before: str | None) -> str | None:
        if value is not None and before is None and not value.strip():
            return None  # a new memo left empty is no memo
        return value

    def write(self, value: str | None, audit: bool) -> tuple[Memo | None, Memo | None]:
        memos = self.project.memos
        exists = self.memo_id is not None and self.project.store.project.get("memos", self.memo_id) is not None
        if value is None:
            return (memos.delete(self.memo_id) or [None])[0] if exists else None, None
        if exists:
            expected = self.record.text if self.record is not None else None
            before, self.record = memos.update_pair(self.memo_id, text=value, audit=audit, expect_text=expected)
            return before, self.record
        if self.record is not None:  # deleted by an undo: the redo brings back the same memo
            self.record = replace(self.record, text=value)
            memos.put([self.record])
        else:
            self.record = memos.add(self.kind, value, target=self.target, title=self.title, audit=audit)
            self.memo_id = self.record.id
        return None, self.record


class StoredCodingMemo:
    """The memo stored on one coding (empty text: no memo)."""

    label = "edit coding memo"
    table, fields = "codings", ("memo",)

    def __init__(self, project: "Project", doc_id: str, coding_id: str) -> None:
        self.project, self.doc_id, self.coding_id = project, doc_id, coding_id
        self.where = doc_id
        self.stored: str | None = None  # the memo as stored when last read or written

    def read(self) -> str | None:
        self.stored = self.project.codings.get(self.doc_id, self.coding_id).memo
        return self.stored or None

    def normalise(self, value: str | None, before: str | None) -> str | None:
        return value or None

    def write(self, value: str | None, audit: bool) -> tuple:
        found, left = self.project.codings.update_pair(self.doc_id, self.coding_id, memo=value, audit=audit,
                                                       expect={"memo": self.stored})
        self.stored = left.memo
        return found, left

    def rescue(self) -> StoredMemo:
        name = _name_of(self.project.docs, self.doc_id) or "a deleted document"
        return _journal_entry(self.project, f"Your memo of a coding in {name}")


class StoredCodeEntry:
    """Fields of a code's codebook entry (definition, inclusion, exclusion, example), as a dict."""

    where, table = None, "codes"

    def __init__(self, project: "Project", code_id: str, fields: tuple[str, ...]) -> None:
        self.project, self.code_id, self.fields = project, code_id, fields
        self.name = project.codes.by_id(code_id).name
        self.label = f"edit code {self.name!r}"
        self.stored: dict[str, str] = {}  # the fields as stored when last read or written

    def read(self) -> dict[str, str]:
        code = self.project.codes.by_id(self.code_id)
        self.stored = {field: getattr(code, field) for field in self.fields}
        return dict(self.stored)

    def normalise(self, value: dict[str, str], before: dict[str, str]) -> dict[str, str]:
        return {field: text.strip() for field, text in value.items()}

    def write(self, value: dict[str, str], audit: bool) -> tuple:
        found, left = self.project.codes.update_pair(self.code_id, audit=audit, expect=self.stored, **value)
        self.stored = {field: getattr(left, field) for field in self.fields}
        return found, left

    def rescue(self) -> "StoredMemo":
        return _JournalOfFields(self.project, f"Your codebook entry for {self.name}"[:120])


class _JournalOfFields(StoredMemo):
    """A journal entry holding the fields of a codebook entry that a colleague changed while they were typed."""

    def __init__(self, project: "Project", title: str) -> None:
        super().__init__(project, "project", None, None, title=title)

    def normalise(self, value, before):
        if isinstance(value, dict):
            value = "\n\n".join(f"{field.capitalize()}: {text.strip()}" for field, text in value.items() if text.strip())
        return super().normalise(value, before)


class StoredFrameworkSummary:
    """The summary in one Framework cell (case x code; empty text: no summary)."""

    label = "edit framework summary"
    where, table, fields = None, "framework", ("text",)

    def __init__(self, project: "Project", case: str, code_id: str) -> None:
        self.project, self.case, self.code_id = project, case, code_id
        self.stored: str | None = None  # the summary as stored when last read or written

    def read(self) -> str | None:
        summary = self.project.framework.get(self.case, self.code_id)
        self.stored = summary.text if summary else None
        return self.stored

    def normalise(self, value: str | None, before: str | None) -> str | None:
        return value if value and value.strip() else None

    def write(self, value: str | None, audit: bool) -> tuple:
        found, left = self.project.framework.set_pair(self.case, self.code_id, value or "", audit=audit,
                                                      expect=(self.stored,))
        self.stored = left.text if left is not None else None
        return found, left

    def rescue(self) -> "StoredMemo":
        name = _name_of(self.project.codes, self.code_id) or "a deleted code"
        return _journal_entry(self.project, f"Your Framework summary for {name}")


class LiveEdit:
    """One editor session on one target: durable saves, one audit entry, one undo step."""

    def __init__(self, target: Any, clock=time.monotonic) -> None:
        self.target = target
        self.clock = clock
        self.before = target.read()
        self.saved = self.before
        self.rescued = False  # the target was deleted or changed meanwhile and the text went to a journal entry
        self.rescue_reason = ""  # "deleted" or "changed"
        self._audited_at: float | None = None
        self._touched: dict[str, list] = {}  # record id -> [as the first write found it, as the last left it]

    @property
    def label(self) -> str:
        return self.target.label

    def save(self, value: Any) -> bool:
        """Write *value* durably unless it is what was saved last; True if it wrote."""
        value = self.target.normalise(value, self.before)
        if value == self.saved:
            return False
        now = self.clock()
        audit = self._audited_at is None or now - self._audited_at >= AUDIT_EVERY
        try:
            self._note(self.target.write(value, audit))
        except (NotFoundError, ChangedMeanwhile) as exc:
            rescue = getattr(self.target, "rescue", None)
            if rescue is None:
                raise
            # Neither text may be lost (nor the editor be stuck failing): a colleague's change stays as they
            # left it, and what is being typed becomes a journal entry, where the session goes on.
            self.rescue_reason = "changed" if isinstance(exc, ChangedMeanwhile) else "deleted"
            self.target, self.before, self.rescued, audit = rescue(), None, True, True
            self._touched = {}
            value = self.target.normalise(value, None)
            if value is not None:
                self._note(self.target.write(value, audit))
        if audit:
            self._audited_at = now
        self.saved = value
        return True

    def _note(self, found_and_left: tuple) -> None:
        found, left = found_and_left
        record = left if left is not None else found
        if record is None:
            return
        if record.id in self._touched:
            self._touched[record.id][1] = left
        else:
            self._touched[record.id] = [found, left]

    def change(self) -> Change | None:
        """The whole session as one undo step (None if it changed nothing)."""
        target = self.target
        if self.saved == self.before:
            return None
        return Change.of(target.label, target.project,
                         [touch(target.where, target.table, found, left, target.fields)
                          for found, left in self._touched.values()])
