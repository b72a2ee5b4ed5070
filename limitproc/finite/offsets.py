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

from dataclasses import dataclass, field

import numpy as np

from ..schema import json_number

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
        ``n r`` split as ``e^{2κ_j}``, seeds digest F8); 0 otherwise.
    """

    process: object = field(repr=False)
    model: str
    unit_init: bool
    jump_offsets: np.ndarray
    initial: np.ndarray = field(repr=False)
    realignments: tuple = field(repr=False)
    shares: np.ndarray = field(repr=False)
    _states: object = field(repr=False, default=None)

    def kappa(self, k):
        """``κ_j^k`` on plateau ``k`` for every neuron, shape (m,); ``nan`` for
        neurons that have jumped by then, lost all their data or never move."""
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

    def to_dict(self):
        """JSON-safe dict (non-finite numbers as ``None``)."""
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


def group_members(mask, leader):
    """The neurons of ``leader``'s group of equal columns (spec §5)."""
    return np.flatnonzero(mask.representative == mask.representative[leader])


def _initial_phase(problem, j, log_norm, inner):
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
    s = float(problem.signs[j])
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


def logistic(x):
    """``1/(1 + e^x)`` (:func:`scipy.special.expit` of ``−x``)."""
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


def log_norm_offsets(process, *, unit_init=False, model="transit", progress=None):
    """The λ-free log-norm offsets ``κ_j^k`` and jump offsets ``C_k``
    (module docstring; ``docs/finite-lambda.md``).

    Parameters
    ----------
    process : LimitProcess
    unit_init : bool
        Offsets for ``w_j(0) = λ z_j`` instead of ``λ W0_j`` (the two
        initializations of :func:`~limitproc.flow.simulate.simulate_flow`).
    model : {"transit", "first-order"}
        ``"transit"``: exact initial phase (with the deactivations of
        wrong-sign components) and the realignment through each logistic jump.
        ``"first-order"``: the closed form ``ln(||W0_j|| (1 + z_j)/2)`` and an
        instantaneous realignment (:func:`offset_model`).
    progress : callable, optional
        Called as ``progress("offsets", done, total)`` after each cluster of
        simultaneous jumps (``total`` clusters).

    Returns
    -------
    LogNormOffsets

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

    if model not in ("transit", "first-order"):
        raise ValueError(f"model must be 'transit' or 'first-order', got {model!r}")
    problem, mask = process.problem, process.mask
    n, m = problem.n, problem.m
    y = problem.y
    log_norms = np.zeros(m) if unit_init else np.log(problem.init_norms)
    live = mask.counts > 0
    G = problem.inner_products()
    kappa = np.full(m, np.nan)
    states = np.zeros((m, n))
    for j in np.flatnonzero(live):
        if model == "transit":
            kappa[j], states[j], _ = _initial_phase(problem, j, log_norms[j], G[j])
        else:
            data = mask.data_of(j)
            D0 = y[data] / n
            z = float(problem.signs[j] * (G[j][data] @ D0) / np.linalg.norm(D0))
            kappa[j] = log_norms[j] + np.log((1.0 + z) / 2.0)
    initial = kappa.copy()
    rep = mask.representative
    rate = np.array([float(r) for r in process.initial_rates])[rep]
    unfitted = np.ones(n, dtype=bool)
    waiting = live.copy()
    offsets = np.zeros(process.K)
    shares = np.zeros(m)
    realignments = []
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
            r = float(s.rate)
            log_amplitude = 0.5 * logsumexp(2.0 * kappa[group])
            offsets[s.k - 1] = (np.log(n * r) - 2.0 * log_amplitude) / (2.0 * r)
            shares[group] = n * r * softmax(2.0 * kappa[group])
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
                    blocks.append((float(np.linalg.norm(y[lost])) / n, float(s.rate), offsets[s.k - 1]))
                    who.append(s.k)
            if not blocks:
                continue
            old, new = rate[j], float(np.linalg.norm(y[data[unfitted[data]]])) / n
            members = group_members(mask, j)
            log_amp = float(0.5 * logsumexp(2.0 * kappa[members]))
            lead = min(0.5 * np.log(n * r_jump / 2.0) - log_amp - old * C for _, r_jump, C in blocks)
            pending.append((j, blocks, who, old, new, members, log_amp, lead))
        moving = [item for item in pending if item[4] > 0] if model == "transit" else []
        transits = dict(zip((item[0] for item in moving), _transits([(item[3], item[4], item[1]) for item in moving])))
        for j, blocks, who, old, new, members, log_amp, lead in pending:
            if model == "transit" and new > 0:
                delta, remnant = transits[j]
                remnant = tuple(log_amp + v for v in remnant)
            elif model == "transit":
                delta, remnant = np.nan, ()
            else:
                # validate.py's convention: the rate drop at the cluster's last jump
                C = offsets[last_k - 1]
                delta = (old - new) * C + np.log((1.0 + new / old) / 2.0) if new > 0 else np.nan
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
    states.flags.writeable = False
    return LogNormOffsets(process, model, bool(unit_init), offsets, initial, tuple(realignments), shares,
                          states if model == "transit" else None)


def offset_model(problem, process):
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
    ``ω_j = Σ <z_j, x_i>²`` over initially active ``i`` with ``s_j y_i < 0``."""
    G = problem.inner_products()[j]
    data = process.mask.data_of(j)
    D0 = problem.y[data] / problem.n
    z = float(problem.signs[j] * (G[data] @ D0) / np.linalg.norm(D0))
    wrong = (G > 0) & (problem.signs[j] * problem.y < 0)
    return z, float((G[wrong] ** 2).sum())


def offset_bound(problem, process):
    """A-priori bounds ``B_k ≥ |C_k|`` on the limit offsets, shape (K,)
    (:mod:`limitproc.flow.validation`, "Offsets"): every alignment loss taken at its
    worst (``ln 2``) plus the wrong-sign mass ``ω_j``,
    ``2 r_k B_k = |ln(n r_k)| + 2 |ln ||W0_j||| + 2 ln 2 + ω_j + Σ_l [2 ln 2 + 2 (r^{l−1} − r^l) B_l]``.
    The jump-time tolerance of a resolved run is
    ``|t̂_k/ln(1/λ) − τ_k| ≤ B_k / ln(1/λ)``.

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
    bounds = {}
    out = []
    for s in process.jumps:
        group = s.group or (s.neuron,)
        log_norm = max(abs(np.log(problem.init_norms[g])) for g in group)
        omega = max(_alignment(problem, process, g)[1] for g in group)
        rate = float(s.rate)
        value = abs(np.log(n * rate)) + 2 * log_norm + 2 * np.log(2) + omega
        for step in drops.get(s.neuron, []):
            if step.k < s.k:
                value += 2 * np.log(2) + 2 * (float(step.old_rate) - float(step.new_rate)) * bounds[step.k]
        bounds[s.k] = value / (2 * rate)
        out.append(bounds[s.k])
    return np.array(out)
