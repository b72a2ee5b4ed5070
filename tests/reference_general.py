"""A literal, slow transcription of the generalized limit process, for tests only.

Algorithm 1 (spec §3) for orthogonal inputs ``x_i = c_i e_i`` of any norms
``c_i`` and any output weights (``docs/general-inputs.md`` §1–§3):

* every neuron's effective sign and column come from its initial transient,
  here integrated numerically (the λ-free linear flow of seed 000 eq. 28
  with ``h ≡ 0``, each active coordinate frozen when it reaches 0), not from
  the closed form of :mod:`limitproc.problem.balance`;
* the rate of neuron ``j`` is ``(1/n) sqrt(Σ_{unfitted i ∈ S_j} (c_i y_i)²)``;
* the neuron that jumps fits its unfitted data ``I`` along ``y_i / c_i``:
  ``a = σ sqrt(N)``, ``<w, e_i> = σ (y_i / c_i) / sqrt(N)``,
  ``N = ||(y/c)_I||``, so ``||θ_k||² = 2 Σ_{l ≤ k} N_l``.

It recomputes every rate over the whole mask at every jump and updates the
exponents exactly as the spec writes them; ties go to the lowest index.
Nothing is imported from ``limitproc``.
"""

import numpy as np
from scipy.integrate import solve_ivp


def reference_transient(a, omega, g, horizon=1e6):
    """Integrate ``da/dt = <g_S, ω_S>``, ``dω_S/dt = a g_S`` (``S`` the
    positive coordinates with ``g ≠ 0``), freezing a coordinate at 0 when it
    gets there, until ``|a|`` has grown ``horizon`` times past ``||(a, ω)||``.
    Returns ``(sign, active)``, the sign of ``a`` then and the coordinates
    still positive with ``sign · g > 0``."""
    omega = np.array(omega, dtype=float)
    g = np.asarray(g, dtype=float)
    scale = abs(a) + np.linalg.norm(omega)
    state = np.concatenate([[a], omega])
    active = (omega > 0) & (g != 0)
    t = 0.0
    while active.any():
        index = np.flatnonzero(active)

        def rhs(t, z, index=index):
            out = np.zeros_like(z)
            out[0] = g[index] @ z[1 + index]
            out[1 + index] = z[0] * g[index]
            return out

        def hits(t, z, index=index):
            return float(z[1 + index].min())

        def grown(t, z):
            return abs(z[0]) - horizon * scale

        hits.terminal, hits.direction = True, -1
        grown.terminal = True
        sol = solve_ivp(rhs, (t, t + 1e3), state, method="DOP853", rtol=1e-12, atol=1e-14 * scale,
                        events=[hits, grown])
        t, state = sol.t[-1], sol.y[:, -1].copy()
        if sol.status == 1 and sol.t_events[1].size:
            break
        if sol.status == 1:
            off = index[state[1 + index] <= 1e-12 * scale]
            state[1 + off] = 0.0
            active[off] = False
        else:
            break
    sign = 1 if state[0] > 0 else -1
    return sign, active & (sign * g > 0)


def reference_general(y, norms, coordinates, a0):
    """The generalized limit process.

    Parameters
    ----------
    y : (n,) labels; norms : (n,) ``c_i = ||x_i||``
    coordinates : (m, n) ``<W0_j, x_i> / c_i`` (the initial weights in the unit inputs)
    a0 : (m,) initial output weights (same units as ``W0``)

    Returns
    -------
    signs : (m,) effective signs
    mask : (n, m) effective mask
    jumps : list of ``(tau, neuron, data, loss, sq_norm, a, weights)`` with
        ``weights`` the hidden weight along ``x_i / c_i`` on ``data``.
    """
    y = np.asarray(y, dtype=float)
    c = np.asarray(norms, dtype=float)
    n = len(y)
    m = len(a0)
    g = y * c / n
    signs = np.zeros(m, dtype=int)
    mask = np.zeros((n, m), dtype=bool)
    for j in range(m):
        signs[j], mask[:, j] = reference_transient(a0[j], coordinates[j], g)
    fitted = np.zeros(n, dtype=bool)
    done = np.zeros(m, dtype=bool)
    e = np.ones(m)
    tau = 0.0
    sq_norm = 0.0
    jumps = []
    while True:
        active = mask & ~fitted[:, None]
        rates = np.sqrt((active * ((y * c) ** 2)[:, None]).sum(axis=0)) / n
        live = (~done) & (rates > 0)
        if not live.any():
            break
        T = np.full(m, np.inf)
        T[live] = tau + e[live] / rates[live]
        j = int(np.argmin(T))
        new_tau = T[j]
        e[~done] -= rates[~done] * (new_tau - tau)
        data = np.flatnonzero(active[:, j])
        N = float(np.linalg.norm(y[data] / c[data]))
        fitted[data] = True
        done[j] = True
        tau = new_tau
        sq_norm += 2 * N
        loss = float((y[~fitted] ** 2).sum() / (2 * n))
        jumps.append((tau, j, data.tolist(), loss, sq_norm, signs[j] * np.sqrt(N),
                      signs[j] * (y[data] / c[data]) / np.sqrt(N)))
    return signs, mask, jumps


def reference_margin(y, norms, mask, jumps):
    """Smallest exponent ``e_j(τ_k)`` of a waiting neuron sharing unfitted data
    with the jumping one (spec §8); ``inf`` without such competitors."""
    y = np.asarray(y, dtype=float)
    c = np.asarray(norms, dtype=float)
    n, m = mask.shape
    fitted = np.zeros(n, dtype=bool)
    done = np.zeros(m, dtype=bool)
    e = np.ones(m)
    tau = 0.0
    margin = np.inf
    for new_tau, j, data, *_ in jumps:
        active = mask & ~fitted[:, None]
        rates = np.sqrt((active * ((y * c) ** 2)[:, None]).sum(axis=0)) / n
        e[~done] -= rates[~done] * (new_tau - tau)
        same = [k for k in range(m) if k != j and not done[k] and (active[data, k]).any()
                and not (mask[:, k] == mask[:, j]).all()]
        if same:
            margin = min(margin, min(e[k] for k in same))
        fitted[data] = True
        done[j] = True
        done[(mask == mask[:, [j]]).all(axis=0)] = True  # equal columns act as one neuron
        tau = new_tau
    return margin
