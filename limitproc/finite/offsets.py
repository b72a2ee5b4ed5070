r"""The λ-free log-norm offsets of the gradient flow at finite λ.

At a finite initialization scale ``λ`` a neuron's log-norm is
``-ln(1/λ) e_j(t/ln(1/λ)) + κ_j + o(1)``, with ``e_j`` the exponent of spec §2
and ``κ_j`` a λ-free offset; the half-fit time of jump ``k`` is
``t_k = τ_k ln(1/λ) + C_k + o(1)``.  This module computes the offsets; the
loss curve, final rate and resolution verdict built on them are in
:mod:`limitproc.finite.corrections`, the derivation in ``docs/finite-lambda.md``.

**Initial phase** (seed 000 eq. (28), Lemma 12; seeds digest F8).  While a
neuron is small, it moves in the residual of the fitted part held fixed, a
linear flow ``da/dt = <D, w>, dw/dt = a D``; ``κ_j^0`` is the growing-mode
amplitude of the ``λ``-free flow from ``w_j(0)/λ`` (solved in closed form,
segment by segment between the deactivations of wrong-sign components).

**Realignments.**  When jump ``l`` fits some of ``j``'s data, the residual on
them decays like the logistic ``1/(1 + e^{2 r_l (t - t_l)})`` and

.. math::

    \kappa_j^{l} = \kappa_j^{l-1} + \Delta_j^l ,

where ``Δ`` is the log-amplitude change of the linear flow through that
logistic (a three-dimensional λ-free ODE, :func:`_transit`).  The first-order
model of :func:`offset_model` replaces it by an instantaneous switch,
``Δ = (r^{l-1} − r^l) C_l + ln((1 + r^l/r^{l−1})/2)``, and ignores the
deactivations.

**Jump offsets** (seeds digest F11).  The jumping group ``G`` of rate ``r``
grows logistically to ``n r``; its half-fit time is ``t_k = τ_k ln(1/λ) + C_k``
with ``2 r C_k = ln(n r) − ln Σ_{g ∈ G} e^{2 κ_g}``; members share the fit as
``||w_g||² = n r e^{2κ_g} / Σ e^{2κ}`` (F8).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..schema import json_number

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from ..problem.problem import Problem
    from ..process.algorithm1 import LimitProcess
    from ..process.mask import Mask

__all__ = [
    "LOGISTIC_TAIL",
    "LogNormOffsets",
    "Realignment",
    "group_members",
    "log_norm_offsets",
    "logistic",
    "offset_bound",
    "offset_model",
]


#: Steps of a gradient-descent realignment multiplied together at once
#: (:func:`_discrete_realignment`; memory ``(B + 2)² · 8`` bytes per step).
_REALIGNMENT_CHUNK = 1 << 18
#: A logistic ``1/(1 + e^{x})`` is taken as 0 (or 1) beyond ``|x| = 2 · LOGISTIC_TAIL``.
LOGISTIC_TAIL = 20.0

@dataclass(frozen=True)
class Realignment:
    """Jump(s) at ``τ_k`` fitted some of waiting neuron ``neuron``'s data.

    Attributes
    ----------
    k : int
        Index of the (last) jump of the cluster at ``τ_k`` (as in
        :attr:`LimitProcess.interactions`).
    neuron : int
        The waiting neuron (first of its group; members share everything
        here).
    jumps : tuple of int
        The jumps of the cluster that took its data.
    old_rate, new_rate : float
        ``r_j^{k-1}`` and ``r_j^k``.
    exponent : float
        ``e_j(τ_k)`` (spec §2): the competitor is ``λ^e`` small at the jump.
    delta : float
        ``κ_j^k − κ_j^{k-1}``: the change of the log-norm offset.
    lead : float
        λ-free part of the log norm ratio between the jumper and this neuron
        at the jumper's half-fit time; the full ratio is ``e ln(1/λ) + lead``
        (negative: the competitor is ahead at that λ).
    remnant : tuple of float
        ``ln`` of the λ-free size of the positive component left on each
        taken block (group-combined), per jump of ``jumps``.

    Examples
    --------
    Obtained from :attr:`LogNormOffsets.realignments`
    (``docs/finite-lambda.md`` §1.2): jump 1 takes datum 0 from waiting
    neuron 1, whose rate drops from ``√10/3`` to ``1/3``:

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0, 1.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
    >>> (step,) = log_norm_offsets(limit_process(p)).realignments
    >>> step.k, step.neuron, step.jumps, round(step.old_rate, 4), round(step.new_rate, 4)
    (1, 1, (1,), 1.0541, 0.3333)
    >>> round(step.exponent, 4), round(step.delta, 4), round(step.lead, 4)
    (0.3675, -0.2917, -0.1716)
    """

    k: int
    neuron: int
    jumps: tuple
    old_rate: float
    new_rate: float
    exponent: float
    delta: float
    lead: float
    remnant: tuple = ()


@dataclass(frozen=True, eq=False)
class LogNormOffsets:
    """The λ-free log-norm offsets ``κ_j^k`` and jump offsets ``C_k``
    (module docstring; ``docs/finite-lambda.md``).

    Attributes
    ----------
    process : LimitProcess
    model : {"transit", "first-order"}
    unit_init : bool
        Whether ``w_j(0) = λ z_j`` (else ``λ W0_j``, as in
        :func:`~limitproc.flow.simulate.simulate_flow`).
    jump_offsets : ndarray, shape (K,)
        ``C_k = lim (t_k − τ_k ln(1/λ))``, ``t_k`` the half-fit time of jump
        ``k``'s group (the detection rule of :mod:`limitproc.flow.validation`).
    initial : ndarray, shape (m,)
        ``κ_j^0`` (``nan`` for zero columns).
    realignments : tuple of Realignment
    shares : ndarray, shape (m,)
        Final ``||w_j||² = a_j²`` of the neurons that jump (the group's
        ``N = ||(y/c)_I||``, ``n r`` for unit norms, split as ``e^{2κ_j}``,
        seeds digest F8); 0 otherwise.
    profiles : tuple of JumpProfile
        The one-neuron fit of each jump (:mod:`limitproc.finite.jumps`).

    Examples
    --------
    Obtained from :func:`log_norm_offsets`; the jump offsets are those of
    :func:`offset_model` here (one neuron per sign, spec §4):

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0, -1.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> offsets = log_norm_offsets(limit_process(p))
    >>> offsets.model, offsets.jump_offsets.round(4).tolist(), offsets.initial.round(4).tolist()
    ('transit', [0.2137, -0.9357], [0.4485, 0.3119])
    >>> offsets.shares.tolist(), offsets.realignments
    ([5.0, 1.0], ())
    """

    process: Any = field(repr=False)
    model: str
    unit_init: bool
    jump_offsets: np.ndarray
    initial: np.ndarray = field(repr=False)
    realignments: tuple = field(repr=False)
    shares: np.ndarray = field(repr=False)
    _states: Any = field(repr=False, default=None)
    profiles: tuple = field(repr=False, default=())

    def kappa(self, k: int) -> NDArray[np.float64]:
        """``κ_j^k`` on plateau ``k`` for every neuron, shape (m,); ``nan`` for
        neurons that have jumped by then, lost all their data or never move.

        ``κ_j^k = κ_j^0 + Σ_{l ≤ k} Δ_j^l`` over the realignments of ``j``
        (``docs/finite-lambda.md`` §1.2).

        Parameters
        ----------
        k : int
            The plateau, ``0 ≤ k ≤ K``.

        Returns
        -------
        ndarray, shape (m,)

        Raises
        ------
        ValueError
            ``k`` outside ``0..K``.

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, 1.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
        >>> offsets = log_norm_offsets(limit_process(p))
        >>> offsets.kappa(0).round(4).tolist(), offsets.kappa(1).round(4).tolist()
        ([0.4485, 0.4045], [nan, 0.1128])
        """
        k = int(k)
        if not 0 <= k <= self.process.K:
            raise ValueError(f"k must be in 0..{self.process.K}, got {k}")
        mask = self.process.mask
        out = self.initial.copy()
        for step in self.realignments:
            if step.k <= k:
                members = group_members(mask, step.neuron)
                out[members] = out[members] + step.delta if step.new_rate > 0 else np.nan
        for s in self.process.jumps[:k]:
            out[list(s.group or (s.neuron,))] = np.nan
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (non-finite numbers as ``None``).

        The ``"offsets"`` entry of the ``finite_lambda`` document
        (``docs/json-schema.md``).

        Returns
        -------
        dict

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, -1.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> d = log_norm_offsets(limit_process(p)).to_dict()
        >>> d["model"], [round(c, 4) for c in d["jump_offsets"]], d["shares"]
        ('transit', [0.2137, -0.9357], [5.0, 1.0])
        """
        return {
            "model": self.model,
            "unit_init": bool(self.unit_init),
            "jump_offsets": [json_number(c) for c in self.jump_offsets],
            "initial": [json_number(c) for c in self.initial],
            "shares": [json_number(c) for c in self.shares],
            "realignments": [
                {"k": r.k, "neuron": r.neuron, "jumps": list(r.jumps),
                 **{key: json_number(getattr(r, key)) for key in ("old_rate", "new_rate", "exponent", "delta", "lead")}}
                for r in self.realignments
            ],
        }


def group_members(mask: Mask, leader: int | np.integer) -> NDArray[np.intp]:
    """The neurons of ``leader``'s group of equal columns (spec §5).

    Parameters
    ----------
    mask : Mask
        The activation mask of a limit process (``process.mask``).
    leader : int
        Any neuron of the group.

    Returns
    -------
    ndarray of int
        The group's neurons, increasing.

    Examples
    --------
    Two neurons with the same column form one group:

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, 1]], signs=[1, 1])
    >>> group_members(limit_process(p).mask, 1).tolist()
    [0, 1]
    """
    return np.flatnonzero(mask.representative == mask.representative[leader])


def _initial_phase(problem, j, log_norm, inner, sign):
    """``κ_j^0``, the end state ``c*`` (data basis) and the end time of the
    deactivations of the λ-free flow of neuron ``j`` with ``h ≡ 0``
    (seed 000 eq. (28)).

    In the data basis, with ``a`` made positive (``a ← s a``, ``g = s y / n``)
    and ``S`` the active coordinates with a non-zero label, the flow is
    linear, ``da/dt = <g_S, c_S>``, ``dc_S/dt = g_S a``, so with ``γ = ||g_S||``,
    ``b = <ĝ_S, c_S>``: ``a(t) = a cosh γt + b sinh γt`` and
    ``c_i(t) = c_i + g_i ∫a``.  A wrong-sign coordinate (``g_i < 0``) reaches 0
    when ``∫a = c_i/|g_i|`` and freezes; after the last one
    ``a ≈ (a + b)/2 e^{γ t}``.

    The wrong-sign coordinates freeze in the order of their initial
    thresholds ``c_i/|g_i|`` (each event lowers every remaining threshold by
    the same area), so they are sorted once and the active sums
    ``||g_S||²`` and ``<g_S, c_S(0)>`` are read from suffix sums: linear time
    after the sort.
    """
    n = problem.n
    s = float(sign)
    scale = float(np.exp(log_norm))
    c = scale * np.array(inner, dtype=float)
    a = scale
    g = s * problem.y / n
    active = (c > 0) & (g != 0)
    if not (active & (g > 0)).any():
        return np.nan, c, 0.0
    right = np.flatnonzero(active & (g > 0))
    wrong = np.flatnonzero(active & (g < 0))
    wrong = wrong[np.argsort(c[wrong] / -g[wrong], kind="stable")]
    thresholds = c[wrong] / -g[wrong]
    # sums over the right coordinates and the wrong ones not yet frozen (suffixes)
    g2_right, gc_right = float(g[right] @ g[right]), float(g[right] @ c[right])
    g2_tail = np.concatenate([np.cumsum((g[wrong] ** 2)[::-1])[::-1], [0.0]])
    gc_tail = np.concatenate([np.cumsum((g[wrong] * c[wrong])[::-1])[::-1], [0.0]])
    c0 = c.copy()
    t = 0.0
    done = 0.0  # the area ∫a so far
    for k, i in enumerate(wrong):
        gamma = float(np.sqrt(g2_right + g2_tail[k]))
        b = (gc_right + gc_tail[k] + done * gamma * gamma) / gamma  # <ĝ_S, c_S>, c_S = c_S(0) + g_S · area
        area = float(thresholds[k] - done)
        # a sinh x + b (cosh x − 1) = γ·area, solved for u = e^x ≥ 1.
        B = b + gamma * area
        root = np.sqrt(B * B + (a - b) * (a + b))
        u = (B + root) / (a + b) if B >= 0 else (a - b) / (root - B)
        x = float(np.log(max(u, 1.0)))
        a = a * np.cosh(x) + b * np.sinh(x)
        done += area
        t += x / gamma
    gamma = float(np.sqrt(g2_right))
    b = (gc_right + done * gamma * gamma) / gamma
    c[right] = c0[right] + g[right] * done
    c[wrong] = 0.0
    return float(np.log((a + b) / 2.0) - gamma * t), c, t


def logistic(x: ArrayLike) -> NDArray[np.float64]:
    """``1/(1 + e^x)`` (:func:`scipy.special.expit` of ``−x``).

    The profile of a one-class jump (``docs/finite-lambda.md`` §2.1).

    Parameters
    ----------
    x : float or array_like

    Returns
    -------
    ndarray
        Same shape as ``x``.

    Examples
    --------
    >>> logistic([0.0, 2.0]).round(4).tolist()
    [0.5, 0.1192]
    """
    from scipy.special import expit

    return expit(-np.asarray(x, dtype=float))


def _transit(old_rate, new_rate, blocks):
    r"""Change ``Δ`` of the log-norm offset of a waiting neuron through jumps
    that fit part of its data, and the remnant on each taken block.

    ``blocks`` lists ``(r_g, ρ_g, C_g)``: the rate ``||y_lost||/n`` of the data
    taken by jump ``g``, that jump's rate and its half-fit time (relative to
    ``τ_k ln(1/λ)``).  The neuron enters in the growing mode of ``D^{k-1}``,
    ``ln a = r^{k-1} s``; the residual on block ``g`` is ``y p_g(s)``,
    ``p_g = 1/(1 + e^{2ρ_g (s − C_g)})``, so in the basis ``(ĝ_new, ĝ_g...)``

    .. math::

        \dot a = r^k α + Σ_g p_g r_g β_g,\quad \dot α = r^k a,\quad \dot β_g = p_g r_g a ,

    integrated as ``ln a`` and ``(α, β)/a``.  Returns ``(Δ, ln β_g(∞))``:
    ``ln a ≈ r^k s + Δ`` at the end.  (:func:`_transits` does many at once.)
    """
    return _transits([(old_rate, new_rate, blocks)])[0]


#: Realignments integrated together (one ODE system, time rescaled to [0, 1]).
_TRANSIT_BATCH = 64


def _transits(items, rtol=1e-12, atol=1e-14):
    """:func:`_transit` of every ``(old_rate, new_rate, blocks)`` of ``items``,
    integrated as one system per batch of :data:`_TRANSIT_BATCH`: system ``i``
    runs over its own interval ``[start_i, end_i]``, rescaled to ``σ ∈ [0, 1]``
    (``s = start_i + σ (end_i − start_i)``), and missing blocks are padded
    with ``r_g = 0`` (a block that is never there).  The error norm of the
    solver is a root mean square over components, so the tolerances are
    divided by ``sqrt(components / 3)`` to keep each system's error that of a
    solve on its own."""
    out = []
    for a in range(0, len(items), _TRANSIT_BATCH):
        out.extend(_transit_batch(items[a : a + _TRANSIT_BATCH], rtol, atol))
    return out


def _transit_batch(items, rtol, atol):
    from scipy.integrate import solve_ivp

    count = len(items)
    width = max(len(blocks) for _, _, blocks in items)
    r_g, rho, C = np.zeros((count, width)), np.ones((count, width)), np.zeros((count, width))
    for i, (_, _, blocks) in enumerate(items):
        for g, block in enumerate(blocks):
            r_g[i, g], rho[i, g], C[i, g] = block
    real = r_g > 0
    old = np.array([item[0] for item in items], dtype=float)
    new = np.array([item[1] for item in items], dtype=float)
    start = np.where(real, C - LOGISTIC_TAIL / rho, np.inf).min(axis=1)
    end = np.where(real, C + LOGISTIC_TAIL / rho, -np.inf).max(axis=1)
    length = end - start

    def rhs(sigma, flat):
        z = flat.reshape(count, 2 + width)
        s = start + sigma * length
        pr = logistic(2.0 * rho * (s[:, None] - C)) * r_g
        q_a, q_b = z[:, 1], z[:, 2:]
        phi = new * q_a + (pr * q_b).sum(axis=1)
        out = np.empty_like(z)
        out[:, 0] = phi
        out[:, 1] = new - q_a * phi
        out[:, 2:] = pr - q_b * phi[:, None]
        return (out * length[:, None]).ravel()

    z0 = np.column_stack([old * start, new / old, r_g / old[:, None]])
    scale = np.sqrt(z0.size / 3.0)
    sol = solve_ivp(rhs, (0.0, 1.0), z0.ravel(), method="DOP853", rtol=rtol / scale, atol=atol / scale)
    final = sol.y[:, -1].reshape(count, 2 + width)
    results = []
    for i, (_, _, blocks) in enumerate(items):
        log_a, q_a, q_b = final[i, 0], final[i, 1], final[i, 2 : 2 + len(blocks)]
        # from here on a = A e^{r s} + B e^{−r s} with A = (a + α)/2 e^{−r s}
        delta = float(log_a + np.log((1.0 + q_a) / 2.0) - new[i] * end[i]) if new[i] > 0 else np.nan
        with np.errstate(divide="ignore"):
            remnant = tuple(float(v) for v in np.log(np.maximum(q_b, 0.0)) + log_a)
        results.append((delta, remnant))
    return results


def _setting(process):
    """``"spec"`` for the gradient flow in spec §1's setting (unit norms,
    balanced: the closed-form logistic realignments), ``"general"`` otherwise
    (inputs of any norms, unbalanced initializations, gradient descent)."""
    return "spec" if not process.problem.extensions and not process.step else "general"


def _initial_offsets(process, unit_init, model):
    """``κ_j^0`` of every neuron (``nan`` for zero columns) and, where the
    O(λ) orthogonal parts are modelled, the end states ``c*`` (data basis).

    * spec §1's flow: :func:`_initial_phase` (closed form with the wrong-sign
      deactivations); ``model="first-order"``: ``ln(||W0_j|| (1 + z_j)/2)``;
    * inputs of any norms or unbalanced neurons:
      :func:`~limitproc.problem.balance.initial_transient` from the actual
      ``a_j(0)`` (``docs/general-inputs.md`` §3, §6);
    * gradient descent: :func:`_discrete_transients`, the same linear phase
      stepped by ``I + h M`` (``docs/gradient-descent.md`` §2).
    """
    from ..problem.balance import initial_transient

    problem, mask = process.problem, process.mask
    n, m = problem.n, problem.m
    y, c = problem.y, problem.input_norms
    live = mask.counts > 0
    coords = problem.data_coordinates()  # <z_j, x_i>/||x_i||: spec §7's data basis for unit norms
    kappa = np.full(m, np.nan)
    states = np.zeros((m, n))
    log_norms = np.zeros(m) if unit_init else np.log(problem.init_norms)
    ratios = problem.output_weights / problem.init_norms  # a_j(0)/||w_j(0)||
    if process.step:
        kappa[live], states[live] = _discrete_transients(ratios[live] * np.exp(log_norms[live]),
                                                         coords[live] * np.exp(log_norms[live])[:, None],
                                                         y * c / n, process.step)
        return kappa, states
    if _setting(process) == "spec":
        for j in np.flatnonzero(live):
            if model == "transit":
                kappa[j], states[j], _ = _initial_phase(problem, j, log_norms[j], coords[j], mask.signs[j])
            else:
                data = mask.data_of(j)
                D0 = y[data] / n
                z = float(mask.signs[j] * (coords[j][data] @ D0) / np.linalg.norm(D0))
                kappa[j] = log_norms[j] + np.log((1.0 + z) / 2.0)
        return kappa, states
    g = y * c / n
    for j in np.flatnonzero(live):
        scale = float(np.exp(log_norms[j]))
        transient = initial_transient(ratios[j] * scale, coords[j] * scale, g)
        kappa[j] = transient.log_amplitude
    return kappa, None


def _discrete_transients(a, omega, g, h, max_steps=10**6):
    """``κ_j^0`` and the end states of the linear phase under gradient descent:
    ``a ← a + h <g_S, ω_S>``, ``ω_S ← ω_S + h a g_S`` on the active set
    ``S = {ω_i > 0}`` (a component stepping through 0 freezes, σ'(0) = 0),
    for every neuron at once (rows of ``omega``).

    The steps stop, per neuron, once no active coordinate is of the wrong
    sign for the growing mode and its amplitude ``A = (a + b)/2``
    (``b = <ĝ_S, ω_S>``) outweighs the decaying one ``B = (a − b)/2``: from
    then on ``a_k = A (1 + h γ)^k + B (1 − h γ)^k`` keeps the sign of ``A``
    and nothing else freezes, so ``κ = ln |A| − g(γ) t`` exactly
    (``docs/gradient-descent.md`` §2: the eigenvectors are the flow's, the
    multipliers ``1 ± h γ``).  Without wrong-sign components no step is
    taken and ``κ = ln((a + b)/2)``, the flow's value."""
    a = np.array(a, dtype=float)
    W = np.array(omega, dtype=float)
    count = a.size
    kappa = np.full(count, np.nan)
    ends = np.zeros_like(W)
    pending = np.ones(count, dtype=bool)
    t = 0.0
    for _ in range(max_steps + 1):
        S = (W > 0) & (g != 0)
        gS = np.where(S, g, 0.0)
        gamma = np.sqrt((gS**2).sum(axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            b = (gS * W).sum(axis=1) / gamma
        A, B = (a + b) / 2.0, (a - b) / 2.0
        sign = np.sign(A)
        wrong = (S & (sign[:, None] * g[None, :] < 0)).any(axis=1)
        dead = gamma == 0.0
        done = pending & (dead | (~wrong & (np.abs(A) > np.abs(B))))
        if done.any():
            speed = np.log1p(h * gamma[done]) / h
            with np.errstate(divide="ignore"):
                kappa[done] = np.where(dead[done], np.nan, np.log(np.abs(A[done])) - speed * t)
            ends[done] = np.where(S[done], W[done], 0.0)
            pending &= ~done
        if not pending.any():
            return kappa, ends
        step_a = h * (gS * W).sum(axis=1)
        W = np.where(S & pending[:, None], W + h * a[:, None] * gS, W)
        a = np.where(pending, a + step_a, a)
        t += h
    raise ArithmeticError(f"the linear phase of gradient descent did not settle in {max_steps} steps")


def _discrete_realignment(log_a, q_a, q_b, hr, hp):
    """Gradient descent's steps ``a ← a + h(r' α + Σ p_k r β)``, ``α ← α + h r' a``,
    ``β ← β + h p_k r a`` in the scaled variables ``(ln a, α/a, β/a)``; ``hp``
    holds ``h p_k r`` per step (rows) and component.

    Each step multiplies ``z = (a, α, β)`` by ``A_k = I + [[0, h r', hp_kᵀ],
    [h r', 0, 0], [hp_k, 0, 0]]`` (non-negative entries); the product of the
    ``A_k`` is formed by pairwise products over the steps (numpy, in chunks),
    each normalized by its first entry (at least 1) with the logarithms of
    the scales summed, so a run of 10^6 steps costs milliseconds, not a Python loop.
    """
    B = hp.shape[1]
    total = np.eye(B + 2)
    log_scale = 0.0
    for chunk in range(0, hp.shape[0], _REALIGNMENT_CHUNK):
        rows = hp[chunk:chunk + _REALIGNMENT_CHUNK]
        mats = np.zeros((rows.shape[0], B + 2, B + 2))
        mats[:, 0, 1] = mats[:, 1, 0] = hr
        mats[:, 0, 2:] = rows
        mats[:, 2:, 0] = rows
        mats += np.eye(B + 2)
        while mats.shape[0] > 1:
            if mats.shape[0] % 2:
                mats = np.concatenate([mats, np.eye(B + 2)[None]])
            mats = np.matmul(mats[1::2], mats[0::2])  # later step on the left
            scales = mats[:, 0, 0].copy()  # ≥ 1, and every entry grows with it (one positive growing mode)
            mats /= scales[:, None, None]
            log_scale += float(np.log(scales).sum())
        total = mats[0] @ total
        top = float(total.max())
        total /= top
        log_scale += math.log(top)
    z = total @ np.concatenate([[1.0, q_a], np.asarray(q_b, dtype=float)])
    return log_a + log_scale + math.log(z[0]), float(z[1] / z[0]), z[2:] / z[0]


def log_norm_offsets(process, *, unit_init=False, model="transit", progress=None):
    """The λ-free log-norm offsets ``κ_j^k`` and jump offsets ``C_k``
    (module docstring; ``docs/finite-lambda.md``).

    Parameters
    ----------
    process : LimitProcess
        The flow's process, or gradient descent's (``limit_process(problem,
        step=h)``, ``docs/gradient-descent.md`` §8): every ``r Δt`` of a linear
        phase becomes ``g(r) Δt``, each transit ``ln(n r)/(2 g) + ψ(h r)/r``.
    unit_init : bool
        Offsets for ``w_j(0) = λ z_j`` instead of ``λ W0_j`` (the two
        initializations of :func:`~limitproc.flow.simulate.simulate_flow`).
    model : {"transit", "first-order"}
        ``"transit"``: exact initial phase (with the deactivations of
        wrong-sign components) and the realignment through each jump's
        transit.  ``"first-order"``: an instantaneous realignment
        (:func:`offset_model`; in spec §1's setting also the closed form
        ``ln(||W0_j|| (1 + z_j)/2)`` of the initial phase).
    progress : callable, optional
        Called as ``progress("offsets", done, total)`` after each cluster of
        simultaneous jumps (``total`` clusters).

    Returns
    -------
    LogNormOffsets

    Notes
    -----
    Inputs of any norms and unbalanced initializations
    (``docs/general-inputs.md`` §6): ``κ^0`` is the transient of
    :func:`~limitproc.problem.balance.initial_transient` from the actual
    ``a_j(0)``, each jump is the one-neuron fit of
    :func:`~limitproc.finite.jumps.jump_profile` (``s_half`` form; the
    logistic for one norm), shares are ``N e^{2κ_g} / Σ e^{2κ}`` with
    ``N = ||(y/c)_I||``, and a realignment carries one ``β`` per class of
    equal norm of the taken data, each with its own residual profile.

    Examples
    --------
    Seed 000's two-phase case: one neuron per sign, exactly active on its
    sign's data (spec §4); the offsets are the exact ones of seeds digest F11:

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0, -1.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> log_norm_offsets(limit_process(p)).jump_offsets.round(4).tolist()
    [0.2137, -0.9357]
    """
    from scipy.special import logsumexp, softmax

    from .jumps import jump_profile

    if model not in ("transit", "first-order"):
        raise ValueError(f"model must be 'transit' or 'first-order', got {model!r}")
    problem, mask = process.problem, process.mask
    n, m = problem.n, problem.m
    y, c = problem.y, problem.input_norms
    h = float(process.step)
    spec = _setting(process) == "spec"
    live = mask.counts > 0
    kappa, states = _initial_offsets(process, unit_init, model)
    initial = kappa.copy()
    rep = mask.representative
    rate = np.array([float(r) for r in process.initial_rates])[rep]
    unfitted = np.ones(n, dtype=bool)
    waiting = live.copy()
    offsets = np.zeros(process.K)
    shares = np.zeros(m)
    realignments = []
    profiles = {}
    jumps = process.jumps
    index = 0
    while index < len(jumps):
        tau = float(jumps[index].tau)
        cluster = [jumps[index]]
        while index + len(cluster) < len(jumps) and float(jumps[index + len(cluster)].tau) == tau:
            cluster.append(jumps[index + len(cluster)])
        last_k = cluster[-1].k
        exponents = process.exponents(tau)
        taken = []
        for s in cluster:
            group = list(s.group or (s.neuron,))
            profile = jump_profile(y[s.data], c[s.data], n, h)
            profiles[s.k] = profile
            log_amplitude = 0.5 * logsumexp(2.0 * kappa[group])
            offsets[s.k - 1] = profile.offset(log_amplitude)
            shares[group] = profile.fit * softmax(2.0 * kappa[group])
            waiting[group] = False
            fitted = np.zeros(n, dtype=bool)
            fitted[s.data] = True
            taken.append((s, fitted))
        for s, _ in taken:
            unfitted[s.data] = False
        pending = []  # the waiting neurons that lost data: realigned together (_transits)
        for j in np.flatnonzero(waiting & (rep == np.arange(m))):
            data = mask.data_of(j)
            blocks, who = [], []
            for s, fitted in taken:
                lost = data[fitted[data]]
                if lost.size:
                    profile = profiles[s.k]
                    if spec:
                        blocks.append((float(np.linalg.norm(y[lost])) / n, float(s.rate), offsets[s.k - 1]))
                    else:  # one β per class of equal norm of the taken data (docs/general-inputs.md §6)
                        classes = profile.classes[np.searchsorted(s.data, lost)]
                        weights = np.array([np.linalg.norm((c * y)[lost[classes == k]]) / n
                                            for k in range(profile.P)])
                        blocks.append((weights, profile, offsets[s.k - 1]))
                    who.append(s.k)
            if not blocks:
                continue
            old, new = rate[j], float(np.linalg.norm((c * y)[data[unfitted[data]]])) / n
            old_speed, new_speed = (float(v) for v in process.speed([old, new]))
            members = group_members(mask, j)
            log_amp = float(0.5 * logsumexp(2.0 * kappa[members]))
            lead = min(0.5 * np.log(profiles[k].fit / 2.0) - log_amp - old_speed * C
                       for k, C in zip(who, (offsets[k - 1] for k in who)))
            pending.append((j, blocks, who, old, new, old_speed, new_speed, members, log_amp, lead))
        moving = [item for item in pending if item[4] > 0] if model == "transit" else []
        if spec:
            found = _transits([(item[3], item[4], item[1]) for item in moving])
        else:
            found = [_realignment(item[3], item[4], item[1], h) for item in moving]
        transits = dict(zip((item[0] for item in moving), found))
        for j, blocks, who, old, new, old_speed, new_speed, members, log_amp, lead in pending:
            if model == "transit" and new > 0:
                delta, remnant = transits[j]
                remnant = tuple(log_amp + v for v in remnant)
            elif model == "transit":
                delta, remnant = np.nan, ()
            else:
                # validate.py's convention: the rate drop at the cluster's last jump
                C = offsets[last_k - 1]
                delta = (old_speed - new_speed) * C + np.log((1.0 + new / old) / 2.0) if new > 0 else np.nan
                remnant = ()
            realignments.append(Realignment(int(last_k), int(j), tuple(who), float(old), float(new),
                                            float(exponents[j]), float(delta), float(lead), remnant))
            if new > 0:
                kappa[members] += delta
            else:
                waiting[members] = False
            rate[members] = new
        if progress is not None:
            progress("offsets", index + len(cluster), len(jumps))
        index += len(cluster)
    if states is not None:
        states.flags.writeable = False
    return LogNormOffsets(process, model, bool(unit_init), offsets, initial, tuple(realignments), shares,
                          states if model == "transit" else None, tuple(profiles[s.k] for s in jumps))


def _realignment(old, new, blocks, h):
    r"""Change ``Δ`` of the log-norm offset of a waiting neuron through jumps
    that took part of its data, for inputs of any norms (flow, ``h = 0``) or
    gradient descent (``h > 0``): ``(Δ, ln ||β_g||(∞) per block)``.

    ``blocks`` lists ``(r_gκ, profile_g, C_g)``: per class ``κ`` of equal norm
    of the data taken by jump ``g``, the rate ``||(c ∘ y)_{taken ∩ κ}||/n``;
    the jump's :class:`~limitproc.finite.jumps.JumpProfile` (its residual
    ``p_κ`` on each class); its half-fit time relative to ``τ ln(1/λ)``.  In
    the basis ``(ĝ_new, ĝ_gκ…)`` the linear flow is

    .. math::

        \dot a = r' α + Σ p_{gκ}(s − C_g) r_{gκ} β_{gκ},\quad \dot α = r' a,\quad \dot β_{gκ} = p_{gκ} r_{gκ} a ,

    entered in the old growing mode (``ln a = g(r) s``, ``(α, β)/a = (r', r_gκ)/r``);
    gradient descent takes the steps ``z ← (I + h M(s)) z`` of the same matrix.
    ``Δ = lim ln A' − g(r') s`` with ``A' = (a + α)/2`` the new growing mode.
    """
    from .jumps import TAIL

    weights = [np.asarray(w, dtype=float) for w, _, _ in blocks]
    profiles = [p for _, p, _ in blocks]
    shifts = np.array([C for _, _, C in blocks], dtype=float)
    start = min(C - TAIL / p.rate for _, p, C in blocks)
    end = max(C + p.settle for _, p, C in blocks)
    sizes = [w.size for w in weights]
    if not h:
        from scipy.integrate import solve_ivp

        flat_w = np.concatenate(weights)

        def residuals(s):
            return np.concatenate([p.residual(s - C)[0] for p, C in zip(profiles, shifts)])

        def rhs(s, z):
            q_a, q_b = z[1], z[2:]
            pr = residuals(s) * flat_w
            phi = new * q_a + float(pr @ q_b)
            return np.concatenate([[phi, new - q_a * phi], pr - q_b * phi])

        z0 = np.concatenate([[old * start, new / old], flat_w / old])
        sol = solve_ivp(rhs, (start, end), z0, method="DOP853", rtol=1e-11, atol=1e-14)
        log_a, q_a, q_b = sol.y[0, -1], sol.y[1, -1], sol.y[2:, -1]
        delta = float(log_a + np.log((1.0 + q_a) / 2.0) - new * end)
    else:
        g_old, g_new = np.log1p(h * old) / h, np.log1p(h * new) / h
        phase = profiles[0].table_phase()
        # steps aligned with the first jump's tabulated steps (exact residuals there)
        start = shifts[0] + phase + h * np.floor((start - shifts[0] - phase) / h)
        count = int(np.ceil((end - start) / h))
        times = start + h * np.arange(count)
        pr = np.concatenate([p.residual(times - C) * w[None, :] for p, C, w in zip(profiles, shifts, weights)], axis=1)
        flat_w = np.concatenate(weights)
        log_a, q_a, q_b = _discrete_realignment(g_old * start, new / old, flat_w / old, h * new, h * pr)
        end = start + h * count
        delta = float(log_a + np.log((1.0 + q_a) / 2.0) - g_new * end)
    with np.errstate(divide="ignore"):
        parts = np.split(np.maximum(q_b, 0.0), np.cumsum(sizes)[:-1])
        remnant = tuple(float(np.log(np.linalg.norm(part)) + log_a) for part in parts)
    return delta, remnant


def offset_model(problem: Problem, process: LimitProcess) -> NDArray[np.float64]:
    """First-order limit offsets ``C_k = lim (t̂_k − τ_k ln(1/λ))``, shape (K,)
    (``log_norm_offsets(process, model="first-order")``; seeds digest F11).

    .. math::

        2 r_k C_k = \\ln(n r_k) - 2 \\ln\\big(\\|W0_j\\| (1 + z_j)/2\\big)
          - 2 \\sum_{l} \\Big[\\ln\\frac{1 + r^l_j / r^{l-1}_j}{2} + (r^{l-1}_j - r^l_j)\\, C_l\\Big],

    with ``z_j = s_j <z_j, D_j^0> / r_j^0`` the initial alignment and the sum
    over the earlier rate drops of ``j`` (an instantaneous realignment, and
    the rate change at the jump's own offset).  Exact for a first jump whose
    neuron has no component on opposite-sign data; groups add their
    amplitudes in squares.  :func:`log_norm_offsets` (``model="transit"``) is
    exact in general.

    Parameters
    ----------
    problem : Problem
        The problem of ``process`` (kept for the signature; the offsets come
        from ``process``).
    process : LimitProcess
        ``limit_process(problem)``.

    Returns
    -------
    ndarray, shape (K,)

    Examples
    --------
    Seed 000's two-phase case (spec §4) with one neuron per sign:

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0, -1.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> offset_model(p, limit_process(p)).round(4).tolist()  # the flow gives 0.2137, -0.9357
    [0.2137, -0.9357]
    """
    return log_norm_offsets(process, model="first-order").jump_offsets.copy()


def _alignment(problem, process, j):
    """``s_j <z_j, D_j^0> / r_j^0`` (in ``(0, 1]``) and the wrong-sign mass
    ``ω_j = Σ <z_j, x_i>²`` over initially active ``i`` with ``s_j y_i < 0``
    (spec §1's setting: unit norms, balanced)."""
    G = problem.data_coordinates()[j]
    sign = process.mask.signs[j]
    data = process.mask.data_of(j)
    D0 = problem.y[data] / problem.n
    z = float(sign * (G[data] @ D0) / np.linalg.norm(D0))
    wrong = (G > 0) & (sign * problem.y < 0)
    return z, float((G[wrong] ** 2).sum())


def offset_bound(problem, process):
    """A-priori bounds ``B_k ≥ |C_k|`` on the limit offsets, shape (K,)
    (:mod:`limitproc.flow.validation`, "Offsets"): every alignment loss taken at its
    worst (``ln 2``) plus the wrong-sign mass ``ω_j``,
    ``2 r_k B_k = |ln(n r_k)| + 2 |ln ||W0_j||| + 2 ln 2 + ω_j + Σ_l [2 ln 2 + 2 (r^{l−1} − r^l) B_l]``.
    The jump-time tolerance of a resolved run is
    ``|t̂_k/ln(1/λ) − τ_k| ≤ B_k / ln(1/λ)``.

    Beyond spec §1 (inputs of any norms, unbalanced neurons, gradient
    descent) the initial phase is known exactly and enters as it is:
    ``2 g_k B_k = 2 g_k |s_half,k| + 2 max_G |κ_g^0| + ln |G| + Σ_l [2 ln 2 + 2 (g(r^{l−1}) − g(r^l)) B_l]``
    (:mod:`limitproc.finite.jumps` for ``s_half``, ``ln |G|`` for the
    amplitudes a group adds).

    Parameters
    ----------
    problem : Problem
        The problem of ``process``.
    process : LimitProcess
        ``limit_process(problem)`` (or ``limit_process(problem, step=h)``).

    Returns
    -------
    ndarray, shape (K,)
        ``B_k`` per jump.

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0, -1.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> offset_bound(p, limit_process(p)).round(4).tolist()
    [1.2283, 3.7274]
    """
    n = problem.n
    drops = {}
    for step in process.interactions:
        drops.setdefault(step.neuron, []).append(step)
    spec = _setting(process) == "spec"
    if not spec:
        from .jumps import jump_profile

        kappa, _ = _initial_offsets(process, False, "transit")
    bounds = {}
    out = []
    for s in process.jumps:
        group = s.group or (s.neuron,)
        rate = float(s.rate)
        speed = float(process.speed(rate))
        if spec:
            log_norm = max(abs(np.log(problem.init_norms[g])) for g in group)
            omega = max(_alignment(problem, process, g)[1] for g in group)
            value = abs(np.log(n * rate)) + 2 * log_norm + 2 * np.log(2) + omega
        else:
            profile = jump_profile(problem.y[s.data], problem.input_norms[s.data], n, process.step)
            value = (2 * speed * abs(profile.s_half) + 2 * np.nanmax(np.abs(kappa[list(group)]))
                     + np.log(len(group)))
        for step in drops.get(s.neuron, []):
            if step.k < s.k:
                old, new = (float(v) for v in process.speed([float(step.old_rate), float(step.new_rate)]))
                value += 2 * np.log(2) + 2 * (old - new) * bounds[step.k]
        bounds[s.k] = value / (2 * speed)
        out.append(bounds[s.k])
    return np.array(out)
