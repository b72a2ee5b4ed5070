r"""Validation of the limit process against the real gradient flow (spec §7).

:func:`validate` runs :func:`~limitproc.flow.simulate.simulate_flow` at each given
``λ`` and measures its distance to the limit process of spec §3
(:func:`~limitproc.process.algorithm1.limit_process`).  The result is a frozen
:class:`ValidationReport` with one :class:`RunCheck` per ``λ``.

Detection rules
---------------
**Jump times.**  Jump ``k`` of neuron ``j_k`` (spec §3) is detected at the
first time ``t̂_k`` at which the squared norm of ``j_k``'s group,
``Σ_{g ∈ group} ||w_g||²``, reaches half its predicted value ``a_k²/2``:
``n r_k / 2`` with ``r_k`` the jump's rate, ``||(y/c)_I|| / 2`` for inputs of
any norms ``c`` (docs/general-inputs.md §1).  This is seed 000's "half-fit" time (seeds digest
F11): before the jump the norm is ``λ^{e}``, after it ``n r_k``, and the
crossing is a logistic one of width ``O(1/r_k)`` in ``t``, so ``t̂_k`` is
sharp and never confused by another neuron's jump.  The loss midpoint
between plateaus would be ambiguous when two jumps are closer than their
widths.  The reported error is accelerated,
``t̂_k / ln(1/λ) − τ_k``; it is ``O(1/ln(1/λ))`` (spec §7), and
``offset = t̂_k − τ_k ln(1/λ)`` converges to a constant (spec §8).

**Who fits what.**  Datum ``i`` is fitted at the first time
``h(x_i) = y_i / 2`` (spec §7; seed 002 App. A.1).  Its *fitter* is the neuron
(group) with the largest contribution ``s_j ||w_j|| σ(<w_j, x_i>)`` towards
``y_i`` at that time.  The flow matches the prediction when every jump's
data ``I_{j_k}^{k-1}`` are fitted by ``j_k``'s group and by no other, and the
data the prediction never fits are not fitted by the end of the run.  A
group of equal mask columns counts as one neuron (spec §5).

**Plateaus.**  Saddle ``θ_k`` is compared with the flow on the window
``[τ_k + Δ_k/4, τ_k + 3Δ_k/4]``, the middle half of the plateau
``Δ_k = τ_{k+1} − τ_k`` (for the last saddle ``Δ_K = τ_K − τ_{K−1}``, or
``τ_1`` when ``K = 1``; ``1`` when ``K = 0``).  The window is fixed in ``τ``
and avoids the jumps, as Theorem 2 of seed 002 requires, so its errors must
shrink as ``λ → 0``.  On it (64 equally spaced times from the dense output,
plus every recorded step) the report gives ``sup |L(θ(t)) − L(θ_k)|`` and
``sup ||θ̃(τ) − θ_k||`` in parameter space, with groups collapsed onto their
first neuron (norm ``sqrt(Σ_g ||w_g||²)``, direction the norm-weighted mean)
as the limit process carries them.

**Offsets.**  In the limit ``offset_k = t̂_k − τ_k ln(1/λ)`` tends to a constant
``C_k``.  :func:`~limitproc.finite.offsets.log_norm_offsets` computes it exactly
(:mod:`limitproc.finite.offsets`, ``docs/finite-lambda.md``); the report keeps
the first-order estimate :func:`offset_model` (defined there, re-exported
here), from the exact solution of one neuron in its linear phase (seeds
digest §2.2, F11):

.. math::

    2 r_k C_k = \ln(n r_k) - 2 \ln\big(\|W0_j\| (1 + z_j)/2\big)
      - 2 \sum_{l} \Big[\ln\frac{1 + r^l_j / r^{l-1}_j}{2} + (r^{l-1}_j - r^l_j)\, C_l\Big],

with ``z_j = s_j <z_j, D_j^0> / r_j^0 ∈ (0, 1]`` the initial alignment, and the
sum over the earlier jumps ``l`` that lowered ``j``'s rate (realignment from
``D^{l-1}`` to ``D^l``, whose cosine is ``r^l/r^{l-1}``, and the shift of the
rate change by the offset of jump ``l``).  It is exact for a first jump
without wrong-sign components (e.g. seed 000's two-phase case, spec §4).
:func:`offset_bound` bounds ``|C_k|`` by taking every alignment loss at its
worst (``ln 2`` each) plus the mass ``ω_j`` of the components on
opposite-sign data, which deactivate during the first ``O(1)`` time:
``2 r_k B_k = |ln(n r_k)| + 2 |ln ||W0_j||| + 2 ln 2 + ω_j + Σ_l [2 ln 2 + 2 (r^{l-1} − r^l) B_l]``.
Measured on 431 resolved jumps of random problems (n ≤ 16, m ≤ 8,
``ln(1/λ) ∈ {60, 300}``), ``|C_k| / B_k`` was at most 0.88 (median 0.29).  So
``|t̂_k/ln(1/λ) − τ_k| ≤ B_k / ln(1/λ)`` is the derived tolerance of a
resolved run; ``JumpCheck.within_bound`` records it.

**Resolution.**  ``μ ln(1/λ)`` (spec §8) is reported per ``λ``.  Below 5
a mismatch is expected ("neighbouring neurons share the fit") and the run is
marked *unresolved*, not failed.

**Late rate.**  After the last jump ``L − L(θ_K) ∝ e^{−2νt}`` (seeds digest
F14): :func:`late_rate` fits ``ν`` on the flow where the excess falls
through ``RATE_WINDOW`` (1e-6 to 1e-10 of the drop), and
:mod:`limitproc.finite.corrections` predicts it at the run's ``λ``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _limits
from ..arguments import check_bool, check_problem, check_real
from ..errors import ArgumentError, ArgumentTypeError
from ..finite import RATE_WINDOW, finite_lambda, fitted_rate
from ..finite.offsets import log_norm_offsets, offset_bound, offset_model
from ..process.algorithm1 import RESOLUTION_CONSTANT
from ..scale import effective_log_inv_lambda, log_inv_lambda
from .report import JumpCheck, PlateauCheck, RunCheck, ValidationReport, Verdict
from .run import check_label_range
from .simulate import simulate_flow

if TYPE_CHECKING:
    from ..finite.corrections import FiniteLambdaPrediction
    from ..problem.problem import Problem
    from ..process.algorithm1 import LimitProcess
    from .run import FlowRun

__all__ = [
    "late_rate",
    "late_slope",
    "run_prediction",
    "offset_bound",
    "offset_model",
    "plateau_windows",
    "validate",
]


#: Fraction of each plateau, on each side, that the comparison window leaves out.
WINDOW_MARGIN = 0.25

#: Largest ``ln(1/λ)`` :func:`validate` simulates: the flow's time grows like
#: ``ln(1/λ)`` and so does the solver's work (about 7 s at ``ln(1/λ) = 10^4``
#: on a four-datum problem, minutes at ``10^6``).  Defined in
#: ``limitproc._limits``, which the command line's parser imports without
#: the simulator.
MAX_LOG_INV_LAM = _limits.MAX_LOG_INV_LAM

#: Largest solver tolerances :func:`validate` accepts: looser steps can carry
#: the log-norms to NaN before a jump (defined in ``limitproc._limits``).
MAX_TOLERANCE = _limits.MAX_TOLERANCE

#: Points of the dense output sampled in each window (besides the steps).
WINDOW_SAMPLES = 64


def validate(
    problem: Problem,
    lams: float | Sequence[float] | None = None,
    *,
    log_inv_lams: float | Sequence[float] | None = None,
    process: LimitProcess | None = None,
    progress: Callable[[int, int], object] | None = None,
    runs: Sequence[FlowRun] | None = None,
    rates: bool = True,
    **flow_options: Any,
) -> ValidationReport:
    """Run the gradient flow at each ``λ`` and compare it with the limit
    process (spec §7; detection rules in the module docstring).

    Parameters
    ----------
    problem : Problem
    lams : float or sequence of float, optional
        Initialization scales ``0 < λ < 1``.
    log_inv_lams : float or sequence of float, optional
        ``ln(1/λ)`` values, for scales below the float range; appended to
        ``lams``.
    process : LimitProcess, optional
        The prediction (computed with :func:`limit_process` if omitted).
    progress : callable, optional
        Called as ``progress(i, total)`` after each run (``i`` from 1), e.g.
        to advance a progress bar.
    runs : sequence of FlowRun, optional
        Already simulated flows to compare instead of simulating
        (their ``λ`` are used; ``lams`` must then be omitted).
    rates : bool
        Also measure the late convergence rate of each flow and predict it
        at its ``λ`` (:mod:`limitproc.finite.corrections`; about a second per
        ``λ`` at n = 64).
    **flow_options
        Passed to :func:`~limitproc.flow.simulate.simulate_flow` (``rtol``, ``atol``,
        ``method``, ``unit_init``, ``t_max``).

    Returns
    -------
    ValidationReport

    Raises
    ------
    ArgumentTypeError, ArgumentError
        An argument of the wrong type or out of range: no scale, both
        ``runs`` and scales, ``ln(1/λ)`` above :data:`MAX_LOG_INV_LAM`,
        tolerances above :data:`MAX_TOLERANCE`.

    Examples
    --------
    Two positive data, a neuron active on both and one on the first only; the
    first neuron fits both at ``τ = 0.4`` (spec §3):

    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
    >>> report = validate(p, [1e-8, 1e-16])
    >>> [r.verdict.name for r in report.runs]
    ['MATCH', 'MATCH']
    >>> [round(j.offset, 6) for r in report.runs for j in r.jumps]  # t̂ − τ ln(1/λ)
    [0.185273, 0.185273]
    >>> round(report.runs[0].jumps[0].offset_model, 6)  # exact here (no wrong-sign data)
    0.185273
    """
    from ..process.algorithm1 import limit_process

    _check_arguments(problem, process, progress, rates, flow_options)
    check_label_range(problem)  # the simulated runs and the offset model work in the labels' units
    lams, log_inv_lams = _scales(lams, "lams"), _scales(log_inv_lams, "log_inv_lams")
    process = limit_process(problem) if process is None else process
    if runs is not None:
        if lams is not None or log_inv_lams is not None:
            raise ArgumentError("give either runs or lams/log_inv_lams, not both")
        scales = [run.log_inv_lam for run in runs]
    else:
        scales = [log_inv_lambda(lam) for lam in (lams or [])]
        scales += [log_inv_lambda(log_inv_lam=v) for v in (log_inv_lams or [])]
        if not scales:
            raise ArgumentError("give at least one λ (lams or log_inv_lams)")
        too_large = [L for L in scales if L > MAX_LOG_INV_LAM]
        if too_large:
            raise ArgumentError(f"ln(1/λ) = {too_large[0]:g} is above {MAX_LOG_INV_LAM:g}: the flow's time, and the "
                                "solver's work, grow like ln(1/λ); the limit process itself needs no simulation")
    margin = float(process.resolution_margin.value)
    model, bound = offset_model(problem, process), offset_bound(problem, process)
    offsets: dict[bool, Any] = {}  # λ-free, per initialization convention
    checks = []
    for i, L in enumerate(scales, start=1):
        if runs is not None:
            run = runs[i - 1]
        else:
            options = dict(flow_options)
            if "t_max" not in options:
                options["t_max"] = validation_horizon(process, L)
            run = simulate_flow(problem, log_inv_lam=L, process=process, **options)
        check = _check(problem, process, run, margin, model, bound)
        if rates and process.K:
            prediction = run_prediction(process, run, offsets)
            check = replace(check, late_rate=late_rate(run, process), finite=prediction,
                            late_rate_predicted=np.nan if prediction is None else prediction.rate)
        checks.append(check)
        if progress is not None:
            progress(i, len(scales))
    return ValidationReport(process, tuple(checks), margin)


def _scales(values: float | Sequence[float] | None, name: str) -> list[float] | None:
    """``values`` (one number or a sequence of them) as a list, or ``None``."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)):
        raise ArgumentTypeError(f"{name} must be a number or a list of numbers, got {values!r}")
    return list(values) if hasattr(values, "__iter__") else [values]


def _check_arguments(problem, process, progress, rates, flow_options):
    """The arguments of :func:`validate` (front door: checked once here)."""
    from ..process.algorithm1 import LimitProcess

    check_problem(problem)
    if process is not None and not isinstance(process, LimitProcess):
        raise ArgumentTypeError(f"process must be a LimitProcess, got {type(process).__name__}")
    if progress is not None and not callable(progress):
        raise ArgumentTypeError(f"progress must be callable, got {type(progress).__name__}")
    check_bool(rates, "rates")
    for name in ("rtol", "atol"):
        if name in flow_options:
            check_real(flow_options[name], name, 0.0, MAX_TOLERANCE, high_open=False)
    if flow_options.get("t_max") is not None:
        check_real(flow_options["t_max"], "t_max", 0.0, None)


def plateau_windows(process: LimitProcess) -> list[tuple[float, float]]:
    """Accelerated windows ``[τ_k + Δ_k/4, τ_k + 3Δ_k/4]`` of the saddles
    (module docstring), one per ``k = 0..K``.

    Parameters
    ----------
    process : LimitProcess

    Returns
    -------
    list of (float, float)
        ``(τ_lo, τ_hi)`` for ``k = 0..K``.

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
    >>> [tuple(round(v, 3) for v in w) for w in plateau_windows(limit_process(p))]
    [(0.1, 0.3), (0.5, 0.7)]
    """
    times = [0.0] + [float(t) for t in process.times]
    windows = []
    for k, start in enumerate(times):
        if k + 1 < len(times):
            gap = times[k + 1] - start
        else:
            gap = start - times[k - 1] if k >= 1 else 1.0
        windows.append((start + WINDOW_MARGIN * gap, start + (1 - WINDOW_MARGIN) * gap))
    return windows


def _excess_after_last_jump(run, process, num=20001):
    """``(t, L(t) − L(θ_K), L(θ_0) − L(θ_K))`` of a run on ``num`` points from
    ``τ_K ln(1/λ)`` to its end (``None`` when the run ends before)."""
    L_K = float(process.final.loss)
    t_K = float(process.times[-1]) * run.log_inv_lam if process.K else 0.0
    if not t_K < run.t_max:
        return None
    grid = np.linspace(t_K, run.t_max, num)
    _, _, h = run.sample(grid)
    return grid, run.problem.loss(h) - L_K, float(process.losses[0]) - L_K


def late_rate(run: FlowRun, process: LimitProcess, window: tuple[float, float] = RATE_WINDOW) -> float:
    """Measured rate ``ν`` of ``L − L(θ_K) ∝ e^{−2νt}`` on a simulated flow,
    fitted where the excess falls through ``window`` of ``L(θ_0) − L(θ_K)``
    (:func:`~limitproc.finite.corrections.fitted_rate` on 401 samples between the
    two crossings): the counterpart of
    :attr:`~limitproc.finite.corrections.FiniteLambdaPrediction.rate`; ``nan`` if
    the run ends before the excess falls through the window.

    Parameters
    ----------
    run : FlowRun
        A simulated flow with its dense output.
    process : LimitProcess
        Its limit process.
    window : (float, float)
        Fractions of the drop ``L(θ_0) − L(θ_K)`` between which the rate is
        fitted (default ``RATE_WINDOW``, 1e-6 to 1e-10).

    Returns
    -------
    float

    Examples
    --------
    >>> from limitproc import Problem, limit_process, simulate_flow
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
    >>> process, run = limit_process(p), simulate_flow(p, 1e-8)
    >>> round(late_rate(run, process), 3)  # ν → r = 2.5 times 2 (seeds digest F14)
    4.999
    """
    sampled = _excess_after_last_jump(run, process)
    if sampled is None:
        return np.nan
    grid, excess, drop = sampled
    first = np.flatnonzero(excess <= window[0] * drop)
    last = np.flatnonzero(excess < window[1] * drop)
    if first.size == 0 or last.size == 0 or last[0] <= first[0]:
        return np.nan
    fine = np.linspace(grid[max(first[0] - 1, 0)], grid[last[0]], 401)
    _, _, h = run.sample(fine)
    return fitted_rate(fine, run.problem.loss(h) - float(process.final.loss), drop, window)


def late_slope(run: FlowRun, process: LimitProcess, level: float) -> float:
    """Measured rate ``ν = −½ d ln(L − L(θ_K))/dt`` of a simulated flow where
    its excess loss first falls to ``level · (L(θ_0) − L(θ_K))`` after the last
    predicted jump: the counterpart of
    :meth:`~limitproc.finite.corrections.FiniteLambdaPrediction.slope` (seeds
    digest F14).  A line fitted to ``ln(L − L(θ_K))`` over ±20 points of a
    20 001-point grid from ``τ_K ln(1/λ)`` to the end of the run; ``nan`` if the
    run ends before the excess gets there.

    Parameters
    ----------
    run : FlowRun
        A simulated flow with its dense output.
    process : LimitProcess
        Its limit process.
    level : float
        Fraction of the drop ``L(θ_0) − L(θ_K)`` where the slope is taken.

    Returns
    -------
    float

    Examples
    --------
    >>> from limitproc import Problem, limit_process, simulate_flow
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
    >>> process, run = limit_process(p), simulate_flow(p, 1e-8)
    >>> round(late_slope(run, process, 1e-8), 3)
    4.999
    """
    sampled = _excess_after_last_jump(run, process)
    if sampled is None:
        return np.nan
    grid, excess, drop = sampled
    below = np.flatnonzero(excess <= level * drop)
    if below.size == 0:
        return np.nan
    i = int(below[0])
    window = slice(max(i - 20, 0), min(i + 20, grid.size - 1))
    positive = excess[window] > 0
    if positive.sum() < 2:
        return np.nan
    return float(-0.5 * np.polyfit(grid[window][positive], np.log(excess[window][positive]), 1)[0])


def run_prediction(
    process: LimitProcess, run: FlowRun, offsets: dict[bool, Any] | None = None
) -> FiniteLambdaPrediction | None:
    """The finite-λ prediction (:func:`~limitproc.finite.corrections.finite_lambda`)
    of a simulated run, at its ``λ`` and initialization convention, with its
    relaxation model and rate built; ``None`` where the model cannot be built.
    ``offsets`` (a dict) caches the λ-free offsets across runs.

    Parameters
    ----------
    process : LimitProcess
    run : FlowRun
    offsets : dict, optional
        Cache of :func:`~limitproc.finite.offsets.log_norm_offsets`, keyed
        by the run's :attr:`~limitproc.flow.run.FlowRun.unit_init`; filled
        as needed.

    Returns
    -------
    FiniteLambdaPrediction or None

    Examples
    --------
    >>> from limitproc import Problem, limit_process, simulate_flow
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
    >>> process, run = limit_process(p), simulate_flow(p, 1e-8)
    >>> round(run_prediction(process, run).rate, 3), round(late_rate(run, process), 3)  # predicted, measured
    (4.999, 4.999)
    """
    offsets = {} if offsets is None else offsets
    unit = run.unit_init
    try:
        if unit not in offsets:
            offsets[unit] = log_norm_offsets(process, unit_init=unit)
        prediction = finite_lambda(process, log_inv_lam=run.log_inv_lam, offsets=offsets[unit])
        prediction.rate  # builds and caches the relaxation model (may fail here)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        return None
    return prediction


def validation_horizon(process: LimitProcess, log_inv_lam: float) -> float:
    """Run length covering every plateau window and the relaxation after the
    last jump: ``max(window end) · ln(1/λ) + 30 / r_min`` (``r_min`` the smallest
    jump rate)."""
    end = max(hi for _, hi in plateau_windows(process))
    rates = [float(s.rate) for s in process.jumps]
    return float(end * log_inv_lam + (30.0 / min(rates) if rates else 0.0))


def _check(problem, process, run, margin, model, bound):
    L = run.log_inv_lam
    n = problem.n
    mask = process.mask
    rep = mask.representative
    y = problem.y

    # -- who fits what (spec §7) --
    fit_times = run.fit_times()
    fitter = np.full(n, -1)
    for i in np.flatnonzero(np.isfinite(fit_times)):
        rho, U, _ = run.state(fit_times[i])
        toward = problem.signs * np.exp(2.0 * rho) * np.maximum(U[:, i], 0.0) * np.sign(y[i])
        fitter[i] = rep[int(np.argmax(toward))]
    end_fitted = run.fitted[-1]
    contributions = run.contributions(-1) * np.sign(y)[None, :]
    h_end = np.abs(run.outputs[-1])
    shares = [
        contributions[:, i].max() / h_end[i] for i in np.flatnonzero(end_fitted) if h_end[i] > 0
    ]
    min_share = float(min(shares)) if shares else 1.0
    unfitted = tuple(int(i) for i in np.flatnonzero(~end_fitted & (y != 0)))
    fitted_pred = np.zeros(n, dtype=bool)
    for s in process.jumps:
        fitted_pred[s.data] = True
    unfitted_pred = tuple(int(i) for i in np.flatnonzero(~fitted_pred & (y != 0)))

    # -- jumps --
    jumps = []
    for idx, s in enumerate(process.jumps):
        group = s.group or (s.neuron,)
        t_hat = run.growth_time(group, float(s.a) ** 2 / 2.0)  # a² = n r_k; ||(y/c)_I|| for any norms
        data = tuple(int(i) for i in s.data)
        fitters = tuple(sorted({int(fitter[i]) for i in data}))
        flow_data = tuple(int(i) for i in np.flatnonzero(fitter == rep[s.neuron]))
        matches = flow_data == data and fitters == (int(rep[s.neuron]),)
        tau = float(s.tau)
        jumps.append(JumpCheck(
            s.k, int(s.neuron), tuple(int(g) for g in group), data, tau, t_hat,
            t_hat / L - tau, t_hat - tau * L, fitters, flow_data, bool(matches),
            float(model[idx]), float(bound[idx]),
        ))
    predicted_times = np.array([j.tau for j in jumps])
    detected = np.array([j.t_flow for j in jumps])
    order = bool(np.all(np.isfinite(detected))) and all(
        detected[a] < detected[b]
        for a in range(len(jumps)) for b in range(len(jumps)) if predicted_times[a] < predicted_times[b]
    )
    same = all(j.matches for j in jumps) and set(unfitted) == set(unfitted_pred) and all(
        fitter[i] in {int(rep[s.neuron]) for s in process.jumps} for i in np.flatnonzero(fitter >= 0)
    )

    # -- plateaus --
    plateaus = []
    for k, (lo, hi) in enumerate(plateau_windows(process)):
        lo_t, hi_t = lo * L, min(hi * L, run.t_max)
        saddle_loss = float(process.saddles[k].loss)
        if hi_t <= lo_t:
            plateaus.append(PlateauCheck(k, (lo, hi), saddle_loss, np.nan, np.nan))
            continue
        times = np.union1d(np.linspace(lo_t, hi_t, WINDOW_SAMPLES), run.t[(run.t >= lo_t) & (run.t <= hi_t)])
        rho, U, h = run.sample(times)
        loss = problem.loss(h)
        distance = _distance(problem, process, k, rho, U, run)
        plateaus.append(PlateauCheck(k, (lo, hi_t / L), saddle_loss,
                                     float(np.abs(loss - saddle_loss).max()), float(distance.max())))

    scale = margin * effective_log_inv_lambda(L, problem.label_size)
    if same:
        verdict = Verdict.MATCH if scale >= RESOLUTION_CONSTANT else Verdict.UNRESOLVED_MATCH
    else:
        verdict = Verdict.MISMATCH if scale >= RESOLUTION_CONSTANT else Verdict.UNRESOLVED
    balance = np.abs(run.balancedness)
    return RunCheck(
        L, scale, verdict, tuple(jumps), tuple(plateaus), unfitted, unfitted_pred, order, min_share,
        float(balance.max()), float(np.abs(run.balance_defect).max()), float(run.theta_sq_norm[-1]),
        float(process.final.sq_norm), float(run.loss[-1]), run.nfev, run.steps, run.seconds, run,
    )


def _distance(problem, process, k, rho, U, run):
    """``||θ(t) − θ_k||`` at sampled times, shape (T,), groups collapsed
    (module docstring).  ``θ`` in data-basis coordinates plus the constant
    part orthogonal to the data span."""
    m, n = problem.m, problem.n
    s = problem.signs.astype(float)
    norms = np.exp(rho)  # (T, m)
    a = s * norms
    C = norms[:, :, None] * U  # <w_j, x_i>
    for group in process.mask.groups:
        g = list(group)
        total = np.sqrt((norms[:, g] ** 2).sum(axis=1))
        safe = np.where(total > 0, total, 1.0)
        merged = (norms[:, g, None] * C[:, g]).sum(axis=1) / safe[:, None]
        a[:, g] = 0.0
        C[:, g] = 0.0
        a[:, g[0]] = s[g[0]] * total
        C[:, g[0]] = merged
    a_k = np.zeros(m)
    C_k = np.zeros((m, n))
    for saddle in process.saddles[1 : k + 1]:
        a_k[saddle.neuron] = float(saddle.a)
        C_k[saddle.neuron, saddle.data] = [float(c) for c in saddle.coefficients]
    sq = ((a - a_k) ** 2).sum(axis=1) + ((C - C_k) ** 2).sum(axis=(1, 2))
    if problem.X is not None:
        units = np.asarray(problem.X, dtype=float) / problem.input_norms[:, None]
        perp = np.maximum(((problem.directions - problem.data_coordinates() @ units) ** 2).sum(axis=1), 0.0)
        sq = sq + (perp * np.exp(2.0 * (run.init_log_norms - run.log_inv_lam))).sum()
    return np.sqrt(sq)
