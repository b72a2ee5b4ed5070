"""Seed 001's local-PL curvature and bounds (limitproc.bounds.curvature), checked
against brute-force gradients, closed forms and the simulated flow."""

import numpy as np
import pytest

from limitproc import InputError, Problem, simulate_flow
from limitproc.bounds import (
    average_curvature,
    curvature,
    last_step_curvature,
    pl_bracket,
    pl_ratio,
    theorem1_bound,
)
from tests.cases import REF3


@pytest.fixture(scope="module")
def ref3_run():
    return simulate_flow(Problem(**REF3), 1e-8)


def _loss(X, y, a, W):
    h = a @ np.maximum(W @ X.T, 0.0)
    return ((h - y) ** 2).sum() / (2 * X.shape[0])


def test_pl_ratio_against_central_differences():
    """||∇L||²/L from the closed-form gradient equals the one from central
    differences of L (step 1e-6, no activation crosses 0: error ~1e-9)."""
    rng = np.random.default_rng(0)
    X = np.linalg.qr(rng.standard_normal((6, 4)))[0].T  # 4 orthonormal rows in R^6
    y = rng.standard_normal(4)
    a, W = rng.standard_normal(3), rng.standard_normal((3, 6))
    theta = np.concatenate([a, W.ravel()])
    step = 1e-6
    grad = np.empty_like(theta)
    for k in range(theta.size):
        e = np.zeros_like(theta)
        e[k] = step
        up, down = theta + e, theta - e
        grad[k] = (_loss(X, y, up[:3], up[3:].reshape(3, 6)) - _loss(X, y, down[:3], down[3:].reshape(3, 6))) / (2 * step)
    expected = grad @ grad / _loss(X, y, a, W)
    assert pl_ratio(X, y, a, W) == pytest.approx(expected, rel=1e-7)


def test_bracket_contains_the_ratio_at_random_parameters():
    """Lemma 6 holds at any parameters (balanced or not), with orthogonal inputs
    of norms in [1, 2] as in seed 001's experiments: 200 random draws."""
    rng = np.random.default_rng(1)
    for _ in range(200):
        n, d, m = rng.integers(2, 6), 8, rng.integers(1, 5)
        Q = np.linalg.qr(rng.standard_normal((d, n)))[0].T
        X = Q * rng.uniform(1, 2, n)[:, None]
        y = rng.choice([-1, 1], n) * rng.uniform(1, 2, n)
        a, W = rng.standard_normal(m), rng.standard_normal((m, d))
        mu = pl_ratio(X, y, a, W)
        assert pl_bracket(X, a, W).contains(mu)


def test_the_printed_statement_fails_for_non_unit_norms():
    """With ||x|| = 2 the statement's unsquared C_x^+ gives an upper bound below
    the true ratio; the squared one (eq. 7, proof (20)–(22)) holds: one neuron
    on x = 2 e_1, a = 1, w = e_1: ||∇L||²/L = 2·(4 + 4)/1·... computed exactly."""
    X = np.array([[2.0, 0.0]])
    a, W, y = np.array([1.0]), np.array([[1.0, 0.0]]), np.array([5.0])
    mu = pl_ratio(X, y, a, W)  # h = 2, R = −3: grad_a = −6, grad_w = −6 x/… → ||∇L||² = 36 + 36, L = 4.5: 16
    assert mu == pytest.approx(16.0)
    assert pl_bracket(X, a, W).contains(mu)
    assert pl_bracket(X, a, W).upper == pytest.approx(16.0)  # (2/1)(2² + 0)(1 + 1)
    assert not pl_bracket(X, a, W, statement="printed").contains(mu)  # (2/1)(2)(2) = 8 < 16


def test_exact_and_finite_difference_curvature_agree(ref3_run):
    """On a flow run, μ from the exact derivative equals ||∇L||²/L at the
    recorded parameters.  On uniform grids of the dense output, the finite
    differences of ln L converge to ||∇L||²/L at second order: the worst
    relative error over 37 probes (where L > 1e-8; below, L is at rounding
    level) is 2.0e-2, 1.3e-3 with 2000 and 8000 steps (measured; 16x per 4x)."""
    run = ref3_run
    exact = curvature(run)
    assert exact.method == "exact"
    for index in (10, run.t.size // 2, run.t.size - 20):
        a, W = run.parameters(index)
        assert exact.mu[index] == pytest.approx(pl_ratio(run.problem, run.problem.y, a, W), rel=1e-6)
    s = run.problem.signs
    worst = []
    for steps in (2000, 8000):
        times = np.linspace(0.0, run.t_max, steps + 1)
        rho, U, h = run.sample(times)
        loss = run.problem.loss(h)
        rough = curvature(times, loss)
        assert rough.method == "finite differences"
        errors = []
        for fraction in np.linspace(0.05, 0.95, 37):
            i = int(fraction * steps)
            if loss[i] > 1e-8:
                ratio = pl_ratio(run.problem, run.problem.y, s * np.exp(rho[i]), np.exp(rho[i])[:, None] * U[i])
                errors.append(abs(rough.mu[i] / ratio - 1))
        worst.append(max(errors))
    assert worst[1] < 2e-3 and worst[0] / worst[1] > 10


def test_average_is_seed001_lemma2(ref3_run):
    """L(t) = L(0) exp(−<μ>(t) t) and <μ>(t) t = ∫_0^t μ (trapezoid on the steps)."""
    run = ref3_run
    c = curvature(run)
    k = run.t.size // 2
    assert run.loss[0] * np.exp(-c.average[k] * run.t[k]) == pytest.approx(run.loss[k], rel=1e-12)
    integral = np.trapezoid(c.mu[: k + 1], run.t[: k + 1])
    assert integral == pytest.approx(c.average[k] * run.t[k], rel=2e-3)


def test_hand_values():
    t = np.array([0.0, 1.0, 3.0])
    loss = 2.0 * np.exp(-0.5 * t)
    np.testing.assert_allclose(average_curvature(t, loss)[1:], 0.5, rtol=1e-14)
    assert np.isnan(average_curvature(t, loss)[0])
    assert last_step_curvature(t, loss) == pytest.approx(0.5, rel=1e-14)
    np.testing.assert_allclose(curvature(t, loss, loss_rate=-0.5 * loss).mu, 0.5, rtol=1e-14)


def test_zero_loss_gives_nan():
    c = curvature([0.0, 1.0, 2.0], [1.0, 0.5, 0.0])
    assert np.isnan(c.mu[2]) and np.isnan(c.average[2])
    assert c.final_average == pytest.approx(np.log(2.0))


def test_theorem1_bounds_hold_along_the_flow(ref3_run):
    """Seed 001 Theorem 1 (balanced init, orthonormal inputs): μ(t) ≥ each of the
    stated bound, the proof's, and the orthonormal form (2/n) min|h|, at
    every recorded step (μ exact)."""
    run = ref3_run
    mu = curvature(run).mu
    b = theorem1_bound(run.problem, run.problem.y, run.outputs)
    good = np.isfinite(mu)
    for bound in (b.stated, b.proof, b.orthonormal):
        assert (mu[good] >= bound[good] * (1 - 1e-9)).all()
    assert b.constant == pytest.approx(np.abs(run.problem.y).min())


def test_theorem1_orthonormal_form_needs_orthonormal_inputs():
    b = theorem1_bound(2 * np.eye(2), [1.0, -1.0], [0.5, -0.5])
    assert np.isnan(b.orthonormal) and b.constant == pytest.approx(2.0)  # (2²/2)·1


def test_invalid_inputs():
    with pytest.raises(InputError):
        curvature([0.0, 1.0], [1.0])
    with pytest.raises(InputError):
        curvature([1.0, 0.0], [1.0, 2.0])
    with pytest.raises(InputError):
        curvature([0.0, 1.0])
    with pytest.raises(InputError):
        pl_bracket(np.eye(2), [1.0], [[1.0, 0.0]], statement="typo")
    with pytest.raises(InputError):
        theorem1_bound(np.eye(2), [1.0, 0.0], [0.1, 0.1])
