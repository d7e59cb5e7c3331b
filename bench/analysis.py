"""Benchmark the analysis core on a synthetic project and print figures.

    /tmp/dev/bin/python bench/analysis.py [--docs 30] [--words 10000] [--codings 5000]

Builds a project in a temporary folder (documents with Interviewer/participant
turns, a two-level codebook, random codings, some overlapping), then times
retrieval, frequencies, the matrix, co-occurrence, search and sentence
auto-coding planning on a fresh Corpus each time (so file reads are counted).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qualtui.analysis.autocode import spans_for_hits  # noqa: E402
from qualtui.analysis.cooccurrence import cooccurrence  # noqa: E402
from qualtui.analysis.corpus import Corpus, Scope  # noqa: E402
from qualtui.analysis.frequencies import frequencies, matrix  # noqa: E402
from qualtui.analysis.retrieval import retrieve  # noqa: E402
from qualtui.analysis.search import SearchQuery, search  # noqa: E402
from qualtui.importers.plain import read_plain  # noqa: E402
from qualtui.project import Project  # noqa: E402

VOCABULARY = ("ward staff support peer nurse time hard felt really think mean know just like help people other "
              "day night home family care team manager shift break talk listen worry safe kind group change "
              "week month because though maybe always never again first then when where what how why").split()


def transcript(rng: random.Random, words: int, participant: str) -> str:
    turns, count, speaker = [], 0, "Interviewer"
    while count < words:
        sentences = []
        for _ in range(rng.randint(1, 2) if speaker == "Interviewer" else rng.randint(2, 7)):
            n = rng.randint(4, 18)
            body = " ".join(rng.choice(VOCABULARY) for _ in range(n))
            sentences.append(body[0].upper() + body[1:] + rng.choice(".....?!"))
            count += n
        turns.append(f"{speaker}: {' '.join(sentences)}")
        speaker = participant if speaker == "Interviewer" else "Interviewer"
    return "\n".join(turns)


def build(root: Path, docs: int, words: int, codings: int, seed: int) -> Project:
    rng = random.Random(seed)
    project = Project.init(root, name="bench", coder="bench")
    themes = [project.codes.create(f"Theme {t}", codable=False) for t in range(8)]
    codes = [project.codes.create(f"Code {t}.{c}", parent=theme.id) for t, theme in enumerate(themes) for c in range(5)]
    per_doc = codings // docs
    for d in range(docs):
        text = transcript(rng, words, f"P{d:02d}")
        doc = project.docs.add(read_plain(text.encode(), f"P{d:02d}.txt"), f"P{d:02d}",
                               attributes={"group": rng.choice(["staff", "service user", "carer"])})
        spans = []
        for _ in range(per_doc + (1 if d < codings % docs else 0)):
            start = rng.randrange(0, len(text) - 400)
            spans.append((rng.choice(codes).id, start, start + rng.randint(40, 400)))
        project.codings.add_many(doc.id, spans)
    return project


def timed(label: str, fn, repeat: int = 3) -> object:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    print(f"{label:<56} {statistics.median(times) * 1000:9.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=30)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--codings", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        project = build(Path(tmp) / "bench", args.docs, args.words, args.codings, args.seed)
        total = sum(d.words for d in project.docs.all())
        print(f"built {args.docs} documents, {total:,} words, {args.codings:,} codings "
              f"in {time.perf_counter() - start:.1f} s")
        theme = project.codes.get("Theme 3")

        def fresh() -> Corpus:
            return Corpus(project)

        segments = timed("retrieve one theme with children", lambda: (
            c := fresh(), retrieve(c, c.code_ids_for(theme.id, children=True)))[1])
        timed("retrieve one theme, 2 lines of context", lambda: (
            c := fresh(), retrieve(c, c.code_ids_for(theme.id, children=True), context=2))[1])
        every = timed("retrieve every code", lambda: (c := fresh(), retrieve(c, [x.id for x in c.codes]))[1])
        timed("retrieve, filtered group=staff", lambda: (
            c := Corpus(project, Scope.build(project, attributes=["group=staff"])),
            retrieve(c, [x.id for x in c.codes]))[1])
        timed("frequencies", lambda: frequencies(fresh()))
        timed("frequencies rolled up", lambda: frequencies(fresh(), rollup=True))
        timed("matrix codes x group (documents)", lambda: matrix(fresh(), "group", count="documents"))
        pairs = timed("co-occurrence, span", lambda: cooccurrence(fresh(), unit="span"))
        timed("co-occurrence, turn", lambda: cooccurrence(fresh(), unit="turn"))
        result = timed("search 'support' (plain, limit 100,000)",
                       lambda: search(fresh(), SearchQuery("support", limit=100_000)))
        timed(r"search regex '\bhard\w*' whole word, participant turns",
              lambda: search(fresh(), SearchQuery(r"hard\w*", regex=True, whole_word=True,
                                                  speakers=tuple(f"P{d:02d}" for d in range(args.docs)),
                                                  limit=100_000)))
        timed("sentence spans for every 'support' hit", lambda: spans_for_hits(fresh(), result.hits, "sentence"))
        print(f"({len(segments)} segments in the theme, {len(every)} in all, {len(pairs)} co-occurring pairs, "
              f"{len(result.hits)} search hits)")


if __name__ == "__main__":
    main()
