"""Benchmark inter-coder agreement and merging on a synthetic project and print figures.

    /tmp/dev/bin/python bench/agreement.py [--docs 30] [--words 10000] [--codes 40] [--codings 3000] [--coders 3]

Builds a project (documents with Interviewer/participant turns, a flat
codebook, each coder's random codings, half of them copied with jittered
boundaries from the first coder so there is real agreement), then times
``load``, ``report`` and ``disagreements`` for char and turn units, and a
merge of a copy with extra codings (plan and apply, then a no-op re-merge).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qualtui.team.agreement import disagreements, load, report  # noqa: E402
from qualtui.importers.plain import read_plain  # noqa: E402
from qualtui.team.merge import merge  # noqa: E402
from qualtui.model import Coding, new_id  # noqa: E402
from qualtui.project import Project  # noqa: E402

WORDS = "the ward was hard at first but the other patients helped me and staff were kind sometimes".split()


def transcript(rng: random.Random, words: int) -> str:
    lines, left = [], words
    while left > 0:
        n = min(left, rng.randint(8, 80))
        speaker = "Interviewer" if len(lines) % 2 == 0 else "Sam"
        lines.append(f"{speaker}: " + " ".join(rng.choice(WORDS) for _ in range(n)) + ".")
        left -= n
    return "\n".join(lines) + "\n"


def build(root: Path, args, rng: random.Random) -> Project:
    project = Project.init(root, name="bench", coder="bench")
    codes = [project.codes.create(f"Code {i:02d}") for i in range(args.codes)]
    coders = [f"coder{i}" for i in range(args.coders)]
    for d in range(args.docs):
        doc = project.docs.add(read_plain(transcript(rng, args.words).encode(), f"D{d:02d}.txt"), f"D{d:02d}")
        first: list[Coding] = []
        rows: list[Coding] = []
        for index, coder in enumerate(coders):
            for _ in range(args.codings // args.docs):
                if index and first and rng.random() < 0.5:
                    base = rng.choice(first)
                    start = max(0, base.start + rng.randint(-20, 20))
                    end = min(doc.length, max(start + 1, base.end + rng.randint(-20, 20)))
                    code = base.code
                else:
                    start = rng.randrange(doc.length - 1)
                    end = min(doc.length, start + rng.randint(20, 600))
                    code = rng.choice(codes).id
                coding = Coding(new_id(), doc.id, code, start, end, coder)
                rows.append(coding)
                if index == 0:
                    first.append(coding)
        project.codings.put(rows)
    return project


def timed(label: str, fn):
    began = time.perf_counter()
    result = fn()
    print(f"{label:<44} {1000 * (time.perf_counter() - began):9.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=30)
    parser.add_argument("--words", type=int, default=10000)
    parser.add_argument("--codes", type=int, default=40)
    parser.add_argument("--codings", type=int, default=3000, help="per coder, over all documents")
    parser.add_argument("--coders", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        project = timed("build project", lambda: build(Path(tmp) / "p", args, rng))
        chars = sum(d.length for d in project.docs.all())
        print(f"{args.docs} documents, {chars} characters, {args.codes} codes, {args.coders} coders, "
              f"{args.coders * args.codings} codings")
        coders = [f"coder{i}" for i in range(args.coders)]
        for unit in ("char", "turn"):
            material = timed(f"load ({unit})", lambda: load(project, coders, unit=unit))
            result = timed(f"report ({unit}; {len(material.codes)} codes)", lambda: report(material))
            found = timed(f"disagreements ({unit})", lambda: disagreements(material))
            print(f"  pooled alpha {result.pooled.alpha:.3f}, positive {result.pooled.positive:.3f}, "
                  f"{len(found)} disagreements, {result.units * len(result.codes)} unit x code cells")
        shutil.copytree(project.root, Path(tmp) / "copy")
        theirs = Project.open(Path(tmp) / "copy", coder="other")
        docs = theirs.docs.all()
        code_ids = [c.id for c in theirs.codes.all()]
        extra = []
        for _ in range(1000):
            doc = rng.choice(docs)
            start = rng.randrange(doc.length - 1)
            extra.append(Coding(new_id(), doc.id, rng.choice(code_ids), start, min(doc.length, start + 50), "other"))
        theirs.codings.put(extra)
        plan = timed("merge (plan + apply, 1000 new codings)", lambda: merge(project, theirs))
        print(f"  {sum(1 for i in plan.items if i.outcome == 'added')} added")
        again = timed("merge again (nothing to do)", lambda: merge(project, theirs))
        print(f"  changes: {again.changes}")


if __name__ == "__main__":
    main()
