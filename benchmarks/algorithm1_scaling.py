"""Algorithm 1 costs time linear in the mask size (spec §3).

Prints the markdown table of ``docs/benchmarks.md``.  For standard-basis
problems with Gaussian labels and the initialization of spec §1, the time of
``limit_process`` (mask given) divided by the number of mask entries, over n
at fixed m and over m at fixed n, against the floor of the same run: one
vectorized pass over the mask (the signs of the directions against the
label signs) with the per-neuron sums of squared labels, timed alternately
with Algorithm 1 (best of 3 each); and the speed-up over the literal
transcription of spec §3 in ``tests/reference.py`` (which recomputes every
rate at every jump).

    python benchmarks/algorithm1_scaling.py [--quick]
"""

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from limitproc import Mask, Problem, limit_process  # noqa: E402
from tests.reference import reference_process  # noqa: E402


def problem(n, m, seed=0):
    rng = np.random.default_rng(seed)
    return Problem(rng.standard_normal(n), rng.standard_normal((m, n)), signs=rng.choice([-1, 1], m))


def timed(function, repeats=3):
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def vectorized_pass(p):
    """The floor: the mask by one comparison per (neuron, datum) and the label sums."""
    y2, positive, negative = p.y * p.y, p.y > 0, p.y < 0
    S = np.empty(p.m)
    for j in range(p.m):
        S[j] = y2[(p.directions[j] > 0) & (positive if p.signs[j] > 0 else negative)].sum()
    return S


def grouped(value):
    """An integer with thin-space thousands (``1 600 225``), as the docs print it."""
    return f"{value:,}".replace(",", "\u202f")


def main(quick=False):
    print("| n | m | mask entries | K | backend | mask s | process s | ns per entry | pass ns per entry | ratio |")
    print("| --: | --: | --: | --: | --- | --: | --: | --: | --: | --: |")
    rows = []
    ns = [10_000, 100_000] if quick else [10_000, 30_000, 100_000, 300_000, 1_000_000]
    grid = [(n, 64) for n in ns] + [(100_000, m) for m in ([16, 256] if quick else [16, 128, 256, 512])]
    for n, m in grid:
        p = problem(n, m)
        t_mask, mask = timed(lambda: Mask(p), repeats=1)
        t_run, t_pass = np.inf, np.inf
        for _ in range(3):  # alternately: the floor and Algorithm 1 see the same load
            t_pass = min(t_pass, timed(lambda: vectorized_pass(p), repeats=1)[0])
            t, process = timed(lambda: limit_process(p, mask=mask), repeats=1)
            t_run = min(t_run, t)
        rows.append((n, m, mask.size, t_run, t_pass))
        print(f"| {grouped(n)} | {m} | {grouped(mask.size)} | {process.K} | {process.backend} | {t_mask:.3f} | {t_run:.3f} "
              f"| {1e9 * t_run / mask.size:.1f} | {1e9 * t_pass / mask.size:.1f} | {t_run / t_pass:.1f} |")
    per_entry = np.array([t / size for _, _, size, t, _ in rows])
    sizes = np.array([size for _, _, size, _, _ in rows])
    ratios = np.array([t / floor for _, _, _, t, floor in rows])
    print()
    print(f"Time per mask entry: {1e9 * per_entry.min():.1f} to {1e9 * per_entry.max():.1f} ns, a factor "
          f"{per_entry.max() / per_entry.min():.2f} over a {sizes.max() / sizes.min():.0f}-fold range of mask sizes; "
          f"{ratios.min():.1f} to {ratios.max():.1f} times the vectorized pass (goal: 30 ns per entry).")

    n, m = (2000, 50) if quick else (4000, 200)
    p = problem(n, m, seed=1)
    t_fast, process = timed(lambda: limit_process(p))
    t_ref, ref = timed(lambda: reference_process(p.y, p.directions, p.signs), repeats=1)
    assert [s.neuron for s in process.jumps] == [j for _, j, *_ in ref]
    print(f"The literal transcription of spec §3 (`tests/reference.py`, O(K m n)) at n = {n}, m = {m} "
          f"(K = {process.K}) takes {t_ref:.3f} s against {t_fast:.4f} s: a speed-up of {t_ref / t_fast:.0f}x.")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
