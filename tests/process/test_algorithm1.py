"""Algorithm 1 (spec §3) on hand-computed cases, against a literal
transcription of the spec, and on the facts and symmetries spec §3 lists."""

import numpy as np
import pytest
import sympy

from limitproc import NearTieError, Problem, TieError, certify, limit_process
from limitproc.process.exact import compare

from ..cases import CASES
from ..reference import reference_process


def random_problem(rng, n, m, d=None, labels="gaussian"):
    d = n if d is None else d
    y = rng.standard_normal(n) if labels == "gaussian" else np.abs(rng.standard_normal(n))
    X = None if d == n and rng.random() < 0.5 else np.linalg.qr(rng.standard_normal((d, n)))[0].T
    return Problem(y, rng.standard_normal((m, d)), signs=rng.choice([-1, 1], m), X=X)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("exact", [False, True], ids=["float", "exact"])
def test_reference_cases(case, exact):
    process = limit_process(case.problem, exact=exact)
    assert [s.neuron for s in process.jumps] == list(case.neurons)
    assert [tuple(s.data.tolist()) for s in process.jumps] == list(case.data)
    for s, tau in zip(process.jumps, case.taus):
        if exact:
            assert compare(s.tau, tau) == 0
        else:
            assert float(s.tau) == pytest.approx(float(tau), rel=1e-14)
    for got, want in zip(process.saddles, case.losses):
        assert (compare(got.loss, want) == 0) if exact else float(got.loss) == pytest.approx(float(want), rel=1e-14, abs=1e-300)
    for got, want in zip(process.saddles, case.sq_norms):
        assert (compare(got.sq_norm, want) == 0) if exact else float(got.sq_norm) == pytest.approx(float(want), rel=1e-14)
    assert certify(process).ok


def test_memory_case_exponents():
    """Neuron 1 of the memory case: e = 1 − (sqrt(17)/3) τ, then slope −1/3 after τ = 3/5."""
    process = limit_process(CASES[1].problem)
    for tau in (0.0, 0.3, 0.6):
        assert process.exponents(tau)[1] == pytest.approx(1 - np.sqrt(17) / 3 * tau, abs=1e-14)
    e_jump = 1 - np.sqrt(17) / 5
    assert process.exponents(1.0)[1] == pytest.approx(e_jump - (1.0 - 0.6) / 3, abs=1e-14)
    assert process.exponents(2.0).tolist() == [0.0, 0.0]
    assert process.exponents(0.6)[0] == 0.0
    (step,) = process.interactions
    assert (step.k, step.neuron) == (1, 1)
    assert step.old_rate == pytest.approx(np.sqrt(17) / 3) and step.new_rate == pytest.approx(1 / 3)
    assert step.exponent == pytest.approx(e_jump)
    assert process.resolution_margin.value == pytest.approx(e_jump)


def test_at_returns_piecewise_constant_process():
    process = limit_process(CASES[1].problem)
    assert process.at(0.0).k == 0
    assert process.at(0.599).k == 0
    assert process.at(0.6).k == 1
    assert process.at(1.2).k == 2
    with pytest.raises(ValueError):
        process.at(-1)


@pytest.mark.parametrize("seed", range(40))
def test_matches_literal_transcription_of_spec(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 40)), int(rng.integers(1, 25))
    problem = random_problem(rng, n, m, d=n + int(rng.integers(0, 3)))
    process = limit_process(problem, near_ties="raise")
    expected = reference_process(problem.y, problem.directions, problem.signs, problem.X)
    assert [s.neuron for s in process.jumps] == [j for _, j, _, _, _ in expected]
    assert [s.data.tolist() for s in process.jumps] == [d for _, _, d, _, _ in expected]
    np.testing.assert_allclose(process.times, [t for t, *_ in expected], rtol=1e-11)
    np.testing.assert_allclose(process.losses[1:], [x[3] for x in expected], rtol=1e-11, atol=1e-300)
    np.testing.assert_allclose(process.sq_norms[1:], [x[4] for x in expected], rtol=1e-11)


@pytest.mark.parametrize("seed", range(15))
def test_float_and_exact_backends_agree(seed):
    rng = np.random.default_rng(100 + seed)
    problem = random_problem(rng, int(rng.integers(2, 30)), int(rng.integers(1, 12)))
    a = limit_process(problem, near_ties="raise")
    b = limit_process(problem, exact=True)
    assert [s.neuron for s in a.jumps] == [s.neuron for s in b.jumps]
    assert [s.data.tolist() for s in a.jumps] == [s.data.tolist() for s in b.jumps]
    np.testing.assert_allclose(a.times, b.times, rtol=1e-12)
    np.testing.assert_allclose(a.sq_norms, b.sq_norms, rtol=1e-12)
    np.testing.assert_allclose(a.losses, b.losses, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("seed", range(20))
def test_facts_of_spec_section_3(seed):
    rng = np.random.default_rng(200 + seed)
    n, m = int(rng.integers(2, 50)), int(rng.integers(1, 20))
    problem = random_problem(rng, n, m)
    process = limit_process(problem)
    y = problem.y
    taus = process.times
    assert np.all(np.diff(taus) > 0)
    assert np.all(np.diff(process.losses) < 0)
    assert process.K <= min(m, n)
    fitted = [set(s.data.tolist()) for s in process.jumps]
    assert all(fitted)
    assert sum(len(f) for f in fitted) == len(set().union(*fitted)) if fitted else True
    for s in process.jumps:  # sign-consistent: positive neurons fit positive data only
        assert np.all(np.sign(y[s.data]) == problem.signs[s.neuron])
    for s in process.saddles:  # L(θ_k) = (1/2n) Σ_{unfitted} y²
        done = set().union(*fitted[: s.k]) if s.k else set()
        unfitted = [i for i in range(n) if i not in done]
        assert float(s.loss) == pytest.approx((y[unfitted] ** 2).sum() / (2 * n), rel=1e-12, abs=1e-300)
    assert (process.final.loss == 0) == process.interpolates
    if process.interpolates:
        lower = 2 * (np.linalg.norm(y[y > 0]) + np.linalg.norm(y[y < 0]))
        assert lower * (1 - 1e-12) <= process.final.sq_norm <= 2 * np.abs(y).sum() * (1 + 1e-12)
    assert certify(process).ok


def test_symmetries():
    """Permutations permute, rotations change nothing, scaling y by c divides τ by c."""
    rng = np.random.default_rng(7)
    n, m = 12, 8
    y = rng.standard_normal(n)
    Z = rng.standard_normal((m, n))
    s = rng.choice([-1, 1], m)
    base = limit_process(Problem(y, Z, signs=s))
    pi_d, pi_n = rng.permutation(n), rng.permutation(m)
    permuted = limit_process(Problem(y[pi_d], Z[pi_n][:, pi_d], signs=s[pi_n]))
    inv_n = np.argsort(pi_n)
    assert [int(pi_n[s_.neuron]) for s_ in permuted.jumps] == [s_.neuron for s_ in base.jumps]
    assert [sorted(pi_d[s_.data].tolist()) for s_ in permuted.jumps] == [s_.data.tolist() for s_ in base.jumps]
    np.testing.assert_allclose(permuted.times, base.times, rtol=1e-13)
    assert inv_n.size == m
    Q = np.linalg.qr(rng.standard_normal((n + 3, n + 3)))[0]
    X = np.eye(n, n + 3) @ Q  # rotated orthonormal inputs
    rotated = limit_process(Problem(y, np.hstack([Z, rng.standard_normal((m, 3))]) @ Q, signs=s, X=X))
    assert [s_.neuron for s_ in rotated.jumps] == [s_.neuron for s_ in base.jumps]
    np.testing.assert_allclose(rotated.times, base.times, rtol=1e-12)
    scaled = limit_process(Problem(2.5 * y, Z, signs=s))
    np.testing.assert_allclose(scaled.times, base.times / 2.5, rtol=1e-13)
    np.testing.assert_allclose(scaled.sq_norms, base.sq_norms * 2.5, rtol=1e-13)


def test_zero_column_never_moves_and_keeps_exponent_one():
    case = CASES[3]  # neuron 1 is a zero column
    process = limit_process(case.problem)
    assert process.mask.zero_columns.tolist() == [1]
    a, W = process.parameters()
    assert a[1] == 0 and not W[1].any()
    assert process.exponents(100.0)[1] == 1.0


def test_equal_columns_are_one_group():
    process = limit_process(CASES[4].problem)
    assert process.mask.groups == ((0, 1),)
    assert process.jumps[0].group == (0, 1)
    e = process.exponents(0.5)
    assert e[0] == e[1]


def test_zero_labels_are_fitted_from_the_start():
    p = Problem([3.0, 0.0, 4.0], [[1, 1, 1]], signs=[1], allow_zero_labels=True)
    process = limit_process(p)
    assert process.interpolates and process.final.loss == 0
    assert process.jumps[0].data.tolist() == [0, 2]
    assert process.final.sq_norm == pytest.approx(10.0)


def test_disjoint_exact_tie_is_a_simultaneous_jump():
    p = Problem(["1", "1"], [[1, -1], [-1, 1]], signs=[1, 1])
    for exact in (False, True):
        process = limit_process(p, exact=exact)
        assert [s.neuron for s in process.jumps] == [0, 1]
        assert process.jumps[0].tau == process.jumps[1].tau
        assert float(process.jumps[0].tau) == 2.0


def test_overlapping_exact_tie_is_reported():
    p = Problem(["1", "1", "1"], [[1, 1, -1], [-1, 1, 1]], signs=[1, 1])
    for exact in (False, True):
        with pytest.raises(TieError) as info:
            limit_process(p, exact=exact)
        assert info.value.neurons == (0, 1)
        assert compare(info.value.time, sympy.Rational(3, 2) * sympy.sqrt(2)) == 0


def test_overlapping_tie_broken_by_index_on_request():
    p = Problem(["1", "1", "1"], [[1, 1, -1], [-1, 1, 1]], signs=[1, 1])
    for exact in (False, True):
        process = limit_process(p, exact=exact, ties="first")
        assert [(s.neuron, s.data.tolist()) for s in process.jumps] == [(0, [0, 1]), (1, [2])]
        assert float(process.jumps[1].tau) == pytest.approx(1.5 * np.sqrt(2))  # e_1 = 0 at the tie
        ((tau, pair),) = process.ties
        assert pair == (0, 1) and float(tau) == pytest.approx(1.5 * np.sqrt(2))
        assert certify(process).ok


def test_near_tie_float_cannot_order_is_deferred_to_exact():
    """S_0 = 1 + 10^-18 and S_1 = 1 + (10^9 - 1)^-2 are equal in float64, but
    S_1 > S_0, so neuron 1 jumps first; both share datum 0."""
    p = Problem(["1", "1/1000000000", "1/999999999"], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
    assert p.y[1] ** 2 + 1 == p.y[2] ** 2 + 1
    reported = limit_process(p, near_ties="report")
    assert reported.jumps[0].neuron == 0 and len(reported.near_ties) == 1
    with pytest.raises(NearTieError):
        limit_process(p, near_ties="raise")
    deferred = limit_process(p)
    assert deferred.backend == "exact" and deferred.deferred
    exact = limit_process(p, exact=True)
    assert [s.neuron for s in deferred.jumps] == [s.neuron for s in exact.jumps] == [1, 0]


def test_inputs_are_not_modified():
    rng = np.random.default_rng(3)
    y, W = rng.standard_normal(5), rng.standard_normal((4, 5))
    y0, W0 = y.copy(), W.copy()
    limit_process(Problem(y, W, signs=[1, -1, 1, -1]))
    assert np.array_equal(y, y0) and np.array_equal(W, W0)


def reference_exponents(process, tau):
    """``LimitProcess.exponents`` as first written: every interaction re-read per call."""
    rate = np.array([float(r) for r in process.initial_rates])
    start, e0 = np.zeros(process.problem.m), np.ones(process.problem.m)
    times = [0.0] + process.times.tolist()
    for step in process.interactions:
        if times[step.k] > tau:
            break
        start[step.neuron], e0[step.neuron], rate[step.neuron] = times[step.k], float(step.exponent), float(step.new_rate)
    e = np.maximum(e0 - rate * (tau - start), 0.0)
    for s in process.jumps:
        if float(s.tau) <= tau:
            e[s.neuron] = 0.0
    return e[process.mask.representative]


@pytest.mark.parametrize("seed", range(4))
def test_exponents_resume_and_restart(seed):
    rng = np.random.default_rng(300 + seed)
    process = limit_process(random_problem(rng, 60, 12))
    taus = [0.0] + process.times.tolist()
    table = process.exponents_at_jumps()
    assert table.shape == (process.K + 1, process.problem.m)
    for row, tau in zip(table, taus):
        np.testing.assert_array_equal(row, reference_exponents(process, tau))
    for tau in rng.uniform(0, 1.2 * max(taus), 20):  # any order: backwards restarts the sweep
        np.testing.assert_array_equal(process.exponents(tau), reference_exponents(process, tau))
