"""Tests of limitproc.flow: the log-norm / data-basis simulator of the
gradient flow of spec §1 against closed forms (seeds digest §2.2), against a
plain integration of the (a, W) flow in input coordinates, and against its
own invariants (balancedness, frozen components, symmetries of spec §3)."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from limitproc import InputError, Problem, limit_process
from limitproc.finite.offsets import offset_bound
from limitproc.flow import FlowRun, crossing_time, simulate_flow, tolerance_error
from limitproc.problem.sampling import random_orthonormal
from limitproc.scale import log_inv_lambda

from ..cases import REF3


def single_neuron_offset(problem, j):
    """``lim t̂ − τ ln(1/λ)`` of a neuron alone on same-sign data (seeds digest
    §2.2): ``[ln(n r) − 2 ln(||W0_j|| (1 + z) / 2)] / (2 r)``."""
    data = np.flatnonzero(problem.inner_products()[j] > 0)
    D = problem.y[data] / problem.n
    r = np.linalg.norm(D)
    z = problem.signs[j] * problem.inner_products()[j][data] @ D / r
    return (np.log(problem.n * r) - 2 * np.log(problem.init_norms[j] * (1 + z) / 2)) / (2 * r)


class TestClosedForms:
    def test_single_neuron_half_fit_time_and_final_state(self):
        # One neuron on two positive data: r = 5/2, it fits both (spec §3).
        p = Problem([3.0, 4.0], [[1.0, 2.0]], signs=[1])
        expected = single_neuron_offset(p, 0)
        for lam in (1e-8, 1e-30):
            run = simulate_flow(p, lam)
            L = np.log(1 / lam)
            assert run.growth_time([0], 5 / 2) - 0.4 * L == pytest.approx(expected, abs=1e-8)
            assert run.loss[-1] < 1e-20
            assert run.theta_sq_norm[-1] == pytest.approx(10.0, abs=1e-9)  # 2 n r
            # integration error: about rtol · |y| (1e-10 · 4; ≈ 1e-12 at rtol = 1e-12)
            assert run.outputs[-1] == pytest.approx([3.0, 4.0], abs=4e-10)

    def test_init_norm_shifts_the_offset_by_its_log(self):
        # w(0) = λ W0 vs λ z: the offset moves by ln||W0|| / r exactly.
        p = Problem([3.0, 4.0], [[2.0, 4.0]], signs=[1])
        default = simulate_flow(p, 1e-20).growth_time([0], 2.5)
        unit = simulate_flow(p, 1e-20, unit_init=True).growth_time([0], 2.5)
        assert unit - default == pytest.approx(np.log(np.sqrt(20.0)) / 2.5, abs=1e-8)

    def test_negative_neuron_fits_negative_data(self):
        p = Problem([-1.0, -2.0, 0.5], [[1.0, 1.0, -1.0]], signs=[-1])
        run = simulate_flow(p, 1e-10)
        assert run.outputs[-1][:2] == pytest.approx([-1.0, -2.0], abs=1e-9)
        assert run.outputs[-1][2] == 0.0
        assert run.loss[-1] == pytest.approx(0.25 / 6, abs=1e-12)  # datum 2 never fitted


class TestAgainstPlainFlow:
    """The reparametrized flow against ``dθ/dt = −∇L(θ)`` integrated in input
    coordinates (spec §1, σ'(0) = 0), at a λ where that is accurate."""

    @staticmethod
    def plain_flow(problem, lam, t_eval):
        X, y, n, m = problem.X, problem.y, problem.n, problem.m
        W0 = lam * problem.directions * problem.init_norms[:, None]
        a0 = problem.signs * np.linalg.norm(W0, axis=1)

        def rhs(t, state):
            a, W = state[:m], state[m:].reshape(m, -1)
            pre = W @ X.T
            act = np.maximum(pre, 0.0)
            r = a @ act - y
            da = -(act @ r) / n
            dW = -(a[:, None] * ((pre > 0) * r)) @ X / n
            return np.concatenate([da, dW.ravel()])

        sol = solve_ivp(rhs, (0, t_eval[-1]), np.concatenate([a0, W0.ravel()]), method="DOP853",
                        t_eval=t_eval, rtol=1e-12, atol=1e-14)
        a, W = sol.y[:m].T, sol.y[m:].T.reshape(len(t_eval), m, -1)
        return a, W

    def test_rotated_inputs_with_orthogonal_complement(self):
        # n = 3 data in R^5: every neuron has a part orthogonal to the data span.
        X = random_orthonormal(3, 5, np.random.default_rng(1))
        rng = np.random.default_rng(2)
        W0 = rng.standard_normal((3, 5))
        p = Problem([1.0, -0.7, 0.5], W0, signs=[1, -1, 1], X=X)
        run = simulate_flow(p, 1e-3)
        t_eval = np.linspace(0.0, run.t_max, 40)
        a, W = self.plain_flow(p, 1e-3, t_eval)
        rho, U, h = run.sample(t_eval)
        assert np.exp(rho) == pytest.approx(np.linalg.norm(W, axis=2), rel=1e-7)
        assert p.signs * np.exp(rho) == pytest.approx(a, rel=1e-7)
        h_plain = np.einsum("tj,tji->ti", a, np.maximum(W @ X.T, 0.0))
        assert h == pytest.approx(h_plain, abs=1e-8)
        a_end, W_end = run.final_parameters
        assert a_end == pytest.approx(a[-1], rel=1e-7)
        assert W_end == pytest.approx(W[-1], abs=1e-8)


class TestInvariants:
    def test_balancedness_is_conserved(self):
        X = random_orthonormal(6, 8, np.random.default_rng(3))
        W0 = np.array(REF3["W0"]) @ X + 0.3 * np.random.default_rng(5).standard_normal((4, 8))
        p = Problem(REF3["y"], W0, signs=REF3["signs"], X=X)
        run = simulate_flow(p, 1e-30)
        # seed 000 Lemma 1: a_j² − ||w_j||² is constant (0); relative drift of
        # the integrated direction stays at the solver tolerance.
        assert np.abs(run.balance_defect).max() < 1e-8
        assert np.abs(run.balancedness).max() < 1e-8

    def test_frozen_components_never_reactivate(self):
        p = Problem(**REF3)
        run = simulate_flow(p, 1e-40)
        assert run.deactivations, "REF3 has wrong-sign components that must deactivate"
        for t, j, i in run.deactivations:
            after = run.t >= t
            assert np.all(run.directions[after, j, i] == 0.0)
        initially_off = p.inner_products() <= 0
        assert np.all(run.directions[:, initially_off] <= 0.0)
        # deactivated components are of opposite sign or already fitted data
        for _, j, i in run.deactivations:
            assert p.signs[j] * p.y[i] < 0 or run.fitted[-1, i]

    def test_basis_and_rotated_inputs_give_the_same_run(self):
        # spec §3 symmetry: one orthogonal map on inputs and directions.
        # (Exact zeros in W0 are avoided: after rotation the rounding of
        # <z_j, x_i> ≈ 1e-17 decides them, in the mask as in the flow.)
        X = random_orthonormal(6, 6, np.random.default_rng(4))
        W0 = np.array(REF3["W0"])
        W0[W0 == 0] = 0.05
        basis = simulate_flow(Problem(REF3["y"], W0, signs=REF3["signs"]), 1e-60)
        rotated = simulate_flow(Problem(REF3["y"], W0 @ X, signs=REF3["signs"], X=X), 1e-60, t_max=basis.t_max)
        for j in range(4):
            a, b = basis.growth_time([j], 0.01), rotated.growth_time([j], 0.01)
            assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, abs=1e-6)
        assert rotated.log_norms[-1] == pytest.approx(basis.log_norms[-1], abs=1e-8)
        assert rotated.outputs[-1] == pytest.approx(basis.outputs[-1], abs=1e-9)

    def test_label_scaling_divides_times(self):
        # spec §3: labels × c divide jump times by c (accelerated), norms × c.
        p1 = Problem([3.0, 4.0], [[1.0, 2.0]], signs=[1])
        p2 = Problem([6.0, 8.0], [[1.0, 2.0]], signs=[1])
        L = np.log(1e30)
        t1 = simulate_flow(p1, 1e-30).growth_time([0], 2.5) / L
        t2 = simulate_flow(p2, 1e-30).growth_time([0], 5.0) / L
        assert t2 * 2 == pytest.approx(t1, abs=2 / L)  # equal up to O(1/ln(1/λ)) offsets
        assert simulate_flow(p2, 1e-30).theta_sq_norm[-1] == pytest.approx(20.0, abs=1e-8)


class TestTinyLambda:
    @pytest.mark.parametrize("scale", [dict(lam=1e-100), dict(log_inv_lam=300.0), dict(log_inv_lam=2000.0)])
    def test_no_underflow(self, scale):
        p = Problem(**REF3)
        process = limit_process(p)
        run = simulate_flow(p, process=process, **scale)
        assert np.isfinite(run.log_norms).all() and np.isfinite(run.outputs).all()
        assert run.loss[0] == pytest.approx(float(process.saddles[0].loss), abs=1e-12)
        assert run.loss[-1] < 1e-12
        assert run.theta_sq_norm[-1] == pytest.approx(float(process.final.sq_norm), rel=1e-6)
        # jump times within the derived tolerance B_k / ln(1/λ) (limitproc.flow.validation)
        L = run.log_inv_lam
        for s, bound in zip(process.jumps, offset_bound(p, process)):
            assert run.growth_time(s.group, p.n * float(s.rate) / 2) / L == pytest.approx(float(s.tau), abs=bound / L)
        if run.log_inv_lam <= 300:  # post-fit plateaus cost ∝ ln(1/λ) (flow module docstring)
            assert run.nfev < 30_000

    def test_lambda_underflows_but_state_does_not(self):
        run = simulate_flow(Problem([1.0, 2.0], [[1.0, 1.0]], signs=[1]), log_inv_lam=2000.0)
        assert run.lam == 0.0
        assert run.log_norms[0, 0] == pytest.approx(-2000.0 + np.log(np.sqrt(2.0)))
        assert repr(run).startswith("FlowRun(λ=e^-2000")


class TestSolver:
    def test_tolerance_halving_error(self):
        err = tolerance_error(Problem(**REF3), 1e-30)
        assert err["growth_times"] < 1e-5
        assert err["fit_times"] < 1e-5
        assert err["final_log_norms"] < 1e-9
        assert err["final_outputs"] < 1e-9

    def test_work_is_reported(self):
        run = simulate_flow(Problem(**REF3), 1e-30)
        assert isinstance(run, FlowRun)
        assert run.steps > 0 and run.nfev > run.steps and run.segments == len(run.deactivations) + 1
        assert run.t[0] == 0.0 and np.all(np.diff(run.t) >= 0)
        assert "evaluations" in repr(run)

    def test_unit_init_is_recorded(self):
        p = Problem([3.0, 4.0], [[1.0, 2.0]], signs=[1])  # ||W0_0|| = √5
        assert simulate_flow(p, 1e-3, unit_init=True).unit_init
        assert not simulate_flow(p, 1e-3).unit_init
        unit = Problem([3.0, 4.0], [[0.6, 0.8]], signs=[1])
        assert not simulate_flow(unit, 1e-3, unit_init=True).unit_init  # the same run

    def test_dense_output_reproduces_the_recorded_steps(self):
        # REF3 deactivates components (many segments): sampling at the recorded
        # step times, across all segments at once, gives the recorded states.
        run = simulate_flow(Problem(**REF3), 1e-8)
        assert run.segments > 1
        rho, U, h = run.sample(run.t)
        assert rho == pytest.approx(run.log_norms, abs=1e-12)
        assert U == pytest.approx(run.directions, abs=1e-12)
        assert h == pytest.approx(run.outputs, abs=1e-12)
        k = run.t.size // 2
        for got, recorded in zip(run.state(run.t[k]), (run.log_norms, run.directions, run.outputs)):
            assert got == pytest.approx(recorded[k], abs=1e-12)

    def test_crossing_time_hermite(self):
        t = np.arange(4.0)
        assert crossing_time(t, t**3, 3.375, 3 * t**2) == pytest.approx(1.5, abs=1e-12)
        assert np.isnan(crossing_time(t, t, 10.0))

    @pytest.mark.parametrize("kwargs", [dict(lam=0.0), dict(lam=1.5), dict(lam=-1e-3), dict()])
    def test_bad_lambda(self, kwargs):
        with pytest.raises(InputError):
            log_inv_lambda(**kwargs)

    def test_bad_options(self):
        p = Problem([1.0], [[1.0]], signs=[1])
        with pytest.raises(ValueError, match="method"):
            simulate_flow(p, 1e-3, method="LSODA")
        with pytest.raises(ValueError, match="t_max"):
            simulate_flow(p, 1e-3, t_max=-1.0)
        with pytest.raises(ValueError, match="outside the run"):
            simulate_flow(p, 1e-3, t_max=5.0).state(6.0)
