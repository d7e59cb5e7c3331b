"""Keeping the coding screen in step with the disk: its own edits from records, other processes' by polling.

``CodingSync`` is owned by the coding screen.  After an edit of this process it
updates the screen's codings from the records the ``EditPipeline`` handed back
and notes the new file signatures, so the 2-second poll does not read back what
was just written; the poll reads only files whose signature changed since
(another coder's edits, a CLI command).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from textual.screen import Screen

from qualtui.model import Coding
from tui.edit_pipeline import CODEBOOK, CODING_CHANGED, CODINGS_ADDED, CODINGS_REMOVED, EDIT_ERRORS, UNDONE, \
    Outcome


class DocSummary:
    """Counts per (code, coder) and characters coded per coder of one document, for one file signature."""

    def __init__(self, tally) -> None:  # a qualtui.services.coding_counts.DocCounts (from CodingService.tallies)
        self.signature = tally.signature
        self.counts: Counter[tuple[str, str]] = Counter(tally.codes)
        self.covered: dict[str, int] = tally.covered
        self.covered_all: int = tally.covered_all


class CodingSync:
    def __init__(self, screen: Screen) -> None:
        self.screen: Any = screen  # a CodingScreen (not imported: that module imports this one)
        self.summaries: dict[str, DocSummary] = {}
        self.doc_signature: tuple | None = None  # of the open document's codings file, as last read or written
        self.change_token: tuple | None = None   # of the project file, as last read or written

    # reading --------------------------------------------------------------------------------------
    def reload_codebook(self) -> None:
        screen = self.screen
        project = screen.project
        codes = project.codes.all()
        screen.codes = {c.id: c for c in codes}
        screen.code_tree = project.codes.tree()
        screen.paths = {c.id: project.codes.path(c, codes) for c in codes}
        self.change_token = project.change_token()

    def reload_codings(self) -> None:
        """Re-read the open document's codings (after an undo, or another process's change)."""
        screen = self.screen
        if screen.doc is None:
            return
        self.doc_signature = screen.project.docs.signature(screen.doc.id)
        screen.all_codings = screen.project.codings.for_document(screen.doc.id)
        self.summaries[screen.doc.id] = DocSummary(screen.project.codings.summarise(screen.all_codings,
                                                                                    self.doc_signature))
        screen.show_codings()

    def reload_all(self) -> None:
        self.reload_codebook()
        if self.screen.doc is None:
            self.screen.refresh_side()
        else:
            self.reload_codings()

    def refresh_summaries(self) -> bool:
        """Recount documents whose codings file changed: a stat per document, counts from the codings
        index (no codings file is read unless its index entry is stale).  Whether any count changed."""
        try:
            tallies = self.screen.project.codings.tallies()
        except EDIT_ERRORS as exc:  # a damaged codings file: say so once, keep the counts shown
            self.screen.report("count the codings", exc, once=True)
            return False
        changed = False
        for doc_id in list(self.summaries):
            if doc_id not in tallies:
                del self.summaries[doc_id]
                changed = True
        for doc_id, tally in tallies.items():
            summary = self.summaries.get(doc_id)
            if summary is None or summary.signature != tally.signature:
                self.summaries[doc_id] = DocSummary(tally)
                changed = True
        return changed

    def counts(self, summary: DocSummary, coder: str | None) -> Counter[str]:
        """Codings per code in *summary*, of *coder* only (None: every coder)."""
        counts: Counter[str] = Counter()
        for (code, who), n in summary.counts.items():
            if coder is None or who == coder:
                counts[code] += n
        return counts

    def coders(self) -> list[str]:
        """The other coders with codings in the documents counted so far."""
        names = {coder for s in self.summaries.values() for _, coder in s.counts}
        names.discard(self.screen.project.coder)
        return sorted(names, key=str.casefold)

    # this process's edits -------------------------------------------------------------------------
    def edited(self, outcome: Outcome) -> None:
        if outcome.kind in (CODINGS_ADDED, CODINGS_REMOVED, CODING_CHANGED):
            self.apply_records(outcome.kind, _as_list(outcome.records), outcome.document)
        elif outcome.kind == CODEBOOK:
            self.reload_codebook()
            self.screen.show_codings()
        elif outcome.kind == UNDONE and outcome.files:  # read back only the files the step wrote
            doc = self.screen.doc
            if None in outcome.files:
                self.reload_codebook()
            if doc is not None and doc.id in outcome.files:
                self.reload_codings()
            else:
                self.screen.show_codings()
        else:  # a restructuring or memos: what changed is not in the message
            self.reload_all()

    def apply_records(self, kind: str, records: list[Coding], document: str | None) -> None:
        screen = self.screen
        if any(c.code not in screen.codes for c in records):
            self.reload_codebook()  # the edit created the code too
        else:
            self.change_token = screen.project.change_token()  # our own write: not a change to poll for
        if screen.doc is None or document != screen.doc.id:
            screen.refresh_side()  # another document: its counts are re-read where its file changed
            return
        changed = {c.id: c for c in records}
        kept = [c for c in screen.all_codings if c.id not in changed]
        if kind != CODINGS_REMOVED:
            kept.extend(changed.values())
        screen.all_codings = sorted(kept, key=lambda c: (c.start, c.end, c.id))
        # The signature of the file just written, so the poll does not read it back.  (A colleague's write in
        # the microseconds between ours and this stat would show with their next write.)
        self.doc_signature = screen.project.docs.signature(screen.doc.id)
        self.summaries[screen.doc.id] = DocSummary(screen.project.codings.summarise(screen.all_codings,
                                                                                    self.doc_signature))
        screen.show_codings()

    # other processes' edits -----------------------------------------------------------------------
    def poll(self) -> None:
        screen = self.screen
        project = screen.project
        if project.change_token() != self.change_token:
            self.reload_codebook()
            if screen.doc is not None and screen.doc.id not in {d.id for d in project.docs.all()}:
                screen.doc = None
                docs = project.docs.all()
                screen.notify("The open document was deleted by someone else.", severity="warning")
                if docs:
                    screen.open_document(docs[0].id)
            screen.show_codings()
        if screen.doc is not None and project.docs.signature(screen.doc.id) != self.doc_signature:
            self.reload_codings()
        elif screen.doc is not None and self.refresh_summaries():
            screen.refresh_side()  # another process coded another document: the project counts show it


def _as_list(records) -> list[Coding]:
    return list(records) if isinstance(records, (list, tuple)) else [records]
