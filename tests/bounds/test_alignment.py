"""Seed 003's alignment window (limitproc.bounds.alignment): hand values, unit
conversion and the simulated flow."""

import math

import numpy as np
import pytest

from limitproc import Problem, limit_process, simulate_flow
from limitproc.bounds import alignment_window


def toy(m=50, seed=0):
    """Seed 003 App. A.3 (Fig. 9): x_1 = e_1, x_2 = e_2, y = (1, 1), balanced
    Gaussian initialization with random signs (the paper's is unbalanced)."""
    rng = np.random.default_rng(seed)
    W0 = rng.standard_normal((m, 2))
    return Problem([1.0, 1.0], W0, signs=rng.choice([-1, 1], m))


def test_hand_values_and_units():
    """T_003 = (1/(4 n X_max)) ln(1/(√h ε)); spec time is n times that."""
    p = Problem([1.0, -0.5, 0.25], [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]], signs=[1, -1])
    w = alignment_window(p, 1e-10)
    L = math.log(1e10)
    assert w.T_paper == pytest.approx((L - 0.5 * math.log(2)) / (4 * 3))
    assert w.T == pytest.approx(3 * w.T_paper)
    assert (w.w_max, w.x_max, w.label_max) == (2.0, 1.0, 1.0)
    assert w.norm_sq_max == pytest.approx(2e-10 * 4 / math.sqrt(2))
    assert w.output_max == pytest.approx(2e-10 * math.sqrt(2) * 4)
    assert w.direction_error == pytest.approx(4e-10 * math.sqrt(2) * 4)
    assert w.eps_admissible and w.labels_covered
    assert w.first_jump == pytest.approx(float(limit_process(p).times[0]) * L)


def test_flags():
    big = Problem([2.0, 1.0], [[1.0, 1.0]], signs=[1])
    assert not alignment_window(big, 1e-6).labels_covered
    wide = Problem([1.0, 1.0], [[3.0, 3.0]], signs=[1])  # W_max² = 18: ε ≤ 1/72
    assert not alignment_window(wide, 0.02).eps_admissible
    assert alignment_window(wide, 0.01).eps_admissible


def test_window_is_below_the_first_jump():
    """The guaranteed small-norm phase ends well before the first jump of the
    limit process and before the finite-λ corrected first jump."""
    w = alignment_window(toy(), 1e-6, corrected=True)
    assert w.T < w.first_jump_corrected < w.first_jump * 1.2
    assert w.ratio == pytest.approx(w.T / w.first_jump) and w.ratio < 0.2


@pytest.mark.parametrize("lam", [1e-6, 1e-12])
def test_bounds_hold_on_the_flow(lam):
    """Lemma 3 on the simulated flow: for t ≤ T every ||w_j||² and |h(x_i)|
    stays below its bound (the bounds are loose: measured margins ≥ 10×)."""
    p = toy()
    w = alignment_window(p, lam)
    run = simulate_flow(p, lam, t_max=w.T)
    assert run.t_max == pytest.approx(w.T)
    assert run.sq_norms.max() <= w.norm_sq_max
    assert np.abs(run.outputs).max() <= w.output_max
    assert run.sq_norms.max() < 0.1 * w.norm_sq_max
