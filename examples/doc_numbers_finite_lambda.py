"""Numbers quoted in the prose of docs/finite-lambda.md, each from the flow or the prediction.

Each subcommand prints one small markdown table (or a line) of the doc:

* ``loss-curve``: largest distance between the flow's loss curve and the
  predicted one (``FiniteLambdaPrediction.loss``, section 2) at λ = 1e-8,
  relative to the loss drop, on the tests' problems;
* ``ntk``: REF3's NTK eigenvalues (section 3.1): of the flow's final state at
  λ = 1e-4 and 1e-8, predicted with remnants, and of the blocks without them;
* ``two-phase-slopes``: seed 000's two-phase case (section 3.2): the local
  rate ``−½ d ln(L − L(θ_K))/dt`` where the excess has fallen to a level of
  the drop, on the flow (:func:`limitproc.flow.late_slope`) and predicted
  (``FiniteLambdaPrediction.slope``), and ``||D_−||``;
* ``ref3-rate``: REF3 at λ = 1e-4 (section 3.2): the local slope at 1e-12
  of the drop and the rate fitted over ``RATE_WINDOW``, at two solver
  tolerances;
* ``figure1-offsets``: ``examples/figure1.npz`` (section 7): the flow's
  offsets ``t̂_k − τ_k ln(1/λ)`` at λ = e^-300 against the transit and
  first-order models;
* ``remnants``: REF3 (section 3.2): the components that the simulator
  freezes by an event after the first jump, at several λ (remnants of a
  later neuron on data fitted before it, which float64 cannot keep positive
  at small λ);
* ``timings``: how long the offsets and times, then the loss model and rate,
  take (section 5) on three problems.

    python examples/doc_numbers_finite_lambda.py two-phase-slopes
"""

import argparse
import os
import sys
import time

import numpy as np

from limitproc import Problem, finite_lambda, limit_process, load_problem, log_norm_offsets, sample_dataset
from limitproc import simulate_flow, validate
from limitproc.finite import RATE_WINDOW
from limitproc.flow import late_rate, late_slope

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from tests.cases import CHAIN, REF3, SHARED, TWO_PHASE  # noqa: E402

FIGURE1 = os.path.join(HERE, "figure1.npz")


def row(cells):
    print("| " + " | ".join(cells) + " |")


def loss_curve():
    row(["problem", "μ ln(1/λ) at λ = 1e-8", "max \\|L_flow − L_predicted\\| / drop"])
    row(["---"] * 3)
    for name, case in [("two-phase (seed 000)", TWO_PHASE), ("SHARED", SHARED), ("CHAIN", CHAIN), ("REF3", REF3)]:
        problem = Problem(**case)
        process = limit_process(problem)
        prediction = finite_lambda(process, 1e-8)
        run = simulate_flow(problem, 1e-8, process=process)
        grid = np.linspace(0.0, run.t_max, 4001)
        _, _, h = run.sample(grid)
        drop = float(process.losses[0] - process.final.loss)
        error = float(np.abs(problem.loss(h) - prediction.loss(grid)).max()) / drop
        scale = "—" if not np.isfinite(prediction.margin_scale) else f"{prediction.margin_scale:.3g}"
        row([name, scale, f"{error:.1e}"])


def flow_ntk(run, fitted):
    """``K/n`` of the flow's final state on the fitted data (the Jacobian of h, spec §1)."""
    rho, U = run.log_norms[-1], run.directions[-1]
    sigma = np.exp(rho)[:, None] * np.maximum(U, 0.0)
    K = sigma.T @ sigma + np.diag((np.exp(2 * rho)[:, None] * (U > 0)).sum(axis=0))
    return np.linalg.eigvalsh(K[np.ix_(fitted, fitted)] / run.problem.n)


def ntk():
    problem = Problem(**REF3)
    process = limit_process(problem)
    fitted = np.concatenate([s.data for s in process.jumps])
    y = problem.y
    without = []
    for s in process.jumps:  # r (I + d dᵀ) per block, d = |y_I| / ||y_I||
        d = np.abs(y[s.data]) / np.linalg.norm(y[s.data])
        without += list(np.linalg.eigvalsh(float(s.rate) * (np.eye(s.data.size) + np.outer(d, d))))
    rows = [("flow at λ = 1e-4", flow_ntk(simulate_flow(problem, 1e-4, process=process), fitted)),
            ("flow at λ = 1e-8", flow_ntk(simulate_flow(problem, 1e-8, process=process), fitted)),
            ("predicted (`ntk_eigenvalues`)", np.asarray(finite_lambda(process, 1e-8).ntk_eigenvalues)),
            ("blocks without remnants", np.sort(without))]
    row(["REF3, K/n on the fitted data"] + [f"eigenvalue {k + 1}" for k in range(fitted.size)])
    row(["---"] * (fitted.size + 1))
    for name, values in rows:
        row([name] + [f"{v:.4f}" for v in np.sort(values)])


def two_phase_slopes():
    problem = Problem(**TWO_PHASE)
    process = limit_process(problem)
    y = problem.y
    D_minus = float(np.linalg.norm(y[y < 0])) / problem.n
    print(f"Two-phase case: ||D_−|| = {D_minus:.4f}, 2||D_−|| = {2 * D_minus:.4f}.")
    print()
    row(["λ", "level (of the drop)", "flow", "predicted (`slope`)"])
    row(["---"] * 4)
    for lam, levels in [(1e-4, (1e-8, 1e-12, 1e-16, 1e-20)), (1e-2, (1e-4, 1e-8, 1e-12))]:
        prediction = finite_lambda(process, lam)
        run = simulate_flow(problem, lam, process=process, t_max=prediction.times[-1] + 80)
        for level in levels:
            row([f"{lam:.0e}", f"{level:.0e}", f"{late_slope(run, process, level):.4f}",
                 f"{prediction.slope(level):.4f}"])


def ref3_rate():
    problem = Problem(**REF3)
    process = limit_process(problem)
    rows = []
    for rtol in (1e-10, 1e-12):
        run = simulate_flow(problem, 1e-4, process=process, rtol=rtol, atol=rtol / 100)
        rows.append((rtol, late_slope(run, process, 1e-12), late_rate(run, process)))
    window = f"{RATE_WINDOW[0]:.0e} to {RATE_WINDOW[1]:.0e}"
    row(["REF3 at λ = 1e-4, `rtol`", "local slope at 1e-12 of the drop", f"rate fitted from {window} of the drop"])
    row(["---"] * 3)
    for rtol, slope, rate in rows:
        row([f"{rtol:.0e}", f"{slope:.4f}", f"{rate:.6f}"])
    change = abs(rows[0][2] - rows[1][2]) / rows[1][2]
    print()
    print(f"Predicted rate (`FiniteLambdaPrediction.rate`): {finite_lambda(process, 1e-4).rate:.6f}.")
    print(f"Relative change of the fitted rate between the two tolerances: {change:.0e}.")


def figure1_offsets():
    problem = load_problem(FIGURE1)
    process = limit_process(problem)
    run = validate(problem, log_inv_lams=[300.0], process=process, rates=False).runs[0]
    transit = log_norm_offsets(process).jump_offsets
    first = log_norm_offsets(process, model="first-order").jump_offsets
    row(["`examples/figure1.npz`"] + [f"C_{k + 1}" for k in range(process.K)])
    row(["---"] * (process.K + 1))
    row(["flow at λ = e^-300"] + [f"{j.offset:.4f}" for j in run.jumps])
    row(["transit model (`log_norm_offsets`)"] + [f"{v:.4f}" for v in transit])
    row(["first-order model"] + [f"{v:.2f}" for v in first])


def remnants():
    problem = Problem(**REF3)
    process = limit_process(problem)
    first = float(process.jumps[0].tau)
    row(["REF3, λ", "components frozen after the first jump: (neuron, datum) at τ"])
    row(["---"] * 2)
    for lam in (1e-8, 1e-16, 1e-20, 1e-25, 1e-30):
        run = simulate_flow(problem, lam, process=process)
        late = [f"({j}, {i}) at {t / run.log_inv_lam:.2f}" for t, j, i in run.deactivations if t / run.log_inv_lam > first]
        row([f"{lam:.0e}", ", ".join(late) or "none"])


def timings():
    random = Problem(**sample_dataset(1000, 40, basis=True, seed=0))
    problems = [("CHAIN", Problem(**CHAIN)), ("`examples/figure1.npz`", load_problem(FIGURE1)),
                ("`sample_dataset(1000, 40, basis=True, seed=0)`", random)]
    row(["problem", "n", "m", "interactions", "offsets and times s", "loss model and rate s"])
    row(["---"] * 6)
    for name, problem in problems:
        process = limit_process(problem)
        start = time.perf_counter()
        prediction = finite_lambda(process, 1e-8)
        middle = time.perf_counter()
        prediction.rate  # builds the relaxation model
        end = time.perf_counter()
        row([name, str(problem.n), str(problem.m), str(len(process.interactions)), f"{middle - start:.2f}",
             f"{end - middle:.2f}"])


COMMANDS = {
    "loss-curve": loss_curve,
    "ntk": ntk,
    "two-phase-slopes": two_phase_slopes,
    "ref3-rate": ref3_rate,
    "figure1-offsets": figure1_offsets,
    "remnants": remnants,
    "timings": timings,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=sorted(COMMANDS))
    args = parser.parse_args(argv)
    COMMANDS[args.what]()


if __name__ == "__main__":
    main()
