"""Undo benchmark: what undo and redo cost now that they check for a colleague's edits first.

On a synthetic project (as bench/store.py builds it) prints the median and p95 of:
adding one coding, undoing it and redoing it (one file: checked and written in one
read-modify-write), an undo refused because a colleague wrote a memo on the coding,
the undo of creating a code (a transaction that looks at every document for a
colleague's coding of it), and undoing and redoing a codes merge.

    python bench/undo.py [--docs 200] [--codings 40000] [--samples 100]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from store import pct, synthetic_text  # noqa: E402

from qualtui.editing import edits  # noqa: E402
from qualtui.editing.codebook_ops import merge_codes  # noqa: E402
from qualtui.editing.history import History  # noqa: E402
from qualtui.editing.replay import UndoConflict  # noqa: E402
from qualtui.model import Transcript  # noqa: E402
from qualtui.project import Project  # noqa: E402


def figures(name: str, values: list[float]) -> None:
    print(f"{name}: median {statistics.median(values) * 1000:.1f} ms, p95 {pct(values, 0.95) * 1000:.1f} ms")


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--codings", type=int, default=40_000)
    parser.add_argument("--codes", type=int, default=40)
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()

    rng = random.Random(11)
    base = Path(tempfile.mkdtemp(prefix="qualtui-bench-undo-"))
    me = Project.init(base / "project", coder="me")
    codes = [me.codes.create(f"code {i:02d}") for i in range(args.codes)]
    per_doc = args.codings // args.docs
    docs = []
    for d in range(args.docs):
        text, turns = synthetic_text(rng, 800)
        doc = me.docs.add(Transcript(text=text, turns=turns, source_format="txt"), f"D{d:03d}")
        me.codings.add_many(doc.id, [(rng.choice(codes).id, s, s + rng.randint(20, 200))
                                     for s in (rng.randrange(0, len(text) - 200) for _ in range(per_doc))])
        docs.append(doc)
    print(f"built {args.docs} documents, {per_doc * args.docs:,} codings, {args.codes} codes")
    alice = Project.open(me.root, coder="alice")
    history = History()
    adds, undos, redos, refusals = [], [], [], []
    for i in range(args.samples):
        doc = rng.choice(docs)
        start = rng.randrange(0, doc.length - 100)
        result: list = []
        adds.append(timed(lambda: result.append(edits.add_coding(me, doc.id, codes[0].id, start, start + 7))))
        coding, change = result[0]
        history.record(change)
        undos.append(timed(history.undo))
        redos.append(timed(history.redo))
        alice.codings.update(doc.id, coding.id, memo=f"alice {i}")
        t = time.perf_counter()
        try:
            history.undo()
        except UndoConflict:
            refusals.append(time.perf_counter() - t)
    figures("add one coding", adds)
    figures("undo it", undos)
    figures("redo it", redos)
    figures(f"undo refused after a colleague's memo ({len(refusals)} of {args.samples})", refusals)

    creations = []
    for i in range(10):
        history.record(edits.create_code(me, f"new {i}")[1])
        creations.append(timed(history.undo))
    figures(f"undo creating a code (checks {args.docs} documents for its codings)", creations)

    made: list = []
    merge = timed(lambda: made.append(merge_codes(me, codes[1].id, codes[2].id)))
    history.record(made[0][1])
    print(f"codes merge ({made[0][0].moved:,} codings moved): {merge:.2f} s, its undo {timed(history.undo):.2f} s, "
          f"redo {timed(history.redo):.2f} s")
    shutil.rmtree(base)


if __name__ == "__main__":
    main()
