"""The real gradient flow of spec §1, simulated at a given small λ (spec §7).

:func:`simulate_flow` integrates the gradient flow of the two-layer ReLU
network of spec §1 from an initialization at scale ``λ`` (balanced or not,
inputs of any norms; near-orthogonal ones with their coupling) and
returns a :class:`FlowRun`: time grid, loss, per-neuron log-norms, outputs,
balancedness, solver work, a continuous solution and the final parameters.
:mod:`limitproc.flow.validation` compares such runs with the limit process.

Parametrization (seed 000 eq. 9, spec §7)
-----------------------------------------
Each neuron is stored as its **log-norm** ``ρ_j = ln ||w_j|| = ln |a_j|`` and
its unit direction ``ū_j = w_j/||w_j||`` written in the **data basis**,
``u_ji = <ū_j, x_i>``.  Nothing in the state has size ``λ``, so the
simulation works for ``λ = 1e-100`` or ``e^-2000`` as well as for ``1e-4``;
and since ``<w_j, x_i>`` is never recomputed from input coordinates, no
rounding can wake a component that must stay asleep (spec §7).  The flow is

.. math::

    \\dot\\rho_j = s_j \\langle D_j, \\bar u_j\\rangle, \\qquad
    \\dot{\\bar u}_j = s_j \\big(D_j - \\langle D_j, \\bar u_j\\rangle \\bar u_j\\big),
    \\qquad D_j = -\\frac1n \\sum_i 1[u_{ji} > 0]\\,(h(x_i) - y_i)\\, x_i ,

with ``h(x_i) = Σ_j s_j e^{2ρ_j} max(u_ji, 0)`` (``a_j = s_j ||w_j||``,
spec §1).  ``D_j`` lies in the data span, so the part of ``w_j`` orthogonal
to it is constant; so is every component with ``<w_j, x_i> ≤ 0``
(``σ'(0) = 0``; seed 002 Assumption 2, seed 000 Lemma 6).  These **frozen**
components are not integrated: they are kept in absolute coordinates (as
logarithms, relative to ``λ``) and enter only the norm, through the constant
*frozen mass* ``e^{q_j} = ||w_j^frozen||``.  The state holds ``ρ`` and the
active components ``u_ji > 0`` only.

Inputs of any norms and unbalanced initializations (docs/general-inputs.md)
---------------------------------------------------------------------------
With ``x_i = c_i e_i`` the directions are written along the unit inputs,
``u_ji = <ū_j, x_i>/c_i``, so ``h(x_i) = c_i Σ_j α_j e^{2ρ_j} max(u_ji, 0)`` and
``D_j`` has coordinates ``(y_i − h(x_i)) c_i / n``.  A balanced neuron has
``α_j = a_j/||w_j|| = s_j`` forever; for an unbalanced initialization ``α`` is
a state variable with ``dα_j/dt = −δ_j ||w_j||^{-2} ⟨D_j, ū_j⟩``, which keeps
``a_j² − ||w_j||² = δ_j`` (seed 000 Lemma 1) and has nothing of size λ either
(``δ_j ||w_j||^{-2}`` is ``O(1)`` while the neuron is small and vanishes once it
has grown).  ``ρ̇_j = α_j ⟨D_j, ū_j⟩`` and ``s_j`` becomes ``α_j`` in the
direction equation.  Inputs whose norms are 1 within rounding and balanced
problems take exactly the path of spec §1.  Near-orthogonal inputs go to
:mod:`limitproc.flow.coupled`.

Deactivation is an event: when an active component reaches 0 the
integration stops there (root located by :func:`scipy.integrate.solve_ivp`
on the dense output), the component is frozen at exactly 0 and removed from
the state, and the integration restarts.  Between events the right-hand side
is the smooth continuation of the flow (no indicator on the state), so trial
steps across a deactivation see no kink.  A frozen component is never
integrated again: no deactivation can reverse, by construction.

Balancedness (seed 000 Lemma 1) holds by construction for ``a_j`` (the state
stores ``|a_j| = e^{ρ_j}``).  What the run checks is that the integrated
direction keeps unit norm: ``a_j² − ||w_j||² = a_j² (1 − ||ū_j||²)`` with
``||ū_j||² = Σ_active u_ji² + e^{2(q_j − ρ_j)}``.  The right-hand side
carries a stabilization, zero on exact solutions, that keeps this drift
bounded on shrinking neurons (see ``rhs`` below and ``docs/validation.md``).

Solver
------
Between events the right-hand side is smooth and not stiff: its Jacobian
eigenvalues are of the order of the rates ``||D||`` and of the NTK
eigenvalues at the saddles (seeds digest F14), a few times ``max |y|`` at
most.  An explicit high-order Runge–Kutta method is the right choice.  DOP853
(order 8) was measured against RK45 and RK23 on the Figure 1 problem at
``λ = 1e-32`` (``docs/validation.md``): without dense output it needs 4.5k
evaluations against RK45's 5.7k at ``rtol = 1e-10`` (6.8k against 12.2k at
``1e-12``, both with dense output), and its dense output is of order 7
(RK45's of order 4), which is what crossing times and plots sample.  Plateaus,
straight lines in ``ρ``, are crossed in long steps.  Once a neuron has
fitted its data, though, the fitted part relaxes at the NTK rates ``ν`` of the
saddle (seeds digest F14) while the unfitted neurons creep for
``O(ln(1/λ))`` time: the step is then capped by DOP853's stability bound
(about ``6/ν``), so the work grows like ``ln(1/λ)`` on such plateaus (REF3
of the tests: 7.5k evaluations at ``λ = 1e-32``, 96k at ``e^-2000``).  The
implicit methods of :func:`~scipy.integrate.solve_ivp` (Radau, BDF, LSODA)
were tried and fail on this flow: their Newton iterates leave the sphere of
directions and overflow ``e^{2ρ}``.  Defaults ``rtol = 1e-10``, ``atol = 1e-12`` (directions
are unit vectors, log-norms have size ``ln(1/λ)``); dividing both by 100
changes the final parameters by about ``1e-10`` and the crossing times by
about ``1e-6`` (measured, ``docs/validation.md``; :func:`tolerance_error`
repeats the measurement).  The dense output (DOP853's 7th-order
interpolant) is kept, so a run can be evaluated at any time
(:meth:`FlowRun.state`).
"""

from __future__ import annotations

import time as _time
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from scipy.integrate import solve_ivp

from ..scale import log_inv_lambda
from .run import FlowRun, _with_frozen, check_label_range, input_scale, output_ratios, ratio_rate, recorded

if TYPE_CHECKING:
    from ..problem.problem import Problem
    from ..process.algorithm1 import LimitProcess

__all__ = [
    "default_t_max",
    "simulate_flow",
    "tolerance_error",
]

#: Explicit Runge–Kutta methods of :func:`scipy.integrate.solve_ivp` only: the
#: flow is not stiff, and LSODA was measured to overflow on the Figure 1
#: problem at ``λ = 1e-32`` (its stiff switch takes steps the flow cannot).
METHODS = ("DOP853", "RK45", "RK23")

#: Cap on ``2ρ`` inside the right-hand side: ``ln(1 + n max|y|)`` (above any
#: squared neuron norm a run reaches) plus this margin, and at most 700
#: (``e^700`` is near the float64 limit).  Only trial steps that the solver
#: rejects reach it.
_EXP_MARGIN = 100.0

#: Floor of ``||ū||²`` in a division (only a trial step can bring it to 0).
_TINY = 1e-300


def default_t_max(process: LimitProcess, log_inv_lam: float) -> float:
    """Default horizon of a run (un-accelerated).

    ``1.25 τ_K ln(1/λ) + 30 / r_min``: past the last predicted jump ``τ_K``
    (spec §3) by a quarter of its time and by 30 relaxation times ``1/r``
    (``r_min`` the smallest jump rate; the loss near a saddle relaxes at a
    rate of order ``r``, seeds digest F14).  ``ln(1/λ)`` when nothing jumps.

    Parameters
    ----------
    process : LimitProcess
        The limit process of the problem.
    log_inv_lam : float
        ``ln(1/λ)``.

    Returns
    -------
    float

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
    >>> default_t_max(limit_process(p), 10.0)  # τ_1 = 0.4, r = 2.5
    17.0
    """
    if process.K == 0:
        return float(log_inv_lam)
    rates = np.array([float(s.rate) for s in process.jumps])
    return float(1.25 * process.times[-1] * log_inv_lam + 30.0 / rates.min())


def simulate_flow(
    problem: Problem,
    lam: float | None = None,
    *,
    log_inv_lam: float | None = None,
    t_max: float | None = None,
    rtol: float = 1e-10,
    atol: float = 1e-12,
    method: Literal["DOP853", "RK45", "RK23"] = "DOP853",
    process: LimitProcess | None = None,
    unit_init: bool = False,
    dense: bool = True,
) -> FlowRun:
    """Integrate the gradient flow of spec §1 at initialization scale ``λ``.

    Parametrization, deactivation events and the solver choice are described
    in the module docstring (seed 000 eq. 9 in data-basis coordinates,
    spec §7).

    Parameters
    ----------
    problem : Problem
    lam : float, optional
        Initialization scale ``0 < λ < 1``.
    log_inv_lam : float, optional
        ``ln(1/λ)`` instead of ``lam``, for scales below the float range
        (e.g. ``2000.0`` for ``λ = e^-2000``).
    t_max : float, optional
        Un-accelerated horizon; default :func:`default_t_max` of the limit
        process (past its last jump).
    rtol, atol : float
        Tolerances of :func:`scipy.integrate.solve_ivp`.
    method : {"DOP853", "RK45", "RK23"}
    process : LimitProcess, optional
        Used only for the default ``t_max`` (computed when needed).
    unit_init : bool
        Start from ``w_j(0) = λ z_j`` (unit directions) instead of the default
        ``w_j(0) = λ W0_j`` (the problem's ``init_norms`` as relative scales,
        as in seed 000 eq. 4).  Both keep the problem's ratios
        ``a_j(0) / ||w_j(0)|| = a0_j / ||W0_j||`` (``s_j`` when balanced,
        spec §1) and differ by O(1) time offsets only.
    dense : bool
        Keep the dense output (3 extra evaluations per DOP853 step), needed
        by :meth:`FlowRun.state` and exact crossing times.

    Returns
    -------
    FlowRun

    Raises
    ------
    ArgumentError
        ``lam``/``log_inv_lam`` missing or out of range
        (:func:`~limitproc.scale.log_inv_lambda`).
    ValueError
        An unknown ``method``, tolerances that are not positive, or a
        ``t_max`` that is not finite and positive.

    Examples
    --------
    One positive neuron active on two positive data fits both (spec §3); the
    loss falls from ``(9 + 16)/4`` to 0 and ``||θ||²`` ends at ``2 · 5``:

    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
    >>> run = simulate_flow(p, 1e-8)
    >>> round(float(run.loss[0]), 4), round(float(run.loss[-1]), 8)
    (6.25, 0.0)
    >>> round(float(run.theta_sq_norm[-1]), 4)
    10.0
    """
    L = log_inv_lambda(lam, log_inv_lam)
    check_label_range(problem)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not (rtol > 0 and atol > 0):
        raise ValueError(f"tolerances must be positive, got rtol={rtol}, atol={atol}")
    if t_max is None:
        t_max = _default_horizon(problem, L, process)
    t_max = float(t_max)
    if not (np.isfinite(t_max) and t_max > 0):
        raise ValueError(f"t_max must be finite and positive, got {t_max}")
    if not problem.regime.orthogonal:
        from .coupled import simulate_coupled

        return simulate_coupled(problem, L, t_max, rtol=rtol, atol=atol, method=method, unit_init=unit_init,
                                dense=dense)

    n, m = problem.n, problem.m
    y = problem.y.astype(float)
    c = input_scale(problem)
    # <z_j, x_i> / ||x_i|| (for unit norms within rounding, <z_j, x_i>: spec §7's data basis)
    G = np.array(problem.data_coordinates() if c is not None or problem.X is None else problem.directions @ problem.X.T,
                 dtype=float)
    init_log = np.zeros(m) if unit_init else np.log(problem.init_norms)
    # a_j = α_j ||w_j||: α_j = s_j for balanced neurons (spec §1), a state
    # variable otherwise (module docstring).
    alpha0, excess = output_ratios(problem)
    free = excess is not None
    head = 2 * m if free else m
    # The frozen part at t = 0: components <= 0 (σ'(0) = 0) and the part
    # orthogonal to the data span; constant forever (seed 002 Assumption 2).
    active0 = G > 0
    frozen_coefficients = np.where(active0, 0.0, G) * np.exp(init_log)[:, None]
    frozen_sq = np.where(active0, 0.0, G**2).sum(axis=1)
    if problem.X is not None:
        units = problem.X / problem.input_norms[:, None]
        frozen_sq = frozen_sq + ((problem.directions - G @ units) ** 2).sum(axis=1)
    with np.errstate(divide="ignore"):
        frozen_log_mass = -L + init_log + 0.5 * np.log(frozen_sq)
        frozen_log = np.where(active0, -np.inf, np.log(np.abs(G)) + init_log[:, None] - L)
    frozen_sign = np.sign(np.where(active0, 0.0, G))
    start_log = init_log - L  # ρ_j(0)

    active = active0.ravel().copy()
    state = np.concatenate([-L + init_log] + ([alpha0] if free else []) + [G.ravel()[active]])
    # ||w_j||² of a fitted neuron is at most ||y / c|| (docs/general-inputs.md §1)
    exp_cap = min(700.0, _EXP_MARGIN + float(np.log1p(n * np.abs(y).max() / (1.0 if c is None else c.min()))))

    def make_rhs(index):
        mask = active.reshape(m, n).copy()

        def rhs(t, z):
            rho = z[:m]
            alpha = z[m:head] if free else alpha0
            U = np.zeros(m * n)
            U[index] = z[head:]
            U = U.reshape(m, n)
            # Every state component is active (u_ji > 0) between events; this
            # is the flow's smooth continuation, so a trial step overshooting
            # a deactivation sees no kink and the event locates the crossing.
            # A rejected trial step can propose an absurd ρ; capping e^{2ρ}
            # keeps the right-hand side finite so the step is merely rejected.
            h = (alpha * np.exp(np.minimum(2.0 * rho, exp_cap))) @ U
            if c is None:
                D = mask * ((y - h) / n)
            else:
                D = mask * ((y - c * h) * c / n)
            g = np.einsum("ji,ji->j", D, U)
            # ||ū_j||² = N_j = Σ_active u_ji² + F_j = 1, F_j = e^{2(q_j − ρ_j)}
            # (frozen share), is invariant but unstable for a shrinking neuron:
            # with the plain projection a drift δ = N − 1 obeys δ' = −2 α g δ,
            # amplified by e^{−2Δρ} (a lone active component with no frozen
            # mass blows up).  Writing the projection as (g/N) ū and adding
            # |α g| (1 − N) ū, both exact on the sphere, gives
            # δ' = −2 (α g F + |α g| (1 − F)) δ: as stable as before for a
            # growing neuron, stable for a shrinking one while F < 1/2 and
            # amplified by at most e^{ΔF} ≤ e after.
            N = np.einsum("ji,ji->j", U, U) + np.exp(2.0 * np.minimum(frozen_log_mass - rho, 0.0))
            ag = alpha * g
            along = np.abs(ag) * (1.0 - N) - ag / np.maximum(N, _TINY)
            dU = alpha[:, None] * D + along[:, None] * U
            if not free:
                return np.concatenate([ag, dU.ravel()[index]])
            return np.concatenate([ag, ratio_rate(excess, start_log, rho, g), dU.ravel()[index]])

        return rhs

    def event(t, z):
        return float(z[head:].min()) if z.size > head else 1.0

    event.terminal = True  # type: ignore[attr-defined]  # solve_ivp reads these attributes of an event
    event.direction = -1  # type: ignore[attr-defined]

    times: list[Any] = []
    heads: list[Any] = []
    Us: list[Any] = []
    segments_dense: list[tuple[Any, ...]] = []
    deactivations: list[tuple[float, int, int]] = []
    nfev = steps = segments = 0
    t0, first_step = 0.0, None
    started = _time.perf_counter()
    while True:
        index = np.flatnonzero(active)
        sol = solve_ivp(
            make_rhs(index), (t0, t_max), state, method=method, rtol=rtol, atol=atol,
            events=event if index.size else None, first_step=first_step, dense_output=dense,
        )
        segments += 1
        nfev += int(sol.nfev)
        if sol.status < 0:
            raise RuntimeError(f"solve_ivp failed at t = {sol.t[-1]:.6g}: {sol.message}")
        steps += sol.t.size - 1
        full = np.zeros((sol.t.size, m * n))
        full[:, index] = sol.y[head:].T
        skip = 1 if times else 0  # the first point repeats the previous event
        times.append(sol.t[skip:])
        heads.append(sol.y[:head].T[skip:])
        Us.append(full[skip:])
        if dense:
            segments_dense.append((t0, sol.sol, index, active0, frozen_log, frozen_sign))
        if sol.status == 0 or sol.t[-1] >= t_max:
            break
        # Deactivation: freeze at exactly 0, drop from the state, restart.
        t0 = float(sol.t[-1])
        values = sol.y[head:, -1]
        freeze = values <= 0.0
        freeze[int(np.argmin(values))] = True
        deactivations.extend((t0, int(f // n), int(f % n)) for f in index[freeze])
        active[index[freeze]] = False
        Us[-1][-1, index[freeze]] = 0.0
        state = np.concatenate([sol.y[:head, -1], values[~freeze]])
        last = float(sol.t[-2] - sol.t[-3]) if sol.t.size >= 3 else 0.0
        first_step = min(last, t_max - t0) if last > 0 else None
    seconds = _time.perf_counter() - started

    t = np.concatenate(times)
    both = np.concatenate(heads)
    rho = both[:, :m]
    alpha = both[:, m:] if free else np.broadcast_to(alpha0, rho.shape)
    U = np.concatenate(Us).reshape(-1, m, n)
    U = _with_frozen(rho, U, active0, frozen_log, frozen_sign)
    h, rho_rate, h_rate = recorded(problem, rho, alpha, U, excess, start_log)
    if not (np.isfinite(h).all() and np.isfinite(rho).all()):
        raise RuntimeError(f"the {method} solution became non-finite; lower rtol/atol")
    loss = problem.loss(h)
    frozen_dir_sq = np.exp(2.0 * (frozen_log_mass[None] - rho))
    defect = 1.0 - (np.where(active0[None], U, 0.0) ** 2).sum(axis=2) - frozen_dir_sq
    ratios = np.array(alpha) if free else None
    arrays = (t, rho, U, h, loss, defect, rho_rate, h_rate, frozen_log_mass, frozen_coefficients)
    for arr in arrays + ((ratios,) if free else ()):
        arr.flags.writeable = False
    return FlowRun(
        problem, L, *arrays, tuple(deactivations), nfev, steps, segments, seconds,
        method, float(rtol), float(atol), init_log, tuple(segments_dense), ratios,
    )


def _default_horizon(problem, log_inv_lam, process):
    """:func:`default_t_max` of the limit process; for problems beyond spec §1
    (:attr:`~limitproc.problem.Problem.extensions`), whose limit process
    Algorithm 1 does not compute yet, a bound: every jump happens by
    ``τ = max_j n / min_{i ∈ S_j} |y_i| ||x_i||`` (a neuron with unfitted data
    on its column ``S_j`` has a rate at least that, docs/general-inputs.md §1),
    so ``1.25`` times that in ``ln(1/λ)`` units plus ``30 n / min |y_i| ||x_i||``."""
    if process is not None or not problem.extensions:
        if process is None:
            from ..process.algorithm1 import limit_process

            process = limit_process(problem)
        return default_t_max(process, log_inv_lam)
    columns = problem.effective_activity()
    weights = np.abs(problem.scaled_labels) * problem.input_norms / problem.n
    live = columns.any(axis=1)
    if not live.any():
        return float(log_inv_lam)
    slowest = np.where(columns, weights[None, :], np.inf).min(axis=1)[live]
    return float((1.25 / slowest.min() * log_inv_lam + 30.0 / slowest.min()) / problem.label_scale)


def tolerance_error(problem: Problem, lam: float | None = None, *, factor: float = 100.0, **kwargs: Any) -> dict[str, Any]:
    """Integration error estimate: rerun with ``rtol`` and ``atol`` divided by
    ``factor`` and compare grid-independent quantities.

    Parameters
    ----------
    problem : Problem
    lam : float, optional
        Initialization scale (or ``log_inv_lam=`` in ``kwargs``).
    factor : float
        Divisor of the tolerances of the second run.
    **kwargs
        Options of :func:`simulate_flow` (``rtol``, ``atol`` of the first
        run, default ``1e-10`` and ``1e-12``).

    Returns
    -------
    dict
        ``"growth_times"``, the largest difference of the times at
        which each neuron's squared norm first reaches half its final value
        in the first run (neurons that end above 1e-3); ``"fit_times"``, the same for the times
        the data are fitted (spec §7); ``"final_log_norms"``, ``"final_outputs"``
        and ``"final_theta_sq_norm"``, differences of the end states (floats); and the two
        runs (``"coarse"``, ``"fine"``, :class:`FlowRun`).

    Examples
    --------
    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
    >>> err = tolerance_error(p, 1e-8, rtol=1e-8, atol=1e-10)
    >>> bool(err["growth_times"] < 1e-5 and err["final_outputs"] < 1e-6)
    True
    """
    rtol = kwargs.pop("rtol", 1e-10)
    atol = kwargs.pop("atol", 1e-12)
    coarse = simulate_flow(problem, lam, rtol=rtol, atol=atol, **kwargs)
    kwargs["t_max"] = coarse.t_max
    fine = simulate_flow(problem, lam, rtol=rtol / factor, atol=atol / factor, **kwargs)

    final = coarse.sq_norms[-1]  # the same levels for both runs

    def growth_times(run):
        return np.array([run.growth_time(j, final[j] / 2) if final[j] > 1e-3 else np.nan for j in range(final.size)])

    def worst(a, b):
        if (np.isfinite(a) != np.isfinite(b)).any():
            return np.inf
        both = np.isfinite(a)
        return float(np.abs(a[both] - b[both]).max()) if both.any() else 0.0

    return {
        "growth_times": worst(growth_times(coarse), growth_times(fine)),
        "fit_times": worst(coarse.fit_times(), fine.fit_times()),
        "final_log_norms": float(np.abs(coarse.log_norms[-1] - fine.log_norms[-1]).max()),
        "final_outputs": float(np.abs(coarse.outputs[-1] - fine.outputs[-1]).max()),
        "final_theta_sq_norm": float(abs(coarse.theta_sq_norm[-1] - fine.theta_sq_norm[-1])),
        "coarse": coarse,
        "fine": fine,
    }
