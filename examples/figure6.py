"""Seed 002 Appendix A, Figure 6, in the λ → 0 limit: squared norm vs width.

Squared norm of the interpolator reached by Algorithm 1 (spec §3) and of the
minimum-norm interpolator (spec §4) against the width ``m`` at ``n = 32``,
identity inputs, labels N(0, 1).  The repeats share their labels across
widths, so the optimum is the same at every width and the ratio isolates the
effect of the width.  The ratio is exactly 1 once seed 000's Assumption 3
holds (some neuron active on all data of its sign), which needs
``m`` of order ``2^{n/2}``.

    python examples/figure6.py                # writes docs/img/figure6.png
    python examples/figure6.py --max-log2m 16 --repeats 10

``--table NAME`` prints one markdown table of ``docs/studies.md`` instead
(and writes no figure): ``main`` (the ratio at every other width of the
default sweep and at ``m = 2^16, 2^18`` with the first four repeats, and
the log-log slope of ``ratio − 1``), ``two-phase`` (the exact probability of
seed 000's two-phase case, and the repeat with the most unbalanced labels).

    python examples/figure6.py --table main
"""

import argparse

from limitproc import limit_process, min_norm_sq
from limitproc.studies import loglog_fit, sample_problem, sweep, two_phase_probability

#: Widths beyond the default sweep, with fewer repeats (the first ones: same labels).
EXTRA_LOG2M, EXTRA_REPEATS = (16, 18), 4


def row(cells):
    print("| " + " | ".join(cells) + " |")


def table_main(result, n, seed, workers):
    points = result.stats(interpolating_only=True)
    extra = sweep([n], [2**k for k in EXTRA_LOG2M], "gaussian", EXTRA_REPEATS, seed=seed, workers=workers)
    shown = [p for i, p in enumerate(points) if i % 2 == 0 or i == len(points) - 1]
    shown += list(extra.stats(interpolating_only=True))
    row(["m"] + [str(p.m) + (f" ({p.runs} runs)" if p.runs != points[0].runs else "") for p in shown])
    row(["---"] * (len(shown) + 1))
    row(["mean ratio"] + [f"{p.mean['ratio']:.2f}" for p in shown])
    row(["min–max"] + [f"{p.min['ratio']:.2f}–{p.max['ratio']:.2f}" for p in shown])
    row(["jumps K"] + [f"{p.mean['K']:.3g}" for p in shown])
    fit = loglog_fit([p.m for p in points], [p.mean["ratio"] - 1 for p in points])
    print()
    print(f"ratio − 1 against m = {points[0].m}…{points[-1].m}, log-log fit of the means: "
          f"m^({fit.slope:.2f} ± {fit.stderr:.2f}).")


def table_two_phase(n, seed, repeats):
    half = n // 2
    log2m = [13, 15, 17, 18, 19, 20]
    row([f"m (n₊ = n₋ = {half})"] + [f"2^{k}" for k in log2m])
    row(["---"] * (len(log2m) + 1))
    row(["P(two-phase), `two_phase_probability`"]
        + [f"{float(two_phase_probability(half, n - half, 2**k)):.2g}" for k in log2m])
    # the repeat whose larger label sign is the most numerous
    counts = []
    for repeat in range(repeats):
        y = sample_problem(n, 1, "gaussian", repeat, seed).y
        counts.append((max((y > 0).sum(), (y < 0).sum()), repeat, int((y > 0).sum()), int((y < 0).sum())))
    most, repeat, n_pos, n_neg = max(counts)
    ratios = []
    for k in EXTRA_LOG2M:  # that repeat's runs of the table's extra widths
        problem = sample_problem(n, 2**k, "gaussian", repeat, seed)
        ratios.append(f"{float(limit_process(problem).final.sq_norm) / min_norm_sq(problem):.2f} at m = {2**k}")
    print()
    print(f"Repeat {repeat} has n₊ = {n_pos}, n₋ = {n_neg}: ratio {', '.join(ratios)}; "
          f"some neuron of one sign is active on all {most} data of that sign with probability "
          f"1 − (1 − 2^−{most + 1})^m: {1 - (1 - 2.0 ** -(most + 1)) ** 2**18:.2f} at m = 2^18, "
          f"{1 - (1 - 2.0 ** -(most + 1)) ** 2**(most + 1):.2f} at m = 2^{most + 1}.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/img/figure6.png", help="PNG to write")
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument("--min-log2m", type=int, default=4)
    parser.add_argument("--max-log2m", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--json", default=None, help="also write the sweep as JSON")
    parser.add_argument("--table", choices=["main", "two-phase"], help="print one markdown table of docs/studies.md")
    args = parser.parse_args(argv)
    if args.table == "two-phase":
        return table_two_phase(args.n, args.seed, args.repeats)

    ms = [2**k for k in range(args.min_log2m, args.max_log2m + 1)]
    result = sweep([args.n], ms, "gaussian", args.repeats, seed=args.seed, workers=args.workers)
    if args.table == "main":
        return table_main(result, args.n, args.seed, args.workers)
    from limitproc.studies.plots import plot_norm_vs_width  # matplotlib only for the figure

    print(f"{len(result.rows)} runs of Algorithm 1 in {result.seconds:.1f} s")
    print(result)
    print()
    half = args.n // 2
    print(f"{'m':>6}  {'ratio':>6}  {'min':>6}  {'max':>6}  {'K':>5}  {'two-phase runs':>14}  "
          f"{'P(two-phase), n± = ' + str(half):>22}")
    points = result.stats(interpolating_only=True)
    for point in points:
        print(f"{point.m:6d}  {point.mean['ratio']:6.3f}  {point.min['ratio']:6.3f}  {point.max['ratio']:6.3f}  "
              f"{point.mean['K']:5.1f}  {point.two_phase:14.0%}  "
              f"{float(two_phase_probability(half, args.n - half, point.m)):22.4f}")
    fit = loglog_fit([p.m for p in points], [p.mean["ratio"] - 1 for p in points])
    print(f"\nratio - 1 against m, log-log: {fit}")
    plot_norm_vs_width(result, path=args.out)
    print(f"wrote {args.out}")
    if args.json:
        result.to_json(args.json)


if __name__ == "__main__":
    main()
