"""Finite-λ predictions of gradient descent against simulated gradient descent
(``docs/gradient-descent.md`` §8).

Problems drawn like ``limitproc sample`` (standard basis, Gaussian labels and
initialization, n ∈ {8, 16}, 3 ≤ m ≤ 6, at least two jumps, resolved at
every λ below: ``μ ln(1/λ) ≥ 5`` for the GD process), trained with
:func:`~limitproc.flow.gd.simulate_gd` (exact GD in ``(a, W)``, from the same
initialization) on ``MSELoss(mean)`` with lr ``η`` (``h = 2η``).  Per jump the
observed half-fit step is where the jumping group's ``Σ ||w_g||²`` reaches half
its fitted ``a²``; against it, the corrected steps of
``finite_lambda(limit_process(problem, step=h), λ)`` and the leading order
``τ_k^GD ln(1/λ)/h``.  ``gain`` is the leading-order error over the corrected
one, per jump; a run passes issue 13's check when its median gain is ≥ 50 and
no corrected step is farther than the leading order.

    python benchmarks/gd_finite.py             # the table of docs/gradient-descent.md §8
    python benchmarks/gd_finite.py --count 3   # a quick look
"""

import argparse
import sys
import time

import numpy as np

from limitproc import Problem, limit_process
from limitproc.finite import finite_lambda
from limitproc.flow import simulate_gd
from limitproc.problem.sampling import sample_dataset

LAMBDAS = (1e-4, 1e-8, 1e-16)
LRS = (0.01, 0.05)


def problems(count, seed=0):
    """``count`` problems (module docstring) resolved at the largest λ for every lr."""
    out = []
    draw = seed
    while len(out) < count:
        rng = np.random.default_rng(draw)
        n, m = int(rng.choice([8, 16])), int(rng.integers(3, 7))
        arrays = sample_dataset(n, m, labels="gaussian", seed=draw, basis=True)
        draw += 1
        problem = Problem(arrays["y"], arrays["W0"], signs=arrays.get("signs"), a0=arrays.get("a0"))
        ok = True
        for lr in LRS:
            process = limit_process(problem, step=2 * lr, ties="first")
            margin = process.resolution_margin
            if process.K < 2 or not margin.resolves(max(LAMBDAS)):
                ok = False
        if ok:
            out.append(problem)
    return out


def measure(problem, lam, lr):
    h = 2 * lr
    process = limit_process(problem, step=h, ties="first")
    prediction = finite_lambda(process, lam)
    run = simulate_gd(problem, lam, step=lr, reduction="mean", process=process)
    observed = np.array([run.growth_step(list(s.group), float(s.a) ** 2 / 2.0) for s in process.jumps])
    corrected = np.abs(prediction.steps - observed)
    leading = np.abs(prediction.leading_times / h - observed)
    return corrected, leading, prediction.valid


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    chosen = problems(args.count, args.seed)
    print("| lr | λ | runs | jumps | corrected error, steps: median (worst) | leading error, steps: median (worst) "
          "| gain per run: min median | runs passing (median gain ≥ 50, never farther) |")
    print("|---|---|---|---|---|---|---|---|")
    for lr in LRS:
        for lam in LAMBDAS:
            errors, leads, gains, passing = [], [], [], 0
            for problem in chosen:
                corrected, leading, _ = measure(problem, lam, lr)
                errors += corrected.tolist()
                leads += leading.tolist()
                gain = float(np.median(leading / np.maximum(corrected, 1e-12)))
                gains.append(gain)
                passing += gain >= 50 and bool(np.all(corrected <= leading))
            print(f"| {lr:g} | {lam:.0e} | {len(chosen)} | {len(errors)} | {np.median(errors):.3g} ({max(errors):.3g}) "
                  f"| {np.median(leads):.3g} ({max(leads):.3g}) | {min(gains):.3g} | {passing} / {len(chosen)} |")
    print(f"{time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
