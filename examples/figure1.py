"""Seed 002 Figure 1 (Appendix A.1): incremental learning, flow vs limit process.

Setup of seed 002 Appendix A.1: 64 orthonormal points in R^64 (here a
Haar-random orthonormal basis, so the inputs are rotated and the simulator's
data-basis coordinates matter, spec §7), labels |N(0, 1)|, 6 neurons with
random directions and random output signs, balanced small initialization.
The real gradient flow (spec §1) is simulated at small λ with
:func:`limitproc.flow.simulate.simulate_flow` and drawn over the limit process of
Algorithm 1 (spec §3): loss plateaus and jump times, norm exponents and
fitted-data counts.

The problem is the bundled ``examples/figure1.npz`` (written by
``examples/make_figure1_data.py``: six positive neurons, six jumps; its
resolution margin μ = 0.041 of spec §8 means λ ≤ 1e-54 resolves the fitted
sets, so the default λ values show one unresolved and one resolved run).

    python examples/figure1.py                     # writes figure1.png
    python examples/figure1.py out.png --lam 1e-8 1e-30 1e-60
"""

import argparse
import os
import sys

import numpy as np

from limitproc import limit_process, load_problem, validate
from limitproc.flow.plots import plot_validation

BUNDLED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "figure1.npz")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="figure1.png", help="PNG to write (default figure1.png)")
    parser.add_argument("--lam", type=float, nargs="+", default=[1e-8, 1e-60], help="initialization scales")
    parser.add_argument("--data", default=BUNDLED, help="npz problem (default: the bundled Figure 1 setup)")
    args = parser.parse_args(argv)

    problem, source = load_problem(args.data), os.path.basename(args.data)
    process = limit_process(problem)
    margin = process.resolution_margin
    print(f"{problem!r} from {source}")
    print(f"limit process: K = {process.K}, τ = {np.round(process.times, 3).tolist()}, "
          f"μ = {float(margin.value):.4g} (λ ≤ {margin.largest_lambda():.1e} resolves, spec §8)")
    report = validate(problem, args.lam, process=process)
    print(report)
    for run in report.runs:
        fitted = sum(len(j.flow_data) for j in run.jumps)
        print(f"  λ = {run.lam:.0e}: jump errors·ln(1/λ) = {np.round([j.offset for j in run.jumps], 2).tolist()}, "
              f"{fitted} data fitted by the predicted neurons; {run.run}")
    path = plot_validation(report, process, args.out,
                           title=f"Seed 002 Figure 1 setup (n = {problem.n}, m = {problem.m}, {source}): "
                                 f"flow vs limit process")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
