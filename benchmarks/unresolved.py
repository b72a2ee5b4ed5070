"""Unresolved runs answered honestly: where the finite-λ corrections hold,
against the simulated flow (``docs/finite-lambda.md`` §4).

Survey: problems drawn like ``limitproc sample`` (standard basis, Gaussian
labels and initialization, n ∈ {16, 32}, 4 ≤ m ≤ 8, at least two jumps;
``survey_problems``), each at λ ∈ {1e-2, 1e-4, 1e-8, 1e-12}, simulated with
:func:`~limitproc.flow.simulate.simulate_flow` from the same initialization.

* ``--table survey``: impossible times (a negative time, or a jump timed
  before one it depends on, :func:`~limitproc.finite.validity.dependencies`)
  among the first-order times (before) and among the reported ones (after:
  invalid jumps get no time), the loss curves that rise, the errors of the
  reported times against the flow's half-fit times (with the leading order's),
  in units of the jump's time scale ``1/r`` (the flow's time: the jumping
  group's ``Σ ||w_g||²`` reaching half its ``a²``), and how often the interval
  ``[earliest, latest]`` of an invalid jump holds
  the flow's half-fit times of its data;
* ``--table shares``: the predicted share ``1/(1 + e^{2 gap})`` of each
  competitor against the flow's (its group's output on the shared data,
  projected on their labels, 3/r after the jump or halfway to the next);
* ``--table norms``: final squared norms of the neurons, the limit's and
  those with the shares (:func:`~limitproc.finite.validity.shared_sq_norms`),
  against the flow's at its end.

    python benchmarks/unresolved.py --table survey
    python benchmarks/unresolved.py --table shares
    python benchmarks/unresolved.py --table norms
    python benchmarks/unresolved.py --table survey --count 6      # a quick look
"""

import argparse
import os
import sys
import time

import numpy as np

from limitproc import Problem, limit_process
from limitproc.finite import finite_lambda
from limitproc.finite.offsets import log_norm_offsets
from limitproc.finite.validity import dependencies
from limitproc.flow import simulate_flow
from limitproc.problem.sampling import sample_dataset

LAMBDAS = (1e-2, 1e-4, 1e-8, 1e-12)


def survey_problems(count, seed=0):
    """``count`` problems (module docstring), as ``(problem, process)``."""
    out = []
    draw = seed
    while len(out) < count:
        rng = np.random.default_rng(draw)
        n, m = int(rng.choice([16, 32])), int(rng.integers(4, 9))
        arrays = sample_dataset(n, m, labels="gaussian", seed=draw, basis=True)
        draw += 1
        problem = Problem(arrays["y"], arrays["W0"], signs=arrays.get("signs"), a0=arrays.get("a0"))
        process = limit_process(problem)
        if process.K >= 2:
            out.append((problem, process))
    return out


def impossible(times, process):
    """A negative time, or a jump timed before one it depends on (finite times only)."""
    deps = dependencies(process)
    if np.any(times[np.isfinite(times)] <= 0):
        return True
    return any(np.isfinite(times[k - 1]) and np.isfinite(times[d - 1]) and times[k - 1] <= times[d - 1]
               for k, ds in deps.items() for d in ds)


def measure(problem, process, lam, offsets):
    prediction = finite_lambda(process, lam, offsets=offsets)
    L = prediction.log_inv_lam
    slowest = min(float(s.rate) for s in process.jumps)
    t_max = 1.5 * process.times[-1] * L + 40.0 / slowest
    run = simulate_flow(problem, lam, t_max=t_max, process=process)
    fits = run.fit_times()
    jumps = []
    for i, s in enumerate(process.jumps):
        group = list(s.group or (s.neuron,))
        jumps.append({"k": s.k, "flow": run.growth_time(group, float(s.a) ** 2 / 2.0), "data": fits[s.data],
                      "rate": float(s.rate),
                      "status": prediction.status[i], "t": prediction.times[i], "lead": prediction.leading_times[i]})
    shares = []
    for comp in prediction.competitors:
        k = comp.jumps[0]
        jump = process.jumps[k - 1]
        shared = np.intersect1d(process.mask.data_of(comp.neuron), jump.data)
        t = prediction.times[k - 1] + 3.0 / float(jump.rate)
        if k < process.K:
            t = min(t, 0.5 * (prediction.times[k - 1] + prediction.times[k]))
        if not (shared.size and 0 < t < run.t_max):
            continue
        rho, U, _ = run.state(t)
        group = list(comp.group)
        out = (problem.signs[group, None] * np.exp(2 * rho[group])[:, None] * np.maximum(U[group], 0)).sum(0)
        y = problem.y[shared]
        shares.append((comp.gap, comp.fit_share, float(out[shared] @ y / (y @ y))))
    _, curve, _ = prediction.predicted_loss_curve(257)
    drop = float(process.losses[0] - process.final.loss)
    return {"prediction": prediction, "jumps": jumps, "shares": shares,
            "rises": bool(np.any(np.diff(curve) > 1e-9 * drop)), "final": run.sq_norms[-1],
            "first_order_impossible": impossible(prediction.times, process),
            "reported_impossible": impossible(prediction.reported_times, process)}


def collect(count, seed):
    rows = []
    for problem, process in survey_problems(count, seed):
        offsets = log_norm_offsets(process)
        for lam in LAMBDAS:
            rows.append((lam, measure(problem, process, lam, offsets)))
    return rows


def _fmt(values, spec=".3g"):
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return "—" if values.size == 0 else f"{np.median(values):{spec}} ({values.max():{spec}})"


def table_survey(rows):
    print("| λ | predictions | impossible before | impossible after | loss curves rising | jumps valid / all "
          "| reported error × r: median (worst) | leading error × r, same jumps: median (worst) "
          "| invalid jumps: data inside [earliest, latest] |")
    print("|---|---|---|---|---|---|---|---|---|")
    for lam in LAMBDAS + (None,):
        chosen = [r for l, r in rows if lam is None or l == lam]
        jumps = [j for r in chosen for j in r["jumps"]]
        valid = [j for j in jumps if j["status"].valid]
        invalid = [j for j in jumps if not j["status"].valid]
        errors = [abs(j["flow"] - j["t"]) * j["rate"] for j in valid]
        leading = [abs(j["flow"] - j["lead"]) * j["rate"] for j in valid]
        inside = [bool(np.all((j["data"][np.isfinite(j["data"])] >= j["status"].earliest - 1e-9)
                              & (j["data"][np.isfinite(j["data"])] <= j["status"].latest))) for j in invalid]
        label = "all" if lam is None else f"{lam:.0e}"
        print(f"| {label} | {len(chosen)} | {sum(r['first_order_impossible'] for r in chosen)} "
              f"| {sum(r['reported_impossible'] for r in chosen)} | {sum(r['rises'] for r in chosen)} "
              f"| {len(valid)} / {len(jumps)} | {_fmt(errors)} | {_fmt(leading)} | {sum(inside)} / {len(inside)} |")


def table_shares(rows):
    shares = np.array([s for _, r in rows for s in r["shares"]])
    print("| gap | competitors | predicted share: median | flow's share: median | \\|predicted − flow\\|: median (worst) |")
    print("|---|---|---|---|---|")
    for lo, hi in ((-np.inf, 0.0), (0.0, 0.5), (0.5, 1.0), (1.0, 1.5), (1.5, 2.3), (2.3, 4.0), (4.0, np.inf)):
        sel = (shares[:, 0] >= lo) & (shares[:, 0] < hi)
        if not sel.any():
            continue
        s = shares[sel]
        name = f"[{lo:g}, {hi:g})".replace("-inf", "−∞").replace("inf", "∞")
        print(f"| {name} | {int(sel.sum())} | {np.median(s[:, 1]):.3g} | {np.median(s[:, 2]):.3g} "
              f"| {_fmt(np.abs(s[:, 1] - s[:, 2]))} |")


def table_norms(rows):
    print("| λ | predictions | limit: worst relative error of a neuron's ‖w‖², median (worst) "
          "| with shares: median (worst) |")
    print("|---|---|---|---|")
    for lam in LAMBDAS:
        chosen = [r for l, r in rows if l == lam]
        limit, shared = [], []
        for r in chosen:
            flow = r["final"]
            top = flow.max()
            for name, pred, into in (("limit", r["prediction"].sq_norms, limit),
                                     ("shared", r["prediction"].shared_sq_norms, shared)):
                visible = (flow > 0.01 * top) | (pred > 0.01 * top)
                into.append(float(np.max(np.abs(pred[visible] - flow[visible]) / np.maximum(pred, flow)[visible])))
        print(f"| {lam:.0e} | {len(chosen)} | {_fmt(limit)} | {_fmt(shared)} |")


TABLES = {"survey": table_survey, "shares": table_shares, "norms": table_norms}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--table", choices=sorted(TABLES), default="survey")
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = collect(args.count, args.seed)
    TABLES[args.table](rows)
    print(f"{time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
