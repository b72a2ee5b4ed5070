"""Seed 002 Appendix A, Figure 5, in the λ → 0 limit: squared norm vs n.

Squared norm of the interpolator reached by Algorithm 1 (spec §3) and of the
minimum-norm interpolator ``2 (||y_+|| + ||y_-||)`` (spec §4) against the
number of data ``n``, with identity inputs, labels N(0, 1) and width
``m = ⌈C ln n⌉`` for three values of ``C`` (the paper's width formula was lost
in conversion; interpolation needs ``m ≳ 3.5 ln n``, and with ``C = 5`` a run
interpolates with probability 0.96 at n = 1024 and 0.98 at n = 4096, see
``examples/interpolation_threshold.py``).

    python examples/figure5.py                # writes docs/img/figure5.png
    python examples/figure5.py --max-log2n 13 --repeats 10 --workers 2

``--table NAME`` prints one markdown table of ``docs/studies.md`` instead
(and writes no figure): ``main`` (slopes and ratios of the default sweep),
``probability`` (exact probability that a run interpolates), ``large``
(``n = 2^14, 2^16``, three runs, C = 5, Gaussian and uniform labels),
``ties`` (how often ``sign`` labels meet a tie, C = 5).

    python examples/figure5.py --table main
"""

import argparse
import math
from dataclasses import replace

from limitproc.studies import rows_nonzero_probability, sweep


def row(cells):
    print("| " + " | ".join(cells) + " |")


def factor(width):
    return width[: -len("log")]


def table_main(result, ns):
    """The doc's table: one column per C."""
    widths = result.widths
    stats = result.stats(interpolating_only=True)
    point = {(p.n, p.width): p for p in stats}
    reached, optimum = result.slopes("sq_norm"), result.slopes("min_sq_norm")
    upper = replace(result, rows=tuple(r for r in result.rows if r.n >= 256)).slopes("sq_norm")
    first, last = ns[0], ns[-1]
    row([""] + [f"C = {factor(w)}" for w in widths])
    row(["---"] * (len(widths) + 1))
    row([f"log-log slope of ‖θ_K‖², n = {first}…{last}"]
        + [f"{reached[(w, 'gaussian')].slope:.3f} ± {reached[(w, 'gaussian')].stderr:.3f}" for w in widths])
    row([f"same, n = 256…{last}"] + [f"{upper[(w, 'gaussian')].slope:.3f}" for w in widths])
    row(["log-log slope of ‖θ*‖²"]
        + [f"{optimum[(w, 'gaussian')].slope:.3f} ± {optimum[(w, 'gaussian')].stderr:.3f}" for w in widths])
    row([f"ratio at n = {first}"] + [f"{point[(first, w)].mean['ratio']:.2f}" for w in widths])
    row([f"ratio at n = {last} (min–max)"]
        + [f"{point[(last, w)].mean['ratio']:.2f} ({point[(last, w)].min['ratio']:.2f}–{point[(last, w)].max['ratio']:.2f})"
           for w in widths])
    for n in (ns[-2], last):
        row([f"jumps K at n = {n}"] + [f"{point[(n, w)].mean['K']:.3g}" for w in widths])
    row(["runs that interpolate, smallest share over n"]
        + [f"{min(p.interpolating for p in stats if p.width == w):.0%}" for w in widths])
    spread = max(
        max(point[(n, w)].mean["ratio"] for w in widths) / min(point[(n, w)].mean["ratio"] for w in widths) - 1
        for n in ns if n >= 512
    )
    print()
    print(f"Largest relative spread of the mean ratio between the values of C at n ≥ 512: {spread:.1%}.")


def table_probability():
    """Exact P(every mask row non-zero) at m = ⌈C ln n⌉, n_+ = ⌈n/2⌉, n_- = ⌊n/2⌋."""
    factors, ns = (4, 5, 10, 20), (1024, 4096)
    row(["P(a run interpolates), exact"] + [f"C = {c}" for c in factors])
    row(["---"] * (len(factors) + 1))
    for n in ns:
        cells = []
        for c in factors:
            m = math.ceil(c * math.log(n))
            cells.append(f"{rows_nonzero_probability((n + 1) // 2, n // 2, m, exact=False):.2f} (m = {m})")
        row([f"n = {n}"] + cells)


def table_large(seed, workers):
    result = sweep([2**14, 2**16], ["5log"], ["gaussian", "uniform"], 3, seed=seed, workers=workers)
    all_runs = {(p.n, p.labels): p for p in result.stats()}
    row(["n", "m", "labels", "runs that interpolate", "mean ratio (interpolating runs)"])
    row(["---"] * 5)
    for p in result.stats(interpolating_only=True):
        runs = all_runs[(p.n, p.labels)]
        row([str(p.n), str(p.m), p.labels, f"{round(runs.interpolating * runs.runs)} of {runs.runs}",
             f"{p.mean['ratio']:.2f}"])


def table_ties(seed, workers):
    ns = [16, 64, 256, 1024]
    result = sweep(ns, ["5log"], ["sign"], 10, seed=seed, workers=workers)
    stats = {p.n: p for p in result.stats()}
    row(["±1 labels, m = ⌈5 ln n⌉"] + [f"n = {n}" for n in ns])
    row(["---"] * (len(ns) + 1))
    row(["runs that meet a tie (of 10)"] + [f"{stats[n].ties:.0%}" for n in ns])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/img/figure5.png", help="PNG to write")
    parser.add_argument("--min-log2n", type=int, default=3)
    parser.add_argument("--max-log2n", type=int, default=12)
    parser.add_argument("--factors", type=float, nargs="+", default=[5.0, 10.0, 20.0], help="C in m = ⌈C ln n⌉")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--json", default=None, help="also write the sweep as JSON")
    parser.add_argument("--table", choices=["main", "probability", "large", "ties"],
                        help="print one markdown table of docs/studies.md (no figure)")
    args = parser.parse_args(argv)
    if args.table == "probability":
        return table_probability()
    if args.table == "large":
        return table_large(args.seed, args.workers)
    if args.table == "ties":
        return table_ties(args.seed, args.workers)

    ns = [2**k for k in range(args.min_log2n, args.max_log2n + 1)]
    widths = [f"{c:g}log" for c in args.factors]
    result = sweep(ns, widths, "gaussian", args.repeats, seed=args.seed, workers=args.workers)
    if args.table == "main":
        return table_main(result, ns)
    from limitproc.studies.plots import plot_norm_vs_n  # matplotlib only for the figure

    print(f"{len(result.rows)} runs of Algorithm 1 in {result.seconds:.1f} s")
    print(result)
    print("\nlog-log slopes against n (means over interpolating runs):")
    reached = result.slopes("sq_norm")
    optimum = result.slopes("min_sq_norm")
    ratio = result.slopes("ratio")
    for width in result.widths:
        print(f"  m = ⌈{width[:-3]} ln n⌉: reached {reached[(width, 'gaussian')]}, "
              f"optimal {optimum[(width, 'gaussian')]}, ratio {ratio[(width, 'gaussian')]}")
    upper = replace(result, rows=tuple(row for row in result.rows if row.n >= 256))
    print("  same, n >= 256 only: " + ", ".join(
        f"{width}: reached {fit.slope:.3f}" for (width, _), fit in upper.slopes("sq_norm").items()))
    print(f"ratio at the largest n (heuristic n -> infinity limit 1 + sqrt 2 = {1 + math.sqrt(2):.3f}):")
    for point in result.stats(interpolating_only=True):
        if point.n == ns[-1]:
            print(f"  n = {point.n}, {point.width} (m = {point.m}): ratio {point.mean['ratio']:.3f} "
                  f"[{point.min['ratio']:.3f}, {point.max['ratio']:.3f}], interpolating {point.interpolating:.0%}")
    plot_norm_vs_n(result, path=args.out)
    print(f"wrote {args.out}")
    if args.json:
        result.to_json(args.json)


if __name__ == "__main__":
    main()
