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

from limitproc import NearTieError, Problem, limit_process

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
