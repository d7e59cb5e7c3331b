"""``qualtui check --repair``: fix what is safe to fix, after a full backup.

Transcript text is never changed.  An operation a kill interrupted after its
commit point is finished first; then every data fix is one transaction.  Everything a repair removes (codings,
orphaned files, damaged turn or codings files, a torn audit line) is first
saved in ``backups/repair-<time>/`` next to the pre-repair backup.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from stores import ProjectStore, SCHEMA_VERSION
from stores.atomic import atomic_write_bytes, ensure_dir
from stores.layout import ProjectLayout, document_of, is_leftover_temp_file
from stores.project_store import META_ID, read_permissions
from qualtui.safety.integrity import (
    INTERRUPTED,
    Problem,
    ProjectFiles,
    load_files,
)
from qualtui.safety.rules import find_cycles, invalid_coding, is_torn_audit_fragment
from qualtui.services.indexes import INDEXES
from qualtui.team.identity import resolve_coder


@dataclass
class RepairReport:
    backup: Path | None = None
    saved: Path | None = None  # where removed things were kept
    fixed: list[str] = field(default_factory=list)
    remaining: list[Problem] = field(default_factory=list)


def repair(root: str | os.PathLike, coder: str | None = None) -> RepairReport:
    from qualtui.safety.backup import write_backup

    root = Path(root)
    report = RepairReport()
    problems, files = load_files(root)
    if any(p.kind == INTERRUPTED and p.repairable for p in problems):
        store = ProjectStore(root, read_permissions(root))
        report.fixed.extend(f"interrupted: {line}" for line in store.finish_interrupted())
        problems, files = load_files(root)
    if not problems:
        _audit(root, files, report, coder)
        return report
    if files.data is None or not any(p.repairable for p in problems):
        report.remaining = problems
        return report
    report.backup = write_backup(root, prefix="before-repair-")
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    report.saved = ProjectLayout(root).backups_dir / f"repair-{stamp}"
    fixer = _Fixer(root, files, report)
    fixer.fix(problems)
    report.remaining = load_files(root)[0]
    _audit(root, files, report, coder)
    if report.saved is not None and not report.saved.exists():
        report.saved = None
    return report


def _audit(root: Path, files: ProjectFiles, report: RepairReport, coder: str | None) -> None:
    if report.fixed:
        ProjectStore(root, files.perms).audit({"coder": resolve_coder(coder), "action": "repair",
                           "fixed": dict(Counter(line.split(":")[0] for line in report.fixed)),
                           "backup": report.backup.name if report.backup else None})


class _Fixer:
    def __init__(self, root: Path, files: ProjectFiles, report: RepairReport) -> None:
        self.root = root
        self.files = files
        self.report = report
        self.store = ProjectStore(root, files.perms, INDEXES)

    def done(self, kind: str, message: str) -> None:
        self.report.fixed.append(f"{kind}: {message}")

    def keep(self, name: str, payload: bytes) -> None:
        assert self.report.saved is not None
        ensure_dir(self.report.saved, self.files.perms)
        atomic_write_bytes(self.report.saved / name, payload, self.files.perms)

    def fix(self, problems: list[Problem]) -> None:
        kinds = defaultdict(list)
        for problem in problems:
            if problem.repairable:
                kinds[problem.kind].append(problem)
        with self.store.transaction("check --repair"):  # every data fix lands together, or none does
            self.fix_data(kinds)
        for problem in kinds["temp-file"]:
            path = self.root / problem.where
            if is_leftover_temp_file(path.name):
                path.unlink(missing_ok=True)
                self.done("temp-file", f"removed {problem.where}")
        if kinds["codings-index"]:  # from the codings files as repaired above
            self.store.coding_index.rebuild(list(self.files.documents))
            self.done("codings-index", "rebuilt the codings index from the codings files")
        if kinds["turns-index"]:
            self.store.turn_index.rebuild(list(self.files.documents))
            self.done("turns-index", "rebuilt the turns index from the turns files")
        if kinds["columns-index"]:  # from the codings files as repaired above
            self.store.columns_index.rebuild(list(self.files.documents))
            self.done("columns-index", "rebuilt the coding-columns index from the codings files")
        for problem in kinds["permissions"]:
            path = self.root / problem.where
            if not path.exists():  # moved away by an earlier step
                continue
            mode = self.files.perms.dir_mode if path.is_dir() else self.files.perms.file_mode
            os.chmod(path, mode)
            self.done("permissions", f"set {problem.where} to {mode:04o}")

    def fix_data(self, kinds: dict[str, list[Problem]]) -> None:
        if kinds["meta"]:
            self.fix_meta()
        if kinds["folder"]:
            self.store.ensure_dir(self.store.documents_dir)
            self.done("folder", "recreated the documents folder")
        for problem in kinds["orphan-file"]:
            path = self.root / problem.where
            self.keep(path.name, path.read_bytes())
            self.store.delete_file(path)
            self.done("orphan-file", f"moved {problem.where} to {self.report.saved.name}/")
        if kinds["code-parent"] or kinds["code-cycle"]:
            self.fix_codebook()
        for problem in kinds["codings-file"]:
            self.fix_codings_file(self.root / problem.where)
        if kinds["coding"]:
            self.fix_codings()
        for problem in kinds["turns"]:
            self.fix_turns(self.root / problem.where)
        if kinds["memo"]:
            self.fix_memos()
        if kinds["framework"]:
            self.fix_framework()
        if kinds["speaker"]:
            self.fix_speakers()
        if kinds["audit-torn"]:
            self.fix_audit()

    def fix_meta(self) -> None:
        shared = bool(os.stat(self.root).st_mode & 0o2000)
        self.store.project.put("meta", {"id": META_ID, "schema": SCHEMA_VERSION, "shared_group": shared,
                                        "created": "", "name": self.root.name})
        self.done("meta", "recreated the project metadata")

    def fix_codebook(self) -> None:
        def apply(table: dict) -> list[str]:
            changed = []
            for key, record in table.items():
                if record.get("parent") is not None and record["parent"] not in table:
                    table[key] = dict(record, parent=None)
                    changed.append(key)
            for cycle in find_cycles(table):
                first = min(cycle)
                table[first] = dict(table[first], parent=None)
                changed.append(first)
            return changed

        for code_id in self.store.project.mutate("codes", apply):
            self.done("code", f"moved code {code_id} to the top level")

    def fix_codings_file(self, path: Path) -> None:
        if path.exists():
            self.keep(path.name, path.read_bytes())
            self.store.delete_file(path)
        self.store.document_file(document_of(path.name)[1]).ensure_exists()
        self.done("codings-file", f"replaced {self.store.layout.relative(path)} with an empty codings file")

    def fix_codings(self) -> None:
        codes = self.store.project.raw("codes")
        for doc_id, record in self.files.documents.items():
            length = record.get("length")
            try:
                length = len(self.store.read_text(doc_id))
            except Exception:  # missing or damaged text: only the structural checks apply
                pass

            def apply(table: dict) -> dict:
                bad = {k: v for k, v in table.items() if invalid_coding(k, v, doc_id, length, codes)}
                for key in bad:
                    del table[key]
                return bad

            rf = self.store.document_file(doc_id)
            try:
                removed = rf.mutate("codings", apply) if rf.path.exists() else {}
            except Exception:  # damaged file: handled by fix_codings_file
                continue
            if removed:
                self.keep(f"codings-{doc_id}.json", json.dumps(removed, ensure_ascii=False, indent=1).encode())
                self.done("coding", f"removed {len(removed)} invalid coding(s) from document {doc_id} "
                          f"(kept in {self.report.saved.name}/codings-{doc_id}.json)")

    def fix_turns(self, path: Path) -> None:
        from qualtui.importers.speakers import detect_turns
        from qualtui.services.documents import turn_fields

        doc_id = document_of(path.name)[1]
        try:
            text = self.store.read_text(doc_id)
        except Exception:
            return  # without the text, turns cannot be rebuilt
        if path.exists():
            self.keep(path.name, path.read_bytes())
        turns = detect_turns(text)
        self.store.write_json(path, [t.to_record() for t in turns])
        self.store.project.mutate("documents", lambda table: table.__setitem__(
            doc_id, dict(table[doc_id], **turn_fields(turns))))
        self.done("turns", f"rebuilt the speaker turns of document {doc_id} from its text")

    def fix_memos(self) -> None:
        from qualtui.safety.integrity import memo_target_exists
        from qualtui.model import MEMO_KINDS, Memo

        def apply(table: dict) -> list[str]:
            moved = []
            for key, record in table.items():
                try:
                    memo = Memo.from_record(record)
                except TypeError:
                    continue
                if memo.kind not in MEMO_KINDS or not memo_target_exists(memo, self.files):
                    title = f"(was about a removed {memo.kind}) {memo.title}".strip()
                    table[key] = dict(record, kind="project", target=None, title=title)
                    moved.append(key)
            return moved

        for memo_id in self.store.project.mutate("memos", apply):
            self.done("memo", f"kept memo {memo_id} as a project memo (what it was about is gone)")

    def fix_framework(self) -> None:
        """A Framework summary whose document or code is gone becomes a project memo, so its text stays."""
        from qualtui.model import Memo, new_id, now_iso
        from qualtui.services.framework import orphan, readable

        def apply(tables: dict) -> list[str]:
            summaries, memos = tables.setdefault("framework", {}), tables.setdefault("memos", {})
            moved = [k for k, r in summaries.items()
                     if readable(k, r) and orphan(r, self.files.documents, self.files.codes)]
            for key in moved:
                record = summaries.pop(key)
                memo = Memo(id=new_id(), kind="project", text=record["text"], author=record.get("author") or "",
                            title="Framework summary (its document or code was removed)", created=now_iso(),
                            modified=now_iso())
                memos[memo.id] = memo.to_record()
            return moved

        for key in self.store.project.mutate_tables(apply):
            self.done("framework", f"kept framework summary {key} as a project memo (its cell is gone)")

    def fix_speakers(self) -> None:
        """Remove damaged speaker records (kept in the repair folder as they were)."""
        from qualtui.services.speakers import TABLE, damage

        def apply(table: dict) -> dict:
            return {key: table.pop(key) for key in [k for k, r in table.items() if damage(r) is not None]}

        removed = self.store.project.mutate(TABLE, apply)
        if removed:
            self.keep("speakers-removed.json", json.dumps(removed, ensure_ascii=False, indent=1).encode("utf-8"))
        for key in removed:
            self.done("speaker", f"removed the damaged speaker record {key}")

    def fix_audit(self) -> None:
        """Move entries cut short by a crash (mid-log or last) out of the log; readable ones stay."""
        path = self.store.layout.audit_log
        raw = self.store.read_bytes(path)
        lines = raw.split(b"\n")
        tail = lines.pop()
        torn = [line for line in lines if is_torn_audit_fragment(line)] + ([tail] if tail else [])
        if not torn:
            return
        self.keep("audit-torn-lines.txt", b"\n".join(torn) + b"\n")
        kept = [line for line in lines if not is_torn_audit_fragment(line)]
        self.store.rewrite_audit(b"".join(line + b"\n" for line in kept))
        self.done("audit", f"removed {len(torn)} audit entr{'y' if len(torn) == 1 else 'ies'} cut short by a crash "
                           f"(kept in {self.report.saved.name}/audit-torn-lines.txt)")

