"""Tests of limitproc.flow.gd: exact full-batch gradient descent in the
log-scale, data-basis parametrization, against a literal float64 GD on
(a, W), against the flow as h → 0, and against the closed forms of
docs/gradient-descent.md (growth at g(r) = ln(1 + h r)/h, balancedness drift,
stability limit)."""

import numpy as np
import pytest

from limitproc import InputError, Problem, limit_process
from limitproc.flow import simulate_flow, validate
from limitproc.flow.gd import GDStatus, default_gd_steps, flow_time_step, gd_rate, simulate_gd, transit_offset
from limitproc.finite.offsets import offset_bound
from limitproc.problem.sampling import random_orthonormal

from ..cases import CHAIN, REF3, SHARED, TWO_PHASE
from ..reference import GD_SWAP

ONE_JUMP = dict(y=[3.0, 4.0], W0=[[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])


def literal_gd(problem, lam, h, steps):
    """θ ← θ − h ∇L on (a, W) in input coordinates (spec §1, σ'(0) = 0):
    every iterate, as plain float64 arrays."""
    X, y, n = problem.inputs(), problem.y, problem.n
    W = lam * problem.directions * problem.init_norms[:, None]
    a = problem.signs * np.linalg.norm(W, axis=1)
    out = [(a, W)]
    for _ in range(steps):
        pre = W @ X.T
        act = np.maximum(pre, 0.0)
        r = a @ act - y
        a, W = a - h * (act @ r) / n, W - h * ((a[:, None] * ((pre > 0) * r)) @ X) / n
        out.append((a, W))
    return out


class TestUnits:
    def test_flow_time_step(self):
        # docs/gradient-descent.md §1: L, MSELoss(mean) = 2L, MSELoss(sum) = 2nL.
        assert flow_time_step(0.3) == 0.3
        assert flow_time_step(0.3, "mean") == 0.6
        assert flow_time_step(0.3, "sum", n=5) == pytest.approx(3.0)
        for bad in (dict(lr=0.1, reduction="max"), dict(lr=-1.0), dict(lr=np.nan), dict(lr=0.1, reduction="sum")):
            with pytest.raises(InputError):
                flow_time_step(**bad)

    def test_reductions_are_the_same_descent(self):
        p = Problem(**REF3)
        spec = simulate_gd(p, 1e-6, step=0.2, steps=300, record_every=1)
        mean = simulate_gd(p, 1e-6, step=0.1, steps=300, reduction="mean", record_every=1)
        total = simulate_gd(p, 1e-6, step=0.2 / 12, steps=300, reduction="sum", record_every=1)
        for other in (mean, total):
            assert other.step_size == pytest.approx(0.2, rel=1e-15)
            np.testing.assert_allclose(other.outputs, spec.outputs, rtol=1e-13, atol=1e-300)
            np.testing.assert_allclose(other.t, spec.t, rtol=1e-13)

    def test_gd_rate(self):
        r = np.array([0.1, 1.0, 3.0])
        assert gd_rate(r, 0.5) == pytest.approx(np.log(1 + 0.5 * r) / 0.5)
        assert gd_rate(r, 0.0) is not None and np.all(gd_rate(r, 0.0) == r)
        assert np.all(gd_rate(r, 1e-8) == pytest.approx(r, rel=1e-7))


class TestAgainstLiteralGD:
    """The scaled update is the GD step itself: equal to rounding at λ = 1e-4."""

    @pytest.mark.parametrize("h", [0.1, 1.0])
    def test_standard_basis(self, h):
        p = Problem(**REF3)
        steps = int(400 / h)
        run = simulate_gd(p, 1e-4, step=h, steps=steps, record_every=1)
        assert run.status is GDStatus.COMPLETED and run.t.size == steps + 1
        reference = literal_gd(p, 1e-4, h, steps)
        self.assert_same(run, reference)
        assert run.loss[-1] < 1e-6  # past the last jump (τ_3 ln(1e4) ≈ 310 as h → 0)

    def test_rotated_inputs(self):
        rng = np.random.default_rng(4)
        X = random_orthonormal(5, 7, rng)
        p = Problem([1.0, -0.5, 0.8, 0.3, -1.2], rng.standard_normal((4, 7)), signs=[1, -1, 1, -1], X=X)
        run = simulate_gd(p, 1e-4, step=0.5, steps=400, record_every=1)
        self.assert_same(run, literal_gd(p, 1e-4, 0.5, 400))

    @staticmethod
    def assert_same(run, reference):
        worst = 0.0
        for index, step in enumerate(run.step_index):
            a, W = run.parameters(index)
            a_ref, W_ref = reference[step]
            worst = max(worst, np.abs(a - a_ref).max() / np.abs(a_ref).max(),
                        np.abs(W - W_ref).max() / np.abs(W_ref).max())
        # relative to the largest entry; rounding accumulates over 10^2–10^3 steps
        assert worst < 1e-12


class TestAgainstFlow:
    def test_first_order_convergence(self):
        # GD is the explicit Euler method of the flow: error O(h) at fixed t.
        p = Problem(**REF3)
        flow = simulate_flow(p, 1e-4, t_max=120.0, rtol=1e-12, atol=1e-14)
        times = np.linspace(0.0, 120.0, 25)
        rho, _, outputs = flow.sample(times)
        errors = []
        for h in (0.02, 0.01):
            run = simulate_gd(p, 1e-4, step=h, steps=int(round(120 / h)), record_every=1)
            idx = np.searchsorted(run.step_index, np.round(times / h).astype(int))
            errors.append((np.abs(run.log_norms[idx] - rho).max(), np.abs(run.outputs[idx] - outputs).max()))
        errors = np.array(errors)
        assert errors[1, 0] < 2e-2 and errors[1, 1] < 1e-2
        np.testing.assert_allclose(errors[0] / errors[1], 2.0, rtol=0.03)


class TestClosedForms:
    """docs/gradient-descent.md §2–§5 on one neuron in its linear phase."""

    def test_growth_rate_is_g(self):
        # A lone neuron on y = (3, 4): r = 5/2; per step ||w|| is multiplied by 1 + h r.
        p = Problem([3.0, 4.0], [[1.0, 2.0]], signs=[1])
        for h in (0.1, 0.5, 1.0):
            # Past the alignment: relative to the growing mode, the anti-aligned one
            # falls like |1 − h r|^k/(1 + h r)^k and the orthogonal part like (1 + h r)^-k.
            x = 2.5 * h
            k0 = int(np.ceil(25 / -np.log(max(abs(1 - x), 1.0) / (1 + x))))
            k1 = k0 + 10
            run = simulate_gd(p, 1e-30, step=h, steps=k1, record_every=1)
            slope = (run.log_norms[k1, 0] - run.log_norms[k0, 0]) / ((k1 - k0) * h)
            assert slope == pytest.approx(np.log1p(2.5 * h) / h, rel=1e-9)

    def test_balancedness_drift(self):
        # Δ_k = a² − ||w||² = ||c_⊥||² ((1 − h² r²)^k − 1) (docs §5), with
        # ||c_⊥||² = λ² (||W0||² − <W0, D̂>²) = 0.16 λ² for W0 = (1, 2), D̂ = (0.6, 0.8).
        p = Problem([3.0, 4.0], [[1.0, 2.0]], signs=[1])
        lam, h = 1e-30, 0.1
        run = simulate_gd(p, lam, step=h, steps=30, record_every=1)
        k = run.step_index
        expected = 0.16 * lam**2 * ((1 - (h * 2.5) ** 2) ** k - 1)
        np.testing.assert_allclose(run.balancedness[:, 0], expected, rtol=1e-6, atol=1e-13 * lam**2)

    def test_tiny_scales_do_not_underflow(self):
        p = Problem(**REF3)
        process = limit_process(p)
        run = simulate_gd(p, log_inv_lam=300.0, step=1.0, process=process)
        assert run.status is GDStatus.COMPLETED
        assert np.isfinite(run.log_norms).all() and run.log_norms[0].max() < -299
        assert run.theta_sq_norm[-1] == pytest.approx(float(process.final.sq_norm), rel=1e-9)
        assert run.loss[-1] < 1e-20
        assert np.abs(run.balancedness).max() < 1e-12


class TestRecording:
    def test_adaptive_records_keep_crossings(self):
        p = Problem(**REF3)
        dense = simulate_gd(p, 1e-8, step=0.5, steps=2500, record_every=1)
        sparse = simulate_gd(p, 1e-8, step=0.5, steps=2500, record_every=100)
        assert sparse.t.size < dense.t.size / 2
        for group, level in (([1], 0.7), ([3], 0.3), ([0], 0.05)):
            assert sparse.growth_time(group, level) == pytest.approx(dense.growth_time(group, level), abs=0.02)
        np.testing.assert_allclose(sparse.fit_times(), dense.fit_times(), atol=0.05)
        assert sparse.steps == dense.steps == 2500

    def test_stop_loss_and_progress(self):
        calls = []
        p = Problem(**ONE_JUMP)
        run = simulate_gd(p, 1e-8, step=0.1, steps=10_000, stop_loss=1e-12,
                          progress=lambda done, total: calls.append((done, total)))
        assert run.status is GDStatus.LOSS_REACHED and run.loss[-1] <= 1e-12 < run.loss[-2]
        assert calls and calls[0] == (100, 10_000)

    def test_default_steps_pass_the_last_jump(self):
        p = Problem(**REF3)
        process = limit_process(p)
        run = simulate_gd(p, 1e-8, step=1.0, process=process)
        assert run.steps == default_gd_steps(process, 1.0, np.log(1e8))
        assert run.loss[-1] < 1e-10

    def test_bad_arguments(self):
        p = Problem(**ONE_JUMP)
        with pytest.raises(InputError):
            simulate_gd(p, 1e-8, step=0.1, steps=-1)
        with pytest.raises(InputError):
            simulate_gd(p, 1e-8, step=0.1, record_every=0)
        with pytest.raises(InputError):
            simulate_gd(p, 2.0, step=0.1)


class TestDivergence:
    """docs/gradient-descent.md §6: one neuron on y = (3, 4) has ν_max = 2 r = 5,
    so gradient descent stays on the path iff h < 2/5."""

    def test_below_the_limit(self):
        run = simulate_gd(Problem(**ONE_JUMP), 1e-8, step=0.39, steps=2000)
        assert run.status is GDStatus.COMPLETED
        assert run.theta_sq_norm[-1] == pytest.approx(10.0, rel=1e-4) and run.loss[-1] < 1e-20

    @pytest.mark.parametrize("h", [0.6, 1.0, 5.0])
    def test_catapult_is_reported(self, h):
        run = simulate_gd(Problem(**ONE_JUMP), 1e-8, step=h, steps=2000)
        assert run.diverged and "catapult" in run.message and "ReLU kink" in run.message
        assert run.steps < 200 and np.isfinite(run.loss).all()
        assert "DIVERGED" in repr(run)

    def test_blow_up_is_reported(self):
        p = Problem([3.0, -4.0], [[1, 0.5], [0.5, 1]], signs=[1, -1])
        run = simulate_gd(p, 1e-8, step=1e3, steps=100)
        assert run.diverged and "L(θ_0)" in run.message and run.steps == 3

    def test_just_above_the_limit_leaves_the_path(self):
        # h = 0.41: no catapult, but the balanced interpolator (||θ||² = 10) is unstable.
        run = simulate_gd(Problem(**ONE_JUMP), 1e-8, step=0.41, steps=2000)
        assert abs(run.theta_sq_norm[-1] - 10.0) > 0.5


class TestValidationTakesGDRuns:
    def test_validate_with_a_gd_run(self):
        # GDRun has FlowRun's measurement methods.  (validate compares with the
        # flow's times τ_k: its plateau windows do not fit a GD run, whose jumps come later.)
        p = Problem(**TWO_PHASE)
        process = limit_process(p)
        run = simulate_gd(p, log_inv_lam=60.0, step=0.5, process=process)
        report = validate(p, runs=[run], process=process, rates=False)
        check = report.runs[0]
        assert check.verdict.name == "MATCH"
        assert check.sq_norm == pytest.approx(float(process.final.sq_norm), rel=1e-9)
        assert check.plateaus[0].loss_error < 1e-12
        assert [j.t_flow > j.tau * 60.0 for j in check.jumps] == [True, True]


class TestSingleNeuronOffset:
    def test_first_jump_offset(self):
        # docs/gradient-descent.md §7: a lone neuron on same-sign data jumps at
        # t_half = τ^GD ln(1/λ) + [ln(n r) − 2 ln(||W0|| (1 + z)/2)] / (2 g(r)) + ψ(h r)/r,
        # up to the linear interpolation between steps: 0 ≤ error ≤ x²/(8 r), x = h r.
        p = Problem([3.0, 4.0], [[1.0, 2.0]], signs=[1])
        r, z = 2.5, 2.2 / np.sqrt(5)
        for h in (0.02, 0.1, 0.3):
            g = float(gd_rate(r, h))
            expected = (np.log(2 * r) - 2 * np.log(np.sqrt(5) * (1 + z) / 2)) / (2 * g) + transit_offset(h * r) / r
            for L in (23.0, 23.5, 69.3):
                run = simulate_gd(p, log_inv_lam=L, step=h, record_every=1)
                error = run.growth_time([0], 2.5) - L / g - expected
                assert -1e-9 <= error <= (h * r) ** 2 / (8 * r)


def gd_limit_process(problem, h):
    """Algorithm 1 of gradient descent (limit_process(step=h))."""
    return limit_process(problem, step=h)


class TestGDLimitProcess:
    """docs/gradient-descent.md §3: GD's half-fit times approach τ_k^GD ln(1/λ),
    τ^GD from Algorithm 1 with exponents falling at g(r) = ln(1 + h r)/h."""

    PROBLEMS = {"REF3": REF3, "CHAIN": CHAIN, "SHARED": SHARED}

    @staticmethod
    def offsets(problem, process, gd, h, L):
        run = simulate_gd(problem, log_inv_lam=L, step=h, process=process)
        assert run.status is GDStatus.COMPLETED
        t_hat = np.array([run.growth_time(list(j.group), problem.n * float(j.rate) / 2) for j in gd.jumps])
        return t_hat - gd.times * L

    @pytest.mark.parametrize("name", sorted(PROBLEMS))
    @pytest.mark.parametrize("h", [0.5, 1.0])
    def test_offsets_converge(self, name, h):
        self.check(name, h)

    @pytest.mark.slow
    @pytest.mark.parametrize("name", sorted(PROBLEMS))
    @pytest.mark.parametrize("h", [0.02, 0.1])
    def test_offsets_converge_small_steps(self, name, h):
        self.check(name, h)

    def check(self, name, h):
        problem = Problem(**self.PROBLEMS[name])
        process = limit_process(problem)
        gd = gd_limit_process(problem, h)
        assert [j.neuron for j in gd.jumps] == [s.neuron for s in process.jumps]  # same order here
        rates = np.array([float(j.rate) for j in gd.jumps])
        early, late = (self.offsets(problem, process, gd, h, L) for L in (np.log(1e16), 300.0))
        # Converged constants: the offsets move only by the step phase of the
        # half-fit crossing, at most (h r)²/(8 r) (TestSingleNeuronOffset), and by
        # competitors of size e^{-2 μ ln(1/λ)} (μ ln(1e16) ≥ 8 here).
        np.testing.assert_array_less(np.abs(late - early), h**2 * rates / 8 + 0.01)
        # O(1) in t: within the flow's offset bound (docs/validation.md), its time
        # scale 1/r stretched to 1/g(r), plus the transit ψ and one step.
        bound = np.array(offset_bound(problem, process)) * rates / gd_rate(rates, h) + 0.5 / rates + h
        np.testing.assert_array_less(np.abs(late), bound)
        # ... while the flow's τ_k is off by an amount growing like ln(1/λ):
        # between the two λ its error moves by |τ^GD − τ| Δln(1/λ) (> 100 h here).
        drift = np.abs(gd.times - process.times) * (300.0 - np.log(1e16))
        assert drift.min() > 100 * h
        np.testing.assert_array_less(np.abs(late - early), drift / 100)

    def test_order_and_fitted_sets_differ_from_the_flow(self):
        # GD_SWAP (docs/gradient-descent.md §4): at h = 1 neuron 1 fits datum 1
        # before neuron 2 can, which under the flow fits {1, 2}.
        problem = Problem(**GD_SWAP)
        process = limit_process(problem)
        gd = gd_limit_process(problem, 1.0)
        assert [(s.neuron, s.data.tolist()) for s in process.jumps] == [(0, [0, 3]), (2, [1, 2])]
        assert [(j.neuron, j.data.tolist()) for j in gd.jumps] == [(0, [0, 3]), (1, [1]), (2, [2])]
        L = 300.0  # μ ln(1/λ) ≥ 10 for both processes
        run = simulate_gd(problem, log_inv_lam=L, step=1.0, process=process)
        assert fitters(run, problem) == [0, 1, 2, 0]
        assert run.theta_sq_norm[-1] == pytest.approx(gd.sq_norms[-1], rel=1e-5)  # still relaxing at rate 0.075
        offsets = np.array([run.growth_time([j.neuron], problem.n * float(j.rate) / 2) for j in gd.jumps]) - gd.times * L
        assert np.abs(offsets).max() < 20.0  # O(1) in t, against τ L ≈ 3500
        flow = simulate_flow(problem, log_inv_lam=L, process=process)
        assert fitters(flow, problem) == [0, 2, 2, 0]
        assert flow.theta_sq_norm[-1] == pytest.approx(float(process.final.sq_norm), rel=1e-8)


def fitters(run, problem):
    """The largest contributor to each datum when it is half fitted (spec §7)."""
    out = []
    for i, t in enumerate(run.fit_times()):
        rho, U, _ = run.state(t)
        out.append(int(np.argmax(problem.signs * np.exp(2 * rho) * np.maximum(U[:, i], 0) * np.sign(problem.y[i]))))
    return out
