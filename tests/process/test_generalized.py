"""Algorithm 1 beyond spec §1: inputs of any norms, unbalanced initializations
(docs/general-inputs.md §2–§3) and gradient descent with a step
(docs/gradient-descent.md §3), against the literal transcriptions of
tests/reference_general.py and tests/reference.py."""

import numpy as np
import pytest

from limitproc import ArgumentError, Problem, certify, limit_process, min_norm_sq, two_phase
from limitproc.problem import random_orthonormal

from ..cases import CASES
from ..reference import GD_SWAP, gd_rate_map, reference_process
from ..reference_general import reference_general


def random_problem(seed, n=6, m=5, balanced=False):
    """Orthogonal rows of norms in [0.5, 2], labels ±[0.5, 2], Gaussian W0,
    a0 = ±||W0_j|| × [0.3, 3] (or balanced)."""
    rng = np.random.default_rng(seed)
    d = n + 1
    c = rng.uniform(0.5, 2.0, n)
    X = c[:, None] * random_orthonormal(n, d, rng)
    y = rng.choice([-1, 1], n) * rng.uniform(0.5, 2.0, n)
    W0 = rng.standard_normal((m, d))
    factor = 1.0 if balanced else np.exp(rng.uniform(np.log(0.3), np.log(3.0), m))
    a0 = rng.choice([-1, 1], m) * np.linalg.norm(W0, axis=1) * factor
    return Problem(y, W0, a0=a0, X=X)


@pytest.mark.parametrize("seed", range(12))
def test_any_norms_and_unbalanced_against_the_reference(seed):
    p = random_problem(seed, balanced=seed % 3 == 0)
    process = limit_process(p, ties="first")
    coordinates = p.data_coordinates() * p.init_norms[:, None]
    signs, mask, jumps = reference_general(p.y, p.input_norms, coordinates, p.output_weights)
    assert np.array_equal(process.mask.signs, signs) and np.array_equal(process.mask.dense(), mask)
    assert [(s.neuron, s.data.tolist()) for s in process.jumps] == [(j, data) for _, j, data, *_ in jumps]
    for s, (tau, _, _, loss, sq_norm, a, weights) in zip(process.jumps, jumps):
        assert float(s.tau) == pytest.approx(tau, rel=1e-12)
        assert float(s.loss) == pytest.approx(loss, rel=1e-12, abs=1e-15)
        assert float(s.sq_norm) == pytest.approx(sq_norm, rel=1e-12)
        assert float(s.a) == pytest.approx(a, rel=1e-12)
        # the weight on x_i is s y_i / (c_i² √N); the reference gives it along x_i / c_i
        c = p.input_norms[s.data]
        assert np.array([float(v) for v in s.coefficients]) * c == pytest.approx(weights, rel=1e-12)
    assert certify(process).ok


@pytest.mark.parametrize("seed", [1, 4, 7])
def test_any_norms_exact_backend_agrees(seed):
    p = random_problem(seed)
    floats, exact = limit_process(p, ties="first"), limit_process(p, exact=True, ties="first")
    assert [(s.neuron, s.data.tolist()) for s in floats.jumps] == [(s.neuron, s.data.tolist()) for s in exact.jumps]
    for a, b in zip(floats.jumps, exact.jumps):
        assert float(a.tau) == pytest.approx(float(b.tau), rel=1e-13)
        assert float(a.sq_norm) == pytest.approx(float(b.sq_norm), rel=1e-13)
    assert certify(exact).ok


def test_seed000_e1_fits_the_positive_point_first():
    # x = (−0.5, 1), y = −1 and x = (2, 1), y = +1: norms √1.25 and √5 (seed 000 §5, E1);
    # rates |y_i| ||x_i|| / n = 0.559 and 1.118 (docs/general-inputs.md §4)
    X = np.array([[-0.5, 1.0], [2.0, 1.0]])
    p = Problem([-1.0, 1.0], [[0.3, 0.4], [-0.5, 0.2]], signs=[1, -1], X=X)
    process = limit_process(p)
    assert [s.data.tolist() for s in process.jumps] == [[1], [0]]
    assert process.times == pytest.approx([2 / np.sqrt(5), 2 / np.sqrt(1.25)], rel=1e-14)
    # ||θ||² = 2 Σ |y_i| / ||x_i|| = the minimum norm (one datum per sign)
    assert float(process.final.sq_norm) == pytest.approx(2 / np.sqrt(5) + 2 / np.sqrt(1.25), rel=1e-14)
    assert float(min_norm_sq(p)) == pytest.approx(float(process.final.sq_norm), rel=1e-14)
    assert two_phase(p, process.mask).times == pytest.approx(tuple(process.times), rel=1e-14)
    assert certify(process).ok


@pytest.mark.parametrize("h", [0.02, 0.1, 0.5, 1.0])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_gradient_descent_against_the_reference(case, h):
    p = case.problem
    if p.X is not None:
        Z = p.directions
    else:
        Z = p.directions
    try:
        process = limit_process(p, step=h)
    except Exception as exc:  # a true tie of the flow may not be one under gradient descent, and conversely
        pytest.skip(f"{type(exc).__name__}")
    jumps = reference_process(p.y, Z, p.signs, p.X, rate_map=gd_rate_map(h))
    assert [(s.neuron, tuple(s.data.tolist())) for s in process.jumps] == [(j, tuple(d)) for _, j, d, *_ in jumps]
    assert process.times == pytest.approx([t for t, *_ in jumps], rel=1e-12)
    assert process.step == h


def test_gradient_descent_can_change_the_fitted_sets():
    p = Problem(**GD_SWAP)
    flow, gd = limit_process(p), limit_process(p, step=1.0)
    assert [s.data.tolist() for s in flow.jumps] == [[0, 3], [1, 2]]
    assert [s.data.tolist() for s in gd.jumps] == [[0, 3], [1], [2]]
    assert float(gd.final.sq_norm) > float(flow.final.sq_norm)
    # exponents fall at g(r) = ln(1 + h r)/h between jumps (docs/gradient-descent.md §3)
    r = float(gd.initial_rates[1])
    assert gd.exponents(0.5)[1] == pytest.approx(1 - np.log1p(r) * 0.5, rel=1e-12)


def test_gradient_descent_needs_the_float_backend_and_a_positive_step():
    p = Problem(**GD_SWAP)
    with pytest.raises(ArgumentError, match="transcendental"):
        limit_process(p, step=0.1, exact=True)
    for bad in (0.0, -1.0, float("nan"), "x"):
        with pytest.raises(ArgumentError):
            limit_process(p, step=bad)
