"""Gradient descent against its limit process (docs/gradient-descent.md §3, §7).

For each problem and flow-time step ``h``, :func:`limitproc.flow.gd.simulate_gd`
runs exact full-batch GD at several ``λ``; jump ``k`` is detected by the
half-fit rule of ``limitproc.flow.validation`` (the group's ``||w||²`` reaches
``n r_k / 2``) on the GD limit process's jumps (Algorithm 1 with the rate map
``g(r) = ln(1 + h r)/h``, ``limit_process(problem, step=h)``).
Printed per run: the offsets ``t̂_k − τ_k^GD ln(1/λ)`` (they converge to
constants: errors O(1) in ``t``, shrinking like ``1/ln(1/λ)`` in ``τ``), the
largest ``|t̂_k − τ_k ln(1/λ)|`` against the flow's ``τ_k`` (it grows like
``ln(1/λ)``), whether each jump's data are fitted by its neuron, and the
delay of each GD jump behind the simulated flow's in units of ``h ln(1/λ)/2``.

Below the table: the largest spread of an offset across λ at a fixed ``h``
over the resolved runs (``μ^GD ln(1/λ) ≥ 5``, spec §8).

GD_SWAP (docs/gradient-descent.md §4) is also run at ``h = 1`` and
``λ = e^-300, e^-600`` against the simulated flow: who fits each datum.

``--table NAME`` prints one block of docs/gradient-descent.md, in its
markdown, instead of everything:

    python benchmarks/gd_accuracy.py                 # all (a few minutes)
    python benchmarks/gd_accuracy.py --quick         # h ∈ {0.5, 1}, two λ
    python benchmarks/gd_accuracy.py --swap          # only the GD_SWAP check
    python benchmarks/gd_accuracy.py --table jumps   # the §7 table (5 min on 2 cores)
    python benchmarks/gd_accuracy.py --table swap    # the §4 check, as a table
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from limitproc import Problem, limit_process  # noqa: E402
from limitproc.flow import simulate_flow  # noqa: E402
from limitproc.flow.gd import simulate_gd  # noqa: E402
from limitproc.finite.stability import stability_limit  # noqa: E402


from tests.cases import CHAIN, REF3, SHARED  # noqa: E402
from tests.reference import GD_SWAP  # noqa: E402

PROBLEMS = {"REF3": REF3, "CHAIN": CHAIN, "SHARED": SHARED, "GD_SWAP": GD_SWAP}
STEPS = (0.02, 0.1, 0.5, 1.0)
SCALES = (np.log(1e8), np.log(1e16), np.log(1e32), 300.0)


def detect(run, problem, jumps):
    """Half-fit times of the given jumps and whether each jump's data are
    fitted (h = y/2) by its own neuron's group."""
    times, matches = [], []
    fit = run.fit_times()
    for jump in jumps:
        group = list(jump.group)
        times.append(run.growth_time(group, problem.n * jump.rate / 2))
        ok = True
        for i in jump.data:
            if not np.isfinite(fit[i]):
                ok = False
                continue
            k = min(int(np.searchsorted(run.t, fit[i])), run.t.size - 1)
            share = run.contributions(k)[:, i] * np.sign(problem.y[i])
            ok &= int(np.argmax(share)) in group
        matches.append(ok)
    return np.array(times), matches


def flow_half_fits(problem, process, L):
    run = simulate_flow(problem, log_inv_lam=L, process=process)
    out = {}
    for s in process.jumps:
        out[s.neuron] = run.growth_time(list(s.group or (s.neuron,)), problem.n * float(s.rate) / 2)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--swap", action="store_true")
    parser.add_argument("--table", choices=["jumps", "swap"], help="print one block of the docs")
    args = parser.parse_args(argv)
    if args.table == "swap":
        return table_swap()
    if args.swap:
        return swap()
    jumps(quick=args.quick)
    if args.table is None:
        swap()


def jumps(quick=False):
    """The §7 table, then the largest spread of the offsets across λ."""
    steps = (0.5, 1.0) if quick else STEPS
    scales = (np.log(1e8), 300.0) if quick else SCALES
    print("| problem | h | λ | μ ln(1/λ) | GD order (flow) | offsets t̂ − τ^GD ln(1/λ) | max \\|t̂ − τ ln(1/λ)\\| (flow τ) "
          "| fitted by its neuron | delay behind the flow / (h ln(1/λ)/2) | steps | s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    spread = (0.0, None)
    for name, case in PROBLEMS.items():
        problem = Problem(**case)
        process = limit_process(problem)
        flow_order = [s.neuron for s in process.jumps]
        flow_taus = {s.neuron: float(s.tau) for s in process.jumps}
        flows = {L: flow_half_fits(problem, process, L) for L in scales}
        for h in steps:
            gd = limit_process(problem, step=h or None, ties="first")
            limit = stability_limit(gd)
            resolved = []
            for L in scales:
                started = time.perf_counter()
                run = simulate_gd(problem, log_inv_lam=L, step=h, process=process)
                seconds = time.perf_counter() - started
                t_hat, matches = detect(run, problem, gd.jumps)
                offsets = t_hat - gd.times * L
                if float(gd.resolution_margin.value) * L >= 5:
                    resolved.append(offsets)
                flow_error = max(abs(t - flow_taus[j.neuron] * L) if j.neuron in flow_taus else np.nan
                                 for t, j in zip(t_hat, gd.jumps))
                delays = [(t - flows[L][j.neuron]) / (h * L / 2) if j.neuron in flows[L] else np.nan
                          for t, j in zip(t_hat, gd.jumps)]
                lam = f"1e-{round(L / np.log(10))}" if L < 200 else f"e^-{L:g}"
                print(f"| {name} | {h:g} | {lam} | {float(gd.resolution_margin.value) * L:.1f} | {[j.neuron for j in gd.jumps]} ({flow_order}) "
                      f"| {', '.join(f'{o:.3f}' for o in offsets)} | {flow_error:.2f} "
                      f"| {''.join('y' if m else 'n' for m in matches)} "
                      f"| {', '.join('—' if not np.isfinite(d) else f'{d:.3f}' for d in delays)} "
                      f"| {run.steps} | {seconds:.1f} |")
            if len(resolved) > 1:
                ranges = np.ptp(np.array(resolved), axis=0)
                k = int(np.argmax(ranges))
                if ranges[k] > spread[0]:
                    spread = (float(ranges[k]), f"{name}, `h = {h:g}`, jump {k + 1}")
            print(f"<!-- {name} h = {h:g}: stability limit h_max = {limit.step_max:.3f} -->", file=sys.stderr)
    print()
    print(f"Largest spread of an offset across λ at a fixed `h`, over the resolved runs (`μ ln(1/λ) ≥ 5`, "
          f"at least two per `h`): {spread[0]:.3f} ({spread[1]}).")


def swap():
    """Fitter of each datum (the largest contributor when h = y/2) under the
    flow and under GD with h = 1, against both limit processes."""
    problem = Problem(**GD_SWAP)
    process = limit_process(problem)
    gd = limit_process(problem, step=1.0, ties="first")
    flow_fit = {i: s.neuron for s in process.jumps for i in s.data}
    gd_fit = {i: j.neuron for j in gd.jumps for i in j.data}
    print("\nGD_SWAP: fitter of data 0..3 (predicted flow", [flow_fit.get(i) for i in range(4)],
          ", predicted GD h = 1", [gd_fit.get(i) for i in range(4)], ")")
    for L in (300.0, 600.0):
        flow = simulate_flow(problem, log_inv_lam=L, process=process)
        run = simulate_gd(problem, log_inv_lam=L, step=1.0, process=process)
        print(f"  λ = e^-{L:g}: flow {fitters(flow, problem)}, final ‖θ‖² {flow.theta_sq_norm[-1]:.4f}; "
              f"GD {fitters(run, problem)}, final ‖θ‖² {run.theta_sq_norm[-1]:.4f} "
              f"(limit: flow {process.sq_norms[-1]:.4f}, GD {gd.sq_norms[-1]:.4f})")


def table_swap():
    """The GD_SWAP check as a markdown table (docs/gradient-descent.md §4)."""
    problem = Problem(**GD_SWAP)
    process = limit_process(problem)
    gd = limit_process(problem, step=1.0, ties="first")
    flow_fit = [next((s.neuron for s in process.jumps if i in s.data), None) for i in range(problem.n)]
    gd_fit = [next((j.neuron for j in gd.jumps if i in j.data), None) for i in range(problem.n)]
    flow_rows = [("flow, limit process (spec §3)", flow_fit, process.sq_norms[-1])]
    gd_rows = [("GD `h = 1`, limit process (§3)", gd_fit, gd.sq_norms[-1])]
    for L in (300.0, 600.0):
        flow = simulate_flow(problem, log_inv_lam=L, process=process)
        run = simulate_gd(problem, log_inv_lam=L, step=1.0, process=process)
        flow_rows.append((f"flow, simulated, λ = e^-{L:g}", fitters(flow, problem), flow.theta_sq_norm[-1]))
        gd_rows.append((f"GD `h = 1`, simulated, λ = e^-{L:g}", fitters(run, problem), run.theta_sq_norm[-1]))
    print("| GD_SWAP | fitter of data 0, 1, 2, 3 | final ‖θ‖² |")
    print("| --- | --- | --- |")
    for label, fit, sq in flow_rows + gd_rows:
        print(f"| {label} | {', '.join(map(str, fit))} | {sq:.4f} |")


def fitters(run, problem):
    fit = run.fit_times()
    out = []
    for i, t in enumerate(fit):
        if not np.isfinite(t):
            out.append(None)
            continue
        rho, U, _ = run.state(t)
        out.append(int(np.argmax(problem.signs * np.exp(2 * rho) * np.maximum(U[:, i], 0) * np.sign(problem.y[i]))))
    return out


if __name__ == "__main__":
    main()
