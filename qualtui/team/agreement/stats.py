"""Agreement statistics for binary (coded / not coded) ratings by two or more coders.

Everything is computed from a ``Tally``: how many units fell into each coding
pattern.  A pattern is a bit mask over the coders (bit i set: coder i coded the
unit), so a tally of m coders has 2**m counts.  Every coder rates every unit
(there is no missing data), which keeps the formulas closed-form.

Definitions, for n units, m coders and k_u = how many coders coded unit u:

- percent agreement: the share of agreeing coder pairs, averaged over units,
  sum_u [k(k-1) + (m-k)(m-k-1)] / (n m (m-1)); for two coders (a+d)/n.
- positive (specific) agreement: sum_u k(k-1) / sum_u k(m-1), which is
  2a/(2a+b+c) for two coders; units nobody coded add nothing to either sum, so
  uncoded text cannot inflate it (Uebersax's generalisation, pooled over pairs).
- Cohen's kappa (two coders only): (p_o - p_e) / (1 - p_e).
- Krippendorff's alpha, nominal: 1 - D_o / D_e from the coincidence matrix.

A value whose formula divides by zero (no units, nothing coded, no variation)
is ``None``: undefined, never 0 or 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Tally:
    """``counts[mask]`` = number of units coded by exactly the coders in *mask*."""

    coders: int
    counts: tuple[int, ...]

    @classmethod
    def empty(cls, coders: int) -> "Tally":
        return cls(coders, (0,) * (1 << coders))

    @classmethod
    def from_patterns(cls, coders: int, units: int, coded: dict[int, int]) -> "Tally":
        """*coded* maps non-zero masks to counts; the remaining units were coded by nobody."""
        counts = [0] * (1 << coders)
        for mask, count in coded.items():
            if mask:
                counts[mask] += count
        counts[0] = units - sum(counts)
        if counts[0] < 0:
            raise ValueError("more coded units than units")
        return cls(coders, tuple(counts))

    def __add__(self, other: "Tally") -> "Tally":
        if other.coders != self.coders:
            raise ValueError("cannot add tallies of different numbers of coders")
        return Tally(self.coders, tuple(x + y for x, y in zip(self.counts, other.counts)))

    @property
    def units(self) -> int:
        return sum(self.counts)

    @property
    def full(self) -> int:
        return (1 << self.coders) - 1

    def histogram(self) -> list[int]:
        """``h[k]`` = number of units coded by exactly k coders."""
        h = [0] * (self.coders + 1)
        for mask, count in enumerate(self.counts):
            h[mask.bit_count()] += count
        return h

    def pair(self, i: int = 0, j: int = 1) -> tuple[int, int, int, int]:
        """(a, b, c, d) for coders i and j: both, only i, only j, neither."""
        a = b = c = d = 0
        for mask, count in enumerate(self.counts):
            x, y = mask >> i & 1, mask >> j & 1
            if x and y:
                a += count
            elif x:
                b += count
            elif y:
                c += count
            else:
                d += count
        return a, b, c, d


@dataclass(frozen=True)
class Agreement:
    units: int
    coded_any: int      # units at least one coder coded
    coded_all: int      # units every coder coded
    percent: float | None
    positive: float | None
    kappa: float | None  # None unless exactly two coders
    alpha: float | None


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def percent_agreement(h: Sequence[int]) -> float | None:
    m = len(h) - 1
    n = sum(h)
    agreeing = sum(count * (k * (k - 1) + (m - k) * (m - k - 1)) for k, count in enumerate(h))
    return _ratio(agreeing, n * m * (m - 1))


def positive_agreement(h: Sequence[int]) -> float | None:
    m = len(h) - 1
    both = sum(count * k * (k - 1) for k, count in enumerate(h))
    possible = sum(count * k * (m - 1) for k, count in enumerate(h))
    return _ratio(both, possible)


def cohen_kappa(a: int, b: int, c: int, d: int) -> float | None:
    """Cohen's kappa of a 2x2 table: a both yes, b only the first, c only the second, d both no."""
    n = a + b + c + d
    # Scaled by n**2 so the undefined case (p_e == 1) is an exact integer test.
    expected = (a + b) * (a + c) + (c + d) * (b + d)
    return _ratio(n * (a + d) - expected, n * n - expected)


def krippendorff_alpha(h: Sequence[int]) -> float | None:
    """Nominal alpha for binary values, every one of m coders rating every unit."""
    m = len(h) - 1
    total = sum(h) * m                      # pairable values N
    ones = sum(count * k for k, count in enumerate(h))
    zeros = total - ones
    if m < 2 or total < 2:
        return None
    # alpha = 1 - D_o / D_e, D_o = 2 sum k(m-k) / ((m-1) N), D_e = 2 n0 n1 / (N (N-1)).
    observed = sum(count * k * (m - k) for k, count in enumerate(h)) * (total - 1)
    expected = zeros * ones * (m - 1)
    if expected == 0:
        return None
    return 1 - observed / expected


def agreement(tally: Tally) -> Agreement:
    h = tally.histogram()
    return Agreement(
        units=tally.units,
        coded_any=tally.units - h[0],
        coded_all=h[-1],
        percent=percent_agreement(h),
        positive=positive_agreement(h),
        kappa=cohen_kappa(*tally.pair()) if tally.coders == 2 else None,
        alpha=krippendorff_alpha(h),
    )


@dataclass(frozen=True)
class MeanAgreement:
    """The mean of per-code values; codes whose value is undefined are left out (``*_codes`` say how many count)."""

    percent: float | None
    positive: float | None
    kappa: float | None
    alpha: float | None
    percent_codes: int
    positive_codes: int
    kappa_codes: int
    alpha_codes: int


def mean_agreement(values: Iterable[Agreement]) -> MeanAgreement:
    values = list(values)
    means: dict[str, float | None] = {}
    counts: dict[str, int] = {}
    for name in ("percent", "positive", "kappa", "alpha"):
        defined = [getattr(v, name) for v in values if getattr(v, name) is not None]
        means[name] = sum(defined) / len(defined) if defined else None
        counts[f"{name}_codes"] = len(defined)
    return MeanAgreement(**means, **counts)
