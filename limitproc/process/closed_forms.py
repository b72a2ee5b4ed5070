"""The two-phase case of seed 000 (Boursier, Pillaud-Vivien, Flammarion,
*Gradient flow dynamics of shallow ReLU networks for square loss and
orthogonal inputs*, NeurIPS 2022), spec §4.

``D_± = (1/n) Σ_{±y_i > 0} y_i x_i``.  When some positive neuron is active on
all positive data and some negative neuron on all negative data (seed 000
Assumption 3), Algorithm 1 makes one jump per label sign, at accelerated
times ``1/||D_±||`` (un-accelerated ``ln(1/λ)/||D_±||``).

For inputs of any norms ``c_i = ||x_i||`` (docs/general-inputs.md §2):
``n ||D_±|| = ||(c_i y_i)_±||`` sets the times, and the fitted neurons reach
``||(y_i / c_i)_±||``; :func:`label_norms` gives either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

import numpy as np

from flint import fmpq

from .exact import ExactReal

if TYPE_CHECKING:
    from typing import Any, Literal
    from ..problem.problem import Problem
    from .mask import Mask

__all__ = ["TwoPhase", "two_phase", "label_norms"]


@overload
def label_norms(problem: Problem, exact: Literal[False] = ..., *, growth: bool = ...) -> tuple[float, float]: ...
@overload
def label_norms(problem: Problem, exact: Literal[True], *, growth: bool = ...) -> tuple[ExactReal, ExactReal]: ...
@overload
def label_norms(
    problem: Problem, exact: bool = ..., *, growth: bool = ...
) -> tuple[float, float] | tuple[ExactReal, ExactReal]: ...


def label_norms(
    problem: Problem, exact: bool = False, *, growth: bool = False
) -> tuple[float, float] | tuple[ExactReal, ExactReal]:
    """``(||y_+||, ||y_−||)``, the Euclidean norms of the positive and the
    negative labels (``n ||D_±||``, seed 000 §4.1).

    For inputs of any norms: ``||(y_i / c_i)_±||``, what the fitted neurons
    reach, or with ``growth=True`` ``||(c_i y_i)_±|| = n ||D_±||``, what sets
    the rates (docs/general-inputs.md §2); both are ``||y_±||`` for unit norms.

    Parameters
    ----------
    problem : Problem
    exact : bool
        Exact values (:class:`~limitproc.process.exact.ExactReal`, from the
        exact labels :attr:`~limitproc.problem.Problem.y_exact`) instead of
        floats.
    growth : bool
        For inputs of any norms, the norms ``||(c_i y_i)_±||`` that set the
        rates instead of the norms ``||(y_i / c_i)_±||`` that the fits reach.

    Returns
    -------
    plus, minus : float or ExactReal
        The norm over the positive labels and over the negative labels (0
        when there is none).

    Examples
    --------
    >>> from limitproc import Problem
    >>> label_norms(Problem([3.0, 4.0, -2.0], [[1, 1, 1]], signs=[1]))
    (5.0, 2.0)
    """
    general = "orthogonal inputs of norms ≠ 1" in problem.extensions
    if exact:
        from .arithmetic import _exact_squared_norms

        weights = _exact_squared_norms(problem) if general else None
        y = problem.y_exact
        if weights is None:
            weights = [1] * problem.n
        elif not growth:
            weights = [1 / w for w in weights]

        def norm(positive):
            return ExactReal.surd(1, sum((fmpq(v.numerator**2, v.denominator**2) * w
                                          for v, w in zip(y, weights) if (v > 0) == positive and v != 0), fmpq(0)))

        return norm(True), norm(False)
    if not general:
        return problem.label_norm(problem.y > 0), problem.label_norm(problem.y < 0)
    weight = problem.input_norms if growth else 1.0 / problem.input_norms
    values = problem.scaled_labels * weight
    plus, minus = (float(problem.label_scale * np.linalg.norm(values[part])) for part in (problem.y > 0, problem.y < 0))
    return plus, minus


@dataclass(frozen=True)
class TwoPhase:
    """Closed forms of seed 000 for a problem (spec §4).

    Attributes
    ----------
    D_plus_norm, D_minus_norm : number
        ``||D_+||`` and ``||D_−||`` (0 when there is no datum of that sign).
    neurons_plus, neurons_minus : tuple of int
        ``S_{+,1}``, ``S_{−,1}``: positive (negative) neurons active on every
        positive (negative) datum (seed 000 eqs. 5–6).
    times : tuple
        Accelerated jump times ``1/||D_±||`` in increasing order, one per
        label sign present.
    signs : tuple of int
        The label sign fitted at each of ``times``.
    """

    D_plus_norm: float | ExactReal
    D_minus_norm: float | ExactReal
    neurons_plus: tuple[int, ...]
    neurons_minus: tuple[int, ...]
    times: tuple[float | ExactReal, ...]
    signs: tuple[int, ...]

    @property
    def condition(self) -> bool:
        """Seed 000 Assumption 3, for each label sign that has data."""
        plus = self.D_plus_norm == 0 or bool(self.neurons_plus)
        minus = self.D_minus_norm == 0 or bool(self.neurons_minus)
        return plus and minus

    def unaccelerated_times(self, lam: float) -> tuple[float, ...]:
        """``ln(1/λ)/||D_±||``: gradient-flow times of the two jumps.

        Parameters
        ----------
        lam : float
            The initialization scale ``λ`` (``0 < λ < 1``).

        Returns
        -------
        tuple of float
            :attr:`times` times ``ln(1/λ)``, in the same order.

        Examples
        --------
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> [round(t, 4) for t in two_phase(p, Mask(p)).unaccelerated_times(1e-8)]
        [11.0524, 27.631]
        """
        return tuple(float(t) * float(np.log(1.0 / lam)) for t in self.times)

    def to_dict(self, lam: float | None = None) -> dict[str, Any]:
        """The closed forms as JSON-ready values (floats).

        Parameters
        ----------
        lam : float, optional
            Also give :meth:`unaccelerated_times` at this ``λ``
            (``"times_unaccelerated"``).

        Returns
        -------
        dict
            ``D_plus_norm``, ``D_minus_norm``, ``condition``,
            ``neurons_plus``, ``neurons_minus``, ``times``, ``signs``.

        Examples
        --------
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> d = two_phase(p, Mask(p)).to_dict()
        >>> d["D_plus_norm"], d["neurons_minus"], d["times"]
        (1.6666666666666667, [1], [0.6, 1.5])
        """
        out: dict[str, Any] = {
            "D_plus_norm": float(self.D_plus_norm),
            "D_minus_norm": float(self.D_minus_norm),
            "condition": self.condition,
            "neurons_plus": list(self.neurons_plus),
            "neurons_minus": list(self.neurons_minus),
            "times": [float(t) for t in self.times],
            "signs": list(self.signs),
        }
        if lam is not None:
            out["times_unaccelerated"] = list(self.unaccelerated_times(lam))
        return out


def two_phase(problem: Problem, mask: Mask, exact: bool = False) -> TwoPhase:
    """``D_±``, the two-phase condition and the two jump times (spec §4).

    Parameters
    ----------
    problem : Problem
    mask : Mask
        The mask of ``problem`` (its effective signs and column sizes).
    exact : bool
        Exact values (:class:`~limitproc.process.exact.ExactReal`) instead of floats.

    Returns
    -------
    TwoPhase
        ``||D_±||``, the neurons active on all data of their sign, and the
        jump times ``1/||D_±||`` of seed 000 in increasing order.

    Examples
    --------
    >>> from limitproc import Problem, Mask
    >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> tp = two_phase(p, Mask(p))
    >>> tp.condition, tp.times, tp.signs
    (True, (0.6, 1.5), (1, -1))
    """
    n = problem.n
    plus, minus = label_norms(problem, exact, growth=True)
    D_plus, D_minus = plus / n, minus / n
    n_pos, n_neg = int((problem.y > 0).sum()), int((problem.y < 0).sum())
    signs = mask.signs  # the effective signs (docs/general-inputs.md §3)
    full_plus = tuple(int(j) for j in np.flatnonzero((signs > 0) & (mask.counts == n_pos))) if n_pos else ()
    full_minus = tuple(int(j) for j in np.flatnonzero((signs < 0) & (mask.counts == n_neg))) if n_neg else ()
    jumps = [(1 / D, sign) for D, sign in ((D_plus, 1), (D_minus, -1)) if D != 0]
    jumps.sort(key=lambda pair: float(pair[0]))
    return TwoPhase(D_plus, D_minus, full_plus, full_minus, tuple(t for t, _ in jumps), tuple(s for _, s in jumps))
