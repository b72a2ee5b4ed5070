"""The exact backend: time against the float backend, and where it stops
being practical (spec §6).

Problems with n = m, standard basis, labels N(0,1) rounded to 3 decimals and
given as exact decimal strings (so the exact backend sees the fractions
k/1000), initialization of spec §1.  One run; ratios.

    python benchmarks/exact_backend.py [--quick]
"""

import sys
import time

import numpy as np

from limitproc import Problem, limit_process


def problem(n, m, seed):
    rng = np.random.default_rng(seed)
    y = [f"{v:.3f}" for v in rng.standard_normal(n)]
    return Problem(y, rng.standard_normal((m, n)), signs=rng.choice([-1, 1], m), allow_zero_labels=True)


def main(quick=False):
    sizes = [10, 25, 50] if quick else [10, 25, 50, 100, 200, 400, 800, 1600]
    print(f"{'n = m':>6} {'K':>4} {'float s':>9} {'exact s':>9} {'ratio':>8} {'chars of exact tau_K':>21}")
    for size in sizes:
        times_f, times_e, K, chars = [], [], [], []
        for seed in range(3):
            p = problem(size, size, seed)
            start = time.perf_counter()
            a = limit_process(p, near_ties="raise")
            times_f.append(time.perf_counter() - start)
            start = time.perf_counter()
            b = limit_process(p, exact=True)
            times_e.append(time.perf_counter() - start)
            assert [s.neuron for s in a.jumps] == [s.neuron for s in b.jumps]
            assert np.allclose(a.times, b.times, rtol=1e-12)
            K.append(b.K)
            chars.append(len(str(b.final.tau)))
        tf, te = np.mean(times_f), np.mean(times_e)
        print(f"{size:>6} {np.mean(K):4.1f} {tf:9.4f} {te:9.3f} {te / tf:8.0f} {int(np.mean(chars)):>21}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
