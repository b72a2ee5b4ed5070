"""The GD simulator (limitproc.flow.gd.simulate_gd) against a literal float64
GD on (a, W), against the flow as h → 0, its balancedness at a tiny λ, and its
speed (docs/gradient-descent.md §5, §7).

``--table NAME`` prints one block of docs/gradient-descent.md, in its
markdown, instead of everything:

    python benchmarks/gd_simulator.py                      # everything but balance (about 20 s)
    python benchmarks/gd_simulator.py --table literal      # against a literal GD on (a, W)
    python benchmarks/gd_simulator.py --table flow         # against the flow, h → 0
    python benchmarks/gd_simulator.py --table balance      # REF3 at λ = e^-300, h = 1
    python benchmarks/gd_simulator.py --table speed        # steps per second (timings)
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from limitproc import Problem, limit_process, sample_dataset  # noqa: E402
from limitproc.flow import simulate_flow  # noqa: E402
from limitproc.flow.gd import simulate_gd  # noqa: E402
from tests.cases import REF3  # noqa: E402
from tests.flow.test_gd import literal_gd  # noqa: E402


def literal_errors():
    """``(h, steps, error)``: largest difference to a literal GD relative to its largest entry."""
    p = Problem(**REF3)
    out = []
    for h in (0.1, 1.0):
        steps = int(400 / h)
        run = simulate_gd(p, 1e-4, step=h, steps=steps, record_every=1)
        reference = literal_gd(p, 1e-4, h, steps)
        worst = 0.0
        for index, step in enumerate(run.step_index):
            a, W = run.parameters(index)
            a_ref, W_ref = reference[step]
            worst = max(worst, np.abs(a - a_ref).max() / np.abs(a_ref).max(), np.abs(W - W_ref).max() / np.abs(W_ref).max())
        out.append((h, steps, worst))
    return out


def literal():
    for h, steps, worst in literal_errors():
        print(f"REF3, λ = 1e-4, h = {h:g}, {steps} steps: max |θ − θ_literal| / max|θ_literal| = {worst:.1e}")


def table_literal():
    print("| REF3, λ = 1e-4 | steps | max \\|θ − θ_literal\\| / max \\|θ_literal\\| |")
    print("| --- | --- | --- |")
    for h, steps, worst in literal_errors():
        print(f"| h = {h:g} | {steps} | {worst:.1e} |")


def flow_errors():
    """``(h, max |Δ ln‖w‖|, max |Δh(x)|)`` on REF3 at λ = 1e-4, ``t ≤ 200``."""
    p = Problem(**REF3)
    flow = simulate_flow(p, 1e-4, t_max=200.0, rtol=1e-12, atol=1e-14)
    times = np.linspace(0.0, 200.0, 41)
    rho, _, outputs = flow.sample(times)
    out = []
    for h in (0.04, 0.02, 0.01, 0.005):
        run = simulate_gd(p, 1e-4, step=h, steps=int(round(200 / h)), record_every=1)
        idx = np.searchsorted(run.step_index, np.round(times / h).astype(int))
        out.append((h, np.abs(run.log_norms[idx] - rho).max(), np.abs(run.outputs[idx] - outputs).max()))
    return out


def against_flow():
    previous = None
    for h, e_rho, e_out in flow_errors():
        ratio = "" if previous is None else f", ratio {previous / e_rho:.3f}"
        print(f"REF3, λ = 1e-4, t ≤ 200, h = {h:g}: max |Δ ln‖w‖| = {e_rho:.2e}, max |Δh(x)| = {e_out:.2e}{ratio}")
        previous = e_rho


def table_flow():
    print("| REF3, λ = 1e-4, t ≤ 200 | max \\|Δ ln‖w‖\\| | max \\|Δh(x)\\| | ratio to the previous ln‖w‖ error |")
    print("| --- | --- | --- | --- |")
    previous = None
    for h, e_rho, e_out in flow_errors():
        ratio = "—" if previous is None else f"{previous / e_rho:.3f}"
        print(f"| h = {h:g} | {e_rho:.2e} | {e_out:.2e} | {ratio} |")
        previous = e_rho


def table_balance():
    """REF3 at λ = e^-300 and h = 1 (as ``TestClosedForms.test_tiny_scales_do_not_underflow``)."""
    p = Problem(**REF3)
    process = limit_process(p)
    run = simulate_gd(p, log_inv_lam=300.0, step=1.0, process=process)
    assert run.status.name == "COMPLETED", run.message
    print(f"REF3 at λ = e^-300, h = 1, {run.steps} steps: largest |a_j² − ‖w_j‖²| over the run "
          f"{np.abs(run.balancedness).max():.1e}; final ‖θ‖² {run.theta_sq_norm[-1]:.6f}, "
          f"the limit process's {float(process.final.sq_norm):.6f}.")


def speed_runs():
    arrays = sample_dataset(64, 16, labels="abs-gaussian", seed=3)
    p = Problem(arrays["y"], arrays["W0"], a0=arrays["a0"], X=arrays.get("X"))
    process = limit_process(p)
    for steps in (10_000, 100_000):
        started = time.perf_counter()
        run = simulate_gd(p, 1e-16, step=0.02, steps=steps, process=process)
        yield steps, time.perf_counter() - started, run.t.size


def speed():
    for steps, seconds, records in speed_runs():
        print(f"n = 64, m = 16, λ = 1e-16, h = 0.02: {steps} steps in {seconds:.2f} s "
              f"({1e6 * seconds / steps:.0f} µs per step, {records} records)")


def table_speed():
    print("| n = 64, m = 16, λ = 1e-16, h = 0.02: steps | s | µs per step | records |")
    print("| --- | --- | --- | --- |")
    for steps, seconds, records in speed_runs():
        print(f"| {steps} | {seconds:.2f} | {1e6 * seconds / steps:.0f} | {records} |")
    print()
    print(f"Load average during the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")


TABLES = {"literal": table_literal, "flow": table_flow, "balance": table_balance, "speed": table_speed}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", choices=list(TABLES), help="print one block of the docs (default: the rest)")
    args = parser.parse_args(argv)
    if args.table:
        TABLES[args.table]()
        return
    literal()
    against_flow()
    speed()


if __name__ == "__main__":
    main()
