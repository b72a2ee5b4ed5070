"""The tables of docs/reproductions.md: the seed papers' numbers beside ours.

``--table NAME`` runs one registered experiment
(``limitproc.reproduce.experiment(NAME).run(quick=…)``), writes its PNG to
``docs/img/NAME.png`` (to a temporary folder with ``--no-figure``) and prints
its claims as the markdown table of the page: the paper's number beside our
prediction and our measurement on the flow, the verdict and the tolerance,
then a count of the verdicts and the run time.  A few experiments add the
numbers that the page's prose quotes from the same run (``EXTRA``).

``--table experiments`` and ``--table waiting`` print the registry (nothing is
run): every experiment with its sizes, and what the others wait for.

    python examples/reproductions.py --table seed002-fig1            # full sizes, writes docs/img/seed002-fig1.png
    python examples/reproductions.py --table seed001-exp2 --quick --no-figure
    python examples/reproductions.py --table experiments
"""

import argparse
import math
import re
import tempfile
from pathlib import Path

import numpy as np

from limitproc.reproduce import experiment, experiments

IMG = Path(__file__).resolve().parents[1] / "docs" / "img"
def columns(result):
    return ("claim", "paper", "ours: predicted", f"ours: measured ({result.measured_by})", "verdict",
            "tolerance and why")


def g(value):
    """A number as ``%g`` writes it, without a leading zero in the exponent (1e-8, not 1e-08)."""
    return re.sub(r"e([-+])0(\d)", r"e\1\2", f"{value:g}")


def joined(values, spec=""):
    return ", ".join(format(v, spec) if spec else str(v) for v in values)


def cell(text):
    return str(text).replace("|", "\\|")


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]


def claims_table(result):
    """A :class:`~limitproc.reproduce.Reproduction` as markdown: one row per
    claim, verdicts other than "reproduced" in bold, then the verdict count
    and the run time."""
    rows = [(c.claim, c.paper, c.predicted, c.measured, c.verdict if c.reproduced else f"**{c.verdict}**",
             c.tolerance) for c in result.claims]
    comparable = sum(c.verdict.startswith("not comparable") for c in result.claims)
    differ = len(result.claims) - result.reproduced - comparable
    counts = [f"{result.reproduced} of {len(result.claims)} claims reproduced"]
    counts += [f"{comparable} not comparable"] * bool(comparable) + [f"{differ} differ{'s' * (differ == 1)}"] * bool(differ)
    sizes = "`--quick` sizes" if result.quick else "full sizes"
    return table(columns(result), rows) + ["", f"{result.name}, {sizes}: " + ", ".join(counts) + ".",
                                   f"Run time: {result.seconds:.1f} s."]


# -- numbers of the prose, from the same run -------------------------------------------------------


def _two_phase(result):
    from limitproc.bounds import data_constants
    from limitproc.reproduce.seed000 import two_phase_problem

    k = data_constants(two_phase_problem())
    rows, best = result.data["rows"], result.data["rows"][-1]
    offsets = [best["L"] / d - t for d, t in zip((k.D_plus, k.D_minus), best["corrected"])]
    gaps = [max(abs(h / c - 1) for h, c in zip(r["half_fit"], r["corrected"])) for r in rows]
    return [f"At λ = {g(best['lam'])} the leading escape times −ln λ/‖D±‖ exceed the finite-λ times by "
            f"{offsets[0]:.1f} and {offsets[1]:.1f}; the finite-λ times agree with the flow's half-fit times to "
            f"{joined(gaps, '.1e')} (relative) at λ = {joined(g(r['lam']) for r in rows)}."]


def _exp2(result):
    ns, means = sorted({r["n"] for r in result.data["rows"]}), result.data["means"]["mu_average"]
    lines = [f"Mean ⟨μ_∞⟩ = {joined(means, '.3f')} at n = {joined(ns)}."]
    for r in result.data["rows"]:
        if not r["event_I"]:
            lines.append(f"Event I fails in run {r['repeat']} at n = {r['n']}: its loss stops at "
                         f"{r['final_loss_fraction']:.1%} of L(0).")
    return lines


def _group_transitions(result):
    rows = [(r["n"], joined(r["paper"], ".3f"), joined(r["predicted"], ".3f"), joined(r["measured"], ".3f"))
            for r in result.data["rows"]]
    return table(("n", "paper: 1/‖D_j^∞‖ (group 1, 2)", "ours: finite-λ prediction", "ours: flow"), rows)


def _incremental(result):
    validation = result.data["validation"]
    finals = joined(f"{r['sq_norm']:.2f} at λ = {g(float(format(r['lam'], '.0e')))}" for r in validation["runs"])
    return [f"Resolution margin μ = {validation['margin']:.3g}: the fitted sets match for "
            f"λ ≤ {validation['largest_resolved_lambda']:.1e} (μ ln(1/λ) ≥ 5, spec §8). "
            f"Final ‖θ‖² of the flow: {finals}."]


def _slopes(result):
    slopes = result.data["slopes"]
    slowest = min(s["predicted"] for s in slopes)
    neuron = next(s["neuron"] for s in slopes if s["predicted"] == slowest)
    plateaus = sorted(s["k"] for s in slopes if s["neuron"] == neuron and s["predicted"] <= 1.05 * slowest)
    return [f"The slowest rate is neuron {neuron}'s, r = {slowest:.2g} on plateaus {plateaus[0]}–{plateaus[-1]} "
            "(plateau k follows the k-th jump)."]


def _turning(result):
    from limitproc import limit_process
    from limitproc.reproduce.seed002 import figure1_problem

    times = limit_process(figure1_problem()).times
    return [f"At λ = 1e-60 the second jump would come {(times[1] - times[0]) * 60 * math.log(10):.0f} time units "
            "after the first."]


def _norm_vs_n(result):
    flows, stats = result.data["flows"], [s for s in result.data["stats"] if s["width"] == "5log"]
    lines = []
    for lam in sorted({f["lam"] for f in flows}, reverse=True):
        ns = sorted({f["n"] for f in flows if f["lam"] == lam})
        ratios = [np.mean([f["flow"] / f["limit"] for f in flows if f["lam"] == lam and f["n"] == n]) for n in ns]
        lines.append(f"Flow / limit ‖θ‖² at λ = {g(lam)}: {joined(ratios, '.2f')} at n = {joined(ns)}.")
    first, last = min(stats, key=lambda s: s["n"]), max(stats, key=lambda s: s["n"])
    lines.append(f"Reached / optimal ‖θ‖² in the λ → 0 limit (m = ⌈5 ln n⌉): {first['mean_ratio']:.2f} at "
                 f"n = {first['n']}, {last['mean_ratio']:.2f} at n = {last['n']}.")
    return lines


EXTRA = {"seed000-two-phase": _two_phase, "seed001-exp2": _exp2, "seed001-fig1": _group_transitions,
         "seed002-fig1": _incremental, "seed002-fig3": _slopes, "seed002-fig4": _turning,
         "seed002-fig5": _norm_vs_n}


def extra_lines(result):
    extra = EXTRA.get(result.name)
    return ["", *extra(result)] if extra else []


# -- the registry -------------------------------------------------------------------------------------


def _sizes(sizes):
    def value(v):
        if isinstance(v, (list, tuple)):
            return ", ".join(value(x) for x in v)
        return g(v) if isinstance(v, float) else str(v)

    names = {"lambda": "λ", "log_inv_lambda": "ln(1/λ)"}
    return "; ".join(f"{names.get(k, k)} = {value(v)}" for k, v in sizes.items())


def registry_table():
    rows = [(f"`{e.name}`", e.paper.split()[0], e.figure, e.status.value, _sizes(e.quick) if e.ready else "",
             _sizes(e.full) if e.ready else "", e.seconds) for e in experiments()]
    return table(("name", "paper", "figure", "status", "`--quick`", "full", "run time"), rows)


def waiting_table():
    rows = [(f"`{e.name}`", e.figure, e.status.value, e.reason) for e in experiments() if not e.ready]
    return table(("experiment", "figure", "status", "needs / why not"), rows)


def main(argv=None):
    names = [e.name for e in experiments() if e.ready]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", required=True, choices=["experiments", "waiting", *names])
    parser.add_argument("--quick", action="store_true", help="the reduced sizes of `limitproc reproduce --quick`")
    parser.add_argument("--no-figure", action="store_true", help="write the PNG to a temporary folder")
    args = parser.parse_args(argv)
    if args.table == "experiments":
        lines = registry_table()
    elif args.table == "waiting":
        lines = waiting_table()
    else:
        with tempfile.TemporaryDirectory() as scratch:
            result = experiment(args.table).run(quick=args.quick, outdir=scratch if args.no_figure else IMG)
        lines = claims_table(result) + extra_lines(result)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
