"""Seed 000's constants, phases and limit point (limitproc.bounds.phases):
hand values, brute-force checks of the derived closed forms, an independent
ODE solve of Lemma 12's ODE (28), and the simulated flow."""

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from limitproc import InputError, Problem, finite_lambda, limit_process, min_norm_interpolator, simulate_flow
from limitproc.bounds import (
    admissible_epsilon_corrected,
    admissible_epsilon_printed,
    data_constants,
    lemma14_bound,
    lemma15_constant,
    limit_point,
    min_norm_stable_rank,
    phase_bounds,
    phase_timeline,
    pl_ratio,
    stable_rank,
)

TWO_PHASE = Problem([3.0, 4.0, -2.0, -1.0], [[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1]], signs=[1, 1, -1])


def lemma12_problem():
    """y = (1, .6, −.5, −.3) (the digest's limit_process_check problem), m = 16,
    seed 0: S_{+,1} = (6, 12, 14), S_{−,1} = (1, 8, 9, 11)."""
    rng = np.random.default_rng(0)
    W0 = rng.standard_normal((16, 4))
    signs = rng.choice([-1, 1], 16)
    return Problem([1.0, 0.6, -0.5, -0.3], W0, signs=signs)


def test_data_constants_by_hand():
    """||D+|| = 5/4, ||D−|| = √5/4, r = √5; α = 9/50, β = 1/10; printed α, β ×16."""
    k = data_constants(TWO_PHASE)
    assert (k.first_sign, k.n) == (1, 4)
    assert k.D_plus == pytest.approx(1.25) and k.D_minus == pytest.approx(math.sqrt(5) / 4)
    assert k.r == pytest.approx(math.sqrt(5))
    assert (k.alpha, k.beta) == (pytest.approx(0.18), pytest.approx(0.1))
    assert (k.alpha_printed, k.beta_printed) == (pytest.approx(2.88), pytest.approx(1.6))
    assert k.c == pytest.approx(2.0) and k.c_low == pytest.approx(2.0)
    assert k.assumption3 and k.neurons_plus == (0,) and k.neurons_minus == (2,)


def test_orientation_follows_the_larger_D():
    """Negating labels and output signs maps the flow onto itself: the paper's
    + becomes our negative labels, every constant is unchanged."""
    flipped = Problem([-3.0, -4.0, 2.0, 1.0], [[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1]], signs=[-1, -1, 1])
    a, b = data_constants(TWO_PHASE), data_constants(flipped)
    assert b.first_sign == -1
    for name in ("D_plus", "D_minus", "r", "alpha", "beta", "neurons_plus", "neurons_minus"):
        assert getattr(a, name) == getattr(b, name)


def test_both_signs_needed():
    with pytest.raises(InputError, match="both signs"):
        data_constants(Problem([1.0, 2.0], [[1, 1]], signs=[1]))
    with pytest.raises(InputError, match="Assumption 2"):
        data_constants(Problem([1.0, -1.0], [[1, 1]], signs=[1]))


def _conditions(k, alpha, beta, eps):
    """App. B.2 as printed, for a given ε."""
    first = (1 + 3 * eps) * max(1 - alpha, 1 / k.r) <= 1 - eps
    second = (1 + 3 * k.r * eps) * (1 - beta) <= 1 - eps
    return first and second


@pytest.mark.parametrize("seed", range(20))
def test_admissible_epsilon_is_the_supremum(seed):
    """The closed forms (derived) give the largest ε satisfying App. B.2's two
    inequalities, for the corrected and the printed α, β (random labels)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 9))
    y = rng.uniform(0.2, 2.0, n) * np.where(np.arange(n) < max(1, n // 3), 1.0, -1.0)
    if np.isclose((y[y > 0] ** 2).sum(), (y[y < 0] ** 2).sum()):
        return
    p = Problem(y, np.ones((1, n)), signs=[1])
    k = data_constants(p)
    for result, alpha, beta in ((admissible_epsilon_corrected(p), k.alpha, k.beta),
                                (admissible_epsilon_printed(p), k.alpha_printed, k.beta_printed)):
        assert result.value > 0
        assert _conditions(k, alpha, beta, result.value * (1 - 1e-9))
        if math.isfinite(result.value):
            assert not _conditions(k, alpha, beta, result.value * (1 + 1e-6))
    assert k.alpha <= 0.5 and k.beta <= 0.5  # corrected α, β are shares of Σ y²


def test_printed_alpha_exceeds_one():
    """The digest's typo (§1.3): the printed α = y_k²/(2||D_+||²) exceeds 1 here
    (1 − α < 0), and the printed admissible ε is 17× the corrected one."""
    printed, corrected = admissible_epsilon_printed(TWO_PHASE), admissible_epsilon_corrected(TWO_PHASE)
    assert printed.alpha > 1
    assert printed.value == pytest.approx((1 - 1 / math.sqrt(5)) / (1 + 3 / math.sqrt(5)))
    assert corrected.value == pytest.approx(0.1 / (1 + 3 * math.sqrt(5) * 0.9))
    assert printed.value / corrected.value == pytest.approx(16.61, abs=0.01)


def test_timeline_by_hand_and_its_limit():
    tl = phase_timeline(TWO_PHASE, eps=0.1, log_inv_lam=50.0)
    r = math.sqrt(5)
    assert tl.t_plus1 == pytest.approx(0.1 * 50 / 1.25)
    assert tl.t1 == pytest.approx(0.1 * 50 / (r / 4)) == pytest.approx(0.1 * r * 50 / 1.25)  # eq. (15)
    assert tl.t2_bound == pytest.approx(1.3 * 50 / 1.25)
    assert tl.saddle_window == (pytest.approx(1.3 * 50 / 1.25), pytest.approx(0.9 * 50 / (r / 4)))
    assert tl.t3_bound == pytest.approx((1 + 0.3 * r) * 50 / (r / 4))
    # ε → 0: every bound tends to a jump time of the limit process (spec §4)
    small = phase_timeline(TWO_PHASE, eps=1e-9, log_inv_lam=50.0)
    jumps = limit_process(TWO_PHASE).times * 50.0
    assert small.t2_bound == pytest.approx(jumps[0]) and small.t3_bound == pytest.approx(jumps[1])
    assert small.saddle_window[1] == pytest.approx(jumps[1]) and tl.jumps == pytest.approx(tuple(jumps))
    assert [row[1] for row in tl.rows()] == sorted(row[1] for row in tl.rows())


def test_bounds_by_hand():
    b = phase_bounds(TWO_PHASE, 1e-8, 0.02)
    lam = 1e-8
    assert b.lemma7_norm_max == pytest.approx(2 * 2 * lam**0.98)
    assert b.lemma2_norm_max == pytest.approx(2 * 2 * lam ** (1 - math.sqrt(5) * 0.02))
    assert b.lemma9_minus_norm_min == pytest.approx(2 * lam ** (1 + math.sqrt(5) * 0.02) / 2)
    assert b.lemma4_u_minus == pytest.approx(math.sqrt(5) - lam ** (0.02 / 29))
    assert b.lemma5_radius == pytest.approx(lam ** (0.02 / 240))


def _kappa_by_ode(problem, j, horizon=30.0):
    """ODE (28) integrated numerically, dw/dt = s ||w|| D̃(w) with h ≡ 0 (data
    basis; components that reach 0 freeze, σ'(0) = 0), until ||D^∞|| t = horizon:
    κ ≈ ln ||w(t)|| − ||D^∞|| t (error e^{−2·horizon})."""
    n, s, y = problem.n, float(problem.signs[j]), problem.y
    w = problem.directions[j] * problem.init_norms[j]  # standard basis: data coefficients
    active = w > 0
    final = np.linalg.norm(np.where(active & (s * y > 0), y, 0.0)) / n
    t0, end = 0.0, horizon / final

    def rhs(t, z):
        return s * np.linalg.norm(z) * np.where(active, y / n, 0.0)

    while True:
        shrinking = np.flatnonzero(active & (s * y < 0))

        def hit(t, z, shrinking=shrinking):
            return z[shrinking].min() if shrinking.size else 1.0

        hit.terminal, hit.direction = True, -1
        sol = solve_ivp(rhs, (t0, end), w, method="DOP853", rtol=1e-12, atol=1e-14, events=hit)
        w = sol.y[:, -1].copy()
        t0 = sol.t[-1]
        if sol.status == 0:
            break
        k = shrinking[np.argmin(w[shrinking])]
        w[k], active[k] = 0.0, False
    return math.log(np.linalg.norm(w)) - final * end


def test_lemma12_kappa_against_the_ode():
    p = lemma12_problem()
    lp = limit_point(p)
    for j in lp.neurons_plus + lp.neurons_minus:
        assert lp.kappa[j] == pytest.approx(_kappa_by_ode(p, j), abs=1e-8)
    others = np.setdiff1d(np.arange(p.m), lp.neurons_plus + lp.neurons_minus)
    assert np.isnan(lp.kappa[others]).all() and (lp.sq_norms[others] == 0).all()


def test_lemma12_limit_point_structure_and_the_library():
    """Shares sum to n||D_±||, θ* is a minimum-norm interpolator (spec §4),
    and the split agrees with limitproc.finite's group split (seeds digest F8,
    computed there from the log-norm offsets) to rounding."""
    p = lemma12_problem()
    lp = limit_point(p)
    plus, minus = np.linalg.norm([1.0, 0.6]), np.linalg.norm([0.5, 0.3])
    assert lp.sq_norms[list(lp.neurons_plus)].sum() == pytest.approx(plus)
    assert lp.sq_norms[list(lp.neurons_minus)].sum() == pytest.approx(minus)
    outputs = lp.a @ np.maximum(lp.W @ p.inputs().T, 0.0)
    np.testing.assert_allclose(outputs, p.y, atol=1e-12)
    assert lp.sq_norm == pytest.approx(min_norm_interpolator(p).sq_norm)
    process = limit_process(p)
    np.testing.assert_allclose(finite_lambda(process, 1e-8).sq_norms, lp.sq_norms, atol=1e-12)


@pytest.mark.parametrize("lam, tolerance", [(1e-4, 2e-3), (1e-8, 2e-4), (1e-16, 1e-6)])
def test_lemma12_against_the_flow(lam, tolerance):
    """Final per-neuron ||w_j||² of the simulated flow → Lemma 12's as λ → 0
    (measured: 1.3e-3, 9.4e-5, 4.9e-7)."""
    p = lemma12_problem()
    run = simulate_flow(p, lam)
    assert np.abs(run.sq_norms[-1] - limit_point(p).sq_norms).max() < tolerance


def test_lemma14_below_the_ratio_at_random_balanced_parameters():
    """Lemma 14: ||∇L||²/L ≥ 2 min(u_−/n, u_+/n) at balanced θ (a_j = ±||w_j||),
    200 random draws near the two-phase structure."""
    rng = np.random.default_rng(2)
    y = np.array([1.0, 0.6, -0.5, -0.3])
    p = Problem(y, np.ones((1, 4)), signs=[1])
    count = 0
    for _ in range(200):
        W = rng.standard_normal((5, 4)) + np.array([[2, 2, -2, -2]] * 2 + [[-2, -2, 2, 2]] * 2 + [[0, 0, 0, 0]])
        a = np.array([1, 1, -1, -1, 1]) * np.linalg.norm(W, axis=1)
        bound = lemma14_bound(p, a, W)
        count += bound > 0
        assert pl_ratio(p, y, a, W) >= bound * (1 - 1e-12)
    assert count > 50  # the bound is not vacuous on most draws


def test_pl_constants_at_the_limit_point():
    """At θ*, Lemma 14 gives 2 min(||D±||) = 2||D−||; Lemma 15's constant is half."""
    p = lemma12_problem()
    lp = limit_point(p)
    k = data_constants(p)
    assert lemma14_bound(p, lp.a, lp.W) == pytest.approx(2 * k.D_minus)
    assert lemma15_constant(p) == pytest.approx(k.D_minus)


def test_stable_rank_of_the_min_norm_interpolator():
    """||W*||_F²/||W*||_2² = 1 + 1/r for the width-2 interpolator and for θ*."""
    for p in (TWO_PHASE, lemma12_problem()):
        expected = min_norm_stable_rank(p)
        assert stable_rank(min_norm_interpolator(p).W) == pytest.approx(expected)
        assert expected == pytest.approx(1 + 1 / data_constants(p).r)
    assert stable_rank(limit_point(lemma12_problem()).W) == pytest.approx(min_norm_stable_rank(lemma12_problem()))
    assert min_norm_stable_rank(Problem([1.0, 2.0], [[1, 1]], signs=[1])) == 1.0
