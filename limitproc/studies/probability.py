"""Probabilities of the initialization events that decide interpolation.

Under the initialization of spec §1 (directions uniform on the sphere, output
signs uniform ±1) and orthonormal inputs, the mask of spec §2 is a random
``n × m`` 0/1 matrix whose law depends only on the numbers ``n_+`` and ``n_-``
of positive and negative labels and on the width ``m``.  This module gives,
for that law:

* the **exact** probability that every row of the mask is non-zero (every
  datum has an initially active neuron of its label's sign; seed 002
  Assumption 4(i), rows part; seed 001 event ``I``; digest F6).  By spec §3
  this is exactly the probability that Algorithm 1 ends with zero loss;
* the **exact** probability of the full seed 002 Assumption 4(i) (rows
  non-zero, columns non-zero, columns pairwise distinct), by
  inclusion–exclusion, for moderate sizes;
* the **exact** probability of seed 000's Assumption 3, the two-phase case
  of spec §4 (digest F5);
* the bounds the seeds prove: seed 002 Proposition 2(i) (reconstructed, see
  :func:`proposition2_bound`) and the union bound ``1 - n (3/4)^m`` of seed
  001 Lemma 5;
* vectorized Monte Carlo estimates of the three events with binomial
  confidence intervals.

Why Bernoulli activations are the Gaussian-direction initialization
------------------------------------------------------------------
Complete the orthonormal inputs ``x_1..x_n`` to an orthonormal basis of
``R^d``.  A direction ``z_j = g_j / ||g_j||`` with ``g_j ~ N(0, I_d)`` has
``sign <z_j, x_i> = sign <g_j, x_i>``, and by rotation invariance the
coordinates ``<g_j, x_i>`` (``i = 1..n``) are i.i.d. ``N(0, 1)``.  So the
activations ``1[<z_j, x_i> > 0]`` are i.i.d. fair coins over ``i`` and ``j``
(a zero inner product has probability 0), independent of the signs ``s_j``,
which are i.i.d. fair coins too.  The mask entry is
``A_ij = 1[s_j = sign y_i] · B_ij`` with ``B`` a matrix of fair coins.  The
Monte Carlo below samples exactly this law: the signs, then one uniformly
random bit string per neuron for the data of its sign (packed 64 bits to a
word), with no Python loop over samples.  ``tests/studies/test_probability.py``
checks the equivalence end to end against masks built by
:class:`~limitproc.process.mask.Mask` from Gaussian directions.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from fractions import Fraction
from math import comb
from typing import TYPE_CHECKING, Any, Literal, overload

from scipy.stats import binom

from ..arguments import check_choice, check_int, check_real
from ..schema import document
from .monte_carlo import (
    _CI_METHODS,
    MonteCarloEstimate,
    _check_sizes,
    sample_init_events,
)

if TYPE_CHECKING:
    from ..tables import DataTable

__all__ = [
    "rows_nonzero_probability",
    "assumption4_probability",
    "two_phase_probability",
    "proposition2_bound",
    "rows_union_bound",
    "init_probabilities",
    "InitProbabilities",
    "EXACT_ASSUMPTION4_LIMIT",
    "SCHEMA",
]

#: Schema tag of :meth:`InitProbabilities.to_dict` (``limitproc.schema``; the
#: document also has ``"schema_version"``).
SCHEMA = "limitproc.probability"

#: :func:`init_probabilities` computes the exact full Assumption 4(i)
#: probability only when ``(n_+ + n_-) · m`` is at most this (the
#: inclusion–exclusion sum handles integers of about ``n_± m`` bits).
EXACT_ASSUMPTION4_LIMIT = 2**16



def _dyadic(numerator, exponent):
    """``numerator / 2**exponent`` as a reduced Fraction.

    The probabilities here are dyadic rationals with numerators of up to
    millions of bits, where :class:`~fractions.Fraction`'s generic ``gcd``
    takes seconds to minutes.  Stripping the trailing zero bits reduces the
    fraction exactly (an odd numerator is coprime to a power of two), and
    the result is built without a second ``gcd`` where CPython allows it.
    """
    if numerator == 0:
        return Fraction(0)
    shift = min((numerator & -numerator).bit_length() - 1, exponent)
    numerator, exponent = numerator >> shift, exponent - shift
    if exponent == 0:
        return Fraction(numerator)
    coprime = getattr(Fraction, "_from_coprime_ints", None)  # CPython >= 3.12
    if coprime is not None:
        return coprime(numerator, 1 << exponent)
    try:
        return Fraction(numerator, 1 << exponent, _normalize=False)  # CPython <= 3.11
    except TypeError:  # pragma: no cover - other implementations
        return Fraction(numerator, 1 << exponent)


@overload
def rows_nonzero_probability(n_pos: int, n_neg: int, m: int, *, exact: Literal[True] = ...) -> Fraction: ...
@overload
def rows_nonzero_probability(n_pos: int, n_neg: int, m: int, *, exact: Literal[False]) -> float: ...
@overload
def rows_nonzero_probability(n_pos: int, n_neg: int, m: int, *, exact: bool) -> Fraction | float: ...


def rows_nonzero_probability(n_pos: int, n_neg: int, m: int, *, exact: bool = True) -> Fraction | float:
    r"""Exact probability that every row of the mask is non-zero.

    Conditioning on the number ``k`` of positive neurons
    (``k ~ Binomial(m, 1/2)``), each positive datum has a zero row with
    probability ``2^{-k}`` and each negative datum with ``2^{-(m-k)}``,
    independently (module docstring), so

    .. math::

        P = \sum_{k=0}^{m} \binom{m}{k} 2^{-m}
            \left(1 - 2^{-k}\right)^{n_+} \left(1 - 2^{-(m-k)}\right)^{n_-}.

    This is seed 002 Assumption 4(i), rows part, seed 001's event ``I``
    (its Lemma 5 brackets it; the sum is digest F6), and by spec §3 the
    probability that Algorithm 1 interpolates.

    Parameters
    ----------
    n_pos, n_neg : int
        Numbers of positive and negative labels.
    m : int
        Width.
    exact : bool
        Return a :class:`~fractions.Fraction` (default), or a float computed
        in log space (all terms are positive, so there is no cancellation;
        relative error below ``1e-12`` in the tests) — much faster for large
        ``n m``.

    Returns
    -------
    fractions.Fraction or float

    Raises
    ------
    ArgumentTypeError, ArgumentError
        Sizes that are not non-negative integers, no datum, or no neuron.

    Examples
    --------
    One datum, one neuron: the neuron must have the right sign and be active.

    >>> rows_nonzero_probability(1, 0, 1)
    Fraction(1, 4)
    >>> round(float(rows_nonzero_probability(4, 4, 12)), 4)  # digest F6
    0.7858
    >>> round(rows_nonzero_probability(4, 4, 12, exact=False), 12)
    0.785768202693
    """
    n_pos, n_neg, m = _check_sizes(n_pos, n_neg, m)
    if not exact:
        return _rows_nonzero_float(n_pos, n_neg, m)
    top = m * max(n_pos, n_neg)  # largest k n_+ + (m - k) n_- over k
    numerator = 0
    for k in range(m + 1):
        term = comb(m, k) * (2**k - 1) ** n_pos * (2 ** (m - k) - 1) ** n_neg
        numerator += term << (top - k * n_pos - (m - k) * n_neg)
    return _dyadic(numerator, m + top)


def _log_rows_factor(count, k):
    """``count · ln(1 - 2^-k)`` (``-inf`` when a datum can have no neuron)."""
    if count == 0:
        return 0.0
    return -math.inf if k == 0 else count * math.log1p(-(2.0**-k))


def _rows_nonzero_float(n_pos, n_neg, m):
    logs = [
        binom.logpmf(k, m, 0.5) + _log_rows_factor(n_pos, k) + _log_rows_factor(n_neg, m - k)
        for k in range(m + 1)
    ]  # fmt: skip
    return math.fsum(math.exp(v) for v in logs if v > -math.inf)


def _cover_counts(p, m):
    """``c[k]`` for ``k = 0..m``: ordered ``k``-tuples of pairwise distinct
    non-zero vectors of ``{0,1}^p`` whose union covers all ``p`` coordinates.

    Inclusion–exclusion on the set of uncovered coordinates:
    ``c[k] = Σ_t (-1)^t C(p, t) (2^{p-t} - 1)_k`` with the falling factorial
    ``(a)_k = a (a-1) … (a-k+1)``.
    """
    counts = [0] * (m + 1)
    for t in range(p + 1):
        sign = -1 if t % 2 else 1
        weight = sign * comb(p, t)
        a = 2 ** (p - t) - 1
        falling = 1
        for k in range(m + 1):
            if falling == 0:
                break
            counts[k] += weight * falling
            falling *= a - k
    return counts


def assumption4_probability(n_pos: int, n_neg: int, m: int) -> Fraction:
    r"""Exact probability of seed 002 Assumption 4(i) (spec §5).

    Every row of the mask is non-zero, every column is non-zero and the
    columns are pairwise distinct.  Given ``k`` positive neurons, the
    positive block of the mask is an ``n_+ × k`` matrix of fair coins and
    the negative block an independent ``n_- × (m-k)`` one; columns of
    neurons of different signs always differ.  A block qualifies iff its
    columns are distinct non-zero vectors covering every row, counted by
    inclusion–exclusion over the uncovered rows ``T``:

    .. math::

        c(p, k) = \sum_{t=0}^{p} (-1)^t \binom{p}{t} (2^{p-t} - 1)_k ,
        \qquad
        P = \sum_{k=0}^{m} \binom{m}{k} 2^{-m}
            \frac{c(n_+, k)}{2^{n_+ k}} \frac{c(n_-, m-k)}{2^{n_- (m-k)}} .

    The cost grows like ``(n_+ + n_-) m`` multiplications of integers of
    about ``n_± m`` bits; :func:`init_probabilities` calls it only below
    :data:`EXACT_ASSUMPTION4_LIMIT`.

    Parameters
    ----------
    n_pos, n_neg : int
        Numbers of positive and negative labels.
    m : int
        Width.

    Returns
    -------
    fractions.Fraction

    Raises
    ------
    ArgumentTypeError, ArgumentError
        Sizes that are not non-negative integers, no datum, or no neuron.

    Examples
    --------
    With one datum per sign and two neurons, the neurons must have opposite
    signs and both be active on their datum:

    >>> assumption4_probability(1, 1, 2)
    Fraction(1, 8)
    >>> assumption4_probability(3, 0, 2)  # a negative neuron has a zero column
    Fraction(3, 32)
    """
    n_pos, n_neg, m = _check_sizes(n_pos, n_neg, m)
    plus, minus = _cover_counts(n_pos, m), _cover_counts(n_neg, m)
    top = m * max(n_pos, n_neg)
    numerator = 0
    for k in range(m + 1):
        if plus[k] and minus[m - k]:
            term = comb(m, k) * plus[k] * minus[m - k]
            numerator += term << (top - k * n_pos - (m - k) * n_neg)
    return _dyadic(numerator, m + top)


def two_phase_probability(n_pos: int, n_neg: int, m: int) -> Fraction:
    r"""Exact probability of seed 000 Assumption 3 (the two-phase case, spec §4).

    Some positive neuron is active on all positive data (``S_{+,1} ≠ ∅``)
    and some negative neuron on all negative data (``S_{-,1} ≠ ∅``).  A
    neuron is in ``S_{±,1}`` with probability ``p_± = 2^{-(n_± + 1)}``; the
    two events are disjoint for one neuron and independent across neurons,
    so (digest F5)

    .. math::

        P = 1 - (1 - p_+)^m - (1 - p_-)^m + (1 - p_+ - p_-)^m .

    With ``n_- = 0`` the condition on negative neurons is vacuous, so any
    negative neuron qualifies (``p_- = 1/2``).

    Parameters
    ----------
    n_pos, n_neg : int
        Numbers of positive and negative labels.
    m : int
        Width.

    Returns
    -------
    fractions.Fraction

    Raises
    ------
    ArgumentTypeError, ArgumentError
        Sizes that are not non-negative integers, no datum, or no neuron.

    Examples
    --------
    >>> two_phase_probability(1, 1, 2)
    Fraction(1, 8)
    >>> float(two_phase_probability(16, 16, 10**5)) < 0.5  # needs m ≈ 2^17
    True
    """
    n_pos, n_neg, m = _check_sizes(n_pos, n_neg, m)
    a, b = n_pos + 1, n_neg + 1  # p_+ = 2^-a, p_- = 2^-b; common denominator 2^{m(a+b)}
    numerator = (
        (1 << (m * (a + b)))
        - ((2**a - 1) ** m << (m * b))
        - ((2**b - 1) ** m << (m * a))
        + (2 ** (a + b) - 2**a - 2**b) ** m
    )
    return _dyadic(numerator, m * (a + b))


def rows_union_bound(n_pos: int, n_neg: int, m: int) -> Fraction:
    """``1 - n (3/4)^m``: the union bound on zero rows (seed 001 Lemma 5's proof).

    A row is zero with probability exactly ``(3/4)^m`` (each neuron is
    active with the right sign with probability 1/4).  A lower bound on
    :func:`rows_nonzero_probability`; it is also the first term of
    :func:`proposition2_bound`.

    Parameters
    ----------
    n_pos, n_neg : int
        Numbers of positive and negative labels.
    m : int
        Width.

    Returns
    -------
    fractions.Fraction
        May be negative (vacuous).

    Raises
    ------
    ArgumentTypeError, ArgumentError
        Sizes that are not non-negative integers, no datum, or no neuron.

    Examples
    --------
    >>> rows_union_bound(1, 0, 1)
    Fraction(1, 4)
    """
    n_pos, n_neg, m = _check_sizes(n_pos, n_neg, m)
    return 1 - (n_pos + n_neg) * Fraction(3, 4) ** m


def proposition2_bound(n_pos: int, n_neg: int, m: int) -> Fraction:
    r"""Seed 002 Proposition 2(i): a lower bound on P(Assumption 4(i)), reconstructed.

    The statement lost its formula in conversion; its proof (seed 002
    App. F.1) survives in words and is a union bound over three events:

    1. a row is zero with probability exactly ``(3/4)^m``, so some row is
       zero with probability at most ``n (3/4)^m``;
    2. given ``s_j``, column ``j`` is zero with probability
       ``2^{-n_{s_j}} ≤ 2^{-n_min}``, ``n_min = min(n_+, n_-)``, so some
       column is zero with probability at most ``m 2^{-n_min}``;
    3. two columns are equal only if ``s_j = s_k`` (probability 1/2) and
       their activations agree on the ``n_{s_j}`` data of that sign
       (``2^{-n_{s_j}}``): at most ``2^{-(n_min+1)}`` per pair, so at most
       ``C(m, 2) 2^{-(n_min+1)}`` for some pair.

    Hence

    .. math::

        P(\text{Assumption 4(i)}) \ge 1 - n \left(\tfrac34\right)^m
            - m\, 2^{-n_{\min}} - \binom{m}{2} 2^{-(n_{\min}+1)} .

    The first two terms follow the proof's words; the constant of the third
    is **not recoverable** from the text (the paper may state it more
    crudely, e.g. ``m^2 2^{-n_min}``); the value here is the tightest one the
    proof's argument gives.  The bound can be negative (vacuous), e.g.
    whenever ``m ≳ 2^{n_min/2}`` or ``n_- = 0``.

    Parameters
    ----------
    n_pos, n_neg : int
        Numbers of positive and negative labels.
    m : int
        Width.

    Returns
    -------
    fractions.Fraction
        May be negative (vacuous).

    Raises
    ------
    ArgumentTypeError, ArgumentError
        Sizes that are not non-negative integers, no datum, or no neuron.

    Examples
    --------
    >>> round(float(proposition2_bound(32, 32, 40)), 4)
    0.9994
    >>> round(float(assumption4_probability(32, 32, 40)), 4)
    0.9994
    >>> float(proposition2_bound(8, 8, 40)) < 0  # vacuous: too many columns for 2^8 patterns
    True
    """
    n_pos, n_neg, m = _check_sizes(n_pos, n_neg, m)
    n_min = min(n_pos, n_neg)
    return (
        1
        - (n_pos + n_neg) * Fraction(3, 4) ** m
        - m * Fraction(1, 2**n_min)
        - comb(m, 2) * Fraction(1, 2 ** (n_min + 1))
    )


def _fraction_text(value):
    """``"p/q"`` in decimal, past CPython's default 4300-digit limit on
    int-to-str conversion (exact probabilities can have 10^5 digits and
    more; read them back with ``sys.set_int_max_str_digits(0)``)."""
    if value is None:
        return None
    get = getattr(sys, "get_int_max_str_digits", None)
    if get is None:  # pragma: no cover - CPython < 3.11 without the limit
        return f"{value.numerator}/{value.denominator}"
    saved = get()
    sys.set_int_max_str_digits(0)
    try:
        return f"{value.numerator}/{value.denominator}"
    finally:
        sys.set_int_max_str_digits(saved)


@dataclass(frozen=True)
class InitProbabilities:
    """Exact values, bounds and Monte Carlo estimates for one ``(n_+, n_-, m)``.

    Attributes
    ----------
    n_pos, n_neg, m : int
    rows_nonzero_exact : fractions.Fraction
        :func:`rows_nonzero_probability` (= probability of interpolation).
    assumption4_exact : fractions.Fraction or None
        :func:`assumption4_probability`, or ``None`` above
        :data:`EXACT_ASSUMPTION4_LIMIT`.
    two_phase_exact : fractions.Fraction
        :func:`two_phase_probability`.
    proposition2_bound : fractions.Fraction
        :func:`proposition2_bound` (reconstructed seed 002 Prop. 2(i)).
    rows_union_bound : fractions.Fraction
        :func:`rows_union_bound`.
    monte_carlo : dict of str to MonteCarloEstimate
        Keys ``"rows_nonzero"``, ``"assumption4"``, ``"two_phase"``; empty
        when ``samples == 0``.
    seed : int
    """

    n_pos: int
    n_neg: int
    m: int
    rows_nonzero_exact: Fraction
    assumption4_exact: Fraction | None
    two_phase_exact: Fraction
    proposition2_bound: Fraction
    rows_union_bound: Fraction
    monte_carlo: dict[str, MonteCarloEstimate]
    seed: int

    @property
    def n(self) -> int:
        """Number of data."""
        return self.n_pos + self.n_neg

    def agreement(self) -> dict[str, bool]:
        """Whether each Monte Carlo interval contains the exact value, per event.

        Events whose exact value is unknown are left out.

        Returns
        -------
        dict of str to bool
            Keyed by event (``"rows_nonzero"``, ``"assumption4"``,
            ``"two_phase"``); empty without Monte Carlo.

        Examples
        --------
        >>> result = init_probabilities(2, 2, 6, samples=2000, seed=1)
        >>> result.agreement()
        {'rows_nonzero': True, 'assumption4': True, 'two_phase': True}
        """
        exact = {
            "rows_nonzero": self.rows_nonzero_exact,
            "assumption4": self.assumption4_exact,
            "two_phase": self.two_phase_exact,
        }
        return {
            name: estimate.contains(value)
            for name, estimate in self.monte_carlo.items()
            if (value := exact[name]) is not None
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary; exact values as fraction strings (``"p/q"``) plus floats.

        The fraction strings can be long (about ``0.3 n m`` digits for
        ``rows_nonzero_exact``); Python parses them back only after
        ``sys.set_int_max_str_digits(0)``.

        Returns
        -------
        dict
            The ``limitproc.probability`` document (:mod:`limitproc.schema`).

        Examples
        --------
        >>> result = init_probabilities(2, 2, 6, samples=2000, seed=1)
        >>> doc = result.to_dict()
        >>> doc["schema"], doc["rows_nonzero_exact"], doc["monte_carlo"]["rows_nonzero"]["successes"]
        ('limitproc.probability', '60151/131072', 920)
        """

        def number(value: Fraction | None) -> float | None:
            return None if value is None else float(value)

        return document("probability", {
            "n_pos": self.n_pos,
            "n_neg": self.n_neg,
            "m": self.m,
            "rows_nonzero_exact": _fraction_text(self.rows_nonzero_exact),
            "rows_nonzero": number(self.rows_nonzero_exact),
            "assumption4_exact": _fraction_text(self.assumption4_exact),
            "assumption4": number(self.assumption4_exact),
            "two_phase_exact": _fraction_text(self.two_phase_exact),
            "two_phase": number(self.two_phase_exact),
            "proposition2_bound": number(self.proposition2_bound),
            "rows_union_bound": number(self.rows_union_bound),
            "monte_carlo": {name: estimate.to_dict() for name, estimate in self.monte_carlo.items()},
            "seed": self.seed,
        })

    def _monte_carlo_meaning(self):
        if not self.monte_carlo:
            return "not sampled (samples = 0)"
        some = next(iter(self.monte_carlo.values()))
        return (f"fraction of {some.samples} sampled initializations, with its {some.confidence:.0%} "
                f"{'Clopper–Pearson' if some.method == 'exact' else 'Wilson'} confidence interval")

    def _lines(self):
        def show(value):
            if value is None:
                return "n/a (too large)"
            return f"{float(value):.6g}" if value > 0 else "vacuous (≤ 0)"

        rows = [
            ("all rows non-zero (interpolation)", show(self.rows_nonzero_exact), self.monte_carlo.get("rows_nonzero")),
            ("seed 002 Assumption 4(i)", show(self.assumption4_exact), self.monte_carlo.get("assumption4")),
            ("seed 000 Assumption 3 (two-phase)", show(self.two_phase_exact), self.monte_carlo.get("two_phase")),
            ("bound 1 - n (3/4)^m (rows)", show(self.rows_union_bound), None),
            ("bound seed 002 Prop. 2(i) (reconstructed)", show(self.proposition2_bound), None),
        ]
        return [(name, value, "" if mc is None else str(mc)) for name, value, mc in rows]

    def __str__(self) -> str:
        head = f"n_+ = {self.n_pos}, n_- = {self.n_neg}, m = {self.m}"
        lines = [head, f"{'event':44s} {'exact':>16s}  Monte Carlo"]
        lines += [f"{name:44s} {value:>16s}  {mc}" for name, value, mc in self._lines()]
        return "\n".join(lines)

    def __rich__(self) -> DataTable:
        from ..tables import Column, DataTable

        columns = (
            Column("event", numeric=False, meaning="what must hold at initialization (spec §5)"),
            Column("exact", meaning="its probability under spec §1's initialization; a bound where marked"),
            Column("Monte Carlo [CI]", meaning=self._monte_carlo_meaning()),
        )
        return DataTable(f"n_+ = {self.n_pos}, n_- = {self.n_neg}, m = {self.m}", columns, tuple(self._lines()))

    def _repr_html_(self) -> str:
        return self.__rich__()._repr_html_()


def init_probabilities(
    n_pos: int,
    n_neg: int,
    m: int,
    *,
    samples: int = 10_000,
    seed: int = 0,
    confidence: float = 0.95,
    method: Literal["exact", "wilson"] = "exact",
) -> InitProbabilities:
    """Exact probabilities, seed bounds and Monte Carlo for one ``(n_+, n_-, m)``.

    Parameters
    ----------
    n_pos, n_neg : int
        Numbers of positive and negative labels.
    m : int
        Width.
    samples : int
        Monte Carlo initializations (0 skips the Monte Carlo).
    seed : int
        Seed of the Monte Carlo (:func:`sample_init_events`).
    confidence : float
        Level of the confidence intervals.
    method : {"exact", "wilson"}
        Clopper–Pearson (``"exact"``) or Wilson intervals.

    Returns
    -------
    InitProbabilities

    Raises
    ------
    ArgumentTypeError, ArgumentError
        An argument of the wrong type or out of range.

    Examples
    --------
    >>> result = init_probabilities(4, 4, 12, samples=2000, seed=0)
    >>> result.to_dict()["rows_nonzero_exact"]
    '452964529260246367/576460752303423488'
    >>> result.agreement()
    {'rows_nonzero': True, 'assumption4': True, 'two_phase': True}
    """
    n_pos, n_neg, m = _check_sizes(n_pos, n_neg, m)
    samples = check_int(samples, "samples", minimum=0)
    seed = check_int(seed, "seed", minimum=0)
    confidence = check_real(confidence, "confidence", 0.0, 1.0)
    check_choice(method, _CI_METHODS, "method")
    full = assumption4_probability(n_pos, n_neg, m) if (n_pos + n_neg) * m <= EXACT_ASSUMPTION4_LIMIT else None
    monte_carlo: dict[str, MonteCarloEstimate] = {}
    if samples:
        events = sample_init_events(n_pos, n_neg, m, samples, seed)
        monte_carlo = {
            name: MonteCarloEstimate.from_counts(int(values.sum()), samples, confidence, method)
            for name, values in events.items()
        }
    return InitProbabilities(
        n_pos,
        n_neg,
        m,
        rows_nonzero_probability(n_pos, n_neg, m),
        full,
        two_phase_probability(n_pos, n_neg, m),
        proposition2_bound(n_pos, n_neg, m),
        rows_union_bound(n_pos, n_neg, m),
        monte_carlo,
        int(seed),
    )
