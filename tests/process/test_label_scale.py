"""The same answer at every representable label scale (spec §3).

Scaling the labels by ``c`` divides the jump times by ``c``, multiplies rates
and squared norms by ``c`` and losses by ``c²``.  The float backend computes on
labels scaled by a power of 4 into ``[1, 4)``, so a power-of-2 scale gives
bitwise the same process, and any scale gives the exact backend's process.
At a finite ``λ``, labels ``c·ŷ`` are the labels ``ŷ`` at ``λ/√c`` with times
divided by ``c`` (``θ → θ/√c`` maps one gradient flow onto the other).
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from limitproc import InputError, Problem, certify, finite_lambda, limit_process, min_norm_sq
from limitproc.strategies import problems

from ..cases import REF3

W0 = [[1, 1, 1], [1, -1, 1], [1, 1, 1]]
SIGNS = [1, 1, -1]


def with_labels(problem, y):
    X = None if problem.X is None else problem.X
    return Problem(y, problem.directions * problem.init_norms[:, None], signs=problem.signs, X=X,
                   allow_zero_labels=True)


def jumps(process):
    return [(s.neuron, tuple(s.data.tolist())) for s in process.jumps]


@pytest.mark.parametrize("exponent", [-1070, -700, -534, -200, -3, 0, 5, 200, 700, 1000])
def test_powers_of_two_give_the_same_process_bitwise_scaled(exponent):
    base = limit_process(Problem([3.0, 4.0, -2.0], W0, signs=SIGNS))
    c = math.ldexp(1.0, exponent)
    scaled = limit_process(Problem(np.array([3.0, 4.0, -2.0]) * c, W0, signs=SIGNS))
    assert jumps(scaled) == jumps(base)
    for a, b in zip(scaled.jumps, base.jumps):
        if "time" not in scaled.out_of_range:
            assert float(a.tau) == float(b.tau) / c
        assert float(a.sq_norm) == float(b.sq_norm) * c or "sq_norm" in scaled.out_of_range
    ratio = c * base.label_scale / scaled.label_scale  # a power of 2: both scaled losses are exact
    assert scaled.scaled_losses == pytest.approx(base.scaled_losses * ratio**2, rel=1e-15)
    assert ("loss" in scaled.out_of_range) == (abs(2 * exponent) > 1020)


@pytest.mark.parametrize("c", [1e300, 1e200, 2e-161, 1e-200, 1e-300])
@pytest.mark.parametrize("y", [[3.0, 4.0, -2.0], [1.0, 1.0, -5.0]])
def test_far_from_one_agrees_with_the_exact_backend(c, y):
    # Reported cases: at 1e±200 the float backend printed τ = 0 or inf, or
    # flipped the order of [1, 1, -5]; near 2e-161 the squares are subnormal.
    p = Problem(np.array(y) * c, W0, signs=SIGNS)
    floats, exact = limit_process(p), limit_process(p, exact=True)
    assert floats.backend == "float" and jumps(floats) == jumps(exact) == jumps(limit_process(Problem(y, W0, signs=SIGNS)))
    for a, b in zip(floats.jumps, exact.jumps):
        assert float(a.tau) == pytest.approx(float(b.tau), rel=1e-14)
        assert float(a.sq_norm) == pytest.approx(float(b.sq_norm), rel=1e-14)
    assert float(min_norm_sq(p)) == pytest.approx(float(min_norm_sq(p, exact=True)), rel=1e-14)
    assert certify(floats).ok and certify(exact).ok
    assert "loss" in floats.out_of_range  # L ~ c² is beyond float64 (or subnormal) at these scales
    assert np.all(np.isfinite(floats.scaled_losses))


def test_labels_beyond_one_float_range_go_to_the_exact_backend():
    # max |y| / min |y| > 2^1075: the small label underflows once divided by c
    p = Problem([1e300, 1e-300, -1.0], W0, signs=SIGNS)
    process = limit_process(p)
    assert process.backend == "exact" and process.deferred
    assert jumps(process) == jumps(limit_process(p, exact=True))
    with pytest.raises(InputError, match="--exact"):
        limit_process(p, near_ties="raise")


@settings(max_examples=60, deadline=None)
@given(problems(kind="fraction", n=(1, 5), m=(1, 4)), st.integers(-1000, 1000))
def test_any_power_of_two_scale(problem, exponent):
    c = math.ldexp(1.0, exponent)
    try:
        base = limit_process(problem, ties="first")
    except InputError:
        return
    y = [v * Fraction(c) for v in problem.y_exact]
    scaled = limit_process(with_labels(problem, [str(v) for v in y]), ties="first")
    assert jumps(scaled) == jumps(base)
    if "time" not in scaled.out_of_range:
        assert [float(s.tau) for s in scaled.jumps] == pytest.approx([float(s.tau) / c for s in base.jumps], rel=1e-12)


@pytest.mark.parametrize("k", [-3, -1, 1, 2, 6])
def test_finite_lambda_at_scaled_labels_is_the_unit_problem_at_a_scaled_lambda(k):
    # labels 4^k ŷ at λ are the labels ŷ at λ / 2^k, times divided by 4^k
    c = 4.0**k
    base = Problem(**REF3)
    scaled = with_labels(base, np.array(REF3["y"]) * c)
    lam = 1e-8
    at_scaled = finite_lambda(limit_process(scaled), lam)
    reference = finite_lambda(limit_process(base), log_inv_lam=-math.log(lam) + k * math.log(2))
    assert at_scaled.times == pytest.approx(reference.times / c, rel=1e-12)
    assert at_scaled.margin_scale == pytest.approx(reference.margin_scale, rel=1e-12)
    assert at_scaled.rate == pytest.approx(reference.rate * c, rel=1e-9)
    assert at_scaled.sq_norms == pytest.approx(reference.sq_norms * c, rel=1e-12)
    t = at_scaled.times[:2]
    assert at_scaled.loss(t) == pytest.approx(reference.loss(t * c) * c * c, rel=1e-9)


def test_finite_lambda_refuses_labels_far_below_the_initialization():
    p = with_labels(Problem(**REF3), np.array(REF3["y"]) * 1e-200)
    with pytest.raises(InputError, match="not small against labels"):
        finite_lambda(limit_process(p), 1e-8)
    assert finite_lambda(limit_process(p), log_inv_lam=500.0).resolved  # λ = e^-500 ≪ 1e-200 is small again
