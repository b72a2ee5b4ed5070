"""Seed 000's worked example (E1, its Figures 2–3): predicted iterations against
the paper's landmarks, the simulated flow and plain gradient descent.

Data: ``x_1 = (−0.5, 1)``, ``y_1 = −1`` and ``x_2 = (2, 1)``, ``y_2 = +1`` (a 1-D
input and a bias coordinate: orthogonal, norms √1.25 and √5); width 60;
``w_j(0) ~ N(0, λ² I_2)`` with ``λ = 1e-6/√60``, ``a_j(0) = s_j ||w_j(0)||``;
gradient descent with step 1e-3 on ``MSELoss(mean) = 2L``, so one iteration is
``2e-3`` of gradient-flow time (seeds digest §0).

Prediction (docs/general-inputs.md §5): the rate of the group fitting datum
``i`` alone is ``r_i = |y_i| ||x_i|| / n`` (so the positive point, of norm √5,
goes first: ``τ_+ = 1/r_+ = 0.894``, ``τ_− = 1.789``); its squared norm
grows as the logistic ``du/dt = 2 r u (1 − u/u_∞)`` to ``u_∞ = |y_i| / ||x_i||``,
so its half-fit time is ``t = τ ln(1/λ) + C`` with
``2 r C = ln u_∞ − ln Σ_g e^{2κ_g}``, ``κ_g`` the log-amplitude of the growing
mode of each neuron of the group after its initial transient
(:func:`limitproc.problem.balance.initial_transient`).  Normalizing the rows
and rescaling the labels (the old advice) would give the unit-norm problem
with labels ``y_i/||x_i||`` = (−0.894, 0.447): rates 0.447 and 0.224, the
negative point first, which is wrong.

Run ``python examples/seed000_e1.py --seeds 10 --table`` for the table of
docs/general-inputs.md §5 (about a minute).
"""

import argparse
import sys
import time

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit, logsumexp

from limitproc import Problem
from limitproc.flow import simulate_flow
from limitproc.problem.balance import initial_transient

X = np.array([[-0.5, 1.0], [2.0, 1.0]])
Y = np.array([-1.0, 1.0])
WIDTH = 60
LAM = 1e-6 / np.sqrt(WIDTH)
STEP = 1e-3  # SGD learning rate on MSELoss(mean) = 2L
FLOW_PER_ITERATION = 2 * STEP
ITERATIONS = 20_000


def draw(seed):
    """Seed 000 eq. 4 at the paper's scale: ``W0 ~ N(0, I)`` (λ factored out), balanced signs."""
    rng = np.random.default_rng(seed)
    W0 = rng.standard_normal((WIDTH, 2))
    signs = rng.choice([-1.0, 1.0], WIDTH)
    return Problem(Y, W0, a0=signs * np.linalg.norm(W0, axis=1), X=X)


def predicted_iterations(problem, lam=LAM):
    """Leading ``τ_i ln(1/λ)`` and corrected half-fit iterations per datum."""
    n, c, y = problem.n, problem.input_norms, problem.y
    g = y * c / n
    coordinates = problem.data_coordinates() * problem.init_norms[:, None]  # <W0_j, x_i>/||x_i||
    columns = problem.effective_activity()
    L = np.log(1 / lam)
    out = {}
    for i in range(n):
        rate = abs(y[i]) * c[i] / n
        group = np.flatnonzero(columns[:, i])
        kappa = [initial_transient(problem.output_weights[j], coordinates[j], g).log_amplitude for j in group]
        offset = (np.log(abs(y[i]) / c[i]) - logsumexp(2 * np.array(kappa))) / (2 * rate)
        out[i] = (L / rate / FLOW_PER_ITERATION, (L / rate + offset) / FLOW_PER_ITERATION)
    return out


def predicted_landmarks(problem, iterations, levels=(0.9, 0.4)):
    """Iterations at which the predicted ``2L = (1/n) Σ_i y_i² (1 − q_i)²``
    falls below each level, with ``q_i = h(x_i)/y_i`` the logistic of rate
    ``2 r_i`` through 1/2 at the corrected half-fit iteration."""
    n, c, y = problem.n, problem.input_norms, problem.y
    rates = np.abs(y) * c / n * FLOW_PER_ITERATION  # per iteration

    def loss2(k):
        q = expit(2 * rates * (k - iterations))
        return float((y**2 * (1 - q) ** 2).sum() / n)

    return [brentq(lambda k: loss2(k) - level, 0.0, 3 * ITERATIONS) for level in levels]


def gradient_descent(problem, lam=LAM, iterations=ITERATIONS):
    """Float64 gradient descent on ``MSELoss(mean)`` (step ``STEP``) in input
    coordinates: the first iteration at which ``h(x_i)/y_i ≥ 1/2`` for each
    datum, and the first at which ``2L`` falls below 0.9 and 0.4 (the
    digest's reading of "leaves the saddle")."""
    W = lam * problem.directions * problem.init_norms[:, None]
    a = lam * problem.output_weights
    half = np.full(problem.n, -1)
    landmarks = [-1, -1]
    for k in range(iterations + 1):
        pre = W @ X.T
        act = np.maximum(pre, 0.0)
        h = a @ act
        r = h - Y
        fit = (h / Y >= 0.5) & (half < 0)
        half[fit] = k
        loss2 = float(r @ r) / problem.n  # MSELoss(mean) = 2L
        for slot, level in enumerate((0.9, 0.4)):
            if landmarks[slot] < 0 and loss2 < level:
                landmarks[slot] = k
        if (half >= 0).all() and min(landmarks) >= 0:
            break
        # torch: d MSE(mean)/dθ = 2 ∇L; SGD step lr
        grad_a = 2 * act @ r / problem.n
        grad_W = 2 * (a[:, None] * ((pre > 0) * r)) @ X / problem.n
        a, W = a - STEP * grad_a, W - STEP * grad_W
    return half, landmarks


def flow_iterations(problem, lam=LAM):
    """Half-fit iterations of the simulated gradient flow (same initialization)."""
    run = simulate_flow(problem, lam, t_max=ITERATIONS * FLOW_PER_ITERATION)
    return run.fit_times() / FLOW_PER_ITERATION


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--table", action="store_true", help="print the markdown table of docs/general-inputs.md §5")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = []
    for seed in range(args.seeds):
        p = draw(seed)
        pred = predicted_iterations(p)
        gd, landmarks = gradient_descent(p)
        flow = flow_iterations(p)
        marks = predicted_landmarks(p, np.array([pred[i][1] for i in range(p.n)]))
        rows.append((seed, pred, flow, gd, landmarks, marks))
    p = draw(0)
    rates = np.abs(p.y) * p.input_norms / p.n
    normalized = np.abs(p.y) / p.input_norms / p.n
    print(f"r_+ = {rates[1]:.4g}, r_− = {rates[0]:.4g}: τ_+ = {1 / rates[1]:.4g}, τ_− = {1 / rates[0]:.4g} at "
          f"ln(1/λ) = {np.log(1 / LAM):.5g}; final ‖θ‖² = {2 * (np.abs(p.y) / p.input_norms).sum():.4g}; "
          f"normalized rows with labels y/c: rates {normalized[1]:.4g} (+) and {normalized[0]:.4g} (−)\n")
    if args.table:
        print("| seed | + leading | + corrected | + flow | + GD | − leading | − corrected | − flow | − GD "
              "| 2L < 0.9 predicted / GD | 2L < 0.4 predicted / GD |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
    for seed, pred, flow, gd, landmarks, marks in rows:
        cells = [seed]
        for i in (1, 0):  # the positive point first
            cells += [f"{pred[i][0]:.0f}", f"{pred[i][1]:.0f}", f"{flow[i]:.0f}", f"{gd[i]}"]
        cells += [f"{mark:.0f} / {landmark}" for mark, landmark in zip(marks, landmarks)]
        print("| " + " | ".join(map(str, cells)) + " |" if args.table else cells)
    errors = np.array([[pred[i][1] - gd[i] for i in (1, 0)] for _, pred, _, gd, _, _ in rows])
    flow_errors = np.array([[flow[i] - gd[i] for i in (1, 0)] for _, _, flow, gd, _, _ in rows])
    print(f"\ncorrected − GD (iterations): +: {errors[:, 0].min():.0f} to {errors[:, 0].max():.0f}, "
          f"−: {errors[:, 1].min():.0f} to {errors[:, 1].max():.0f}; flow − GD: "
          f"{flow_errors.min():.1f} to {flow_errors.max():.1f}")
    print(f"{time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
