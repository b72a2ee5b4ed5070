"""Numbers quoted in the prose of docs/validation.md, measured on simulated flows.

* ``bound-survey``: random problems (standard basis, Gaussian labels and
  ``W0``, uniform output signs, 2 ≤ n ≤ 16, 1 ≤ m ≤ 8) validated at
  ``ln(1/λ) ∈ {60, 300}``; over the resolved runs (``μ ln(1/λ) ≥ 5``), the
  measured offsets of the jump times against their bound,
  ``|t̂_k − τ_k ln(1/λ)| / B_k`` (:func:`limitproc.flow.validation`'s
  ``offset_bound``), and the largest relative balance defect of all runs;
* ``floor``: the smallest distance to the saddles, ``sup ‖θ̃ − θ_k‖``, on
  REF3 at λ = 1e-100 for two solver tolerances (the integration error).

    python examples/doc_numbers_validation.py bound-survey
    python examples/doc_numbers_validation.py floor
"""

import argparse
import os
import sys

import numpy as np

from limitproc import Problem, limit_process, validate

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tests.cases import REF3  # noqa: E402


def random_problems(count, seed):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n, m = int(rng.integers(2, 17)), int(rng.integers(1, 9))
        yield Problem(rng.standard_normal(n), rng.standard_normal((m, n)), signs=rng.choice([-1, 1], m))


def bound_survey(count=100, seed=0, scales=(60.0, 300.0)):
    ratios, defects, problems = [], [], 0
    for problem in random_problems(count, seed):
        process = limit_process(problem)
        if process.K == 0:
            continue
        problems += 1
        report = validate(problem, log_inv_lams=list(scales), process=process, rates=False)
        for run in report.runs:
            defects.append(run.balance_relative)
            if run.resolved:
                ratios += [abs(j.offset) / j.offset_bound for j in run.jumps]
    ratios = np.array(ratios)
    print(f"Random problems: standard basis, Gaussian labels and `W0`, uniform output signs, 2 ≤ n ≤ 16, "
          f"1 ≤ m ≤ 8, seed {seed}; ln(1/λ) ∈ {{{', '.join(f'{s:g}' for s in scales)}}}.")
    print()
    print("| problems | runs | resolved jumps | max \\|C_k\\|/B_k | median \\|C_k\\|/B_k "
          "| largest relative balance defect |")
    print("|---|---|---|---|---|---|")
    print(f"| {problems} | {len(defects)} | {ratios.size} | {ratios.max():.2f} | {np.median(ratios):.2f} "
          f"| {max(defects):.1e} |")


def floor():
    problem = Problem(**REF3)
    process = limit_process(problem)
    distances = []
    for rtol in (1e-10, 1e-12):
        run = validate(problem, [1e-100], process=process, rates=False, rtol=rtol, atol=rtol / 100).runs[0]
        distances.append(run.max_distance)
    print(f"On REF3 at λ = 1e-100, sup ‖θ̃ − θ_k‖ is {distances[0]:.1e} at `rtol = 1e-10` "
          f"and {distances[1]:.1e} at `rtol = 1e-12`.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["bound-survey", "floor"])
    args = parser.parse_args(argv)
    {"bound-survey": bound_survey, "floor": floor}[args.what]()


if __name__ == "__main__":
    main()
