"""Full-batch gradient descent of spec §1 at a small λ, exact in ``(a, W)``
(``docs/gradient-descent.md``).

:func:`simulate_gd` runs the gradient descent people train with,
``θ ← θ − lr ∇L_reduction(θ)``, from the balanced initialization of spec §1
at scale ``λ``, and returns a :class:`GDRun`: the recorded steps with their
loss, per-neuron log-norms, outputs and balancedness, and the measurements
validation needs (fit times, growth times, final parameters), with times in
flow-time units ``t = h · step`` and in steps.

Units (``docs/gradient-descent.md`` §1)
----------------------------------------
One step of learning rate ``lr`` on the loss of spec §1,
``L = (1/2n) Σ (h − y)²``, advances the flow time by ``h = lr``; on torch's
``MSELoss(reduction="mean") = 2L`` by ``h = 2 lr``; on
``MSELoss(reduction="sum") = 2nL`` by ``h = 2n lr`` (seeds digest §0).
:func:`flow_time_step` converts.  Everything below uses ``h``.

Parametrization
---------------
Per neuron a log-scale ``σ_j`` and the scaled parameters
``(ã_j, c̃_j) = (a_j, (<w_j, x_i>)_i) / e^{σ_j}`` in data-basis coordinates
(spec §7).  With ``D_j = (1/n) Σ_i 1[c_ji > 0] (y_i − h(x_i)) x_i``
(seed 000 eq. 3) the step

.. math::

    a_j \\leftarrow a_j + h \\langle D_j, w_j \\rangle, \\qquad
    w_j \\leftarrow w_j + h\\, a_j D_j

is linear in ``(a_j, w_j)`` once the residual is known, so it is applied
exactly to the scaled variables; then ``σ_j`` absorbs the scale,
``e^{2σ_j} = (a_j² + ||w_j||²)/2``.  The outputs ``h(x_i) =
Σ_j e^{2σ_j} ã_j max(c̃_ji, 0)`` underflow harmlessly for tiny neurons, so
``λ = 1e-16``, ``1e-32`` or ``e^-300`` run like ``1e-4``.  Components
``c_ji ≤ 0`` get no gradient (``σ'(0) = 0``): they stay frozen, never
recomputed from input coordinates (spec §7).  The part of ``w_j``
orthogonal to the data span gets no gradient either: it is a constant
``||w_j^⊥|| = e^{q_j}`` that enters only the norm.

Recording
---------
A step is recorded when an output has moved by more than ``record_change ·
max|y|``, a log-scale by more than ``10 · record_change``, the loss by more
than the fraction ``record_change``, a component froze, or ``record_every``
steps have passed since the last record: dense during jumps, sparse on
plateaus (where log-norms are straight lines in ``t``).  Crossing times are
interpolated linearly between records.

Divergence
----------
Gradient descent stays on the predicted path only when ``h`` is below the
stability limit of ``docs/gradient-descent.md`` §6.  Above it, a fitted
neuron overshoots and a step pushes one of its sizeable components through 0,
where ``σ'(0) = 0`` freezes it: a *catapult through the ReLU kink*.  A run
stops at such a step, or once its loss becomes non-finite or exceeds
``DIVERGENCE_FACTOR · L(θ_0)``, or a neuron grows ``e^{DIVERGENCE_LOG_NORM}``
past any saddle's norm, with :attr:`GDRun.status` :attr:`GDStatus.DIVERGED`
and a message; the run is returned, not raised.

One module although past 600 lines: the gradient-descent simulator, its stopping rules and its run object are one
concept (about 370 lines of code; the rest is numpydoc and examples).
"""

from __future__ import annotations

import enum
import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

import numpy as np
from scipy.special import logsumexp

from ..errors import InputError
from ..scale import log_inv_lambda
from .run import FIT_FRACTION, RecordedRun, check_label_range

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from ..problem.problem import Problem
    from ..process.algorithm1 import LimitProcess

__all__ = [
    "CATAPULT_FRACTION",
    "DIVERGENCE_FACTOR",
    "REDUCTIONS",
    "GDRun",
    "GDStatus",
    "default_gd_steps",
    "flow_time_step",
    "gd_rate",
    "simulate_gd",
    "transit_offset",
]

#: The losses a learning rate can refer to: spec §1's ``L`` ("spec"), torch's
#: ``MSELoss(reduction="mean") = 2L`` and ``MSELoss(reduction="sum") = 2nL``.
REDUCTIONS = ("spec", "mean", "sum")

#: A run has diverged once its loss exceeds this multiple of ``L(θ_0)``.
DIVERGENCE_FACTOR = 1e4

#: ... or once some ``ln(a_j² + ||w_j||²)/2`` exceeds ``ln sqrt(2 n max|y|)``
#: (above any saddle's neuron, ``n r ≤ ||y||``) by this much.
DIVERGENCE_LOG_NORM = 10.0


#: ... or once a component holding at least ``CATAPULT_FRACTION`` of its
#: neuron's norm freezes while the neuron's ``(a² + ||w||²)/2`` is at least
#: ``CATAPULT_FRACTION`` of the smallest jump's ``n r``: the step overshot
#: through the ReLU kink, which the flow never does (``docs/gradient-descent.md`` §6).
CATAPULT_FRACTION = 1e-3


def _catapult(newly, sigma, C, death_log_sq):
    """A message if one of the components that just froze (``newly``, the
    indices of the new ``c ≤ 0``) was a sizeable part of a grown neuron
    (a catapult through the ReLU kink), else ``None``."""
    for j, i in zip(*newly):
        if 2.0 * sigma[j] < death_log_sq:
            continue
        share = abs(C[j, i]) / np.sqrt((C[j] ** 2).sum())
        if share >= CATAPULT_FRACTION:
            return (f"catapult: neuron {j} (a² + ||w||² = {2 * np.exp(2 * sigma[j]):.3g}) stepped through the ReLU "
                    f"kink on datum {i}, which froze at <w, x> = {C[j, i] * np.exp(sigma[j]):.3g} "
                    f"({share:.0%} of its norm)")
    return None


def flow_time_step(lr: float, reduction: Literal["spec", "mean", "sum"] = "spec", n: int | None = None) -> float:
    """Flow time ``h`` of one gradient step (``docs/gradient-descent.md`` §1).

    ``h = lr`` on spec §1's ``L``; ``2 lr`` on ``MSELoss(reduction="mean")``
    (``= 2L``, seeds digest §0); ``2 n lr`` on ``MSELoss(reduction="sum")``.

    Parameters
    ----------
    lr : float
        The learning rate, finite and positive.
    reduction : {"spec", "mean", "sum"}
        The loss ``lr`` applies to (:data:`REDUCTIONS`).
    n : int, optional
        Number of data (needed for ``"sum"``).

    Returns
    -------
    float
        ``h``.

    Raises
    ------
    InputError
        An unknown ``reduction``, a learning rate that is not a finite
        positive number, or ``"sum"`` without ``n``.

    Examples
    --------
    >>> flow_time_step(0.01), flow_time_step(0.5, "mean"), flow_time_step(0.01, "sum", n=64)
    (0.01, 1.0, 1.28)
    """
    if reduction not in REDUCTIONS:
        raise InputError(f"reduction must be one of {', '.join(REDUCTIONS)}, got {reduction!r}")
    try:
        lr = float(lr)
    except (TypeError, ValueError):
        raise InputError(f"the learning rate must be a number, got {lr!r}") from None
    if not (np.isfinite(lr) and lr > 0):
        raise InputError(f"the learning rate must be finite and positive, got {lr:g}")
    if reduction == "sum":
        if n is None:
            raise InputError("reduction='sum' needs the number of data n (h = 2 n lr)")
        return 2.0 * int(n) * lr
    return 2.0 * lr if reduction == "mean" else lr


def gd_rate(r: ArrayLike, h: float) -> NDArray[np.float64]:
    """Growth rate per unit flow time of a mode of rate ``r`` under gradient
    descent with step ``h``: ``g(r) = ln(1 + h r)/h`` (``r`` when ``h = 0``;
    ``docs/gradient-descent.md`` §3).

    Near a saddle the flow multiplies a growing mode by ``e^{h r}`` per step,
    gradient descent by ``1 + h r``.

    Parameters
    ----------
    r : float or array_like
        Rates of the flow.
    h : float
        Flow time of one step.

    Returns
    -------
    ndarray
        ``g(r)``, of the shape of ``r`` (0-d for a number).

    Examples
    --------
    >>> gd_rate([0.5, 1.0], 0.1).round(6)
    array([0.487902, 0.953102])
    >>> round(float(gd_rate(0.5, 0.1)), 6), float(gd_rate(0.5, 0.0))
    (0.487902, 0.5)
    """
    r = np.asarray(r, dtype=float)
    if h == 0:
        return r
    return np.log1p(h * r) / h


def transit_offset(x: float) -> float:
    r"""``ψ(x)``: where gradient descent's jump of one neuron crosses half its
    fit, relative to its linear phase (``docs/gradient-descent.md`` §7).

    A balanced neuron aligned with its data (rate ``r``, ``x = h r``) has
    ``v = u/(n r)``, ``u = ||w||²``, following ``v ← F(v) = v (1 + x (1 − v))²``.
    Near 0 the map is conjugate to its linear part: ``φ(F(v)) = (1 + x)² φ(v)``
    with ``φ(v) ≈ v`` (Koenigs' function, ``φ(1/2) = lim (1 + x)^{2k} F^{-k}(1/2)``),
    so ``v_k = φ^{-1}((1 + x)^{2k} φ(v_0))`` and a neuron started on the
    growing mode at ``u = U`` reaches ``u = n r/2`` at

    .. math::

        t_{1/2} = \frac{\ln(n r / U)}{2 g(r)} + \frac{ψ(h r)}{r}, \qquad
        ψ(x) = \frac{x \ln φ(1/2)}{2 \ln(1 + x)},

    ``ψ(0) = 0`` (the flow's logistic has ``φ(v) = v/(1 − v)``).  A run
    sampled at whole steps and interpolated linearly in ``ln v`` crosses
    up to about ``x²/(8 r)`` later (``ln v`` has curvature ``−x²`` per
    step² and slope ``x`` per step at the half-fit), depending on the phase
    of the steps.

    Parameters
    ----------
    x : float
        ``h r``, in ``[0, 1)``.

    Returns
    -------
    float
        ``ψ(x)``.

    Raises
    ------
    InputError
        ``x`` is outside ``[0, 1)`` (an unstable fit).

    Examples
    --------
    >>> round(transit_offset(0.0), 12), round(transit_offset(0.5), 6)
    (0.0, -0.211981)
    """
    x = float(x)
    if x == 0.0:
        return 0.0
    if not 0.0 < x < 1.0:
        raise InputError(f"ψ(x) needs 0 ≤ x = h r < 1 (a stable fit, §6), got {x:g}")
    v, log_scale = 0.5, 0.0
    for _ in range(100_000):  # F^{-1} by Newton (F increases on [0, 1/2] for x < 1)
        w = v / (1.0 + x) ** 2
        for _ in range(60):
            f = w * (1.0 + x * (1.0 - w)) ** 2 - v
            w_new = w - f / ((1.0 + x * (1.0 - w)) * (1.0 + x - 3.0 * x * w))
            if abs(w_new - w) <= 1e-17 * w:
                w = w_new
                break
            w = w_new
        log_scale += 2.0 * np.log1p(x)
        v = w
        if v < 1e-13:  # φ(v) = v (1 + O(v)): the limit is reached to rounding
            break
    return float(x * (np.log(v) + log_scale) / (2.0 * np.log1p(x)))


def default_gd_steps(process: LimitProcess, h: float, log_inv_lam: float) -> int:
    """Default number of steps: ``t_max / h`` with ``t_max = 1.25 c τ_K ln(1/λ)
    + 30/g(r_min)``, where ``c = r_max/g(r_max)`` bounds how much slower
    every exponent falls under gradient descent (``g(r)/r`` decreases in
    ``r``) and ``r_min`` is the smallest jump rate (the relaxation after the
    last jump); ``ln(1/λ)/h`` when nothing jumps.

    Parameters
    ----------
    process : LimitProcess
        The limit process of the problem.
    h : float
        Flow time of one step.
    log_inv_lam : float
        ``ln(1/λ)``.

    Returns
    -------
    int

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
    >>> default_gd_steps(limit_process(p), 0.1, 10.0)  # τ_1 = 0.4, r = 2.5
    191
    """
    if process.K == 0:
        return int(np.ceil(log_inv_lam / h))
    r_max = float(np.max([float(r) for r in process.initial_rates]))
    rates = np.array([float(s.rate) for s in process.jumps])
    slow = r_max / float(gd_rate(r_max, h))
    t_max = 1.25 * slow * process.times[-1] * log_inv_lam + 30.0 / float(gd_rate(rates.min(), h))
    return int(np.ceil(t_max / h))


class GDStatus(enum.Enum):
    """How a gradient-descent run ended (the value is a readable message).

    Examples
    --------
    Obtained from :attr:`GDRun.status`:

    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> run = simulate_gd(p, 1e-8, step=0.1, reduction="mean", steps=400)
    >>> run.status, run.status.value
    (<GDStatus.COMPLETED: 'ran every step'>, 'ran every step')
    """

    COMPLETED = "ran every step"
    LOSS_REACHED = "stopped: the loss reached stop_loss"
    DIVERGED = "diverged"


def simulate_gd(
    problem: Problem,
    lam: float | None = None,
    *,
    log_inv_lam: float | None = None,
    step: float,
    steps: int | None = None,
    reduction: Literal["spec", "mean", "sum"] = "spec",
    unit_init: bool = False,
    record_every: int | None = None,
    record_change: float | None = 0.05,
    stop_loss: float | None = None,
    process: LimitProcess | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> GDRun:
    """Run full-batch gradient descent on ``(a, W)`` (spec §1) from the
    balanced initialization at scale ``λ``, exactly, in the log-scale,
    data-basis parametrization of the module docstring.

    Parameters
    ----------
    problem : Problem
    lam : float, optional
        Initialization scale ``0 < λ < 1``.
    log_inv_lam : float, optional
        ``ln(1/λ)`` instead of ``lam`` (e.g. ``300.0`` for ``λ = e^-300``).
    step : float
        The learning rate, applied to the loss named by ``reduction``.
    steps : int, optional
        Number of steps; default :func:`default_gd_steps` (past the last
        jump of the gradient-descent limit process).
    reduction : {"spec", "mean", "sum"}
        Which loss ``step`` is a learning rate for (:func:`flow_time_step`):
        spec §1's ``L``, ``MSELoss(reduction="mean")`` or ``"sum"``.
    unit_init : bool
        Start from ``w_j(0) = λ z_j`` instead of ``λ W0_j`` (as
        :func:`~limitproc.flow.simulate.simulate_flow`).
    record_every : int, optional
        Largest gap between recorded steps (default: about 2000 records on
        plateaus).  ``1`` records every step.
    record_change : float
        Also record when outputs, log-scales or the loss move this much
        (module docstring); ``None``: only every ``record_every`` steps.
    stop_loss : float, optional
        Stop once ``L ≤ stop_loss`` (spec §1's units).
    process : LimitProcess, optional
        Used for the default ``steps`` and the divergence threshold
        (computed when needed).
    progress : callable, optional
        ``progress(done, steps)``, called about every 1% of the steps.

    Returns
    -------
    GDRun
        A run that diverged is returned with :attr:`GDRun.status`
        :attr:`GDStatus.DIVERGED`, not raised.

    Raises
    ------
    InputError
        An invalid learning rate or reduction (:func:`flow_time_step`), a
        negative ``steps``, or ``record_every < 1``.
    ArgumentError
        ``lam``/``log_inv_lam`` missing or out of range.
    UnsupportedProblemError
        A problem beyond spec §1's setting.

    Examples
    --------
    One neuron fits both data (spec §3): the loss falls from 6.25 to 0 and
    ``||θ||²`` ends at ``2 n r = 10``, in flow time ``h · steps``:

    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
    >>> run = simulate_gd(p, 1e-8, step=0.05, steps=400)
    >>> run.status.name, round(float(run.loss[0]), 4), float(run.loss[-1]) < 1e-20
    ('COMPLETED', 6.25, True)
    >>> round(float(run.theta_sq_norm[-1]), 4), run.t_max
    (10.0, 20.0)
    """
    L = log_inv_lambda(lam, log_inv_lam)
    check_label_range(problem)
    h = flow_time_step(step, reduction, problem.n)
    if process is None:
        from ..process.algorithm1 import limit_process

        process = limit_process(problem)
    if steps is None:
        steps = default_gd_steps(process, h, L)
    steps = int(steps)
    if steps < 0:
        raise InputError(f"steps must be non-negative, got {steps}")
    if record_every is None:
        record_every = max(1, steps // 2000)
    record_every = int(record_every)
    if record_every < 1:
        raise InputError(f"record_every must be at least 1, got {record_every}")

    n, m = problem.n, problem.m
    y = problem.y.astype(float)
    # Inputs of any norms c_i (docs/general-inputs.md §6): coordinates in the unit
    # inputs u_i = x_i / c_i, so h(x_i) = c_i Σ_j a_j max(<w_j, u_i>, 0) and the
    # gradient of <w_j, u_i> carries R_i c_i; unbalanced neurons start from a0_j.
    G = np.array(problem.data_coordinates(), dtype=float)  # <z_j, x_i>/||x_i||
    c = np.asarray(problem.input_norms, dtype=float)
    init_log = np.zeros(m) if unit_init else np.log(problem.init_norms)
    perp_sq = np.zeros(m)
    if problem.X is not None:
        units = np.asarray(problem.X, dtype=float) / c[:, None]
        perp_sq = np.maximum(((problem.directions - G @ units) ** 2).sum(axis=1), 0.0)
    with np.errstate(divide="ignore"):
        perp_log = -L + init_log + 0.5 * np.log(perp_sq)  # q_j = ln ||w_j^⊥||, constant
    frozen_coefficients = np.where(G > 0, 0.0, G) * np.exp(init_log)[:, None]

    # Scaled state: (a_j, c_j) = e^{σ_j} (A_j, C_j); at t = 0, a = s λ||W0||, c = λ||W0|| G.
    sigma = -L + init_log
    A = np.asarray(problem.output_weights, dtype=float) / problem.init_norms  # s_j when balanced
    C = G.copy()
    norm = np.sqrt((A * A + (C * C).sum(axis=1) + np.exp(2.0 * (perp_log - sigma))) / 2.0)
    sigma, A, C = sigma + np.log(norm), A / norm, C / norm[:, None]

    hn = h / n
    general = not np.allclose(c, 1.0, rtol=0.0, atol=0.0)
    loss0 = float(y @ y / (2 * n))
    loss_cap = DIVERGENCE_FACTOR * max(loss0, 1e-300)
    sigma_cap = 0.5 * np.log(2.0 * n * max(float(np.abs(y / c).max()), float(np.abs(y).max()), 1e-300)) \
        + DIVERGENCE_LOG_NORM
    out_change = (record_change or 0.0) * float(np.abs(y).max())
    jump_sq = [float(s.a) ** 2 for s in process.jumps]  # a² = n r on unit norms
    death_log_sq = float(np.log(CATAPULT_FRACTION * min(jump_sq))) if jump_sq else np.inf
    every_progress = max(1, steps // 100)

    records: list[tuple[Any, ...]] = []  # (step, sigma, A, C, outputs, loss)
    deactivations: list[tuple[int, int, int]] = []
    status, message = GDStatus.COMPLETED, GDStatus.COMPLETED.value
    last_out = np.zeros(n)
    last_sigma = sigma.copy()
    last_loss = np.inf
    last_step = -1
    has_perp = bool(np.isfinite(perp_log).any())
    inv2n = 1.0 / (2 * n)
    act = C > 0
    act_prev = act.copy()
    active_count = int(np.count_nonzero(act))
    P = np.empty_like(C)
    Dh = np.empty_like(C)
    started = _time.perf_counter()
    k = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        while True:
            # Outputs and residual at step k (a_j c_ji = e^{2σ_j} ã_j c̃_ji).
            np.greater(C, 0.0, out=act)
            np.maximum(C, 0.0, out=P)
            out = (np.exp(2.0 * sigma) * A) @ P
            if general:
                out *= c
            R = y - out
            loss = float(R @ R) * inv2n
            count = int(np.count_nonzero(act))
            froze = count != active_count  # components only ever freeze (σ'(0) = 0)
            catapult = None
            if froze:
                newly = np.nonzero(act_prev & ~act)
                deactivations.extend((k, int(j), int(i)) for j, i in zip(*newly))
                active_count = count
                act_prev = act.copy()
                catapult = _catapult(newly, sigma, C, death_log_sq)
            bad = not loss <= loss_cap or float(sigma.max()) > sigma_cap or catapult is not None
            record = (
                k == 0 or k == steps or bad or froze or k - last_step >= record_every
                or (record_change is not None and (
                    abs(loss - last_loss) > record_change * last_loss
                    or float(np.abs(out - last_out).max()) > out_change
                    or float(np.abs(sigma - last_sigma).max()) > 10.0 * record_change))
            )
            if record:
                records.append((k, sigma.copy(), A.copy(), C.copy(), out, loss))
                last_sigma, last_out, last_loss, last_step = sigma.copy(), out, loss, k
            if bad:
                status = GDStatus.DIVERGED
                what = (catapult if catapult is not None
                        else f"loss {loss:.3g} > {DIVERGENCE_FACTOR:g} L(θ_0)" if np.isfinite(loss)
                        and loss > loss_cap else "non-finite loss" if not np.isfinite(loss)
                        else f"a neuron's norm e^{float(sigma.max()):.1f} is beyond any saddle's")
                message = (f"diverged at step {k} (t = {k * h:.6g}): {what}; is h = {h:g} above the "
                           "stability limit (docs/gradient-descent.md §6)?")
                break
            if k == steps:
                break
            if stop_loss is not None and loss <= stop_loss:
                if not record:
                    records.append((k, sigma.copy(), A.copy(), C.copy(), out, loss))
                status, message = GDStatus.LOSS_REACHED, f"stopped at step {k}: L = {loss:.3g} ≤ {stop_loss:g}"
                break
            # One gradient step, exact on the scaled variables (linear given R):
            # ã += h <D_j, c̃_j>, c̃ += h ã D_j, with h D_j = (h/n) 1[c̃ > 0] R.
            hR = hn * R * c if general else hn * R
            dA = P @ hR  # frozen components have P = 0
            np.multiply(act, hR, out=Dh)
            Dh *= A[:, None]
            C += Dh
            A = A + dA
            # Renormalize: e^{2σ} = (a² + ||w||²)/2.
            sq = A * A + np.einsum("ij,ij->i", C, C)
            if has_perp:
                sq += np.exp(2.0 * (perp_log - sigma))
            norm = np.sqrt(0.5 * sq)
            sigma = sigma + np.log(norm)
            A /= norm
            C /= norm[:, None]
            k += 1
            if progress is not None and k % every_progress == 0:
                progress(k, steps)
    seconds = _time.perf_counter() - started

    index = np.array([r[0] for r in records])
    sig = np.array([r[1] for r in records])
    Ar = np.array([r[2] for r in records])
    Cr = np.array([r[3] for r in records])
    outputs = np.array([r[4] for r in records])
    losses = np.array([r[5] for r in records])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        w_sq = (Cr * Cr).sum(axis=2) + np.exp(2.0 * (perp_log[None] - sig))  # ||w||² / e^{2σ}
        log_norms = sig + 0.5 * np.log(w_sq)
        log_abs_a = sig + np.log(np.abs(Ar))
        directions = Cr / np.sqrt(w_sq)[:, :, None]
        balance_defect = 1.0 - w_sq / (Ar * Ar)
    arrays = (index * h, index, sig, Ar, Cr, log_norms, log_abs_a, directions, outputs, losses, balance_defect)
    for arr in arrays:
        arr.flags.writeable = False
    return GDRun(
        problem, L, float(h), float(step), reduction, *arrays, perp_log, frozen_coefficients,
        tuple(deactivations), k, seconds, status, message, init_log,
    )


@dataclass(frozen=True, eq=False)
class GDRun(RecordedRun):
    """One gradient-descent run (spec §1, ``docs/gradient-descent.md``).

    Arrays are indexed by the recorded steps (``T`` of them, see the module
    docstring); the measurement methods have the names and meanings of
    :class:`~limitproc.flow.run.FlowRun`'s, so validation code takes either.
    Times are flow times ``t = h · step``; ``step_index`` gives the steps.

    Attributes
    ----------
    problem : Problem
    log_inv_lam : float
    step_size : float
        ``h``, the flow time of one step.
    lr : float
        The learning rate as given, for the loss named by ``reduction``.
    reduction : str
    t, step_index : ndarray, shape (T,)
        Recorded flow times and step numbers.
    scale, scaled_a, scaled_c : ndarray, shapes (T, m), (T, m), (T, m, n)
        ``σ_j``, ``ã_j`` and ``c̃_ji``: ``a_j = e^{σ_j} ã_j``,
        ``<w_j, x_i> = e^{σ_j} c̃_ji``.
    log_norms : ndarray, shape (T, m)
        ``ln ||w_j||``.
    log_abs_a : ndarray, shape (T, m)
        ``ln |a_j|`` (equal to ``log_norms`` for a balanced neuron).
    directions : ndarray, shape (T, m, n)
        ``<w_j, x_i> / ||w_j||``.
    outputs : ndarray, shape (T, n)
    loss : ndarray, shape (T,)
        ``L`` of spec §1 (``MSELoss(mean)`` is ``2 L``).
    balance_defect : ndarray, shape (T, m)
        ``1 − ||w_j||²/a_j²``: ``a_j² − ||w_j||² = a_j² · balance_defect``
        (drifts by ``O(h²)`` per step under gradient descent,
        ``docs/gradient-descent.md`` §5).
    frozen_log_mass : ndarray, shape (m,)
        ``ln ||w_j^⊥||``, the constant part orthogonal to the data span.
    frozen_coefficients : ndarray, shape (m, n)
        ``<w_j(0), x_i> / λ`` for the components frozen from the start.
    deactivations : tuple of (int, int, int)
        ``(step, j, i)``: component ``<w_j, x_i>`` became ``≤ 0`` at that step.
    steps : int
        Steps taken (one gradient evaluation each; also ``nfev``).
    seconds : float
    status : GDStatus
    message : str
    init_log_norms : ndarray, shape (m,)
        ``ln(||w_j(0)|| / λ)``.

    Examples
    --------
    Obtained from :func:`simulate_gd`; ``lr = 0.1`` on ``MSELoss(mean)`` is
    ``h = 0.2`` (``docs/gradient-descent.md`` §1), and 400 steps fit both
    jumps:

    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> run = simulate_gd(p, 1e-8, step=0.1, reduction="mean", steps=400)
    >>> run.step_size, run.steps, float(run.t[-1]), run.status.name
    (0.2, 400, 80.0, 'COMPLETED')
    >>> run.sq_norms[-1].round(4).tolist(), float(run.loss[-1]) < 1e-12
    ([5.0, 2.0], True)
    """

    problem: Problem = field(repr=False)
    log_inv_lam: float
    step_size: float
    lr: float
    reduction: Literal["spec", "mean", "sum"]
    t: NDArray[np.float64] = field(repr=False)
    step_index: NDArray[np.int64] = field(repr=False)
    scale: NDArray[np.float64] = field(repr=False)
    scaled_a: NDArray[np.float64] = field(repr=False)
    scaled_c: NDArray[np.float64] = field(repr=False)
    log_norms: NDArray[np.float64] = field(repr=False)
    log_abs_a: NDArray[np.float64] = field(repr=False)
    directions: NDArray[np.float64] = field(repr=False)
    outputs: NDArray[np.float64] = field(repr=False)
    loss: NDArray[np.float64] = field(repr=False)
    balance_defect: NDArray[np.float64] = field(repr=False)
    frozen_log_mass: NDArray[np.float64] = field(repr=False)
    frozen_coefficients: NDArray[np.float64] = field(repr=False)
    deactivations: tuple[tuple[int, int, int], ...] = field(repr=False)
    steps: int = 0
    seconds: float = 0.0
    status: GDStatus = GDStatus.COMPLETED
    message: str = ""
    init_log_norms: NDArray[np.float64] | None = field(repr=False, default=None)

    method: ClassVar[str] = "GD"
    """``"GD"``, in place of :attr:`FlowRun.method <limitproc.flow.run.FlowRun>`'s solver name."""

    # -- scalars and derived arrays -------------------------------------------------

    @property
    def nfev(self) -> int:
        """Gradient evaluations: one per step."""
        return self.steps

    @property
    def diverged(self) -> bool:
        """Whether the run stopped as :attr:`GDStatus.DIVERGED`."""
        return self.status is GDStatus.DIVERGED

    @property
    def theta_sq_norm(self) -> NDArray[np.float64]:
        """``||θ||² = Σ_j a_j² + ||w_j||² = 2 Σ_j e^{2σ_j}``, shape (T,)."""
        return 2.0 * np.exp(2.0 * self.scale).sum(axis=1)

    @property
    def balancedness(self) -> NDArray[np.float64]:
        """``a_j² − ||w_j||²``, shape (T, m) (seed 000 Lemma 1 for the flow;
        an ``O(h²)`` drift per step here)."""
        return np.exp(2.0 * self.scale) * (self.scaled_a**2 - (self.scaled_c**2).sum(axis=2)
                                           - np.exp(2.0 * (self.frozen_log_mass[None] - self.scale)))

    # -- crossing times ---------------------------------------------------------------

    def fit_times(self) -> NDArray[np.float64]:
        """First flow time each datum is fitted, ``h(x_i)/y_i = 1/2`` (spec §7;
        linear between records; ``nan`` if never), shape (n,).

        Returns
        -------
        ndarray, shape (n,)

        Examples
        --------
        >>> from limitproc import Problem
        >>> run = simulate_gd(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8, step=0.05, steps=400)
        >>> (run.fit_times() / run.log_inv_lam).round(3)  # the flow's τ_1 = 0.4, slower by g(r) < r
        array([0.434, 0.434])
        """
        y = self.problem.y
        ratio = self.outputs / np.where(y != 0, y, np.inf)
        return np.array([_crossing(self.t, ratio[:, i], FIT_FRACTION) for i in range(len(y))])

    def fit_steps(self) -> NDArray[np.float64]:
        """:meth:`fit_times` in steps (fractional: linear between steps).

        Returns
        -------
        ndarray, shape (n,)

        Examples
        --------
        >>> from limitproc import Problem
        >>> run = simulate_gd(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8, step=0.05, steps=400)
        >>> run.fit_steps().round(1)
        array([159.8, 159.8])
        """
        return self.fit_times() / self.step_size

    def group_log_sq_norm(self, neurons: int | ArrayLike) -> tuple[NDArray[np.float64], None]:
        """``ln Σ_{j ∈ neurons} ||w_j||²``, shape (T,), and ``None`` for the
        rates (gradient descent has no time derivative).

        Parameters
        ----------
        neurons : int or array_like of int
            The neurons of the group.

        Returns
        -------
        values : ndarray, shape (T,)
        rates : None

        Examples
        --------
        >>> from limitproc import Problem
        >>> run = simulate_gd(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8, step=0.05, steps=400)
        >>> values, rates = run.group_log_sq_norm([0, 1])
        >>> round(float(values[-1]), 6), rates  # ln(n r) = ln 5
        (1.609438, None)
        """
        neurons = np.atleast_1d(np.asarray(neurons, dtype=int))
        return logsumexp(2.0 * self.log_norms[:, neurons], axis=1), None

    def growth_time(self, neurons: int | ArrayLike, sq_norm: float) -> float:
        """First flow time ``Σ_{j ∈ neurons} ||w_j||²`` reaches ``sq_norm``
        (linear in the log between records; ``nan`` if never).

        Parameters
        ----------
        neurons : int or array_like of int
            The neurons of the group.
        sq_norm : float
            The level of ``Σ ||w_j||²``.

        Returns
        -------
        float

        Examples
        --------
        >>> from limitproc import Problem
        >>> run = simulate_gd(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8, step=0.05, steps=400)
        >>> round(run.growth_time(0, 2.5), 3)  # half of n r = 5
        7.992
        """
        values, _ = self.group_log_sq_norm(neurons)
        return _crossing(self.t, values, float(np.log(sq_norm)))

    def growth_step(self, neurons: int | ArrayLike, sq_norm: float) -> float:
        """:meth:`growth_time` in steps.

        Parameters
        ----------
        neurons : int or array_like of int
            The neurons of the group.
        sq_norm : float
            The level of ``Σ ||w_j||²``.

        Returns
        -------
        float
            Fractional step.

        Examples
        --------
        >>> from limitproc import Problem
        >>> run = simulate_gd(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8, step=0.05, steps=400)
        >>> round(run.growth_step(0, 2.5), 2)
        159.84
        """
        return self.growth_time(neurons, sq_norm) / self.step_size

    # -- evaluation at any time -------------------------------------------------------

    def sample(self, times: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Log-norms (k, m), directions (k, m, n) and outputs (k, n) at the
        given flow times: the scaled state interpolated linearly between
        records, outputs recomputed from it (exact at recorded steps).

        Parameters
        ----------
        times : array_like, shape (k,)
            Flow times in ``[0, t_max]``.

        Returns
        -------
        rho : ndarray, shape (k, m)
        U : ndarray, shape (k, m, n)
        h : ndarray, shape (k, n)

        Raises
        ------
        ValueError
            A time is outside the run.

        Examples
        --------
        >>> from limitproc import Problem
        >>> run = simulate_gd(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8, step=0.05, steps=400)
        >>> run.sample([0.0, run.t_max])[2].round(6).tolist()
        [[0.0, 0.0], [3.0, 4.0]]
        """
        times = np.atleast_1d(np.asarray(times, dtype=float))
        outside = ~((times >= 0.0) & (times <= self.t_max * (1 + 1e-12)))
        if outside.any():
            raise ValueError(f"t = {times[outside][0]} is outside the run [0, {self.t_max}]")
        k = np.clip(np.searchsorted(self.t, times, side="right") - 1, 0, self.t.size - 1)
        k1 = np.minimum(k + 1, self.t.size - 1)
        span = self.t[k1] - self.t[k]
        w = np.where(span > 0, (times - self.t[k]) / np.where(span > 0, span, 1.0), 0.0)
        sig = (1 - w)[:, None] * self.scale[k] + w[:, None] * self.scale[k1]
        A = (1 - w)[:, None] * self.scaled_a[k] + w[:, None] * self.scaled_a[k1]
        C = (1 - w)[:, None, None] * self.scaled_c[k] + w[:, None, None] * self.scaled_c[k1]
        with np.errstate(divide="ignore"):
            w_sq = (C * C).sum(axis=2) + np.exp(2.0 * (self.frozen_log_mass[None] - sig))
            rho = sig + 0.5 * np.log(w_sq)
        U = C / np.sqrt(w_sq)[:, :, None]
        h = np.einsum("km,kmn->kn", np.exp(2.0 * sig) * A, np.maximum(C, 0.0))
        return rho, U, h

    def contributions(self, index: int = -1) -> NDArray[np.float64]:
        """``a_j σ(<w_j, x_i>)`` at a recorded step, shape (m, n): neuron
        ``j``'s share of ``h(x_i)``.

        Parameters
        ----------
        index : int
            Index of the recorded step (default: the last).

        Returns
        -------
        ndarray, shape (m, n)

        Examples
        --------
        >>> from limitproc import Problem
        >>> run = simulate_gd(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8, step=0.05, steps=400)
        >>> run.contributions().round(4)
        array([[3., 4.],
               [0., 0.]])
        """
        return ((np.exp(2.0 * self.scale[index]) * self.scaled_a[index])[:, None] * np.maximum(self.scaled_c[index], 0.0)
                * self.problem.input_norms[None, :])

    def parameters(self, index: int = -1) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(a, W)`` at a recorded step, in input coordinates (``W`` (m, d)).

        Parameters
        ----------
        index : int
            Index of the recorded step (default: the last).

        Returns
        -------
        a : ndarray, shape (m,)
        W : ndarray, shape (m, d)

        Examples
        --------
        >>> from limitproc import Problem
        >>> run = simulate_gd(Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), 1e-8, step=0.05, steps=400)
        >>> a, W = run.parameters(0)  # λ s ||W0_j|| and λ W0
        >>> (a / run.lam).round(6).tolist(), (W / run.lam).round(6).tolist()
        ([1.414214, 1.414214], [[1.0, 1.0], [1.0, -1.0]])
        """
        p = self.problem
        e = np.exp(self.scale[index])
        a = e * self.scaled_a[index]
        C = e[:, None] * self.scaled_c[index]
        if p.X is None:
            return a, C
        init_log_norms = cast("NDArray[np.float64]", self.init_log_norms)  # always set by simulate_gd
        units = np.asarray(p.X, dtype=float) / p.input_norms[:, None]  # C holds <w_j, x_i/||x_i||>
        perp = (p.directions - p.data_coordinates() @ units) * (np.exp(init_log_norms) * self.lam)[:, None]
        return a, C @ units + perp

    def __repr__(self) -> str:
        lam = f"λ=e^-{self.log_inv_lam:.6g}" if self.lam < 1e-300 else f"λ={self.lam:.3g}"
        return (
            f"GDRun({lam}, h={self.step_size:g} (lr={self.lr:g}, {self.reduction}), {self.steps} steps "
            f"(t={self.t_max:.6g}, τ={self.tau[-1]:.4g}), final loss={self.loss[-1]:.6g}, "
            f"||θ||²={self.theta_sq_norm[-1]:.6g}, {self.status.name}: {self.message}, "
            f"{self.t.size} records, {self.seconds:.2f} s)"
        )


def _crossing(t: NDArray[np.float64], values: NDArray[np.float64], level: float) -> float:
    """First time a sampled curve reaches ``level`` from below, linear
    between samples (``nan`` if never)."""
    above = np.flatnonzero(values >= level)
    if above.size == 0:
        return np.nan
    k = int(above[0])
    if k == 0:
        return float(t[0])
    v0, v1 = values[k - 1], values[k]
    if not np.isfinite(v0):
        return float(t[k])
    return float(t[k - 1] + (t[k] - t[k - 1]) * (level - v0) / (v1 - v0))
