"""Work of the flow simulator (limitproc.flow) by solver, tolerance and λ.

Regenerates the solver tables of ``docs/validation.md``:

1. explicit Runge–Kutta methods of :func:`scipy.integrate.solve_ivp` at
   several ``rtol`` (``atol = rtol/100``) on a draw of the Figure 1 setup
   (``sample_dataset(64, 6, labels="abs-gaussian", seed=10)``) at λ = 1e-32;
2. DOP853's work versus ``ln(1/λ)`` on the same problem;
3. the same on the tests' REF3 problem, whose fitted neurons relax at NTK
   rates while the others creep (work grows like ``ln(1/λ)``).

Each row also gives the largest relative balance defect of the run.  Counts
of DOP853 include its dense output (3 evaluations per step).

    python benchmarks/flow_solvers.py
"""

import os
import sys
import time

import numpy as np

from limitproc import Problem
from limitproc.flow import simulate_flow
from limitproc.problem.sampling import sample_dataset

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tests.cases import REF3  # noqa: E402

FIGURE1_DRAW = sample_dataset(64, 6, labels="abs-gaussian", seed=10)


def run(problem, log_inv_lam, method="DOP853", rtol=1e-10):
    start = time.perf_counter()
    flow = simulate_flow(problem, log_inv_lam=log_inv_lam, method=method, rtol=rtol, atol=rtol / 100)
    seconds = time.perf_counter() - start
    return flow.nfev, flow.steps, seconds, float(np.abs(flow.balance_defect).max())


def row(cells):
    print("| " + " | ".join(cells) + " |")


def main():
    figure1 = Problem(**FIGURE1_DRAW)
    run(figure1, 10.0)  # warm-up (imports, first calls)
    print("## Methods (Figure 1 draw, λ = 1e-32)\n")
    row(["method", "rtol", "evaluations", "steps", "seconds", "max balance defect"])
    row(["---"] * 6)
    for method, rtol in [("DOP853", 1e-8), ("DOP853", 1e-10), ("DOP853", 1e-12),
                         ("RK45", 1e-8), ("RK45", 1e-10), ("RK45", 1e-12), ("RK23", 1e-10)]:
        nfev, steps, seconds, defect = run(figure1, 32 * np.log(10), method, rtol)
        row([method, f"{rtol:g}", str(nfev), str(steps), f"{seconds:.2f}", f"{defect:.1e}"])

    scales = [("1e-8", 8 * np.log(10)), ("1e-32", 32 * np.log(10)), ("1e-100", 100 * np.log(10)),
              ("e^-700", 700.0), ("e^-2000", 2000.0)]
    for name, problem in [("Figure 1 draw", figure1), ("REF3", Problem(**REF3))]:
        print(f"\n## DOP853, rtol = 1e-10, versus λ ({name})\n")
        results = [run(problem, L) for _, L in scales]
        row(["λ"] + [s for s, _ in scales])
        row(["---"] * (len(scales) + 1))
        row(["evaluations"] + [str(r[0]) for r in results])
        row(["seconds"] + [f"{r[2]:.2f}" for r in results])
        row(["max balance defect"] + [f"{r[3]:.1e}" for r in results])


if __name__ == "__main__":
    main()
