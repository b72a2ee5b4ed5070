"""Seed 000's closed forms (spec §4) against Algorithm 1."""

import numpy as np
import pytest
import sympy

from limitproc import Mask, Problem, limit_process, two_phase
from limitproc.process.exact import compare


def two_phase_problem(rng, n_pos, n_neg, extra):
    """A neuron active on all positive data, one on all negative data, plus
    ``extra`` random neurons (seed 000 Assumption 3 holds)."""
    n = n_pos + n_neg
    y = np.concatenate([np.abs(rng.standard_normal(n_pos)) + 0.1, -np.abs(rng.standard_normal(n_neg)) - 0.1])
    full = np.vstack([np.where(y > 0, 1.0, -1.0), np.where(y < 0, 1.0, -1.0)])
    W0 = np.vstack([full, rng.standard_normal((extra, n))])
    signs = np.concatenate([[1, -1], rng.choice([-1, 1], extra)])
    return Problem(y, W0, signs=signs)


@pytest.mark.parametrize("seed", range(10))
def test_two_jumps_at_the_closed_form_times(seed):
    rng = np.random.default_rng(seed)
    p = two_phase_problem(rng, int(rng.integers(1, 8)), int(rng.integers(1, 8)), int(rng.integers(0, 6)))
    tp = two_phase(p, Mask(p))
    assert tp.condition and 0 in tp.neurons_plus and 1 in tp.neurons_minus
    y = p.y
    D_plus, D_minus = np.linalg.norm(y[y > 0]) / p.n, np.linalg.norm(y[y < 0]) / p.n
    assert tp.D_plus_norm == pytest.approx(D_plus) and tp.D_minus_norm == pytest.approx(D_minus)
    process = limit_process(p)
    assert process.K == 2
    np.testing.assert_allclose(process.times, sorted([1 / D_plus, 1 / D_minus]), rtol=1e-13)
    first_sign = 1 if D_plus > D_minus else -1
    assert np.all(np.sign(y[process.jumps[0].data]) == first_sign)
    assert process.final.sq_norm == pytest.approx(2 * p.n * (D_plus + D_minus), rel=1e-13)
    np.testing.assert_allclose(tp.unaccelerated_times(1e-6), np.array(tp.times) * np.log(1e6))


def test_exact_values_and_single_sign():
    p = Problem(["3", "4", "-2", "-1"], [[1, 1, -1, -1], [-1, -1, 1, 1]], signs=[1, -1])
    tp = two_phase(p, Mask(p), exact=True)
    assert compare(tp.times[1], 4 / sympy.sqrt(5)) == 0 and tp.signs == (1, -1)
    only_positive = Problem([1.0, 2.0], [[1.0, 1.0]], signs=[1])
    tp = two_phase(only_positive, Mask(only_positive))
    assert tp.condition and tp.times == pytest.approx((2 / np.sqrt(5),)) and tp.D_minus_norm == 0


def test_condition_fails_without_a_full_neuron():
    p = Problem([1.0, 2.0, -1.0], [[1, -1, 1], [-1, 1, 1], [1, 1, 1]], signs=[1, 1, -1])
    tp = two_phase(p, Mask(p))
    assert not tp.condition and tp.neurons_minus == (2,) and tp.neurons_plus == ()
