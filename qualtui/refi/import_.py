"""Import a REFI-QDA project (.qdpx / .qde) as a new qualtui project, or a codebook (.qdc) into one.

Lenient about vendor variants (``qualtui.refi.reader``, ``qualtui.refi.offsets``),
strict about safety (``safezip``; no DTDs), and honest: the report lists what
was imported, what was skipped and why, and which offset convention was used.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from qualtui.errors import ImportRejected, QualtuiError
from qualtui.importers.speakers import detect_turns
from qualtui.model import Code, Transcript
from qualtui.progress import track
from qualtui.refi.archive import Archive, read_input
from qualtui.refi.import_codes import CodeNames, code_records
from qualtui.refi.import_plan import ImportPlan, ImportReport
from qualtui.refi.reader import RCode, codebook_leftovers, read_codebook
from qualtui.refi.xmlread import local, parse_xml
from qualtui.refi.xmlwrite import datetime_or_none
from qualtui.text.normalise import clean_label, text_from_path

if TYPE_CHECKING:
    from qualtui.project import Project


def _prepare_target(target: Path) -> None:
    if target.exists():
        if not target.is_dir():
            raise QualtuiError(f"{target} exists and is not a folder")
        if any(target.iterdir()):
            raise QualtuiError(f"{target} is not empty; give a new folder for the imported project")


def import_qdpx(source: Path, target: Path, *, coder: str | None = None) -> ImportReport:
    """Create a new project at ``target`` from a .qdpx (or bare .qde); all or nothing."""
    from qualtui.team.identity import resolve_coder
    from qualtui.project import Project

    from qualtui.safeio.output_paths import refuse_inside_any_project
    from stores.layout import building_path

    source, target = Path(source), Path(target).expanduser()
    refuse_inside_any_project(target)
    _prepare_target(target)
    if not target.parent.is_dir():
        raise QualtuiError(f"folder {target.parent} does not exist")
    label = clean_label(text_from_path(source.name)) or "the file"
    plan = ImportPlan(Archive.open_file(source, label), label)
    plan.read()
    coder = resolve_coder(coder)
    plan.build(coder)
    staging = building_path(target, os.getpid())
    if staging.exists():
        shutil.rmtree(staging)
    try:
        project = Project.init(staging, name=clean_label(plan.rp.name) or text_from_path(source.stem), coder=coder)
        _write(project, plan, label)
        if target.exists():
            target.rmdir()
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    from stores.atomic import fsync_dir

    fsync_dir(target.parent)
    report = plan.report
    report.target = target
    return report


def _write(project: "Project", plan: ImportPlan, label: str) -> None:
    """Documents, then their codings, a document at a time; then codes and memos."""
    report = plan.report
    for doc in track(plan.docs, "adding documents"):
        text = plan.text_of(doc).text
        src = doc.source
        project.docs.add(Transcript(text, tuple(detect_turns(text)), "refi-qda"), doc.name, source=label,
                         attributes=plan.attributes.get(doc.doc_id), doc_id=doc.doc_id,
                         created=datetime_or_none(src.created), imported_by=plan.user(src.user))
        project.store.release_document(doc.doc_id)
    for doc, codings in track(plan.codings(), "adding codings", total=len(plan.docs)):
        if codings:
            project.codings.put(codings)
        project.store.release_document(doc.doc_id)
    plan.finish()
    codes = [Code(**{**c.to_record(), "codable": True}) if c.id in plan.fixed_codable else c for c in plan.codes]
    if plan.fixed_codable:
        report.notes.append(f"{len(plan.fixed_codable)} code(s) marked not codable had codings; made codable")
    if codes:
        project.codes.put(codes)
    if plan.memos:
        project.memos.put(plan.memos)
    if plan.summaries:
        project.framework.put(plan.summaries)
    users = plan.coders | {m.author for m in plan.memos}
    report.counts.update({
        "documents": len(plan.docs), "codes": len(codes), "codings": plan.codings_added, "memos": len(plan.memos),
        **({"framework summaries": len(plan.summaries)} if plan.summaries else {}),
        "attributes": sum(len(a) for a in plan.attributes.values()), "users": len(users),
    })
    project.audit("import.qdpx", source=label, **{k: v for k, v in report.counts.items()})


# -- .qdc -> current project ------------------------------------------------------

def import_qdc(project: "Project", source: Path) -> ImportReport:
    """Add a codebook's codes to ``project``, merging codes that match by GUID, then by name."""
    source = Path(source)
    label = clean_label(text_from_path(source.name)) or "the file"
    data = read_input(source, label)
    if data.startswith(b"PK"):
        archive = Archive.open(data, label)
        data, label = archive.qde, archive.qde_name
    root = parse_xml(data, label)
    if local(root.tag) not in ("CodeBook", "Project"):
        raise ImportRejected(f"{label} is not a REFI-QDA codebook (root element is {clean_label(local(root.tag))!r})")
    tree = read_codebook(root)
    if not tree:
        raise ImportRejected(f"{label} has no codes")
    with project.store.transaction("import-qdc"):  # all codes or none; matched against fresh data
        existing = project.codes.all()
        by_id = {c.id: c for c in existing}
        by_name = {c.name.casefold(): c for c in existing}
        used = set(by_id)

        def match(rc: RCode):
            if rc.guid and rc.guid in by_id:
                return by_id[rc.guid].id, "same GUID"
            name = clean_label(rc.name, 100).replace("/", "-").casefold()
            if name and name in by_name:
                return by_name[name].id, f"same name as {by_name[name].name!r}"
            return None

        names = CodeNames([c.name for c in existing], fallback="Unnamed code")
        codes, _ids, merges = code_records(tree, project.coder, used, names, match, palette_offset=len(existing))
        report = ImportReport(target=project.root)
        report.skipped, report.notes = codebook_leftovers(root)
        if codes:
            project.codes.put(codes)
        report.counts.update({"codes": len(codes), "merged codes": len(merges)})
        if merges:
            report.notes.append("merged into existing codes (kept as they were): " + "; ".join(merges))
        for old, new in names.renamed:
            report.notes.append(f"code {clean_label(old) or '(no name)'!r} renamed to {new!r}")
        project.audit("import.qdc", source=label, codes=[c.id for c in codes], merged=len(merges))
    return report
