"""Monte Carlo draws of the initialization events, vectorized over samples.

Samples the mask law of :mod:`limitproc.studies.probability` (Bernoulli
activations, equivalent to spec §1's Gaussian directions and uniform signs):
the signs, then one uniformly random bit string per neuron for the data of
its sign, packed 64 bits to a word, with no Python loop over samples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, SupportsFloat

import numpy as np

from ..arguments import check_int
from ..errors import ArgumentError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["MonteCarloEstimate", "sample_init_events"]

#: Confidence interval methods of :meth:`MonteCarloEstimate.from_counts`.
_CI_METHODS = ("exact", "wilson")

#: The events drawn by :func:`sample_init_events`, in order.
EVENTS = ("rows_nonzero", "assumption4", "two_phase")


def _check_sizes(n_pos, n_neg, m):
    n_pos, n_neg, m = (check_int(value, name, minimum=0) for name, value in (("n_pos", n_pos), ("n_neg", n_neg), ("m", m)))
    if n_pos + n_neg == 0:
        raise ArgumentError("n_pos + n_neg must be positive: at least one datum is needed")
    if m == 0:
        raise ArgumentError("m must be positive: the network needs at least one neuron")
    return n_pos, n_neg, m


def _random_bits(rng, shape, nbits):
    """Uniform bit strings of length ``nbits``, packed in uint64 words."""
    words = -(-nbits // 64)
    bits = rng.integers(0, np.iinfo(np.uint64).max, size=shape + (words,), dtype=np.uint64, endpoint=True)
    if nbits % 64:
        bits[..., -1] &= np.uint64((1 << (nbits % 64)) - 1)
    return bits


def _full_words(nbits):
    words = np.full(-(-nbits // 64), np.iinfo(np.uint64).max, dtype=np.uint64)
    if nbits % 64:
        words[-1] = np.uint64((1 << (nbits % 64)) - 1)
    return words


def _events_block(n_pos, n_neg, m, samples, rng):
    """The three events for ``samples`` independent initializations."""
    positive = rng.integers(0, 2, size=(samples, m), dtype=np.int8).astype(bool)  # s_j = +1
    bits_pos = _random_bits(rng, (samples, m), n_pos)  # B_ij on positive data
    bits_neg = _random_bits(rng, (samples, m), n_neg)  # B_ij on negative data
    full_pos, full_neg = _full_words(n_pos), _full_words(n_neg)
    # rows: the OR of the patterns of the neurons of each sign covers that sign's data
    cover_pos = np.bitwise_or.reduce(bits_pos, axis=1, where=positive[..., None], initial=0)
    cover_neg = np.bitwise_or.reduce(bits_neg, axis=1, where=~positive[..., None], initial=0)
    rows = (cover_pos == full_pos).all(axis=-1) & (cover_neg == full_neg).all(axis=-1)
    # seed 000 Assumption 3: a positive neuron active on every positive datum, same for negative
    all_pos = (bits_pos == full_pos).all(axis=-1)
    all_neg = (bits_neg == full_neg).all(axis=-1)
    two_phase = (positive & all_pos).any(axis=1) & (~positive & all_neg).any(axis=1)
    # columns: the pattern of each neuron on the data of its own sign, keyed with its sign
    width = max(bits_pos.shape[-1], bits_neg.shape[-1])
    keys = np.zeros((samples, m, width + 1), dtype=np.uint64)
    keys[..., 0] = positive
    keys[..., 1 : 1 + bits_pos.shape[-1]] = np.where(positive[..., None], bits_pos, np.uint64(0))
    keys[..., 1 : 1 + bits_neg.shape[-1]] |= np.where(positive[..., None], np.uint64(0), bits_neg)
    columns = keys[..., 1:].any(axis=-1).all(axis=1)
    order = np.lexsort(np.moveaxis(keys, -1, 0)[::-1], axis=-1)
    ordered = np.take_along_axis(keys, order[..., None], axis=1)
    repeated = (ordered[:, 1:] == ordered[:, :-1]).all(axis=-1).any(axis=1)
    return rows, rows & columns & ~repeated, two_phase


def sample_init_events(
    n_pos: int,
    n_neg: int,
    m: int,
    samples: int,
    seed: int | Sequence[int] | np.random.SeedSequence = 0,
    *,
    memory: int = 2**25,
) -> dict[str, NDArray[np.bool_]]:
    """Monte Carlo draws of the three initialization events (vectorized).

    Samples the mask law of the module docstring (equivalent to spec §1's
    Gaussian directions and uniform signs) in blocks of about ``memory``
    bytes, without a Python loop over samples.

    Parameters
    ----------
    n_pos, n_neg, m : int
        Label counts and width.
    samples : int
        Number of independent initializations.
    seed : int, sequence of int or numpy.random.SeedSequence
        Seed of :func:`numpy.random.default_rng`; the draws are a function
        of ``(seed, n_pos, n_neg, m, samples)`` only.
    memory : int
        Approximate working memory per block, in bytes.

    Returns
    -------
    dict of str to ndarray of bool, shape (samples,)
        ``"rows_nonzero"``, ``"assumption4"`` (seed 002 Assumption 4(i)) and
        ``"two_phase"`` (seed 000 Assumption 3).

    Raises
    ------
    ArgumentTypeError, ArgumentError
        Sizes that are not non-negative integers, no datum, or no neuron.

    Examples
    --------
    >>> events = sample_init_events(2, 2, 6, 1000, seed=1)
    >>> sorted(events), events["rows_nonzero"].shape
    (['assumption4', 'rows_nonzero', 'two_phase'], (1000,))
    >>> bool((events["assumption4"] <= events["rows_nonzero"]).all())
    True
    """
    n_pos, n_neg, m = _check_sizes(n_pos, n_neg, m)
    samples = check_int(samples, "samples", minimum=0)
    words = -(-n_pos // 64) + -(-n_neg // 64) + max(-(-n_pos // 64), -(-n_neg // 64)) + 1
    block = max(1, int(memory) // (8 * 4 * m * words))
    rng = np.random.default_rng(seed)
    parts: dict[str, list[NDArray[np.bool_]]] = {name: [] for name in EVENTS}
    for start in range(0, samples, block):
        outcome = _events_block(n_pos, n_neg, m, min(block, samples - start), rng)
        for name, values in zip(EVENTS, outcome):
            parts[name].append(values)
    return {
        name: np.concatenate(values) if values else np.zeros(0, dtype=bool) for name, values in parts.items()
    }


@dataclass(frozen=True)
class MonteCarloEstimate:
    """A binomial proportion with its confidence interval.

    Attributes
    ----------
    successes, samples : int
    low, high : float
        Confidence interval at level ``confidence`` (``method`` ``"exact"``
        is Clopper–Pearson, ``"wilson"`` the Wilson score interval; both
        from :func:`scipy.stats.binomtest`).
    confidence : float
    method : str
    """

    successes: int
    samples: int
    low: float
    high: float
    confidence: float
    method: str

    @property
    def estimate(self) -> float:
        """``successes / samples``."""
        return self.successes / self.samples

    def contains(self, value: SupportsFloat) -> bool:
        """Whether ``value`` lies in the confidence interval.

        Parameters
        ----------
        value : float or fractions.Fraction
            A probability, e.g. the exact one.

        Returns
        -------
        bool

        Examples
        --------
        >>> estimate = MonteCarloEstimate.from_counts(30, 100)
        >>> estimate.contains(0.3), estimate.contains(0.5)
        (True, False)
        """
        return self.low <= float(value) <= self.high

    @classmethod
    def from_counts(
        cls, successes: int, samples: int, confidence: float = 0.95, method: Literal["exact", "wilson"] = "exact"
    ) -> MonteCarloEstimate:
        """The estimate and interval of ``successes`` out of ``samples``.

        Parameters
        ----------
        successes, samples : int
            The counts.
        confidence : float
            Level of the interval.
        method : {"exact", "wilson"}
            Clopper–Pearson or Wilson score interval.

        Returns
        -------
        MonteCarloEstimate

        Raises
        ------
        ArgumentError
            An unknown ``method``.

        Examples
        --------
        >>> print(MonteCarloEstimate.from_counts(30, 100))
        0.3000 [0.2124, 0.3998] (30/100)
        >>> print(MonteCarloEstimate.from_counts(30, 100, method="wilson"))
        0.3000 [0.2189, 0.3958] (30/100)
        """
        from scipy.stats import binomtest

        if method not in _CI_METHODS:
            raise ArgumentError(f"method must be one of {_CI_METHODS}, got {method!r}")
        ci = binomtest(int(successes), int(samples)).proportion_ci(confidence_level=confidence, method=method)
        return cls(int(successes), int(samples), float(ci.low), float(ci.high), float(confidence), method)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict.

        Returns
        -------
        dict
            The fields and the :attr:`estimate`.

        Examples
        --------
        >>> MonteCarloEstimate.from_counts(30, 100).to_dict()["estimate"]
        0.3
        """
        return {
            "successes": self.successes,
            "samples": self.samples,
            "estimate": self.estimate,
            "low": self.low,
            "high": self.high,
            "confidence": self.confidence,
            "method": self.method,
        }

    def __str__(self) -> str:
        return f"{self.estimate:.4f} [{self.low:.4f}, {self.high:.4f}] ({self.successes}/{self.samples})"
