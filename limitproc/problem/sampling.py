"""Random datasets and initializations (spec §1).

All randomness comes from :func:`numpy.random.default_rng` seeded by the
caller, so every sample is reproducible from its seed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, cast

import numpy as np
from scipy.stats import uniform_direction

from ..arguments import check_bool, check_choice, check_int, check_memory
from ..errors import ArgumentError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["LABEL_KINDS", "random_orthonormal", "random_initialization", "sample_labels", "sample_dataset"]

#: Label distributions of ``limitproc sample --labels``.
LABEL_KINDS = {
    "gaussian": "N(0, 1)",
    "abs-gaussian": "|N(0, 1)| (all positive, seed 002 Figure 1)",
    "uniform": "U[-1, 1]",
    "sign": "uniform on {-1, +1}",
}


def random_orthonormal(n: int, d: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """``n`` orthonormal rows in ``R^d``, Haar-distributed (QR with sign fix).

    This is the law of the first ``n`` rows of :data:`scipy.stats.ortho_group`
    (and, for ``n = d``, the transpose of its draw from the same generator),
    at a cost of ``O(d n²)`` instead of its ``O(d³)``: a study with ``n ≪ d``
    never builds a ``d × d`` matrix.

    Parameters
    ----------
    n : int
        Number of rows.
    d : int
        Dimension, ``d ≥ n``.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    ndarray, shape (n, d)

    Raises
    ------
    ValueError
        ``n > d``.

    Examples
    --------
    >>> X = random_orthonormal(3, 5, np.random.default_rng(0))
    >>> np.allclose(X @ X.T, np.eye(3))
    True
    """
    if n > d:
        raise ValueError(f"cannot draw n = {n} orthonormal vectors in dimension d = {d}")
    Q, R = np.linalg.qr(rng.standard_normal((d, n)))
    return cast("NDArray[np.float64]", (Q * np.sign(np.diag(R))).T)


def random_initialization(m: int, d: int, rng: np.random.Generator) -> tuple[NDArray[np.float64], NDArray[np.int8]]:
    """Directions uniform on the sphere and signs uniform on ±1 (spec §1).

    Parameters
    ----------
    m : int
        Number of neurons.
    d : int
        Input dimension.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    W0 : ndarray, shape (m, d)
        Unit-norm rows.
    signs : ndarray of int8, shape (m,)
        Output signs, each ``±1``.

    Examples
    --------
    >>> W0, signs = random_initialization(4, 3, np.random.default_rng(0))
    >>> W0.shape, np.allclose(np.linalg.norm(W0, axis=1), 1.0), set(signs.tolist()) <= {-1, 1}
    ((4, 3), True, True)
    """
    W0 = uniform_direction(d).rvs(m, random_state=rng).reshape(m, d)
    signs = rng.choice(np.array([-1, 1], dtype=np.int8), size=m)
    return W0, signs


def sample_labels(
    n: int, kind: Literal["gaussian", "abs-gaussian", "uniform", "sign"], rng: np.random.Generator
) -> NDArray[np.float64]:
    """``n`` labels of one of the :data:`LABEL_KINDS`.

    Parameters
    ----------
    n : int
        Number of labels.
    kind : {"gaussian", "abs-gaussian", "uniform", "sign"}
        Their distribution (:data:`LABEL_KINDS`).
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    ValueError
        ``kind`` is not one of :data:`LABEL_KINDS`.

    Examples
    --------
    >>> sample_labels(4, "sign", np.random.default_rng(0)).tolist()
    [1.0, 1.0, 1.0, -1.0]
    """
    if kind == "gaussian":
        return rng.standard_normal(n)
    if kind == "abs-gaussian":
        return np.abs(rng.standard_normal(n))
    if kind == "uniform":
        return rng.uniform(-1.0, 1.0, n)
    if kind == "sign":
        return cast("NDArray[np.float64]", rng.integers(0, 2, n) * 2.0 - 1.0)
    raise ValueError(f"unknown label distribution {kind!r}; choose from {', '.join(LABEL_KINDS)}")


def sample_dataset(
    n: int,
    m: int,
    *,
    d: int | None = None,
    labels: Literal["gaussian", "abs-gaussian", "uniform", "sign"] = "gaussian",
    seed: int = 0,
    basis: bool = False,
) -> dict[str, NDArray[np.float64]]:
    """Arrays of a random problem, keyed as in the npz format (``docs/formats.md``).

    The initialization is balanced: ``W0`` has Gaussian rows (seed 000 eq. 4)
    and ``a0 = s ||W0_j||``.  With ``basis=True`` the inputs are the standard
    basis (no ``X`` key, ``d = n``).

    Parameters
    ----------
    n : int
        Number of data.
    m : int
        Number of neurons.
    d : int, optional
        Input dimension, ``d ≥ n`` (default ``n``).
    labels : {"gaussian", "abs-gaussian", "uniform", "sign"}
        Label distribution (:data:`LABEL_KINDS`).
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    basis : bool
        Use the standard basis as inputs (needs ``d = n``).

    Returns
    -------
    dict of str to ndarray
        Keys ``"y"``, ``"W0"``, ``"a0"`` and, unless ``basis``, ``"X"``.

    Raises
    ------
    ArgumentTypeError, ArgumentError
        An argument of the wrong type or out of range (``d < n``, or
        ``basis`` with ``d ≠ n``).
    SizeError
        The arrays would not fit in memory.

    Examples
    --------
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
    arrays: dict[str, NDArray[np.float64]] = {}
    if not basis:
        arrays["X"] = random_orthonormal(n, d, rng)
    arrays["y"] = sample_labels(n, labels, rng)
    W0 = rng.standard_normal((m, d))
    arrays["W0"] = W0
    arrays["a0"] = rng.choice(np.array([-1.0, 1.0]), size=m) * np.linalg.norm(W0, axis=1)
    return arrays
