"""Pairwise summation whose rounding depth is known (the float backend's label sums).

The float backend of Algorithm 1 sums squared labels over the data of a
neuron (``S_j = Σ_{i ∈ I_j} y_i²``) and over the data a jump fits.  Its error
bound (``docs/theory.md``, "The float backend's error bound") needs, for every
sum, the largest number of roundings a term goes through: the *depth* of the
summation tree.  Recursive summation has depth ``count − 1``; the pairwise
halving here has depth ``⌈log₂ L⌉`` for ``L`` terms, whatever numpy does
inside its own reductions, because the tree is written out below:

* a level adds ``x[t] + x[t + h]`` for ``t < h = ⌊L/2⌋`` (one vectorized,
  elementwise ``np.add``: no reduction, so no order chosen by numpy) and moves
  the odd last term, untouched, to position ``h``: the length goes from ``L``
  to ``⌈L/2⌉``, and each term meets at most one addition per level;
* long sums are cut into chunks of ``CHUNK = 2^13`` terms, each halved, and the
  chunk sums halved again: still at most ``⌈log₂ L⌉`` levels (the number of
  terms rounded up to a multiple of ``CHUNK`` is at most ``2^⌈log₂ L⌉``);
* masked sums ``Σ_l A[l, c] v[l]`` (``A`` boolean) multiply first:
  ``True · v = v`` and ``False · v = +0`` exactly, and adding ``+0`` is exact,
  so the zero terms add no rounding (they only count in ``L``).

So a sum ``ŝ`` of ``L`` non-negative terms ``x_l`` satisfies, to first order in
``u = 2^-53``, ``|ŝ − Σ x_l| ≤ ⌈log₂ L⌉ u Σ x_l``: no absolute term, because
an addition whose result is subnormal is exact (all floats are multiples of
``2^-1074``, and so is their sum).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = ["CHUNK", "depth", "pairwise_sum", "masked_sums"]

#: Terms summed per chunk (a power of 2, see the module docstring).
CHUNK = 2**13


def depth(count: int) -> int:
    """``⌈log₂ count⌉`` (0 for one term or none): the largest number of
    additions a term goes through in :func:`pairwise_sum` and
    :func:`masked_sums` of ``count`` terms.

    The depth enters the float backend's error bound: a sum of ``L`` terms is
    off by at most ``depth(L) u`` relative (module docstring; spec §6).

    Parameters
    ----------
    count : int
        Number of terms ``L`` (zeros included).

    Returns
    -------
    int
        ``⌈log₂ L⌉``, 0 when ``L ≤ 1``.

    Examples
    --------
    >>> [depth(c) for c in (0, 1, 2, 3, 4, 5, 8, 9)]
    [0, 0, 1, 2, 2, 3, 3, 4]
    """
    return max(int(count) - 1, 0).bit_length()


def _halve(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sums along the first axis of ``x`` (overwritten) by pairwise halving."""
    length = x.shape[0]
    if length == 0:
        return np.zeros(x.shape[1:])
    while length > 1:
        h = length // 2
        np.add(x[:h], x[h : 2 * h], out=x[:h])
        if length % 2:
            x[h] = x[2 * h]
        length = h + length % 2
    return x[0].copy()


def pairwise_sum(values: ArrayLike) -> float:
    """``Σ values`` by pairwise halving (depth ``⌈log₂ len⌉``, module docstring).

    Parameters
    ----------
    values : array_like of float
        The terms, one-dimensional (the float backend passes squared labels,
        spec §6); not modified.

    Returns
    -------
    float
        The sum, with at most ``⌈log₂ L⌉`` roundings per term (0.0 for no
        terms).

    Examples
    --------
    >>> pairwise_sum(np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    15.0
    """
    values = np.asarray(values, dtype=float)
    if values.size <= CHUNK:
        return float(_halve(values.copy()))
    parts = np.array([_halve(values[a : a + CHUNK].copy()) for a in range(0, values.size, CHUNK)])
    return float(_halve(parts))


def masked_sums(
    active: NDArray[np.bool_],
    values: NDArray[np.float64],
    rows: NDArray[np.intp] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Per column ``c`` of the boolean matrix ``active``,
    ``Σ_l active[l, c] values[l]`` and the number of true entries, over the
    rows ``rows`` (all when ``None``), by pairwise halving: depth
    ``⌈log₂ L⌉`` with ``L`` the number of rows summed (module docstring).

    The float backend's label sums ``S_j = Σ_{i ∈ I_j} y_i²`` of every neuron
    of a sign block at once (spec §3, §6).

    Parameters
    ----------
    active : ndarray of bool, shape (L, C)
        A row per term (datum), a column per sum (neuron).
    values : ndarray of float, shape (L,)
        The term of each row.
    rows : ndarray of int, optional
        The rows to sum over, in increasing order (all rows when ``None``).

    Returns
    -------
    sums : ndarray of float, shape (C,)
        ``Σ_{l ∈ rows} active[l, c] values[l]`` per column.
    counts : ndarray of int64, shape (C,)
        The number of true entries of ``active[rows, c]`` per column.

    Examples
    --------
    >>> A = np.array([[True, False], [False, False], [True, True]])
    >>> masked_sums(A, np.array([1.0, 2.0, 4.0]))
    (array([5., 4.]), array([2, 1]))
    """
    columns = active.shape[1]
    total = active.shape[0] if rows is None else len(rows)
    if columns == 0 or total == 0:
        return np.zeros(columns), np.zeros(columns, dtype=np.int64)
    n_chunks = -(-total // CHUNK)
    parts = np.empty((n_chunks, columns))
    counts = np.zeros(columns, dtype=np.int64)
    for k in range(n_chunks):
        a, b = k * CHUNK, min((k + 1) * CHUNK, total)
        if rows is None:
            block, weights = active[a:b], values[a:b]
        else:
            chosen = rows[a:b]
            block, weights = active[chosen], values[chosen]
        counts += np.count_nonzero(block, axis=0)
        parts[k] = _halve(np.multiply(block, weights[:, None]))
    return _halve(parts), counts
