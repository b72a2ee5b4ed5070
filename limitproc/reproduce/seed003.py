"""Seed 003 (Min, Mallada, Vidal, *Early neuron alignment in two-layer ReLU
networks with small initialization*, ICLR 2024): its orthogonal toy (App. A.3,
Fig. 9) and its alignment window (Lemmas 1, 3) on orthogonal problems.

Seed 003 studies classification with the exponential or logistic loss (a
*sum* over the data), unbalanced Gaussian initialization and gradient
descent; its Remark 4 allows the square loss, for which its time is ``1/n``
of spec §1's (seeds digest §0).  We run spec §1's flow: square loss,
balanced initialization.
"""

import math

import numpy as np

from ..bounds import alignment_window
from ..flow import simulate_flow
from ..problem import Problem
from ..process import limit_process
from ..process.directions import waiting_directions
from ._common import Counter, new_figure, save_figure
from .registry import Claim, Experiment, Reproduction, Status, compare, register

__all__ = ["toy_problem"]

PAPER = "003 Min, Mallada, Vidal"
CATEGORIES = ("x₊", "x₁", "x₂", "dead")


def toy_problem(m: int = 50, seed: int = 0) -> Problem:
    """Seed 003 App. A.3: ``x_1 = e_1``, ``x_2 = e_2``, ``y = (1, 1)``, ``h = 50``
    neurons; Gaussian directions and uniform output signs, balanced (the
    paper's ``v_j`` are ``N(0, α²)``, unbalanced).

    Parameters
    ----------
    m : int
        Width (the paper's ``h``).
    seed : int
        Seed of the draw.

    Returns
    -------
    Problem

    Examples
    --------
    >>> toy_problem()
    Problem(n=2, d=2, m=50, standard basis, labels +2/-0, neurons +26/-24)
    """
    rng = np.random.default_rng(seed)
    W0 = rng.standard_normal((m, 2))
    return Problem([1.0, 1.0], W0, signs=rng.choice([-1, 1], m))


def _category(u, tol=0.99):
    """Which of x₊, x₁, x₂ a unit direction (data basis, R²) points at, or dead."""
    if (u <= 0).all():
        return "dead"
    cosines = {"x₊": (u[0] + u[1]) / math.sqrt(2), "x₁": u[0], "x₂": u[1]}
    best = max(cosines, key=cosines.get)
    return best if cosines[best] >= tol else "other"


def _run_fig9(quick, progress, outdir):
    problem = toy_problem()
    process = limit_process(problem)
    lams = [1e-6] if quick else [1e-6, 1e-12, 1e-24]
    counter = Counter(progress, len(lams))
    tau1 = float(process.times[0])
    # the predicted direction s_j D_j^0/r_j^0 of every neuron (nan without data of its sign: dead)
    predicted_dirs = waiting_directions(process, 0.5 * tau1, basis="data")
    predicted = [_category(d) if np.isfinite(d).all() else "dead" for d in predicted_dirs]
    growers = sorted(j for s in process.jumps for j in (s.group or (s.neuron,)))
    rows = []
    for lam in lams:
        run = simulate_flow(problem, lam, process=process)
        L = run.log_inv_lam
        t_align = 0.8 * tau1 * L  # end of the alignment phase, before any neuron grows
        _, U, _ = run.sample([t_align])
        flow_categories = [_category(U[0, j]) for j in range(problem.m)]
        final = run.sq_norms[-1]
        grown = sorted(np.flatnonzero(final > 1e-3 * final.max()).tolist())
        shrunk = (run.log_norms[-1] < run.log_norms[0] - 5).tolist()  # norm divided by more than e^5
        rows.append({"lam": lam, "run": run, "categories": flow_categories, "grown": grown, "t_align": t_align,
                     "shrunk": shrunk})
        counter.step()
    best = rows[-1]
    positive = [j for j in range(problem.m) if problem.signs[j] > 0]

    def counts(categories, neurons):
        return {c: sum(categories[j] == c for j in neurons) for c in CATEGORIES + ("other",)}

    pred_counts = counts(predicted, positive)
    flow_counts = counts(best["categories"], positive)
    agree = sum(best["categories"][j] == predicted[j] for j in positive)
    negative = [j for j in range(problem.m) if problem.signs[j] < 0]
    dead = [j for j in negative if best["categories"][j] == "dead"]
    boundary = [j for j in negative if j not in dead]
    claims = [
        Claim("positive neurons end the alignment phase along x₁, x₂ or x₊, depending on the initialization "
              "(App. A.3, Fig. 9)", "x₁, x₂ or x₊ (no counts)",
              ", ".join(f"{c}: {pred_counts[c]}" for c in CATEGORIES),
              ", ".join(f"{c}: {flow_counts[c]}" for c in CATEGORIES + ("other",)),
              "reproduced" if agree == len(positive) else f"differs: {len(positive) - agree} neurons classified otherwise",
              f"each neuron's flow direction at 0.8 τ₁ ln(1/λ) within cos 0.99 of the predicted one "
              f"(limitproc.process.directions), λ = {best['lam']:g}"),
        Claim("only the neurons aligned with x₊ grow and fit the data", "only x₊-aligned neurons grow",
              f"neurons {growers} (the jumping group, all x₊)", f"neurons {best['grown']} grow",
              "reproduced" if best["grown"] == growers and all(predicted[j] == "x₊" for j in growers) else "differs",
              "final ‖w_j‖² above 1e-3 of the largest"),
        Claim("negative neurons (no negative data) end in S_dead", "S_dead",
              f"{len(negative)} negative neurons, none grows",
              f"{len(dead)} in S_dead; {len(boundary)} keep one positive component (along x₁ or x₂) while their "
              f"norm vanishes ({sum(best['shrunk'][j] for j in boundary)} shrunk by more than e^5)",
              "reproduced" if not boundary else f"differs: {len(boundary)} neurons stay on the boundary of S_dead",
              "direction at the end of alignment; see the notes for why the flow leaves some on the boundary"),
        Claim("fewer neurons grow than with μ > 0 (A.2, where all non-dead positive neurons reach S₊)",
              "clearly fewer", f"{len(growers)} of {sum(1 for j in positive if predicted[j] != 'dead')} non-dead "
              "positive neurons", f"{len(best['grown'])} grow", "reproduced" if len(best["grown"]) <
              sum(1 for j in positive if predicted[j] != "dead") else "differs", "count"),
    ]
    figure, axes = new_figure(3, size=(13.0, 4.4))
    run = best["run"]
    times = [0.0, best["t_align"], run.t_max]
    titles = ["initialization", "end of alignment (0.8 τ₁ ln(1/λ))", "end of training"]
    rho, U, _ = run.sample(times)
    colors = {"x₊": "C0", "x₁": "C1", "x₂": "C2", "dead": "0.6", "other": "C3"}
    for ax, r, u, title in zip(axes, rho, U, titles):
        scale = (r - r.min()) / max(np.ptp(r), 1e-12)
        radius = 0.3 + 0.7 * scale  # log-norm rank as length
        for j in range(problem.m):
            color = colors[predicted[j]] if problem.signs[j] > 0 else "0.6"
            ax.plot([0, radius[j] * u[j, 0]], [0, radius[j] * u[j, 1]], color=color,
                    ls="-" if problem.signs[j] > 0 else ":", lw=1)
        for point, label in (((1, 0), "x₁"), ((0, 1), "x₂"), ((1 / math.sqrt(2), 1 / math.sqrt(2)), "x₊")):
            ax.plot(*point, "k*", ms=10)
            ax.annotate(label, point, fontsize=9)
        ax.set_xlim(-1.1, 1.1)
        ax.set_ylim(-1.1, 1.1)
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=9)
    figure.suptitle(f"Seed 003 Fig. 9 setting (x₁ ⊥ x₂, y = +1, h = 50), flow at λ = {best['lam']:g}: color = "
                    "predicted direction (blue x₊, orange x₁, green x₂, grey dead/negative); length ∝ log-norm rank",
                    fontsize=9)
    path = save_figure(figure, outdir, "seed003-fig9")
    return Reproduction(
        name="seed003-fig9", title="orthogonal toy: neurons align with x₁, x₂ or x₊; only x₊ ones grow",
        quick=quick, parameters={"m": problem.m, "lambda": lams, "seed": 0},
        claims=tuple(claims), figure=path, seconds=0.0,
        notes=("Square loss, balanced initialization and gradient flow instead of seed 003's classification loss, "
               "unbalanced N(0, α²) weights (α = 1e-6) and gradient descent with step 2e-3.",
               "Predicted directions: s_j D_j^0/r_j^0 of the neuron's initially active data of its sign (spec §2; "
               "seeds digest §5 F9).",
               "A negative neuron active on both data rotates away from them until one component reaches 0 and "
               "freezes (σ'(0) = 0); in R² it is then ±x_i, a fixed point of the tangential flow, and only its norm "
               "decays, like e^{−y_i t/n}. Gradient descent with a finite step jumps across the boundary into "
               "S_dead, as in the paper's figure; the function is the same (the neuron's output vanishes)."),
        data={"predicted": predicted, "flow": {f"{r['lam']:g}": r["categories"] for r in rows},
              "growers": growers, "grown": {f"{r['lam']:g}": r["grown"] for r in rows}},
    )


register(Experiment(
    name="seed003-fig9", paper=PAPER, figure="Fig. 9 (App. A.3)",
    title="orthogonal data: positive neurons align with x₁, x₂ or x₊, and only those along x₊ grow",
    parameters={"x": "e₁, e₂", "y": "+1, +1", "h": 50, "init": "W, v ~ N(0, α²), α = 1e-6", "training": "GD, 2e-3"},
    quick={"lambda": [1e-6]}, full={"lambda": [1e-6, 1e-12, 1e-24]},
    seconds="full 2–3 s, quick 1.0 s (measured, 2 shared cores)", runner=_run_fig9,
))


# -- Lemmas 1/3: the alignment window --------------------------------------------------------------


def _direction_error(run, problem, times):
    """``max_j ||dū_j/dt − s_j P_{ū_j} D_a(ū_j)||`` over ``times``, exactly.

    The flow's tangential velocity is ``s_j P_{ū_j} D_j`` with
    ``D_j = −(1/n) Σ_{active} (h_i − y_i) x_i`` (seed 000 eq. 9), and seed 003's
    approximation is the same with ``h ≡ 0`` (``D_a = x_a/n``, its eq. (4)), so
    the error is ``||P_{ū_j} (1/n) Σ_{active} h_i x_i||``, evaluated on the dense
    output (data basis)."""
    _, U, h = run.sample(times)
    worst = 0.0
    for u, out in zip(U, h):
        v = np.where(u > 0, out[None, :], 0.0) / problem.n  # (m, n): (1/n) h on each neuron's active data
        tangential = v - (v * u).sum(axis=1)[:, None] * u
        worst = max(worst, float(np.linalg.norm(tangential, axis=1).max()))
    return worst


def _run_alignment(quick, progress, outdir):
    from .seed002 import figure1_problem

    cases = [("Fig. 9 toy (h = 50, y = +1)", toy_problem(), 1e-6)]
    if not quick:
        cases += [("Fig. 9 toy", toy_problem(), 1e-12),
                  ("seed 002 Fig. 1 problem (labels |N(0,1)|)", figure1_problem(), 1e-60)]
    counter = Counter(progress, len(cases))
    claims, rows = [], []
    for name, problem, lam in cases:
        process = limit_process(problem)
        window = alignment_window(problem, lam, process=process, corrected=True)
        run = simulate_flow(problem, lam, process=process)
        inside = np.linspace(0.0, window.T, 200)
        rho, U, h = run.sample(inside)
        norm_sq = float(np.exp(2 * rho).max())
        output = float(np.abs(h).max())
        error = _direction_error(run, problem, inside)
        rows.append({"case": name, "lam": lam, "T": window.T, "T_paper": window.T_paper,
                     "first_jump": window.first_jump, "first_jump_corrected": window.first_jump_corrected,
                     "norm_sq": norm_sq, "norm_sq_bound": window.norm_sq_max, "output": output,
                     "output_bound": window.output_max, "direction_error": error,
                     "direction_bound": window.direction_error, "labels_covered": window.labels_covered,
                     "eps_admissible": window.eps_admissible})
        covered = "" if window.labels_covered else " (max|y| > 1: outside the lemma's proof)"
        claims += [
            Claim(f"{name}, λ = {lam:g}: window T = (1/(4nX_max)) log(1/(√h ε)) (Lemmas 1, 3) vs our first jump",
                  f"T = {window.T_paper:.4g} (seed 003 time)", f"first jump τ₁ ln(1/λ) = {window.first_jump:.4g}, "
                  f"corrected {window.first_jump_corrected:.4g}", f"T = {window.T:.4g} in spec time (× n)",
                  "reproduced" if window.T < window.first_jump_corrected else "differs: the window reaches the jump",
                  f"the guaranteed small-norm phase must end before the first jump; T/τ₁ln(1/λ) = {window.ratio:.3f}"),
            compare(f"{name}, λ = {lam:g}: max ‖w_j‖² on [0, T] ≤ 2εW_max²/√h{covered}",
                    f"≤ {window.norm_sq_max:.3g}", "—", norm_sq, ours=norm_sq / window.norm_sq_max, reference=0.0,
                    atol=1.0, why="measured/bound ≤ 1 (the table's 'differs by' is that ratio)"),
            compare(f"{name}, λ = {lam:g}: max |h(x_i)| on [0, T] ≤ 2ε√h X_max W_max²{covered}",
                    f"≤ {window.output_max:.3g}", "—", output, ours=output / window.output_max, reference=0.0,
                    atol=1.0, why="measured/bound ≤ 1"),
            compare(f"{name}, λ = {lam:g}: direction error on [0, T] ≤ 4ε√h X_max² W_max² (spec time){covered}",
                    f"≤ {window.direction_error:.3g}", "—", error, ours=error / window.direction_error,
                    reference=0.0, atol=1.0,
                    why="measured/bound ≤ 1; the error is ||P (1/n) Σ_active h_i x_i||, exact on the flow's state"),
        ]
        counter.step()
    figure, axes = new_figure(1, size=(8.5, 4.3))
    ax = axes[0]
    for i, (r, (name, problem, lam)) in enumerate(zip(rows, cases)):
        ax.barh(i, r["first_jump_corrected"], color="C1", alpha=0.5, label="first jump (finite λ)" if i == 0 else None)
        ax.barh(i, r["T"], color="C0", label="seed 003 window T (spec time)" if i == 0 else None)
        ax.text(r["T"], i, f"  T/t₁ = {r['T'] / r['first_jump_corrected']:.2f}", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), [f"{c[0]}, λ = {c[2]:g}" for c in cases], fontsize=8)
    ax.set_xlabel("t (spec §1 time)")
    ax.set_title("Seed 003 Lemmas 1/3: guaranteed small-norm phase vs the first jump", fontsize=10)
    ax.legend(fontsize=8)
    path = save_figure(figure, outdir, "seed003-alignment")
    return Reproduction(
        name="seed003-alignment", title="the alignment window of Lemmas 1/3 beside the first jump", quick=quick,
        parameters={"cases": [(c[0], c[2]) for c in cases]}, claims=tuple(claims), figure=path, seconds=0.0,
        notes=("Seed 003's time is 1/n of spec §1's (its loss is a sum, Remark 4's square loss): T is multiplied by "
               "n and the direction error divided by n (limitproc.bounds.alignment).",
               "The lemma's proof uses |y_i| ≤ 1; the seed 002 problem has larger labels, flagged in the claims.",
               "The statement prints log(1/√(hε)); the proof closes with log(1/(√h ε)), used here."),
        data={"rows": rows},
    )


register(Experiment(
    name="seed003-alignment", paper=PAPER, figure="Lemmas 1 and 3 (§3.3, App. B)",
    title="guaranteed alignment window T and its norm, output and direction bounds, beside the first jump",
    parameters={"T": "(1/(4 n X_max)) log(1/(√h ε))", "eps": "≤ 1/(4 √h X_max W_max²)"},
    quick={"cases": "Fig. 9 toy at λ = 1e-6"},
    full={"cases": "Fig. 9 toy at 1e-6 and 1e-12; seed 002 Fig. 1 problem at 1e-60"},
    seconds="full 2–5 s, quick 0.3 s (measured, 2 shared cores)", runner=_run_alignment,
))

for _name, _figure, _title, _reason in (
    ("seed003-fig5", "Fig. 5 (§4, MNIST 0 vs 1)", "MNIST digits 0/1: alignment, then growth, stable rank near 1",
     "MNIST inputs are not orthogonal and the loss is a classification loss: outside limitproc's theory"),
    ("seed003-fig6", "Fig. 6 (App. A.1)", "2-D toy with positively correlated data: two sharp loss drops",
     "the toy's inputs are well separated, not orthogonal (μ > 0): outside limitproc's theory"),
    ("seed003-fig7-8", "Figs. 7–8 (App. A.2)", "x₂ = (sin μ, cos μ): alignment slows down as μ → 0",
     "the inputs are not orthogonal (μ = sin 0.1, sin 0.001); the μ → 0 end is seed003-fig9"),
    ("seed003-fig10-13", "Figs. 10–13 (App. A.4–A.5)", "MNIST 3/8, 1/7 and SGD: two phases only if both layers train",
     "MNIST, SGD and training only the first layer are outside limitproc's theory and simulator"),
):
    register(Experiment(name=_name, paper=PAPER, figure=_figure, title=_title,
                        parameters={"loss": "exponential / logistic (sum)", "init": "N(0, α²), α = 1e-6"},
                        status=Status.OUT_OF_SCOPE, reason=_reason))

del _name, _figure, _title, _reason
