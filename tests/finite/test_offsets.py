"""Tests of limitproc.finite.offsets: the λ-free log-norm offsets (seed 000 eq. (28),
Lemma 12; seeds digest F8, F11) against their definition on the simulated flow
(:func:`limitproc.flow.simulate.simulate_flow`): ``ln ||w_j(t)|| + ln(1/λ) e_j(τ)`` in
the middle of each plateau, and against seed 000's closed form in the
two-phase case.  The reductions behind the realignments (``_transit``) are
checked against a brute-force integration of the linear flow.
"""

import numpy as np
import pytest

from limitproc import Problem, limit_process
from limitproc.finite.offsets import (
    _transit,
    log_norm_offsets,
    offset_bound,
    offset_model,
)
from limitproc.flow import simulate_flow

from ..cases import REF3


class TestOffsets:
    """The λ-free offsets against their definition on the flow."""

    def test_two_phase_closed_form(self):
        # No wrong-sign components: the first-order model is exact (F11).
        p = Problem([3.0, 4.0, -1.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        process = limit_process(p)
        offsets = log_norm_offsets(process)
        y, n = np.array([3.0, 4.0, -1.0]), 3
        for k, (sign, data) in enumerate([(1, [0, 1]), (-1, [2])]):
            r = np.linalg.norm(y[data]) / n
            z = np.abs(y[data]).sum() / np.sqrt(3) / np.linalg.norm(y[data])
            closed = (np.log(n * r) - 2 * np.log(np.sqrt(3) * (1 + z) / 2)) / (2 * r)
            assert offsets.jump_offsets[[s.k for s in process.jumps if s.neuron == k][0] - 1] == pytest.approx(closed)
        assert offsets.jump_offsets == pytest.approx(offset_model(p, process), abs=1e-12)

    def test_kappa_is_the_flow_log_norm_in_every_plateau(self):
        # ln ||w_j(t)|| = −ln(1/λ) e_j(τ) + κ_j^k in the middle of plateau k
        # (module docstring): initial phase with deactivations (REF3 has
        # wrong-sign components) and the realignments through the jumps.
        p = Problem(**REF3)
        process = limit_process(p)
        offsets = log_norm_offsets(process)
        L = 200.0
        run = simulate_flow(p, log_inv_lam=L, process=process)
        edges = [0.0] + process.times.tolist()
        for k in range(process.K):
            tau = 0.5 * (edges[k] + edges[k + 1])
            rho, _, _ = run.state(tau * L)
            kappa = offsets.kappa(k)
            waiting = np.isfinite(kappa)
            assert waiting.sum() >= 1
            predicted = -L * process.exponents(tau) + kappa
            assert rho[waiting] == pytest.approx(predicted[waiting], abs=1e-6)

    def test_first_order_model_is_validate_s(self):
        from limitproc.flow import validation as module

        p = Problem(**REF3)
        process = limit_process(p)
        assert module.offset_model is offset_model and module.offset_bound is offset_bound
        assert offset_model(p, process) == pytest.approx([-1.80012258, -4.91658542, -76.9453652], abs=1e-7)
        # the exact offsets differ where the first-order model is approximate
        exact = log_norm_offsets(process).jump_offsets
        assert exact == pytest.approx([-1.7433676, -4.4964321, -76.6506011], abs=1e-6)
        assert np.all(np.abs(exact) <= offset_bound(p, process))

    def test_transit_tends_to_the_instantaneous_switch(self):
        # ρ → ∞: the residual is switched off at C; Δ = (r − r') C + ln((1 + r'/r)/2)
        old, new, C = 0.5, 0.3, 1.7
        lost = np.sqrt(old**2 - new**2)
        step = (old - new) * C + np.log((1 + new / old) / 2)
        errors = [abs(_transit(old, new, [(lost, rho, C)])[0] - step) for rho in (5.0, 50.0, 500.0)]
        assert errors[0] > errors[1] > errors[2] and errors[2] < 1e-3

    def test_transit_against_the_data_basis_flow(self):
        # The three-dimensional reduction against the linear flow of a small
        # neuron in the data basis, residual y on the kept data and y p(s) on
        # the taken ones.
        from scipy.integrate import solve_ivp

        y_keep, y_lost, n, rho, C = np.array([0.7, 0.4]), np.array([0.9, 0.2, 0.5]), 5, 0.8, 0.6
        old = np.linalg.norm(np.r_[y_keep, y_lost]) / n
        new = np.linalg.norm(y_keep) / n

        def rhs(s, z):
            p = 0.5 * (1 - np.tanh(rho * (s - C)))
            g = np.r_[y_keep, y_lost * p] / n
            return np.r_[g @ z[1:], g * z[0]]

        start, end = C - 40 / rho, C + 40 / rho + 40 / new
        z0 = np.r_[1.0, np.r_[y_keep, y_lost] / n / old] * np.exp(old * start)
        sol = solve_ivp(rhs, (start, end), z0, method="DOP853", rtol=1e-12, atol=1e-300)
        brute = np.log(sol.y[0, -1]) - new * end
        delta, remnant = _transit(old, new, [(np.linalg.norm(y_lost) / n, rho, C)])
        assert delta == pytest.approx(brute, abs=1e-8)
        lost_part = sol.y[3:, -1] @ (y_lost / np.linalg.norm(y_lost))
        assert remnant[0] == pytest.approx(np.log(lost_part), abs=1e-8)


@pytest.mark.filterwarnings("ignore:At least one element of `rtol` is too small")
def test_transits_together_equal_transits_alone():
    from limitproc.finite.offsets import _transits

    rng = np.random.default_rng(11)
    items = []
    for _ in range(9):
        old = float(rng.uniform(0.5, 2.0))
        blocks = [(float(rng.uniform(0.05, 0.4)), float(rng.uniform(0.5, 3.0)), float(rng.uniform(-3, 3)))
                  for _ in range(int(rng.integers(1, 4)))]
        items.append((old, old * float(rng.uniform(0.3, 0.9)), blocks))
    together = _transits(items)
    for item, (delta, remnant) in zip(items, together):
        # against a solve at tolerances 100 times tighter: the batch (tolerances divided by
        # sqrt(components / 3)) is at least as accurate as the system solved alone
        ref_delta, ref_remnant = _transits([item], rtol=1e-14, atol=1e-16)[0]
        alone_delta, alone_remnant = _transit(*item)
        assert abs(delta - ref_delta) <= max(abs(alone_delta - ref_delta), 1e-12)
        assert np.all(np.abs(np.subtract(remnant, ref_remnant))
                      <= np.maximum(np.abs(np.subtract(alone_remnant, ref_remnant)), 1e-9))


def test_progress_of_the_offsets_and_of_the_loss_model():
    from limitproc import Problem, finite_lambda, limit_process

    process = limit_process(Problem([3.0, 4.0, 1.0], [[1, 1, -1], [-1, 1, 1]], signs=[1, 1]))
    calls = []
    prediction = finite_lambda(process, 1e-8, progress=lambda stage, done, total: calls.append((stage, done, total)))
    assert calls[-1] == ("offsets", process.K, process.K)
    prediction.rate
    assert calls[-1] == ("relaxation", process.K, process.K)
    assert [c for c in calls if c[0] == "relaxation"] == [("relaxation", k, process.K) for k in range(1, process.K + 1)]


@pytest.mark.parametrize("components, steps", [(1, 1), (1, 7), (1, 100_001), (3, 5_000), (2, 300_001)])
def test_discrete_realignment_equals_the_steps_one_by_one(components, steps):
    """The pairwise matrix products of _discrete_realignment against the GD
    steps taken one at a time in (ln a, α/a, β/a) (rounding: 1e-15 per step on
    ln a, relative; 1e-13 on the ratios)."""
    import math

    from limitproc.finite.offsets import _discrete_realignment

    rng = np.random.default_rng(components * steps)
    hp = rng.uniform(0.0, 1e-3, (steps, components))
    q_b0 = rng.uniform(0.0, 1.0, components)
    log_a, q_a, q_b = -3.0, 0.4, q_b0.copy()
    for row in hp:
        factor = 1.0 + 2e-3 * q_a + float(row @ q_b)
        q_a, q_b = (q_a + 2e-3) / factor, (q_b + row) / factor
        log_a += math.log(factor)
    got = _discrete_realignment(-3.0, 0.4, q_b0, 2e-3, hp)
    assert got[0] == pytest.approx(log_a, rel=1e-15 * steps + 1e-14, abs=1e-12)
    assert got[1] == pytest.approx(q_a, rel=1e-13) and np.allclose(got[2], q_b, rtol=1e-13, atol=1e-15)
