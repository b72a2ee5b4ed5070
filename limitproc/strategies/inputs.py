"""Orthonormal inputs: Cayley rotations times signed permutations, shrinking to the identity."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ._common import _eager, _flag, _size, _strategy

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["orthogonal_matrices", "orthonormal_inputs"]


@st.composite
def _orthogonal(draw, d, max_entry, signed_permutations):
    d = _size(draw(d), "d", 0)
    upper = d * (d - 1) // 2
    entries = draw(st.lists(st.integers(-max_entry, max_entry), min_size=upper, max_size=upper))
    S = np.zeros((d, d))
    S[np.triu_indices(d, 1)] = entries
    S -= S.T
    eye = np.eye(d)
    Q = np.linalg.solve(eye + S, eye - S)  # Cayley transform: orthogonal, I when S = 0
    Q = Q @ (3 * eye - Q.T @ Q) / 2  # one Newton–Schulz step: orthonormal to rounding
    if signed_permutations and d:
        order = draw(st.permutations(range(d)))
        flips = draw(st.lists(st.booleans(), min_size=d, max_size=d))
        Q = np.where(flips, -1.0, 1.0)[:, None] * Q[order]
    return Q


def orthogonal_matrices(
    d: int | SearchStrategy[int], *, max_entry: int = 2, signed_permutations: bool = True
) -> SearchStrategy[NDArray[np.float64]]:
    """Orthogonal ``d × d`` float matrices that shrink to the identity.

    ``Q = P (I + S)^{-1} (I − S)`` with ``S`` skew-symmetric with integer
    entries in ``[-max_entry, max_entry]`` (a Cayley transform, a rotation)
    and ``P`` a signed permutation (reflections and the rotations the Cayley
    transform misses).  ``Q Qᵀ = I`` to a few units of rounding.

    Parameters
    ----------
    d : int or strategy
        Dimension (``>= 0``).
    max_entry : int
        Bound on the entries of ``S``; 0 gives signed permutations only.
    signed_permutations : bool
        Compose with a signed permutation.

    Returns
    -------
    SearchStrategy[ndarray]

    Examples
    --------
    >>> from hypothesis import Phase, find, settings
    >>> first = settings(phases=[Phase.generate], database=None)
    >>> find(orthogonal_matrices(3), lambda Q: True, settings=first).tolist()  # the simplest: I
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    >>> Q = find(orthogonal_matrices(4), lambda Q: abs(Q[0, 0]) < 0.9, settings=first)
    >>> bool(np.abs(Q @ Q.T - np.eye(4)).max() < 1e-14)
    True
    """
    _eager(d, _size, "d", 0)
    _size(max_entry, "max_entry", 0)
    return _orthogonal(_strategy(d), int(max_entry), _flag(signed_permutations, "signed_permutations"))


@st.composite
def _orthonormal_inputs(draw, n, d, standard_basis, max_entry):
    n = _size(draw(n), "n", 0)
    d = n + draw(st.integers(0, 2)) if d is None else _size(draw(d), "d", 0)
    if d < n:
        raise InvalidArgument(f"d={d} < n={n}: at most d vectors of R^d are orthonormal")
    if not draw(st.booleans()):  # not rotated: the standard basis
        return None if standard_basis and d == n else np.eye(n, d)
    return draw(_orthogonal(st.just(d), max_entry, True))[:n]


def orthonormal_inputs(
    n: int | SearchStrategy[int],
    d: int | SearchStrategy[int] | None = None,
    *,
    standard_basis: bool = True,
    max_entry: int = 2,
) -> SearchStrategy[NDArray[np.float64] | None]:
    """Input matrices ``X`` (``n × d``) with orthonormal rows (spec §1).

    ``X`` is the first ``n`` rows of a rotation from
    :func:`orthogonal_matrices`, or the standard basis, to which examples
    shrink.

    Parameters
    ----------
    n : int or strategy
        Number of data.
    d : int or strategy, optional
        Dimension, ``>= n``; default ``n``, ``n + 1`` or ``n + 2``.
    standard_basis : bool
        Allow ``None``, which :class:`~limitproc.problem.Problem` reads as the
        standard basis of ``R^n`` (only when ``d == n``; otherwise the
        unrotated case is ``np.eye(n, d)``).
    max_entry : int
        Passed to :func:`orthogonal_matrices`.

    Returns
    -------
    SearchStrategy[ndarray or None]

    Examples
    --------
    >>> from hypothesis import Phase, find, settings
    >>> first = settings(phases=[Phase.generate], database=None)
    >>> find(orthonormal_inputs(3), lambda X: True, settings=first) is None  # the simplest: standard basis
    True
    >>> X = find(orthonormal_inputs(2, 4), lambda X: X[0, 0] != 1, settings=first)
    >>> X.shape, bool(np.abs(X @ X.T - np.eye(2)).max() < 1e-14)
    ((2, 4), True)
    """
    _eager(n, _size, "n", 0)
    if d is not None:
        _eager(d, _size, "d", 0)
        if not isinstance(n, SearchStrategy) and not isinstance(d, SearchStrategy) and d < n:
            raise InvalidArgument(f"d={d} < n={n}: at most d vectors of R^d are orthonormal")
    _size(max_entry, "max_entry", 0)
    return _orthonormal_inputs(
        _strategy(n), None if d is None else _strategy(d), _flag(standard_basis, "standard_basis"), int(max_entry)
    )
