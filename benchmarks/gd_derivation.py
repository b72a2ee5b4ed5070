"""Numerical checks of the derivation in docs/gradient-descent.md (§2–§6), and
the numbers that page quotes.

Pure numpy on small matrices and scalar maps; no simulation of a network.

* §2: the saddle block ``[[0, Dᵀ], [D, 0]]`` has eigenvalues ``±||D||`` and 0;
  one GD step multiplies its modes by ``1 ± h r`` and 1.
* §3: the first jump's delay ``ln(1/λ) (1/g(r) − 1/r)`` over ``h ln(1/λ)/2``,
  ``2 (x/ln(1 + x) − 1)/x`` with ``x = h r``, against ``1 − x/6``; the range of
  ``x`` that gives 0.83–0.98.
* §5: the balancedness identity ``Δ' − Δ = −h² (a² ||D||² − <D, c>²)`` on
  random states.
* §6/§8: the single-neuron logistic map ``v' = v (1 + x (1 − v))²`` (``v = u/(n r)``):
  its fixed point's multiplier ``1 − 2x`` and its transit offset ``ψ(x)``,
  ``t_half = ln(n r / U)/(2 g(r)) + ψ(h r)/r`` (``ψ(0) = 0``, the flow's logistic).
* seed 002's figures: ``h`` of each, and their stability on sampled problems
  of the same kind (``limitproc.runs.prediction.stability_limit``).

    python benchmarks/gd_derivation.py
"""

import numpy as np

from limitproc import Problem
from limitproc.flow.gd import transit_offset
from limitproc.runs.prediction import gd_limit_process, stability_limit


def saddle_block():
    rng = np.random.default_rng(0)
    worst_eig = worst_mult = 0.0
    for _ in range(100):
        n = int(rng.integers(2, 9))
        D = rng.standard_normal(n)
        r = np.linalg.norm(D)
        M = np.zeros((n + 1, n + 1))
        M[0, 1:] = D
        M[1:, 0] = D
        eig = np.sort(np.linalg.eigvalsh(M))
        expected = np.sort(np.concatenate([[-r, r], np.zeros(n - 1)]))
        worst_eig = max(worst_eig, np.abs(eig - expected).max() / r)
        h = float(rng.uniform(0.01, 2.0))
        mult = np.sort(np.linalg.eigvals(np.eye(n + 1) + h * M).real)
        worst_mult = max(worst_mult, np.abs(mult - np.sort(1 + h * expected)).max())
    print(f"§2 saddle block, 100 random D: max |eig − (±r, 0)|/r = {worst_eig:.1e}; "
          f"max |eig(I + hM) − (1 ± h r, 1)| = {worst_mult:.1e}")


def delay_ratio():
    x = np.array([0.01, 0.1, 0.12, 0.25, 0.5, 1.0, 1.2])
    ratio = 2 * (x / np.log1p(x) - 1) / x
    print("§3 first-jump delay / (h ln(1/λ)/2) = 2 (x/ln(1+x) − 1)/x, x = h r:")
    for xi, ri in zip(x, ratio):
        print(f"    x = {xi:5.2f}: {ri:.4f}   (1 − x/6 = {1 - xi / 6:.4f})")
    lo = _solve(lambda v: 2 * (v / np.log1p(v) - 1) / v - 0.98)
    hi = _solve(lambda v: 2 * (v / np.log1p(v) - 1) / v - 0.83)
    print(f"    ratio 0.98 at x = {lo:.3f}, 0.83 at x = {hi:.3f}")


def _solve(f, a=1e-6, b=10.0):
    for _ in range(200):
        mid = 0.5 * (a + b)
        if np.sign(f(mid)) == np.sign(f(a)):
            a = mid
        else:
            b = mid
    return 0.5 * (a + b)


def balancedness_identity():
    rng = np.random.default_rng(1)
    worst = 0.0
    for _ in range(1000):
        n = int(rng.integers(1, 8))
        a, c, D = rng.standard_normal(), rng.standard_normal(n), rng.standard_normal(n)
        h = float(rng.uniform(0.0, 2.0))
        a1, c1 = a + h * D @ c, c + h * a * D
        drift = (a1**2 - c1 @ c1) - (a**2 - c @ c)
        predicted = -h**2 * (a**2 * (D @ D) - (D @ c) ** 2)
        worst = max(worst, abs(drift - predicted) / (1 + abs(predicted)))
    print(f"§5 balancedness identity on 1000 random states: max |error| = {worst:.1e}")


def logistic_map():
    print("§6 single-neuron map v' = v (1 + x (1 − v))²: fixed point v = 1, multiplier 1 − 2x")
    print("§8 transit offset ψ(x): t_half = ln(n r/U)/(2 g(r)) + ψ(h r)/r  (flow: ψ = 0)")
    for x in (0.0, 0.02, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99):
        print(f"    x = {x:4.2f}: ψ = {transit_offset(x):+.6f}   multiplier at v = 1: {1 - 2 * x:+.2f}")


def seed_figures():
    print("seed 002's runs (MSELoss(mean): h = 2 lr, seeds digest §0):")
    for name, lr, n, m in (("Figure 1 (lr 0.01)", 0.01, 64, 6), ("Figure 5 (lr 0.5)", 0.5, 64, 21),
                           ("Figure 6, small init (lr 1)", 1.0, 32, 64)):
        h = 2 * lr
        rng = np.random.default_rng(0)
        limits, slow = [], []
        for _ in range(5):
            if "Figure 1" in name:  # labels |N(0, 1)|, positive neurons (examples/figure1.npz)
                y, signs = np.abs(rng.standard_normal(n)), np.ones(m)
            else:
                y, signs = rng.standard_normal(n), rng.choice([-1, 1], m)
            p = Problem(y, rng.standard_normal((m, n)), signs=signs)
            gd = gd_limit_process(p, h)
            limits.append(stability_limit(gd).step_max)
            rates = np.array([j.rate for j in gd.jumps])
            slow.append((rates / (np.log1p(h * rates) / h)).max())
        print(f"    {name}: h = {h:g}; sampled problems (n = {n}, m = {m}, X = I): stability limit "
              f"h_max = {min(limits):.2f}–{max(limits):.2f}, largest slowdown r/g(r) = {max(slow):.3f}")


if __name__ == "__main__":
    saddle_block()
    delay_ratio()
    balancedness_identity()
    logistic_map()
    seed_figures()
