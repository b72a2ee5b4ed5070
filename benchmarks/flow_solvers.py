"""Work and accuracy of the flow simulator (limitproc.flow) by solver, tolerance and λ.

Prints the solver tables of ``docs/validation.md``, in its markdown:

* ``--table methods``: explicit Runge–Kutta methods of
  :func:`scipy.integrate.solve_ivp` at several ``rtol`` (``atol = rtol/100``)
  on a draw of the Figure 1 setup
  (``sample_dataset(64, 6, labels="abs-gaussian", seed=10)``) at λ = 1e-32;
* ``--table accuracy``: :func:`limitproc.flow.tolerance_error` (a rerun with
  ``rtol`` and ``atol`` divided by 100) on the same draw at three λ;
* ``--table work``: DOP853's work versus ``ln(1/λ)`` on the same draw and on
  the tests' REF3 problem, whose fitted neurons relax at NTK rates while the
  others creep (work grows like ``ln(1/λ)``).

Each run also gives its largest relative balance defect.  Counts of DOP853
include its dense output (3 evaluations per step).  The flow starts from
``w_j(0) = λ W0_j`` (the default).

    python benchmarks/flow_solvers.py --table methods
    python benchmarks/flow_solvers.py --table accuracy
    python benchmarks/flow_solvers.py --table work
"""

import argparse
import os
import sys
import time

import numpy as np

from limitproc import Problem, sample_dataset, simulate_flow
from limitproc.flow import tolerance_error

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


def methods(figure1):
    row(["method", "rtol", "evaluations", "steps", "seconds", "max balance defect"])
    row(["---"] * 6)
    for method, rtol in [("DOP853", 1e-8), ("DOP853", 1e-10), ("DOP853", 1e-12),
                         ("RK45", 1e-8), ("RK45", 1e-10), ("RK45", 1e-12), ("RK23", 1e-10)]:
        nfev, steps, seconds, defect = run(figure1, 32 * np.log(10), method, rtol)
        row([method, f"{rtol:g}", str(nfev), str(steps), f"{seconds:.2f}", f"{defect:.1e}"])


def accuracy(figure1):
    row(["λ", "crossing times (growth / fit)", "final log-norms", "final outputs", "final ‖θ‖²",
         "max balance defect"])
    row(["---"] * 6)
    for lam in (1e-8, 1e-32, 1e-100):
        err = tolerance_error(figure1, lam)
        defect = max(float(np.abs(err[key].balance_defect).max()) for key in ("coarse", "fine"))
        row([f"{lam:g}", f"{err['growth_times']:.1e} / {err['fit_times']:.1e}", f"{err['final_log_norms']:.1e}",
             f"{err['final_outputs']:.1e}", f"{err['final_theta_sq_norm']:.1e}", f"{defect:.1e}"])


def work(figure1):
    scales = [("1e-8", 8 * np.log(10)), ("1e-32", 32 * np.log(10)), ("1e-100", 100 * np.log(10)),
              ("e^-700", 700.0), ("e^-2000", 2000.0)]
    row(["λ"] + [s for s, _ in scales])
    row(["---"] * (len(scales) + 1))
    for name, problem in [("Figure 1 draw", figure1), ("REF3", Problem(**REF3))]:
        results = [run(problem, L) for _, L in scales]
        row([f"evaluations, {name}"] + [str(r[0]) for r in results])
        row([f"seconds, {name}"] + [f"{r[2]:.2f}" for r in results])
        row([f"max balance defect, {name}"] + [f"{r[3]:.1e}" for r in results])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", choices=["methods", "accuracy", "work"], required=True)
    args = parser.parse_args(argv)
    figure1 = Problem(**FIGURE1_DRAW)
    run(figure1, 10.0)  # warm-up (imports, first calls)
    {"methods": methods, "accuracy": accuracy, "work": work}[args.table](figure1)


if __name__ == "__main__":
    main()
