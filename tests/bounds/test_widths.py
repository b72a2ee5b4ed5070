"""Seed 001 Lemma 5 (limitproc.bounds.widths) against the exact probability of
the initialization event (limitproc.studies.rows_nonzero_probability)."""

import math
from fractions import Fraction

import pytest

from limitproc import InputError
from limitproc.bounds import (
    coverage_lower_bound,
    coverage_upper_bound,
    experiment_width,
    failing_width,
    sufficient_width,
)
from limitproc.studies import rows_nonzero_probability

GRID = [(n, eps) for n in (1, 2, 3, 5, 10, 30, 100, 1000) for eps in (0.5, 0.2, 0.05, 1e-2, 1e-4, 1e-8)]


def test_hand_values():
    assert sufficient_width(100, 0.05) == pytest.approx(4 * math.log(2000))
    assert failing_width(100, 0.05) == pytest.approx(3 * math.log(2000) - 2)
    assert coverage_lower_bound(2, 1) == pytest.approx(1 - 2 * 0.75)
    assert coverage_upper_bound(3, 2) == pytest.approx(0.75**3)


@pytest.mark.parametrize("n, eps", GRID)
def test_lemma5_conclusions_hold_exactly(n, eps):
    """Both points of Lemma 5 against the exact P(I), for all-positive,
    balanced and all-negative label splits (P(I) depends on the split)."""
    sufficient = math.ceil(sufficient_width(n, eps))
    failing = math.floor(failing_width(n, eps))
    one_minus_eps = 1 - Fraction(eps)
    for n_pos in sorted({0, n // 2, n}):
        exact = rows_nonzero_probability(n_pos, n - n_pos, sufficient)  # a Fraction
        assert exact >= one_minus_eps
        # the proof's bounds, in exact arithmetic (the union bound is exact for n = 1)
        assert 1 - n * Fraction(3, 4) ** sufficient <= exact <= (1 - Fraction(1, 2**sufficient)) ** n
        assert float(1 - n * Fraction(3, 4) ** sufficient) == pytest.approx(coverage_lower_bound(n, sufficient))
        if failing >= 1:
            assert rows_nonzero_probability(n_pos, n - n_pos, failing) <= one_minus_eps


def test_the_proof_upper_chain_does_not_reach_one_minus_eps():
    """Eq. (14) bounds P(I) by (1 − 2^−p)^n, then claims it is ≤ 1 − ε using
    (ε/n)^{3 log 2} ≥ ε/n, which is reversed: at n = 100, ε = 0.05 and the
    failing width p = 20 the bound is 0.9999 > 0.95, while the exact P(I) is
    0.778 ≤ 0.95 at n± = 50 (the lemma's conclusion holds, its proof does not
    show it)."""
    p = math.floor(failing_width(100, 0.05))
    assert p == 20
    assert coverage_upper_bound(100, p) > 0.9999 > 1 - 0.05
    assert float(rows_nonzero_probability(50, 50, p)) == pytest.approx(0.7777, abs=1e-4)


def test_experiment_width_is_the_union_bound_threshold():
    """⌊log(n/ε)/log(4/3)⌋ + 1 is the smallest p with n (3/4)^p < ε (brute force)."""
    for n in (10, 1000, 2000, 3500):
        for eps in (0.05, 0.01):
            p = experiment_width(n, eps)
            assert n * 0.75**p < eps <= n * 0.75 ** (p - 1)


def test_invalid():
    with pytest.raises(InputError):
        sufficient_width(0, 0.1)
    with pytest.raises(InputError):
        failing_width(10, 1.5)
