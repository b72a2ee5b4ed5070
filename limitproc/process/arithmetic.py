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
roundoff ``u = 2^-53``, plus ``η = 2^-1074`` per rounding for results on the
subnormal grid, where rounding errors are absolute).  Sums are taken with
:func:`math.fsum` (error ``2u S + (count + 1) η``: squares and final
rounding); a fitted part is subtracted with its own bound, and ``S_j`` is
recomputed from its unfitted data when its bound exceeds ``2^-46 S_j``.  A
sum that its bound does not separate from 0 cannot give a rate: the float
backend then stops (:class:`Unrepresentable`) and the exact backend decides.  Rates carry ``δ_j = ES_j/(2 S_j) + 2u`` relative.
Only differences of candidate times decide the argmin, so the error of
``T_j`` is tracked up to a shift common to all neurons: ``X_j`` bounds it.
At a jump of ``w`` that changes ``r_j`` by the factor ``ρ = r/r'``,
``X_j ← ρ X_j + (ρ − 1) X_w + ρ (T_j − τ)(δ_j + δ'_j + 3u) + u T'_j``;
other neurons keep ``X_j``.  Two candidates ``a, b`` are a *near-tie* when
``|T_a − T_b| ≤ X_a + X_b + u max(T_a, T_b)``.
"""

import math
from fractions import Fraction

import numpy as np
import sympy

from .exact import order_candidates, to_sympy

__all__ = ["FloatArithmetic", "ExactArithmetic", "NearTie", "Unrepresentable"]

_U = 2.0**-53
_ETA = 2.0**-1074  # spacing of the subnormal grid: the absolute error of a rounding there
_RECOMPUTE = 2.0**-46

#: Powers of the label scale ``c`` carried by each output (spec §3).
_POWERS = {"time": -1.0, "rate": 1.0, "sq_norm": 1.0, "loss": 2.0, "weight": 0.5}


class Unrepresentable(Exception):
    """The scaled labels are beyond what float64 represents with a bound: a
    label underflows to 0, or a neuron's label sum is within its float error
    of 0 (labels spanning more than float64's range in one problem)."""


class NearTie:
    """Two candidate jump times the float backend cannot order (spec §6)."""

    __slots__ = ("neurons", "times", "gap", "bound")

    def __init__(self, neurons, times, gap, bound):
        self.neurons, self.times, self.gap, self.bound = tuple(neurons), tuple(times), gap, bound

    def __repr__(self):
        return (
            f"NearTie(neurons={self.neurons}, times=({self.times[0]:.17g}, {self.times[1]:.17g}), "
            f"gap={self.gap:.1e}, bound={self.bound:.1e})"
        )

    def to_dict(self):
        return {"neurons": list(self.neurons), "times": list(self.times), "gap": self.gap, "bound": self.bound}


class FloatArithmetic:
    """float64, vectorized over neurons, with an error bound per candidate time."""

    exact = False
    zero = 0.0
    infinity = math.inf

    def __init__(self, problem, mask):
        self.n = problem.n
        self.scale = problem.label_scale
        self.y = problem.scaled_labels
        lost = np.flatnonzero((self.y == 0) & (problem.y != 0))
        if lost.size:
            raise Unrepresentable(f"y[{lost[0]}] = {problem.y[lost[0]]:g} underflows to 0 once the labels are "
                                  f"divided by c = {self.scale:g} (max |y| / |y[{lost[0]}]| > 2^1075)")
        self.y2 = self.y * self.y
        m = problem.m
        ptr = mask.by_neuron.indptr
        values = self.y2[mask.by_neuron.indices]
        S = np.array([math.fsum(values[ptr[j] : ptr[j + 1]]) for j in range(m)])  # Σ_{i: A_ij = 1} y_i²
        self.S = S
        self.ES = 2 * _U * S + (mask.counts + 1) * _ETA
        live = mask.counts > 0
        self._check_separated(np.flatnonzero(live))
        self.rate = np.sqrt(S) / self.n
        self.T = np.full(m, np.inf)
        self.X = np.zeros(m)
        self.T[live] = self.n / np.sqrt(S[live])  # T_j = τ_0 + e_j / r_j with e_j = 1 (spec §3)
        self.X[live] = self.T[live] * (self._rate_error(live) + 2 * _U)
        self._pending = None

    def _rate_error(self, js):
        """Relative error bound ``δ_j`` of ``rate[js]``."""
        return self.ES[js] / (2 * self.S[js]) + 2 * _U

    def _check_separated(self, js):
        """Raise :class:`Unrepresentable` unless every ``S[js]`` exceeds its error bound."""
        bad = js[~(self.S[js] > self.ES[js])]
        if bad.size:
            raise Unrepresentable(f"the label sums of neurons {bad[:5].tolist()} are within float64 rounding of 0 "
                                  f"once the labels are divided by c = {self.scale:g}")

    def unscale(self, value, kind):
        """A value computed on the scaled labels, in the units of the labels
        given (``kind`` one of ``time``, ``rate``, ``sq_norm``, ``loss``,
        ``weight``; spec §3).  Exact for every power of 4 that stays in range;
        a value beyond float64 in those units becomes ``inf`` or 0 (losses of
        labels near 1e±200; :attr:`~limitproc.process.algorithm1.LimitProcess.out_of_range`
        names them)."""
        if self.scale == 1.0:
            return value
        with np.errstate(over="ignore", under="ignore"):
            factor = np.float64(self.scale) ** _POWERS[kind]
            if np.isfinite(factor) and factor > 0:
                return value * factor
            return value * np.float64(self.scale) ** (_POWERS[kind] / 2) * np.float64(self.scale) ** (_POWERS[kind] / 2)

    @staticmethod
    def sqrt(x):
        return np.sqrt(x)

    @staticmethod
    def number(x):
        """A result value as a plain Python float."""
        return float(x)

    @staticmethod
    def total(values):
        """Correctly rounded sum."""
        return math.fsum(values)

    def fitted_sums(self, mask, data):
        """For the data just fitted: per neuron, how many and ``Σ y_i²`` (fsum)."""
        block = mask.by_datum[:, data].tocsr()
        counts = np.diff(block.indptr)
        values = self.y2[data[block.indices]]
        sums = np.zeros(mask.shape[0])
        for j in np.flatnonzero(counts):
            sums[j] = math.fsum(values[block.indptr[j] : block.indptr[j + 1]])
        return counts, sums

    def argmin(self, candidates, overlaps):
        """The candidate with the smallest time; near-ties reported, not hidden."""
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

    def exponent_at(self, js, tau):
        """``e_j(τ) = r_j (T_j − τ)`` for neurons ``js`` about to change rate."""
        delta = self.T[js] - tau
        self._pending = (delta, self._rate_error(js))
        return np.maximum(self.rate[js] * delta, 0.0)

    def lower(self, js, sums, counts, remaining):
        """Subtract fitted label sums from ``S[js]``; recompute on cancellation."""
        new = self.S[js] - sums[js]
        self.S[js] = new
        self.ES[js] += 2 * _U * sums[js] + _U * np.abs(new) + (counts[js] + 2) * _ETA
        for j in js[self.ES[js] > _RECOMPUTE * np.abs(new)]:
            left = remaining(j)
            self.S[j] = math.fsum(left)
            self.ES[j] = 2 * _U * self.S[j] + (left.size + 1) * _ETA

    def retime(self, js, tau, e, winner, alive):
        """New rates of ``js[alive]`` and their times ``τ + e_j / r'_j``."""
        delta, old_error = self._pending
        delta, old_error, js, e = delta[alive], old_error[alive], js[alive], e[alive]
        self._check_separated(js)
        ratio = self.rate[js] / (np.sqrt(self.S[js]) / self.n)  # ρ = r / r' ≥ 1
        self.rate[js] = np.sqrt(self.S[js]) / self.n
        T = tau + e / self.rate[js]
        self.T[js] = T
        self.X[js] = (
            ratio * self.X[js]
            + (ratio - 1) * self.X[winner]
            + ratio * np.abs(delta) * (old_error + self._rate_error(js) + 3 * _U)
            + _U * T
        )

    def retire(self, js):
        """Neurons ``js`` will never jump (fitted, or no unfitted data left)."""
        self.S[js] = 0.0
        self.ES[js] = 0.0
        self.rate[js] = 0.0
        self.T[js] = np.inf
        self.X[js] = 0.0


class ExactArithmetic:
    """Exact sympy numbers; every comparison decided with a proof (spec §6)."""

    exact = True
    zero = sympy.Integer(0)
    infinity = sympy.oo
    scale = 1

    @staticmethod
    def unscale(value, kind):
        """Exact numbers need no label scale."""
        return value

    def __init__(self, problem, mask):
        self.n = problem.n
        m = problem.m
        exact = problem.y_exact
        self.y = np.empty(problem.n, dtype=object)
        self.y[:] = [to_sympy(v) for v in exact]
        self.y2_fraction = [v * v for v in exact]
        self.y2 = np.empty(problem.n, dtype=object)
        self.y2[:] = [to_sympy(v) for v in self.y2_fraction]
        self.S = [Fraction(0)] * m
        for j in range(m):
            self.S[j] = sum((self.y2_fraction[i] for i in mask.data_of(j)), Fraction(0))
        self.rate = np.empty(m, dtype=object)
        self.T = np.empty(m, dtype=object)
        self.rate[:] = [self._rate(j) for j in range(m)]
        self.T[:] = [1 / r if r != 0 else sympy.oo for r in self.rate]  # e_j = 1

    def _rate(self, j):
        return sympy.sqrt(to_sympy(self.S[j])) / self.n

    @staticmethod
    def sqrt(x):
        if isinstance(x, np.ndarray):
            out = np.empty(x.shape, dtype=object)
            out[...] = [sympy.sqrt(v) for v in x.ravel()]
            return out
        return sympy.sqrt(x)

    @staticmethod
    def number(x):
        return x

    @staticmethod
    def total(values):
        return sympy.Add(*values) if len(values) else sympy.Integer(0)

    def fitted_sums(self, mask, data):
        counts = np.zeros(mask.shape[0], dtype=np.int64)
        sums = [Fraction(0)] * mask.shape[0]
        ptr, neurons = mask.by_datum.indptr, mask.by_datum.indices
        for i in data:
            for j in neurons[ptr[i] : ptr[i + 1]]:
                counts[j] += 1
                sums[j] += self.y2_fraction[i]
        return counts, sums

    def argmin(self, candidates, overlaps):
        winners = order_candidates([self.T[j] for j in candidates])
        return sorted(int(candidates[i]) for i in winners), []

    def exponent_at(self, js, tau):
        e = np.empty(len(js), dtype=object)
        e[:] = [self.rate[j] * (self.T[j] - tau) for j in js]
        return e

    def lower(self, js, sums, counts, remaining):
        for j in js:
            self.S[j] -= sums[j]

    def retime(self, js, tau, e, winner, alive):
        for j, e_j in zip(js[alive], e[alive]):
            self.rate[j] = self._rate(j)
            self.T[j] = tau + e_j / self.rate[j]

    def retire(self, js):
        for j in js:
            self.S[j] = Fraction(0)
            self.rate[j] = sympy.Integer(0)
            self.T[j] = sympy.oo

