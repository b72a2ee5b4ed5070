"""The minimum ℓ2-norm interpolator (seed 000 Appendix C, Proposition 1; spec §4).

Every global minimizer of ``||θ||²`` subject to ``L(θ) = 0`` is balanced, its
positive neurons are collinear with ``D_+`` with ``Σ ||w_j||² = n ||D_+||`` and
its negative neurons collinear with ``−D_−`` with ``Σ ||w_j||² = n ||D_−||``:
``||θ*||² = 2 n (||D_+|| + ||D_−||) = 2 (||y_+|| + ||y_−||)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

import numpy as np

from .closed_forms import label_norms

if TYPE_CHECKING:
    from typing import Literal
    from numpy.typing import ArrayLike, NDArray

    from ..problem.problem import Problem
    from .algorithm1 import LimitProcess
    from .exact import ExactReal

__all__ = ["MinNormInterpolator", "min_norm_interpolator", "min_norm_sq", "implicit_bias_ratio"]


@overload
def min_norm_sq(problem: Problem, exact: Literal[False] = ...) -> float: ...
@overload
def min_norm_sq(problem: Problem, exact: Literal[True]) -> ExactReal: ...
@overload
def min_norm_sq(problem: Problem, exact: bool = ...) -> float | ExactReal: ...


def min_norm_sq(problem: Problem, exact: bool = False) -> float | ExactReal:
    """``||θ*||² = 2 (||y_+|| + ||y_−||)`` (seed 000 Proposition 1).

    For inputs of any norms ``c_i = ||x_i||``: ``2 (||(y_i/c_i)_+|| +
    ||(y_i/c_i)_−||)`` (:func:`~limitproc.process.closed_forms.label_norms`;
    docs/general-inputs.md §2).

    Parameters
    ----------
    problem : Problem
    exact : bool
        An exact value (:class:`~limitproc.process.exact.ExactReal`) instead
        of a float.

    Returns
    -------
    float or ExactReal
        The smallest squared norm ``||a||² + ||W||²_F`` of an interpolator
        (spec §4).

    Examples
    --------
    >>> from limitproc import Problem
    >>> min_norm_sq(Problem([3.0, 4.0, -2.0], [[1, 1, 1]], signs=[1]))
    14.0
    """
    plus, minus = label_norms(problem, exact)
    return 2 * (plus + minus)


@dataclass(frozen=True, eq=False)
class MinNormInterpolator:
    """A width-2 minimum-norm interpolator (one neuron per label sign present).

    ``w_1 = sqrt(n/||D_+||) D_+``, ``a_1 = sqrt(n ||D_+||)``,
    ``w_2 = −sqrt(n/||D_−||) D_−``, ``a_2 = −sqrt(n ||D_−||)``.  Seed 000's text
    prints ``a_1 = sqrt(n) ||D_+||``, which is neither balanced nor
    interpolating unless ``||D_+|| = 1``; the balanced value is used here.

    Attributes
    ----------
    a : ndarray, shape (r,)
    W : ndarray, shape (r, d)
        Hidden weights in input coordinates.
    sq_norm : float
        ``||a||² + ||W||²_F = 2 (||y_+|| + ||y_−||)``.
    """

    a: NDArray[np.float64]
    W: NDArray[np.float64]
    sq_norm: float

    def outputs(self, X: ArrayLike) -> NDArray[np.float64]:
        """``h(x_i) = Σ_j a_j σ(<w_j, x_i>)`` for the rows of ``X`` (spec §1).

        Parameters
        ----------
        X : array_like, shape (k, d)
            Inputs, one per row (``problem.inputs()`` for the data).

        Returns
        -------
        ndarray of float, shape (k,)
            The network's outputs; ``y`` on the data of the problem.

        Examples
        --------
        >>> from limitproc import Problem
        >>> theta = min_norm_interpolator(Problem([3.0, -2.0], [[1, 1]], signs=[1]))
        >>> theta.outputs([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]).round(12).tolist()
        [3.0, -2.0, 1.0]
        """
        return np.maximum(np.asarray(X) @ self.W.T, 0.0) @ self.a


def min_norm_interpolator(problem: Problem) -> MinNormInterpolator:
    """The width-2 representative of seed 000 Proposition 1 (corrected).

    Parameters
    ----------
    problem : Problem

    Returns
    -------
    MinNormInterpolator
        One neuron per label sign present, interpolating the data with
        squared norm :func:`min_norm_sq` (spec §4).

    Examples
    --------
    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, 1]], signs=[1])
    >>> theta = min_norm_interpolator(p)
    >>> theta.outputs(p.inputs()).round(12).tolist(), theta.sq_norm
    ([3.0, 4.0, -2.0], 14.0)
    """
    a: list[float] = []
    W: list[NDArray[np.float64]] = []
    norms = problem.input_norms
    for sign, N in zip((1, -1), label_norms(problem)):
        part = problem.y * sign > 0
        if not part.any():
            continue
        # w = Σ_i s y_i / (c_i² √N) x_i, a = s √N with N = ||(y_i/c_i)_±||: h(x_i) = y_i (docs/general-inputs.md §2);
        # for unit norms w = sqrt(n/||D||) D and a = sqrt(n ||D||) (seed 000 Prop. 1, corrected)
        coefficients = sign * np.where(part, problem.y / norms**2, 0.0) / np.sqrt(N)
        W.append(coefficients if problem.X is None else coefficients @ problem.X)
        a.append(sign * np.sqrt(N))
    weights = np.array(a)
    hidden = np.array(W).reshape(len(weights), problem.d)
    return MinNormInterpolator(weights, hidden, float(weights @ weights + (hidden * hidden).sum()))


def implicit_bias_ratio(process: LimitProcess, exact: bool = False) -> float | ExactReal | None:
    """``||θ_K||² / ||θ*||² ≥ 1`` (spec §4); ``None`` unless θ_K interpolates
    and the labels are not all 0 (then ``θ_K = θ* = 0`` and there is no ratio).

    Equal to 1 in the two-phase case; seed 002 Theorem 3 bounds it by a
    constant with high probability when ``m`` is of order ``log n`` or more.

    Parameters
    ----------
    process : LimitProcess
        The output of :func:`~limitproc.process.algorithm1.limit_process`.
    exact : bool
        Divide by the exact ``||θ*||²`` (use with a process of the exact
        backend for an exact ratio).

    Returns
    -------
    float or ExactReal or None
        The ratio, or ``None`` when there is none (above).

    Examples
    --------
    Each neuron fits one datum: ``||θ_K||² = 2 (3 + 4)`` against
    ``||θ*||² = 2 ||(3, 4)|| = 10``.

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0], [[1, -1], [-1, 1]], signs=[1, 1])
    >>> implicit_bias_ratio(limit_process(p))
    1.4
    """
    if not process.interpolates:
        return None
    optimum = min_norm_sq(process.problem, exact)
    if optimum == 0:
        return None
    return process.final.sq_norm / optimum
