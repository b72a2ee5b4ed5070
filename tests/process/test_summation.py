"""Tests of limitproc.process.summation: the pairwise halving has the depth its
bound assumes (docs/theory.md, "The float backend's error bound")."""

from fractions import Fraction

import numpy as np
import pytest

from limitproc.process.summation import CHUNK, depth, masked_sums, pairwise_sum

U = 2.0**-53


def exact_sum(values):
    return sum((Fraction(float(v)) for v in values), Fraction(0))


def test_depth_is_the_ceiling_of_log2():
    assert [depth(c) for c in range(1, 10)] == [0, 1, 2, 2, 3, 3, 3, 3, 4]
    assert depth(0) == 0 and depth(2**20) == 20 and depth(2**20 + 1) == 21


@pytest.mark.parametrize("size", [1, 2, 3, 7, 8, 100, 1023, CHUNK, CHUNK + 1, 3 * CHUNK + 5])
def test_pairwise_sum_within_its_bound(size):
    rng = np.random.default_rng(size)
    values = np.exp(rng.uniform(-20, 20, size))  # positive, spread over 17 orders of magnitude
    total = pairwise_sum(values)
    error = abs(Fraction(total) - exact_sum(values))
    assert error <= Fraction(depth(size) * U * (1 + 1e-10)) * exact_sum(values)


def test_a_sum_of_equal_terms_meets_at_most_depth_roundings():
    # 1 + 2^-53 repeated: recursive summation loses every 2^-53 (error (count-1) u),
    # the halving adds equal partial sums, exact until they need more bits
    values = np.full(5000, 1.0 + 2.0**-52)
    total = pairwise_sum(values)
    assert abs(Fraction(total) - exact_sum(values)) <= Fraction(depth(values.size) * U) * exact_sum(values)


@pytest.mark.parametrize("rows", [None, "some"])
def test_masked_sums_match_exact_sums(rows):
    rng = np.random.default_rng(3)
    L, m = 2 * CHUNK + 17, 6
    active = rng.random((L, m)) < 0.4
    values = rng.random(L) ** 4
    chosen = None if rows is None else np.sort(rng.choice(L, CHUNK + 100, replace=False))
    sums, counts = masked_sums(active, values, chosen)
    used = np.arange(L) if chosen is None else chosen
    for c in range(m):
        terms = values[used][active[used, c]]
        assert counts[c] == terms.size
        exact = exact_sum(terms)
        assert abs(Fraction(sums[c]) - exact) <= Fraction(depth(used.size) * U) * exact


def test_masked_sums_of_nothing():
    sums, counts = masked_sums(np.zeros((0, 3), dtype=bool), np.zeros(0))
    assert sums.tolist() == [0.0, 0.0, 0.0] and counts.tolist() == [0, 0, 0]
