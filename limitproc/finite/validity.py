r"""Where the finite-λ corrections hold, and what holds where they do not.

``docs/finite-lambda.md`` §4.  The corrections of
:mod:`limitproc.finite.offsets` are first order in the competitors: a waiting
neuron that shares the data of a jump is assumed to hold a negligible part of
the fit, and a neuron that loses data to a jump is assumed to be small while
that jump happens.  A competitor whose log norm ratio to the jumper at the
jumper's half-fit time is ``gap`` (:class:`~limitproc.finite.corrections.Competitor`)
holds about

.. math::

    s = \frac{1}{1 + e^{2\,\mathrm{gap}}}

of the fit of the data they share (two aligned neurons fit in proportion to
their squared norms); a negative gap means that at this λ the competitor
would jump first.  A jump's correction is **valid** when every competitor at
it holds less than :data:`VALID_SHARE` of the fit, its own neuron held less
than :data:`OWN_VALID_SHARE` of every earlier fit it competed for, when every jump it depends on (every earlier
jump that took data of its neuron: the realignments that moved its offset) is
valid, and when its corrected time is positive and after theirs.  Otherwise
it is **invalid** and no corrected time is given; what is given instead:

* the leading order ``τ_k ln(1/λ)`` (the λ → 0 limit, not a prediction at
  this λ);
* ``earliest``, a derived lower bound on the time any datum of the jump is
  half fitted: ``h(x_i) ≤ c_i Σ_j (a_j² + ||w_j||²)/2`` and
  ``d(a_j² + ||w_j||²)/dt ≤ 2 R_j (a_j² + ||w_j||²)`` with
  ``R_j = ||(c ∘ y)_{S_j(0)}||/n`` over the data neuron ``j`` is initially
  active on (for gradient descent ``(1 + h R_j)²`` per step), as long as no
  output leaves ``[0, 2 y_i]`` (no residual exceeds its label);
* ``latest``, an empirical upper end ``max(τ_k ln(1/λ), first-order time) + B_k``
  with ``B_k`` the a-priori offset bound
  (:func:`~limitproc.finite.offsets.offset_bound`); its coverage is measured
  in ``docs/finite-lambda.md`` §4, not derived;
* the simulation (``--simulate``, :func:`~limitproc.finite.simulated.simulate_prediction`).

The squared norms a run ends with when competitors share fits
(:func:`shared_sq_norms`): each datum's label is split between the neurons
that fit it in the proportions ``s``, and a neuron that fits the targets
``t_i`` on its data with one direction has ``a² = ||w||² = ||(t/c)||``
(``docs/general-inputs.md`` §1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ..process.algorithm1 import LimitProcess
    from .corrections import FiniteLambdaPrediction

__all__ = ["OWN_VALID_SHARE", "VALID_SHARE", "JumpStatus", "dependencies", "earliest_fit_times", "jump_status", "shared_sq_norms"]

#: A correction is valid when every competitor involved holds less than this
#: share of the fit: a gap of ``½ ln((1 − s)/s) = 1.47``.
VALID_SHARE = 0.05


def share_of_gap(gap: float) -> float:
    """``1/(1 + e^{2 gap})`` (module docstring), without overflow.

    Parameters
    ----------
    gap : float
        Log norm ratio of jumper to competitor at the jumper's half-fit.

    Returns
    -------
    float
        The competitor's share of the fit of the data they share.

    Examples
    --------
    >>> round(share_of_gap(0.0), 3), round(share_of_gap(2.3), 4), share_of_gap(-400.0)
    (0.5, 0.01, 1.0)
    """
    from scipy.special import expit

    return float(expit(-2.0 * float(gap)))


#: The gap below which a competitor holds more than :data:`VALID_SHARE`.
VALID_GAP = 0.5 * float(np.log((1.0 - VALID_SHARE) / VALID_SHARE))

#: A neuron that held a share of an earlier fit carries a norm of about
#: ``sqrt(s N)`` into its own jump, which the first-order offsets do not model:
#: its own later correction is valid only below this share (a gap of
#: ``½ ln 99 = 2.30``; measured, ``docs/finite-lambda.md`` §4: at 2 % one
#: jump's corrected time was 10 % late).
OWN_VALID_SHARE = 0.01

#: The gap below which a neuron's own later correction does not hold.
OWN_VALID_GAP = 0.5 * float(np.log((1.0 - OWN_VALID_SHARE) / OWN_VALID_SHARE))


@dataclass(frozen=True)
class JumpStatus:
    """Whether the corrected time of jump ``k`` holds (module docstring).

    Attributes
    ----------
    k : int
    valid : bool
    reason : str
        Empty when valid; otherwise why (the competitor and its share, the
        jump it depends on, the time order).
    gap : float
        The smallest gap of a competitor involved (``inf`` without one).
    depends : tuple of int
        The earlier jumps that took data of its neuron.
    earliest : float
        Derived lower bound on the half-fit time of any of its data.
    latest : float
        Empirical upper end of the interval (``nan`` when valid: the
        corrected time is given instead).

    Examples
    --------
    Obtained from
    :attr:`~limitproc.finite.corrections.FiniteLambdaPrediction.status`
    (``docs/finite-lambda.md`` §4).  At ``λ = 1e-3`` neuron 1 holds about 1 %
    of jump 1's fit, so its own jump 2 is given as an interval:

    >>> from limitproc import Problem, limit_process
    >>> from limitproc.finite import finite_lambda
    >>> p = Problem([1.5, 2.0, 0.5], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
    >>> st = finite_lambda(limit_process(p), 1e-3).status
    >>> [(s.k, s.valid, s.depends) for s in st]
    [(1, True, ()), (2, False, (1,))]
    >>> st[1].reason
    'its neuron competed at jump 1 (gap 2.24: held about 1% of that fit)'
    >>> round(st[1].earliest, 4), round(st[1].latest, 4)
    (10.7492, 41.6284)
    """

    k: int
    valid: bool
    reason: str
    gap: float
    depends: tuple[int, ...]
    earliest: float
    latest: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict.

        The ``jumps`` entries' ``valid``, ``reason``, ``interval`` fields of
        the ``finite_lambda`` document (``docs/json-schema.md``).

        Returns
        -------
        dict
            Non-finite numbers as ``None``.

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> from limitproc.finite import finite_lambda
        >>> p = Problem([1.5, 2.0, 0.5], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> finite_lambda(limit_process(p), 1e-3).status[0].to_dict()["valid"]
        True
        >>> d = finite_lambda(limit_process(p), 1e-8).status[1].to_dict()
        >>> d["valid"], d["depends_on"], round(d["earliest"], 4), d["latest"]
        (True, [1], 32.5934, None)
        """
        from ..schema import json_number

        return {"k": self.k, "valid": self.valid, "reason": self.reason, "gap": json_number(self.gap),
                "depends_on": list(self.depends), "earliest": json_number(self.earliest),
                "latest": json_number(self.latest)}


def dependencies(process: LimitProcess) -> dict[int, tuple[int, ...]]:
    """For each jump ``k`` (1-based), the earlier jumps (at earlier times) that
    took data of its neuron's column: the realignments that moved its offset.

    Parameters
    ----------
    process : LimitProcess

    Returns
    -------
    dict of int to tuple of int

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0, 1.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
    >>> dependencies(limit_process(p))   # neuron 1 was active on datum 0, taken by jump 1
    {1: (), 2: (1,)}
    """
    mask: Any = process.mask
    out: dict[int, tuple[int, ...]] = {}
    for s in process.jumps:
        column = mask.data_of(s.neuron)
        out[s.k] = tuple(other.k for other in process.jumps[: s.k - 1]
                         if float(other.tau) < float(s.tau) and np.intersect1d(column, other.data).size)
    return out


def earliest_fit_times(process: LimitProcess, log_inv_lam: float, unit_init: bool = False) -> NDArray[np.float64]:
    """Per datum, the derived lower bound on its half-fit time (module
    docstring).

    Parameters
    ----------
    process : LimitProcess
        Its :meth:`~limitproc.process.algorithm1.LimitProcess.speed` gives
        gradient descent's growth per unit time.
    log_inv_lam : float
        ``ln(1/λ)``.
    unit_init : bool
        ``w_j(0) = λ z_j`` instead of ``λ W0_j``.

    Returns
    -------
    ndarray, shape (n,)
        ``inf`` for data no neuron is active on.

    Examples
    --------
    The first jump's data cannot be fitted before ``t ≈ 21.3`` at
    ``λ = 1e-8`` (its corrected time is 22.1):

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([1.5, 2.0, 0.5], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
    >>> earliest_fit_times(limit_process(p), float(np.log(1e8))).round(4).tolist()
    [21.273, 21.4456, 32.5934]
    """
    from scipy.optimize import brentq
    from scipy.special import logsumexp

    problem = process.problem
    n = problem.n
    c = problem.input_norms
    y = problem.y
    coords = problem.data_coordinates()
    active = coords > 0  # (m, n), S_j(0)
    R = np.sqrt((active * (c * y) ** 2).sum(axis=1)) / n
    rates = np.asarray(process.speed(R), dtype=float)
    log_w = np.zeros(problem.m) if unit_init else np.log(problem.init_norms)
    ratio = problem.output_weights / problem.init_norms
    log_E0 = 2.0 * log_w + np.log1p(ratio**2)  # ln((a0² + ||W0||²)/λ²)
    out = np.full(n, np.inf)
    for i in range(n):
        who = np.flatnonzero(active[:, i])
        if who.size == 0 or y[i] == 0:
            continue
        target = np.log(abs(y[i]) / c[i]) + 2.0 * log_inv_lam

        def excess(t, who=who, target=target):
            return float(logsumexp(log_E0[who] + 2.0 * rates[who] * t)) - target

        if excess(0.0) >= 0:
            out[i] = 0.0
            continue
        top = float(rates[who].max())
        if top <= 0:
            continue
        hi = (target - float(log_E0[who].max())) / (2.0 * top) + 1.0
        while excess(hi) < 0:
            hi *= 2.0
        out[i] = float(brentq(excess, 0.0, hi, xtol=1e-10, rtol=1e-12))
    return out


def jump_status(
    prediction: FiniteLambdaPrediction,
    earliest: NDArray[np.float64] | None = None,
    bounds: Any = None,
) -> tuple[JumpStatus, ...]:
    """The :class:`JumpStatus` of every jump of a
    :class:`~limitproc.finite.corrections.FiniteLambdaPrediction` (module
    docstring), in jump order.

    Parameters
    ----------
    prediction : FiniteLambdaPrediction
    earliest : ndarray, optional
        :func:`earliest_fit_times` (computed when omitted).
    bounds : array_like, optional
        Per jump, the a-priori offset bound ``B_k``
        (:func:`~limitproc.finite.offsets.offset_bound`; ``inf`` when omitted).

    Returns
    -------
    tuple of JumpStatus

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> from limitproc.finite import finite_lambda
    >>> p = Problem([1.5, 2.0, 0.5], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
    >>> [s.valid for s in jump_status(finite_lambda(limit_process(p), 1e-8))]
    [True, True]
    >>> [s.valid for s in jump_status(finite_lambda(limit_process(p), 1e-3))]
    [True, False]
    """
    process: Any = prediction.process
    mask = process.mask
    rep = mask.representative
    times = prediction.times
    leading = prediction.leading_times
    deps = dependencies(process)
    if earliest is None:
        earliest = earliest_fit_times(process, prediction.log_inv_lam, cast(Any, prediction.offsets).unit_init)
    if bounds is None:
        bounds = np.full(process.K, np.inf)
    unstable_after = _unstable_saddle(prediction)
    status: dict[int, JumpStatus] = {}
    for s in process.jumps:
        k = s.k
        reasons = []
        gaps = [np.inf]
        for comp in prediction.competitors:
            if k in comp.jumps and comp.gap < VALID_GAP:
                reasons.append(f"neuron {comp.neuron} competes for its data (gap {comp.gap:.3g}: "
                               f"holds about {share_of_gap(comp.gap):.0%} of the fit)")
            if comp.neuron == rep[s.neuron] and comp.jumps[0] < k and comp.gap < OWN_VALID_GAP:
                reasons.append(f"its neuron competed at jump {comp.jumps[0]} (gap {comp.gap:.3g}: "
                               f"held about {share_of_gap(comp.gap):.0%} of that fit)")
            if k in comp.jumps or (comp.neuron == rep[s.neuron] and comp.jumps[0] < k):
                gaps.append(comp.gap)
        invalid_deps = [d for d in deps[k] if not status[d].valid]
        if invalid_deps:
            reasons.append(f"it depends on jump{'s' if len(invalid_deps) > 1 else ''} "
                           f"{', '.join(map(str, invalid_deps))}, not predicted at this λ")
        t = times[k - 1]
        if not np.isfinite(t) or t <= 0:
            reasons.append(f"its first-order time {t:.4g} is not positive")
        before = [d for d in deps[k] if np.isfinite(times[d - 1]) and t <= times[d - 1]]
        if before:
            reasons.append(f"its first-order time {t:.4g} is not after jump {before[0]} ({times[before[0] - 1]:.4g}), "
                           "which it depends on")
        if unstable_after is not None and k > unstable_after:
            reasons.append(f"h is above the stability limit at saddle {unstable_after}")
        lo = float(earliest[s.data].min()) if s.data.size else np.nan
        valid = not reasons
        hi = np.nan
        if not valid:
            first = t if np.isfinite(t) else leading[k - 1]
            hi = float(max(leading[k - 1], first) + bounds[k - 1])
        status[k] = JumpStatus(k, valid, "; ".join(dict.fromkeys(reasons)), float(min(gaps)), deps[k], lo, hi)
    return tuple(status[s.k] for s in process.jumps)


def _unstable_saddle(prediction: FiniteLambdaPrediction) -> int | None:
    """The first saddle at which gradient descent's step is above the
    stability limit (``None`` for the flow or a stable step)."""
    limit: Any = prediction.stability
    h = float(cast(Any, prediction.process).step)
    if limit is None or not h:
        return None
    per_saddle = np.maximum(limit.ntk_max, limit.waiting_max)
    above = np.flatnonzero(per_saddle * h >= 2.0)
    return int(above[0]) if above.size else None


def shared_sq_norms(prediction: FiniteLambdaPrediction) -> NDArray[np.float64]:
    """Final ``||w_j||² = a_j²`` per neuron when competitors take their shares
    ``s = 1/(1 + e^{2 gap})`` of the fits (module docstring), shape (m,).

    Each jump's data start with the jumper's group as the only fitter (target
    ``y_i``); each competitor moves ``s y_i`` of the data it shares with the
    jump (its column ∩ the jump's data) to itself (shares summing above 1 are
    scaled to 1).  A group of equal columns fits as one neuron and splits as
    ``e^{2κ_g}`` (seeds digest F8).  Without competitors this is
    :attr:`~limitproc.finite.corrections.FiniteLambdaPrediction.sq_norms`.

    Parameters
    ----------
    prediction : FiniteLambdaPrediction

    Returns
    -------
    ndarray, shape (m,)

    Examples
    --------
    Neuron 1 holds about 1 % of jump 1's fit at ``λ = 1e-3``, which moves a
    little squared norm from neuron 0 to it; at ``λ = 1e-8`` its share is
    invisible to four digits:

    >>> from limitproc import Problem, limit_process
    >>> from limitproc.finite import finite_lambda
    >>> p = Problem([1.5, 2.0, 0.5], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
    >>> process = limit_process(p)
    >>> shared_sq_norms(finite_lambda(process, 1e-3)).round(4).tolist()
    [2.4899, 0.5003]
    >>> shared_sq_norms(finite_lambda(process, 1e-8)).round(4).tolist()
    [2.5, 0.5]
    """
    from scipy.special import softmax

    process: Any = prediction.process
    problem, mask = process.problem, process.mask
    n, m = problem.n, problem.m
    c = problem.input_norms
    y = problem.y
    rep = mask.representative
    targets = np.zeros((m, n))  # target outputs per group leader
    for s in process.jumps:
        targets[rep[s.neuron], s.data] = y[s.data]
    taken = np.zeros((m, n))
    for comp in prediction.competitors:
        share = share_of_gap(comp.gap)
        if share < 1e-12:
            continue
        for k in comp.jumps:
            data = np.intersect1d(mask.data_of(comp.neuron), process.jumps[k - 1].data)
            taken[comp.neuron, data] += share
    total = taken.sum(axis=0)
    scale = np.where(total > 1.0, 1.0 / np.where(total > 0, total, 1.0), 1.0)
    taken *= scale[None, :]
    for s in process.jumps:
        leader = rep[s.neuron]
        targets[leader, s.data] *= 1.0 - taken[:, s.data].sum(axis=0)
    targets += taken * y[None, :]
    out = np.zeros(m)
    kappa = cast(Any, prediction.offsets).initial
    for leader in np.flatnonzero((np.abs(targets) > 0).any(axis=1)):
        fit = float(np.linalg.norm(targets[leader] / c))
        members = np.flatnonzero(rep == leader)
        weights = softmax(2.0 * np.where(np.isfinite(kappa[members]), kappa[members], -np.inf)) \
            if np.isfinite(kappa[members]).any() else np.full(members.size, 1.0 / members.size)
        out[members] = fit * weights
    return out
