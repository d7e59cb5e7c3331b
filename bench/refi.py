"""REFI-QDA export and import of a large project: 50 documents x 1,000 codings each.

    python bench/refi.py [--docs 50] [--codings 1000]

Prints the time to build the project (not measured against any target), to
export it as .qdpx and to import that .qdpx as a new project (target: under
5 s each on a 2-core machine; qc takes 87.6 s to import a project this size).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qualtui.importers.speakers import detect_turns  # noqa: E402
from qualtui.model import Transcript  # noqa: E402
from qualtui.project import Project  # noqa: E402
from qualtui.refi.export import export_qdpx  # noqa: E402
from qualtui.refi.import_ import import_qdpx  # noqa: E402

WORDS = ("the ward was hard at first but the other patients helped me a lot and the staff were kind "
         "mostly I never felt listened to until a nurse sat with me café 😀 and we talked").split()


def transcript(rng: random.Random, turns: int = 300) -> str:
    lines = []
    for i in range(turns):
        speaker = "Interviewer" if i % 2 == 0 else "Participant"
        lines.append(f"{speaker}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))) + ".")
    return "\n".join(lines) + "\n"


def build(root: Path, n_docs: int, n_codings: int, rng: random.Random) -> Project:
    project = Project.init(root, name="bench", coder="ana")
    themes = [project.codes.create(f"Theme {i}", codable=False, description=f"theme {i}") for i in range(5)]
    codes = [project.codes.create(f"Code {i}", parent=themes[i % 5].id, inclusion="when it fits")
             for i in range(40)]
    for d in range(n_docs):
        text = transcript(rng)
        doc = project.docs.add(Transcript(text, tuple(detect_turns(text)), "txt"), f"P{d:02d}",
                               attributes={"group": rng.choice(["staff", "patient"]), "site": f"S{d % 4}"})
        starts = [i + 1 for i, ch in enumerate(text) if ch == " "]
        spans = []
        while len(spans) < n_codings:
            a = rng.choice(starts)
            b = min(len(text), a + rng.randint(10, 400))
            spans.append((rng.choice(codes).id, a, b))
        project.codings.add_many(doc.id, spans, coder=rng.choice(["ana", "ben"]))
        project.memos.add("document", f"memo about P{d:02d}", target=doc.id)
    project.memos.add("project", "journal entry")
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50)
    parser.add_argument("--codings", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(6)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        t0 = time.perf_counter()
        project = build(tmp_path / "big", args.docs, args.codings, rng)
        t1 = time.perf_counter()
        total = sum(1 for _ in project.codings.iter_all())
        print(f"built {args.docs} documents, {total:,} codings in {t1 - t0:.1f} s (setup, not a target)")
        c1 = time.process_time()
        result = export_qdpx(project, tmp_path / "big.qdpx")
        t2, c2 = time.perf_counter(), time.process_time()
        size = (tmp_path / "big.qdpx").stat().st_size
        print(f"export: {t2 - t1:.2f} s wall, {c2 - c1:.2f} s CPU  ({size / 1e6:.1f} MB .qdpx, {result.counts['codings']:,} codings, "
              f"{result.counts['selections']:,} selections)")
        report = import_qdpx(tmp_path / "big.qdpx", tmp_path / "copy", coder="ana")
        t3, c3 = time.perf_counter(), time.process_time()
        print(f"import: {t3 - t2:.2f} s wall, {c3 - c2:.2f} s CPU  ({report.counts['documents']} documents, {report.counts['codings']:,} codings)")
        copy = Project.open(tmp_path / "copy")
        assert sum(1 for _ in copy.codings.iter_all()) == total
        for label, seconds in (("export", t2 - t1), ("import", t3 - t2)):
            print(f"{label} {'within' if seconds < 5 else 'OVER'} the 5 s target")


if __name__ == "__main__":
    main()
