"""The GD simulator (limitproc.flow.gd.simulate_gd) against a literal float64
GD on (a, W), against the flow as h → 0, and its speed (docs/gradient-descent.md §7).

    python benchmarks/gd_simulator.py
"""

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


def literal():
    p = Problem(**REF3)
    for h in (0.1, 1.0):
        steps = int(400 / h)
        run = simulate_gd(p, 1e-4, step=h, steps=steps, record_every=1)
        reference = literal_gd(p, 1e-4, h, steps)
        worst = 0.0
        for index, step in enumerate(run.step_index):
            a, W = run.parameters(index)
            a_ref, W_ref = reference[step]
            worst = max(worst, np.abs(a - a_ref).max() / np.abs(a_ref).max(), np.abs(W - W_ref).max() / np.abs(W_ref).max())
        print(f"REF3, λ = 1e-4, h = {h:g}, {steps} steps: max |θ − θ_literal| / max|θ_literal| = {worst:.1e}")


def against_flow():
    p = Problem(**REF3)
    flow = simulate_flow(p, 1e-4, t_max=200.0, rtol=1e-12, atol=1e-14)
    times = np.linspace(0.0, 200.0, 41)
    rho, _, outputs = flow.sample(times)
    previous = None
    for h in (0.04, 0.02, 0.01, 0.005):
        run = simulate_gd(p, 1e-4, step=h, steps=int(round(200 / h)), record_every=1)
        idx = np.searchsorted(run.step_index, np.round(times / h).astype(int))
        e_rho = np.abs(run.log_norms[idx] - rho).max()
        e_out = np.abs(run.outputs[idx] - outputs).max()
        ratio = "" if previous is None else f", ratio {previous / e_rho:.3f}"
        print(f"REF3, λ = 1e-4, t ≤ 200, h = {h:g}: max |Δ ln‖w‖| = {e_rho:.2e}, max |Δh(x)| = {e_out:.2e}{ratio}")
        previous = e_rho


def speed():
    arrays = sample_dataset(64, 16, labels="abs-gaussian", seed=3)
    p = Problem(arrays["y"], arrays["W0"], a0=arrays["a0"], X=arrays.get("X"))
    process = limit_process(p)
    for steps in (10_000, 100_000):
        started = time.perf_counter()
        run = simulate_gd(p, 1e-16, step=0.02, steps=steps, process=process)
        seconds = time.perf_counter() - started
        print(f"n = 64, m = 16, λ = 1e-16, h = 0.02: {steps} steps in {seconds:.2f} s "
              f"({1e6 * seconds / steps:.0f} µs per step, {run.t.size} records)")


if __name__ == "__main__":
    literal()
    against_flow()
    speed()
