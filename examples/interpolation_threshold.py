"""The width at which Algorithm 1 interpolates: m ≈ log n (spec §3, seed 002 Prop. 2).

Algorithm 1 ends with zero loss iff every row of the mask is non-zero (every
datum has an initially active neuron of its label's sign, spec §3).  Under
spec §1's initialization this has the exact probability
``Σ_k C(m,k) 2^-m (1 - 2^-k)^{n_+} (1 - 2^-(m-k))^{n_-}``
(:func:`limitproc.studies.probability.rows_nonzero_probability`).  This script plots
it against ``m`` for several ``n`` with Monte Carlo points, prints the widths
where it crosses 50%, 90% and 99% against the approximation
``P ≈ exp(-n (3/4)^m)``, and compares, at a few widths, the exact values with
Monte Carlo, the full seed 002 Assumption 4(i), its Proposition 2(i) bound
(reconstructed) and seed 000's two-phase Assumption 3.

    python examples/interpolation_threshold.py   # writes docs/img/interpolation_threshold.png
"""

import argparse
import math

from limitproc.studies.probability import init_probabilities, rows_nonzero_probability
from limitproc.studies.plots import plot_interpolation_threshold


def crossing(n, level, limit=400):
    """Smallest m with P(every row non-zero) >= level."""
    for m in range(1, limit):
        if rows_nonzero_probability((n + 1) // 2, n // 2, m, exact=False) >= level:
            return m
    return None


def approximate_crossing(n, level):
    """m solving exp(-n (3/4)^m) = level (rows treated as independent)."""
    return math.log(n / -math.log(level)) / math.log(4 / 3)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/img/interpolation_threshold.png", help="PNG to write")
    parser.add_argument("--ns", type=int, nargs="+", default=[16, 128, 1024, 8192])
    parser.add_argument("--samples", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    print("width where P(all rows non-zero) first reaches a level (exact), and the approximation "
          "ln(n / ln(1/level)) / ln(4/3):")
    print(f"{'n':>6}  {'50%':>9}  {'90%':>9}  {'99%':>9}  {'m/ln n at 90%':>14}")
    for n in args.ns:
        cells = [f"{crossing(n, level):3d} ({approximate_crossing(n, level):4.1f})" for level in (0.5, 0.9, 0.99)]
        print(f"{n:6d}  " + "  ".join(cells) + f"  {crossing(n, 0.9) / math.log(n):14.2f}")

    print("\nexact vs Monte Carlo (95% Clopper–Pearson), n_+ = ⌈n/2⌉, n_- = ⌊n/2⌋:")
    for n, m in [(8, 12), (16, 14), (32, 20), (128, 30), (1024, 40), (8192, 50)]:
        result = init_probabilities((n + 1) // 2, n // 2, m, samples=args.samples, seed=args.seed)
        mc = result.monte_carlo
        full = "n/a" if result.assumption4_exact is None else f"{float(result.assumption4_exact):.4f}"
        print(f"  n = {n:5d}, m = {m:3d}: rows {float(result.rows_nonzero_exact):.4f} MC {mc['rows_nonzero']}; "
              f"Asm 4(i) {full} MC {mc['assumption4'].estimate:.4f}; Prop. 2(i) bound {float(result.proposition2_bound):+.4f}; "
              f"1-n(3/4)^m {float(result.rows_union_bound):+.4f}; two-phase {float(result.two_phase_exact):.2e}; "
              f"all in CI: {all(result.agreement().values())}")
    plot_interpolation_threshold(args.ns, samples=args.samples // 2, seed=args.seed, path=args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
