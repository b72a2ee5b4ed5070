r"""Width thresholds of seed 001 Lemma 5 (Dana, Pillaud-Vivien, Bach).

The initialization event ``I`` of seed 001 Lemma 5 is: every datum ``i`` has
a neuron ``j`` with ``<w_j(0), x_i> > 0`` and ``a_j(0) y_i > 0``.  In the
orthogonal case it is necessary and sufficient for the loss to go to 0
(seed 001 §3.2) and it is the "every row of the mask is non-zero" event of
spec §2–§3 (seed 002 Assumption 4(i), rows part).  For symmetric weights each
pair ``(i, j)`` succeeds with probability ``1/4``.

Lemma 5: for every ``ε > 0``,

* ``p ≥ 4 log(n/ε)`` implies ``P(I) ≥ 1 − ε`` (:func:`sufficient_width`),
  from the union bound ``P(I) ≥ 1 − n (3/4)^p`` of its proof, eq. (13)
  (:func:`coverage_lower_bound`);
* ``p ≤ 3 log(n/ε) − 2`` implies ``P(I) ≤ 1 − ε`` (:func:`failing_width`).
  The proof, eq. (14), bounds ``P(I) ≤ (1 − 2^{−p})^n``
  (:func:`coverage_upper_bound`) and then uses
  ``(ε/n)^{3 log 2} ≥ ε/n``, which is reversed for ``ε < n``: this bound
  alone does not reach ``1 − ε`` (e.g. ``n = 100``, ``ε = 0.05``, ``p = 20``
  gives ``0.9999``).  The conclusion itself holds against the exact
  probability (``tests/bounds/test_widths.py`` checks it on a grid with
  :func:`~limitproc.studies.rows_nonzero_probability`).

Seed 001's experiments use ``p = ⌊log(n/ε)/log(4/3)⌋ + 1`` with
``ε = 0.05`` (App. B, Experiment 1: "the optimal threshold obtained in
Lemma 5"), :func:`experiment_width`.  ``log`` is the natural logarithm
throughout (the proof uses ``log(4/3)`` and ``3 log 2``).
"""

from __future__ import annotations

import math

from ..errors import InputError

__all__ = [
    "coverage_lower_bound",
    "coverage_upper_bound",
    "experiment_width",
    "failing_width",
    "sufficient_width",
]


def _check(n: float, eps: float) -> tuple[int, float]:
    if not (isinstance(n, int) or float(n).is_integer()) or n < 1:
        raise InputError(f"n must be a positive integer, got {n}")
    if not 0 < eps < 1:
        raise InputError(f"ε must be in (0, 1), got {eps}")
    return int(n), float(eps)


def sufficient_width(n: int, eps: float) -> float:
    """``4 log(n/ε)``: every width ``p`` at least this gives ``P(I) ≥ 1 − ε``
    (seed 001 Lemma 5, first point; Theorem 1's width).

    Parameters
    ----------
    n : int
        Number of data.
    eps : float
        ``ε`` in ``(0, 1)``.

    Returns
    -------
    float

    Raises
    ------
    InputError
        ``n`` is not a positive integer or ``ε`` is not in ``(0, 1)``.

    Examples
    --------
    >>> round(sufficient_width(100, 0.05), 4)
    30.4036
    """
    n, eps = _check(n, eps)
    return 4.0 * math.log(n / eps)


def failing_width(n: int, eps: float) -> float:
    """``3 log(n/ε) − 2``: every width ``p`` at most this gives ``P(I) ≤ 1 − ε``
    (seed 001 Lemma 5, second point).

    Parameters
    ----------
    n : int
        Number of data.
    eps : float
        ``ε`` in ``(0, 1)``.

    Returns
    -------
    float

    Raises
    ------
    InputError
        ``n`` is not a positive integer or ``ε`` is not in ``(0, 1)``.

    Examples
    --------
    >>> round(failing_width(100, 0.05), 4)
    20.8027
    """
    n, eps = _check(n, eps)
    return 3.0 * math.log(n / eps) - 2.0


def experiment_width(n: int, eps: float = 0.05) -> int:
    """``⌊log(n/ε)/log(4/3)⌋ + 1``: the width of seed 001's experiments
    (App. B, Experiment 1, ``ε = 0.05``), the smallest ``p`` with
    ``n (3/4)^p < ε``.

    Parameters
    ----------
    n : int
        Number of data.
    eps : float
        ``ε`` in ``(0, 1)``.

    Returns
    -------
    int

    Raises
    ------
    InputError
        ``n`` is not a positive integer or ``ε`` is not in ``(0, 1)``.

    Examples
    --------
    >>> experiment_width(1000), experiment_width(2000)
    (35, 37)
    """
    n, eps = _check(n, eps)
    return int(math.floor(math.log(n / eps) / math.log(4.0 / 3.0))) + 1


def coverage_lower_bound(n: int, p: int) -> float:
    """``1 − n (3/4)^p ≤ P(I)``: the union bound of seed 001 Lemma 5's proof, eq. (13).

    Parameters
    ----------
    n : int
        Number of data.
    p : int
        Width.

    Returns
    -------
    float
        May be negative (vacuous).

    Raises
    ------
    InputError
        ``n`` is not a positive integer.

    Examples
    --------
    >>> round(coverage_lower_bound(100, 30), 6)
    0.982142
    """
    n, _ = _check(n, 0.5)
    return 1.0 - n * 0.75 ** int(p)


def coverage_upper_bound(n: int, p: int) -> float:
    """``(1 − 2^{−p})^n ≥ P(I)``: the endpoint of seed 001 Lemma 5's second
    chain, eq. (14) (every datum needs some neuron active on it, regardless
    of the signs; exact for that weaker event with orthonormal inputs and
    Gaussian weights, seeds digest §2.2).

    Parameters
    ----------
    n : int
        Number of data.
    p : int
        Width.

    Returns
    -------
    float

    Raises
    ------
    InputError
        ``n`` is not a positive integer.

    Examples
    --------
    >>> round(coverage_upper_bound(100, 20), 6)
    0.999905
    """
    n, _ = _check(n, 0.5)
    return (1.0 - 2.0 ** -int(p)) ** n
