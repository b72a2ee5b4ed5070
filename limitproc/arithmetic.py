"""The two number systems of Algorithm 1: float with error bounds, and exact.

Algorithm 1 (:mod:`limitproc.process`) is written once.  What differs between
backends lives here: how the label sums ``S_j = Σ_{i ∈ I_j} y_i²`` are updated,
how a square root is taken and how two candidate jump times are compared
(spec §6).  Each class holds, per neuron ``j``, the sum ``S[j]``, the rate
``rate[j] = sqrt(S_j)/n`` and the candidate jump time ``T[j]``.

Candidate times are kept rather than exponents: between two changes of
``r_j``, ``T_j = τ_k + e_j / r_j`` does not move, because ``e_j`` falls at rate
``r_j`` while ``τ`` grows (spec §3).  Only neurons whose rate a jump lowers
are touched, so a run costs time linear in the mask size.

Float error bound (documented in ``docs/theory.md``).  With ``u = 2^-53`` and
``γ_c = c u / (1 - c u)``, every sum of ``c`` non-negative terms carries the
bound ``γ_{c+1}`` relative; subtracting a fitted part adds its bound; when the
accumulated bound of ``S_j`` exceeds ``2^-36 S_j`` the sum is recomputed from
the unfitted data with :func:`math.fsum` (bound ``2u S_j``).  Rates carry
``δr = ES/(2S) + 2u``; times carry the propagated absolute bound ``ET``.  Two
candidate times closer than the sum of their bounds are a *near-tie*.
"""

import math
from fractions import Fraction

import numpy as np
import sympy

from .exact import order_candidates, to_sympy
from .mask import rounding_bound

__all__ = ["FloatArithmetic", "ExactArithmetic", "NearTie"]

_U = 2.0**-53
_RECOMPUTE = 2.0**-36


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
    """float64, vectorized over neurons, with a rigorous error bound per time."""

    exact = False
    zero = 0.0
    infinity = math.inf

    def __init__(self, problem, mask):
        self.n = problem.n
        self.y = problem.y
        self.y2 = problem.y * problem.y
        counts = mask.counts
        S = mask.by_neuron @ self.y2  # Σ_{i: A_ij = 1} y_i² (spec §2)
        self.S = S
        self.ES = rounding_bound(counts + 1.0) * S
        live = counts > 0
        self.rate = np.sqrt(S) / self.n
        self.T = np.full(problem.m, np.inf)
        self.ET = np.zeros(problem.m)
        # T_j = τ_0 + e_j / r_j with e_j = 1 (spec §3)
        self.T[live] = self.n / np.sqrt(S[live])
        self.ET[live] = self.T[live] * (self._rate_error(live) + 2 * _U)

    def _rate_error(self, js):
        """Relative error bound of ``rate[js]``."""
        return self.ES[js] / (2 * self.S[js]) + 2 * _U

    @staticmethod
    def sqrt(x):
        return np.sqrt(x)

    @staticmethod
    def total(values):
        """Correctly rounded sum."""
        return math.fsum(values)

    @staticmethod
    def to_float(x):
        return float(x)

    def fitted_sums(self, mask, data):
        """For the data just fitted: per neuron, ``Σ y_i²`` and how many."""
        block = mask.by_datum[:, data]
        neurons = block.indices
        counts = np.bincount(neurons, minlength=mask.shape[0])
        sums = np.bincount(neurons, weights=np.repeat(self.y2[data], np.diff(block.indptr)), minlength=mask.shape[0])
        return counts, sums

    def argmin(self, candidates, overlaps):
        """The candidate with the smallest time; near-ties reported, not hidden."""
        times = self.T[candidates]
        best = int(np.argmin(times))
        winner = int(candidates[best])
        gap = times - times[best]
        bound = self.ET[candidates] + self.ET[winner]
        close = np.flatnonzero((gap <= bound) & (candidates != winner))
        near = [
            NearTie((winner, int(candidates[i])), (float(times[best]), float(times[i])), float(gap[i]), float(bound[i]))
            for i in close
            if overlaps(winner, int(candidates[i]))
        ]
        return [winner], near

    def exponent_at(self, js, tau, tau_error):
        """``e_j(τ) = r_j (T_j - τ)`` for neurons ``js`` (and their error bounds)."""
        delta = self.T[js] - tau
        delta_error = self.ET[js] + tau_error + _U * np.abs(delta)
        e = np.maximum(self.rate[js] * delta, 0.0)
        e_error = self.rate[js] * delta_error + e * (self._rate_error(js) + _U)
        return e, e_error

    def lower(self, js, sums, counts, remaining):
        """Subtract fitted label sums from ``S[js]``; recompute on cancellation."""
        new = self.S[js] - sums[js]
        error = self.ES[js] + rounding_bound(counts[js] + 1.0) * sums[js] + _U * np.abs(new)
        self.S[js], self.ES[js] = new, error
        for j in js[error > _RECOMPUTE * np.abs(new)]:
            self.S[j] = math.fsum(remaining(j))
            self.ES[j] = 2.0 * _U * self.S[j]

    def retime(self, js, tau, tau_error, e, e_error):
        """New rates of ``js`` and their candidate times ``τ + e_j / r_j``."""
        rate = np.sqrt(self.S[js]) / self.n
        self.rate[js] = rate
        T = tau + e / rate
        self.T[js] = T
        self.ET[js] = tau_error + e_error / rate + (e / rate) * (self._rate_error(js) + _U) + _U * T

    def retire(self, js):
        """Neurons ``js`` will never jump (fitted, or no unfitted data left)."""
        self.S[js] = 0.0
        self.ES[js] = 0.0
        self.rate[js] = 0.0
        self.T[js] = np.inf

    def time_error(self, j):
        return float(self.ET[j])


class ExactArithmetic:
    """Exact sympy numbers; every comparison decided with a proof (spec §6)."""

    exact = True
    zero = sympy.Integer(0)
    infinity = sympy.oo

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
    def total(values):
        return sympy.Add(*values) if len(values) else sympy.Integer(0)

    @staticmethod
    def to_float(x):
        return float(x)

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

    def exponent_at(self, js, tau, tau_error):
        e = np.empty(len(js), dtype=object)
        e[:] = [self.rate[j] * (self.T[j] - tau) for j in js]
        return e, None

    def lower(self, js, sums, counts, remaining):
        for j in js:
            self.S[j] -= sums[j]

    def retime(self, js, tau, tau_error, e, e_error):
        for j, e_j in zip(js, e):
            self.rate[j] = self._rate(j)
            self.T[j] = tau + e_j / self.rate[j]

    def retire(self, js):
        for j in js:
            self.S[j] = Fraction(0)
            self.rate[j] = sympy.Integer(0)
            self.T[j] = sympy.oo

    def time_error(self, j):
        return 0.0
