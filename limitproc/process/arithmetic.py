"""The two number systems of Algorithm 1: float with error bounds, and exact.

Algorithm 1 (:mod:`limitproc.process`) is written once.  What differs between
backends lives here: how the label sums ``S_j = Σ_{i ∈ I_j} y_i²`` are updated,
how a square root is taken and how two candidate jump times are compared
(spec §6).  Each class holds, per neuron ``j``, the sum ``S[j]``, the rate
``rate[j] = sqrt(S_j)/n`` and the candidate jump time ``T[j]``.

Candidate times are kept rather than exponents: between two changes of
``r_j``, ``T_j = τ_k + e_j / r_j`` does not move, because ``e_j`` falls at rate
``r_j`` while ``τ`` grows (spec §3).  When a jump at ``τ`` lowers the rate of
``j`` from ``r`` to ``r'``, ``T_j ← τ + (r/r')(T_j − τ)``.  Only neurons whose
rate a jump lowers are touched, so a run costs time linear in the mask size.

Label scale.  The float backend runs on the labels ``y / c`` of
:attr:`~limitproc.problem.Problem.scaled_labels` (``c`` a power of 4, the
largest label in ``[1, 4)``) and scales its results back (:meth:`FloatArithmetic.unscale`;
spec §3: times ``/c``, rates and squared norms ``×c``, losses ``×c²``), so
labels of any representable size give the same answer; the exact backend
needs no scale.

Float error bound (derivation in ``docs/theory.md``, first order in the unit
roundoff ``u = 2^-53``, plus ``η = 2^-1074`` per rounding of a square whose
result is subnormal, where rounding errors are absolute).  Sums are taken by
the pairwise halving of :mod:`~limitproc.process.summation`: ``L`` terms
(of which ``count`` are non-zero) give the error ``(⌈log₂ L⌉ + 1) u S + count η``
(the tree, and the rounding of the squares; additions with a subnormal result
are exact).  A fitted part is subtracted with its own bound plus ``u |S'|``,
and ``S_j`` is recomputed from its unfitted data when its bound exceeds
``2^10`` times the bound of a fresh sum (after a cancellation of three
orders of magnitude: rare, so the run stays linear).  A sum that its bound does not separate from 0 cannot give a
rate: the float backend then stops (:class:`Unrepresentable`) and the exact
backend decides.  Rates carry ``δ_j = ES_j/(2 S_j) + 2u`` relative.
Only differences of candidate times decide the argmin, so the error of
``T_j`` is tracked up to a shift common to all neurons: ``X_j`` bounds it.
At a jump of ``w`` that changes ``r_j`` by the factor ``ρ = r/r'``,
``X_j ← ρ X_j + (ρ − 1) X_w + ρ (T_j − τ)(δ_j + δ'_j + 3u) + u T'_j``;
other neurons keep ``X_j``.  Two candidates ``a, b`` are a *near-tie* when
``|T_a − T_b| ≤ X_a + X_b + u max(T_a, T_b)``.

Inputs of any norms (docs/general-inputs.md §2).  With ``x_i = c_i e_i`` a
neuron grows along ``(c_i y_i)`` and fits along ``(y_i / c_i)``: the rates
come from ``S_j = Σ c_i² y_i²`` (one more rounding per term in the float
bound) and a jump fitting ``I`` reaches ``a² = ||w||² = N_I = ||(y_i/c_i)_I||``
(:meth:`FloatArithmetic.fit_norm`); for unit norms both are spec §3's.

Gradient descent with a step ``h`` (``docs/gradient-descent.md`` §3): the
exponents fall at ``g(r) = ln(1 + h r)/h`` instead of ``r``, so candidate
times are ``τ_k + e_j / g(r_j)``; the arithmetic keeps ``speed[j] = g(rate[j])``
beside the rate (``g`` adds ``3u`` to the relative error of the rate).  The
exact backend decides the flow only (``g`` is transcendental).

The exact backend keeps ``S_j`` as exact rationals (python-flint ``fmpq``,
summed as integers over a common denominator when the labels have one of
moderate size) and rates and times as :class:`~limitproc.process.exact.ExactReal`
numbers, compared by arb balls with exact equality tests
(:mod:`~limitproc.process.exact`).

One module although past 600 lines: the two number systems share one interface, and each reads better beside
the other (about 310 lines of code; the rest is numpydoc and examples).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, cast

import numpy as np
from flint import fmpq

from .exact import ExactReal, order_candidates
from .summation import depth, masked_sums, pairwise_sum

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import Any, Literal, TypeAlias

    from numpy.typing import NDArray

    from ..problem.problem import Problem
    from .mask import Mask

    #: The kinds of outputs :meth:`FloatArithmetic.unscale` scales back (spec §3).
    Kind: TypeAlias = Literal["time", "rate", "sq_norm", "loss", "weight"]

__all__ = ["FloatArithmetic", "ExactArithmetic", "NearTie", "Unrepresentable"]

_U = 2.0**-53
_ETA = 2.0**-1074  # spacing of the subnormal grid: the absolute error of a rounding there
#: A label sum is recomputed from its unfitted data when its accumulated error
#: bound exceeds this many times the bound of a fresh sum (cancellation).
_RECOMPUTE = 2.0**10
#: Largest common denominator (bits) of exact labels summed as integers.
_COMMON_DENOMINATOR_BITS = 4096

#: Powers of the label scale ``c`` carried by each output (spec §3).
_POWERS = {"time": -1.0, "rate": 1.0, "sq_norm": 1.0, "loss": 2.0, "weight": 0.5}


def _squared_norms(problem: Problem) -> NDArray[np.float64] | None:
    """``||x_i||²`` as floats, or ``None`` for unit norms (spec §1)."""
    if "orthogonal inputs of norms ≠ 1" not in problem.extensions:
        return None
    return np.asarray(problem.input_norms, dtype=float) ** 2


def _exact_squared_norms(problem):
    """``||x_i||²`` as exact rationals (sums of squares of the float entries of
    ``X``), or ``None`` for unit norms."""
    if "orthogonal inputs of norms ≠ 1" not in problem.extensions:
        return None
    from fractions import Fraction

    return [fmpq(*(lambda f: (f.numerator, f.denominator))(sum((Fraction(float(v)) ** 2 for v in row), Fraction(0))))
            for row in problem.X]


class Unrepresentable(Exception):
    """The scaled labels are beyond what float64 represents with a bound: a
    label underflows to 0, or a neuron's label sum is within its float error
    of 0 (labels spanning more than float64's range in one problem)."""


class NearTie:
    """Two candidate jump times the float backend cannot order (spec §6).

    Their gap is within the sum of their error bounds (module docstring), so
    float64 cannot tell which neuron jumps first.

    Parameters
    ----------
    neurons : iterable of int
        The two neurons, the float winner first.
    times : iterable of float
        Their candidate jump times.
    gap : float
        ``|T_a − T_b|``.
    bound : float
        The error bound the gap is within.

    Examples
    --------
    >>> NearTie((0, 3), (0.5, 0.5000000000000001), 1.1e-16, 4.4e-16)
    NearTie(neurons=(0, 3), times=(0.5, 0.50000000000000011), gap=1.1e-16, bound=4.4e-16)
    """

    __slots__ = ("neurons", "times", "gap", "bound")

    neurons: tuple[int, ...]
    times: tuple[float, ...]
    gap: float
    bound: float

    def __init__(self, neurons: Iterable[int], times: Iterable[float], gap: float, bound: float) -> None:
        self.neurons, self.times, self.gap, self.bound = tuple(neurons), tuple(times), gap, bound

    def __repr__(self) -> str:
        return (
            f"NearTie(neurons={self.neurons}, times=({self.times[0]:.17g}, {self.times[1]:.17g}), "
            f"gap={self.gap:.1e}, bound={self.bound:.1e})"
        )

    def to_dict(self) -> dict[str, Any]:
        """The near-tie as JSON-ready values.

        Returns
        -------
        dict
            ``neurons``, ``times`` (lists), ``gap`` and ``bound``.

        Examples
        --------
        >>> NearTie((0, 3), (0.5, 0.5), 0.0, 4.4e-16).to_dict()
        {'neurons': [0, 3], 'times': [0.5, 0.5], 'gap': 0.0, 'bound': 4.4e-16}
        """
        return {"neurons": list(self.neurons), "times": list(self.times), "gap": self.gap, "bound": self.bound}


class FloatArithmetic:
    """float64, vectorized over neurons, with an error bound per candidate time.

    Works on the scaled labels ``y / c`` (module docstring, "Label scale");
    per neuron ``j`` it holds the label sum ``S[j]`` with its bound
    ``ES[j]``, the rate ``rate[j] = √S_j / n``, ``speed[j] = g(rate[j])``,
    the candidate time ``T[j]`` and its bound ``X[j]`` (spec §3, §6).

    Parameters
    ----------
    problem : Problem
    mask : Mask
        The mask of ``problem``.
    step : float
        Gradient descent with this step ``h`` (flow time of spec §1); 0 for
        the gradient flow.

    Raises
    ------
    Unrepresentable
        A label underflows once scaled, or a label sum is within its error
        bound of 0.

    Examples
    --------
    Labels ``(3, 4, 2)`` are divided by ``c = 4``; neuron 0 is active on
    data 0 and 1, neuron 1 on data 0 and 2:

    >>> from limitproc import Problem, Mask
    >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
    >>> num = FloatArithmetic(p, Mask(p))
    >>> num.scale, (num.S * 16).tolist(), num.unscale(num.T, "time").round(6).tolist()
    (4.0, [25.0, 13.0], [0.6, 0.83205])
    """

    exact = False
    zero = 0.0
    infinity = math.inf

    def __init__(self, problem: Problem, mask: Mask, step: float = 0.0) -> None:
        self.n = problem.n
        self.scale = problem.label_scale
        self._factors: dict[str, Any] = {}
        self.y = problem.scaled_labels
        lost = np.flatnonzero((self.y == 0) & (problem.y != 0))
        if lost.size:
            raise Unrepresentable(f"y[{lost[0]}] = {problem.y[lost[0]]:g} underflows to 0 once the labels are "
                                  f"divided by c = {self.scale:g} (max |y| / |y[{lost[0]}]| > 2^1075)")
        self.y2 = self.y * self.y  # the loss
        c2 = _squared_norms(problem)
        self.unit_norms = c2 is None
        self.c2 = c2
        self.g2 = self.y2 if c2 is None else self.y2 * c2  # growth: (c_i y_i)²
        self.f2 = self.y2 if c2 is None else self.y2 / c2  # fit: (y_i / c_i)²
        self._extra = 0 if c2 is None else 1  # the product by c_i²: one more rounding per term
        self.h = float(step) * self.scale  # the step in the time of the scaled labels (t̂ = c t)
        m = problem.m
        S = np.zeros(m)
        self.ES = np.zeros(m)
        self._fresh = np.zeros(m)  # relative bound of a fresh sum over the neuron's sign (≥ one over its data)
        for block in mask.blocks:  # Σ_{i: A_ij = 1} (c_i y_i)², pairwise over the L data of the block's sign
            if block.active.size:
                sums, counts = masked_sums(block.by_datum, self.g2[block.data])
                S[block.neurons] = sums
                self._fresh[block.neurons] = (depth(block.data.size) + 1 + self._extra) * _U
                self.ES[block.neurons] = self._fresh[block.neurons] * sums + counts * _ETA
        self.S = S
        live = mask.counts > 0
        self._check_separated(np.flatnonzero(live))
        self.rate = np.sqrt(S) / self.n
        self.speed = self._speed(self.rate)
        self.T = np.full(m, np.inf)
        self.X = np.zeros(m)
        if self.h:
            self.T[live] = 1.0 / self.speed[live]  # T_j = τ_0 + e_j / g(r_j) with e_j = 1
        else:
            self.T[live] = self.n / np.sqrt(S[live])  # T_j = τ_0 + e_j / r_j with e_j = 1 (spec §3)
        self.X[live] = self.T[live] * (self._rate_error(live) + 2 * _U)
        self._pending: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None
        self._fitted_error: NDArray[np.float64] | None = None

    def _rate_error(self, js):
        """Relative error bound ``δ_j`` of ``speed[js]`` (of ``rate[js]`` for the flow)."""
        return self.ES[js] / (2 * self.S[js]) + (5 if self.h else 2) * _U

    def _speed(self, rate):
        """``g(r) = ln(1 + h r)/h``, the rate at which exponents fall under
        gradient descent (``r`` itself for the flow)."""
        return np.log1p(self.h * rate) / self.h if self.h else rate

    def _check_separated(self, js):
        """Raise :class:`Unrepresentable` unless every ``S[js]`` exceeds its error bound."""
        bad = js[~(self.S[js] > self.ES[js])]
        if bad.size:
            raise Unrepresentable(f"the label sums of neurons {bad[:5].tolist()} are within float64 rounding of 0 "
                                  f"once the labels are divided by c = {self.scale:g}")

    def unscale(self, value: float | NDArray[np.float64], kind: Kind) -> float | NDArray[np.float64]:
        """A value computed on the scaled labels, in the units of the labels
        given (``kind`` one of ``time``, ``rate``, ``sq_norm``, ``loss``,
        ``weight``; spec §3).  Exact for every power of 4 that stays in range;
        a value beyond float64 in those units becomes ``inf`` or 0 (losses of
        labels near 1e±200; :attr:`~limitproc.process.algorithm1.LimitProcess.out_of_range`
        names them).

        Parameters
        ----------
        value : float or ndarray of float
            A value (or values) on the labels ``y / c``.
        kind : {"time", "rate", "sq_norm", "loss", "weight"}
            What it is: multiplied by ``c^-1``, ``c``, ``c``, ``c²`` or
            ``c^½`` respectively.

        Returns
        -------
        float or ndarray of float
            ``value`` in the units of the labels given (``value`` itself
            when ``c = 1``).

        Examples
        --------
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> num = FloatArithmetic(p, Mask(p))
        >>> float(num.unscale(2.4, "time")), float(num.unscale(1.0, "loss")), float(num.unscale(1.0, "weight"))
        (0.6, 16.0, 2.0)
        """
        if self.scale == 1.0:
            return value
        factor = self._factors.get(kind)
        if factor is None:
            with np.errstate(over="ignore", under="ignore"):
                factor = np.float64(self.scale) ** _POWERS[kind]
                if not (np.isfinite(factor) and factor > 0):
                    factor = np.float64(self.scale) ** (_POWERS[kind] / 2)  # applied twice below
                    factor = (factor, factor)
            self._factors[kind] = factor
        if isinstance(factor, tuple):
            with np.errstate(over="ignore", under="ignore"):
                return value * factor[0] * factor[1]
        return value * factor

    @staticmethod
    def sqrt(x: float) -> float:
        """``√x`` in float64 (the square root of the float backend, spec §6).

        Parameters
        ----------
        x : float
            ``x ≥ 0``.

        Returns
        -------
        float

        Examples
        --------
        >>> float(FloatArithmetic.sqrt(6.25))
        2.5
        """
        return np.sqrt(x)

    @staticmethod
    def number(x: float) -> float:
        """A result value as a plain Python float.

        Parameters
        ----------
        x : float
            A float or a numpy floating-point scalar.

        Returns
        -------
        float

        Examples
        --------
        >>> import numpy as np
        >>> type(FloatArithmetic.number(np.float64(2.5)))
        <class 'float'>
        """
        return float(x)

    def square_sum(self, data: NDArray[np.intp]) -> float:
        """``Σ_{i ∈ data} y_i²`` on the scaled labels (pairwise): the loss.

        Parameters
        ----------
        data : ndarray of int
            Data indices.

        Returns
        -------
        float
            The sum on the labels ``y / c`` (:meth:`unscale` with ``"loss"``
            after dividing by ``2n``).

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> FloatArithmetic(p, Mask(p)).square_sum(np.array([0, 1])) * 16  # 3² + 4²
        25.0
        """
        return pairwise_sum(self.y2[data])

    def fit_norm(self, data: NDArray[np.intp]) -> float:
        """``N_I = ||(y_i / c_i)_{i ∈ I}||``: ``a² = ||w||²`` of the neuron that fits ``I``.

        For unit norms ``N_I = n r`` (spec §3); for inputs of any norms
        docs/general-inputs.md §2.

        Parameters
        ----------
        data : ndarray of int
            The data ``I`` a jump fits.

        Returns
        -------
        float
            ``N_I`` on the scaled labels.

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> float(FloatArithmetic(p, Mask(p)).fit_norm(np.array([0, 1]))) * 4  # ||(3, 4)||
        5.0
        """
        return np.sqrt(pairwise_sum(self.f2[data]))

    def coefficients(self, data: NDArray[np.intp], sign: int, scale: float) -> NDArray[np.float64]:
        """The hidden weight of the jumping neuron on the inputs ``x_i`` of the
        data it fits: ``s_j y_i / (c_i² √N)`` (``s_j y_i / sqrt(n r)`` for unit
        norms; scaled labels).

        Parameters
        ----------
        data : ndarray of int
            The data the neuron fits.
        sign : int
            Its (effective) output sign ``s_j``.
        scale : float
            ``√N`` (``sqrt(n r)`` for unit norms), :meth:`sqrt` of
            :meth:`fit_norm`.

        Returns
        -------
        ndarray of float
            One coefficient per datum of ``data``.

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> num, data = FloatArithmetic(p, Mask(p)), np.array([0, 1])
        >>> num.coefficients(data, 1, num.sqrt(num.fit_norm(data))).round(6).tolist()  # (3, 4)/(4 √(5/4))
        [0.67082, 0.894427]
        """
        out = sign * self.y[data] / scale
        return out if self.c2 is None else out / self.c2[data]

    def fitted_sums(
        self, mask: Mask, data: NDArray[np.intp]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """For the data just fitted: per neuron, how many and ``Σ y_i²``
        (pairwise over the fitted data of each sign, with their error bound).

        The bound is kept for the next :meth:`lower`.

        Parameters
        ----------
        mask : Mask
        data : ndarray of int
            The data fitted by a jump.

        Returns
        -------
        counts : ndarray of int64, shape (m,)
            Per neuron, how many of ``data`` it is active on.
        sums : ndarray of float, shape (m,)
            Per neuron, ``Σ (c_i y_i)²`` over those data (scaled labels).

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> mask = Mask(p)
        >>> counts, sums = FloatArithmetic(p, mask).fitted_sums(mask, np.array([0, 1]))
        >>> counts.tolist(), (sums * 16).tolist()
        ([2, 1], [25.0, 9.0])
        """
        m = mask.m
        counts = np.zeros(m, dtype=np.int64)
        sums = np.zeros(m)
        error = np.zeros(m)
        for b, block in enumerate(mask.blocks):
            rows = mask.datum_position[data[mask.datum_block[data] == b]]
            if rows.size > 1 and np.any(rows[1:] < rows[:-1]):  # several winners: gather in order
                rows = np.sort(rows)
            if rows.size and block.neurons.size:
                F, C = masked_sums(block.by_datum, self.g2[block.data], rows)
                sums[block.neurons], counts[block.neurons] = F, C
                error[block.neurons] = (depth(rows.size) + 1 + self._extra) * _U * F + C * _ETA
        self._fitted_error = error
        return counts, sums

    def argmin(
        self, candidates: NDArray[np.intp], overlaps: Callable[[int, int], bool]
    ) -> tuple[list[int], list[NearTie]]:
        """The candidate with the smallest time; near-ties reported, not hidden.

        Parameters
        ----------
        candidates : ndarray of int
            The neurons still waiting to jump.
        overlaps : callable
            ``overlaps(a, b)``: whether neurons ``a`` and ``b`` share unfitted
            data (only such near-ties matter, spec §5).

        Returns
        -------
        winners : list of int
            The neuron with the smallest candidate time (one).
        near_ties : list of NearTie
            Candidates the error bounds do not separate from the winner.

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> FloatArithmetic(p, Mask(p)).argmin(np.array([0, 1]), lambda a, b: True)
        ([0], [])
        """
        times = self.T[candidates]
        best = int(np.argmin(times))
        winner = int(candidates[best])
        gap = times - times[best]
        bound = self.X[candidates] + self.X[winner] + _U * np.maximum(times, times[best])
        close = np.flatnonzero((gap <= bound) & (candidates != winner))
        near = [
            NearTie((winner, int(candidates[i])), (float(times[best]), float(times[i])), float(gap[i]), float(bound[i]))
            for i in close
            if overlaps(winner, int(candidates[i]))
        ]
        return [winner], near

    def exponent_at(self, js: NDArray[np.intp], tau: float) -> NDArray[np.float64]:
        """``e_j(τ) = g(r_j) (T_j − τ)`` for neurons ``js`` about to change rate.

        Keeps what :meth:`retime` needs for the error bound.

        Parameters
        ----------
        js : ndarray of int
            Neurons whose rate the jump at ``τ`` lowers.
        tau : float
            The jump time (scaled labels).

        Returns
        -------
        ndarray of float
            ``e_j(τ) ≥ 0`` per neuron of ``js`` (spec §2).

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> num = FloatArithmetic(p, Mask(p))
        >>> num.exponent_at(np.array([1]), num.T[0]).round(6).tolist()  # 1 − (√13/3)(3/5)
        [0.27889]
        """
        delta = self.T[js] - tau
        self._pending = (delta, self._rate_error(js))
        return np.maximum(self.speed[js] * delta, 0.0)

    def lower(
        self,
        js: NDArray[np.intp],
        sums: NDArray[np.float64],
        alive: NDArray[np.bool_],
        remaining: Callable[[int], NDArray[np.intp]],
    ) -> None:
        """Subtract fitted label sums from ``S[js]``; recompute on cancellation
        the sums of neurons ``js[alive]`` that keep unfitted data
        (``remaining(j)``: the unfitted data of ``j``).

        Parameters
        ----------
        js : ndarray of int
            Neurons that lost data to the jump.
        sums : ndarray of float, shape (m,)
            The ``sums`` of :meth:`fitted_sums`.
        alive : ndarray of bool
            Per neuron of ``js``, whether it keeps unfitted data.
        remaining : callable
            ``remaining(j)``: the unfitted data of neuron ``j``.

        Returns
        -------
        None

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> mask = Mask(p)
        >>> num = FloatArithmetic(p, mask)
        >>> counts, sums = num.fitted_sums(mask, np.array([0, 1]))  # neuron 0 fits data 0 and 1
        >>> num.lower(np.array([1]), sums, np.array([True]), lambda j: np.array([2]))
        >>> (num.S * 16).tolist()  # neuron 1 keeps 2²
        [25.0, 4.0]
        """
        new = self.S[js] - sums[js]
        self.S[js] = new
        self.ES[js] += cast("NDArray[np.float64]", self._fitted_error)[js] + _U * np.abs(new)  # fitted_sums's
        for j in js[alive & (self.ES[js] > _RECOMPUTE * self._fresh[js] * np.abs(new))]:
            left = remaining(j)
            self.S[j] = pairwise_sum(self.g2[left])
            self.ES[j] = (depth(left.size) + 1 + self._extra) * _U * self.S[j] + left.size * _ETA

    def retime(
        self, js: NDArray[np.intp], tau: float, e: NDArray[np.float64], winner: int, alive: NDArray[np.bool_]
    ) -> None:
        """New rates of ``js[alive]`` and their times ``τ + e_j / r'_j``.

        Spec §3 (``g(r'_j)`` for gradient descent); the error bounds ``X``
        follow the module docstring.  Call after :meth:`exponent_at` and
        :meth:`lower`.

        Parameters
        ----------
        js : ndarray of int
            Neurons that lost data to the jump.
        tau : float
            The jump time (scaled labels).
        e : ndarray of float
            Their exponents at ``τ`` (:meth:`exponent_at`).
        winner : int
            The neuron that jumped.
        alive : ndarray of bool
            Per neuron of ``js``, whether it keeps unfitted data.

        Returns
        -------
        None

        Raises
        ------
        Unrepresentable
            A lowered label sum is within its error bound of 0.

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> mask, js, alive = Mask(p), np.array([1]), np.array([True])
        >>> num = FloatArithmetic(p, mask)
        >>> e, (_, sums) = num.exponent_at(js, num.T[0]), num.fitted_sums(mask, np.array([0, 1]))
        >>> num.lower(js, sums, alive, lambda j: np.array([2])); num.retime(js, num.T[0], e, 0, alive)
        >>> num.unscale(num.T, "time").round(6).tolist()  # 3/5 + e / (2/3)
        [0.6, 1.018335]
        """
        delta, old_error = cast("tuple[NDArray[np.float64], NDArray[np.float64]]", self._pending)  # exponent_at's
        delta, old_error, js, e = delta[alive], old_error[alive], js[alive], e[alive]
        self._check_separated(js)
        rate = np.sqrt(self.S[js]) / self.n
        speed = self._speed(rate)
        ratio = self.speed[js] / speed  # ρ = g(r) / g(r') ≥ 1
        self.rate[js], self.speed[js] = rate, speed
        T = tau + e / speed
        self.T[js] = T
        self.X[js] = (
            ratio * self.X[js]
            + (ratio - 1) * self.X[winner]
            + ratio * np.abs(delta) * (old_error + self._rate_error(js) + 3 * _U)
            + _U * T
        )

    def retire(self, js: NDArray[np.intp] | Sequence[int]) -> None:
        """Neurons ``js`` will never jump (fitted, or no unfitted data left).

        Parameters
        ----------
        js : ndarray of int or sequence of int
            The neurons.

        Returns
        -------
        None

        Examples
        --------
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> num = FloatArithmetic(p, Mask(p))
        >>> num.retire([0])
        >>> float(num.T[0]), float(num.rate[0])
        (inf, 0.0)
        """
        self.S[js] = 0.0
        self.ES[js] = 0.0
        self.rate[js] = 0.0
        self.speed[js] = 0.0
        self.T[js] = np.inf
        self.X[js] = 0.0


class _LabelSquares:
    """Exact sums of squared labels, each times a weight (``c_i²`` or
    ``1/c_i²`` for inputs of any norms): Python integers over a common
    denominator when the labels have one of at most
    ``_COMMON_DENOMINATOR_BITS`` bits (decimal strings, floats) and there are no
    weights, fmpq otherwise."""

    def __init__(self, labels: Sequence[Any], weights: Sequence[fmpq] | None = None) -> None:
        if weights is not None:
            self.integers = None
            self.values = [fmpq(v.numerator**2, v.denominator**2) * w for v, w in zip(labels, weights)]
            return
        denominator = 1
        for v in labels:
            denominator = math.lcm(denominator, v.denominator)
            if denominator.bit_length() > _COMMON_DENOMINATOR_BITS:
                self.integers = None
                self.values = [fmpq(v.numerator**2, v.denominator**2) for v in labels]
                return
        self.denominator = denominator**2
        self.integers = [(v.numerator * (denominator // v.denominator)) ** 2 for v in labels]

    def total(self, data: NDArray[np.intp]) -> fmpq:
        """``Σ_{i ∈ data} y_i²`` as an fmpq."""
        if self.integers is not None:
            return fmpq(sum(map(self.integers.__getitem__, data.tolist())), self.denominator)
        return sum(map(self.values.__getitem__, data.tolist()), fmpq(0))


class ExactArithmetic:
    """Exact numbers; every comparison decided with a proof (spec §6).

    Label sums are exact rationals (fmpq); rates and candidate times are
    :class:`~limitproc.process.exact.ExactReal` numbers built as spec §3
    writes them (``r = √S/n``, ``T = 1/r``, ``e = r (T − τ)``,
    ``T' = τ + e/r' = τ + (r/r')(T − τ)``, with ``r/r'`` a single surd).

    Per neuron ``j`` it holds ``S[j]`` (fmpq), ``rate[j]`` and ``T[j]``
    (``None`` for a neuron that will never jump), in the units of the labels
    given (no label scale).

    Parameters
    ----------
    problem : Problem
        Its labels are taken exactly (:attr:`~limitproc.problem.Problem.y_exact`).
    mask : Mask
        The mask of ``problem``.

    Examples
    --------
    >>> from limitproc import Problem, Mask
    >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
    >>> num = ExactArithmetic(p, Mask(p))
    >>> [str(S) for S in num.S], [str(r) for r in num.rate], [str(T) for T in num.T]
    (['25', '13'], ['5/3', 'sqrt(13)/3'], ['3/5', '3*sqrt(13)/13'])
    """

    exact = True
    zero = ExactReal.rational(0)
    scale = 1
    h = 0.0

    @staticmethod
    def unscale(value: ExactReal | NDArray[np.object_], kind: Kind) -> ExactReal | NDArray[np.object_]:
        """Exact numbers need no label scale.

        Parameters
        ----------
        value : ExactReal or ndarray of ExactReal
            A value (or values) of the exact backend.
        kind : {"time", "rate", "sq_norm", "loss", "weight"}
            Ignored (:meth:`FloatArithmetic.unscale` uses it).

        Returns
        -------
        ExactReal or ndarray of ExactReal
            ``value`` itself.

        Examples
        --------
        >>> from limitproc.process.exact import exact
        >>> str(ExactArithmetic.unscale(exact(2, 5), "time"))
        '2/5'
        """
        return value

    def __init__(self, problem: Problem, mask: Mask) -> None:
        self.n = problem.n
        m = problem.m
        self.labels = problem.y_exact
        c2 = _exact_squared_norms(problem)
        self.unit_norms = c2 is None
        self.c2 = c2
        self.loss_squares = _LabelSquares(self.labels)
        self.squares = self.loss_squares if c2 is None else _LabelSquares(self.labels, c2)  # growth
        self.fit_squares = self.loss_squares if c2 is None else _LabelSquares(self.labels, [1 / w for w in c2])
        self.S: list[fmpq] = [fmpq(0)] * m
        for j in np.flatnonzero(mask.counts):
            self.S[j] = self.squares.total(mask.data_of(j))
        self.rate = np.empty(m, dtype=object)
        self.T = np.empty(m, dtype=object)
        self.rate[:] = [self._rate(j) for j in range(m)]
        self.T[:] = [1 / r if self.S[j] != 0 else None for j, r in enumerate(self.rate)]  # e_j = 1

    def _rate(self, j: int) -> ExactReal:
        return ExactReal.surd(fmpq(1, self.n), self.S[j])  # √S_j / n

    @staticmethod
    def sqrt(x: ExactReal) -> ExactReal:
        """``√x``, exact (:meth:`~limitproc.process.exact.ExactReal.sqrt`).

        Parameters
        ----------
        x : ExactReal
            ``x ≥ 0``.

        Returns
        -------
        ExactReal

        Examples
        --------
        >>> from limitproc.process.exact import exact
        >>> str(ExactArithmetic.sqrt(exact(5, 4)))
        'sqrt(5)/2'
        """
        return x.sqrt()

    @staticmethod
    def number(x: ExactReal) -> ExactReal:
        """A result value: the exact number itself.

        Parameters
        ----------
        x : ExactReal

        Returns
        -------
        ExactReal
            ``x``.

        Examples
        --------
        >>> from limitproc.process.exact import exact
        >>> str(ExactArithmetic.number(exact(2).sqrt()))
        'sqrt(2)'
        """
        return x

    def square_sum(self, data: NDArray[np.intp]) -> ExactReal:
        """``Σ_{i ∈ data} y_i²``, exact: the loss.

        Parameters
        ----------
        data : ndarray of int
            Data indices.

        Returns
        -------
        ExactReal
            A rational.

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> str(ExactArithmetic(p, Mask(p)).square_sum(np.array([0, 2])))
        '13'
        """
        return ExactReal.rational(self.loss_squares.total(np.asarray(data)))

    def fit_norm(self, data: NDArray[np.intp]) -> ExactReal:
        """``N_I = ||(y_i / c_i)_{i ∈ I}||``, exact.

        Parameters
        ----------
        data : ndarray of int
            The data ``I`` a jump fits.

        Returns
        -------
        ExactReal
            ``a² = ||w||²`` of the neuron that fits ``I`` (spec §3;
            docs/general-inputs.md §2).

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> str(ExactArithmetic(p, Mask(p)).fit_norm(np.array([0, 2])))
        'sqrt(13)'
        """
        return ExactReal.surd(1, self.fit_squares.total(np.asarray(data)))

    def coefficients(self, data: NDArray[np.intp], sign: int, scale: ExactReal) -> NDArray[np.object_]:
        """The hidden weight of the jumping neuron on the inputs ``x_i`` of the
        data it fits, ``s_j y_i / (c_i² √N)``, exact
        (:meth:`FloatArithmetic.coefficients`).

        Parameters
        ----------
        data : ndarray of int
            The data the neuron fits.
        sign : int
            Its (effective) output sign ``s_j``.
        scale : ExactReal
            ``√N``.

        Returns
        -------
        ndarray of ExactReal
            One coefficient per datum of ``data``.

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> num, data = ExactArithmetic(p, Mask(p)), np.array([0, 1])
        >>> [str(c) for c in num.coefficients(data, 1, num.sqrt(num.fit_norm(data)))]
        ['3*sqrt(5)/5', '4*sqrt(5)/5']
        """
        out = np.empty(len(data), dtype=object)
        if self.c2 is None:
            out[:] = [sign * ExactReal.rational(self.labels[i]) / scale for i in data.tolist()]
        else:
            out[:] = [sign * (ExactReal.rational(self.labels[i]) / ExactReal.rational(self.c2[i])) / scale
                      for i in data.tolist()]
        return out

    def fitted_sums(self, mask: Mask, data: NDArray[np.intp]) -> tuple[NDArray[np.int64], dict[int, fmpq]]:
        """For the data just fitted: per neuron, how many and ``Σ y_i²``, exact.

        Parameters
        ----------
        mask : Mask
        data : ndarray of int
            The data fitted by a jump.

        Returns
        -------
        counts : ndarray of int64, shape (m,)
            Per neuron, how many of ``data`` it is active on.
        sums : dict of int to fmpq
            For each neuron with a non-zero count, ``Σ (c_i y_i)²`` over
            those data.

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> mask = Mask(p)
        >>> counts, sums = ExactArithmetic(p, mask).fitted_sums(mask, np.array([0, 1]))
        >>> counts.tolist(), {j: str(v) for j, v in sums.items()}
        ([2, 1], {0: '25', 1: '9'})
        """
        counts = np.zeros(mask.m, dtype=np.int64)
        sums: dict[int, fmpq] = {}
        for b, block in enumerate(mask.blocks):
            rows = np.sort(mask.datum_position[data[mask.datum_block[data] == b]])
            if not rows.size or not block.neurons.size:
                continue
            hit = block.by_datum[rows]
            counts[block.neurons] = np.count_nonzero(hit, axis=0)
            for a in np.flatnonzero(counts[block.neurons]):
                sums[int(block.neurons[a])] = self.squares.total(block.data[rows[hit[:, a]]])
        return counts, sums

    def argmin(
        self, candidates: NDArray[np.intp], overlaps: Callable[[int, int], bool]
    ) -> tuple[list[int], list[NearTie]]:
        """Every candidate whose time equals the minimum, proved (no near-ties).

        Parameters
        ----------
        candidates : ndarray of int
            The neurons still waiting to jump.
        overlaps : callable
            Unused: the exact order needs no near-tie report.

        Returns
        -------
        winners : list of int
            The neurons with the smallest candidate time, in increasing
            order (several on an exact tie, spec §5).
        near_ties : list of NearTie
            Always empty.

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> ExactArithmetic(p, Mask(p)).argmin(np.array([0, 1]), lambda a, b: True)
        ([0], [])
        """
        winners = order_candidates([self.T[j] for j in candidates])
        return sorted(int(candidates[i]) for i in winners), []

    def exponent_at(self, js: NDArray[np.intp], tau: ExactReal) -> NDArray[np.object_]:
        """``e_j(τ) = r_j (T_j − τ)`` for neurons ``js`` about to change rate, exact.

        Parameters
        ----------
        js : ndarray of int
            Neurons whose rate the jump at ``τ`` lowers.
        tau : ExactReal
            The jump time.

        Returns
        -------
        ndarray of ExactReal
            ``e_j(τ)`` per neuron of ``js`` (spec §2).

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> num = ExactArithmetic(p, Mask(p))
        >>> round(float(num.exponent_at(np.array([1]), num.T[0])[0]), 6)  # 1 − (√13/3)(3/5)
        0.27889
        """
        e = np.empty(len(js), dtype=object)
        e[:] = [self.rate[j] * (self.T[j] - tau) for j in js]
        return e

    def lower(
        self,
        js: NDArray[np.intp],
        sums: dict[int, fmpq],
        alive: NDArray[np.bool_],
        remaining: Callable[[int], NDArray[np.intp]],
    ) -> None:
        """Subtract fitted label sums from ``S[js]`` (exact: no recomputation).

        Parameters
        ----------
        js : ndarray of int
            Neurons that lost data to the jump.
        sums : dict of int to fmpq
            The ``sums`` of :meth:`fitted_sums`.
        alive : ndarray of bool
            Unused (:meth:`FloatArithmetic.lower` uses it).
        remaining : callable
            Unused (:meth:`FloatArithmetic.lower` uses it).

        Returns
        -------
        None

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> mask = Mask(p)
        >>> num = ExactArithmetic(p, mask)
        >>> num.lower(np.array([1]), num.fitted_sums(mask, np.array([0, 1]))[1], np.array([True]), mask.data_of)
        >>> [str(S) for S in num.S]  # neuron 1 keeps 2²
        ['25', '4']
        """
        for j in js:
            self.S[j] -= sums[int(j)]

    def retime(
        self, js: NDArray[np.intp], tau: ExactReal, e: NDArray[np.object_], winner: int, alive: NDArray[np.bool_]
    ) -> None:
        """New rates of ``js[alive]`` and their times ``τ + (r/r')(T − τ)``, exact.

        The same number as ``τ + e_j / r'_j`` (spec §3), with ``r/r'`` a
        single surd (a shorter graph and text).

        Parameters
        ----------
        js : ndarray of int
            Neurons that lost data to the jump.
        tau : ExactReal
            The jump time.
        e : ndarray of ExactReal
            Their exponents at ``τ`` (unused: kept for the interactions).
        winner : int
            The neuron that jumped (unused).
        alive : ndarray of bool
            Per neuron of ``js``, whether it keeps unfitted data.

        Returns
        -------
        None

        Examples
        --------
        >>> import numpy as np
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> mask, js, alive = Mask(p), np.array([1]), np.array([True])
        >>> num = ExactArithmetic(p, mask)
        >>> num.lower(js, num.fitted_sums(mask, np.array([0, 1]))[1], alive, mask.data_of)
        >>> num.retime(js, num.T[0], num.exponent_at(js, num.T[0]), 0, alive)
        >>> str(num.rate[1]), round(float(num.T[1]), 6)
        ('2/3', 1.018335)
        """
        # T' = τ + e/r' = τ + (r/r')(T − τ): the same number, with r/r' one surd
        # (a shorter graph and text than e/r', whose e = r (T − τ) is kept for the interactions)
        for j in js[alive]:
            old = self.rate[j]
            self.rate[j] = self._rate(j)
            self.T[j] = tau + (old / self.rate[j]) * (self.T[j] - tau)

    def retire(self, js: NDArray[np.intp] | Sequence[int]) -> None:
        """Neurons ``js`` will never jump (fitted, or no unfitted data left).

        Parameters
        ----------
        js : ndarray of int or sequence of int
            The neurons.

        Returns
        -------
        None

        Examples
        --------
        >>> from limitproc import Problem, Mask
        >>> p = Problem([3.0, 4.0, 2.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> num = ExactArithmetic(p, Mask(p))
        >>> num.retire([0])
        >>> str(num.rate[0]), num.T[0]
        ('0', None)
        """
        for j in js:
            self.S[j] = fmpq(0)
            self.rate[j] = self.zero
            self.T[j] = None
