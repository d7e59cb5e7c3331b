"""Building the demo project: read the bundled transcripts, locate every passage, then write the project.

Everything is read and located before the project folder is touched; a failure half-way removes what was
created.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from qualtui.demo.content import (ALICE, BOB, CODE_MEMO, CODE_MEMO_CODE, DEMO_NAME, JOURNAL, JOURNAL_TITLE,
                                  PASSAGES, SAMPLES, THEMES, Passage)
from qualtui.errors import QualtuiError
from qualtui.model import Transcript
from qualtui.project import Project


def samples_dir() -> Path:
    """The bundled transcripts: the source checkout's folder, else the installed copy."""
    candidates = [
        Path(__file__).resolve().parents[2] / "sample_transcripts",
        Path(sys.prefix) / "share" / "qualtui" / "sample_transcripts",
    ]
    for folder in candidates:
        if folder.is_dir() and any(folder.iterdir()):
            return folder
    raise QualtuiError("the demo transcripts are not installed (reinstall qualtui)")


def default_demo_path(cwd: Path) -> Path:
    candidate = cwd / "qualtui-demo"
    n = 2
    while candidate.exists():
        candidate = cwd / f"qualtui-demo-{n}"
        n += 1
    return candidate


def _span_of(text: str, first: str, last: str | None = None, *, where: str = "the text") -> tuple[int, int]:
    """From the only occurrence of ``first`` to the end of the first ``last`` ending at or after it."""
    count = text.count(first)
    if count != 1:
        problem = "not found" if count == 0 else f"found {count} times"
        raise QualtuiError(f"demo data out of date: {first!r} {problem} in {where}")
    start = text.index(first)
    if last is None:
        return start, start + len(first)
    end = text.find(last, start)
    while 0 <= end < start + len(first) - len(last):
        end = text.find(last, end + 1)
    if end < 0:
        raise QualtuiError(f"demo data out of date: {last!r} not found after {first!r} in {where}")
    return start, end + len(last)


def _read_samples(folder: Path) -> dict[str, Transcript]:
    from qualtui.importers import read_transcript

    transcripts: dict[str, Transcript] = {}
    for sample in SAMPLES:
        path = folder / sample.file
        if not path.is_file():
            raise QualtuiError(f"the demo transcript {sample.file} is missing from {folder} (reinstall qualtui)")
        transcripts[sample.name] = read_transcript(path)
    return transcripts


def locate_passages(transcripts: Mapping[str, Transcript]) -> list[tuple[Passage, int, int]]:
    """Every planned passage with its span in the imported text; raises if any cannot be found."""
    return [(p, *_span_of(transcripts[p.document].text, p.first, p.last, where=p.document)) for p in PASSAGES]


def _refuse_non_empty(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise QualtuiError(f"{path} exists and is not a folder; choose a new folder for the demo")
    if path.is_dir() and any(path.iterdir()):
        raise QualtuiError(f"{path} is not empty; give a new or empty folder for the demo "
                           "(or no PATH, for ./qualtui-demo)")


def create_demo(path: Path) -> Project:
    from qualtui.safeio.output_paths import refuse_inside_any_project

    path = Path(path).expanduser()
    refuse_inside_any_project(path)
    _refuse_non_empty(path)
    transcripts = _read_samples(samples_dir())
    located = locate_passages(transcripts)
    existed = path.exists()
    try:
        return _build(path, transcripts, located)
    except BaseException:
        _remove_partial(path, existed)
        raise


def _remove_partial(path: Path, existed: bool) -> None:
    """Undo a half-built demo: the folder was new or empty before, so everything in it is ours."""
    if not path.is_dir():
        return
    if existed:
        for child in path.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _build(path: Path, transcripts: Mapping[str, Transcript], located: list[tuple[Passage, int, int]]) -> Project:
    alice = Project.init(path, name=DEMO_NAME, coder=ALICE)
    bob = Project.open(path, coder=BOB)
    by_coder = {ALICE: alice, BOB: bob}
    docs = {}
    for sample in SAMPLES:
        docs[sample.name] = alice.docs.add(transcripts[sample.name], sample.name, source=sample.file,
                                           attributes={"group": sample.group, "role": sample.role})
    codes = {}
    for theme in THEMES:
        parent = alice.codes.create(theme.name, color=theme.color, description=theme.description, codable=False)
        for spec in theme.codes:
            codes[spec.name] = alice.codes.create(
                spec.name, parent=parent.id, color=spec.color, description=spec.description,
                inclusion=spec.inclusion, exclusion=spec.exclusion, example=spec.example).id
    batches: dict[tuple[str, str], list[tuple[str, int, int]]] = {}
    for passage, start, end in located:
        doc_id = docs[passage.document].id
        if passage.memo:
            by_coder[passage.coder].codings.add(doc_id, codes[passage.code], start, end, memo=passage.memo,
                                                coder=passage.coder)
        else:
            batches.setdefault((doc_id, passage.coder), []).append((codes[passage.code], start, end))
    for (doc_id, coder), spans in batches.items():
        by_coder[coder].codings.add_many(doc_id, spans, coder=coder)
    alice.memos.add("project", JOURNAL, title=JOURNAL_TITLE)
    bob.memos.add("code", CODE_MEMO, target=codes[CODE_MEMO_CODE], title="Where tensions end and attitudes begin")
    return alice
