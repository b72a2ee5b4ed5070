"""Work of the simulated flow (limitproc.flow) vs plain gradient descent.

Both reach the same final state from the same balanced initialization at
scale λ: the first time the loss comes within ``1e-4 · L(θ_0)`` of the last
plateau ``L(θ_K)`` of the limit process (spec §3).  Gradient descent uses
step 0.01 (seed 002 Appendix A.1) on the loss of spec §1, in data-basis
coordinates ``<w_j, x_i>`` (a step costs one gradient evaluation, like one
evaluation of the flow's right-hand side; spec §7 explains why input
coordinates are not used).  The problem is the bundled Figure 1 setup
``examples/figure1.npz`` (n = 64, m = 6, six jumps).

GD needs ``t/0.01`` steps with ``t ≈ τ_K ln(1/λ)``, so its cost grows like
``ln(1/λ)`` (``--extrapolate`` prints the count at smaller λ).  The default
λ = 1e-8 keeps it to a few seconds.

Prints the markdown tables of ``docs/validation.md``; ``--extrapolate``
adds scales where only the flow is run and GD's step count is ``t/0.01``.

    python benchmarks/flow_vs_gd.py              # λ = 1e-8
    python benchmarks/flow_vs_gd.py --lam 1e-4 1e-8 1e-16 --extrapolate 1e-60 e^-2000
"""

import argparse
import time
from pathlib import Path

import numpy as np

from limitproc import limit_process, load_problem
from limitproc.flow import simulate_flow

BUNDLED = Path(__file__).resolve().parents[1] / "examples" / "figure1.npz"

STEP = 0.01
TOLERANCE = 1e-4


def gradient_descent(problem, lam, target, max_steps=10_000_000):
    """Plain GD on ``L`` (spec §1) in data-basis coordinates until ``L ≤ target``."""
    n = problem.n
    y = problem.y
    s = problem.signs.astype(float)
    C = lam * problem.init_norms[:, None] * problem.inner_products()  # <w_j, x_i>
    a = s * lam * problem.init_norms
    started = time.perf_counter()
    for step in range(1, max_steps + 1):
        relu = np.maximum(C, 0.0)
        r = a @ relu - y
        loss = r @ r / (2 * n)
        if loss <= target:
            return step - 1, time.perf_counter() - started, a, C, loss
        grad_a = relu @ r / n
        grad_C = (a[:, None] * ((C > 0) * r)) / n  # σ'(0) = 0
        a = a - STEP * grad_a
        C = C - STEP * grad_C
    raise RuntimeError(f"GD did not reach L ≤ {target:g} in {max_steps} steps")


def log_inv_lam(text):
    """``ln(1/λ)`` of ``1e-60`` or ``e^-2000``."""
    return float(text[3:]) if text.startswith("e^-") else -float(np.log(float(text)))


def time_to_target(problem, process, target, log_inv, **options):
    """First time the flow's loss is ≤ ``target`` (bisection on the dense output) and the probe run."""
    probe = simulate_flow(problem, log_inv_lam=log_inv, process=process, **options)
    hit = np.flatnonzero(probe.loss <= target)
    if hit.size == 0:
        raise RuntimeError(f"the flow did not reach L ≤ {target:g} by t = {probe.t_max:g}")
    t_target = float(probe.t[hit[0]])
    lo = float(probe.t[max(hit[0] - 1, 0)])
    for _ in range(60):
        mid = 0.5 * (lo + t_target)
        _, _, h = probe.state(mid)
        if problem.loss(h) <= target:
            t_target = mid
        else:
            lo = mid
    return t_target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lam", type=float, nargs="+", default=[1e-8])
    parser.add_argument("--extrapolate", nargs="+", default=[], metavar="λ",
                        help="scales (e.g. 1e-60 e^-2000) where only the flow runs and GD's steps are t/step")
    parser.add_argument("--data", default=str(BUNDLED), help="npz problem (default: the bundled Figure 1 setup)")
    args = parser.parse_args(argv)

    problem = load_problem(args.data)
    process = limit_process(problem)
    target = float(process.losses[-1]) + TOLERANCE * float(process.losses[0])
    print("| λ | t reached | GD steps | GD s | flow evaluations | flow s | evaluations ratio | time ratio "
          "| ‖θ_GD − θ_flow‖ |")
    print("|---|---|---|---|---|---|---|---|---|")
    for lam in args.lam:
        t_target = time_to_target(problem, process, target, -np.log(lam))
        flow = simulate_flow(problem, lam, t_max=t_target, process=process)
        steps, gd_seconds, a, C, _ = gradient_descent(problem, lam, target)
        a_f, W_f = flow.final_parameters
        C_f = W_f @ problem.X.T
        distance = np.sqrt(((a - a_f) ** 2).sum() + ((C - C_f) ** 2).sum())
        print(f"| {lam:.0e} | {t_target:.1f} | {steps} | {gd_seconds:.2f} | {flow.nfev} | {flow.seconds:.2f} "
              f"| {steps / flow.nfev:.1f} | {gd_seconds / flow.seconds:.1f} | {distance:.1e} |")
    if args.extrapolate:
        print()
        print(f"| λ | t reached | GD steps, t/{STEP:g} | flow evaluations |")
        print("|---|---|---|---|")
        for text in args.extrapolate:
            L = log_inv_lam(text)
            t_target = time_to_target(problem, process, target, L)
            flow = simulate_flow(problem, log_inv_lam=L, t_max=t_target, process=process)
            print(f"| {text} | {t_target:.1f} | {t_target / STEP:.1e} | {flow.nfev} |")


if __name__ == "__main__":
    main()
