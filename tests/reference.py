"""A literal, slow transcription of spec §3 (Algorithm 1), for tests only.

Independent of the package: it recomputes every rate over the whole mask at
every jump (time O(K·m·n)) and updates the exponents exactly as the spec
writes them, ``e_j ← e_j − r_j^k (τ_{k+1} − τ_k)``.  Ties in float are broken
by the lowest neuron index, which is also how equal columns resolve.
"""

import numpy as np


def reference_mask(y, Z, s, X=None):
    """``A[i, j] = 1[<z_j, x_i> > 0 and s_j y_i > 0]`` (spec §2), shape (n, m)."""
    G = Z @ (np.eye(len(y)) if X is None else X).T  # (m, n)
    return (G.T > 0) & (np.outer(y, s) > 0)


def reference_process(y, Z, s, X=None, rate_map=None):
    """Jumps ``(tau, neuron, fitted data, loss, sq_norm)`` of Algorithm 1.

    ``rate_map`` (optional, vectorized) is the speed at which an exponent
    falls given the rate: the flow's is the identity (spec §3); gradient
    descent with flow-time step ``h`` has ``g(r) = ln(1 + h r)/h``
    (docs/gradient-descent.md §3, :func:`gd_rate_map`).  Only the times
    change; saddles, losses and norms are those of the rates themselves.
    """
    speed = (lambda r: r) if rate_map is None else rate_map
    y = np.asarray(y, dtype=float)
    n = len(y)
    A = reference_mask(y, Z, s, X)
    m = A.shape[1]
    fitted = np.zeros(n, dtype=bool)
    done = np.zeros(m, dtype=bool)
    e = np.ones(m)
    tau = 0.0
    sq_norm = 0.0
    jumps = []
    while True:
        active = A & ~fitted[:, None]
        rates = np.sqrt((active * (y**2)[:, None]).sum(axis=0)) / n
        live = (~done) & (rates > 0)
        if not live.any():
            break
        T = np.full(m, np.inf)
        speeds = np.where(rates > 0, speed(rates), 0.0)
        T[live] = tau + e[live] / speeds[live]
        j = int(np.argmin(T))
        new_tau = T[j]
        e[~done] -= speeds[~done] * (new_tau - tau)
        data = np.flatnonzero(active[:, j])
        fitted[data] = True
        done[j] = True
        tau = new_tau
        sq_norm += 2 * n * rates[j]
        loss = float((y[~fitted] ** 2).sum() / (2 * n))
        jumps.append((tau, j, data.tolist(), loss, sq_norm))
    return jumps


def gd_rate_map(h):
    """``r ↦ ln(1 + h r)/h``: how fast a norm exponent falls under gradient
    descent with flow-time step ``h`` (docs/gradient-descent.md §3)."""
    return lambda r: np.log1p(h * np.asarray(r, dtype=float)) / h


#: Gradient descent jumps in another order, and fits other sets, than the flow
#: (docs/gradient-descent.md §4): neuron 0 on {0, 3}, neuron 1 on {0, 1},
#: neuron 2 on {1, 2}.  The flow: neuron 0 fits {0, 3} (τ = 1.355), then
#: neuron 2 fits {1, 2} (τ = 11.094) before neuron 1, whose rate fell from
#: sqrt(1.96 + 0.04)/4 to 0.05 at the first jump.  GD with h = 1 slows neuron 1's
#: early, faster growth less than the flow's timing of neuron 2 needs:
#: neuron 1 fits {1} at τ = 11.082, then neuron 2 fits {2} at 11.684.
#: μ = 0.034 for both: resolved for ln(1/λ) ≥ 150.  Found by a search over
#: labels for this mask (stable: h ν_max = 1.48 < 2 at h = 1).
GD_SWAP = dict(y=[1.4, 0.2, 0.3, 2.6], W0=[[1, -1, -1, 1], [1, 1, -1, -1], [-1, 1, 1, -1]], signs=[1, 1, 1])
