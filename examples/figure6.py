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
"""

import argparse

from limitproc.studies.probability import two_phase_probability
from limitproc.studies.plots import plot_norm_vs_width
from limitproc.studies import loglog_fit, sweep


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
    args = parser.parse_args(argv)

    ms = [2**k for k in range(args.min_log2m, args.max_log2m + 1)]
    result = sweep([args.n], ms, "gaussian", args.repeats, seed=args.seed, workers=args.workers)
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
