"""Code co-occurrence: codes overlapping in the same span, or in the same turn.

``unit="span"``: ``count`` is the number of pairs of codings (of the two
codes) whose characters overlap; ``jaccard`` is characters coded with both
over characters coded with either.

``unit="turn"``: ``count`` is the number of turns in which both codes occur
(a coding occurs in every turn it touches, speaker label included);
``jaccard`` is turns with both over turns with either.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from qualtui.analysis.corpus import Corpus
from qualtui.analysis.frequencies import merged
from qualtui.errors import QualtuiError
from qualtui.model import Coding

UNITS = ("span", "turn")


@dataclass(frozen=True)
class CodePair:
    code_a_id: str
    code_a: str        # path; code_a sorts before code_b
    code_b_id: str
    code_b: str
    count: int
    documents: int     # documents where the pair co-occurs
    jaccard: float


def _overlapping_pairs(codings: list[Coding]) -> Iterable[tuple[Coding, Coding]]:
    """Pairs of codings whose spans overlap (a sweep over codings sorted by start)."""
    active: list[Coding] = []
    for coding in sorted(codings, key=lambda c: (c.start, c.end)):
        active = [a for a in active if a.end > coding.start]
        for other in active:
            yield other, coding
        active.append(coding)


def _intersection(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """Length of the intersection of two sorted, disjoint span lists."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        total += max(0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _key(corpus: Corpus, a: str, b: str) -> tuple[str, str]:
    return (a, b) if (corpus.path(a).casefold(), a) <= (corpus.path(b).casefold(), b) else (b, a)


def cooccurrence(corpus: Corpus, *, unit: str = "span", codes: Iterable[str] | None = None) -> list[CodePair]:
    """Co-occurring pairs of codes, most frequent first.

    *codes* (ids) keeps only pairs involving at least one of them.  Codings of
    codes no longer in the codebook are ignored.
    """
    if unit not in UNITS:
        raise QualtuiError(f"unit must be span or turn, not {unit!r}")
    counts: Counter[tuple[str, str]] = Counter()
    pair_docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    both: Counter[tuple[str, str]] = Counter()   # shared characters or shared turns
    alone: Counter[str] = Counter()              # characters or turns per code
    for view in corpus.visit():
        codings = [c for c in view.codings if c.code in corpus.code_by_id]
        if not codings:
            continue
        if unit == "span":
            spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
            for coding in codings:
                spans[coding.code].append((coding.start, coding.end))
            spans = {code: merged(s) for code, s in spans.items()}
            for code, code_spans in spans.items():
                alone[code] += sum(e - s for s, e in code_spans)
            seen_here: set[tuple[str, str]] = set()
            for a, b in _overlapping_pairs(codings):
                if a.code != b.code:
                    key = _key(corpus, a.code, b.code)
                    counts[key] += 1
                    seen_here.add(key)
            for key in seen_here:
                pair_docs[key].add(view.id)
                both[key] += _intersection(spans[key[0]], spans[key[1]])
        else:
            codes_in_turn: dict[int, set[str]] = defaultdict(set)
            turn_index = {id(t): i for i, t in enumerate(view.turns)}
            for coding in codings:
                for turn in view.turns_overlapping(coding.start, coding.end):
                    codes_in_turn[turn_index[id(turn)]].add(coding.code)
            for present in codes_in_turn.values():
                alone.update(present)
                for a, b in combinations(sorted(present), 2):
                    key = _key(corpus, a, b)
                    counts[key] += 1
                    both[key] += 1
                    pair_docs[key].add(view.id)
    wanted = set(codes) if codes is not None else None
    pairs = []
    for (a, b), count in counts.items():
        if wanted is not None and a not in wanted and b not in wanted:
            continue
        union = alone[a] + alone[b] - both[(a, b)]
        pairs.append(CodePair(a, corpus.path(a), b, corpus.path(b), count, len(pair_docs[(a, b)]),
                              both[(a, b)] / union if union else 0.0))
    pairs.sort(key=lambda p: (-p.count, p.code_a.casefold(), p.code_b.casefold()))
    return pairs
