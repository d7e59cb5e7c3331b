"""Store benchmark: a synthetic project of 500 documents and 100,000 codings.

Prints the median and p95 latency of adding one coding (durable: atomic write
+ fsync), of listing every coding of one code across the project, and the time
to open the project.  Target: adding a coding p95 under 10 ms at this size.

    python bench/store.py [--docs 500] [--codings 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qualtui.model import Transcript, Turn  # noqa: E402
from qualtui.project import Project  # noqa: E402

WORDS = ("peer support ward staff recovery hope nurse group friend lonely medication "
         "discharge routine trust boundary listen shared experience").split()


def synthetic_text(rng: random.Random, words: int) -> tuple[str, tuple[Turn, ...]]:
    lines, turns, pos = [], [], 0
    speaker_cycle = ("Interviewer", "Participant")
    i = 0
    while sum(len(line.split()) for line in lines) < words:
        speaker = speaker_cycle[i % 2]
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60))) + "."
        line = f"{speaker}: {body}"
        turns.append(Turn(start=pos + len(speaker) + 2, end=pos + len(line), speaker=speaker, label_start=pos))
        lines.append(line)
        pos += len(line) + 1
        i += 1
    return "\n".join(lines), tuple(turns)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--codes", type=int, default=60)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="Build the project here and keep it.")
    args = parser.parse_args()

    rng = random.Random(7)
    base = args.keep or Path(tempfile.mkdtemp(prefix="qualtui-bench-"))
    root = base / "project"
    t0 = time.perf_counter()
    project = Project.init(root, coder="bench")
    codes = [project.codes.create(f"code {i:02d}") for i in range(args.codes)]
    per_doc = args.codings // args.docs
    for d in range(args.docs):
        text, turns = synthetic_text(rng, 800)
        doc = project.docs.add(Transcript(text=text, turns=turns, source_format="txt"), f"D{d:03d}")
        spans = []
        for _ in range(per_doc):
            start = rng.randrange(0, len(text) - 200)
            spans.append((rng.choice(codes).id, start, start + rng.randint(20, 200)))
        project.codings.add_many(doc.id, spans)
    build = time.perf_counter() - t0
    total = sum(1 for _ in project.codings.iter_all())
    print(f"built {args.docs} documents, {total:,} codings, {len(codes)} codes in {build:.1f} s at {root}")

    opens = []
    for _ in range(5):
        t = time.perf_counter()
        opened = Project.open(root)
        opened.docs.all()
        opened.codes.all()
        opens.append(time.perf_counter() - t)
    print(f"open project (documents + codebook): median {statistics.median(opens) * 1000:.1f} ms")

    project = Project.open(root, coder="bench")
    docs = project.docs.all()
    adds = []
    fsyncs = [0]
    real_fsync = os.fsync

    def counted(fd: int) -> None:
        fsyncs[0] += 1
        real_fsync(fd)

    os.fsync = counted
    try:
        for _ in range(args.samples):
            doc = rng.choice(docs)
            start = rng.randrange(0, doc.length - 100)
            t = time.perf_counter()
            project.codings.add(doc.id, rng.choice(codes).id, start, start + 50)
            adds.append(time.perf_counter() - t)
    finally:
        os.fsync = real_fsync
    print(f"add one coding (durable): median {statistics.median(adds) * 1000:.2f} ms, "
          f"p95 {pct(adds, 0.95) * 1000:.2f} ms, max {max(adds) * 1000:.2f} ms  (target p95 < 10 ms); "
          f"{fsyncs[0] / args.samples:.1f} fsyncs per edit")

    from qualtui.editing.codebook_ops import merge_codes

    t = time.perf_counter()
    result, _ = merge_codes(project, codes[1].id, codes[2].id)
    print(f"codes merge as one transaction ({result.moved:,} codings moved): {time.perf_counter() - t:.2f} s")

    cold = Project.open(root)
    t = time.perf_counter()
    found = cold.codings.for_code(codes[0].id)
    first = time.perf_counter() - t
    lists = []
    for code in codes[3:13]:
        t = time.perf_counter()
        cold.codings.for_code(code.id)
        lists.append(time.perf_counter() - t)
    print(f"list all codings of one code ({len(found):,} of {total:,}): first (cold) {first * 1000:.0f} ms, "
          f"then median {statistics.median(lists) * 1000:.0f} ms, p95 {pct(lists, 0.95) * 1000:.0f} ms")
    if not args.keep:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
