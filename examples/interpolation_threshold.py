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

``--table crossings`` and ``--table monte-carlo`` print the two markdown
tables of ``docs/studies.md`` instead (and write no figure).
"""

import argparse
import math

from limitproc.studies import init_probabilities, rows_nonzero_probability

#: (n, m) of the comparison with Monte Carlo.
PAIRS = [(8, 12), (16, 14), (32, 20), (128, 30), (1024, 40), (8192, 50)]


def crossing(n, level, limit=400):
    """Smallest m with P(every row non-zero) >= level."""
    for m in range(1, limit):
        if rows_nonzero_probability((n + 1) // 2, n // 2, m, exact=False) >= level:
            return m
    return None


def approximate_crossing(n, level):
    """m solving exp(-n (3/4)^m) = level (rows treated as independent)."""
    return math.log(n / -math.log(level)) / math.log(4 / 3)


def row(cells):
    print("| " + " | ".join(cells) + " |")


def table_crossings(ns):
    row(["n", "50%", "90%", "99%", "m/ln n at 90%"])
    row(["---"] * 5)
    for n in ns:
        cells = [f"{crossing(n, level)} ({approximate_crossing(n, level):.1f})" for level in (0.5, 0.9, 0.99)]
        row([str(n)] + cells + [f"{crossing(n, 0.9) / math.log(n):.1f}"])
    print()
    print(f"As n → ∞: m ≈ ln n / ln(4/3) = {1 / math.log(4 / 3):.2f} ln n.")


def sci(x):
    """``9.5e−2`` (and ``< 1e−308`` below the float range)."""
    if x == 0:
        return "< 1e−308"
    return f"{x:.1e}".replace("e-0", "e−").replace("e-", "e−") if x < 1e-2 else f"{x:.4f}"


def table_monte_carlo(samples, seed):
    row(["n, m", "all rows ≠ 0: exact", "Monte Carlo", "Assumption 4(i): exact", "MC", "Prop. 2(i) bound",
         "1 − n(3/4)^m", "two-phase (seed 000 Asm. 3)"])
    row(["---"] * 8)
    agree = True
    for n, m in PAIRS:
        result = init_probabilities((n + 1) // 2, n // 2, m, samples=samples, seed=seed)
        mc = result.monte_carlo
        rows_mc = mc["rows_nonzero"]
        full = "(too large)" if result.assumption4_exact is None else f"{float(result.assumption4_exact):.4f}"
        bound = float(result.proposition2_bound)
        agree = agree and all(result.agreement().values())
        row([f"{n}, {m}", f"{float(result.rows_nonzero_exact):.4f}",
             f"{rows_mc.estimate:.4f} [{rows_mc.low:.4f}, {rows_mc.high:.4f}]", full,
             f"{mc['assumption4'].estimate:.4f}", f"{bound:.4f}" + (" (vacuous)" if bound < 0 else ""),
             f"{float(result.rows_union_bound):.4f}", sci(float(result.two_phase_exact))])
    print()
    print(f"{samples} samples, 95% Clopper–Pearson intervals; every interval contains its exact value "
          f"(all three events): {'yes' if agree else 'NO'}.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/img/interpolation_threshold.png", help="PNG to write")
    parser.add_argument("--ns", type=int, nargs="+", default=[16, 128, 1024, 8192])
    parser.add_argument("--samples", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--table", choices=["crossings", "monte-carlo"], help="print a markdown table of docs/studies.md")
    args = parser.parse_args(argv)
    if args.table == "crossings":
        return table_crossings(args.ns)
    if args.table == "monte-carlo":
        return table_monte_carlo(args.samples, args.seed)
    from limitproc.studies.plots import plot_interpolation_threshold  # matplotlib only for the figure


    print("width where P(all rows non-zero) first reaches a level (exact), and the approximation "
          "ln(n / ln(1/level)) / ln(4/3):")
    print(f"{'n':>6}  {'50%':>9}  {'90%':>9}  {'99%':>9}  {'m/ln n at 90%':>14}")
    for n in args.ns:
        cells = [f"{crossing(n, level):3d} ({approximate_crossing(n, level):4.1f})" for level in (0.5, 0.9, 0.99)]
        print(f"{n:6d}  " + "  ".join(cells) + f"  {crossing(n, 0.9) / math.log(n):14.2f}")

    print("\nexact vs Monte Carlo (95% Clopper–Pearson), n_+ = ⌈n/2⌉, n_- = ⌊n/2⌋:")
    for n, m in PAIRS:
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
