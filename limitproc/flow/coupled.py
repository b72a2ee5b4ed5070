r"""The gradient flow on near-orthogonal inputs (docs/general-inputs.md §4).

:func:`~limitproc.flow.simulate.simulate_flow` calls :func:`simulate_coupled`
when :attr:`~limitproc.problem.Problem.regime` is near-orthogonal.  The
parametrization is that of the orthogonal simulator (log-norm ``ρ_j``, ratio
``α_j = a_j/||w_j||``, unit direction ``ū_j``), with the direction written in
**cosine coordinates** ``u_ji = <ū_j, x_i>/||x_i||``.  With the cosine Gram
matrix ``Ĝ`` and ``c_i = ||x_i||``:

.. math::

    \dot u_j = α_j\,(D_j Ĝ − g_j u_j),\qquad
    D_{ji} = 1[u_{ji} > 0]\,(y_i − h(x_i))\,c_i/n,\qquad g_j = \langle D_j, u_j\rangle,

``h(x_i) = c_i Σ_j α_j e^{2ρ_j} max(u_ji, 0)``, ``ρ̇_j = α_j g_j``.  Unlike the
orthogonal case a component with ``u_ji ≤ 0`` is *not* frozen: the coupling
``(D_j Ĝ)_i`` moves it, and it can cross 0 upwards and wake (seed 002
Assumption 2 fails).  Crossings are events in both directions.  A component
that the active side pushes down and the inactive side pushes up *slides* on
``u_ji = 0`` (Filippov): it is pinned there, and ``D_ji`` takes the share
``θ (y_i − h_i) c_i/n``, ``θ ∈ (0, 1)``, that keeps it at 0, until either side
lets it go.  The sphere ``||ū_j||² = u_jᵀ Ĝ⁻¹ u_j + F_j = 1`` (``F_j`` the
share of the part orthogonal to the data span) is stabilized as in the
orthogonal simulator.  Each evaluation costs ``O(m n²)``: this simulator is
for the moderate sizes where near-orthogonal data are studied.
"""

from __future__ import annotations

import time as _time
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from scipy.integrate import solve_ivp

from .run import FlowRun, output_ratios, ratio_rate, recorded

if TYPE_CHECKING:
    from ..problem.problem import Problem

__all__ = ["simulate_coupled"]

_TINY = 1e-300

#: Distance to 0 (cosine units) within which a component moving towards 0 at
#: an event has crossed (the event's root is located to the solver's accuracy);
#: a component put to sleep at 0 starts twice this far below.
_SNAP = 1e-10
_ACTIVE, _ASLEEP, _PINNED = 1, 0, 2


def _cosine_gram(problem):
    units = problem.X / problem.input_norms[:, None]
    return units @ units.T, units


def simulate_coupled(
    problem: Problem,
    log_inv_lam: float,
    t_max: float,
    *,
    rtol: float = 1e-10,
    atol: float = 1e-12,
    method: Literal["DOP853", "RK45", "RK23"] = "DOP853",
    unit_init: bool = False,
    dense: bool = True,
) -> FlowRun:
    """Integrate the flow of spec §1 on near-orthogonal inputs (module
    docstring).  Arguments as :func:`~limitproc.flow.simulate.simulate_flow`;
    returns a :class:`~limitproc.flow.run.FlowRun` whose ``directions`` are
    the cosine coordinates and whose ``deactivations`` list every change of
    a component's state as ``(t, j, i)``.

    Parameters
    ----------
    problem : Problem
        A problem whose :attr:`~limitproc.problem.Problem.regime` is
        near-orthogonal.
    log_inv_lam : float
        ``ln(1/λ)``.
    t_max : float
        Un-accelerated horizon.
    rtol, atol : float
        Tolerances of :func:`scipy.integrate.solve_ivp`.
    method : {"DOP853", "RK45", "RK23"}
        Its explicit Runge–Kutta method.
    unit_init : bool
        Start from ``λ z_j`` instead of ``λ W0_j``.
    dense : bool
        Keep the dense output.

    Returns
    -------
    FlowRun

    Raises
    ------
    RuntimeError
        The solver failed or its solution became non-finite.

    Examples
    --------
    ``cos(x_0, x_1) = 10^-4``: the positive neuron starts active on ``x_0``
    only; below the coupling scale the coupling wakes ``x_1`` and the neuron
    fits both data (docs/general-inputs.md §4):

    >>> from limitproc import Problem
    >>> X = np.array([[1.0, 0.0], [1e-4, np.sqrt(1 - 1e-8)]])
    >>> p = Problem([1.0, 1.0], [[1.0, -0.3]], signs=[1], X=X, tol=1e-3)
    >>> run = simulate_coupled(p, np.log(1e20), 340.0)
    >>> run.outputs[-1].round(6), [(j, i) for _, j, i in run.deactivations]
    (array([1., 1.]), [(0, 1)])
    """
    L = float(log_inv_lam)
    n, m = problem.n, problem.m
    y = problem.y.astype(float)
    c = problem.input_norms
    gram, units = _cosine_gram(problem)
    inverse = np.linalg.inv(gram)
    U0 = np.array(problem.data_coordinates(), dtype=float)
    init_log = np.zeros(m) if unit_init else np.log(problem.init_norms)
    start_log = init_log - L
    alpha0, excess = output_ratios(problem)
    free = excess is not None
    head = 2 * m if free else m
    perp = np.maximum(1.0 - np.einsum("ji,ik,jk->j", U0, inverse, U0), 0.0)
    with np.errstate(divide="ignore"):
        frozen_log_mass = start_log + 0.5 * np.log(perp)
    exp_cap = min(700.0, 100.0 + float(np.log1p(n * np.abs(y).max() / c.min())))
    mode = np.where(U0 > 0, _ACTIVE, _ASLEEP)

    def fields(z, mode):
        """Everything the right-hand side and the events need."""
        rho = z[:m]
        alpha = z[m:head] if free else alpha0
        U = z[head:].reshape(m, n)
        active = mode == _ACTIVE
        pinned = mode == _PINNED
        h = c * ((alpha * np.exp(np.minimum(2.0 * rho, exp_cap))) @ np.where(active, U, 0.0))
        weight = (y - h) * c / n
        D = np.where(active, weight, 0.0)
        for j in np.flatnonzero(pinned.any(axis=1)):
            P = np.flatnonzero(pinned[j])
            D[j, P] = np.linalg.solve(gram[np.ix_(P, P)], -(D[j] @ gram[:, P]))
        V = D @ gram  # <D_j, x_i/||x_i||>
        return rho, alpha, U, weight, D, V

    def make_rhs(mode):
        pinned = mode == _PINNED

        def rhs(t, z):
            rho, alpha, U, _, D, V = fields(z, mode)
            g = np.einsum("ji,ji->j", D, U)
            N = np.einsum("ji,ik,jk->j", U, inverse, U) + np.exp(2.0 * np.minimum(frozen_log_mass - rho, 0.0))
            ag = alpha * g
            along = np.abs(ag) * (1.0 - N) - ag / np.maximum(N, _TINY)
            dU = np.where(pinned, 0.0, alpha[:, None] * V + along[:, None] * U)
            out = [ag]
            if free:
                out.append(ratio_rate(excess, start_log, rho, g))
            out.append(dU.ravel())
            return np.concatenate(out)

        return rhs

    def sides(z, mode):
        """Velocities of every component on its inactive and active side."""
        _, alpha, _, weight, D, V = fields(z, mode)
        own = np.diag(gram)[None, :] * np.where(mode == _ASLEEP, 0.0, D)
        inactive = alpha[:, None] * (V - own)
        return inactive, inactive + alpha[:, None] * weight[None, :] * np.diag(gram)[None, :]

    def values(z, mode):
        """Per component, what must stay positive in its state: ``u`` if
        active, ``−u`` if asleep (on a neuron that moves at all: the others'
        components cannot cross 0), and if sliding its inactive-side velocity
        and minus its active-side one (continuous, unlike ``θ``, whose
        denominator changes sign with the residual); ``inf`` for the rest."""
        U = z[head:].reshape(m, n)
        moving = ((mode == _ACTIVE) | (mode == _PINNED)).any(axis=1)[:, None]
        out = np.where(mode == _ACTIVE, U, np.where((mode == _ASLEEP) & moving, -U, np.inf))
        if (mode == _PINNED).any():
            inactive, active = sides(z, mode)
            out = np.where(mode == _PINNED, np.minimum(inactive, -active), out)
        return out

    def make_event(mode):
        def event(t, z):
            return float(min(values(z, mode).min(), 1.0))

        event.terminal = True
        event.direction = -1
        return event

    state = np.concatenate([start_log] + ([alpha0] if free else []) + [np.where(U0 == 0.0, -_TINY, U0).ravel()])
    times: list[Any] = []
    heads: list[Any] = []
    Us: list[Any] = []
    segments_dense: list[tuple[Any, ...]] = []
    changes: list[tuple[float, int, int]] = []
    nfev = steps = segments = 0
    t0, first_step, stalls = 0.0, None, 0
    all_index = np.arange(m * n)
    every = np.ones((m, n), dtype=bool)
    none_log = np.full((m, n), -np.inf)
    zero_sign = np.zeros((m, n))
    started = _time.perf_counter()
    while True:
        sol = solve_ivp(make_rhs(mode.copy()), (t0, t_max), state, method=method, rtol=rtol, atol=atol,
                        events=make_event(mode.copy()), first_step=first_step, dense_output=dense)
        segments += 1
        nfev += int(sol.nfev)
        if sol.status < 0:
            raise RuntimeError(f"solve_ivp failed at t = {sol.t[-1]:.6g}: {sol.message}")
        steps += sol.t.size - 1
        skip = 1 if times else 0
        times.append(sol.t[skip:])
        heads.append(sol.y[:head].T[skip:])
        Us.append(sol.y[head:].T[skip:])
        if dense:
            segments_dense.append((t0, sol.sol, all_index, every, none_log, zero_sign))
        if sol.status == 0 or sol.t[-1] >= t_max:
            break
        stalls = stalls + 1 if float(sol.t[-1]) == t0 else 0
        if stalls > 3:
            raise RuntimeError(f"the coupled flow cannot leave the switching state at t = {t0:.6g}")
        t0 = float(sol.t[-1])
        state = sol.y[:, -1].copy()
        # the component whose value goes through 0 here (a short step ahead)
        ahead = values(state + 1e-7 * make_rhs(mode)(t0, state), mode)
        mode = _switch(state, mode, head, m, n, sides, changes, t0, np.unravel_index(np.argmin(ahead), ahead.shape))
        # a switch changes the neuron's other velocities: settle every
        # component whose state they contradict before going on
        for _ in range(m * n):
            now = values(state, mode)
            if now.min() > 0:
                break
            mode = _switch(state, mode, head, m, n, sides, changes, t0, np.unravel_index(np.argmin(now), now.shape))
        Us[-1][-1] = state[head:]
        last = float(sol.t[-2] - sol.t[-3]) if sol.t.size >= 3 else 0.0
        first_step = min(last, t_max - t0) if last > 0 else None
        if segments > 50 * m * n + 100:
            raise RuntimeError(f"the coupled flow switched {segments} times by t = {t0:.6g} (chattering)")
    seconds = _time.perf_counter() - started

    t = np.concatenate(times)
    both = np.concatenate(heads)
    rho = both[:, :m]
    alpha = both[:, m:] if free else np.broadcast_to(alpha0, rho.shape)
    U = np.concatenate(Us).reshape(-1, m, n)
    h, rho_rate, h_rate = recorded(problem, rho, alpha, U, excess, start_log, gram)
    if not (np.isfinite(h).all() and np.isfinite(rho).all()):
        raise RuntimeError(f"the {method} solution became non-finite; lower rtol/atol")
    loss = problem.loss(h)
    N = np.einsum("tji,ik,tjk->tj", U, inverse, U) + np.exp(2.0 * (frozen_log_mass[None] - rho))
    defect = 1.0 - N
    ratios = np.array(alpha) if free else None
    arrays = (t, rho, U, h, loss, defect, rho_rate, h_rate, frozen_log_mass, np.zeros((m, n)))
    for arr in arrays + ((ratios,) if free else ()):
        arr.flags.writeable = False
    return FlowRun(
        problem, L, *arrays, tuple(changes), nfev, steps, segments, seconds,
        method, float(rtol), float(atol), init_log, tuple(segments_dense), ratios,
    )


def _share(inactive, active):
    """``θ = v_in / (v_in − v_act)`` from the velocities of a component on its
    inactive and active sides: in ``(0, 1)`` it slides on 0 (the share of its
    own gradient that holds it there), ``≤ 0`` it sleeps, ``≥ 1`` it is
    active.  Two velocities pushing the same way give ``θ`` outside
    ``(0, 1)`` accordingly; both zero gives 0 (nothing moves it)."""
    gap = inactive - active
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = np.where(gap > 0, inactive / np.where(gap > 0, gap, 1.0),
                         np.where(active > 0, np.inf, np.where(inactive > 0, np.inf, 0.0)))
    return theta


def _switch(state, mode, head, m, n, sides, changes, t, trigger):
    """New modes after an event: components at (or through) 0 are put where
    the share ``θ`` of their two side velocities sends them (module
    docstring; :func:`_share`); ``state`` is updated in place."""
    U = state[head:].reshape(m, n)
    inactive, active = sides(state, mode)
    theta = _share(inactive, active)
    moving = ((mode == _ACTIVE) | (mode == _PINNED)).any(axis=1)[:, None]
    # The event's root is located to the solver's accuracy: a component a hair
    # away from 0 and moving towards it has crossed.
    at_zero = ((mode == _ACTIVE) & ((U <= 0) | ((U < _SNAP) & (active < 0))))
    at_zero |= (mode == _ASLEEP) & moving & ((U >= 0) | ((U > -_SNAP) & (inactive > 0)))
    released = (mode == _PINNED) & ((theta <= 0) | (theta >= 1))
    new = mode.copy()
    forced = np.zeros_like(at_zero)
    if not (at_zero.any() or released.any()):
        # The root is a hair above 0 (velocities at the level of rounding):
        # move the component that triggered the event across, and a hair
        # past 0 so that the same rounding does not bring it straight back.
        j, i = trigger
        forced[j, i] = True
        if mode[j, i] == _PINNED:
            theta[j, i] = 0.0 if inactive[j, i] < -active[j, i] else 1.0
            released[j, i] = True
        else:
            at_zero[j, i] = True
    change = at_zero | released
    new[change & (theta >= 1)] = _ACTIVE
    new[change & (theta > 0) & (theta < 1)] = _PINNED
    new[change & (theta <= 0)] = _ASLEEP
    # A component left at exactly 0 would keep its event function at 0, and a
    # velocity at the level of rounding could bring it back at once: put it a
    # hair on its side.
    U[change & (new == _PINNED)] = 0.0
    U[change & (new == _ASLEEP)] = np.minimum(U[change & (new == _ASLEEP)], -2.0 * _SNAP)
    U[change & (new == _ACTIVE)] = np.maximum(U[change & (new == _ACTIVE)],
                                              np.where(forced, 2.0 * _SNAP, _TINY)[change & (new == _ACTIVE)])
    for j, i in np.argwhere(new != mode):
        changes.append((t, int(j), int(i)))
    return new
