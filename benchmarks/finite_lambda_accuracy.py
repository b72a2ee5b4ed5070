"""Accuracy of the finite-λ predictions (limitproc.finite.corrections) against the flow.

For each problem and each λ the gradient flow of spec §1 is simulated
(:func:`limitproc.flow.simulate.simulate_flow`) and its jump times detected with the
rule of :mod:`limitproc.flow.validation` (half-fit time of the jumping group).  The
table compares, in un-accelerated time ``t``,

* ``leading``: ``max_k |t̂_k − τ_k ln(1/λ)|``, the limit process (spec §3);
* ``first-order``: ``max_k |t̂_k − τ_k ln(1/λ) − C_k^{(1)}|`` with the
  first-order offsets of :func:`limitproc.finite.offsets.offset_model`;
* ``corrected``: ``max_k |t̂_k − t_k|`` with ``t_k`` of
  :func:`limitproc.finite.corrections.finite_lambda`;

and the predicted rate ``ν`` after the last jump with the slope
``−½ d ln(L − L(θ_K))/dt`` fitted on the flow where the excess falls through
:data:`~limitproc.finite.corrections.RATE_WINDOW` of its drop.  ``μ ln(1/λ)`` is the
resolution of spec §8 (the corrections, like the limit, need it ≥ 5).

Problems: seed 000's two-phase case; the tests' REF3 (three jumps, mixed
signs); SHARED and CHAIN (tests/finite/test_corrections.py: competitors that lose
their data, remnants); ``examples/figure1.npz`` (seed 002 Figure 1, μ = 0.04:
unresolved at every λ here); and random problems (n ≤ 11, m ≤ 7, Gaussian
labels and initialization, at least two jumps and 0.3 < μ < 5), summarized
per λ (median and worst ratio over the runs resolved at that λ).  Errors below
``FLOOR`` = 1e-8 are the solver's: a ratio to such an error is printed as the
lower bound ``≥ leading / 1e-8``.

    python benchmarks/finite_lambda_accuracy.py --table named     # the markdown tables of docs/finite-lambda.md §6
    python benchmarks/finite_lambda_accuracy.py --table random
    python benchmarks/finite_lambda_accuracy.py --table random --random 40 --seed 2
"""

import argparse
import itertools
import os
import sys
import time

import numpy as np

from limitproc import Problem, finite_lambda, limit_process, load_problem, log_norm_offsets, validate
from limitproc.finite import offset_model
from limitproc.flow import late_rate

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from tests.cases import CHAIN, REF3, SHARED, TWO_PHASE, competing_problems  # noqa: E402

LAMBDAS = (1e-2, 1e-4, 1e-8, 1e-16)
#: Jump-time errors below this are the solver's (rtol = 1e-10): a ratio
#: leading / corrected uses at least this error and is then a lower bound, "≥".
FLOOR = 1e-8


def evaluate(problem, lams, process=None):
    """One row per λ: errors, ratio, rates."""
    process = limit_process(problem) if process is None else process
    offsets = log_norm_offsets(process)
    first_order = offset_model(problem, process)
    rows = []
    for lam in lams:
        prediction = finite_lambda(process, lam, offsets=offsets)
        slowest = min(float(s.rate) for s in process.jumps)
        t_max = max(prediction.times[-1] + 30.0 / prediction.rate,
                    1.25 * process.times[-1] * prediction.log_inv_lam + 30.0 / slowest)
        report = validate(problem, [lam], process=process, t_max=t_max, rates=False)  # rates below
        run = report.runs[0]
        detected = np.array([j.t_flow for j in run.jumps])
        rows.append({
            "lam": lam,
            "scale": prediction.margin_scale,
            "resolved": prediction.resolved,
            "verdict": run.verdict.name.lower().replace("_", " "),
            "leading": float(np.abs(detected - prediction.leading_times).max()),
            "first_order": float(np.abs(detected - prediction.leading_times - first_order).max()),
            "corrected": float(np.abs(detected - prediction.times).max()),
            "rate": prediction.rate,
            "measured": late_rate(run.run, process),
            "asymptotic": prediction.asymptotic_rate,
        })
    return process, rows


def fmt(x, digits=3):
    return "—" if not np.isfinite(x) else f"{x:.{digits}g}"


def gain(row):
    """``(leading / max(corrected, FLOOR), bounded)``: how many times closer the corrected times are."""
    return row["leading"] / max(row["corrected"], FLOOR), row["corrected"] < FLOOR


def fmt_gain(value, bounded):
    return ("≥ " if bounded else "") + fmt(value)


def table(named, lams):
    lines = [
        "| problem | K | μ | λ | μ ln(1/λ) | verdict | leading | first-order | corrected | leading / corrected "
        "| ν predicted | ν measured | ν asymptotic |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, problem in named:
        process, rows = evaluate(problem, lams)
        mu = float(process.resolution_margin.value)
        for row in rows:
            ratio = fmt_gain(*gain(row))
            lines.append(
                f"| {name} | {process.K} | {fmt(mu)} | {row['lam']:.0e} | {fmt(row['scale'])} | {row['verdict']} "
                f"| {fmt(row['leading'])} | {fmt(row['first_order'])} | {fmt(row['corrected'])} | {ratio} "
                f"| {fmt(row['rate'], 4)} | {fmt(row['measured'], 4)} | {fmt(row['asymptotic'], 4)} |"
            )
    return "\n".join(lines)


def random_summary(count, seed, lams):
    results = {lam: [] for lam in lams}
    for p, process in itertools.islice(competing_problems(seed), count):
        for row in evaluate(p, lams, process)[1]:
            results[row["lam"]].append(row)
    lines = [
        "| λ | runs resolved / all | leading / corrected, resolved: median (worst) "
        "| corrected error, resolved: median (worst) | leading / corrected, unresolved: median (worst) "
        "| rate error, all runs: median (worst) |",
        "|---|---|---|---|---|---|",
    ]

    def summary(values, worst):
        return f"{fmt(np.median(values))} ({fmt(worst(values))})" if values else "—"

    def gains(rows):
        """Median (worst) of the gains; "≥" where a bounded gain enters."""
        if not rows:
            return "—"
        pairs = sorted(gain(r) for r in rows)
        middle = pairs[(len(pairs) - 1) // 2 : len(pairs) // 2 + 1]
        median = fmt_gain(np.median([v for v, _ in pairs]), any(b for _, b in middle))
        return f"{median} ({fmt_gain(*pairs[0])})"

    for lam in lams:
        rows = results[lam]
        resolved = [r for r in rows if r["resolved"]]
        unresolved = [r for r in rows if not r["resolved"]]
        errors = [r["corrected"] for r in resolved]
        rate_err = [abs(r["rate"] / r["measured"] - 1) for r in rows if np.isfinite(r["measured"])]
        lines.append(
            f"| {lam:.0e} | {len(resolved)} / {len(rows)} | {gains(resolved)} | {summary(errors, max)} "
            f"| {gains(unresolved)} | {summary(rate_err, max)} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", choices=["named", "random"], required=True,
                        help="the named problems, or a summary over random ones")
    parser.add_argument("--lam", type=float, nargs="+", default=list(LAMBDAS))
    parser.add_argument("--random", type=int, default=20, help="number of random problems")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random problems")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.table == "random":
        print(random_summary(args.random, args.seed, args.lam))
        print(f"\n({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        return
    named = [
        ("two-phase (seed 000)", Problem(**TWO_PHASE)),
        ("REF3", Problem(**REF3)),
        ("SHARED", Problem(**SHARED)),
        ("CHAIN", Problem(**CHAIN)),
        ("figure1.npz", load_problem(os.path.join(HERE, "..", "examples", "figure1.npz"))),
    ]
    print(table(named, args.lam))
    print(f"\n({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
