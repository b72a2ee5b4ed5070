"""Tests of limitproc.problem.sampling: random datasets and initializations (spec §1)."""

import numpy as np
import pytest

from limitproc import Problem
from limitproc.problem.sampling import (
    LABEL_KINDS,
    random_initialization,
    random_orthonormal,
    sample_dataset,
    sample_labels,
)


@pytest.mark.parametrize("n, d", [(1, 1), (3, 3), (4, 9), (20, 64)])
def test_random_orthonormal_rows(n, d):
    X = random_orthonormal(n, d, np.random.default_rng(n + d))
    assert X.shape == (n, d)
    assert np.abs(X @ X.T - np.eye(n)).max() < 1e-13


def test_random_orthonormal_refuses_too_many_rows():
    with pytest.raises(ValueError, match="n = 4 .* d = 3"):
        random_orthonormal(4, 3, np.random.default_rng(0))


def test_random_orthonormal_is_rotation_invariant_in_law():
    # Haar measure: the first coordinate of the first row has mean 0 and
    # variance 1/d (here d = 4, 4000 draws: standard error 0.004).
    rng = np.random.default_rng(1)
    first = np.array([random_orthonormal(2, 4, rng)[0, 0] for _ in range(4000)])
    assert abs(first.mean()) < 0.02 and first.var() == pytest.approx(0.25, abs=0.02)


def test_random_initialization_is_unit_and_signed():
    W0, signs = random_initialization(50, 6, np.random.default_rng(2))
    assert np.linalg.norm(W0, axis=1) == pytest.approx(np.ones(50))
    assert set(signs.tolist()) == {-1, 1}


def test_label_kinds():
    rng = np.random.default_rng(3)
    samples = {kind: sample_labels(2000, kind, rng) for kind in LABEL_KINDS}
    assert (samples["abs-gaussian"] >= 0).all() and samples["abs-gaussian"].mean() == pytest.approx(
        np.sqrt(2 / np.pi), abs=0.05)
    assert (np.abs(samples["uniform"]) <= 1).all() and samples["uniform"].min() < -0.9
    assert set(samples["sign"].tolist()) == {-1.0, 1.0}
    assert samples["gaussian"].std() == pytest.approx(1.0, abs=0.05)
    with pytest.raises(ValueError, match="unknown label distribution"):
        sample_labels(3, "cauchy", rng)


def test_sample_dataset_is_balanced_reproducible_and_valid():
    arrays = sample_dataset(6, 4, d=9, labels="uniform", seed=5)
    assert np.abs(arrays["a0"]) == pytest.approx(np.linalg.norm(arrays["W0"], axis=1))
    again = sample_dataset(6, 4, d=9, labels="uniform", seed=5)
    assert all(np.array_equal(arrays[k], again[k]) for k in arrays)
    assert Problem(**arrays).m == 4


def test_sample_dataset_in_the_standard_basis():
    arrays = sample_dataset(5, 2, basis=True, seed=0)
    assert "X" not in arrays and arrays["W0"].shape == (2, 5)
    with pytest.raises(ValueError, match="d = n = 5"):
        sample_dataset(5, 2, d=7, basis=True)
