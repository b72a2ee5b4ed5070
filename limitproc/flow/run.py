"""One simulated run of the gradient flow: its recorded steps, dense output and measurements.

:class:`FlowRun` is what :func:`~limitproc.flow.simulate.simulate_flow`
returns (parametrization in that module's docstring): log-norms and
data-basis directions at every recorded step, evaluation anywhere through the
solver's dense output, and the measurements validation needs (fit times,
growth times, balancedness, final parameters).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from scipy.interpolate import CubicHermiteSpline
from scipy.optimize import brentq
from scipy.special import logsumexp

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from ..problem.problem import Problem

__all__ = ["FIT_FRACTION", "SIMULATED_LABEL_RANGE", "FlowRun", "RecordedRun", "check_label_range", "crossing_time", "input_scale", "output_ratios", "ratio_rate", "recorded"]

#: A datum counts as fitted once ``h(x_i)/y_i`` reaches this fraction (spec §7;
#: seed 002 Appendix A.1).
FIT_FRACTION = 0.5


def input_scale(problem: Problem) -> NDArray[np.float64] | None:
    """``||x_i||`` as the simulator uses them: ``None`` (all 1, nothing to
    multiply) when every norm is 1 within rounding, as in spec §1.

    Parameters
    ----------
    problem : Problem

    Returns
    -------
    ndarray, shape (n,), or None

    Examples
    --------
    >>> from limitproc import Problem
    >>> input_scale(Problem([1.0, -1.0], [[1.0, 1.0]], signs=[1])) is None
    True
    >>> input_scale(Problem([1.0, -1.0], [[1.0, 1.0]], signs=[1], X=[[2.0, 0.0], [0.0, 1.0]])).tolist()
    [2.0, 1.0]
    """
    regime = problem.regime
    return None if regime.unit_norms(regime.rounding) else regime.norms


def ratio_rate(
    excess: NDArray[np.float64], start_log: NDArray[np.float64], rho: NDArray[np.float64], g: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``dα_j/dt = −δ_j ||w_j||^{-2} g_j`` with ``α_j = a_j/||w_j||``,
    ``g_j = <D_j, ū_j>`` and ``δ_j = (α_j(0)² − 1) ||w_j(0)||²`` conserved
    (seed 000 Lemma 1): ``excess = α(0)² − 1``, ``start_log = ln ||w_j(0)||``.

    Parameters
    ----------
    excess : ndarray, shape (m,)
        ``α_j(0)² − 1``.
    start_log : ndarray, shape (m,)
        ``ln ||w_j(0)||``.
    rho : ndarray, shape (..., m)
        ``ρ_j = ln ||w_j||`` now.
    g : ndarray, shape (..., m)
        ``<D_j, ū_j>`` now.

    Returns
    -------
    ndarray, shape (..., m)
        ``dα_j/dt`` (the factor ``||w_j(0)||²/||w_j||²`` capped at ``e^700``).

    Examples
    --------
    A neuron with ``a = 0.5``, ``||w|| = 1`` (``δ = −0.75``) at its start:

    >>> ratio_rate(np.array([-0.75]), np.array([0.0]), np.array([0.0]), np.array([2.0])).tolist()
    [1.5]
    """
    return -excess * np.exp(np.minimum(2.0 * (start_log - rho), 700.0)) * g


def recorded(
    problem: Problem,
    rho: NDArray[np.float64],
    alpha: NDArray[np.float64],
    U: NDArray[np.float64],
    excess: NDArray[np.float64] | None,
    start_log: NDArray[np.float64] | None,
    gram: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Outputs ``h`` (T, n) and the exact derivatives ``dρ/dt`` (T, m) and
    ``dh/dt`` (T, n) at recorded states ``(ρ, α, U)`` (``U`` in the unit
    inputs; ``gram`` the cosine Gram matrix of near-orthogonal inputs, ``None``
    for orthogonal ones; components ``≤ 0`` inactive).

    Parameters
    ----------
    problem : Problem
    rho : ndarray, shape (T, m)
        Log-norms ``ρ_j = ln ||w_j||``.
    alpha : ndarray, shape (T, m)
        Ratios ``α_j = a_j / ||w_j||``.
    U : ndarray, shape (T, m, n)
        Directions in the unit inputs.
    excess, start_log : ndarray, shape (m,), or None
        ``α_j(0)² − 1`` and ``ln ||w_j(0)||`` of an unbalanced
        initialization (:func:`ratio_rate`); ``None`` when balanced.
    gram : ndarray, shape (n, n), optional
        Cosine Gram matrix of near-orthogonal inputs.

    Returns
    -------
    h : ndarray, shape (T, n)
        Outputs ``h(x_i)``.
    rho_rate : ndarray, shape (T, m)
        ``dρ_j/dt``.
    h_rate : ndarray, shape (T, n)
        ``dh(x_i)/dt``.

    Examples
    --------
    The outputs and rates a :class:`FlowRun` records:

    >>> from limitproc import Problem, simulate_flow
    >>> run = simulate_flow(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8)
    >>> h, rho_rate, h_rate = recorded(run.problem, run.log_norms, run.ratios, run.directions, None, None)
    >>> np.allclose(h, run.outputs), np.allclose(h_rate, run.output_rates)
    (True, True)
    """
    c = input_scale(problem)
    weight = 1.0 if c is None else c
    P = np.maximum(U, 0.0)
    e2 = alpha * np.exp(2.0 * rho)
    h = weight * np.einsum("tj,tji->ti", e2, P)
    D = (U > 0) * ((problem.y - h) * weight / problem.n)[:, None, :]
    g = np.einsum("tji,tji->tj", D, U)
    rho_rate = alpha * g
    dU = alpha[:, :, None] * ((D if gram is None else D @ gram) - g[:, :, None] * U)
    alpha_rate = 0.0 if excess is None else ratio_rate(excess, cast("NDArray[np.float64]", start_log), rho, g)
    grow = (alpha_rate + 2.0 * alpha * rho_rate) * np.exp(2.0 * rho)  # d(α e^{2ρ})/dt
    h_rate = weight * (np.einsum("tj,tji->ti", grow, P) + np.einsum("tj,tji->ti", e2, (U > 0) * dU))
    return h, rho_rate, h_rate


def output_ratios(problem: Problem) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """``(α_j(0), α_j(0)² − 1)`` with ``α_j = a_j / ||w_j||``: the output signs
    and ``None`` for a balanced problem (``α_j = s_j`` forever, spec §1);
    otherwise the ratios of :attr:`~limitproc.problem.Problem.output_weights`
    and the balance offsets ``δ_j / ||w_j(0)||²`` (seed 000 Lemma 1).

    Parameters
    ----------
    problem : Problem

    Returns
    -------
    ratios : ndarray, shape (m,)
        ``α_j(0)``.
    excess : ndarray, shape (m,), or None
        ``α_j(0)² − 1``; ``None`` when balanced.

    Examples
    --------
    >>> from limitproc import Problem
    >>> output_ratios(Problem([1.0, -1.0], np.eye(2), signs=[1, -1]))
    (array([ 1., -1.]), None)
    >>> output_ratios(Problem([1.0, -1.0], np.eye(2), a0=[0.5, -1.0]))
    (array([ 0.5, -1. ]), array([-0.75,  0.  ]))
    """
    if problem.balanced:
        return problem.signs.astype(float), None
    ratio = problem.output_weights / problem.init_norms
    return ratio, ratio**2 - 1.0


def crossing_time(t: ArrayLike, values: ArrayLike, level: float, rates: ArrayLike | None = None) -> float:
    """First time a sampled curve reaches ``level`` from below.

    Between the two samples that bracket the first crossing the curve is
    interpolated by the cubic Hermite polynomial of its values and ``rates``
    (time derivatives; linearly without them).  ``nan`` if the samples never
    reach ``level``.

    Parameters
    ----------
    t : array_like, shape (T,)
        Increasing sample times.
    values : array_like, shape (T,)
        The curve at those times.
    level : float
        The level to reach.
    rates : array_like, shape (T,), optional
        The curve's time derivatives at those times.

    Returns
    -------
    float
        The first crossing time (``t[0]`` if the curve starts at or above
        ``level``), ``nan`` if never.

    Examples
    --------
    Exact for cubics: ``t³`` sampled at ``0, 1, 2, 3`` reaches ``3.375`` at
    ``t = 1.5``, where linear interpolation says ``1.339``:

    >>> t = np.arange(4.0)
    >>> round(crossing_time(t, t**3, 3.375, 3 * t**2), 12), round(crossing_time(t, t**3, 3.375), 3)
    (1.5, 1.339)
    """
    values = np.asarray(values, dtype=float)
    t = np.asarray(t)
    above = np.flatnonzero(values >= level)
    if above.size == 0:
        return np.nan
    k = int(above[0])
    if k == 0:
        return float(t[0])
    t0, t1 = float(t[k - 1]), float(t[k])
    v0, v1 = values[k - 1] - level, values[k] - level
    linear = -v0 / (v1 - v0)
    if rates is None or t1 == t0:
        return float(t0 + (t1 - t0) * linear)
    rates = np.asarray(rates)
    spline = CubicHermiteSpline([t0, t1], [v0, v1], [rates[k - 1], rates[k]])
    roots = spline.solve(0.0, extrapolate=False)
    return float(roots[0]) if roots.size else float(t0 + (t1 - t0) * linear)


#: Label sizes ``max |y_i|`` for which the simulators are checked
#: (docs/validation.md): they integrate in the labels' own units, and beyond
#: this range their horizons and tolerances no longer fit (labels near 1e-30
#: gave times off by the factor 1/labels, 1e120 a run that never moves, 1e160
#: a solver failure).
SIMULATED_LABEL_RANGE = (1e-20, 1e50)


def check_label_range(problem: Problem) -> None:
    """Refuse labels outside :data:`SIMULATED_LABEL_RANGE` with the rescaling
    that maps them inside (spec §3).

    Parameters
    ----------
    problem : Problem

    Returns
    -------
    None

    Raises
    ------
    InputError
        ``max |y_i|`` is outside the range.

    Examples
    --------
    >>> from limitproc import Problem
    >>> check_label_range(Problem([3.0, 4.0], [[1.0, 1.0]], signs=[1]))
    >>> check_label_range(Problem([3e200, 4e200], [[1.0, 1.0]], signs=[1]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    limitproc.errors.InputError: labels of size 4e+200: the simulators are checked for labels from 1e-20 to 1e+50 ...
    """
    from ..errors import InputError

    low, high = SIMULATED_LABEL_RANGE
    size = problem.label_size
    if not low <= size <= high:
        raise InputError(
            f"labels of size {size:.3g}: the simulators are checked for labels from {low:g} to {high:g} only "
            "(they integrate in the labels' units); simulate the labels y/c instead: labels c·y at λ are labels y "
            "at λ/√c with times divided by c (spec §3)"
        )


class RecordedRun:
    """What :class:`FlowRun` and :class:`~limitproc.flow.gd.GDRun` derive
    alike from their records (``problem``, ``log_inv_lam``, ``t``,
    ``log_norms``, ``outputs``, ``init_log_norms``) and from their own
    ``sample`` and ``parameters``: validation and plots take either."""

    if TYPE_CHECKING:
        problem: Problem
        log_inv_lam: float
        t: NDArray[np.float64]
        log_norms: NDArray[np.float64]
        outputs: NDArray[np.float64]
        init_log_norms: NDArray[np.float64] | None

        def sample(self, times: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64],
                                                    NDArray[np.float64]]: ...

        def parameters(self, index: int = -1) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...

    @property
    def lam(self) -> float:
        """``λ`` as a float (0.0 when it underflows, e.g. ``e^-2000``)."""
        return float(np.exp(-self.log_inv_lam))

    @property
    def unit_init(self) -> bool:
        """Whether the run started from ``λ z_j`` rather than ``λ W0_j``
        (``unit_init=True`` of the simulators; the same when every
        ``||W0_j|| = 1``, and then ``False``)."""
        return bool(self.init_log_norms is not None and not np.any(self.init_log_norms)
                    and np.any(np.log(self.problem.init_norms)))

    @property
    def t_max(self) -> float:
        """The flow time of the end of the run."""
        return float(self.t[-1])

    @property
    def tau(self) -> NDArray[np.float64]:
        """Accelerated times ``τ = t / ln(1/λ)`` (spec §1)."""
        return self.t / self.log_inv_lam

    @property
    def scaled_log_norms(self) -> NDArray[np.float64]:
        """``ln ||w_j|| / ln(1/λ)``, about ``-e_j(τ)`` (spec §2; seed 002 Fig. 3)."""
        return self.log_norms / self.log_inv_lam

    @property
    def sq_norms(self) -> NDArray[np.float64]:
        """``||w_j||²`` (``= a_j²`` when balanced), shape (T, m) (0.0 where it underflows)."""
        return np.exp(2.0 * self.log_norms)

    @property
    def fitted(self) -> NDArray[np.bool_]:
        """``h(x_i) / y_i ≥ 1/2`` (spec §7), shape (T, n); zero labels never count."""
        y = self.problem.y
        return (self.outputs / np.where(y != 0, y, np.inf) >= FIT_FRACTION) & (y != 0)

    def state(self, t: float) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """``(ρ, U, h)`` at flow time ``t``: log-norms (m,), directions in the
        data basis (m, n) and outputs (n,), from the run's ``sample`` (the
        flow's dense output; linear between the records of gradient descent).

        Parameters
        ----------
        t : float
            Un-accelerated time in ``[0, t_max]``.

        Returns
        -------
        rho : ndarray, shape (m,)
        U : ndarray, shape (m, n)
        h : ndarray, shape (n,)

        Raises
        ------
        ValueError
            ``t`` is outside the run, or a flow run kept no dense output.

        Examples
        --------
        >>> from limitproc import Problem, simulate_flow
        >>> run = simulate_flow(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8)
        >>> rho, U, h = run.state(run.t_max)
        >>> h.round(6)
        array([3., 4.])
        """
        rho, U, h = self.sample([float(t)])
        return rho[0], U[0], h[0]

    @property
    def final_parameters(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(a, W)`` at the end of the run."""
        return self.parameters(-1)


@dataclass(frozen=True, eq=False)
class FlowRun(RecordedRun):
    """One simulated gradient flow (spec §1) at scale ``λ``.

    Arrays are indexed by the recorded times: the accepted solver steps and
    the deactivation events (``T`` of them).  :meth:`state` evaluates the
    run at any time from the solver's dense output.

    Attributes
    ----------
    problem : Problem
    log_inv_lam : float
        ``ln(1/λ)``; the accelerated time is ``τ = t / ln(1/λ)``.
    t : ndarray, shape (T,)
        Un-accelerated times.
    log_norms : ndarray, shape (T, m)
        ``ρ_j = ln ||w_j||`` (``= ln |a_j|`` when balanced).
    directions : ndarray, shape (T, m, n)
        ``<w_j, x_i> / (||w_j|| ||x_i||)`` (frozen components included,
        decayed): coordinates in the unit inputs, ``<w_j, x_i>/||w_j||`` for
        unit-norm inputs.
    outputs : ndarray, shape (T, n)
        ``h(x_i)``.
    loss : ndarray, shape (T,)
        ``L(θ(t))`` (seed 000 eq. 1).
    balance_defect : ndarray, shape (T, m)
        ``1 − ||ū_j||²``: zero for the exact flow, its size measures the
        integration error of the directions.
    log_norm_rates, output_rates : ndarray, shapes (T, m) and (T, n)
        Exact derivatives ``dρ_j/dt`` and ``dh(x_i)/dt`` at the recorded
        times, for Hermite interpolation of crossing times.
    frozen_log_mass : ndarray, shape (m,)
        ``q_j = ln ||w_j^frozen||``: the constant part of ``w_j`` (components
        ``≤ 0`` at ``t = 0`` and the part orthogonal to the data span);
        ``-inf`` when empty.
    frozen_coefficients : ndarray, shape (m, n)
        ``<w_j(0), x_i> / (λ ||x_i||)`` for the components frozen from the
        start, else 0.
    deactivations : tuple of (float, int, int)
        ``(t, j, i)``: component ``<w_j, x_i>`` reached 0 at ``t`` and froze.
    nfev, steps, segments : int
        Right-hand side evaluations, accepted steps, and integration segments
        (one more than the deactivations that stopped the solver).
    seconds : float
        Wall-clock time of the integration.
    method : str
    rtol, atol : float
    init_log_norms : ndarray, shape (m,)
        ``ρ_j(0) + ln(1/λ) = ln(||w_j(0)|| / λ)``.
    output_ratios : ndarray, shape (T, m), or None
        ``α_j = a_j / ||w_j||`` of an unbalanced initialization
        (docs/general-inputs.md §3); ``None`` when balanced (``α_j = s_j``).
    """

    problem: Problem = field(repr=False)
    log_inv_lam: float
    t: NDArray[np.float64] = field(repr=False)
    log_norms: NDArray[np.float64] = field(repr=False)
    directions: NDArray[np.float64] = field(repr=False)
    outputs: NDArray[np.float64] = field(repr=False)
    loss: NDArray[np.float64] = field(repr=False)
    balance_defect: NDArray[np.float64] = field(repr=False)
    log_norm_rates: NDArray[np.float64] = field(repr=False)
    output_rates: NDArray[np.float64] = field(repr=False)
    frozen_log_mass: NDArray[np.float64] = field(repr=False)
    frozen_coefficients: NDArray[np.float64] = field(repr=False)
    deactivations: tuple[tuple[float, int, int], ...] = field(repr=False)
    nfev: int = 0
    steps: int = 0
    segments: int = 0
    seconds: float = 0.0
    method: str = "DOP853"
    rtol: float = 1e-10
    atol: float = 1e-12
    init_log_norms: NDArray[np.float64] | None = field(repr=False, default=None)
    _dense: tuple[Any, ...] = field(repr=False, default=())
    output_ratios: NDArray[np.float64] | None = field(repr=False, default=None)

    # -- scalars and derived arrays -------------------------------------------------

    @property
    def ratios(self) -> NDArray[np.float64]:
        """``α_j = a_j / ||w_j||``, shape (T, m): the output signs when balanced."""
        if self.output_ratios is not None:
            return self.output_ratios
        return np.broadcast_to(self.problem.signs.astype(float), self.log_norms.shape)

    @property
    def theta_sq_norm(self) -> NDArray[np.float64]:
        """``||θ||² = Σ_j a_j² + ||w_j||²``, shape (T,)."""
        return (np.exp(2.0 * self.log_norms) * (self.ratios**2 + 1.0 - self.balance_defect)).sum(axis=1)

    @property
    def balancedness(self) -> NDArray[np.float64]:
        """``a_j² − ||w_j||²``, shape (T, m) (seed 000 Lemma 1: constant; 0
        when balanced, ``λ² δ_j`` otherwise, up to the integration error)."""
        return np.exp(2.0 * self.log_norms) * (self.ratios**2 - 1.0 + self.balance_defect)

    # -- crossing times ---------------------------------------------------------------

    def fit_times(self) -> NDArray[np.float64]:
        """First time each datum is fitted, ``h(x_i)/y_i = 1/2`` (spec §7;
        ``nan`` if never), shape (n,).

        Returns
        -------
        ndarray, shape (n,)
            Un-accelerated times, refined on the dense output.

        Examples
        --------
        >>> from limitproc import Problem, simulate_flow
        >>> run = simulate_flow(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8)
        >>> (run.fit_times() / run.log_inv_lam).round(3)  # τ_1 = 0.4 at λ → 0
        array([0.41, 0.41])
        """
        y = self.problem.y
        scale = np.where(y != 0, y, np.inf)
        ratio, rates = self.outputs / scale, self.output_rates / scale
        times = np.array([crossing_time(self.t, ratio[:, i], FIT_FRACTION, rates[:, i]) for i in range(len(y))])
        return np.array([
            self._refine(lambda s, i=i: self.state(s)[2][i] / scale[i] - FIT_FRACTION, t) for i, t in enumerate(times)
        ])

    def group_log_sq_norm(self, neurons: int | ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``ln Σ_{j ∈ neurons} ||w_j||²`` and its time derivative, shape (T,)
        each (a group of equal mask columns acts as one neuron, spec §5).

        Parameters
        ----------
        neurons : int or array_like of int
            The neurons of the group.

        Returns
        -------
        values, rates : ndarray, shape (T,)

        Examples
        --------
        >>> from limitproc import Problem, simulate_flow
        >>> run = simulate_flow(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8)
        >>> values, rates = run.group_log_sq_norm([0, 1])
        >>> round(float(values[-1]), 6), round(float(np.log(5.0)), 6)  # ||w_0||² → n r = 5
        (1.609438, 1.609438)
        """
        neurons = np.atleast_1d(np.asarray(neurons, dtype=int))
        values = logsumexp(2.0 * self.log_norms[:, neurons], axis=1)
        weights = np.exp(2.0 * self.log_norms[:, neurons] - values[:, None])
        rates = (weights * 2.0 * self.log_norm_rates[:, neurons]).sum(axis=1)
        return values, rates

    def growth_time(self, neurons: int | ArrayLike, sq_norm: float) -> float:
        """First time ``Σ_{j ∈ neurons} ||w_j||²`` reaches ``sq_norm`` (``nan``
        if never), e.g. half the predicted ``n r`` of a jump.

        Parameters
        ----------
        neurons : int or array_like of int
            The neurons of the group.
        sq_norm : float
            The level of ``Σ ||w_j||²``.

        Returns
        -------
        float
            Un-accelerated time, refined on the dense output.

        Examples
        --------
        >>> from limitproc import Problem, simulate_flow
        >>> run = simulate_flow(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8)
        >>> round(run.growth_time(0, 2.5) / run.log_inv_lam, 3)  # half of n r = 5; τ_1 = 0.4 at λ → 0
        0.41
        """
        neurons = np.atleast_1d(np.asarray(neurons, dtype=int))
        values, rates = self.group_log_sq_norm(neurons)
        level = float(np.log(sq_norm))
        guess = crossing_time(self.t, values, level, rates)
        return self._refine(lambda s: logsumexp(2.0 * self.state(s)[0][neurons]) - level, guess)

    def _refine(self, func, guess):
        """Refine a crossing time located on the recorded grid with the dense
        output (root of ``func`` in the bracketing step)."""
        if not np.isfinite(guess) or not self._dense:
            return guess
        k = int(np.searchsorted(self.t, guess))
        lo, hi = float(self.t[max(k - 1, 0)]), float(self.t[min(k, self.t.size - 1)])
        try:
            f_lo, f_hi = func(lo), func(hi)
        except ValueError:
            return guess
        if not (f_lo < 0 <= f_hi) or hi <= lo:
            return guess
        return float(brentq(func, lo, hi, xtol=1e-12, rtol=1e-15))

    # -- evaluation at any time -------------------------------------------------------

    def sample(self, times: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Log-norms (k, m), directions (k, m, n) and outputs (k, n) at the given
        times (dense output; each segment between events evaluated at once).

        Parameters
        ----------
        times : array_like, shape (k,)
            Un-accelerated times in ``[0, t_max]``.

        Returns
        -------
        rho : ndarray, shape (k, m)
        U : ndarray, shape (k, m, n)
        h : ndarray, shape (k, n)

        Raises
        ------
        ValueError
            A time is outside the run, or the run kept no dense output.

        Examples
        --------
        >>> from limitproc import Problem, simulate_flow
        >>> run = simulate_flow(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8)
        >>> rho, U, h = run.sample([0.0, run.t_max])
        >>> U.shape, h.round(6).tolist()
        ((2, 2, 2), [[0.0, 0.0], [3.0, 4.0]])
        """
        rho, _, U, h = self._sample(times)
        return rho, U, h

    def _sample(
        self, times: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """:meth:`sample` with the ratios ``α = a/||w||`` (k, m) as well."""
        times = np.atleast_1d(np.asarray(times, dtype=float))
        outside = ~((times >= 0.0) & (times <= self.t_max * (1 + 1e-12)))
        if not self._dense or outside.any():
            t = times[outside][0] if outside.any() else times[0]
            raise ValueError(f"t = {t} is outside the run [0, {self.t_max}] (or the run kept no dense output)")
        m, n = self.problem.m, self.problem.n
        head = m if self.output_ratios is None else 2 * m
        starts = [seg[0] for seg in self._dense]
        which = np.maximum(np.searchsorted(starts, times, side="right") - 1, 0)
        rho = np.empty((times.size, m))
        alpha = np.empty((times.size, m))
        alpha[:] = self.problem.signs
        U = np.empty((times.size, m, n))
        for segment in np.unique(which):
            chosen = which == segment
            _, solution, index, active0, frozen_log, frozen_sign = self._dense[segment]
            z = solution(np.minimum(times[chosen], solution.t_max)).reshape(head + index.size, -1).T
            u = np.zeros((z.shape[0], m * n))
            u[:, index] = z[:, head:]
            rho[chosen] = z[:, :m]
            if head > m:
                alpha[chosen] = z[:, m:head]
            U[chosen] = _with_frozen(z[:, :m], u.reshape(-1, m, n), active0, frozen_log, frozen_sign)
        h = np.einsum("km,kmn->kn", alpha * np.exp(2.0 * rho), np.maximum(U, 0.0))
        c = input_scale(self.problem)
        return rho, alpha, U, (h if c is None else h * c)

    def contributions(self, index: int = -1) -> NDArray[np.float64]:
        """``a_j σ(<w_j, x_i>)`` at a recorded time, shape (m, n): neuron
        ``j``'s share of ``h(x_i)``.

        Parameters
        ----------
        index : int
            Index of the recorded time (default: the last).

        Returns
        -------
        ndarray, shape (m, n)

        Examples
        --------
        >>> from limitproc import Problem, simulate_flow
        >>> run = simulate_flow(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8)
        >>> run.contributions().round(4)  # neuron 0 fits both data
        array([[3., 4.],
               [0., 0.]])
        """
        c = input_scale(self.problem)
        share = (self.ratios[index] * np.exp(2.0 * self.log_norms[index]))[:, None] * np.maximum(self.directions[index], 0.0)
        return share if c is None else share * c

    def parameters(self, index: int = -1) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(a, W)`` at a recorded time, in input coordinates (``W`` (m, d)).

        Frozen components are restored from their initial values, so this is
        the full flow state (entries of size ``λ`` underflow to 0 only below
        ``λ ≈ 1e-308``).

        Parameters
        ----------
        index : int
            Index of the recorded time (default: the last).

        Returns
        -------
        a : ndarray, shape (m,)
        W : ndarray, shape (m, d)

        Examples
        --------
        >>> from limitproc import Problem, simulate_flow
        >>> run = simulate_flow(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8)
        >>> a, W = run.parameters(0)  # λ W0 and λ s ||W0_j||
        >>> (a / run.lam).round(6).tolist(), (W / run.lam).round(6).tolist()
        ([1.414214, 1.414214], [[1.0, 1.0], [1.0, -1.0]])
        """
        p = self.problem
        rho = self.log_norms[index]
        a = self.ratios[index] * np.exp(rho)
        live = np.exp(rho)[:, None] * np.where(self.frozen_coefficients == 0.0, self.directions[index], 0.0)
        C = live + self.frozen_coefficients * self.lam  # <w_j, x_i> / ||x_i||
        if p.X is None:
            return a, C
        units = p.X / p.input_norms[:, None]
        start = p.data_coordinates()
        if not p.regime.orthogonal:  # cosine coordinates: w_j = Σ_i β_ji x_i/||x_i|| with Ĝ β_j = C_j
            gram = units @ units.T
            C, start = np.linalg.solve(gram, C.T).T, np.linalg.solve(gram, start.T).T
        init_log_norms = cast("NDArray[np.float64]", self.init_log_norms)  # always set by the simulators
        perp = (p.directions - start @ units) * (np.exp(init_log_norms) * self.lam)[:, None]
        return a, C @ units + perp

    def __repr__(self) -> str:
        lam = f"λ=e^-{self.log_inv_lam:.6g}" if self.lam < 1e-300 else f"λ={self.lam:.3g}"
        return (
            f"FlowRun({lam}, t_max={self.t[-1]:.6g} (τ={self.tau[-1]:.4g}), final loss={self.loss[-1]:.6g}, "
            f"||θ||²={self.theta_sq_norm[-1]:.6g}, {self.method} rtol={self.rtol:g}: "
            f"{self.nfev} evaluations, {self.steps} steps, {len(self.deactivations)} deactivations, "
            f"{self.seconds:.2f} s)"
        )


def _with_frozen(rho, U, active0, frozen_log, frozen_sign):
    """Directions (T, m, n) with the components frozen from the start put
    back: they decay like ``e^{-ρ}`` in direction units, ``sign · e^{q − ρ}``
    (components frozen by an event are exactly 0, already in ``U``)."""
    decayed = frozen_sign * np.exp(frozen_log - rho[:, :, None])
    return np.where(active0, U, decayed)
