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
"""

import math

import numpy as np
from flint import fmpq

from .exact import ExactReal, order_candidates
from .summation import depth, masked_sums, pairwise_sum

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


def _squared_norms(problem):
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

    def __init__(self, problem, mask, step=0.0):
        self.n = problem.n
        self.scale = problem.label_scale
        self._factors = {}
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
        self._pending = None
        self._fitted_error = None

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

    def unscale(self, value, kind):
        """A value computed on the scaled labels, in the units of the labels
        given (``kind`` one of ``time``, ``rate``, ``sq_norm``, ``loss``,
        ``weight``; spec §3).  Exact for every power of 4 that stays in range;
        a value beyond float64 in those units becomes ``inf`` or 0 (losses of
        labels near 1e±200; :attr:`~limitproc.process.algorithm1.LimitProcess.out_of_range`
        names them)."""
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
    def sqrt(x):
        return np.sqrt(x)

    @staticmethod
    def number(x):
        """A result value as a plain Python float."""
        return float(x)

    def square_sum(self, data):
        """``Σ_{i ∈ data} y_i²`` on the scaled labels (pairwise): the loss."""
        return pairwise_sum(self.y2[data])

    def fit_norm(self, data):
        """``N_I = ||(y_i / c_i)_{i ∈ I}||``: ``a² = ||w||²`` of the neuron that fits ``I``."""
        return np.sqrt(pairwise_sum(self.f2[data]))

    def coefficients(self, data, sign, scale):
        """The hidden weight of the jumping neuron on the inputs ``x_i`` of the
        data it fits: ``s_j y_i / (c_i² √N)`` (``s_j y_i / sqrt(n r)`` for unit
        norms; scaled labels)."""
        out = sign * self.y[data] / scale
        return out if self.c2 is None else out / self.c2[data]

    def fitted_sums(self, mask, data):
        """For the data just fitted: per neuron, how many and ``Σ y_i²``
        (pairwise over the fitted data of each sign, with their error bound)."""
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
        """``e_j(τ) = g(r_j) (T_j − τ)`` for neurons ``js`` about to change rate."""
        delta = self.T[js] - tau
        self._pending = (delta, self._rate_error(js))
        return np.maximum(self.speed[js] * delta, 0.0)

    def lower(self, js, sums, alive, remaining):
        """Subtract fitted label sums from ``S[js]``; recompute on cancellation
        the sums of neurons ``js[alive]`` that keep unfitted data
        (``remaining(j)``: the unfitted data of ``j``)."""
        new = self.S[js] - sums[js]
        self.S[js] = new
        self.ES[js] += self._fitted_error[js] + _U * np.abs(new)
        for j in js[alive & (self.ES[js] > _RECOMPUTE * self._fresh[js] * np.abs(new))]:
            left = remaining(j)
            self.S[j] = pairwise_sum(self.g2[left])
            self.ES[j] = (depth(left.size) + 1 + self._extra) * _U * self.S[j] + left.size * _ETA

    def retime(self, js, tau, e, winner, alive):
        """New rates of ``js[alive]`` and their times ``τ + e_j / r'_j``."""
        delta, old_error = self._pending
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

    def retire(self, js):
        """Neurons ``js`` will never jump (fitted, or no unfitted data left)."""
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

    def __init__(self, labels, weights=None):
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

    def total(self, data):
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
    """

    exact = True
    zero = ExactReal.rational(0)
    scale = 1
    h = 0.0

    @staticmethod
    def unscale(value, kind):
        """Exact numbers need no label scale."""
        return value

    def __init__(self, problem, mask):
        self.n = problem.n
        m = problem.m
        self.labels = problem.y_exact
        c2 = _exact_squared_norms(problem)
        self.unit_norms = c2 is None
        self.c2 = c2
        self.loss_squares = _LabelSquares(self.labels)
        self.squares = self.loss_squares if c2 is None else _LabelSquares(self.labels, c2)  # growth
        self.fit_squares = self.loss_squares if c2 is None else _LabelSquares(self.labels, [1 / w for w in c2])
        self.S = [fmpq(0)] * m
        for j in np.flatnonzero(mask.counts):
            self.S[j] = self.squares.total(mask.data_of(j))
        self.rate = np.empty(m, dtype=object)
        self.T = np.empty(m, dtype=object)
        self.rate[:] = [self._rate(j) for j in range(m)]
        self.T[:] = [1 / r if self.S[j] != 0 else None for j, r in enumerate(self.rate)]  # e_j = 1

    def _rate(self, j):
        return ExactReal.surd(fmpq(1, self.n), self.S[j])  # √S_j / n

    @staticmethod
    def sqrt(x):
        return x.sqrt()

    @staticmethod
    def number(x):
        return x

    def square_sum(self, data):
        """``Σ_{i ∈ data} y_i²``, exact: the loss."""
        return ExactReal.rational(self.loss_squares.total(np.asarray(data)))

    def fit_norm(self, data):
        """``N_I = ||(y_i / c_i)_{i ∈ I}||``, exact."""
        return ExactReal.surd(1, self.fit_squares.total(np.asarray(data)))

    def coefficients(self, data, sign, scale):
        out = np.empty(len(data), dtype=object)
        if self.c2 is None:
            out[:] = [sign * ExactReal.rational(self.labels[i]) / scale for i in data.tolist()]
        else:
            out[:] = [sign * (ExactReal.rational(self.labels[i]) / ExactReal.rational(self.c2[i])) / scale
                      for i in data.tolist()]
        return out

    def fitted_sums(self, mask, data):
        counts = np.zeros(mask.m, dtype=np.int64)
        sums = {}
        for b, block in enumerate(mask.blocks):
            rows = np.sort(mask.datum_position[data[mask.datum_block[data] == b]])
            if not rows.size or not block.neurons.size:
                continue
            hit = block.by_datum[rows]
            counts[block.neurons] = np.count_nonzero(hit, axis=0)
            for a in np.flatnonzero(counts[block.neurons]):
                sums[int(block.neurons[a])] = self.squares.total(block.data[rows[hit[:, a]]])
        return counts, sums

    def argmin(self, candidates, overlaps):
        winners = order_candidates([self.T[j] for j in candidates])
        return sorted(int(candidates[i]) for i in winners), []

    def exponent_at(self, js, tau):
        e = np.empty(len(js), dtype=object)
        e[:] = [self.rate[j] * (self.T[j] - tau) for j in js]
        return e

    def lower(self, js, sums, alive, remaining):
        for j in js:
            self.S[j] -= sums[int(j)]

    def retime(self, js, tau, e, winner, alive):
        # T' = τ + e/r' = τ + (r/r')(T − τ): the same number, with r/r' one surd
        # (a shorter graph and text than e/r', whose e = r (T − τ) is kept for the interactions)
        for j in js[alive]:
            old = self.rate[j]
            self.rate[j] = self._rate(j)
            self.T[j] = tau + (old / self.rate[j]) * (self.T[j] - tau)

    def retire(self, js):
        for j in js:
            self.S[j] = fmpq(0)
            self.rate[j] = self.zero
            self.T[j] = None
