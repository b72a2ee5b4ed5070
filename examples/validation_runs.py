"""The gradient flow against the limit process on two problems (docs/validation.md).

Simulates the flow of spec §1 at several λ (:func:`limitproc.validate`) and
prints, in the markdown of ``docs/validation.md`` ("Measured: flow vs
prediction"), the prediction's summary, one table row per λ and the offsets
of the jump times with their first-order model and bound.

* ``figure1-draw``: ``sample_dataset(64, 6, labels="abs-gaussian", seed=10)``,
  a draw of seed 002's Figure 1 setup (64 Haar-orthonormal inputs, labels
  |N(0,1)|, six neurons with random output signs);
* ``ref3``: the tests' REF3 problem (n = 6, m = 4, mixed signs).

    python examples/validation_runs.py figure1-draw --unit-init
    python examples/validation_runs.py ref3

``--unit-init`` starts the flow from ``w_j(0) = λ z_j`` (unit directions)
instead of ``λ W0_j``; the offsets ``t̂_k − τ_k ln(1/λ)`` differ by
``ln ||W0_j|| / r_k``, everything else is the same to leading order.
"""

import argparse
import os
import sys

import numpy as np

from limitproc import Problem, limit_process, log_norm_offsets, sample_dataset, validate
from limitproc.finite import offset_bound, offset_model

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tests.cases import REF3  # noqa: E402

PROBLEMS = {
    "figure1-draw": lambda: Problem(**sample_dataset(64, 6, labels="abs-gaussian", seed=10)),
    "ref3": lambda: Problem(**REF3),
}
#: ln(1/λ) of each row, and its label.
SCALES = {
    "figure1-draw": [("1e-8", 8), ("1e-16", 16), ("1e-32", 32), ("1e-60", 60), ("1e-100", 100), ("e^-700", None)],
    "ref3": [("1e-8", 8), ("1e-16", 16), ("1e-32", 32), ("1e-64", 64), ("1e-100", 100)],
}


def numbers(values, digits):
    return ", ".join(f"{v:.{digits}f}" for v in values)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("problem", choices=sorted(PROBLEMS))
    parser.add_argument("--unit-init", action="store_true", help="w_j(0) = λ z_j instead of λ W0_j")
    args = parser.parse_args(argv)

    problem = PROBLEMS[args.problem]()
    process = limit_process(problem)
    margin = process.resolution_margin
    scales = SCALES[args.problem]
    log_inv = [700.0 if power is None else power * np.log(10) for _, power in scales]
    report = validate(problem, log_inv_lams=log_inv, process=process, rates=False, unit_init=args.unit_init)

    positive = int((problem.signs > 0).sum())
    print(f"n = {problem.n}, m = {problem.m} ({positive} positive), K = {process.K}, "
          f"τ = {numbers([float(t) for t in process.times], 3)}, r_k = {numbers([float(j.rate) for j in process.jumps], 4)}; "
          f"μ = {float(margin.value):.3g}, "
          f"so λ ≤ {margin.largest_lambda():.1g} is resolved; flow from "
          f"{'w_j(0) = λ z_j (unit_init=True)' if args.unit_init else 'w_j(0) = λ W0_j (default)'}.")
    print()
    predicted = float(process.final.sq_norm)
    print(f"| λ | μ ln(1/λ) | verdict | offsets t̂ − τ ln(1/λ) | max \\|Δτ\\| | sup ‖θ̃−θ_k‖ | sup \\|ΔL\\| "
          f"| ‖θ‖² (pred {predicted:.7g}) | s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (label, _), run in zip(scales, report.runs):
        print(f"| {label} | {run.margin_scale:.3g} | {run.verdict.name.lower().replace('_', ' ')} "
              f"| {numbers([j.offset for j in run.jumps], 2)} | {run.max_jump_error:.3g} "
              f"| {run.max_distance:.1e} | {run.max_loss_error:.1e} | {run.sq_norm:.7g} | {run.seconds:.2f} |")
    print()
    if args.unit_init:  # the model and the bound of w_j(0) = λ z_j: unit initial norms
        model = log_norm_offsets(process, unit_init=True, model="first-order").jump_offsets
        bound = offset_bound(Problem(problem.y, problem.directions, X=problem.X, signs=problem.signs), process)
    else:
        model, bound = offset_model(problem, process), offset_bound(problem, process)
    exact = log_norm_offsets(process, unit_init=args.unit_init).jump_offsets
    print(f"Offsets at λ = {scales[-1][0]}: {numbers([j.offset for j in report.runs[-1].jumps], 3)}; "
          f"transit model (`log_norm_offsets`): {numbers(exact, 3)}; first-order model: {numbers(model, 3)}; "
          f"bounds `B_k`: {numbers(bound, 1)}.")


if __name__ == "__main__":
    main()
