"""Predicted directions of waiting neurons (limitproc.process.directions; spec §2,
seed 002 Figure 4): hand values, the exact backend, and the simulated flow."""

import numpy as np
import pytest

from limitproc import Problem, limit_process, simulate_flow
from limitproc.problem import random_orthonormal
from limitproc.process.directions import direction_plateaus, waiting_direction, waiting_directions
from tests.cases import REF3, SIMULTANEOUS

# The "memory" case of tests/cases.py: y = (3, 4, 1); neuron 0 active on {0, 1},
# neuron 1 on {1, 2}.  Jump 1 at τ = 3/5 fits {0, 1}; neuron 1 keeps datum 2.
MEMORY = Problem([3.0, 4.0, 1.0], [[1, 1, -1], [-1, 1, 1]], signs=[1, 1])


def test_hand_values_memory_case():
    """Before the jump neuron 1 points along (0, 4, 1)/sqrt(17) (its D^0 = (0, 4, 1)/3);
    after the jump of neuron 0 (τ = 3/5) only datum 2 is left: (0, 0, 1).
    Neuron 0 points along (3, 4, 0)/5 before and after its own jump."""
    process = limit_process(MEMORY)
    np.testing.assert_allclose(waiting_direction(process, 1, 0.3), [0, 4 / 17**0.5, 1 / 17**0.5], atol=1e-15)
    np.testing.assert_allclose(waiting_direction(process, 1, 0.6), [0, 0, 1], atol=1e-15)
    np.testing.assert_allclose(waiting_direction(process, 1, 100.0), [0, 0, 1], atol=1e-15)
    for tau in (0.3, 0.6, 100.0):
        np.testing.assert_allclose(waiting_direction(process, 0, tau), [0.6, 0.8, 0.0], atol=1e-15)
    # the plateaus: neuron 1 changes at the first jump and is fitted at the second
    plateaus = direction_plateaus(process, 1)
    assert [(round(t, 12), d.tolist(), f) for t, d, f in plateaus] == [
        (0.0, [1, 2], False), (0.6, [2], False), (round(float(process.times[1]), 12), [2], True)]


def test_negative_neuron_points_against_its_labels():
    """s_j = −1 and y < 0: s_j D_j points along +x (−1 · (−2) x_2 > 0)."""
    p = Problem([3.0, 4.0, -2.0], [[1, 1, 1], [1, 1, 1]], signs=[1, -1])
    process = limit_process(p)
    np.testing.assert_allclose(waiting_direction(process, 1, 0.1), [0, 0, 1], atol=1e-15)


def test_all_neurons_and_nan_for_zero_columns():
    """A neuron with no datum of its sign has no predicted direction; the array
    form agrees with the per-neuron form."""
    p = Problem([3.0, 4.0], [[1, 1], [-1, -1], [1, -1]], signs=[1, 1, -1])
    process = limit_process(p)
    every = waiting_directions(process, 0.2)
    assert np.isnan(every[1]).all() and np.isnan(every[2]).all()
    for j in range(p.m):
        np.testing.assert_array_equal(every[j], waiting_direction(process, j, 0.2))


def test_input_basis_is_the_data_basis_rotated():
    """With rotated inputs the direction in R^d is Σ_i c_i x_i, c the data-basis
    coefficients (orthonormal X, so both are unit vectors)."""
    rng = np.random.default_rng(3)
    X = random_orthonormal(4, 7, rng)
    W0 = rng.standard_normal((3, 4)) @ X
    p = Problem([1.0, -0.5, 0.7, 0.3], W0, signs=[1, -1, 1], X=X)
    process = limit_process(p)
    for tau in (0.5, 3.0, 50.0):
        data = waiting_directions(process, tau, basis="data")
        inputs = waiting_directions(process, tau)
        live = ~np.isnan(data[:, 0])
        np.testing.assert_allclose(inputs[live], data[live] @ X, atol=1e-14)
        np.testing.assert_allclose(np.linalg.norm(inputs[live], axis=1), 1.0, atol=1e-14)


def test_exact_backend_agrees():
    p = Problem(**REF3)
    float_process, exact_process = limit_process(p), limit_process(p, exact=True)
    for tau in (1.0, 5.0, 12.0, 40.0):
        np.testing.assert_allclose(waiting_directions(float_process, tau), waiting_directions(exact_process, tau),
                                   atol=1e-14)


def test_simultaneous_jumps():
    """Two jumps at the same τ (disjoint data, opposite signs) both count from τ on."""
    p = Problem(**SIMULTANEOUS)
    process = limit_process(p)
    tau = float(process.times[0])
    assert float(process.times[1]) == tau
    for s in process.jumps[:2]:
        before = waiting_direction(process, s.neuron, tau * 0.5, basis="data")
        at = waiting_direction(process, s.neuron, tau, basis="data")
        np.testing.assert_allclose(before, at, atol=1e-15)  # a fitted neuron keeps its direction
        assert (np.abs(at[s.data]) > 0).all()


def test_invalid_arguments():
    process = limit_process(MEMORY)
    with pytest.raises(ValueError, match="tau must be > 0"):
        waiting_direction(process, 0, 0.0)
    with pytest.raises(ValueError, match="neuron index"):
        waiting_direction(process, 5, 1.0)
    with pytest.raises(ValueError, match="basis"):
        waiting_directions(process, 1.0, basis="polar")


def test_against_the_simulated_flow():
    """REF3 (n = 6, m = 4, three jumps): at the middle of each plateau the flow's
    direction (data basis) approaches the prediction as λ → 0.  The slowest is
    neuron 0 after the first jump (it keeps a component on datum 0 of relative
    size λ^(1 − e) that the prediction drops): 1 − cos = 0.22, 0.043, 1.3e-3 at
    λ = 1e-8, 1e-16, 1e-32 (measured); every other entry is below 1e-4."""
    p = Problem(**REF3)
    process = limit_process(p)
    t = process.times
    taus = [0.5 * t[0], 0.5 * (t[0] + t[1]), 0.5 * (t[1] + t[2]), 1.2 * t[2]]
    worst = []
    for lam in (1e-8, 1e-16, 1e-32):
        run = simulate_flow(p, lam, process=process)
        gaps = []
        for tau in taus:
            _, U, _ = run.state(tau * run.log_inv_lam)
            cos = np.einsum("ji,ji->j", U, waiting_directions(process, tau, basis="data"))
            gaps.append(1.0 - cos)
        gaps = np.array(gaps)
        worst.append(gaps.max())
        assert np.sort(gaps.ravel())[-2] < 1e-4
    assert worst[0] > worst[1] > worst[2]
    assert worst[2] < 2e-3
