"""Algorithm 1: the saddle-to-saddle limit process (spec §3).

:func:`limit_process` runs the algorithm once, over the float or the exact
number system of :mod:`limitproc.process.arithmetic`, and returns a
:class:`LimitProcess`: the saddles ``θ_0, …, θ_K`` with their jump times,
jumping neurons, fitted data, losses and squared norms, the piecewise-linear
norm exponents ``e_j(τ)`` (spec §2) and the interactions between jumps and
neurons ("memory across saddles").

One module although past 600 lines: Algorithm 1 and the :class:`LimitProcess` it returns are one concept
(about 370 lines of code; the rest is numpydoc and examples).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..arguments import check_real
from ..errors import ArgumentError, InputError, NearTieError, TieError
from ..scale import effective_log_inv_lambda, log_inv_lambda
from .arithmetic import ExactArithmetic, FloatArithmetic, Unrepresentable
from .mask import Mask

if TYPE_CHECKING:
    from typing import Any, Literal
    from numpy.typing import ArrayLike, NDArray

    from ..problem.problem import Problem
    from ..tables import DataTable
    from .arithmetic import NearTie
    from .exact import ExactReal

__all__ = ["limit_process", "LimitProcess", "Saddle", "Interaction", "ResolutionMargin", "NEAR_TIE_POLICIES"]

_TINY = np.finfo(float).tiny  # below it float64 loses relative precision (subnormal numbers)

#: ``μ ln(1/λ)`` above which the limit process describes a run (spec §8).
RESOLUTION_CONSTANT = 5.0

#: What the float backend does when it cannot order two candidate times:
#: ``"exact"`` reruns with the exact backend, ``"raise"`` raises
#: :class:`~limitproc.errors.NearTieError`, ``"report"`` keeps the float
#: order and lists the near-tie in :attr:`LimitProcess.near_ties`.
NEAR_TIE_POLICIES = ("exact", "raise", "report")

#: What to do with a true tie between neurons whose unfitted data overlap
#: (outside the theory, spec §5): ``"raise"`` a :class:`~limitproc.errors.TieError`,
#: or let the ``"first"`` (lowest-index) neuron jump and record the tie in
#: :attr:`LimitProcess.ties`.
TIE_POLICIES = ("raise", "first")


@dataclass(frozen=True, eq=False)
class Saddle:
    """The saddle ``θ_k`` reached by jump ``k`` (spec §3).

    Numbers are floats for the float backend and exact numbers
    (:class:`~limitproc.process.exact.ExactReal`: ``str`` gives the sympy
    form, ``sympy.sympify`` the expression) for the exact backend
    (``float(x)`` works for both).

    Attributes
    ----------
    k : int
        Index; ``θ_0 = 0`` has no jumping neuron.
    tau : float or ExactReal
        Accelerated jump time ``τ_k`` (un-accelerated: ``τ_k ln(1/λ)``).
    neuron : int or None
        The neuron ``j_k`` that jumped (the first of its group).
    group : tuple of int
        Every neuron with the same mask column as ``j_k`` (spec §5).
    data : ndarray
        The data fitted at this jump, ``I_{j_k}^{k-1}``.
    rate : float or ExactReal
        ``r_{j_k}^{k-1} = ||D_{j_k}^{k-1}||`` at the jump.
    loss : float or ExactReal
        ``L(θ_k) = (1/(2n)) Σ_{i ∉ F_k} y_i²``.
    sq_norm : float or ExactReal
        ``||θ_k||² = 2 Σ_{l ≤ k} n r_{j_l}^{l-1}``.
    a : float or ExactReal
        Output weight of the new neuron, ``s_j sqrt(n r)``.
    coefficients : ndarray of float or of ExactReal
        Its hidden weight in the data basis: ``w = Σ_{i ∈ data} c_i x_i`` with
        ``c_i = s_j y_i / sqrt(n r)``, so ``||w||² = a² = n r``.
    """

    k: int
    tau: float | ExactReal
    neuron: int | None
    group: tuple[int, ...]
    data: NDArray[np.intp] = field(repr=False)
    rate: float | ExactReal
    loss: float | ExactReal
    sq_norm: float | ExactReal
    a: float | ExactReal
    coefficients: NDArray[np.float64] | NDArray[np.object_] = field(repr=False)

    def __repr__(self) -> str:
        who = "origin" if self.neuron is None else f"neuron={self.neuron}, fitted={len(self.data)}"
        return (
            f"Saddle(k={self.k}, tau={float(self.tau):.6g}, {who}, "
            f"loss={float(self.loss):.6g}, sq_norm={float(self.sq_norm):.6g})"
        )


@dataclass(frozen=True)
class Interaction:
    """Jump ``k`` lowered the rate of unfitted neuron ``neuron`` (spec §2).

    ``exponent`` is ``e_j(τ_k)`` at the jump: how far the neuron still was
    from jumping when it lost some of its data.  When several neurons jump at
    exactly the same time (a true tie with disjoint data), their combined
    effect is recorded once, under the last of their ``k``.

    Attributes
    ----------
    k : int
        The jump.
    neuron : int
        The unfitted neuron whose rate it lowered.
    old_rate, new_rate : float or ExactReal
        ``r_j^{k-1}`` and ``r_j^k`` (0 when the neuron has no unfitted data
        left).
    exponent : float or ExactReal
        ``e_j(τ_k)``.
    """

    k: int
    neuron: int
    old_rate: float | ExactReal
    new_rate: float | ExactReal
    exponent: float | ExactReal


@dataclass(frozen=True)
class ResolutionMargin:
    """The resolution margin ``μ`` of spec §8.

    ``μ`` is the smallest exponent ``e_j(τ_k)`` of a still unfitted neuron
    ``j`` that shares unfitted data with the neuron ``j_k`` jumping at
    ``τ_k``: such a competitor has norm about ``λ^μ`` and takes a visible
    share of the fit unless ``μ ln(1/λ) ≫ 1``.  ``value`` is ``inf`` when no
    jump has a competitor.

    ``ln(1/λ)`` is measured against labels of size 1
    (:func:`~limitproc.scale.effective_log_inv_lambda`: ``+ ½ ln max |y_i|``),
    so the margin means the same at every label scale.

    Attributes
    ----------
    value : float or ExactReal
        ``μ``.
    k, neuron, competitor : int or None
        Where the minimum is attained: jump ``k`` of ``neuron`` against
        ``competitor``.
    label_size : float
        ``max |y_i|`` (:attr:`~limitproc.problem.Problem.label_size`).
    """

    value: float | ExactReal
    k: int | None = None
    neuron: int | None = None
    competitor: int | None = None
    label_size: float = 1.0

    def scale(self, lam: float | None = None, *, log_inv_lam: float | None = None) -> float:
        """``μ ln(1/λ)`` with the effective ``ln(1/λ)`` (class docstring).

        Parameters
        ----------
        lam : float, optional
            The initialization scale ``λ`` (``0 < λ < 1``).
        log_inv_lam : float, optional
            ``ln(1/λ)`` itself, for ``λ`` below the float range.  Give
            ``lam`` or ``log_inv_lam``.

        Returns
        -------
        float
            ``μ (ln(1/λ) + ½ ln max |y_i|)`` (``inf`` when no jump has a
            competitor).

        Raises
        ------
        ArgumentError
            Neither ``lam`` nor ``log_inv_lam`` given, or out of range.

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> margin = limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])).resolution_margin
        >>> round(float(margin.value), 6), round(margin.scale(1e-8), 4)
        (0.4, 7.6455)
        """
        return float(self.value) * effective_log_inv_lambda(log_inv_lambda(lam, log_inv_lam), self.label_size)

    def resolves(
        self, lam: float | None = None, constant: float = RESOLUTION_CONSTANT, *, log_inv_lam: float | None = None
    ) -> bool:
        """Whether ``μ ln(1/λ) ≥ constant`` (about 5 for the fitted sets, spec §8).

        Parameters
        ----------
        lam : float, optional
            The initialization scale ``λ`` (``0 < λ < 1``).
        constant : float
            The threshold on :meth:`scale` (:data:`RESOLUTION_CONSTANT`).
        log_inv_lam : float, optional
            ``ln(1/λ)`` itself, for ``λ`` below the float range.

        Returns
        -------
        bool
            Whether runs at this ``λ`` follow the limit process.

        Raises
        ------
        ArgumentError
            Neither ``lam`` nor ``log_inv_lam`` given, or out of range.

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> margin = limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])).resolution_margin
        >>> margin.resolves(1e-8), margin.resolves(1e-3), margin.resolves(log_inv_lam=100.0)
        (True, False, True)
        """
        return self.scale(lam, log_inv_lam=log_inv_lam) >= constant

    def log10_largest_lambda(self, constant: float = RESOLUTION_CONSTANT) -> float:
        """``log10`` of :meth:`largest_lambda` (finite even where the λ underflows).

        Parameters
        ----------
        constant : float
            The threshold on ``μ ln(1/λ)`` (:data:`RESOLUTION_CONSTANT`).

        Returns
        -------
        float
            ``½ log10 max |y_i| − constant / (μ ln 10)``: 0 when ``μ = inf``,
            ``-inf`` when ``μ = 0``.

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> margin = limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])).resolution_margin
        >>> round(float(margin.log10_largest_lambda()), 4)
        -5.1277
        """
        mu = float(self.value)
        shift = 0.5 * np.log10(self.label_size)
        return 0.0 if mu == np.inf else shift - constant / (mu * np.log(10)) if mu > 0 else -np.inf

    def largest_lambda(self, constant: float = RESOLUTION_CONSTANT) -> float:
        """``√max|y| exp(-constant / μ)``: the largest λ the limit describes (spec §8).

        Parameters
        ----------
        constant : float
            The threshold on ``μ ln(1/λ)`` (:data:`RESOLUTION_CONSTANT`).

        Returns
        -------
        float
            The ``λ`` at which :meth:`scale` equals ``constant``: 1 when
            ``μ = inf``, 0 when ``μ = 0`` or the value underflows
            (:meth:`log10_largest_lambda` stays finite).

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> margin = limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])).resolution_margin
        >>> f"{margin.largest_lambda():.4e}", margin.resolves(margin.largest_lambda() / 2)
        ('7.4533e-06', True)
        """
        mu = float(self.value)
        if mu == np.inf:
            return 1.0
        return float(np.sqrt(self.label_size) * np.exp(-constant / mu)) if mu > 0 else 0.0


class _Undecided(Exception):
    def __init__(self, near_ties: list[NearTie]) -> None:
        self.near_ties = near_ties


def limit_process(
    problem: Problem,
    *,
    exact: bool = False,
    near_ties: Literal["exact", "raise", "report"] = "exact",
    ties: Literal["raise", "first"] = "raise",
    mask: Mask | None = None,
    step: float | None = None,
) -> LimitProcess:
    """Run Algorithm 1 (spec §3; seed 002 Algorithm 1) on a problem.

    Parameters
    ----------
    problem : Problem
        Orthogonal inputs, labels and an initialization (spec §1).
    exact : bool
        Use the exact backend: exact numbers, every comparison proved
        (spec §6).  Labels are taken exactly (floats by their binary value).
    near_ties : {"exact", "raise", "report"}
        Float backend only: what to do when two candidate jump times of
        neurons sharing unfitted data are closer than the float error bound
        (see :data:`NEAR_TIE_POLICIES`).
    ties : {"raise", "first"}
        A true tie between neurons with overlapping unfitted data is outside
        the theory (spec §5): raise :class:`~limitproc.errors.TieError`, or
        let the lowest-index neuron jump and record the tie in
        :attr:`LimitProcess.ties` (see :data:`TIE_POLICIES`).
    mask : Mask, optional
        A precomputed :class:`~limitproc.process.mask.Mask` of ``problem``.
    step : float, optional
        Gradient descent with this step ``h`` in the flow time of spec §1
        (``h = 2 lr`` for torch's ``MSELoss()``, ``docs/gradient-descent.md``
        §2): the exponents fall at ``g(r) = ln(1 + h r)/h`` instead of ``r``
        (§3), so the jump times, and possibly the order and the fitted data,
        are those of gradient descent.  ``None`` (default): the gradient flow.
        Float backend only.

    Returns
    -------
    LimitProcess
        The saddles ``θ_0..θ_K``, their jump times, the exponents and the
        interactions.

    Raises
    ------
    TieError
        With ``ties="raise"``, when two neurons whose unfitted data overlap
        jump at exactly the same time (outside the theory, spec §5).
    NearTieError
        With ``near_ties="raise"``, when the float backend cannot decide.
    InputError
        With ``near_ties="raise"`` or ``"report"``, when the labels span more
        than float64 represents in one problem (the default hands such
        problems to the exact backend).
    ArgumentError
        ``step`` with ``exact=True``, or a ``step`` that is not a positive,
        finite real number.
    ValueError
        ``near_ties`` or ``ties`` not one of the policies.

    Examples
    --------
    Two positive data, one neuron active on both and one on the first only:

    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
    >>> process = limit_process(p)
    >>> [(s.neuron, s.data.tolist(), round(float(s.tau), 4)) for s in process.jumps]
    [(0, [0, 1], 0.4)]
    >>> float(process.final.sq_norm), float(process.final.loss)
    (10.0, 0.0)

    Labels scaled by ``c`` divide the times by ``c`` and multiply the squared
    norms by ``c`` (spec §3), at any representable scale:

    >>> big = limit_process(Problem([3e200, 4e200], [[1, 1], [1, -1]], signs=[1, 1]))
    >>> float(big.jumps[0].tau) * 1e200, float(big.final.sq_norm) / 1e200
    (0.4, 10.0)
    """
    if near_ties not in NEAR_TIE_POLICIES:
        raise ValueError(f"near_ties must be one of {NEAR_TIE_POLICIES}, got {near_ties!r}")
    if ties not in TIE_POLICIES:
        raise ValueError(f"ties must be one of {TIE_POLICIES}, got {ties!r}")
    if step is not None:
        step = check_real(step, "step", 0.0)
        if exact:
            raise ArgumentError("exact=True decides the gradient flow's process; with a step the rates "
                                "ln(1 + h r)/h of gradient descent are transcendental: use the float backend")
    mask = Mask(problem) if mask is None else mask
    if exact:
        return _algorithm1(problem, mask, ExactArithmetic(problem, mask), "report", ties)
    try:
        return _algorithm1(problem, mask, FloatArithmetic(problem, mask, step or 0.0), near_ties, ties)
    except Unrepresentable as reason:
        if near_ties != "exact":
            raise InputError(f"the float backend cannot represent these labels: {reason}; "
                             "rerun with exact=True (CLI: --exact)") from None
        process = _algorithm1(problem, mask, ExactArithmetic(problem, mask), "report", ties)
        object.__setattr__(process, "deferred", (str(reason),))
        return process
    except _Undecided as undecided:
        if near_ties == "raise":
            listed = "; ".join(map(repr, undecided.near_ties))
            raise NearTieError(
                f"float64 cannot order these candidate jump times: {listed}; rerun with exact=True (CLI: --exact)",
                undecided.near_ties,
            ) from None
        process = _algorithm1(problem, mask, ExactArithmetic(problem, mask), "report", ties)
        object.__setattr__(process, "deferred", tuple(undecided.near_ties))
        return process


def _algorithm1(problem, mask, num, near_ties, ties):
    """The loop of spec §3, written once for both number systems."""
    n, m = problem.n, problem.m
    unfitted = np.ones(n, dtype=bool)
    counts = mask.counts.copy()
    waiting = np.zeros(m, dtype=bool)
    waiting[mask.leaders] = True
    initial_rates = num.rate.copy()
    jumps, interactions, undecided, broken = [], [], [], []

    def unfitted_data(j):
        data = mask.data_of(j)
        return data[unfitted[data]]

    def overlaps(a, b):
        return np.intersect1d(unfitted_data(a), unfitted_data(b), assume_unique=True).size > 0

    while waiting.any():
        winners, close = num.argmin(np.flatnonzero(waiting), overlaps)
        if close:
            if near_ties != "report":
                raise _Undecided(close)
            undecided.extend(close)
        tau = num.T[winners[0]]
        winners, fitted, tied = _simultaneous(winners, [unfitted_data(w) for w in winners], tau, ties, num)
        broken.extend((num.number(num.unscale(tau, "time")), pair) for pair in tied)
        for w, data in zip(winners, fitted):
            jumps.append((num.number(tau), w, data, num.number(num.rate[w])))
            unfitted[data] = False
        waiting[winners] = False
        k = len(jumps)
        hit_counts, hit_sums = num.fitted_sums(mask, np.concatenate(fitted))
        affected = np.flatnonzero((hit_counts > 0) & waiting)
        if affected.size:
            exponents = num.exponent_at(affected, tau)
            old_rates = num.rate[affected].copy()
            counts[affected] -= hit_counts[affected]
            alive = counts[affected] > 0
            num.lower(affected, hit_sums, alive, unfitted_data)
            num.retime(affected, tau, exponents, winners[0], alive)
            num.retire(affected[~alive])
            waiting[affected[~alive]] = False
            new_rates = num.rate[affected]
            interactions.extend(
                Interaction(k, j, num.number(old), num.number(new), num.number(e))
                for j, old, new, e in zip(affected.tolist(), num.unscale(old_rates, "rate").tolist(),
                                          num.unscale(new_rates, "rate").tolist(), exponents.tolist())
            )
        num.retire(winners)
    saddles, out_of_range = _saddles(problem, mask, num, jumps, unfitted)
    return LimitProcess(
        problem, mask, saddles, num.unscale(initial_rates, "rate"),
        tuple(interactions), tuple(_unscaled(tie, num) for tie in undecided), "exact" if num.exact else "float",
        ties=tuple(broken), out_of_range=out_of_range, scaled_times=tuple(float(j[0]) for j in jumps),
        step=float(num.h / num.scale) if num.h else 0.0,
    )


def _unscaled(near_tie, num):
    """A near-tie recorded on the scaled labels, in the units of the labels given."""
    times = tuple(float(num.unscale(t, "time")) for t in near_tie.times)
    return type(near_tie)(near_tie.neurons, times, float(num.unscale(near_tie.gap, "time")),
                          float(num.unscale(near_tie.bound, "time")))


def _simultaneous(winners, fitted, tau, ties, num):
    """The neurons that jump at ``tau``, their data, and the ties broken.

    A true tie is a simultaneous jump when the unfitted sets are disjoint;
    between overlapping sets it is outside the theory (spec §5): raise, or
    keep the lowest-index neuron (``ties="first"``) and report the pair.
    """
    kept, data, tied = [], [], []
    for w, own in zip(winners, fitted):
        clash = next((k for k, other in zip(kept, data) if np.intersect1d(own, other).size), None)
        if clash is None:
            kept.append(w)
            data.append(own)
            continue
        if ties == "raise":
            shared = np.intersect1d(own, data[kept.index(clash)])
            tau = num.unscale(tau, "time")
            raise TieError(
                f"neurons {clash} and {w} jump at exactly the same time τ = {tau} "
                f"and share unfitted data {shared[:5].tolist()}: a tie between overlapping sets is "
                "outside the theory (seed 002 Assumption 4(ii), spec §5); --ties first lets the "
                "lowest-index neuron jump",
                (clash, w),
                tau,
            )
        tied.append((clash, w))
    return kept, data, tied


def _saddles(problem, mask, num, jumps, unfitted):
    """Saddles ``θ_0..θ_K`` from the jump records (losses summed without
    cancellation), in the units of the labels given (``num.unscale``)."""
    n = problem.n
    fitted_sq = [num.square_sum(data) for _, _, data, _ in jumps]
    never = num.square_sum(np.flatnonzero(unfitted))
    tails = [never]
    for value in reversed(fitted_sq):
        tails.append(tails[-1] + value)
    tails.reverse()  # tails[k] = Σ_{i ∉ F_k} y_i²

    lost = set()

    def unscaled(value, kind):
        out = num.number(num.unscale(value, kind))
        as_float = float(out)
        if not np.isfinite(as_float) or (abs(as_float) < _TINY and value != 0):  # overflow, or subnormal/0
            lost.add(kind)
        return out

    groups = {g[0]: g for g in mask.groups}
    empty = np.empty(0, dtype=np.int64)
    saddles = [Saddle(0, num.zero, None, (), empty, num.zero, unscaled(tails[0] / (2 * n), "loss"), num.zero, num.zero,
                      empty)]
    sq_norm = num.zero
    for k, (tau, j, data, rate) in enumerate(jumps, start=1):
        sign = int(mask.signs[j])  # the effective sign (docs/general-inputs.md §3)
        # ||w_j||² = a_j² = N_I: n r for unit norms (spec §3), ||(y_i/c_i)_I|| for any norms
        fitted = n * rate if num.unit_norms else num.fit_norm(data)
        scale = num.sqrt(fitted)
        sq_norm = sq_norm + 2 * fitted
        coefficients = num.unscale(num.coefficients(data, sign, scale), "weight")
        data = data.copy()
        data.flags.writeable = False
        saddles.append(
            Saddle(k, unscaled(tau, "time"), int(j), groups.get(j, (int(j),)), data, unscaled(rate, "rate"),
                   unscaled(tails[k] / (2 * n), "loss"), unscaled(sq_norm, "sq_norm"),
                   unscaled(sign * scale, "weight"), coefficients)
        )
    return tuple(saddles), tuple(sorted(lost))


@dataclass(frozen=True, eq=False)
class LimitProcess:
    """The output of Algorithm 1: saddles, exponents and interactions.

    Attributes
    ----------
    problem, mask : Problem, Mask
        The problem and the mask Algorithm 1 ran on.
    saddles : tuple of Saddle
        ``θ_0, …, θ_K``.
    initial_rates : ndarray of float or of ExactReal
        ``r_j^0`` for every neuron (0 for zero columns).
    interactions : tuple of Interaction
        Each time a jump lowered the rate of a still unfitted neuron.
    near_ties : tuple of NearTie
        Float near-ties kept under ``near_ties="report"``.
    backend : {"float", "exact"}
        The number system that decided the process.
    deferred : tuple of NearTie or str
        Near-ties that made the float backend hand over to the exact one
        (or, as text, why the float backend could not represent the labels).
    ties : tuple of (time, (int, int))
        True ties between overlapping neurons broken by index (``ties="first"``).
    out_of_range : tuple of str
        Kinds of outputs (``"loss"``, ``"time"``, ``"rate"``, ``"sq_norm"``,
        ``"weight"``) that overflow or underflow float64 (to 0 or to the
        imprecise subnormal range) in the units of the labels given, e.g. the
        losses ``~1e400`` of labels near ``1e200``; :attr:`scaled_losses`
        gives the losses on the scaled labels.
    scaled_times : tuple of float
        The jump times on the scaled labels, ``τ_k c`` (float backend; the
        times themselves for the exact backend), finite where
        :attr:`times` overflow.
        The float backend computes on labels scaled to ``[1, 4)`` and scales
        back (spec §3), so everything else is exact to rounding; the exact
        backend's values are exact, and this names those whose ``float()``
        is out of range.
    step : float
        The gradient-descent step ``h`` the process is for (flow time of
        spec §1), 0 for the gradient flow (``docs/gradient-descent.md`` §3).
    """

    problem: Problem = field(repr=False)
    mask: Mask = field(repr=False)
    saddles: tuple[Saddle, ...] = field(repr=False)
    initial_rates: NDArray[np.float64] | NDArray[np.object_] = field(repr=False)
    interactions: tuple[Interaction, ...] = field(repr=False)
    near_ties: tuple[NearTie, ...] = ()
    backend: str = "float"
    deferred: tuple[NearTie | str, ...] = ()
    ties: tuple[tuple[float | ExactReal, tuple[int, int]], ...] = ()
    out_of_range: tuple[str, ...] = ()
    scaled_times: tuple[float, ...] = field(default=(), repr=False)
    step: float = 0.0
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def label_scale(self) -> float:
        """The power of 4 ``c`` the float backend divides the labels by
        (:attr:`~limitproc.problem.Problem.label_scale`)."""
        return self.problem.label_scale

    def speed(self, rates: ArrayLike) -> NDArray[np.float64]:
        """``g(r) = ln(1 + h r)/h``: the rate at which exponents fall, for
        gradient descent with :attr:`step` ``h`` (``r`` itself for the flow).

        ``docs/gradient-descent.md`` §3.

        Parameters
        ----------
        rates : array_like of float
            Rates ``r ≥ 0`` (flow time, spec §1).

        Returns
        -------
        ndarray of float
            ``g(r)``, elementwise; ``r`` itself (as floats) when :attr:`step`
            is 0.

        Examples
        --------
        >>> from limitproc import Problem
        >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
        >>> limit_process(p).speed([2.5, 1.5]).tolist()
        [2.5, 1.5]
        >>> limit_process(p, step=0.1).speed([2.5]).round(6).tolist()  # ln(1.25)/0.1
        [2.231436]
        """
        rates = np.asarray(rates, dtype=float)
        return np.log1p(self.step * rates) / self.step if self.step else rates

    @property
    def jumps(self) -> tuple[Saddle, ...]:
        """The saddles reached by a jump, ``θ_1..θ_K``."""
        return self.saddles[1:]

    @property
    def K(self) -> int:
        """Number of jumps."""
        return len(self.saddles) - 1

    @property
    def final(self) -> Saddle:
        """The last saddle ``θ_K``: the interpolator when the final loss is 0."""
        return self.saddles[-1]

    @property
    def interpolates(self) -> bool:
        """Final loss is 0: no datum with a non-zero label has a zero row (spec §3)."""
        return self.mask.zero_rows.size == 0

    @property
    def times(self) -> NDArray[np.float64]:
        """Jump times ``τ_1..τ_K`` as floats."""
        if "times" not in self._cache:
            self._cache["times"] = np.array([float(s.tau) for s in self.jumps])
        return self._cache["times"].copy()

    @property
    def neurons(self) -> tuple[int, ...]:
        """The neuron of each jump ``j_1..j_K`` (only ``θ_0`` has none)."""
        return tuple(int(s.neuron) for s in self.jumps if s.neuron is not None)

    @property
    def losses(self) -> NDArray[np.float64]:
        """``L(θ_0..θ_K)`` as floats."""
        return np.array([float(s.loss) for s in self.saddles])

    @property
    def scaled_losses(self) -> NDArray[np.float64]:
        """``L(θ_k) / c²`` for ``k = 0..K`` with ``c`` = :attr:`label_scale`:
        the losses on the labels ``y / c``, finite where :attr:`losses`
        overflow (labels near 1e200) or underflow (near 1e-200)."""
        y2 = self.problem.scaled_labels ** 2
        fitted = np.zeros(self.problem.n, dtype=bool)
        out = [y2.sum()]
        for s in self.jumps:
            fitted[s.data] = True
            out.append(y2[~fitted].sum())
        return np.array(out) / (2 * self.problem.n)

    @property
    def sq_norms(self) -> NDArray[np.float64]:
        """``||θ_0||²..||θ_K||²`` as floats."""
        return np.array([float(s.sq_norm) for s in self.saddles])

    def arrays(self) -> dict[str, NDArray[Any]]:
        """The saddles as columns of equal length ``K + 1`` (``θ_0`` first):
        ``k``, ``tau`` (0 for ``θ_0``), ``neuron`` (-1 for ``θ_0``),
        ``fitted`` (data fitted at the jump), ``loss`` and ``sq_norm``; ready
        for ``pandas.DataFrame`` (:meth:`to_dataframe`).

        Returns
        -------
        dict of str to ndarray
            Integer columns ``k``, ``neuron``, ``fitted`` and float columns
            ``tau``, ``loss``, ``sq_norm`` (spec §3).

        Examples
        --------
        >>> from limitproc import Problem
        >>> columns = limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])).arrays()
        >>> columns["tau"].tolist(), columns["neuron"].tolist(), columns["loss"].tolist()
        ([0.0, 0.4], [-1, 0], [6.25, 0.0])
        """
        return {
            "k": np.arange(self.K + 1),
            "tau": np.concatenate([[0.0], self.times]),
            "neuron": np.array([-1 if s.neuron is None else s.neuron for s in self.saddles]),
            "fitted": np.array([len(s.data) for s in self.saddles]),
            "loss": self.losses,
            "sq_norm": self.sq_norms,
        }

    def to_dataframe(self) -> Any:
        """:meth:`arrays` as a ``pandas.DataFrame`` indexed by ``k`` (needs pandas).

        Returns
        -------
        pandas.DataFrame
            Columns ``tau``, ``neuron``, ``fitted``, ``loss``, ``sq_norm``.

        Raises
        ------
        MissingDependencyError
            pandas is not installed.

        Examples
        --------
        >>> from limitproc import MissingDependencyError, Problem
        >>> process = limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1]))
        >>> try:
        ...     frame = process.to_dataframe()
        ... except MissingDependencyError:  # pandas is not a dependency of limitproc
        ...     frame = None
        >>> frame is None or list(frame.columns) == ["tau", "neuron", "fitted", "loss", "sq_norm"]
        True
        """
        from ..optional import require

        pandas = require("pandas", "LimitProcess.to_dataframe")
        return pandas.DataFrame(self.arrays()).set_index("k")

    def table(self) -> DataTable:
        """The saddles as a :class:`~limitproc.tables.DataTable` (a legend explains each column).

        Returns
        -------
        DataTable
            One row per saddle ``θ_k`` (spec §3): ``k``, ``τ_k``, the jumping
            neuron, the data fitted, ``L(θ_k)`` and ``||θ_k||²``.

        Examples
        --------
        >>> from limitproc import Problem
        >>> table = limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])).table()
        >>> [c.header for c in table.columns], table.rows[1]
        (['k', 'τ_k', 'neuron', 'fitted', 'L(θ_k)', '||θ_k||²'], ('1', '0.4', '0', '2', '0', '10'))
        """
        from ..tables import saddle_table

        return saddle_table(self)

    def __rich__(self) -> DataTable:
        return self.table()

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def at(self, tau: float) -> Saddle:
        """The limit process ``θ̃(τ) = θ_k`` for ``τ ∈ [τ_k, τ_{k+1})`` (spec §3).

        Parameters
        ----------
        tau : float
            Accelerated time ``τ ≥ 0``.

        Returns
        -------
        Saddle
            The last saddle reached at or before ``τ``.

        Raises
        ------
        ValueError
            ``τ < 0``.

        Examples
        --------
        >>> from limitproc import Problem
        >>> process = limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1]))
        >>> process.at(0.2).k, process.at(0.4).k, process.at(10.0).k
        (0, 1, 1)
        """
        if tau < 0:
            raise ValueError(f"tau must be >= 0, got {tau}")
        return self.saddles[bisect_right(self.times.tolist(), float(tau))]

    def parameters(self, k: int | None = None) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(a, W)`` of ``θ_k`` in input coordinates, as float arrays.

        ``W`` has shape (m, d).  A group of equal columns is carried by its
        first neuron (the split inside a group is an O(1) effect the limit
        does not see, spec §5).

        Parameters
        ----------
        k : int, optional
            Saddle index, ``0 ≤ k ≤ K`` (default: ``K``, the final saddle).

        Returns
        -------
        a : ndarray of float, shape (m,)
            Output weights: ``s_j sqrt(n r)`` for the neurons that jumped by
            jump ``k`` (spec §3), 0 for the others.
        W : ndarray of float, shape (m, d)
            Hidden weights in input coordinates.

        Examples
        --------
        >>> from limitproc import Problem
        >>> a, W = limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])).parameters()
        >>> a.round(6).tolist(), W.round(6).tolist()  # a_0² = ||w_0||² = n r = 5
        ([2.236068, 0.0], [[1.341641, 1.788854], [0.0, 0.0]])
        """
        k = self.K if k is None else k
        p = self.problem
        a = np.zeros(p.m)
        W = np.zeros((p.m, p.d))
        for s in self.saddles[1 : k + 1]:
            a[s.neuron] = float(s.a)
            coefficients = np.array([float(c) for c in s.coefficients])
            if p.X is None:
                W[s.neuron, s.data] = coefficients
            else:
                W[s.neuron] = coefficients @ p.X[s.data]
        return a, W

    def exponents(self, tau: float) -> NDArray[np.float64]:
        """Norm exponents ``e_j(τ)`` of every neuron (spec §2), as floats.

        ``||w_j(τ ln(1/λ))|| ≈ λ^{e_j(τ)}``; ``e_j`` starts at 1, falls at rate
        ``r_j^k`` (``g(r_j^k)`` under gradient descent, :meth:`speed`)
        between jumps and is 0 from the neuron's own jump on.
        Members of a group share their first neuron's exponent.

        Calls at non-decreasing ``τ`` resume where the previous one stopped,
        so evaluating at every jump time costs time linear in the number of
        interactions (:meth:`exponents_at_jumps`).

        Parameters
        ----------
        tau : float
            Accelerated time ``τ ≥ 0``.

        Returns
        -------
        ndarray of float, shape (m,)
            ``e_j(τ) ∈ [0, 1]`` per neuron.

        Examples
        --------
        Neuron 1 falls at rate 1.5 until the jump of neuron 0 at τ = 0.4
        fits its only datum; its exponent then stays at 0.4:

        >>> from limitproc import Problem
        >>> process = limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1]))
        >>> process.exponents(0.2).round(6).tolist(), process.exponents(1.0).round(6).tolist()
        ([0.5, 0.7], [0.0, 0.4])
        """
        tau = float(tau)
        table = self._interaction_table()
        state = self._cache.get("sweep")
        if state is None or tau < state["tau"]:
            m = self.problem.m
            state = {"tau": -np.inf, "next": 0, "start": np.zeros(m), "e0": np.ones(m),
                     "rate": table["initial_rates"].copy()}
        stop = int(np.searchsorted(table["time"], tau, side="right"))
        if stop > state["next"]:
            chunk = slice(state["next"], stop)
            neurons = table["neuron"][chunk]
            last = neurons.size - 1 - np.unique(neurons[::-1], return_index=True)[1]  # the latest step per neuron
            who = neurons[last]
            state["start"][who] = table["time"][chunk][last]
            state["e0"][who] = table["exponent"][chunk][last]
            state["rate"][who] = table["new_rate"][chunk][last]
            state["next"] = stop
        state["tau"] = tau
        self._cache["sweep"] = state
        e = np.maximum(state["e0"] - state["rate"] * (tau - state["start"]), 0.0)
        e[table["jumpers"][table["jump_times"] <= tau]] = 0.0
        return e[self.mask.representative]

    def exponents_at_jumps(self) -> NDArray[np.float64]:
        """:meth:`exponents` at ``τ_0 = 0`` and at every jump time, shape (K+1, m).

        Returns
        -------
        ndarray of float, shape (K + 1, m)
            Row ``k``: ``e_j(τ_k)`` for every neuron ``j`` (spec §2).

        Examples
        --------
        >>> from limitproc import Problem
        >>> process = limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1]))
        >>> process.exponents_at_jumps().round(6).tolist()
        [[1.0, 1.0], [0.0, 0.4]]
        """
        return np.array([self.exponents(t) for t in [0.0] + self.times.tolist()])

    def _interaction_table(self) -> dict[str, NDArray[Any]]:
        """The interactions and jumps as float arrays (built once)."""
        if "interactions" not in self._cache:
            times = np.concatenate([[0.0], self.times])
            steps = self.interactions
            self._cache["interactions"] = {
                "time": times[np.array([step.k for step in steps], dtype=np.int64)],
                "neuron": np.array([step.neuron for step in steps], dtype=np.int64),
                "exponent": np.array([float(step.exponent) for step in steps]),
                "new_rate": self.speed([float(step.new_rate) for step in steps]),
                "initial_rates": self.speed([float(r) for r in self.initial_rates]),
                "jumpers": np.array([s.neuron for s in self.jumps], dtype=np.int64),
                "jump_times": times[1:],
            }
        return self._cache["interactions"]

    @property
    def resolution_margin(self) -> ResolutionMargin:
        """The resolution margin ``μ`` of spec §8 (:class:`ResolutionMargin`)."""
        if not self.interactions:
            return ResolutionMargin(np.inf, label_size=self.problem.label_size)
        values = self._interaction_table()["exponent"].tolist()
        best = int(np.argmin(values))
        step = self.interactions[best]
        if self.backend == "exact":
            from .exact import order_candidates

            close = [i for i, v in enumerate(values) if v <= values[best] * (1 + 1e-9) + 1e-300]
            best = close[order_candidates([self.interactions[i].exponent for i in close])[0]]
            step = self.interactions[best]
        return ResolutionMargin(step.exponent, step.k, self.saddles[step.k].neuron, step.neuron, self.problem.label_size)

    def __repr__(self) -> str:
        final = self.final
        return (
            f"LimitProcess(K={self.K}, final loss={float(final.loss):.6g}, "
            f"sq_norm={float(final.sq_norm):.6g}, backend={self.backend})"
        )
