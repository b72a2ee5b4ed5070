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
"""

import argparse
import math
from dataclasses import replace

from limitproc.studies.plots import plot_norm_vs_n
from limitproc.studies import sweep


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
    args = parser.parse_args(argv)

    ns = [2**k for k in range(args.min_log2n, args.max_log2n + 1)]
    widths = [f"{c:g}log" for c in args.factors]
    result = sweep(ns, widths, "gaussian", args.repeats, seed=args.seed, workers=args.workers)
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
