"""Tests of limitproc.process.arithmetic: the float backend knows its error (spec §6).

A near-tie after a rate drop, tuned digit by digit.  y = (3, 1, 1, y_3),
standard basis, three positive neurons active on {0, 1}, {1, 2} and {2, 3}.
Neuron 0 jumps first at τ_1 = 4/√10; it takes datum 1 from neuron 1, whose
rate drops from √2/4 to 1/4, so its candidate time becomes
T_1 = τ_1 + 4 (1 − τ_1 √2/4) = 4 − (√2 − 1) τ_1 (spec §3; the float backend
retimes it, accumulating error).  Neuron 2 keeps T_2 = 4/√(1 + y_3²).  Both
want datum 2, so their order matters: the first takes it and the other, left
with nothing (neuron 1) or with datum 3 only, behaves differently.  With
y_3* = √(16/T_1² − 1) the two times tie; y_3 = y_3* rounded to ``digits``
significant digits moves the gap to about 10^-digits, up or down.
"""

from fractions import Fraction

import pytest
import sympy

import numpy as np

from limitproc import NearTieError, Problem, TieError, limit_process

TAU_1 = 4 / sympy.sqrt(10)
T_1 = TAU_1 + 4 * (1 - TAU_1 * sympy.sqrt(2) / 4)
Y3_TIE = sympy.sqrt(16 / T_1**2 - 1)


def tuned(digits):
    q = Fraction(str(sympy.N(Y3_TIE, digits)))
    return Problem(["3", "1", "1", f"{q.numerator}/{q.denominator}"],
                   [[1, 1, -1, -1], [-1, 1, 1, -1], [-1, -1, 1, 1]], signs=[1, 1, 1])


def order(process):
    return [s.neuron for s in process.jumps]


@pytest.fixture(scope="module")
def sweep():
    """digits → (exact order, float order or None when it raised, near-ties reported)."""
    out = {}
    for digits in range(3, 26):
        problem = tuned(digits)
        exact = order(limit_process(problem, exact=True))
        try:
            floating = order(limit_process(problem, near_ties="raise"))
        except NearTieError:
            floating = None
        out[digits] = exact, floating, limit_process(problem, near_ties="report").near_ties
    return out


def test_the_sweep_crosses_the_tie_both_ways(sweep):
    orders = {tuple(exact) for exact, _, _ in sweep.values()}
    assert orders == {(0, 1, 2), (0, 2)}


def test_never_a_wrong_order(sweep):
    for digits, (exact, floating, _) in sweep.items():
        assert floating is None or floating == exact, digits


def test_decides_whenever_the_gap_is_well_above_rounding(sweep):
    # gap ≈ 10^-digits relative to T ≈ 3.48: decided down to 1e-12
    assert all(sweep[d][1] is not None for d in range(3, 13))


def test_gives_up_below_rounding_with_a_tight_bound(sweep):
    for digits in range(16, 26):
        exact, floating, near = sweep[digits]
        assert floating is None and len(near) == 1
        (tie,) = near
        assert set(tie.neurons) == {1, 2}
        assert tie.gap <= tie.bound < 1e-14  # a few units of roundoff at T ≈ 3.48


def test_default_defers_to_exact():
    for digits in (16, 17, 20):
        deferred = limit_process(tuned(digits))
        assert deferred.backend == "exact" and deferred.deferred
        assert order(deferred) == order(limit_process(tuned(digits), exact=True))


# -- a near-tie planted at the bound of the pairwise label sums ----------------------------
#
# Neuron 0 is active on data 0..L-1, neuron 1 on datum 0 and L..2L-2 (they
# share datum 0); every label is 1 but the last, 1 + k 2^-40 (a float, so both
# backends see the same number).  Then S_1 - S_0 ≈ k 2^-39 and the candidate
# times differ by about k 2^-40 / L relative, while the float bound of each
# time is, with D = ⌈log₂(2L - 1)⌉ the depth of the pairwise label sums
# (docs/theory.md): X_j = T_j ((D + 1) u / 2 + 4u), so the near-tie bound
# X_0 + X_1 + u T is (D + 10) u T.  k = 0 is a true tie between overlapping
# neurons.

PLANTED_L = 2048


def planted(k, L=PLANTED_L):
    n = 2 * L - 1
    y = ["1"] * n
    y[-1] = str(Fraction(1) + Fraction(k, 2**40))
    W = -np.ones((2, n))
    W[0, :L] = 1
    W[1, 0] = 1
    W[1, L:] = 1
    return Problem(y, W, signs=[1, 1])


@pytest.fixture(scope="module")
def planted_sweep():
    out = {}
    for k in range(0, 13):
        p = planted(k)
        try:
            exact = order(limit_process(p, exact=True))
        except TieError:
            exact = "tie"
        try:
            floating = order(limit_process(p, near_ties="raise"))
        except (NearTieError, TieError):
            floating = None
        out[k] = exact, floating, limit_process(p, near_ties="report").near_ties
    return out


def test_planted_near_tie_bound_is_the_pairwise_depth(planted_sweep):
    depth = (2 * PLANTED_L - 2).bit_length()  # ⌈log₂(2L - 1)⌉
    U = 2.0**-53
    for k, (_, _, near) in planted_sweep.items():
        for tie in near:
            assert tie.bound == pytest.approx((depth + 10) * U * max(tie.times), rel=0.02)
            assert tie.bound < 40 * U * max(tie.times)  # recursive summation would need (2L - 2) u


def test_planted_near_tie_decided_exactly_above_the_bound(planted_sweep):
    assert planted_sweep[0][0] == "tie"
    assert all(planted_sweep[k][0] == [1, 0] for k in range(1, 13))
    decided = [k for k, (_, floating, _) in planted_sweep.items() if floating is not None]
    undecided = [k for k, (_, floating, _) in planted_sweep.items() if floating is None]
    assert decided and undecided and max(undecided) < min(decided)  # one threshold, no gap in between
    for k in decided:
        assert planted_sweep[k][1] == planted_sweep[k][0]  # never a wrong order
        assert not planted_sweep[k][2]
    for k in undecided:
        (tie,) = planted_sweep[k][2]
        assert tie.gap <= tie.bound
    # the threshold sits at the bound: the first decided gap is less than 1.3 times it
    bound = ((2 * PLANTED_L - 2).bit_length() + 10) * 2.0**-53  # relative to the times
    gap = 2.0**-40 * min(decided) / PLANTED_L  # (S_1 - S_0) / (2 S): relative gap of the times
    assert bound < gap < 1.3 * bound


def test_planted_near_ties_default_to_the_exact_order():
    for k in (1, 3):
        deferred = limit_process(planted(k))
        assert deferred.backend == "exact" and deferred.deferred and order(deferred) == [1, 0]
