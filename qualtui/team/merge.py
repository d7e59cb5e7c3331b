"""Merge a colleague's copy of a project into this one.

``plan(ours, theirs)`` only reads and decides; ``apply(ours, plan)`` writes
through the services (durable and audited).  Nothing is dropped silently:
every item of the other project ends up added, matched, skipped as identical,
or reported as a conflict with what was done about it.

- Documents match by the SHA-256 of their text, never by name.  Unmatched ones
  are added with their text, turns and attributes, keeping their id if it is
  free (and their name, unless taken).
- Codes match by id, then by name (case-insensitive).  New codes are added with
  their parents (parents first).  Definitions missing here are filled in;
  differing ones are kept as they are here and reported.
- Codings match by (document, code, start, end, coder): coders are kept as
  they are, so codings by differently named coders are all kept.
- Speaker names (the ``speakers`` table: a label's canonical name and role) match
  by label; one missing here is added (with our role for that name, if we have
  one); a differing one keeps ours and is reported.
- Memos match by id; a memo with the same id but different content is a
  conflict: theirs is added as a new memo titled "... (merged from NAME)".  A
  coding whose memo differs keeps both texts, theirs appended under a marker.
Merging the same project again changes nothing.  The merge is one store
transaction: a kill leaves this project as it was before or after it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from qualtui.errors import QualtuiError
from qualtui.model import Code, Coding, Document, Memo, Transcript, new_id
from qualtui.progress import track
from qualtui.services.documents import text_sha256
from qualtui.services.memos import clean_memo_text
from qualtui.team.framework_merge import plan_summaries
from qualtui.team.merge_plan import MergePlan, NewDocument
from qualtui.text.normalise import clean_label, has_controls

if TYPE_CHECKING:
    from qualtui.project import Project

DEFINITION_FIELDS = ("description", "inclusion", "exclusion", "example")
_KEPT_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,99}")


def _own_id(other_id: str, taken: set[str] | dict) -> str:
    """Their id, kept when it is free and plain (ids name files and appear in output); else a new one."""
    return other_id if _KEPT_ID.fullmatch(other_id) and other_id not in taken else new_id()


def _code_name(code: Code) -> str:
    """Their code's name as it can be stored here (read cleaned; '/' separates parent and child)."""
    return code.name.replace("/", "-").strip() or "Unnamed code"


def _free_name(name: str, taken: set[str], project_name: str) -> str:
    if name.casefold() not in taken:
        return name
    base = clean_label(f"{name} (from {project_name})", 110)
    candidate, number = base, 2
    while candidate.casefold() in taken:
        candidate = f"{base} {number}"
        number += 1
    return candidate


class _Planner:
    def __init__(self, ours: "Project", theirs: "Project") -> None:
        self.ours = ours
        self.theirs = theirs
        self.plan = MergePlan(str(theirs.root), theirs.name)
        self.doc_map: dict[str, str] = {}       # their doc id -> our doc id
        self.code_map: dict[str, str] = {}      # their code id -> our code id
        self.coding_map: dict[str, str] = {}    # their coding id -> our coding id, for their coding memos
        self.memo_codings = {m.target for m in theirs.memos.all() if m.kind == "coding"}
        self.our_docs = ours.docs.all()
        self.doc_names: dict[str, str] = {d.id: d.name for d in self.our_docs}

    # speakers --------------------------------------------------------------
    def speakers(self) -> None:
        from qualtui.services.speakers import merge_speakers

        self.plan.speakers, notes = merge_speakers(self.ours.speakers.all(), self.theirs.speakers.all())
        for outcome, label, detail in notes:
            self.plan.note("speaker", outcome, label, detail)

    # documents -------------------------------------------------------------
    def documents(self) -> None:
        by_hash: dict[str, list[Document]] = {}
        for doc in self.our_docs:
            if not doc.sha256:
                self.ours.store.release_document(doc.id)
            digest = doc.sha256 or text_sha256(self.ours.docs.text(doc.id))
            by_hash.setdefault(digest, []).append(doc)
        taken_ids = {d.id for d in self.our_docs}
        taken_names = {d.name.casefold() for d in self.our_docs}
        for doc in self.theirs.docs.all():
            text = self.theirs.docs.text(doc.id)
            self.theirs.store.release_document(doc.id)   # one text held at a time (but an added one's)
            if has_controls(text):   # qualtui never stores such a text: the file was made or changed by hand
                self.plan.note("document", "conflict", doc.name, "its text holds control characters; not added",
                               doc.id)
                continue
            same = by_hash.get(text_sha256(text), [])
            if same:
                match = next((d for d in same if d.id == doc.id), same[0])
                self.doc_map[doc.id] = match.id
                detail = "same text" if match.name == doc.name else f"same text as {match.name} here"
                self.plan.note("document", "matched", doc.name, detail, doc.id, match.id)
                self._attributes(doc, match)
                continue
            doc_id = _own_id(doc.id, taken_ids)
            name = _free_name(doc.name or "Document", taken_names, self.theirs.name)
            taken_ids.add(doc_id)
            taken_names.add(name.casefold())
            self.doc_map[doc.id] = doc_id
            self.doc_names[doc_id] = name
            stored = replace(doc, id=doc_id, name=name)
            self.plan.documents.append(NewDocument(stored, text, tuple(self.theirs.docs.turns(doc.id, raw=True))))
            detail = f"{len(text)} characters" + (f"; named {name} here (the name is taken)" if name != doc.name else "")
            self.plan.note("document", "added", name, detail, doc.id, doc_id)

    def _attributes(self, theirs: Document, ours: Document) -> None:
        for key, value in sorted(theirs.attributes.items()):
            mine = ours.attributes.get(key)
            if mine is None:
                self.plan.attributes.append((ours.id, key, value))
                self.plan.note("attribute", "added", f"{ours.name}: {key}", value, theirs.id, ours.id)
            elif mine != value:
                self.plan.note("attribute", "conflict", f"{ours.name}: {key}",
                               f"kept {mine!r} here; theirs is {value!r}", theirs.id, ours.id)

    # codes -----------------------------------------------------------------
    def codes(self) -> None:
        our_codes = {c.id: c for c in self.ours.codes.all()}
        by_name = {c.name.casefold(): c for c in our_codes.values()}
        their_codes = self.theirs.codes.all()
        their_by_id = {c.id: c for c in their_codes}
        for _, code in self.theirs.codes.tree():
            path = self.theirs.codes.path(code, their_codes)
            name = _code_name(code)
            match = our_codes.get(code.id)
            how = "by id"
            if match is None:
                match = by_name.get(name.casefold())
                how = "by name (different ids)"
            if match is None:
                parent = self.code_map.get(code.parent) if code.parent else None
                new = replace(code, id=_own_id(code.id, our_codes), name=name, parent=parent)
                self.code_map[code.id] = new.id
                self.plan.codes.append(new)
                by_name[name.casefold()] = new
                our_codes[new.id] = new
                self.plan.note("code", "added", path, "", code.id, new.id)
                continue
            self.code_map[code.id] = match.id
            detail = how + (f"; named {match.name} here" if match.name != code.name else "")
            self.plan.note("code", "matched", path, detail, code.id, match.id)
            self._definitions(code, match, path)
            their_parent = self.code_map.get(code.parent) if code.parent else None
            if their_parent != match.parent and match.id not in {c.id for c in self.plan.codes}:
                here = our_codes[match.parent].name if match.parent in our_codes else "the top level"
                there = self.theirs.codes.path(their_by_id[code.parent], their_codes) \
                    if code.parent in their_by_id else "the top level"
                self.plan.note("code", "conflict", path, f"under {there} there; kept under {here} here",
                               code.id, match.id)

    def _definitions(self, theirs: Code, ours: Code, path: str) -> None:
        fill = {}
        for name in DEFINITION_FIELDS:
            mine, other = getattr(ours, name), getattr(theirs, name)
            if other and not mine:
                fill[name] = other
                self.plan.note("definition", "added", f"{path}: {name}", other, theirs.id, ours.id)
            elif other and mine != other:
                self.plan.note("definition", "conflict", f"{path}: {name}",
                               f"kept ours; theirs: {other}", theirs.id, ours.id)
        if fill:
            self.plan.definitions.append((ours.id, fill))

    # codings ---------------------------------------------------------------
    def codings(self) -> None:
        our_ids = {d.id for d in self.our_docs}
        # Per document here, until the last of theirs with its text: codings by key, and ids in use.
        known: dict[str, tuple[dict, set]] = {}
        left = Counter(self.doc_map.values())
        for their_doc in track(self.theirs.docs.all(), "comparing codings"):
            self._compare_codings(their_doc, our_ids, known)
            self.theirs.store.release_document(their_doc.id)
            doc_id = self.doc_map.get(their_doc.id)
            if doc_id is not None:
                left[doc_id] -= 1
                if not left[doc_id]:
                    del known[doc_id]
                    self.ours.store.release_document(doc_id)

    def _compare_codings(self, their_doc: Document, our_ids: set[str], known: dict[str, tuple[dict, set]]) -> None:
        doc_id = self.doc_map.get(their_doc.id)
        if doc_id is None:
            for coding in self.theirs.codings.for_document(their_doc.id):
                self.plan.note("coding", "conflict", f"{their_doc.name} [{coding.start}, {coding.end}) "
                               f"{coding.coder}", "its document was not added", coding.id)
            return
        name = self.doc_names[doc_id]
        if doc_id not in known:
            existing = self.ours.codings.for_document(doc_id) if doc_id in our_ids else []
            known[doc_id] = ({(c.code, c.start, c.end, c.coder): c for c in existing}, {c.id for c in existing})
        by_key, ids = known[doc_id]
        length = len(self.theirs.docs.text(their_doc.id))
        for coding in self.theirs.codings.for_document(their_doc.id):
            label = f"{name} [{coding.start}, {coding.end}) {coding.coder}"
            code_id = self.code_map.get(coding.code)
            if code_id is None:
                self.plan.note("coding", "conflict", label, "its code is missing in the other project; not added", coding.id)
                continue
            if not 0 <= coding.start < coding.end <= length:
                self.plan.note("coding", "conflict", label, "span outside the document; not added", coding.id)
                continue
            key = (code_id, coding.start, coding.end, coding.coder)
            mine = by_key.get(key)
            if mine is None:
                new = replace(coding, id=_own_id(coding.id, ids), document=doc_id,
                              code=code_id, memo=clean_memo_text(coding.memo) or None if coding.memo else None)
                ids.add(new.id)
                by_key[key] = new
                if coding.id in self.memo_codings:
                    self.coding_map[coding.id] = new.id
                self.plan.codings.setdefault(doc_id, []).append(new)
                self.plan.note("coding", "added", label, "", coding.id, new.id)
                continue
            if coding.id in self.memo_codings:
                self.coding_map[coding.id] = mine.id
            self._coding_memo(doc_id, mine, coding, label)

    def _coding_memo(self, doc_id: str, mine: Coding, theirs: Coding, label: str) -> None:
        other = clean_memo_text(theirs.memo or "").strip()
        current = (mine.memo or "").strip()
        if not other or other == current or (current and other in current):
            self.plan.note("coding", "identical", label, "", theirs.id, mine.id)
        elif not current:
            self.plan.coding_memos.append((doc_id, mine.id, other))
            self.plan.note("coding memo", "added", label, other, theirs.id, mine.id)
        else:
            merged = f"{current}\n\n[merged from {self.theirs.name}]\n{other}"
            self.plan.coding_memos.append((doc_id, mine.id, merged))
            self.plan.note("coding memo", "conflict", label, "the memos differ; both kept, theirs appended",
                           theirs.id, mine.id)

    # memos -----------------------------------------------------------------
    def memos(self) -> None:
        ours = {m.id: m for m in self.ours.memos.all()}
        contents = {(m.kind, m.target, m.text.strip()) for m in ours.values()}
        for memo in self.theirs.memos.all():
            label = f"{memo.kind} memo {memo.title or memo.text[:40]!r}".replace("\n", " ")
            target = self._memo_target(memo)
            if target is False:
                self.plan.note("memo", "conflict", label, f"about a {memo.kind} missing in the other project; not added",
                               memo.id)
                continue
            text = clean_memo_text(memo.text)
            content = (memo.kind, target, text.strip())
            mine = ours.get(memo.id)
            if mine is not None and (mine.kind, mine.target, mine.text.strip()) == content:
                if mine.title == memo.title:
                    self.plan.note("memo", "identical", label, "", memo.id, memo.id)
                else:
                    self.plan.note("memo", "conflict", label,
                                   f"same text, titled {mine.title!r} here and {memo.title!r} there; kept ours",
                                   memo.id, memo.id)
            elif content in contents:
                self.plan.note("memo", "identical", label, "the same text is already here", memo.id)
            elif mine is not None:
                title = clean_label(f"{memo.title or memo.kind + ' memo'} (merged from {self.theirs.name})")
                copy = replace(memo, id=new_id(), target=target, text=text, title=title)
                self.plan.memos.append(copy)
                contents.add(content)
                self.plan.note("memo", "conflict", label, "same memo edited differently; theirs added as a new memo",
                               memo.id, copy.id)
            else:
                copy = replace(memo, id=_own_id(memo.id, ours), target=target, text=text)
                self.plan.memos.append(copy)
                contents.add(content)
                self.plan.note("memo", "added", label, "", memo.id, copy.id)

    def _memo_target(self, memo: Memo) -> str | None | bool:
        """The id here of what the memo is about; None for project memos; False when it cannot be mapped."""
        if memo.kind == "project":
            return None
        mapping = {"document": self.doc_map, "code": self.code_map, "coding": self.coding_map}.get(memo.kind, {})
        return mapping.get(memo.target or "", False)


def plan(ours: "Project", theirs: "Project") -> MergePlan:
    """Decide what merging *theirs* into *ours* would do; reads only."""
    if ours.root.resolve() == theirs.root.resolve():
        raise QualtuiError("cannot merge a project into itself")
    planner = _Planner(ours, theirs)
    planner.documents()
    planner.speakers()
    planner.codes()
    planner.codings()
    planner.memos()
    planner.plan.summaries = plan_summaries(ours, theirs, planner.doc_map, planner.code_map, planner.plan.note)
    return planner.plan


def apply(ours: "Project", merge_plan: MergePlan) -> None:
    """Write the plan: documents, attributes, codes (parents first), codings, memos, as one transaction."""
    with ours.store.transaction("merge"):
        _apply(ours, merge_plan)


def _apply(ours: "Project", merge_plan: MergePlan) -> None:
    for new in track(merge_plan.documents, "adding documents"):
        d = new.doc
        ours.docs.add(Transcript(new.text, new.turns, d.source_format), d.name, source=d.source,
                      attributes=d.attributes, doc_id=d.id, created=d.created or None,
                      imported_by=d.imported_by or None)
    for doc_id, key, value in merge_plan.attributes:
        ours.docs.set_attribute(doc_id, key, value)
    if merge_plan.speakers:
        ours.speakers.put(merge_plan.speakers)
    if merge_plan.codes:
        ours.codes.put(merge_plan.codes)
    for code_id, fields in merge_plan.definitions:
        ours.codes.update(code_id, **fields)
    ours.codings.put([c for items in merge_plan.codings.values() for c in items])
    for doc_id, coding_id, memo in merge_plan.coding_memos:
        ours.codings.update(doc_id, coding_id, memo=memo)
    if merge_plan.memos:
        ours.memos.put(merge_plan.memos)
    if merge_plan.summaries:
        ours.framework.put(merge_plan.summaries)
    counts = merge_plan.counts()
    ours.audit("merge", other=merge_plan.other_root, other_name=merge_plan.other_name,
               summary={f"{kind} {outcome}": n for (kind, outcome), n in sorted(counts.items())})


def merge(ours: "Project", theirs: "Project", *, dry_run: bool = False,
          before_writing: Callable[[], Any] | None = None) -> MergePlan:
    """Plan and apply in one transaction: the plan is made from data nobody changes until it is written.

    *before_writing* runs inside it, once there is something to write (the CLI takes its backup there).
    """
    if dry_run:
        return plan(ours, theirs)
    with ours.store.transaction("merge"):
        merge_plan = plan(ours, theirs)
        if merge_plan.changes:
            if before_writing is not None:
                before_writing()
            _apply(ours, merge_plan)
    return merge_plan
