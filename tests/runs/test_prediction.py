"""Tests of limitproc.runs.prediction: the GD limit process it uses
(limit_process(step=h)) against the literal rate-mapped Algorithm 1 of
tests/reference.py, its h → 0 limit, the stability limit
(docs/gradient-descent.md §6) and the step schedule of a run (leading order
and finite-λ corrected, against simulate_gd)."""

import numpy as np
import pytest

from limitproc import Problem, finite_lambda, limit_process
from limitproc.flow.gd import gd_rate
from limitproc.finite.stability import stability_limit
from limitproc.flow import simulate_gd
from limitproc.runs.prediction import predict_run

from ..cases import CASES, CHAIN, GROUPS, REF3, SHARED, SIMULTANEOUS, TWO_PHASE
from ..reference import GD_SWAP, gd_rate_map, reference_process


def gd_limit_process(problem, h):
    """The GD limit process predict_run uses (ties to the lowest index)."""
    return limit_process(problem, step=h or None, ties="first")

NAMED = {"REF3": REF3, "CHAIN": CHAIN, "SHARED": SHARED, "TWO_PHASE": TWO_PHASE, "GROUPS": GROUPS,
         "SIMULTANEOUS": SIMULTANEOUS, "GD_SWAP": GD_SWAP}
PROBLEMS = {**{c.name: c.problem for c in CASES}, **{k: Problem(**v) for k, v in NAMED.items()}}


@pytest.mark.parametrize("name", sorted(PROBLEMS))
@pytest.mark.parametrize("h", [0.02, 0.1, 0.5, 1.0])
def test_against_the_rate_mapped_reference(name, h):
    p = PROBLEMS[name]
    expected = reference_process(p.y, p.directions, p.signs, p.X, rate_map=gd_rate_map(h))
    got = gd_limit_process(p, h)
    assert [(j.neuron, list(j.data)) for j in got.jumps] == [(j, data) for _, j, data, _, _ in expected]
    np.testing.assert_allclose(got.times, [tau for tau, *_ in expected], rtol=1e-12)
    np.testing.assert_allclose(got.losses[1:], [loss for *_, loss, _ in expected], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got.sq_norms[1:], [sq for *_, sq in expected], rtol=1e-12)
    assert all(float(got.speed(float(j.rate))) == pytest.approx(float(gd_rate(float(j.rate), h)), rel=1e-14)
               for j in got.jumps)


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_step_zero_is_algorithm_1(name):
    p = PROBLEMS[name]
    process = limit_process(p, ties="first")
    got = gd_limit_process(p, 0.0)
    assert [(j.neuron, list(j.data)) for j in got.jumps] == [(s.neuron, s.data.tolist()) for s in process.jumps]
    np.testing.assert_allclose(got.times, process.times, rtol=1e-12)
    np.testing.assert_allclose(got.sq_norms, process.sq_norms, rtol=1e-12)
    assert float(got.resolution_margin.value) == pytest.approx(float(process.resolution_margin.value), rel=1e-12)
    for tau in (0.5, 3.0, 12.0):
        np.testing.assert_allclose(got.exponents(tau), process.exponents(tau), atol=1e-12)


def test_gd_jumps_come_later_on_a_first_jump():
    # τ_1^GD = 1/g(r_1) (docs/gradient-descent.md §3)
    p = PROBLEMS["one_jump"]
    for h in (0.02, 0.5):
        assert gd_limit_process(p, h).times[0] == pytest.approx(1 / np.log1p(2.5 * h) * h, rel=1e-14)


class TestStability:
    def test_lone_block(self):
        # y = (3, 4): ν_max = 2 r = 5, h_max = 0.4; the sign condition 1/||D(0)|| = 0.4 too.
        limit = stability_limit(gd_limit_process(PROBLEMS["one_jump"], 0.1))
        assert limit.step_max == pytest.approx(0.4) and limit.sign_step == pytest.approx(0.4)
        assert limit.stable(0.39) and not limit.stable(0.41)

    @pytest.mark.parametrize("name", ["REF3", "CHAIN", "SHARED", "TWO_PHASE"])
    def test_final_ntk_is_finite_lambdas(self, name):
        # The last saddle's largest K/n eigenvalue, remnants included, is the
        # one of docs/finite-lambda.md §3.1 (limitproc.finite).
        p = PROBLEMS[name]
        limit = stability_limit(gd_limit_process(p, 0.0))
        ntk = finite_lambda(limit_process(p), 1e-8).ntk_eigenvalues
        assert limit.ntk_max[-1] == pytest.approx(float(np.max(ntk)), rel=1e-12)
        assert list(limit.ntk_max) == sorted(limit.ntk_max)  # blocks only gain diagonal terms

    def test_two_phase_closed_form(self):
        # Seed 000's two-phase case: blocks ||D_±|| (I + d dᵀ), ν_max = 2 max ||D_±||.
        p = PROBLEMS["TWO_PHASE"]
        D_plus = np.linalg.norm(p.y[p.y > 0]) / p.n
        limit = stability_limit(gd_limit_process(p, 1.0))
        assert limit.step_max == pytest.approx(2 / (2 * D_plus), rel=1e-12)


class TestRunPrediction:
    def test_steps_and_plateaus(self):
        p = PROBLEMS["REF3"]
        pred = predict_run(p, 1e-8, lr=0.25, reduction="mean")
        assert pred.step_size == 0.5
        gd = gd_limit_process(p, 0.5)
        np.testing.assert_allclose(pred.leading_steps, gd.times * np.log(1e8) / 0.5, rtol=1e-14)
        assert pred.finite is not None and pred.finite.valid
        np.testing.assert_allclose(pred.steps, pred.finite.times / 0.5, rtol=1e-14)
        np.testing.assert_allclose(pred.loss_at_step([0, pred.steps[0] - 1, pred.steps[0] + 1, 1e9]),
                                   [gd.losses[0], gd.losses[0], gd.losses[1], gd.losses[-1]])
        assert pred.stable and pred.flow_order == (1, 3, 0) and not pred.order_differs
        logs = pred.log_norms_at_step([0.0, 1e9])
        np.testing.assert_allclose(logs[0], -np.log(1e8))
        assert logs[1, 1] == pytest.approx(0.5 * np.log(p.n * float(gd.jumps[0].rate)))

    @pytest.mark.parametrize("name, lr", [("REF3", 0.05), ("CHAIN", 0.25), ("SHARED", 0.5)])
    def test_corrected_steps_against_simulate_gd(self, name, lr):
        # The corrected half-fit steps hit the simulated run's (the growth of
        # the jumping group to half its a², as compare reads a log) within a
        # few steps where the leading order is off by tens to hundreds.
        p = PROBLEMS[name]
        pred = predict_run(p, 1e-8, lr=lr, reduction="mean")
        run = simulate_gd(p, 1e-8, step=lr, reduction="mean")
        observed = np.array([run.growth_step(list(j.group), j.fit_sq_norm / 2) for j in pred.jumps])
        err = np.abs(pred.steps - observed)
        lead = np.abs(pred.leading_steps - observed)
        assert np.median(lead / np.maximum(err, 1e-9)) > 50 and (err <= lead).all(), (err, lead)

    def test_order_differs_and_unstable(self):
        assert predict_run(PROBLEMS["GD_SWAP"], log_inv_lam=300.0, lr=1.0).order_differs
        assert not predict_run(PROBLEMS["GD_SWAP"], log_inv_lam=300.0, lr=0.01).order_differs
        pred = predict_run(PROBLEMS["one_jump"], 1e-8, lr=0.5, reduction="mean")
        assert pred.step_size == 1.0 and not pred.stable
        assert predict_run(limit_process(PROBLEMS["REF3"]), 1e-4, lr=0.1).resolved is False
