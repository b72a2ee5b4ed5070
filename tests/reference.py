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


def reference_process(y, Z, s, X=None):
    """Jumps ``(tau, neuron, fitted data, loss, sq_norm)`` of Algorithm 1."""
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
        T[live] = tau + e[live] / rates[live]
        j = int(np.argmin(T))
        new_tau = T[j]
        e[~done] -= rates[~done] * (new_tau - tau)
        data = np.flatnonzero(active[:, j])
        fitted[data] = True
        done[j] = True
        tau = new_tau
        sq_norm += 2 * n * rates[j]
        loss = float((y[~fitted] ** 2).sum() / (2 * n))
        jumps.append((tau, j, data.tolist(), loss, sq_norm))
    return jumps
