"""Seed 002 (*Mildly overparameterized ReLU networks on orthogonal data:
incremental learning and implicit bias*), Appendix A: Figures 1, 3, 4, 5, 6.

The paper trains with gradient descent; its initialization scale, its loss
constant and several widths were lost in the conversion to text (spec
preamble).  We run the limit process of Algorithm 1 (λ → 0) and the gradient
flow of spec §1 at finite λ (:func:`limitproc.flow.simulate_flow`).  Time
conversion: with the loss of spec §1 one step of learning rate ``η`` is a time
``η``; if the paper's MSE is the mean without ½ (PyTorch's default), it is
``2η`` (seeds digest §0).
"""

import math

import numpy as np

from ..flow import FIT_FRACTION, default_t_max, simulate_flow, validate
from ..flow.gd import default_gd_steps, flow_time_step, simulate_gd
from ..problem import Problem, random_orthonormal
from ..process import limit_process, min_norm_sq
from ..process.directions import direction_plateaus, waiting_directions
from ..studies import loglog_fit, sample_problem, sweep
from ._common import Counter, fmt, fmt_list, new_figure, save_figure, slope_text
from .registry import Claim, Experiment, Reproduction, Status, compare, register

__all__ = ["figure1_problem", "he_initialization", "lazy_sq_norm"]

PAPER = "002 Mildly overparameterized ReLU networks on orthogonal data"
LR_FIG1 = 0.01  # seed 002 App. A.1


def figure1_problem() -> Problem:
    """The Figure 1 setup of seed 002 App. A.1, as ``examples/figure1.npz``:
    64 Haar-random orthonormal points in R^64, labels |N(0, 1)|, six positive
    neurons with uniform directions (seed 68 of ``examples/make_figure1_data.py``:
    the first seed where all six neurons jump and μ ≥ 0.04).

    Returns
    -------
    Problem

    Examples
    --------
    >>> from limitproc import limit_process
    >>> p = figure1_problem()
    >>> p, limit_process(p).K
    (Problem(n=64, d=64, m=6, X 64×64, labels +64/-0, neurons +6/-0), 6)
    """
    rng = np.random.default_rng(68)
    X = random_orthonormal(64, 64, rng)
    y = np.abs(rng.standard_normal(64))
    W0 = rng.standard_normal((6, 64))
    W0 /= np.linalg.norm(W0, axis=1, keepdims=True)
    return Problem(y, W0, signs=np.ones(6, dtype=np.int8), X=X)


def _lam_text(L):
    lam = math.exp(-L)
    return f"{lam:.0e}" if lam > 1e-300 else f"e^-{L:g}"


# -- Figure 1: incremental learning ----------------------------------------------------------


def _run_fig1(quick, progress, outdir):
    problem = figure1_problem()
    process = limit_process(problem)
    lams = [1e-60] if quick else [1e-8, 1e-30, 1e-60, 1e-100]
    counter = Counter(progress, len(lams))
    report = validate(problem, lams, process=process, progress=lambda i, total: counter.step(), rates=False)
    best = report.runs[-1]
    margin = float(process.resolution_margin.value)
    resolved = [r for r in report.runs if r.resolved]
    counts = [len(s.data) for s in process.jumps]
    claims = [
        Claim("Fig. 1 / Thm. 2: plateaus and abrupt drops, one new neuron per drop",
              "6 neurons, loss drops (count not stated)", f"K = {process.K} jumps by neurons "
              f"{[s.neuron for s in process.jumps]}",
              "; ".join(f"λ = {_lam_text(r.log_inv_lam)}: {r.verdict.name.lower().replace('_', ' ')}"
                        for r in report.runs),
              "reproduced" if resolved and all(r.verdict.name == "MATCH" for r in resolved)
              else "differs: a resolved run does not match",
              f"every run with μ ln(1/λ) ≥ 5 (μ = {margin:.3g}, spec §8) must fit the predicted data with the "
              "predicted neurons"),
        Claim("data fitted at each drop (a datum is fitted at h ≥ 50% of its label, App. A.1)",
              "threshold 50%", fmt_list(counts, 3), fmt_list([len(j.flow_data) for j in best.jumps], 3),
              "reproduced" if all(j.matches for j in best.jumps) else "differs",
              f"same sets at λ = {_lam_text(best.log_inv_lam)}"),
        compare(f"plateau losses L(θ_k) (spec §3) at λ = {_lam_text(best.log_inv_lam)}", "—",
                fmt_list(process.losses), max(p.loss_error for p in best.plateaus),
                ours=max(p.loss_error for p in best.plateaus), reference=0.0,
                atol=0.01 * float(process.losses[0]),
                why="sup |L − L(θ_k)| on the middle half of each plateau, within 1% of L(θ_0); it shrinks like λ^μ"),
        Claim(f"jump times τ_k (accelerated) at λ = {_lam_text(best.log_inv_lam)}", "— (λ stripped)",
              fmt_list(process.times), fmt_list([j.t_flow / best.log_inv_lam for j in best.jumps]),
              "reproduced" if best.within_bounds else "differs beyond the offset bounds B_k",
              "|t̂_k/ln(1/λ) − τ_k| ≤ B_k/ln(1/λ), B_k the derived offset bound (docs/validation.md)"),
        compare(f"final ||θ||² at λ = {_lam_text(best.log_inv_lam)}", "—", float(process.final.sq_norm),
                best.sq_norm, rtol=1e-2, why="the flow's interpolator against ||θ_K||²"),
    ]
    figure, axes = new_figure(2, size=(12.0, 4.2))
    taus = np.linspace(0, 1.15 * process.times[-1], 1200)
    for r in report.runs:
        run = r.run
        axes[0].plot(run.tau, run.loss, label=f"flow λ = {_lam_text(r.log_inv_lam)}")
        fitted = run.fitted.sum(axis=1)
        axes[1].plot(run.tau, fitted, label=f"flow λ = {_lam_text(r.log_inv_lam)}")
    axes[0].step(np.concatenate([[0], process.times]), process.losses, where="post", color="k", ls="--",
                 label="limit process L(θ_k)")
    axes[1].step(np.concatenate([[0], process.times]), np.cumsum([0] + counts), where="post", color="k", ls="--",
                 label="limit process")
    for ax in axes:
        ax.set_xlim(0, taus[-1])
        ax.set_xlabel("τ = t / ln(1/λ)")
        for t in process.times:
            ax.axvline(t, color="grey", lw=0.5, ls=":")
        ax.legend(fontsize=8)
    axes[0].set_ylabel("training loss")
    axes[0].set_title("Seed 002 Fig. 1 setup: n = 64, m = 6, labels |N(0,1)|")
    axes[1].set_ylabel(f"data fitted (h ≥ {FIT_FRACTION:.0%} of y)")
    axes[1].set_title("one neuron per drop")
    path = save_figure(figure, outdir, "seed002-fig1")
    return Reproduction(
        name="seed002-fig1", title="incremental learning: plateaus and drops, one neuron per drop", quick=quick,
        parameters={"problem": "figure1_problem() (examples/figure1.npz)", "lambda": lams},
        claims=tuple(claims), figure=path, seconds=0.0,
        notes=("Gradient flow instead of gradient descent with learning rate 0.01; the paper's λ and loss "
               "threshold were lost in conversion.",
               "Our draw of the data and initialization (seed 68), not the paper's.",
               f"Resolution margin μ = {margin:.4g}: λ ≤ {process.resolution_margin.largest_lambda():.1e} is "
               "needed for the fitted sets to match (spec §8); larger λ share the fit between neighbours."),
        data={"validation": report.to_dict()},
    )


register(Experiment(
    name="seed002-fig1", paper=PAPER, figure="Fig. 1 (App. A.1)",
    title="incremental learning: the loss alternates plateaus and drops, one new neuron per drop",
    parameters={"n": 64, "d": 64, "m": 6, "labels": "|N(0,1)|", "training": "full-batch GD, lr 0.01",
                "init": "random directions, norm stripped; log-scale trick", "fitted": "h ≥ 50% of the label"},
    quick={"lambda": [1e-60]}, full={"lambda": [1e-8, 1e-30, 1e-60, 1e-100]},
    seconds="full 3 s, quick 1.7 s (measured, 2 shared cores)", runner=_run_fig1,
))


# -- Figure 3: log-norms are piecewise linear with decreasing slopes ----------------------------


def _plateau_rates(process):
    """``{(k, j): r_j^k}`` for every plateau ``k`` and neuron ``j`` with data of its sign."""
    problem = process.problem
    y = np.asarray(problem.y, dtype=float)
    times = [0.0] + [float(t) for t in process.times]
    rates = {}
    for j in range(problem.m):
        plateaus = direction_plateaus(process, j)
        if not plateaus:
            continue
        jumped = [p[0] for p in plateaus if p[2]]
        for k, start in enumerate(times):
            if jumped and start >= jumped[0]:
                break
            data = [p[1] for p in plateaus if p[0] <= start][-1]
            unfitted = np.ones(problem.n, dtype=bool)
            for s in process.jumps[:k]:
                unfitted[s.data] = False
            data = data[unfitted[data]]
            rates[(k, j)] = float(np.sqrt((y[data] ** 2).sum()) / problem.n)
    return rates


def _slope(run, j, lo, hi, samples=64):
    times = np.linspace(lo, hi, samples)
    rho, _, _ = run.sample(times)
    return float(np.polyfit(times, rho[:, j], 1)[0])


def _run_fig3(quick, progress, outdir):
    problem = figure1_problem()
    process = limit_process(problem)
    scales = [500.0] if quick else [math.log(1e30), math.log(1e100), 500.0, 2000.0]  # ln(1/λ)
    counter = Counter(progress, len(scales))
    runs = []
    for L in scales:
        runs.append(simulate_flow(problem, log_inv_lam=L, process=process))
        counter.step()
    rates = _plateau_rates(process)
    times = [0.0] + [float(t) for t in process.times]
    results = []
    for run in runs:
        L = run.log_inv_lam
        errors, decreasing = [], True
        for (k, j), rate in rates.items():
            end = times[k + 1] if k + 1 < len(times) else 1.25 * times[-1]
            width = end - times[k]
            slope = _slope(run, j, (times[k] + width / 4) * L, (times[k] + 3 * width / 4) * L)
            errors.append((k, j, rate, slope))
        for j in range(problem.m):
            mine = sorted((k, s) for k, jj, r, s in errors if jj == j)
            measured = [s for _, s in mine]
            decreasing &= all(b <= a * (1 + 0.02) + 1e-9 for a, b in zip(measured, measured[1:]))
        worst = max(abs(s - r) / r for k, j, r, s in errors if r > 0)
        results.append((run, errors, worst, decreasing))
    best_run, best_errors, best_worst, best_decreasing = results[-1]
    claims = [
        compare(f"slope of ln||w_j|| between jumps = r_j^k (App. A.2, Fig. 3), worst of {len(best_errors)} "
                f"(neuron, plateau) pairs at λ = {_lam_text(best_run.log_inv_lam)}",
                "∝ [stripped] (predicted by Algorithm 1)", "r_j^k = ||D_j^k||", best_worst, ours=best_worst,
                reference=0.0, atol=0.02,
                why="relative error; slopes fitted on the middle half of each plateau (64 dense samples); the "
                    "alignment transient and the λ^{1−e} remnants are below 2% there"),
        Claim("slopes decrease at every jump that fits some of the neuron's data (memory across saddles)",
              "piecewise linear, decreasing slopes", "non-increasing r_j^k", "non-increasing" if best_decreasing
              else "some slope increases", "reproduced" if best_decreasing else "differs",
              "each measured slope ≤ the previous one (2% slack)"),
        Claim("relative slope error by λ (→ 0 as λ → 0)", "—", "0",
              ", ".join(f"{_lam_text(r.log_inv_lam)}: {fmt(w, 2)}" for r, _, w, _ in results),
              "reproduced" if all(a[2] >= b[2] * 0.999 for a, b in zip(results, results[1:])) or len(results) == 1
              else "differs: not decreasing in λ", "monotone in λ"),
    ]
    figure, axes = new_figure(1, size=(9.0, 4.5))
    ax = axes[0]
    taus = np.linspace(1e-6, 1.25 * times[-1], 600)
    exponents = np.array([process.exponents(t) for t in taus])
    for j in range(problem.m):
        color = f"C{j}"
        ax.plot(best_run.tau, best_run.scaled_log_norms[:, j], color=color, label=f"neuron {j}")
        ax.plot(taus, -exponents[:, j] + math.log(problem.init_norms[j]) / best_run.log_inv_lam, color=color,
                ls="--", lw=1)
    for t in process.times:
        ax.axvline(t, color="grey", lw=0.5, ls=":")
    ax.set_xlabel("τ = t / ln(1/λ)")
    ax.set_ylabel("ln ||w_j|| / ln(1/λ)")
    ax.set_title(f"Seed 002 Fig. 3 setup: log-norms (flow at λ = {_lam_text(best_run.log_inv_lam)}) and "
                 "−e_j(τ) of Algorithm 1 (dashed)", fontsize=9)
    ax.legend(fontsize=8, ncol=2)
    path = save_figure(figure, outdir, "seed002-fig3")
    return Reproduction(
        name="seed002-fig3", title="log-norms piecewise linear with decreasing slopes r_j^k", quick=quick,
        parameters={"problem": "figure1_problem()", "log_inv_lambda": scales}, claims=tuple(claims), figure=path,
        seconds=0.0,
        notes=("The paper's proportionality constant was lost in conversion; in t the slope of ln||w_j|| is "
               "r_j^k exactly (spec §2), i.e. r_j^k ln(1/λ) per unit of τ.",),
        data={"slopes": [{"k": k, "neuron": j, "predicted": r, "measured": s} for k, j, r, s in best_errors]},
    )


register(Experiment(
    name="seed002-fig3", paper=PAPER, figure="Fig. 3 (App. A.2)",
    title="log-norms are piecewise linear; slopes r_j^k drop at jumps (memory across saddles)",
    parameters={"as": "Fig. 1", "reported": "slopes and jump times predicted by Algorithm 1"},
    quick={"lambda": "e^-500"}, full={"lambda": ["1e-30", "1e-100", "e^-500", "e^-2000"]},
    seconds="full 6–7 s, quick 2.2 s (measured, 2 shared cores)", runner=_run_fig3,
))


# -- Figure 4: waiting neurons turn towards their new direction after a jump ---------------------

#: Paper panels (c)–(f) at epochs 506k, 508k, 510k, 538k around τ_1 ≈ 507k, learning rate 0.01.
PANEL_EPOCHS = (-1_000, 1_000, 3_000, 31_000)


def _run_fig4(quick, progress, outdir):
    problem = figure1_problem()
    process = limit_process(problem)
    tau1 = float(process.times[0])
    paper_t1 = 507_000 * LR_FIG1
    # λ putting the first jump τ_1 ln(1/λ) at the paper's t = 5070 (epoch 507,000 at lr 0.01): then the
    # paper's panel offsets (up to +31,000 epochs) fall before our second jump, as in the paper
    L = paper_t1 / tau1
    counter = Counter(progress, 2)
    run = simulate_flow(problem, log_inv_lam=L, process=process)
    counter.step()
    first = process.jumps[0]
    group = list(first.group) or [first.neuron]
    t_hat = run.growth_time(group, float(first.rate) * problem.n / 2)
    before = waiting_directions(process, 0.5 * tau1, basis="data")
    after = waiting_directions(process, tau1 + 1e-9, basis="data")
    changed = [j for j in range(problem.m)
               if j not in group and np.isfinite(before[j, 0]) and before[j] @ after[j] < 1 - 1e-12]
    offsets = [e * LR_FIG1 for e in PANEL_EPOCHS]
    panel_times = [t_hat + o for o in offsets]
    _, U, _ = run.sample(panel_times)
    cos_old = np.array([[U[p, j] @ before[j] for j in changed] for p in range(len(panel_times))])
    cos_new = np.array([[U[p, j] @ after[j] for j in changed] for p in range(len(panel_times))])
    dense = np.linspace(t_hat, t_hat + 400, 2001)
    _, Ud, _ = run.sample(dense)
    turned = np.array([min(Ud[i, j] @ after[j] for j in changed) for i in range(dense.size)])
    reach = np.flatnonzero(turned >= 0.99)
    turn_time = float(dense[reach[0]] - t_hat) if reach.size else float("nan")
    counter.step()
    claims = [
        Claim("τ_1 ≈ epoch 507,000 (lr 0.01: t ≈ 5070, or 10,140 if the loss has no ½)", "epoch 507,000",
              f"τ_1 = {tau1:.4g} → ln(1/λ) ≈ {paper_t1 / tau1:.0f} for our draw",
              f"t̂_1 = {t_hat:.1f} at λ = {_lam_text(L)}",
              "not comparable: the paper's λ and draw were lost in conversion; the implied λ ≈ "
              f"e^-{paper_t1 / tau1:.0f} fits its log-scale weight storage", "—"),
        compare(f"panel (c), t̂_1 − 10 (epoch −1,000): waiting neurons point along s_j D_j^0/r_j^0, min cos over "
                f"{len(changed)} neurons that turn", "directions predicted by Algorithm 1", 1.0,
                float(cos_old[0].min()), atol=0.01, why="1 − cos ≤ 0.01"),
        Claim("panels (d)–(f), t̂_1 + 10, 30, 310: they turn quickly towards s_j D_j^1/r_j^1 (min cos)",
              "turned by (f) (epoch +31,000)", "1",
              ", ".join(fmt(c, 3) for c in cos_new[1:].min(axis=1)),
              "reproduced" if cos_new[-1].min() >= 0.99 else "differs: not turned by panel (f)",
              "min cos ≥ 0.99 at panel (f)"),
        Claim("time to turn (min cos with the new direction ≥ 0.99 after t̂_1)", "between panels (d) and (f)",
              "O(1/r) in t, o(1) in τ", f"{turn_time:.1f} in t = {turn_time / LR_FIG1:,.0f} epochs at lr 0.01",
              "reproduced" if turn_time <= offsets[-1] else "differs", "≤ 310 (panel (f))"),
    ]
    figure, axes = new_figure(5, size=(15.0, 3.6))
    window = np.linspace(t_hat - 150, t_hat + 400, 800)
    rho_w, _, _ = run.sample(window)
    for j in range(problem.m):
        axes[0].plot(window - t_hat, rho_w[:, j], color=f"C{j}", label=f"neuron {j}")
    for o in offsets:
        axes[0].axvline(o, color="grey", lw=0.6, ls=":")
    axes[0].set_xlabel("t − t̂_1")
    axes[0].set_ylabel("ln ||w_j||")
    axes[0].set_title("norms around the first jump", fontsize=9)
    axes[0].legend(fontsize=6)
    # each turning neuron in the plane of its old and new predicted directions: old = (1, 0), new = (cos, sin)
    _, U_p, _ = run.sample(panel_times)
    for ax, t, e, Up in zip(axes[1:], panel_times, PANEL_EPOCHS, U_p):
        for j in changed:
            b = before[j]
            e_new = after[j] - (after[j] @ b) * b
            e_new /= np.linalg.norm(e_new)
            angle = math.atan2(after[j] @ e_new, after[j] @ b)
            ax.plot([0, 1], [0, 0], color="k", lw=0.6)
            ax.plot([0, math.cos(angle)], [0, math.sin(angle)], color=f"C{j}", ls="--", lw=1)
            ax.annotate("", xy=(Up[j] @ b, Up[j] @ e_new), xytext=(0, 0),
                        arrowprops={"arrowstyle": "->", "color": f"C{j}", "lw": 1.5})
        ax.set_xlim(-0.1, 1.1)
        ax.set_ylim(-0.1, 1.1)
        ax.set_aspect("equal")
        ax.set_title(f"epoch {e:+,} (t̂_1 {t - t_hat:+.0f})", fontsize=9)
        ax.set_xlabel("along old direction s_j D_j⁰/r_j⁰", fontsize=7)
    axes[1].set_ylabel("towards new direction (dashed)", fontsize=7)
    path = save_figure(figure, outdir, "seed002-fig4")
    return Reproduction(
        name="seed002-fig4", title="after a jump, waiting neurons turn towards their new predicted direction",
        quick=quick, parameters={"problem": "figure1_problem()", "log_inv_lambda": L, "panels (epochs)": PANEL_EPOCHS},
        claims=tuple(claims), figure=path, seconds=0.0,
        notes=("Panels: each neuron that turns at the first jump, in the plane of its old and new predicted "
               "directions s_j D_j^k/r_j^k (limitproc.process.directions): old along the x-axis, new dashed, the "
               "flow's direction as an arrow (the paper projects all neurons on one random plane).",
               "Epoch offsets are converted to time with lr 0.01 (spec §1 loss; ×2 if the paper's MSE has no ½).",
               "λ = e^-L with L = 5070/τ_1 ≈ 505, so that τ_1 ln(1/λ) is at the paper's epoch 507,000 and the panel "
               "offsets fall between our first and second jumps as in the paper (at λ = 1e-60 the second jump comes "
               f"{(process.times[1] - process.times[0]) * math.log(1e60):.0f} time units after the first, before "
               "panel (f)); --quick and the full run are the same."),
        data={"t_hat": t_hat, "changed": changed, "cos_old": cos_old, "cos_new": cos_new, "turn_time": turn_time},
    )


register(Experiment(
    name="seed002-fig4", paper=PAPER, figure="Fig. 4 (App. A.2)",
    title="norms and directions around the first jump: unfitted neurons turn to their new direction",
    parameters={"as": "Fig. 1", "tau_1": "epoch ≈ 507,000", "panels": "epochs 506k, 508k, 510k, 538k"},
    quick={"lambda": "e^-(5070/τ_1) ≈ e^-505"}, full={"lambda": "e^-(5070/τ_1) ≈ e^-505 (same as quick)"},
    seconds="full 3–4 s, quick 2.6 s (measured, 2 shared cores)", runner=_run_fig4,
))


# -- Figure 5: squared norm against n ----------------------------------------------------------


def _interpolating_draws(n, m, count):
    """``(repeat, problem, process)`` for the first ``count`` draws
    ``sample_problem(n, m, "gaussian", repeat, 0)`` whose limit process
    interpolates, among the first ``10 count``."""
    kept = 0
    for repeat in range(10 * count):
        problem = sample_problem(n, m, "gaussian", repeat, 0)
        process = limit_process(problem)
        if process.interpolates:
            yield repeat, problem, process
            kept += 1
            if kept == count:
                return


def _flow_norm(problem, lam, horizon, process=None):
    process = limit_process(problem) if process is None else process
    t_max = min(default_t_max(process, math.log(1 / lam)), horizon)
    run = simulate_flow(problem, lam, process=process, t_max=t_max, dense=False)
    return float(run.theta_sq_norm[-1]), float(run.loss[-1] / run.loss[0]), process


def _run_fig5(quick, progress, outdir):
    ns = [2**k for k in range(3, 9)] if quick else [2**k for k in range(3, 13)]
    widths = ["5log"] if quick else ["5log", "10log", "20log"]
    repeats = 3 if quick else 10
    flow_ns = [8, 16, 32] if quick else [8, 16, 32, 64, 128]
    flow_lams = [1e-8] if quick else [1e-8, 1e-32]
    flow_repeats = 1 if quick else 3
    horizon = 1e6 * 0.5  # the paper's 10^6 epochs at lr 0.5
    total = len(flow_ns) * flow_repeats * len(flow_lams) + 1  # flows, then the sweep
    counter = Counter(progress, total)
    result = sweep(ns, widths, "gaussian", repeats, seed=0, workers=1 if quick else None)
    counter.step()
    reached = result.slopes("sq_norm")
    optimum = result.slopes("min_sq_norm")
    stats = result.stats(interpolating_only=True)
    flows = []
    for lam in flow_lams:
        for n in flow_ns:
            m = math.ceil(5 * math.log(n))
            for repeat, problem, process in _interpolating_draws(n, m, flow_repeats):
                norm, loss_fraction, _ = _flow_norm(problem, lam, horizon, process)
                flows.append({"lam": lam, "n": n, "m": m, "repeat": repeat, "flow": norm,
                              "limit": float(process.final.sq_norm), "optimum": min_norm_sq(problem),
                              "loss_fraction": loss_fraction})
            counter.step(flow_repeats)
    first = widths[0]
    fit_limit, fit_opt = reached[(first, "gaussian")], optimum[(first, "gaussian")]
    ratio_last = [s for s in stats if s.n == ns[-1] and s.width == first][0]
    flow_fits = {}
    for lam in flow_lams:
        mine = [f for f in flows if f["lam"] == lam]
        xs = sorted({f["n"] for f in mine})
        flow_fits[lam] = (loglog_fit(xs, [np.mean([f["flow"] for f in mine if f["n"] == n]) for n in xs]),
                          float(np.mean([f["flow"] / f["limit"] for f in mine if f["n"] == xs[-1]])))
    why = "slope read off the paper's log-log plot ('about [stripped]'; the abstract says √n): ±0.05"
    claims = [
        compare("optimal squared norm ||θ*||² ∝ n^slope (eq. (15))", 0.5, slope_text(fit_opt), fit_opt.slope,
                ours=fit_opt.slope, atol=0.05, why=why),
        compare(f"reached squared norm ∝ n^slope, λ → 0 (Algorithm 1, m = ⌈{first[:-3]} ln n⌉, n = "
                f"{ns[0]}–{ns[-1]})", 0.5, slope_text(fit_limit), None, ours=fit_limit.slope, atol=0.05, why=why),
    ]
    for lam, (fit, ratio) in flow_fits.items():
        claims.append(compare(f"reached squared norm ∝ n^slope, flow at λ = {lam:g} (n = {flow_ns[0]}–"
                              f"{flow_ns[-1]})", 0.5, "—", slope_text(fit), ours=fit.slope, atol=0.05, why=why))
        claims.append(compare(f"flow / limit squared norm at n = {flow_ns[-1]}, λ = {lam:g}", "—", 1.0, ratio,
                              rtol=0.05, why="does the λ → 0 limit describe the trained norm? 5%"))
    claims.append(Claim("reached / optimal squared norm: a constant factor (Theorem 3)", "constant [stripped]",
                        f"{ratio_last.mean['ratio']:.3f} [{ratio_last.min['ratio']:.3f}, "
                        f"{ratio_last.max['ratio']:.3f}] at n = {ns[-1]} (λ → 0)",
                        "flow: " + ", ".join(f"λ = {lam:g}: {np.mean([f['flow'] / f['optimum'] for f in flows if f['lam'] == lam and f['n'] == flow_ns[-1]]):.3f}"
                                             for lam in flow_lams) + f" at n = {flow_ns[-1]}",
                        "not comparable: the constant was lost in conversion", "—"))
    figure, axes = new_figure(1, size=(8.5, 5.0))
    ax = axes[0]
    for color, width in zip(("C0", "C1", "C2"), widths):
        points = sorted((s for s in stats if s.width == width), key=lambda s: s.n)
        xs = [s.n for s in points]
        ax.fill_between(xs, [s.min["sq_norm"] for s in points], [s.max["sq_norm"] for s in points], color=color,
                        alpha=0.2)
        ax.loglog(xs, [s.mean["sq_norm"] for s in points], "o-", color=color,
                  label=f"λ → 0, m = ⌈{width[:-3]} ln n⌉: slope {reached[(width, 'gaussian')].slope:.2f}")
    points = sorted((s for s in stats if s.width == first), key=lambda s: s.n)
    ax.loglog([s.n for s in points], [s.mean["min_sq_norm"] for s in points], "k--",
              label=f"optimum 2(||y₊|| + ||y₋||): slope {fit_opt.slope:.2f}")
    for marker, lam in zip(("s", "^"), flow_lams):
        mine = [f for f in flows if f["lam"] == lam]
        ax.loglog([f["n"] for f in mine], [f["flow"] for f in mine], marker, color="C3", alpha=0.7,
                  label=f"flow at λ = {lam:g}: slope {flow_fits[lam][0].slope:.2f}")
    ax.set_xlabel("n")
    ax.set_ylabel("squared norm of the interpolator")
    ax.set_title("Seed 002 Fig. 5 setting: X = I_n, labels N(0,1)", fontsize=10)
    ax.legend(fontsize=8)
    path = save_figure(figure, outdir, "seed002-fig5")
    return Reproduction(
        name="seed002-fig5", title="squared norm of the reached interpolator against n", quick=quick,
        parameters={"n": ns, "widths": widths, "repeats": repeats, "flow_n": flow_ns, "flow_lambda": flow_lams,
                    "flow_repeats": flow_repeats, "flow_horizon": horizon},
        claims=tuple(claims), figure=path, seconds=0.0,
        notes=("The paper trains with GD at lr 0.5 and a stripped small init; the slope at the paper's step is "
               "seed002-fig5-gd.",
               "Flows stop at t = 5e5 (10^6 epochs at lr 0.5) or past the last predicted jump; only problems whose "
               "limit interpolates enter the fits.",
               "The width formula was lost in conversion: m = ⌈C ln n⌉ with C = 5, 10, 20 (docs/studies.md)."),
        data={"stats": [s.to_dict() for s in stats], "flows": flows,
              "slopes": {"optimum": fit_opt.slope, "limit": fit_limit.slope,
                         **{f"flow {lam:g}": fit.slope for lam, (fit, _) in flow_fits.items()}}},
    )


register(Experiment(
    name="seed002-fig5", paper=PAPER, figure="Fig. 5 (App. A.2, norm minimization)",
    title="squared norm of the reached interpolator grows like √n, a constant factor above the optimum",
    parameters={"X": "I_n", "labels": "N(0,1)", "width": "stripped ('to ensure interpolation')",
                "training": "GD lr 0.5, 10^6 epochs or loss < [stripped]", "repeats": 3,
                "reported": "both lines of slope about [stripped] (√n), constant gap"},
    quick={"n": "8–256", "widths": ["5log"], "repeats": 3, "flows": "n = 8, 16, 32 at λ = 1e-8"},
    full={"n": "8–4096", "widths": ["5log", "10log", "20log"], "repeats": 10,
          "flows": "n = 8–128 × 3 repeats at λ = 1e-8 and 1e-32"},
    seconds="full 67–74 s, quick 2.1 s (measured, 2 shared cores)", runner=_run_fig5,
))


# -- Figure 6: squared norm against the width ----------------------------------------------------


def _run_fig6(quick, progress, outdir):
    n = 32
    ms = [2**k for k in range(4, 11)] if quick else [2**k for k in range(4, 16)]
    repeats = 3 if quick else 10
    flow_ms = [16] if quick else [16, 64, 256]
    lam = 1e-8
    counter = Counter(progress, 1 + len(flow_ms) * (1 if quick else 3))
    result = sweep([n], ms, "gaussian", repeats, seed=0, workers=1 if quick else None)
    counter.step()
    stats = sorted(result.stats(interpolating_only=True), key=lambda s: s.m)
    means = [s.mean["ratio"] for s in stats]
    flows = []
    for m in flow_ms:
        for repeat in range(1 if quick else 3):
            problem = sample_problem(n, m, "gaussian", repeat, 0)
            norm, _, process = _flow_norm(problem, lam, 1e6)
            if process.interpolates:
                optimum = min_norm_sq(problem)
                flows.append({"m": m, "repeat": repeat, "flow_ratio": norm / optimum,
                              "limit_ratio": float(process.final.sq_norm) / optimum})
            counter.step()
    trend = loglog_fit(ms, np.array(means) - 1.0)
    claims = [
        Claim("small init: the squared norm approaches the optimum as the width grows (Fig. 6)",
              "approaches the optimum", f"mean ratio {means[0]:.3f} at m = {ms[0]} → {means[-1]:.3f} at m = {ms[-1]}; "
              f"ratio − 1 ∝ m^{trend.slope:.2f}", "—",
              "reproduced" if trend.slope < 0 and means[-1] < means[0] else "differs",
              "log-log slope of (mean ratio − 1) against m negative, and the last mean below the first"),
        compare(f"ratio at the largest width m = {ms[-1]} (λ → 0)", "→ 1", means[-1], None, ours=means[-1],
                reference=1.0, atol=0.1, why="'approaches the theoretical optimum' read as within 10%"),
    ]
    if flows:
        claims.append(Claim(f"flow at λ = {lam:g}: ratio per width m = {flow_ms}", "—",
                            fmt_list([np.mean([f["limit_ratio"] for f in flows if f["m"] == m]) for m in flow_ms]),
                            fmt_list([np.mean([f["flow_ratio"] for f in flows if f["m"] == m]) for m in flow_ms]),
                            "not comparable: the paper's λ was lost in conversion", "—"))
    figure, axes = new_figure(1, size=(8.5, 5.0))
    ax = axes[0]
    ax.fill_between(ms, [s.min["ratio"] for s in stats], [s.max["ratio"] for s in stats], alpha=0.2)
    ax.semilogx(ms, means, "o-", label="λ → 0 (Algorithm 1), mean and min–max")
    if flows:
        ax.semilogx([f["m"] for f in flows], [f["flow_ratio"] for f in flows], "s", color="C3",
                    label=f"flow at λ = {lam:g}")
    ax.axhline(1.0, color="k", ls="--", lw=1, label="optimum")
    ax.set_xlabel("width m")
    ax.set_ylabel("||θ||² / ||θ*||²")
    ax.set_title(f"Seed 002 Fig. 6 setting: n = {n}, X = I_n, labels N(0,1)", fontsize=10)
    ax.legend(fontsize=8)
    path = save_figure(figure, outdir, "seed002-fig6")
    return Reproduction(
        name="seed002-fig6", title="squared norm against the width at n = 32 (small initialization)", quick=quick,
        parameters={"n": n, "m": ms, "repeats": repeats, "flow_m": flow_ms, "flow_lambda": lam},
        claims=tuple(claims), figure=path, seconds=0.0,
        notes=("The paper's second scheme (PyTorch's uniform He initialization, lr 0.001) is seed002-fig6-he: "
               "it is neither small nor balanced.",),
        data={"stats": [s.to_dict() for s in stats], "flows": flows},
    )


register(Experiment(
    name="seed002-fig6", paper=PAPER, figure="Fig. 6 (App. A.2, larger overparameterization), small init",
    title="with small initialization the squared norm approaches the optimum as the width grows",
    parameters={"n": 32, "X": "I_n", "labels": "N(0,1)", "training": "GD lr 1", "runs": 3},
    quick={"m": "16–1024", "repeats": 3, "flows": "m = 16 at λ = 1e-8"},
    full={"m": "16–32768", "repeats": 10, "flows": "m = 16, 64, 256 × 3 at λ = 1e-8"},
    seconds="full 70–104 s, quick 2.1 s (measured, 2 shared cores)", runner=_run_fig6,
))

# -- Figure 5 at the paper's step: gradient descent --------------------------------------------------

LR_FIG5 = 0.5  # seed 002 App. A.2
EPOCHS_FIG5 = 10**6


def _run_fig5_gd(quick, progress, outdir):
    ns = [8, 16, 32] if quick else [8, 16, 32, 64, 128, 256, 512]
    lams = [1e-8] if quick else [1e-8, 1e-32]
    repeats = 1 if quick else 3
    flow_n = 32 if quick else 128  # the flow beside GD on the same problems, up to this n
    arms = [("spec", LR_FIG5), ("mean", LR_FIG5)]  # the paper's loss constant was lost: both readings
    counter = Counter(progress, len(lams) * len(ns) * repeats)
    runs = []
    for lam in lams:
        for n in ns:
            m = math.ceil(5 * math.log(n))
            for repeat, problem, process in _interpolating_draws(n, m, repeats):  # the draws of seed002-fig5
                row = {"lam": lam, "n": n, "m": m, "repeat": repeat, "limit": float(process.final.sq_norm),
                       "optimum": min_norm_sq(problem)}
                for reduction, lr in arms:
                    if reduction == "mean" and n > flow_n:
                        continue  # the other reading of the loss constant, on the smaller problems only
                    h = flow_time_step(lr, reduction, problem.n)
                    steps = min(default_gd_steps(limit_process(problem, step=h), h, math.log(1 / lam)), EPOCHS_FIG5)
                    run = simulate_gd(problem, lam, step=lr, reduction=reduction, steps=steps, process=process)
                    row[f"gd_{reduction}"] = float(run.theta_sq_norm[-1])
                    row[f"gd_{reduction}_loss_fraction"] = float(run.loss[-1] / run.loss[0])
                    row[f"gd_{reduction}_status"] = run.status.name
                if n <= flow_n:
                    row["flow"], _, _ = _flow_norm(problem, lam, EPOCHS_FIG5 * LR_FIG5, process)
                runs.append(row)
            counter.step(repeats)
    why = "slope read off the paper's log-log plot ('about [stripped]'; the abstract says √n): ±0.05"
    claims, fits = [], {}
    for lam in lams:
        mine = [r for r in runs if r["lam"] == lam]
        xs = sorted({r["n"] for r in mine})
        fit = loglog_fit(xs, [np.mean([r["gd_spec"] for r in mine if r["n"] == n]) for n in xs])
        fits[(lam, "spec")] = fit
        claims.append(compare(f"reached squared norm ∝ n^slope, GD lr {LR_FIG5:g} at λ = {lam:g} (n = {xs[0]}–"
                              f"{xs[-1]})", 0.5, "—", slope_text(fit), ours=fit.slope, atol=0.05, why=why))
        ratio = float(np.mean([r["gd_mean"] / r["gd_spec"] for r in mine if r["n"] == flow_n]))
        claims.append(compare(f"GD on MSELoss(mean) (a flow time 2η per step) / GD on L (η) squared norm at "
                              f"n = {flow_n}, λ = {lam:g}", "—", 1.0, ratio, rtol=0.05,
                              why="does the lost loss constant matter? 5%"))
        limit_fit = loglog_fit(xs, [np.mean([r["limit"] for r in mine if r["n"] == n]) for n in xs])
        claims.append(compare(f"reached squared norm ∝ n^slope, λ → 0 limit on the same problems (n = {xs[0]}–"
                              f"{xs[-1]})", 0.5, slope_text(limit_fit), None, ours=limit_fit.slope, atol=0.05, why=why))
        both = [r for r in mine if "flow" in r]
        if both:
            ratio = float(np.mean([r["gd_spec"] / r["flow"] for r in both if r["n"] == flow_n]))
            claims.append(compare(f"GD (lr {LR_FIG5:g}) / flow squared norm at n = {flow_n}, λ = {lam:g}", "—", 1.0,
                                  ratio, rtol=0.05, why="does the step change the reached norm? 5%"))
        ratio = float(np.mean([r["gd_spec"] / r["limit"] for r in mine if r["n"] == xs[-1]]))
        claims.append(compare(f"GD / limit squared norm at n = {xs[-1]}, λ = {lam:g}", "—", 1.0, ratio,
                              rtol=0.05, why="does the λ → 0 limit describe the trained norm? 5%"))
    figure, axes = new_figure(1, size=(8.5, 5.0))
    ax = axes[0]
    xs = sorted({r["n"] for r in runs})
    first = [r for r in runs if r["lam"] == lams[0]]
    ax.loglog(xs, [np.mean([r["limit"] for r in first if r["n"] == n]) for n in xs], "o-", color="C0",
              label="λ → 0 (Algorithm 1), same problems")
    ax.loglog(xs, [np.mean([r["optimum"] for r in first if r["n"] == n]) for n in xs], "k--",
              label="optimum 2(||y₊|| + ||y₋||)")
    for color, lam in zip(("C3", "C2"), lams):
        mine = [r for r in runs if r["lam"] == lam]
        ax.loglog(xs, [np.mean([r["gd_spec"] for r in mine if r["n"] == n]) for n in xs], "s-", color=color,
                  label=f"GD lr {LR_FIG5:g}, λ = {lam:g}: slope {fits[(lam, 'spec')].slope:.2f}")
        flows = [r for r in mine if "flow" in r]
        ax.loglog([r["n"] for r in flows], [r["flow"] for r in flows], "x", color=color, alpha=0.8,
                  label=f"flow, λ = {lam:g}")
    ax.set_xlabel("n")
    ax.set_ylabel("squared norm of the interpolator")
    ax.set_title("Seed 002 Fig. 5 setting at the paper's step: X = I_n, labels N(0,1), m = ⌈5 ln n⌉", fontsize=10)
    ax.legend(fontsize=8)
    path = save_figure(figure, outdir, "seed002-fig5-gd")
    statuses = sorted({r[f"gd_{red}_status"] for r in runs for red, _ in arms if f"gd_{red}" in r})
    return Reproduction(
        name="seed002-fig5-gd", title="squared norm against n under gradient descent at the paper's step",
        measured_by="gradient descent; flow where named",
        quick=quick,
        parameters={"n": ns, "lambda": lams, "repeats": repeats, "lr": LR_FIG5, "reductions": [a for a, _ in arms],
                    "epochs": EPOCHS_FIG5, "flow_n": flow_n},
        claims=tuple(claims), figure=path, seconds=0.0,
        notes=(f"Gradient descent with limitproc.flow.simulate_gd (exact GD in the log-scale parametrization) from "
               f"the balanced initialization at scale λ, at most {EPOCHS_FIG5:.0e} epochs; run status: "
               f"{', '.join(statuses)}.",
               "GD on spec §1's L: one step is a flow time η; on MSELoss(reduction='mean') = 2L it is 2η (the "
               f"paper's constant was lost in conversion): both are run for n ≤ {flow_n}.",
               "The same problems as seed002-fig5 (the first interpolating draws of sample_problem)."),
        data={"runs": runs, "slopes": {f"{lam:g}": fit.slope for (lam, _), fit in fits.items()}},
    )


register(Experiment(
    name="seed002-fig5-gd", paper=PAPER, figure="Fig. 5 at the paper's step",
    title="the slope question at the paper's learning rate 0.5 (gradient descent, not flow)",
    parameters={"training": "full-batch GD, lr 0.5, 10^6 epochs", "X": "I_n", "labels": "N(0,1)"},
    quick={"n": "8–32", "lambda": [1e-8], "repeats": 1, "flow": "n ≤ 32"},
    full={"n": "8–512", "lambda": [1e-8, 1e-32], "repeats": 3, "flow": "n ≤ 128"},
    seconds="full 208 s, quick 1.6 s (measured, 2 shared cores)", runner=_run_fig5_gd,
))

# -- Figure 6, PyTorch's default initialization ------------------------------------------------------

LR_HE = 0.001  # seed 002 App. A.2, on MSELoss(reduction="mean")


def he_initialization(n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's default initialization of ``Linear(n, m, bias=False)`` and
    ``Linear(m, 1, bias=False)``: ``W ~ U(±1/√n)`` entrywise, ``a ~ U(±1/√m)``
    (``kaiming_uniform_`` with ``a = √5``; seed 002 Fig. 6, inferred in the
    seeds digest §4).

    Parameters
    ----------
    n : int
        Input dimension (``X = I_n``).
    m : int
        Width.
    seed : int
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    a : ndarray, shape (m,)
    W : ndarray, shape (m, n)

    Examples
    --------
    >>> a, W = he_initialization(32, 16, 0)
    >>> a.shape, W.shape, bool(abs(W).max() <= 32 ** -0.5), bool(abs(a).max() <= 16 ** -0.5)
    ((16,), (16, 32), True, True)
    """
    rng = np.random.default_rng(seed)
    W = rng.uniform(-1.0, 1.0, (m, n)) / math.sqrt(n)
    a = rng.uniform(-1.0, 1.0, m) / math.sqrt(m)
    return a, W


def lazy_sq_norm(a: np.ndarray, W: np.ndarray, y: np.ndarray) -> float:
    """``||θ_∞||²`` of the linearized (lazy, NTK) model trained to
    interpolation from ``θ_0 = (a, W)`` on ``X = I_n``.

    Gradient descent on the model linearized at ``θ_0`` moves ``θ`` in the
    row space of the Jacobian ``J``, so it ends at ``θ_0 + Jᵀα`` with
    ``K α = y − h_0``, ``K = J Jᵀ``.  The network is 2-homogeneous, so
    ``J θ_0 = 2 h_0`` and ``||θ_∞||² = ||θ_0||² + 4 h_0·α + α·(y − h_0)``.
    With ``X = I``: ``K_ik = Σ_j relu(W_ji) relu(W_jk) + δ_ik Σ_j a_j² 1[W_ji > 0]``.

    Parameters
    ----------
    a : ndarray, shape (m,)
    W : ndarray, shape (m, n)
    y : ndarray, shape (n,)

    Returns
    -------
    float

    Examples
    --------
    >>> a, W = np.array([1.0]), np.array([[1.0]])  # h_0 = 1, K = 2: α = 1/2 for y = 2
    >>> lazy_sq_norm(a, W, np.array([2.0]))  # 2 + 4·(1/2) + (1/2)·1
    4.5
    """
    active = W > 0
    R = np.where(active, W, 0.0)
    h0 = a @ R
    K = R.T @ R + np.diag((a[:, None] ** 2 * active).sum(axis=0))
    alpha = np.linalg.solve(K, y - h0)
    return float(a @ a + np.sum(W * W) + 4.0 * h0 @ alpha + alpha @ (y - h0))


def he_gradient_descent(a, W, y, lr, epochs):
    """Full-batch gradient descent on ``MSELoss(reduction="mean")`` from
    ``(a, W)`` on ``X = I_n``; returns the final ``(a, W)`` and the loss
    at the start and the end."""
    n = y.size
    loss0 = float(np.mean((a @ np.maximum(W, 0.0) - y) ** 2))
    for _ in range(epochs):
        R = np.maximum(W, 0.0)
        residual = a @ R - y
        grad_a = (2.0 / n) * (R @ residual)
        grad_W = (2.0 / n) * (a[:, None] * (W > 0)) * residual[None, :]
        a = a - lr * grad_a
        W = W - lr * grad_W
    return a, W, loss0, float(np.mean((a @ np.maximum(W, 0.0) - y) ** 2))


def _run_fig6_he(quick, progress, outdir):
    n = 32
    ms = [16, 64, 256] if quick else [16, 64, 256, 1024, 4096]
    gd_ms = [16, 64, 256] if quick else [16, 64, 256, 1024]
    epochs = 20_000 if quick else 100_000
    repeats = 1 if quick else 2
    counter = Counter(progress, len(ms) * repeats)
    runs = []
    for m in ms:
        for repeat in range(repeats):
            y = sample_problem(n, 1, "gaussian", repeat, 0).y.astype(float)
            a, W = he_initialization(n, m, 1000 * m + repeat)
            optimum = 2 * float(np.linalg.norm(y[y > 0]) + np.linalg.norm(y[y < 0]))
            row = {"m": m, "repeat": repeat, "optimum": optimum, "init": float(a @ a + np.sum(W * W)),
                   "lazy": lazy_sq_norm(a, W, y)}
            if m in gd_ms:
                a1, W1, loss0, loss1 = he_gradient_descent(a, W, y, LR_HE, epochs)
                row.update(gd=float(a1 @ a1 + np.sum(W1 * W1)), loss_fraction=loss1 / loss0)
            runs.append(row)
            counter.step()

    def mean(key, m):
        return float(np.mean([r[key] / r["optimum"] for r in runs if r["m"] == m and key in r]))

    gd = [mean("gd", m) for m in gd_ms]
    lazy = [mean("lazy", m) for m in ms]
    trend = loglog_fit(gd_ms, gd)
    widest = max(gd_ms)
    claims = [
        Claim("He initialization: the squared norm keeps increasing with the width (Fig. 6)", "keeps increasing",
              f"lazy limit: {fmt_list(lazy)} at m = {ms}",
              f"GD: {fmt_list(gd)} at m = {gd_ms}; ∝ m^{trend.slope:.2f}",
              "reproduced" if all(np.diff(gd) > 0) else "differs",
              "||θ||²/||θ*||² after GD increases at every width"),
        compare(f"GD (lr {LR_HE:g}, {epochs} epochs) / lazy-limit squared norm at m = {widest}", "—", 1.0,
                mean("gd", widest) / mean("lazy", widest), rtol=0.05,
                why="the lazy (NTK) limit describes wide networks only: 5% at the widest trained width"),
    ]
    worst = max(r["loss_fraction"] for r in runs if "gd" in r)
    figure, axes = new_figure(1, size=(8.5, 5.0))
    ax = axes[0]
    ax.loglog(ms, lazy, "o--", label="lazy (NTK) limit (valid for wide networks)")
    ax.loglog(gd_ms, gd, "s-", color="C3", label=f"GD lr {LR_HE:g}, {epochs} epochs: slope {trend.slope:.2f}")
    ax.loglog(ms, [mean("init", m) for m in ms], ":", color="gray", label="at initialization")
    ax.axhline(1.0, color="k", ls="--", lw=1, label="optimum")
    ax.set_xlabel("width m")
    ax.set_ylabel("||θ||² / ||θ*||²")
    ax.set_title(f"Seed 002 Fig. 6, PyTorch default (He uniform) initialization: n = {n}, X = I_n", fontsize=10)
    ax.legend(fontsize=8)
    path = save_figure(figure, outdir, "seed002-fig6-he")
    return Reproduction(
        name="seed002-fig6-he", title="squared norm against the width from PyTorch's default initialization",
        measured_by="gradient descent",
        quick=quick, parameters={"n": n, "m": ms, "gd_m": gd_ms, "epochs": epochs, "repeats": repeats, "lr": LR_HE},
        claims=tuple(claims), figure=path, seconds=0.0,
        notes=("Outside the limit process: this initialization is neither small nor balanced. The measurement is "
               "plain full-batch GD on MSELoss(reduction='mean') (he_gradient_descent); the prediction is the lazy "
               "(NTK) limit, the network linearized at its initialization and trained to interpolation "
               "(lazy_sq_norm), which holds for wide networks only.",
               f"Every GD run ends at L/L(0) ≤ {worst:.2g} (the paper trains until a threshold that was lost in "
               "conversion).",
               "||θ_0||² ≈ 1/3 + m/3 at initialization already grows with m (the dotted line); wide networks "
               "stay close to it."),
        data={"runs": runs, "slope": trend.slope},
    )


register(Experiment(
    name="seed002-fig6-he", paper=PAPER, figure="Fig. 6, uniform He initialization",
    title="with PyTorch's default initialization the squared norm keeps increasing with the width",
    parameters={"n": 32, "init": "hidden U(±1/√d), output U(±1/√m) (PyTorch default)", "training": "GD lr 0.001"},
    quick={"m": "16–256", "gd": "m = 16–256, 20 000 epochs", "repeats": 1},
    full={"m": "16–4096", "gd": "m = 16–1024, 100 000 epochs", "repeats": 2},
    seconds="full 47 s, quick 5.2 s (measured, 2 shared cores)", runner=_run_fig6_he,
))
