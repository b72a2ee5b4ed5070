r"""Finite-λ corrections to the limit process: offsets, jump times, loss curve, final rate.

Algorithm 1 (spec §3) is the ``λ → 0`` limit of the gradient flow in
accelerated time.  At a finite scale ``λ`` the un-accelerated jump times are
``t_k = τ_k ln(1/λ) + C_k + o(1)``, where the offsets ``C_k`` do not depend on
``λ``; this module computes them, the loss curve they imply, the squared
norms shared inside groups of equal columns, the rate of convergence after
the last saddle, and the resolution verdict of spec §8.  The derivation is in
``docs/finite-lambda.md``; in short:

**Log-norm offsets** (seed 000 eq. (28), Lemma 12; seeds digest F8).  While
a neuron is small, it moves in the residual of the fitted part held fixed, a
linear flow ``da/dt = <D, w>, dw/dt = a D``; on plateau ``k``

.. math::

    \ln\|w_j(t)\| = -\ln(1/\lambda)\, e_j\big(t/\ln(1/\lambda)\big) + \kappa_j^k + o(1),

with ``e_j`` the exponent of spec §2 and ``κ_j^k`` a constant.  ``κ_j^0`` is
the growing-mode amplitude of the ``λ``-free flow from ``w_j(0)/λ`` (solved in
closed form, segment by segment between the deactivations of wrong-sign
components).  When jump ``l`` fits some of ``j``'s data, the residual on them
decays like the logistic ``1/(1 + e^{2 r_l (t - t_l)})`` and

.. math::

    \kappa_j^{l} = \kappa_j^{l-1} + \Delta_j^l ,

where ``Δ`` is the log-amplitude change of the linear flow through that
logistic (a three-dimensional λ-free ODE, :func:`_transit`).  The first-order
model of :func:`offset_model` replaces it by an instantaneous switch,
``Δ = (r^{l-1} − r^l) C_l + ln((1 + r^l/r^{l−1})/2)``, and ignores the
deactivations.

**Jump times** (seeds digest F11).  The jumping group ``G`` of rate ``r``
grows logistically to ``n r``; its half-fit time is ``t_k = τ_k ln(1/λ) + C_k``
with ``2 r C_k = ln(n r) − ln Σ_{g ∈ G} e^{2 κ_g}``; members share the fit as
``||w_g||² = n r e^{2κ_g} / Σ e^{2κ}`` (F8).

**Loss curve and rate** (seeds digest F12, F14, §5.3).  Each fitted block
relaxes from its logistic along the neural tangent kernel of the fitted
neurons, ``K = Σ_l n r_l (d_l d_lᵀ + I_{I_l}) + Σ_{later j} a_j² 1[A_ij]``
(the last term: neurons that jump later keep a positive remnant on the data
fitted before them).  The directions orthogonal to ``d_l`` start at size
``O(λ)`` and the remnants are kicked in at size ``λ^{e}``; :class:`_LossModel`
integrates the linear relaxation of every block with these amplitudes.

**Resolution** (spec §8).  A competitor with exponent ``e`` at a jump holds a
share ``≈ e^{−2 e ln(1/λ)}`` of the fit; below ``e ln(1/λ) = 5`` it shares
the fit visibly and the corrections (like the limit) do not describe the run.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import solve_ivp

from .process import RESOLUTION_CONSTANT

__all__ = [
    "SCHEMA_VERSION",
    "RATE_LEVEL",
    "Competitor",
    "FiniteLambdaPrediction",
    "LogNormOffsets",
    "Realignment",
    "finite_lambda",
    "log_norm_offsets",
    "offset_bound",
    "offset_model",
]

#: Version of the JSON schema of :meth:`FiniteLambdaPrediction.to_dict`.
SCHEMA_VERSION = 1

#: ``FiniteLambdaPrediction.rate`` is the decay rate of ``L − L(θ_K)`` when it
#: has fallen to this fraction of ``L(θ_0) − L(θ_K)``: the end of what a float64
#: simulation resolves.
RATE_LEVEL = 1e-12

#: A logistic ``1/(1 + e^{x})`` is taken as 0 (or 1) beyond ``|x| = 2 · _TAIL``.
_TAIL = 20.0

#: Solver of the growth windows of :class:`_Block`: the block relaxes fast
#: while a later group grows slowly, a stiff linear system (DOP853 was
#: measured to leave error floors of 1e-7 on long windows).
_WINDOW_METHOD = "BDF"

#: Residuals below this fraction of a block's labels are left out of the
#: relaxation model (a loss below ``1e-40`` of the block's drop).
_FLOOR = 1e-20


# -- the λ-free offsets ---------------------------------------------------------------


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
        :func:`~limitproc.flow.simulate_flow`).
    jump_offsets : ndarray, shape (K,)
        ``C_k = lim (t_k − τ_k ln(1/λ))``, ``t_k`` the half-fit time of jump
        ``k``'s group (the detection rule of :mod:`limitproc.validate`).
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
                members = _members(mask, step.neuron)
                out[members] = out[members] + step.delta if step.new_rate > 0 else np.nan
        for s in self.process.jumps[:k]:
            out[list(s.group or (s.neuron,))] = np.nan
        return out

    def to_dict(self):
        """JSON-safe dict (non-finite numbers as ``None``)."""
        return {
            "model": self.model,
            "unit_init": bool(self.unit_init),
            "jump_offsets": [_num(c) for c in self.jump_offsets],
            "initial": [_num(c) for c in self.initial],
            "shares": [_num(c) for c in self.shares],
            "realignments": [
                {"k": r.k, "neuron": r.neuron, "jumps": list(r.jumps), "old_rate": _num(r.old_rate),
                 "new_rate": _num(r.new_rate), "exponent": _num(r.exponent), "delta": _num(r.delta),
                 "lead": _num(r.lead)}
                for r in self.realignments
            ],
        }


def _members(mask, leader):
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
    """
    n = problem.n
    s = float(problem.signs[j])
    scale = float(np.exp(log_norm))
    c = scale * np.array(inner, dtype=float)
    a = scale
    g = s * problem.y / n
    active = (c > 0) & (g != 0)
    t = 0.0
    while True:
        gs = np.where(active, g, 0.0)
        gamma = float(np.linalg.norm(gs))
        if gamma == 0.0 or not (active & (g > 0)).any():
            return np.nan, c, t
        b = float(gs @ c) / gamma
        wrong = np.flatnonzero(active & (g < 0))
        if wrong.size == 0:
            return float(np.log((a + b) / 2.0) - gamma * t), c, t
        thresholds = c[wrong] / -g[wrong]
        first = int(np.argmin(thresholds))
        area = float(thresholds[first])
        # a sinh x + b (cosh x − 1) = γ·area, solved for u = e^x ≥ 1.
        B = b + gamma * area
        root = np.sqrt(B * B + (a - b) * (a + b))
        u = (B + root) / (a + b) if B >= 0 else (a - b) / (root - B)
        x = float(np.log(max(u, 1.0)))
        a, c = a * np.cosh(x) + b * np.sinh(x), c + gs * area
        i = wrong[first]
        c[i] = 0.0
        active[i] = False
        t += x / gamma


def _logistic(x):
    """``1/(1 + e^x)`` without overflow."""
    return 0.5 * (1.0 - np.tanh(0.5 * np.asarray(x, dtype=float)))


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
    ``ln a ≈ r^k s + Δ`` at the end.
    """
    r_g = np.array([b[0] for b in blocks], dtype=float)
    rho = np.array([b[1] for b in blocks], dtype=float)
    C = np.array([b[2] for b in blocks], dtype=float)
    start = float(np.min(C - _TAIL / rho))
    end = float(np.max(C + _TAIL / rho))

    def rhs(s, z):
        pr = _logistic(2.0 * rho * (s - C)) * r_g
        q_a, q_b = z[1], z[2:]
        phi = new_rate * q_a + pr @ q_b
        return np.concatenate([[phi, new_rate - q_a * phi], pr - q_b * phi])

    z0 = np.concatenate([[old_rate * start, new_rate / old_rate], r_g / old_rate])
    sol = solve_ivp(rhs, (start, end), z0, method="DOP853", rtol=1e-12, atol=1e-14)
    log_a, q_a, q_b = sol.y[0, -1], sol.y[1, -1], sol.y[2:, -1]
    if new_rate > 0:
        # from here on a = A e^{r s} + B e^{−r s} with A = (a + α)/2 e^{−r s}
        delta = float(log_a + np.log((1.0 + q_a) / 2.0) - new_rate * end)
    else:
        delta = np.nan
    with np.errstate(divide="ignore"):
        remnant = tuple(float(v) for v in np.log(np.maximum(q_b, 0.0)) + log_a)
    return delta, remnant


def log_norm_offsets(process, *, unit_init=False, model="transit"):
    """The λ-free log-norm offsets ``κ_j^k`` and jump offsets ``C_k``
    (module docstring; ``docs/finite-lambda.md``).

    Parameters
    ----------
    process : LimitProcess
    unit_init : bool
        Offsets for ``w_j(0) = λ z_j`` instead of ``λ W0_j`` (the two
        initializations of :func:`~limitproc.flow.simulate_flow`).
    model : {"transit", "first-order"}
        ``"transit"``: exact initial phase (with the deactivations of
        wrong-sign components) and the realignment through each logistic jump.
        ``"first-order"``: the closed form ``ln(||W0_j|| (1 + z_j)/2)`` and an
        instantaneous realignment (:func:`offset_model`).

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
            weights = np.exp(2.0 * (kappa[group] - np.max(kappa[group])))
            log_amplitude = np.max(kappa[group]) + 0.5 * np.log(weights.sum())
            offsets[s.k - 1] = (np.log(n * r) - 2.0 * log_amplitude) / (2.0 * r)
            shares[group] = n * r * weights / weights.sum()
            waiting[group] = False
            fitted = np.zeros(n, dtype=bool)
            fitted[s.data] = True
            taken.append((s, fitted))
        for s, _ in taken:
            unfitted[s.data] = False
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
            members = _members(mask, j)
            top = np.max(kappa[members])
            log_amp = float(top + 0.5 * np.log(np.exp(2.0 * (kappa[members] - top)).sum()))
            lead = min(0.5 * np.log(n * r_jump / 2.0) - log_amp - old * C for _, r_jump, C in blocks)
            if model == "transit" and new > 0:
                delta, remnant = _transit(old, new, blocks)
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
    (:mod:`limitproc.validate`, "Offsets"): every alignment loss taken at its
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


# -- the loss curve and the final rate ------------------------------------------------


def _sqrt_logistic(n_rate, rate, t, t_half):
    """``b = sqrt(u)`` and ``db/dt`` of a logistic ``u = n r/(1 + e^{-2r(t − t_half)})``."""
    x = 2.0 * rate * (t - t_half)
    b = np.sqrt(n_rate * _logistic(-x))
    return b, b * rate * _logistic(x)


class _Segment:
    """Constant coefficients ``M`` from ``t0`` on: ``z(t) = e^{M (t − t0)} z(t0)``
    (by an eigendecomposition when it is well conditioned)."""

    def __init__(self, t0, matrix):
        self.t0, self.matrix = t0, matrix
        values, vectors = np.linalg.eig(matrix)
        self.eigen = None
        if np.linalg.cond(vectors) < 1e8:
            self.eigen = values, vectors, np.linalg.inv(vectors)

    def exponentials(self, times):
        """``e^{M (t − t0)}`` at each time, shape (T, k, k)."""
        dt = np.asarray(times, dtype=float) - self.t0
        if self.eigen is not None:
            values, vectors, inverse = self.eigen
            scaled = np.exp(np.outer(dt, values))[:, None, :] * vectors[None]
            return (scaled @ inverse).real
        from scipy.linalg import expm

        return np.array([expm(self.matrix * s) for s in dt])

    def propagate(self, times, z0):
        """``e^{M (t − t0)} z0`` at each time, shape (T, k)."""
        if self.eigen is None:
            return self.exponentials(times) @ z0
        values, vectors, inverse = self.eigen
        dt = np.asarray(times, dtype=float) - self.t0
        return ((np.exp(np.outer(dt, values)) * (inverse @ z0)) @ vectors.T).real

    def first_rows(self, times):
        """First rows of ``e^{M (t − t0)}``, shape (T, k)."""
        if self.eigen is None:
            return self.exponentials(times)[:, 0, :]
        values, vectors, inverse = self.eigen
        dt = np.asarray(times, dtype=float) - self.t0
        return ((np.exp(np.outer(dt, values)) * vectors[0]) @ inverse).real


class _Block:
    """Residual of the data fitted by one jump, after its logistic (module
    docstring, "Loss curve and rate"; ``docs/finite-lambda.md`` §4).

    ``R`` (signs flipped so that the labels are positive) and the remnants
    ``C_G`` of the later jumping groups active on the block obey

    .. math::

        \\dot R = -r (R + d\\, d^T R) - Σ_G \\frac{u_G}{n} E_G R + Σ_G \\dot b_G E_G C_G,
        \\qquad \\dot C_G = -\\frac{b_G}{n} E_G^T R ,

    with ``b_G = sqrt(u_G)`` the logistic growth of group ``G``.  Data with the
    same later groups form a class; along ``ŷ_c`` the classes couple through
    ``d`` (state ``α_c``, and ``γ`` for the remnants); orthogonally to it each
    class evolves by a small matrix acting alike on all its coordinates, so
    only its fundamental matrix ``Φ_c`` and the Gram matrix of the initial
    vectors are needed.  The coefficients are constant outside the growth
    windows ``|t − t_G| ≤ 20/r_G`` (matrix exponentials there) and integrated
    inside them.
    """

    def __init__(self, n, rate, t_half, labels, perp, later, start):
        self.n, self.rate, self.t_half, self.start = n, rate, t_half, start
        self.norm = float(np.linalg.norm(labels))
        d = labels / self.norm
        self.perp_sq = float(perp @ perp)  # ||W||², the O(λ) part orthogonal to d
        # later groups: n r_G, r_G, t_G and {position in block: remnant component}
        self.later_nr = np.array([item[0] for item in later], dtype=float)
        self.later_rate = np.array([item[1] for item in later], dtype=float)
        self.later_t = np.array([item[2] for item in later], dtype=float)
        keys = [tuple(G for G, item in enumerate(later) if pos in item[3]) for pos in range(d.size)]
        self.classes = sorted(set(keys))
        members = [np.array([p for p, key in enumerate(keys) if key == c]) for c in self.classes]
        P = len(self.classes)
        self.eta = np.array([np.linalg.norm(d[idx]) for idx in members])
        self.member = np.zeros((P, len(later)))
        for ci, c in enumerate(self.classes):
            self.member[ci, list(c)] = 1.0
        x = 2.0 * rate * (start - t_half)
        R0 = -self.norm * _logistic(x) * d + np.sqrt(n * rate * _logistic(-x) * _logistic(x)) * perp
        along, gammas, self.grams = [], [], []
        for c, idx in zip(self.classes, members):
            yhat = d[idx] / np.linalg.norm(d[idx])
            alpha = float(yhat @ R0[idx])
            rows = [R0[idx] - alpha * yhat]
            for G in c:
                vec = np.array([later[G][3][p] for p in idx])
                gammas.append(float(yhat @ vec))
                rows.append(vec - gammas[-1] * yhat)
            along.append(alpha)
            rows = np.array(rows)
            self.grams.append(rows @ rows.T)
        pairs = [(ci, G) for ci, c in enumerate(self.classes) for G in c]
        self.pair_class = np.array([ci for ci, _ in pairs], dtype=int)
        self.pair_group = np.array([G for _, G in pairs], dtype=int)
        self.P, self.Q = P, len(pairs)
        self.sizes = [1 + len(c) for c in self.classes]
        # classes of equal size are integrated as one stack
        self.stacks = []
        for k in sorted(set(self.sizes)):
            which = np.array([ci for ci, size in enumerate(self.sizes) if size == k], dtype=int)
            groups = np.array([self.classes[ci] for ci in which], dtype=int).reshape(which.size, k - 1)
            self.stacks.append((k, which, groups))
        self._build(np.array(along + gammas, dtype=float))

    # coefficients ---------------------------------------------------------------------

    def _growth(self, t, phase=None):
        """``(b_G, db_G/dt)`` at ``t``; ``phase`` forces the constant values
        (``False``: before the growth, ``True``: after)."""
        if phase is not None:
            return np.where(phase, np.sqrt(self.later_nr), 0.0), np.zeros(self.later_nr.size)
        return _sqrt_logistic(self.later_nr, self.later_rate, t, self.later_t)

    def _matrices(self, b, bdot):
        """The along matrix and the per-class matrices (constant segments)."""
        n, r, P = self.n, self.rate, self.P
        U = self.member @ b**2 / n
        M = np.zeros((P + self.Q, P + self.Q))
        M[:P, :P] = -r * np.outer(self.eta, self.eta) - np.diag(r + U)
        q = np.arange(self.Q)
        M[self.pair_class, P + q] = bdot[self.pair_group]
        M[P + q, self.pair_class] = -b[self.pair_group] / n
        A = []
        for ci, c in enumerate(self.classes):
            k = len(c) + 1
            block = np.zeros((k, k))
            block[0, 0] = -(r + U[ci])
            block[0, 1:] = bdot[list(c)]
            block[1:, 0] = -b[list(c)] / n
            A.append(block)
        return M, A

    def _window_rhs(self, t, state):
        n, r, P, Q = self.n, self.rate, self.P, self.Q
        b, bdot = self._growth(t)
        U = self.member @ b**2 / n
        alpha, gamma = state[:P], state[P:P + Q]
        dalpha = -(r + U) * alpha - r * self.eta * (self.eta @ alpha)
        dalpha += np.bincount(self.pair_class, bdot[self.pair_group] * gamma, minlength=P)
        out = [dalpha, -b[self.pair_group] / n * alpha[self.pair_class]]
        offset = P + Q
        for k, which, groups in self.stacks:
            size = which.size * k * k
            Psi = state[offset:offset + size].reshape(which.size, k, k)
            new = np.empty_like(Psi)
            new[:, 0, :] = (-(r + U[which])[:, None] * Psi[:, 0, :]
                            + np.einsum("nq,nqj->nj", bdot[groups], Psi[:, 1:, :]))
            new[:, 1:, :] = -(b[groups] / n)[:, :, None] * Psi[:, None, 0, :]
            out.append(new.ravel())
            offset += size
        return np.concatenate(out)

    def _window_jac(self, t, state):
        """The (constant in the state) Jacobian of :meth:`_window_rhs`, sparse."""
        from scipy.sparse import block_diag, identity, kron

        M, A = self._matrices(*self._growth(t))
        blocks = [M]
        for k, stacked, _ in self.stacks:
            blocks.extend(kron(A[ci], identity(k)) for ci in stacked)
        return block_diag(blocks, format="csc")

    def _pack(self, matrices):
        return np.concatenate([np.array([matrices[ci] for ci in which]).ravel() for _, which, _ in self.stacks])

    def _unpack(self, flat):
        out = [None] * self.P
        offset = 0
        for k, which, _ in self.stacks:
            size = which.size * k * k
            for ci, Psi in zip(which, flat[offset:offset + size].reshape(which.size, k, k)):
                out[ci] = Psi
            offset += size
        return out

    def _build(self, z):
        """Segments from ``start`` on: constant ones and growth windows."""
        windows = sorted((tg - _TAIL / r, tg + _TAIL / r) for r, tg in zip(self.later_rate, self.later_t))
        merged = []
        for lo, hi in windows:
            if hi <= self.start:
                continue
            lo = max(lo, self.start)
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        t = self.start
        Phis = [np.eye(k) for k in self.sizes]
        self.segments = []
        for lo, hi in merged + [[np.inf, np.inf]]:
            M, A = self._matrices(*self._growth(t, self.later_t <= t))
            constant = (_Segment(t, M), [_Segment(t, a) for a in A])
            self.segments.append(("const", t, z, Phis, constant))
            if not np.isfinite(lo):
                break
            if lo > t:
                z = constant[0].propagate([lo], z)[0]
                Phis = [seg.exponentials([lo])[0] @ Phi for seg, Phi in zip(constant[1], Phis)]
            # growth window: the scaled along state and fresh fundamental matrices
            scale = float(np.linalg.norm(z)) or 1.0
            state0 = np.concatenate([z / scale, self._pack([np.eye(k) for k in self.sizes])])
            sol = solve_ivp(self._window_rhs, (lo, hi), state0, method=_WINDOW_METHOD, rtol=1e-10, atol=1e-12,
                            dense_output=True, **({"jac": self._window_jac} if _WINDOW_METHOD != "DOP853" else {}))
            self.segments.append(("window", lo, sol, scale, Phis))
            end = sol.y[:, -1]
            z = end[: self.P + self.Q] * scale
            Phis = [Psi @ Phi for Psi, Phi in zip(self._unpack(end[self.P + self.Q:]), Phis)]
            t = hi

    # evaluation -----------------------------------------------------------------------

    def _late_loss(self, t):
        """Loss of the block at sorted times ``t ≥ start``."""
        out = np.empty(t.size)
        starts = [seg[1] for seg in self.segments]
        which = np.searchsorted(starts, t, side="right") - 1
        for s in np.unique(which):
            sel = which == s
            seg = self.segments[s]
            if seg[0] == "const":
                _, _, z0, Phis, (along, classes) = seg
                z = along.propagate(t[sel], z0)
                rows = [runner.first_rows(t[sel]) @ Phi for runner, Phi in zip(classes, Phis)]
            else:
                _, _, sol, scale, Phis = seg
                states = sol.sol(t[sel]).T
                z = states[:, : self.P + self.Q] * scale
                rows = [None] * self.P
                offset = self.P + self.Q
                for k, stacked, _ in self.stacks:
                    size = stacked.size * k * k
                    first = states[:, offset:offset + size].reshape(-1, stacked.size, k, k)[:, :, 0, :]
                    for position, ci in enumerate(stacked):
                        rows[ci] = first[:, position, :] @ Phis[ci]
                    offset += size
            total = (z[:, : self.P] ** 2).sum(axis=1)
            for row, gram in zip(rows, self.grams):
                total += np.einsum("ti,ij,tj->t", row, gram, row)
            out[sel] = total
        return out / (2.0 * self.n)

    def loss(self, t):
        """``||R(t)||² / (2n)`` of the block (logistic and ``O(λ)`` orthogonal
        part before ``start``, the linear relaxation after)."""
        t = np.asarray(t, dtype=float)
        flat = t.ravel()
        out = np.empty(flat.shape)
        early = flat < self.start
        x = 2.0 * self.rate * (flat[early] - self.t_half)
        p = _logistic(x)
        out[early] = (self.norm**2 * p**2 + self.perp_sq * self.n * self.rate * _logistic(-x) * p) / (2.0 * self.n)
        if (~early).any():
            order = np.argsort(flat[~early])
            late = np.empty(order.size)
            late[order] = self._late_loss(flat[~early][order])
            out[~early] = late
        return out.reshape(t.shape)


def _ntk_blocks(process):
    """Final NTK ``K/n`` per fitted block and the remnant structure (module
    docstring): ``r_l (I + d dᵀ) + diag(Σ_{later G active} n r_G)/n``."""
    problem, mask = process.problem, process.mask
    n = problem.n
    blocks = []
    for s in process.jumps:
        data = s.data
        r = float(s.rate)
        labels = np.abs(problem.y[data])
        d = labels / np.linalg.norm(labels)
        diag = np.full(data.size, r)
        for later in process.jumps[s.k:]:
            active = np.isin(data, mask.data_of(later.neuron))
            diag[active] += float(later.rate)
        blocks.append(np.diag(diag) + r * np.outer(d, d))
    return blocks


# -- the prediction --------------------------------------------------------------------


@dataclass(frozen=True)
class Competitor:
    """A waiting neuron that shares unfitted data with a jumping one (spec §8).

    Attributes
    ----------
    k : int
        The jump (index of the cluster's last jump).
    jumps : tuple of int
        The jump(s) whose data it shares.
    neuron : int
        The competitor (first of its group); ``group`` lists all members.
    group : tuple of int
    exponent : float
        ``e_j(τ_k)``.
    scale : float
        ``e_j(τ_k) ln(1/λ)``; below 5 it takes a visible share of the fit.
    gap : float
        ``ln`` of the norm ratio jumper / competitor at the jumper's half-fit
        time with the finite-λ offsets, ``scale + lead``; the competitor holds
        about ``e^{−2 gap}`` of the fit, and jumps first if ``gap < 0``.
    """

    k: int
    jumps: tuple
    neuron: int
    group: tuple
    exponent: float
    scale: float
    gap: float

    @property
    def shares(self):
        """``e ln(1/λ) < 5``: it shares the fit (spec §8)."""
        return self.scale < RESOLUTION_CONSTANT


@dataclass(frozen=True, eq=False)
class FiniteLambdaPrediction:
    """Predictions of the limit process corrected for a finite ``λ``
    (:func:`finite_lambda`; ``docs/finite-lambda.md``).

    Attributes
    ----------
    process : LimitProcess
    offsets : LogNormOffsets
        The λ-free offsets behind the corrections.
    log_inv_lam : float
        ``ln(1/λ)``.
    times : ndarray, shape (K,)
        Corrected jump times ``t_k = τ_k ln(1/λ) + C_k`` (un-accelerated; the
        half-fit times of :mod:`limitproc.validate`).
    leading_times : ndarray, shape (K,)
        ``τ_k ln(1/λ)``.
    sq_norms : ndarray, shape (m,)
        Final ``||w_j||² = a_j²`` per neuron (groups split, seeds digest F8).
    rate : float
        ``ν`` with ``L − L(θ_K) ∝ e^{−2νt}`` where that excess has fallen to
        :data:`RATE_LEVEL` of ``L(θ_0) − L(θ_K)``: the slope a float64 run
        shows at its end (``nan`` without jumps).
    asymptotic_rate : float
        ``ν`` as ``t → ∞``: the smallest eigenvalue of the final NTK ``K/n``
        on the fitted data (seeds digest F14, §5.3).
    ntk_eigenvalues : ndarray
        Eigenvalues of ``K/n`` at ``θ_K`` on the fitted data, increasing.
    margin : float
        ``μ`` (spec §8; ``inf`` without competitors).
    competitors : tuple of Competitor
        Every competitor at every jump; :attr:`sharing` those below 5.
    """

    process: object = field(repr=False)
    offsets: object = field(repr=False)
    log_inv_lam: float
    times: np.ndarray
    leading_times: np.ndarray
    sq_norms: np.ndarray = field(repr=False)
    asymptotic_rate: float
    ntk_eigenvalues: np.ndarray = field(repr=False)
    margin: float
    competitors: tuple = field(repr=False)
    _cache: dict = field(repr=False, default_factory=dict)

    # -- the relaxation model, built on first use ----------------------------------------

    @property
    def _blocks(self):
        if "blocks" not in self._cache:
            blocks = ()
            if self.process.K and self.offsets._states is not None:
                blocks = _loss_blocks(self.process, self.offsets, self.log_inv_lam, self.times)
            self._cache["blocks"] = blocks
        return self._cache["blocks"]

    @property
    def rate(self):
        """``ν`` with ``L − L(θ_K) ∝ e^{−2νt}`` where that excess has fallen to
        :data:`RATE_LEVEL` of ``L(θ_0) − L(θ_K)`` (``nan`` without jumps)."""
        if "rate" not in self._cache:
            self._cache["rate"] = _slope(self, RATE_LEVEL)
        return self._cache["rate"]

    # -- scalars -------------------------------------------------------------------------

    @property
    def lam(self):
        """``λ`` (0.0 below the float range)."""
        return float(np.exp(-self.log_inv_lam))

    @property
    def jump_offsets(self):
        """``C_k = t_k − τ_k ln(1/λ)`` (λ-free)."""
        return self.offsets.jump_offsets

    @property
    def accelerated_times(self):
        """``t_k / ln(1/λ)``: the corrected jump times in accelerated time."""
        return self.times / self.log_inv_lam

    @property
    def margin_scale(self):
        """``μ ln(1/λ)`` (spec §8)."""
        return self.margin * self.log_inv_lam

    @property
    def resolved(self):
        """``μ ln(1/λ) ≥ 5``: the limit (and these corrections) describe the run."""
        return bool(self.margin_scale >= RESOLUTION_CONSTANT)

    @property
    def largest_lambda(self):
        """``e^{−5/μ}``: the largest λ the limit describes (spec §8)."""
        return self.process.resolution_margin.largest_lambda()

    @property
    def sharing(self):
        """The competitors with ``e ln(1/λ) < 5``: they share the fit."""
        return tuple(c for c in self.competitors if c.shares)

    @property
    def verdict(self):
        """One sentence on the resolution of this λ (spec §8)."""
        if self.resolved:
            return (f"resolved: μ ln(1/λ) = {self.margin_scale:.3g} ≥ {RESOLUTION_CONSTANT:g}; "
                    "the corrected times and curves describe the run")
        jumps = self.process.jumps
        who = "; ".join(
            f"at jump {c.jumps[0]} (neuron {jumps[c.jumps[0] - 1].neuron}) neuron {c.neuron}"
            + (f" (group {list(c.group)})" if len(c.group) > 1 else "")
            + f" with e ln(1/λ) = {c.scale:.3g}" for c in self.sharing
        )
        return (f"unresolved: μ ln(1/λ) = {self.margin_scale:.3g} < {RESOLUTION_CONSTANT:g} (λ > "
                f"{_lam_text(self.process.resolution_margin)}); these neurons share the fit: {who}")

    # -- curves --------------------------------------------------------------------------

    def loss(self, t):
        """Predicted training loss ``L(t)`` (un-accelerated ``t``; seeds digest
        F12 with the relaxation of module docstring), same shape as ``t``."""
        return float(self.process.final.loss) + self.excess(t)

    def loss_curve(self, num=512, t_max=None):
        """``(t, L(t))`` on ``num`` points up to ``t_max`` (default: the
        default horizon of :func:`~limitproc.flow.simulate_flow`)."""
        if t_max is None:
            from .flow import default_t_max

            t_max = default_t_max(self.process, self.log_inv_lam)
        t = np.linspace(0.0, float(t_max), int(num))
        return t, self.loss(t)

    def excess(self, t):
        """``L(t) − L(θ_K)``, summed over the fitted blocks (no cancellation)."""
        t = np.asarray(t, dtype=float)
        out = np.zeros(t.shape)
        for block in self._blocks:
            out = out + block.loss(t)
        return out

    def slope(self, level):
        """``ν = −½ d ln(L − L(θ_K))/dt`` of the predicted curve where the excess
        first falls to ``level · (L(θ_0) − L(θ_K))`` after the last jump."""
        return _slope(self, level)

    # -- output --------------------------------------------------------------------------

    def to_dict(self):
        """JSON-safe dict with a schema version (non-finite numbers as ``None``)."""
        p = self.process
        return {
            "schema": "limitproc.finite_lambda",
            "schema_version": SCHEMA_VERSION,
            "log_inv_lam": _num(self.log_inv_lam),
            "lam": _num(self.lam),
            "margin": _num(self.margin),
            "margin_scale": _num(self.margin_scale),
            "resolved": self.resolved,
            "largest_lambda": _num(self.largest_lambda),
            "log10_largest_lambda": _num(p.resolution_margin.log10_largest_lambda()),
            "verdict": self.verdict,
            "jumps": [
                {"k": s.k, "neuron": int(s.neuron), "group": [int(g) for g in (s.group or (s.neuron,))],
                 "tau": _num(float(s.tau)), "t_leading": _num(self.leading_times[i]),
                 "offset": _num(self.jump_offsets[i]), "t": _num(self.times[i])}
                for i, s in enumerate(p.jumps)
            ],
            "sq_norms": [_num(v) for v in self.sq_norms],
            "rate": _num(self.rate),
            "rate_level": RATE_LEVEL,
            "asymptotic_rate": _num(self.asymptotic_rate),
            "ntk_eigenvalues": [_num(v) for v in self.ntk_eigenvalues],
            "competitors": [
                {"k": c.k, "jumps": list(c.jumps), "neuron": c.neuron, "group": list(c.group),
                 "exponent": _num(c.exponent), "scale": _num(c.scale), "gap": _num(c.gap), "shares": c.shares}
                for c in self.competitors
            ],
            "offsets": self.offsets.to_dict(),
            "loss_curve": dict(zip(("t", "loss"), ([_num(v) for v in a] for a in self.loss_curve(129)))),
        }

    def table(self):
        """A :class:`rich.table.Table`: one row per jump, the rate and the
        resolution verdict in the caption."""
        from rich.table import Table

        table = Table(title=f"Finite-λ predictions, λ = {_lam_label(self.log_inv_lam)} "
                            f"(μ = {self.margin:.4g}, μ ln(1/λ) = {self.margin_scale:.3g})",
                      title_justify="left", caption_justify="left")
        for name in ("k", "neuron", "τ_k", "τ_k ln(1/λ)", "offset C_k", "t_k corrected", "||w||² after"):
            table.add_column(name, justify="right")
        for i, s in enumerate(self.process.jumps):
            group = list(s.group or (s.neuron,))
            norms = ", ".join(f"{self.sq_norms[g]:.4g}" for g in group)
            table.add_row(str(s.k), ", ".join(map(str, group)), f"{float(s.tau):.6g}",
                          f"{self.leading_times[i]:.6g}", f"{self.jump_offsets[i]:+.4g}", f"{self.times[i]:.6g}", norms)
        style = "green" if self.resolved else "yellow"
        eig = ", ".join(f"{v:.4g}" for v in self.ntk_eigenvalues[:4])
        table.caption = (
            f"[{style}]{self.verdict}[/]\n"
            f"rate after the last jump: L − L(θ_K) ∝ e^(−2νt), ν = {self.rate:.4g} (at {RATE_LEVEL:g} of the drop), "
            f"asymptotically ν = {self.asymptotic_rate:.4g}; NTK eigenvalues K/n: {eig}"
            + (" …" if self.ntk_eigenvalues.size > 4 else "")
        )
        return table

    def __rich__(self):
        return self.table()

    def __str__(self):
        lines = [f"Finite-λ predictions at λ = {_lam_label(self.log_inv_lam)}: {self.verdict}"]
        for i, s in enumerate(self.process.jumps):
            lines.append(f"  jump {s.k} (neuron {s.neuron}): t = {self.times[i]:.6g} "
                         f"(τ ln(1/λ) = {self.leading_times[i]:.6g}, offset {self.jump_offsets[i]:+.4g})")
        lines.append(f"  rate ν = {self.rate:.4g} (asymptotic {self.asymptotic_rate:.4g})")
        return "\n".join(lines)

    def __repr__(self):
        times = ", ".join(f"{t:.4g}" for t in self.times)
        rate = f", rate={self._cache['rate']:.4g}" if "rate" in self._cache else ""  # the model is built lazily
        return (f"FiniteLambdaPrediction(λ={_lam_label(self.log_inv_lam)}, times=[{times}]{rate}, "
                f"μ ln(1/λ)={self.margin_scale:.3g}, {'resolved' if self.resolved else 'unresolved'})")


def _num(x):
    x = float(x)
    return x if np.isfinite(x) else None


def _lam_label(log_inv_lam):
    lam = float(np.exp(-log_inv_lam))
    return f"{lam:.0e}" if lam > 1e-300 else f"e^-{log_inv_lam:g}"


def _lam_text(margin):
    """The largest resolved λ of spec §8, readable even below the float range."""
    exponent = margin.log10_largest_lambda()
    if not np.isfinite(exponent):
        return "0"
    return f"{10.0 ** exponent:.2g}" if exponent > -300 else f"1e{exponent:.4g}"


def _slope(prediction, level):
    """``−½ d ln(L − L(θ_K))/dt`` where the predicted excess first falls to
    ``level · (L(θ_0) − L(θ_K))`` after the last jump (``nan`` if never)."""
    blocks = prediction._blocks
    p = prediction.process
    drop = float(p.losses[0] - p.final.loss)
    if not blocks or not drop > 0:
        return np.nan
    target = level * drop
    start = float(np.max(prediction.times))
    span = 20.0 / min(prediction.asymptotic_rate, min(b.rate for b in blocks))
    for _ in range(8):
        grid = np.linspace(start, start + span, 1001)
        excess = prediction.excess(grid)
        below = np.flatnonzero(excess <= target)
        if below.size:
            break
        span *= 4.0
    else:
        return np.nan
    i = int(below[0])
    if i == 0:
        lo = hi = grid[0]
        local = 2.0 * prediction.asymptotic_rate
    else:
        lo, hi = grid[i - 1], grid[i]
        ratio = excess[i - 1] / excess[i] if excess[i] > 0 else np.inf
        local = np.log(ratio) / (hi - lo) if np.isfinite(ratio) and ratio > 1 else 2.0 * prediction.asymptotic_rate
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if prediction.excess(mid) > target:
            lo = mid
        else:
            hi = mid
    width = 0.05 / local  # the excess changes by about e^{±0.05} across
    a, b = prediction.excess(hi - width), prediction.excess(hi + width)
    return float(-np.log(b / a) / (4.0 * width)) if a > 0 and b > 0 else np.nan


def finite_lambda(process, lam=None, *, log_inv_lam=None, unit_init=False, offsets=None):
    """Predictions of the limit process at a finite initialization scale ``λ``
    (module docstring; ``docs/finite-lambda.md``; seeds digest F8, F11, F12,
    F14; spec §8).

    Parameters
    ----------
    process : LimitProcess or Problem
        The limit process (computed with :func:`limit_process` from a
        problem).
    lam : float, optional
        ``0 < λ < 1``.
    log_inv_lam : float, optional
        ``ln(1/λ)`` instead, for scales below the float range.
    unit_init : bool
        As in :func:`~limitproc.flow.simulate_flow`: ``w_j(0) = λ z_j``
        instead of ``λ W0_j``.
    offsets : LogNormOffsets, optional
        Precomputed :func:`log_norm_offsets` (they do not depend on ``λ``).

    Returns
    -------
    FiniteLambdaPrediction

    Examples
    --------
    One neuron fits two data at ``τ = 0.4`` (spec §3); at ``λ = 1e-8`` the
    half-fit time is ``0.4 ln(1e8) + 0.1853`` (the flow gives ``0.185273``,
    :func:`limitproc.validate.validate`), then the loss decays at ``ν = 2.5``
    (``r`` along the two data orthogonal to the labels, ``2r`` along them):

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
    >>> pred = finite_lambda(limit_process(p), 1e-8)
    >>> round(float(pred.times[0]), 4), round(float(pred.jump_offsets[0]), 6)
    (7.5534, 0.185273)
    >>> round(pred.rate, 3), pred.asymptotic_rate, pred.resolved
    (5.0, 2.5, True)
    """
    from .flow import log_inv_lambda
    from .process import limit_process

    if not hasattr(process, "saddles"):
        process = limit_process(process)
    L = log_inv_lambda(lam, log_inv_lam)
    if offsets is None:
        offsets = log_norm_offsets(process, unit_init=unit_init)
    elif offsets.process is not process:
        raise ValueError("offsets were computed for another limit process")
    problem, mask = process.problem, process.mask
    n = problem.n
    taus = process.times
    times = taus * L + offsets.jump_offsets
    leading = taus * L
    margin = float(process.resolution_margin.value)

    competitors = tuple(
        Competitor(step.k, step.jumps, step.neuron, tuple(int(g) for g in _members(mask, step.neuron)),
                   step.exponent, step.exponent * L, step.exponent * L + step.lead)
        for step in offsets.realignments
    )

    blocks_K = _ntk_blocks(process)
    eigen = [np.linalg.eigvalsh(Kb) for Kb in blocks_K]
    ntk = np.sort(np.concatenate(eigen)) if eigen else np.empty(0)
    asymptotic = float(ntk[0]) if ntk.size else np.nan

    prediction = FiniteLambdaPrediction(process, offsets, L, times, leading, offsets.shares.copy(), asymptotic,
                                        ntk, margin, competitors)
    for arr in (times, leading, ntk):
        arr.flags.writeable = False
    return prediction


def _loss_blocks(process, offsets, L, times):
    """One :class:`_Block` per jump, with the O(λ) orthogonal amplitudes and
    the ``λ^e`` remnants of the later jumping groups."""
    problem, mask = process.problem, process.mask
    n = problem.n
    lam_log = -L
    states = offsets._states
    shares = offsets.shares
    remnants = {}  # (jump k, leader) -> log size of the along part
    for step in offsets.realignments:
        for k, log_size in zip(step.jumps, step.remnant):
            remnants[(k, step.neuron)] = step.exponent, log_size
    out = []
    for s in process.jumps:
        data = s.data
        labels = np.abs(problem.y[data])
        d = labels / np.linalg.norm(labels)
        r = float(s.rate)
        group = list(s.group or (s.neuron,))
        total = shares[group].sum()
        W = np.zeros(data.size)
        for g in group:
            c = states[g][data]
            W += np.sqrt(shares[g] / total) * (c - d * (d @ c))
        W *= np.exp(lam_log)
        t_half = float(times[s.k - 1])
        # Amplitude bound of the block's residual at t_half: it decays at
        # least at rate r (K/n ≥ r I); a later group is left out when both the
        # residual at its window and its kick are below _FLOOR (a loss of
        # _FLOOR² relative to the block's drop).
        log_bound = np.log(np.linalg.norm(labels) + np.sqrt(n * r) * np.linalg.norm(W))
        log_floor = np.log(_FLOOR * np.linalg.norm(labels))
        later = []
        for s2 in sorted(process.jumps[s.k:], key=lambda jump: float(times[jump.k - 1])):
            if float(s2.tau) == float(s.tau):
                continue
            leader = s2.neuron
            if (s.k, leader) not in remnants:
                continue
            active = np.isin(data, mask.data_of(leader))
            lost = np.flatnonzero(active)
            exponent, log_size = remnants[(s.k, leader)]
            size = np.exp(log_size - exponent * L) if np.isfinite(log_size) else 0.0
            direction = labels[lost] / np.linalg.norm(labels[lost])
            group2 = list(s2.group or (s2.neuron,))
            total2 = shares[group2].sum()
            perp = np.zeros(lost.size)
            for g in group2:
                c = states[g][data[lost]]
                perp += np.sqrt(shares[g] / total2) * (c - direction * (direction @ c))
            vectors = size * direction + np.exp(lam_log) * perp
            t_G, r_G = float(times[s2.k - 1]), float(s2.rate)
            elapsed = max(t_G - _TAIL / r_G - t_half, 0.0)
            with np.errstate(divide="ignore"):
                log_kick = np.log(np.sqrt(n * r_G) * np.linalg.norm(vectors))
            if log_bound - r * elapsed < log_floor and log_kick < log_floor:
                continue
            log_bound = np.logaddexp(log_bound, log_kick + r * elapsed)
            later.append((n * r_G, r_G, t_G, {int(p): vectors[q] for q, p in enumerate(lost)}))
        # the linear relaxation starts once the logistic is over (p = e^{-20}),
        # or halfway to the next jump that kicks this block (p ≥ e^{-4})
        nearest = min([tg for _, _, tg, _ in later if tg > t_half], default=np.inf)
        start = t_half + max(2.0 / r, min(10.0 / r, 0.5 * (nearest - t_half)))
        out.append(_Block(n, r, t_half, labels, W, later, start))
    return tuple(out)
