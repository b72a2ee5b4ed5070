"""Seed 000 Proposition 1: the minimum-norm interpolator, corrected witness."""

import numpy as np
import pytest

from limitproc import (
    Problem,
    implicit_bias_ratio,
    limit_process,
    min_norm_interpolator,
    min_norm_sq,
)


@pytest.mark.parametrize("seed", range(8))
def test_width_two_witness_interpolates_balanced_at_minimum_norm(seed):
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(2, 10)), 12
    X = np.linalg.qr(rng.standard_normal((d, n)))[0].T
    y = rng.standard_normal(n)
    p = Problem(y, rng.standard_normal((3, d)), signs=[1, -1, 1], X=X)
    theta = min_norm_interpolator(p)
    np.testing.assert_allclose(theta.outputs(X), y, atol=1e-12)
    np.testing.assert_allclose(theta.a**2, (theta.W**2).sum(axis=1), rtol=1e-12)
    expected = 2 * (np.linalg.norm(y[y > 0]) + np.linalg.norm(y[y < 0]))
    assert theta.sq_norm == pytest.approx(expected) and min_norm_sq(p) == pytest.approx(expected)


def test_printed_witness_of_seed_000_is_wrong():
    """a_1 = sqrt(n) ||D_+|| (seed 000's text) neither balances nor interpolates."""
    p = Problem([3.0, 4.0], [[1.0, 1.0]], signs=[1])
    theta = min_norm_interpolator(p)
    n, D = 2, 2.5
    printed_a = np.sqrt(n) * D
    assert not np.isclose(printed_a, theta.a[0])
    assert not np.allclose(printed_a * np.maximum(theta.W[0], 0), p.y)


def test_ratio_at_least_one_and_none_without_interpolation():
    rng = np.random.default_rng(4)
    for _ in range(10):
        n, m = 20, 12
        p = Problem(rng.standard_normal(n), rng.standard_normal((m, n)), signs=rng.choice([-1, 1], m))
        process = limit_process(p)
        ratio = implicit_bias_ratio(process)
        assert (ratio is None) == (not process.interpolates)
        if ratio is not None:
            assert ratio >= 1 - 1e-12
