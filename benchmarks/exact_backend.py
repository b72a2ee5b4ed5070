"""The exact backend: time against the float backend, and where it stops
being practical (spec §6).

Problems with n = m, standard basis, labels N(0,1) rounded to 3 decimals and
given as exact decimal strings (so the exact backend sees the fractions
k/1000), initialization of spec §1; mean of three problems per size.  A
second table takes Gaussian float labels exactly (their 53-bit binary
fractions).  One run, printed as the markdown tables of ``docs/benchmarks.md``.

    python benchmarks/exact_backend.py [--quick]
"""

import sys
import time

import numpy as np

from limitproc import Problem, limit_process


def problem(n, m, seed, exact_floats=False):
    rng = np.random.default_rng(seed)
    if exact_floats:
        y = rng.standard_normal(n)  # the exact backend takes each float's binary value (53-bit fractions)
    else:
        y = [f"{v:.3f}" for v in rng.standard_normal(n)]
    return Problem(y, rng.standard_normal((m, n)), signs=rng.choice([-1, 1], m), allow_zero_labels=True)


def grouped(value):
    """An integer with thin-space thousands (``18 220``), as the docs print it."""
    return f"{value:,}".replace(",", "\u202f")


def compare(size, seed, exact_floats=False):
    """Float and exact runs of one problem: (float s, exact s, K, characters of the exact τ_K)."""
    p = problem(size, size, seed, exact_floats)
    start = time.perf_counter()
    a = limit_process(p, near_ties="raise")
    t_float = time.perf_counter() - start
    start = time.perf_counter()
    b = limit_process(p, exact=True)
    t_exact = time.perf_counter() - start
    assert [s.neuron for s in a.jumps] == [s.neuron for s in b.jumps]
    assert np.allclose(a.times, b.times, rtol=1e-12)
    return t_float, t_exact, b.K, len(str(b.final.tau))


def main(quick=False):
    sizes = [10, 25, 50] if quick else [10, 25, 50, 100, 200, 400, 800, 1600]
    print("| n = m | K | float s | exact s | exact / float | characters of the exact τ_K |")
    print("| ----: | ---: | ------: | ------: | ------------: | --------------------------: |")
    for size in sizes:
        times_f, times_e, K, chars = zip(*(compare(size, seed) for seed in range(3)))
        tf, te = np.mean(times_f), np.mean(times_e)
        print(f"| {size} | {np.mean(K):.1f} | {tf:.4f} | {te:.3f} | {te / tf:.0f} | {grouped(int(np.mean(chars)))} |")
    print()
    print("| n = m, float labels taken exactly | K | exact s |")
    print("| ----: | ---: | ------: |")
    for size in [10, 50] if quick else [50, 200]:
        runs = [compare(size, seed, exact_floats=True) for seed in range(3)]
        print(f"| {size} | {np.mean([r[2] for r in runs]):.1f} | {np.mean([r[1] for r in runs]):.2f} |")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
