"""Agreement statistics: textbook examples, undefined cases, and a property test against
straightforward per-unit implementations (and the ``krippendorff`` package)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualtui.team.agreement.stats import (
    Tally, agreement, cohen_kappa, krippendorff_alpha, mean_agreement, percent_agreement, positive_agreement,
)
from qualtui.team.agreement.units import char_patterns, merge_spans, segments, unit_masks


def tally_of(ratings: list[list[int]]) -> Tally:
    """ratings[coder][unit] in {0, 1} -> Tally."""
    m, n = len(ratings), len(ratings[0])
    counts = [0] * (1 << m)
    for u in range(n):
        counts[sum(ratings[i][u] << i for i in range(m))] += 1
    return Tally(m, tuple(counts))


# reference implementations, written from the textbook definitions -----------

def ref_percent(ratings):
    m, n = len(ratings), len(ratings[0])
    pairs = list(combinations(range(m), 2))
    return sum(ratings[i][u] == ratings[j][u] for u in range(n) for i, j in pairs) / (n * len(pairs))


def ref_positive(ratings):
    """Pairwise specific positive agreement pooled over coder pairs: 2 sum a / sum (2a + b + c)."""
    m, n = len(ratings), len(ratings[0])
    both = either = 0
    for i, j in combinations(range(m), 2):
        a = sum(ratings[i][u] and ratings[j][u] for u in range(n))
        b = sum(ratings[i][u] and not ratings[j][u] for u in range(n))
        c = sum(ratings[j][u] and not ratings[i][u] for u in range(n))
        both += 2 * a
        either += 2 * a + b + c
    return both / either if either else None


def ref_kappa(x, y):
    n = len(x)
    p_o = sum(p == q for p, q in zip(x, y)) / n
    p_x, p_y = sum(x) / n, sum(y) / n
    p_e = p_x * p_y + (1 - p_x) * (1 - p_y)
    return None if p_e == 1 else (p_o - p_e) / (1 - p_e)


def ref_alpha(ratings):
    """Krippendorff's alpha from the coincidence matrix, for any nominal values."""
    m, n = len(ratings), len(ratings[0])
    values = sorted({r[u] for r in ratings for u in range(n)})
    o = {(c, k): 0.0 for c in values for k in values}
    for u in range(n):
        unit = [r[u] for r in ratings]
        for i in range(m):
            for j in range(m):
                if i != j:
                    o[unit[i], unit[j]] += 1 / (m - 1)
    n_c = {c: sum(o[c, k] for k in values) for c in values}
    total = sum(n_c.values())
    d_o = sum(o[c, k] for c in values for k in values if c != k) / total
    d_e = sum(n_c[c] * n_c[k] for c in values for k in values if c != k) / (total * (total - 1))
    return None if d_e == 0 else 1 - d_o / d_e


# textbook examples ------------------------------------------------------------

def test_cohen_kappa_textbook_2x2():
    # 50 proposals; both yes 20, only A yes 5, only B yes 10, both no 15: p_o 0.7, p_e 0.5, kappa 0.4.
    assert cohen_kappa(20, 5, 10, 15) == pytest.approx(0.4)
    tally = Tally.from_patterns(2, 50, {0b11: 20, 0b01: 5, 0b10: 10})
    assert tally.pair() == (20, 5, 10, 15)
    stats = agreement(tally)
    assert stats.kappa == pytest.approx(0.4)
    assert stats.percent == pytest.approx(0.7)
    assert stats.positive == pytest.approx(40 / 55)
    assert (stats.units, stats.coded_any, stats.coded_all) == (50, 35, 20)


def test_krippendorff_binary_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", A: binary data, two observers.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    stats = agreement(tally_of([a, b]))
    assert round(stats.alpha, 3) == 0.095
    assert stats.alpha == pytest.approx(1 - (8 / 20) / (168 / 380))
    assert stats.kappa == pytest.approx(0.04 / 0.44)
    assert stats.percent == pytest.approx(0.6)
    assert stats.positive == pytest.approx(2 / 6)


def test_three_coders_worked_by_hand():
    # Units coded by 3, 2, 1 and 0 of three coders, one each.
    ratings = [[1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]]
    h = tally_of(ratings).histogram()
    assert h == [1, 1, 1, 1]
    # agreeing pairs per unit 3, 1, 1, 3 of 3 -> 8/12; positive pairs 6+2+0 of 3*2+2*2+1*2.
    assert percent_agreement(h) == pytest.approx(8 / 12)
    assert positive_agreement(h) == pytest.approx(8 / 12)
    # N = 12, six 1s, six 0s; D_o = 2(0+2+2+0)/(2*12) = 1/3, D_e = 2*36/(12*11) = 6/11.
    assert krippendorff_alpha(h) == pytest.approx(1 - (1 / 3) / (6 / 11))
    assert agreement(tally_of(ratings)).kappa is None   # only for two coders


# undefined values ---------------------------------------------------------------

def test_nothing_coded_is_undefined_except_percent():
    stats = agreement(Tally.from_patterns(2, 1000, {}))
    assert stats.percent == 1.0            # the coders do agree on every unit
    assert stats.positive is None and stats.kappa is None and stats.alpha is None


def test_everything_coded_by_everyone_has_no_variation():
    stats = agreement(Tally.from_patterns(3, 10, {0b111: 10}))
    assert stats.positive == 1.0 and stats.percent == 1.0
    assert stats.alpha is None


def test_no_units_at_all():
    stats = agreement(Tally.empty(2))
    assert stats == type(stats)(0, 0, 0, None, None, None, None)


def test_constant_but_opposite_coders_are_defined():
    # One coder coded everything, the other nothing: kappa 0 (p_o = p_e = 0), alpha below 0.
    stats = agreement(Tally.from_patterns(2, 10, {0b01: 10}))
    assert stats.kappa == 0.0
    assert stats.alpha == pytest.approx(1 - 1 / (2 * 10 * 10 / (20 * 19)))
    assert stats.positive == 0.0


def test_mean_leaves_out_undefined_codes():
    defined = agreement(tally_of([[1, 0, 1, 0], [1, 0, 0, 0]]))
    undefined = agreement(Tally.from_patterns(2, 4, {}))
    mean = mean_agreement([defined, undefined])
    assert mean.kappa == pytest.approx(defined.kappa) and mean.kappa_codes == 1
    assert mean.percent == pytest.approx((defined.percent + 1.0) / 2) and mean.percent_codes == 2
    assert mean_agreement([undefined]).alpha is None
    assert mean_agreement([]).percent is None


def test_large_uncoded_stretches_do_not_inflate_positive_agreement():
    """QualCoder's pitfall (#667): uncoded text counted as agreement.  Percent agreement rises with
    uncoded text; positive agreement does not move."""
    short = agreement(Tally.from_patterns(2, 200, {0b11: 50, 0b01: 30, 0b10: 20}))
    long = agreement(Tally.from_patterns(2, 1_000_000, {0b11: 50, 0b01: 30, 0b10: 20}))
    assert short.positive == long.positive == pytest.approx(100 / 150)
    assert long.percent > 0.9999 > short.percent


# interval arithmetic ------------------------------------------------------------

def test_merge_spans_joins_overlapping_and_touching_and_clips():
    assert merge_spans([(5, 9), (0, 3), (3, 4), (8, 12), (20, 20), (-2, 1)], length=11) == [(0, 4), (5, 11)]


def test_segments_split_where_coders_change():
    alice = merge_spans([(0, 10)])
    bob = merge_spans([(5, 15), (20, 25)])
    assert list(segments([alice, bob])) == [(0, 5, 1), (5, 10, 3), (10, 15, 2), (20, 25, 2)]
    assert char_patterns([alice, bob]) == {1: 5, 3: 5, 2: 10}


def test_unit_masks_need_one_shared_character():
    units = [(0, 10), (10, 20), (20, 30)]
    assert unit_masks(units, [merge_spans([(9, 10)]), merge_spans([(10, 11), (29, 40)])]) == [1, 2, 2]
    assert unit_masks(units, [[], merge_spans([(30, 35)])]) == [0, 0, 0]


# property tests ----------------------------------------------------------------

spans_strategy = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 25)), max_size=6)


@st.composite
def coded_document(draw):
    length = draw(st.integers(1, 80))
    m = draw(st.integers(2, 4))
    coders = [[(s, min(length, s + w)) for s, w in draw(spans_strategy) if s < length] for _ in range(m)]
    return length, coders


def per_char(length, coders):
    return [[int(any(s <= i < e for s, e in spans)) for i in range(length)] for spans in coders]


def fast_char_tally(length, coders):
    merged = [merge_spans(spans, length) for spans in coders]
    return Tally.from_patterns(len(coders), length, char_patterns(merged))


@settings(max_examples=200, deadline=None)
@given(coded_document())
def test_char_tally_matches_per_character_reference(doc):
    length, coders = doc
    ratings = per_char(length, coders)
    assert fast_char_tally(length, coders) == tally_of(ratings)


@settings(max_examples=200, deadline=None)
@given(coded_document(), st.lists(st.integers(1, 15), min_size=1, max_size=8))
def test_turn_masks_match_overlap_reference(doc, widths):
    length, coders = doc
    units, start = [], 0
    for w in widths:
        units.append((start, start + w))
        start += w
    masks = unit_masks(units, [merge_spans(spans) for spans in coders])
    expected = [sum(int(any(s < ue and us < e for s, e in spans)) << i for i, spans in enumerate(coders))
                for us, ue in units]
    assert masks == expected


def close(ours, theirs):
    return (ours is None and theirs is None) or (ours is not None and theirs is not None
                                                 and ours == pytest.approx(theirs, abs=1e-9))


@settings(max_examples=200, deadline=None)
@given(coded_document())
def test_statistics_match_straightforward_implementations(doc):
    length, coders = doc
    ratings = per_char(length, coders)
    stats = agreement(fast_char_tally(length, coders))
    assert close(stats.percent, ref_percent(ratings))
    assert close(stats.positive, ref_positive(ratings))
    assert close(stats.alpha, ref_alpha(ratings))
    if len(coders) == 2:
        assert close(stats.kappa, ref_kappa(*ratings))
    else:
        assert stats.kappa is None


@settings(max_examples=100, deadline=None)
@given(coded_document())
def test_alpha_matches_the_krippendorff_package(doc):
    import krippendorff

    length, coders = doc
    ratings = per_char(length, coders)
    ours = agreement(fast_char_tally(length, coders)).alpha
    if len({v for row in ratings for v in row}) < 2:
        assert ours is None          # the package refuses data with a single value
        return
    theirs = krippendorff.alpha(reliability_data=np.array(ratings, dtype=float), level_of_measurement="nominal")
    assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5), st.integers(0, 5)), min_size=1,
                max_size=4))
def test_pooling_is_adding_tallies(parts):
    tallies = [Tally.from_patterns(2, a + b + c + d, {3: a, 1: b, 2: c}) for a, b, c, d in parts]
    pooled = tallies[0]
    for t in tallies[1:]:
        pooled += t
    a, b, c, d = (sum(p[i] for p in parts) for i in range(4))
    assert pooled.pair() == (a, b, c, d)
    assert close(agreement(pooled).kappa, cohen_kappa(a, b, c, d))


@settings(max_examples=100, deadline=None)
@given(coded_document())
def test_report_and_disagreements_from_material_match_per_character_reference(doc):
    from qualtui.team.agreement.compute import DocumentMaterial, Material, disagreements, report

    length, coders = doc
    names = tuple(f"c{i}" for i in range(len(coders)))
    spans = {"K": tuple(tuple(merge_spans(s, length)) for s in coders)}
    material = Material(names, "char", (("K", "K"),),
                        (DocumentMaterial("d", "D", "x" * length, (), (), spans),))
    ratings = per_char(length, coders)
    assert report(material).codes[0].tally == tally_of(ratings)
    full = len(coders)
    differing = {i for i in range(length) if 0 < sum(r[i] for r in ratings) < full}
    found = disagreements(material)
    covered = [i for d in found for i in range(d.start, d.end)]
    assert sorted(covered) == sorted(differing)            # every differing character once, nothing else
    for d in found:
        assert {ratings[names.index(n)][d.start] for n in d.coded_by} == {1}
        assert {ratings[names.index(n)][d.start] for n in d.not_coded_by} <= {0}
