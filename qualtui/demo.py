"""The demo project built from ``sample_transcripts/`` (fictional interviews)."""

from __future__ import annotations

import sys
from pathlib import Path

from qualtui.errors import QualtuiError
from qualtui.project import Project


def samples_dir() -> Path:
    """The bundled transcripts: the source checkout's folder, else the installed copy."""
    candidates = [
        Path(__file__).resolve().parent.parent / "sample_transcripts",
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


def create_demo(path: Path) -> Project:
    from qualtui.importers import read_transcript

    project = Project.init(path, name="Peer support in inpatient rehabilitation (demo)")
    for file in sorted(samples_dir().iterdir()):
        if file.name.lower().startswith("readme") or file.suffix.lower() not in (".txt", ".docx", ".vtt"):
            continue
        transcript = read_transcript(file)
        project.docs.add(transcript, file.stem, source=file.name)
    return project
