"""Random datasets and initializations (spec §1).

All randomness comes from :func:`numpy.random.default_rng` seeded by the
caller, so every sample is reproducible from its seed.
"""

import numpy as np
from scipy.stats import uniform_direction

from ..arguments import check_bool, check_choice, check_int, check_memory
from ..errors import ArgumentError

__all__ = ["LABEL_KINDS", "random_orthonormal", "random_initialization", "sample_labels", "sample_dataset"]

#: Label distributions of ``limitproc sample --labels``.
LABEL_KINDS = {
    "gaussian": "N(0, 1)",
    "abs-gaussian": "|N(0, 1)| (all positive, seed 002 Figure 1)",
    "uniform": "U[-1, 1]",
    "sign": "uniform on {-1, +1}",
}


def random_orthonormal(n, d, rng):
    """``n`` orthonormal rows in ``R^d``, Haar-distributed (QR with sign fix).

    This is the law of the first ``n`` rows of :data:`scipy.stats.ortho_group`
    (and, for ``n = d``, the transpose of its draw from the same generator),
    at a cost of ``O(d n²)`` instead of its ``O(d³)``: a study with ``n ≪ d``
    never builds a ``d × d`` matrix.

    >>> X = random_orthonormal(3, 5, np.random.default_rng(0))
    >>> np.allclose(X @ X.T, np.eye(3))
    True
    """
    if n > d:
        raise ValueError(f"cannot draw n = {n} orthonormal vectors in dimension d = {d}")
    Q, R = np.linalg.qr(rng.standard_normal((d, n)))
    return (Q * np.sign(np.diag(R))).T


def random_initialization(m, d, rng):
    """Directions uniform on the sphere and signs uniform on ±1 (spec §1).

    Returns ``(W0, signs)`` with unit-norm rows ``W0``.
    """
    W0 = uniform_direction(d).rvs(m, random_state=rng).reshape(m, d)
    signs = rng.choice(np.array([-1, 1], dtype=np.int8), size=m)
    return W0, signs


def sample_labels(n, kind, rng):
    """``n`` labels of one of the :data:`LABEL_KINDS`."""
    if kind == "gaussian":
        return rng.standard_normal(n)
    if kind == "abs-gaussian":
        return np.abs(rng.standard_normal(n))
    if kind == "uniform":
        return rng.uniform(-1.0, 1.0, n)
    if kind == "sign":
        return rng.integers(0, 2, n) * 2.0 - 1.0
    raise ValueError(f"unknown label distribution {kind!r}; choose from {', '.join(LABEL_KINDS)}")


def sample_dataset(n, m, *, d=None, labels="gaussian", seed=0, basis=False):
    """Arrays of a random problem, keyed as in the npz format (``docs/formats.md``).

    The initialization is balanced: ``W0`` has Gaussian rows (seed 000 eq. 4)
    and ``a0 = s ||W0_j||``.  With ``basis=True`` the inputs are the standard
    basis (no ``X`` key, ``d = n``).

    >>> arrays = sample_dataset(4, 3, d=6, seed=1)
    >>> sorted(arrays), arrays["X"].shape, arrays["W0"].shape
    (['W0', 'X', 'a0', 'y'], (4, 6), (3, 6))
    """
    n = check_int(n, "n", minimum=1)
    m = check_int(m, "m", minimum=1)
    d = n if d is None else check_int(d, "d", minimum=1)
    check_choice(labels, tuple(LABEL_KINDS), "labels")
    seed = check_int(seed, "seed", minimum=0)
    if check_bool(basis, "basis") and d != n:
        raise ArgumentError(f"the standard basis of R^n needs d = n = {n}, got d = {d}")
    if d < n:
        raise ArgumentError(f"cannot draw n = {n} orthonormal inputs in dimension d = {d}: d must be at least n")
    check_memory(8 * (2 * d * n * (not basis) + 2 * m * d + n), f"a dataset with n = {n}, d = {d}, m = {m}")
    rng = np.random.default_rng(seed)
    arrays = {}
    if not basis:
        arrays["X"] = random_orthonormal(n, d, rng)
    arrays["y"] = sample_labels(n, labels, rng)
    W0 = rng.standard_normal((m, d))
    arrays["W0"] = W0
    arrays["a0"] = rng.choice(np.array([-1.0, 1.0]), size=m) * np.linalg.norm(W0, axis=1)
    return arrays
