"""Seed 000 (Boursier, Pillaud-Vivien, Flammarion, *Gradient flow dynamics of
shallow ReLU networks for square loss and orthogonal inputs*, NeurIPS 2022).

Its two-phase theory (Theorem 1, Lemmas 2–4 and 7–12, Fact 1, Proposition 1)
on unit-norm orthonormal data, against the simulated flow: the experiments of
its Section 5 use gradient descent with a step on inputs of non-unit norm
(E1, a bias coordinate: computed, with the GD limit process and its finite-λ
corrections) or on non-orthogonal ones (E2, E3: waiting or out of scope).
"""

import math

import numpy as np

from ..bounds import (
    admissible_epsilon_corrected,
    admissible_epsilon_printed,
    data_constants,
    lemma14_bound,
    lemma15_constant,
    limit_point,
    min_norm_stable_rank,
    phase_bounds,
    stable_rank,
)
from ..finite import finite_lambda
from ..flow import late_rate, simulate_flow
from ..problem import Problem
from ..process import limit_process, min_norm_sq
from ._common import Counter, fmt, fmt_list, new_figure, save_figure
from .registry import Claim, Experiment, Reproduction, Status, compare, register

__all__ = ["e1_problem", "e3_inputs", "two_phase_problem"]

PAPER = "000 Boursier, Pillaud-Vivien, Flammarion"


def two_phase_problem() -> Problem:
    """A two-phase problem (seed 000 Assumption 3): the labels of the digest's
    check, ``y = (1, 0.6, −0.5, −0.3)`` on the standard basis of R⁴, 16
    Gaussian neurons with uniform signs (``default_rng(0)``):
    ``S_{+,1} = (6, 12, 14)``, ``S_{−,1} = (1, 8, 9, 11)``, ``r = 2``.

    Returns
    -------
    Problem

    Examples
    --------
    >>> from limitproc.process import Mask, two_phase
    >>> p = two_phase_problem()
    >>> phases = two_phase(p, Mask(p))
    >>> p, phases.neurons_plus, phases.neurons_minus
    (Problem(n=4, d=4, m=16, standard basis, labels +2/-2, neurons +11/-5), (6, 12, 14), (1, 8, 9, 11))
    """
    rng = np.random.default_rng(0)
    W0 = rng.standard_normal((16, 4))
    signs = rng.choice([-1, 1], 16)
    return Problem([1.0, 0.6, -0.5, -0.3], W0, signs=signs)


def _lam_text(L):
    lam = math.exp(-L)
    return f"{lam:.0e}" if lam > 1e-300 else f"e^-{L:g}"


def _state(run, t):
    """``(a, W, U, ρ)`` at time ``t`` (standard basis: ``W`` in data coordinates)."""
    rho, U, _ = run.sample([t])
    rho, U = rho[0], U[0]
    norms = np.exp(rho)
    return run.problem.signs * norms, norms[:, None] * U, U, rho


# -- Theorem 1, Proposition 1, Lemma 12, Fact 1, Lemmas 14–15 ------------------------------------


def _run_two_phase(quick, progress, outdir):
    problem = two_phase_problem()
    process = limit_process(problem)
    k = data_constants(problem)
    lp = limit_point(problem)
    lams = [1e-8] if quick else [1e-4, 1e-8, 1e-16]
    counter = Counter(progress, len(lams))
    n = problem.n
    L0 = n / 2 * (k.D_plus**2 + k.D_minus**2)
    L_saddle = n / 2 * k.D_minus**2
    optimum = float(min_norm_sq(problem))
    rows = []
    for lam in lams:
        run = simulate_flow(problem, lam, process=process)
        L = run.log_inv_lam
        t_mid = 0.5 * (1 / k.D_plus + 1 / k.D_minus) * L
        _, _, h = run.sample([t_mid])
        plus = list(lp.neurons_plus if k.first_sign == 1 else lp.neurons_minus)
        minus = list(lp.neurons_minus if k.first_sign == 1 else lp.neurons_plus)
        half = [run.growth_time(plus, k.n * k.D_plus / 2), run.growth_time(minus, k.n * k.D_minus / 2)]
        finite = finite_lambda(process, lam)
        corrected = finite.times
        nu = late_rate(run, process)
        a, W = run.final_parameters
        rows.append({
            "lam": lam, "L": L, "run": run, "loss0": float(run.loss[0]), "saddle_loss": float(problem.loss(h)[0]),
            "final_loss": float(run.loss[-1]), "sq_norm": float(run.theta_sq_norm[-1]),
            "lemma12_error": float(np.abs(run.sq_norms[-1] - lp.sq_norms).max()),
            "half_fit": half, "corrected": [float(t) for t in corrected], "late_mu": 2 * nu,
            "window_mu": 2 * float(finite.rate), "asymptotic_mu": 2 * float(finite.asymptotic_rate),
            "stable_rank": stable_rank(W),
        })
        counter.step()
    best = rows[-1]
    lemma12_errors = ", ".join(f"{r['lam']:g}: {r['lemma12_error']:.1e}" for r in rows)
    claims = [
        Claim("Assumption 3: S₊,₁ and S₋,₁ non-empty (eqs. 5–6)", "needed", f"S₊,₁ = {k.neurons_plus}, "
              f"S₋,₁ = {k.neurons_minus}, r = {k.r:.3g}", "—", "reproduced" if k.assumption3 else "differs",
              "this problem is chosen in the two-phase case"),
        compare("initial plateau L = (1/2n) Σ y² = (n/2)(‖D₊‖² + ‖D₋‖²) (as λ → 0)", "—", L0, best["loss0"],
                rtol=1e-6, why="the output at t = 0 is O(λ²)"),
        compare(f"intermediate saddle loss (n/2)‖D₋‖² (Fact 1, θ_S), mid-window, λ = {best['lam']:g}", "—", L_saddle,
                best["saddle_loss"], rtol=1e-2 if best["lam"] > 1e-16 else 1e-4,
                why="the plateau is approached like a power of λ (Fact 1: λ^(ε/5)): 1e-2 at 1e-8, 1e-4 at 1e-16; "
                    "measured by λ " + ", ".join(f"{r['lam']:g}: {r['saddle_loss'] / L_saddle - 1:+.1e}" for r in rows)),
        compare(f"Theorem 1: the loss → 0, λ = {best['lam']:g}", "0", 0.0, best["final_loss"] / best["loss0"],
                atol=1e-12, why="final L/L(0) at the end of the run"),
        compare(f"Theorem 1 + Prop. 1: ‖θ^∞‖² → min ‖θ‖² = 2n(‖D₊‖ + ‖D₋‖), λ = {best['lam']:g}",
                "2n(‖D₊‖+‖D₋‖)", optimum, best["sq_norm"], rtol=1e-4,
                why="‖θ^∞_λ‖² − ‖θ*‖² → 0 with λ: " + ", ".join(f"{r['lam']:g}: {r['sq_norm'] - optimum:+.1e}"
                                                                 for r in rows)),
        compare(f"Lemma 12: per-neuron ‖w_j*‖² (max error over 16 neurons), λ = {best['lam']:g}", "θ* of Lemma 12",
                fmt_list(lp.sq_norms[lp.sq_norms > 0], 3), best["lemma12_error"], ours=best["lemma12_error"],
                reference=0.0, atol=2e-3 if best["lam"] >= 1e-8 else 1e-5,
                why=f"‖θ^{{t_3}} − θ*‖ ≤ λ^(ε/31) (Lemma 12); measured by λ {lemma12_errors}"),
        compare(f"escape times −ln λ/‖D₊‖, −ln λ/‖D₋‖ (§4.2; Lemmas 3–4 as ε → 0), λ = {best['lam']:g}",
                "−ln λ/‖D±‖", fmt_list([best["L"] / k.D_plus, best["L"] / k.D_minus], 5),
                fmt_list(best["half_fit"], 5), ours=best["half_fit"][1], reference=best["corrected"][1], rtol=1e-2,
                why="half-fit times of S₊,₁/S₋,₁ (u± = n‖D±‖/2) against the finite-λ corrected times "
                    f"{fmt_list(best['corrected'], 5)} (limitproc.finite); the leading term misses an O(1) offset"),
        compare("Lemma 14 at θ*: ‖∇L‖²/L ≥ 2 min(‖D₊‖,‖D₋‖) near θ* (Lemmas 5, 15: ≥ ‖D₋‖ on a ball)",
                2 * k.D_minus, f"{best['asymptotic_mu']:.4g} = 2 × smallest NTK eigenvalue of K/n at θ*", None,
                ours=best["asymptotic_mu"], rtol=1e-9,
                why="seeds digest F14: with n₋ ≥ 2 the asymptotic μ = −L'/L is exactly 2‖D₋‖, so Lemma 14's bound "
                    f"is attained (Lemma 15's {lemma15_constant(problem):.4g} is half of it)"),
        compare(f"late μ = −L'/L of the flow where L − 0 falls from 1e-6 to 1e-10 of L(0), λ = {best['lam']:g}",
                f"≥ {2 * k.D_minus:.4g} (Lemma 14)", best["window_mu"], best["late_mu"], rtol=2e-2,
                why="against limitproc.finite's window rate: the residual after the jump lies along y₋, the "
                    "NTK's fast mode 4‖D₋‖; the slow mode 2‖D₋‖ takes over only later"),
        compare(f"stable rank ‖W‖_F²/‖W‖₂² of the limit = 1 + 1/r (derived from Prop. 1), λ = {best['lam']:g}",
                "≤ 2 (seed 003)", min_norm_stable_rank(problem), best["stable_rank"], rtol=1e-3,
                why="first layer at the end of the run"),
    ]
    assert abs(lemma14_bound(problem, lp.a, lp.W) - 2 * k.D_minus) < 1e-9  # Lemma 14 at θ* (tested in bounds)
    figure, axes = new_figure(2, size=(12.0, 4.3))
    for r in rows:
        run = r["run"]
        axes[0].semilogy(run.tau, run.loss, label=f"flow λ = {r['lam']:g}")
    axes[0].axhline(L0, color="k", ls="--", lw=0.8, label="(n/2)(‖D₊‖² + ‖D₋‖²)")
    axes[0].axhline(L_saddle, color="k", ls=":", lw=0.8, label="(n/2)‖D₋‖² (θ_S)")
    for t in (1 / k.D_plus, 1 / k.D_minus):
        axes[0].axvline(t, color="grey", lw=0.6)
    axes[0].set_ylim(1e-10, 1)
    axes[0].set_xlim(0, 2.2 / k.D_minus)
    axes[0].set_xlabel("τ = t / ln(1/λ)")
    axes[0].set_ylabel("training loss")
    axes[0].set_title("two phases: jumps at 1/‖D₊‖ and 1/‖D₋‖", fontsize=10)
    axes[0].legend(fontsize=7)
    idx = np.arange(problem.m)
    axes[1].bar(idx, best["run"].sq_norms[-1], color="C0", alpha=0.6, label=f"flow, λ = {best['lam']:g}")
    axes[1].plot(idx, lp.sq_norms, "k_", ms=14, mew=2, label="Lemma 12: θ*")
    axes[1].set_xlabel("neuron j")
    axes[1].set_ylabel("final ‖w_j‖²")
    axes[1].set_title("limit point: shares of n‖D±‖ within S₊,₁ and S₋,₁", fontsize=10)
    axes[1].legend(fontsize=8)
    path = save_figure(figure, outdir, "seed000-two-phase")
    return Reproduction(
        name="seed000-two-phase", title="two-phase dynamics and the minimum-norm limit on orthonormal data",
        quick=quick, parameters={"problem": "two_phase_problem()", "lambda": lams},
        claims=tuple(claims), figure=path, seconds=0.0,
        notes=("The paper's plateau and final losses are derived from its D± (seeds digest F3, F13); its own "
               "experiment E1 (inputs of non-unit norm, gradient descent) is seed000-e1.",
               "θ* of Lemma 12 is computed by limitproc.bounds.limit_point in closed form from ODE (28); "
               "limitproc.finite's group split agrees to rounding (tests/bounds/test_phases.py)."),
        data={"rows": [{key: value for key, value in r.items() if key != "run"} for r in rows],
              "limit_sq_norms": lp.sq_norms},
    )


register(Experiment(
    name="seed000-two-phase", paper=PAPER, figure="Theorem 1, Prop. 1, Lemmas 12, 14, 15, Fact 1 (§4, App. B–C)",
    title="two phases, the intermediate saddle and convergence to the minimum-norm interpolator",
    parameters={"assumptions": "orthonormal inputs, y_k ≠ 0, S₊,₁ and S₋,₁ non-empty, balanced Gaussian init"},
    quick={"lambda": [1e-8]}, full={"lambda": [1e-4, 1e-8, 1e-16]},
    seconds="full 3–6 s, quick 1.4 s (measured, 2 shared cores)", runner=_run_two_phase,
))


# -- Figure 1: the phase timeline and the lemmas' bounds -----------------------------------------


def _cos(U, members, direction):
    return float(min(U[j] @ direction for j in members)) if members else float("nan")


def _run_timeline(quick, progress, outdir):
    problem = two_phase_problem()
    process = limit_process(problem)
    k = data_constants(problem)
    lp = limit_point(problem)
    eps = admissible_epsilon_corrected(problem).value
    eps_printed = admissible_epsilon_printed(problem).value
    scales = [500.0] if quick else [math.log(1e8), 100.0, 500.0, 2000.0]
    counter = Counter(progress, len(scales))
    first = k.first_sign
    y = problem.y
    D_plus = np.where(first * y > 0, y, 0.0)
    D_plus /= np.linalg.norm(D_plus)  # D_+/||D_+|| (data basis, oriented)
    D_minus = np.where(first * y < 0, -y, 0.0)
    D_minus /= np.linalg.norm(D_minus)  # −D_−/||D_−||
    S_plus = list(k.neurons_plus)
    S_minus = list(k.neurons_minus)
    others = [j for j in range(problem.m) if j not in S_plus + S_minus]
    theta_S = np.concatenate([np.where(np.isin(np.arange(problem.m), S_plus), lp.a, 0.0),
                              np.where(np.isin(np.arange(problem.m), S_plus)[:, None], lp.W, 0.0).ravel()])
    theta_star = np.concatenate([lp.a, lp.W.ravel()])
    results = []
    for L in scales:
        run = simulate_flow(problem, log_inv_lam=L, process=process, t_max=1.2 * (1 + 3 * k.r * eps) * L / k.D_minus)
        b = phase_bounds(problem, eps=eps, log_inv_lam=L)
        tl = b.timeline
        checks = []  # (name, measured, bound, sense, log): norm checks compare ln ||w|| with ln(bound)

        def log_norm(name):
            return b.log_norm_bound(name)

        _, _, U, rho = _state(run, tl.t_plus1)
        checks.append(("Lemma 7(i) at t₊₁: max ln‖w_j‖ ≤ ln(2cλ^(1−ε))", float(rho.max()), log_norm("lemma7_norm_max"),
                       "≤", True))
        checks.append(("Lemma 7(ii) at t₊₁: S₊,₁ cos with D₊ ≥ 1 − 2λ^ε", _cos(U, S_plus, D_plus), b.lemma7_cos_min,
                       "≥", False))
        negative = first * y < 0
        checks.append(("Lemma 7(iii) at t₊₁: S₊,₁ inactive on the − data (max <w̄_j, x_k>)",
                       float(U[np.ix_(S_plus, np.flatnonzero(negative))].max()), 0.0, "≤", False))
        _, _, U, rho = _state(run, tl.t1)
        checks.append(("Lemma 2(iii) at t₁: max ln‖w_j‖ ≤ ln(2cλ^(1−rε))", float(rho.max()),
                       log_norm("lemma2_norm_max"), "≤", True))
        checks.append(("Lemma 2(i) at t₁: S₊,₁ cos with D₊ ≥ 1 − 2λ^ε", _cos(U, S_plus, D_plus), b.lemma2_cos_min,
                       "≥", False))
        checks.append(("Lemma 2(ii) at t₁: S₋,₁ cos with −D₋ ≥ 1 − 2λ^ε", _cos(U, S_minus, D_minus), b.lemma2_cos_min,
                       "≥", False))
        rho_e, _, _ = run.sample(np.linspace(0.0, tl.t_plus1, 200))
        checks.append(("Lemma 9(i) on [0, t₊₁]: min_{S₊,₁} ln‖w_j‖ > ln(c̲λ^(1+ε)/2)", float(rho_e[:, S_plus].min()),
                       log_norm("lemma9_plus_norm_min"), "≥", True))
        rho_e, _, _ = run.sample(np.linspace(0.0, tl.t1, 200))
        checks.append(("Lemma 9(ii) on [0, t₁]: min_{S₋,₁} ln‖w_j‖ > ln(c̲λ^(1+rε)/2)", float(rho_e[:, S_minus].min()),
                       log_norm("lemma9_minus_norm_min"), "≥", True))
        a2, W2, U2, rho2 = _state(run, tl.t2_bound)
        checks.append(("Lemma 3(i) at (1+3ε)L/‖D₊‖: S₊,₁ cos ≥ 1 − λ^(ε/5)/‖D₊‖", _cos(U2, S_plus, D_plus),
                       b.lemma3_cos_min, "≥", False))
        checks.append(("Lemma 3(ii): Σ_{S₊,₁} ‖w_j‖² ≥ n‖D₊‖ − λ^(ε/5)", float(np.exp(2 * rho2[S_plus]).sum()),
                       b.lemma3_u_plus, "≥", False))
        checks.append(("Lemma 3(iii): max_{j ∉ S₊,₁} ln‖w_j‖ ≤ ln(2cλ^ε)",
                       float(rho2[[j for j in range(problem.m) if j not in S_plus]].max()),
                       log_norm("lemma3_others_norm_max"), "≤", True))
        start, end = tl.saddle_window
        window = np.linspace(start, end, 100) if end > start else np.array([start])
        rho_w, U_w, _ = run.sample(window)
        distances = []
        for rw, uw in zip(rho_w, U_w):
            theta = np.concatenate([problem.signs * np.exp(rw), (np.exp(rw)[:, None] * uw).ravel()])
            distances.append(np.linalg.norm(theta - theta_S))
        checks.append(("Fact 1: sup_window ‖θ^t − θ_S‖ ≤ λ^(ε/5)", float(max(distances)), b.fact1_distance, "≤",
                       False))
        a3, W3, U3, rho3 = _state(run, tl.t3_bound)
        checks.append(("Lemma 4(i) at (1+3rε)L/‖D₋‖: S₋,₁ cos with −D₋ ≥ 1 − λ^(ε/14)/‖D₋‖",
                       _cos(U3, S_minus, D_minus), b.lemma4_cos_min, "≥", False))
        checks.append(("Lemma 4(ii): Σ_{S₋,₁} ‖w_j‖² ≥ n‖D₋‖ − λ^(ε/29)", float(np.exp(2 * rho3[S_minus]).sum()),
                       b.lemma4_u_minus, "≥", False))
        checks.append(("Lemma 4(iii): S₊,₁ directions moved ≤ λ^(ε/15) between the two bounds",
                       float(max(np.linalg.norm(U3[j] - U2[j]) for j in S_plus)), b.lemma4_plus_moved, "≤", False))
        checks.append(("Lemma 4(iv): max_{j ∉ S±,1} ln‖w_j‖ ≤ ln(3cλ^ε)", float(rho3[others].max()),
                       log_norm("lemma4_others_norm_max"), "≤", True))
        theta3 = np.concatenate([a3, W3.ravel()])
        checks.append(("Lemma 12: ‖θ^(t₃) − θ*‖ ≤ λ^(ε/31)", float(np.linalg.norm(theta3 - theta_star)),
                       b.lemma12_distance, "≤", False))
        results.append((L, run, b, checks))
        counter.step()
    L, run, b, checks = results[-1]
    claims = [Claim("admissible ε (App. B.2): corrected α, β (n² restored) vs printed",
                    f"printed: ε ≤ {eps_printed:.4g}", f"corrected: ε ≤ {eps:.4g}", "—",
                    "not comparable: the printed α = y²/(2‖D₊‖²) misses n² (seeds digest §1.3)",
                    "we use the corrected ε (its largest value)")]
    for name, measured, bound, sense, logged in checks:
        # cosines and distances carry the simulator's error (about 1e-9, rtol 1e-10); norms are compared in logs
        slack = 1e-8
        holds = measured <= bound + slack if sense == "≤" else measured >= bound - slack
        vacuous = not logged and ((sense == "≥" and bound <= 0) or (sense == "≤" and bound >= 1e3))
        by_scale = "; ".join(f"{_lam_text(s)}: {fmt(next(c[1] for c in cs if c[0] == name), 4)} vs "
                             f"{fmt(next(c[2] for c in cs if c[0] == name), 4)}" for s, _, _, cs in results)
        claims.append(Claim(name + f" (λ = {_lam_text(L)})", f"{sense} {fmt(bound, 6)}" + (" (vacuous)" if vacuous else ""),
                            "holds for λ ≤ λ* (not explicit)", fmt(measured, 6),
                            "reproduced" if holds else f"differs: violated by {fmt(measured - bound, 3)}",
                            f"slack 1e-8 (simulator accuracy); ε = {eps:.4g}; by λ: {by_scale}"))
    figure, axes = new_figure(1, size=(10.0, 4.5))
    ax = axes[0]
    for L_, run_, _, _ in results:
        ax.semilogy(run_.tau, run_.loss, label=f"flow λ = {_lam_text(L_)}")
    tl = results[-1][2].timeline
    marks = [(row[1] / tl.log_inv_lam, row[0]) for row in tl.rows()]
    styles = ("--", ":", "-.")
    for i, (t, label) in enumerate(marks):
        ax.axvline(t, color=f"C{(i % 6) + 4}", lw=1.0, ls=styles[i % 3], label=f"{label}: τ = {t:.3g}")
    ax.set_ylim(1e-9, 1)
    ax.set_xlabel("τ = t / ln(1/λ)")
    ax.set_ylabel("training loss")
    ax.set_title(f"Seed 000 Fig. 1 timeline (ε = {eps:.3g}) over the flow; the bounds scale with ln(1/λ)", fontsize=9)
    ax.set_xlim(0, 1.15 * marks[-1][0])
    ax.legend(fontsize=6.5, loc="lower left", ncol=2)
    path = save_figure(figure, outdir, "seed000-fig1")
    return Reproduction(
        name="seed000-fig1", title="the phase timeline of Figure 1 and the bounds of Lemmas 2–4, 7–9, 12, Fact 1",
        quick=quick, parameters={"problem": "two_phase_problem()", "log_inv_lambda": scales, "eps": eps},
        claims=tuple(claims), figure=path, seconds=0.0,
        notes=("Lemmas 3 and 4 hold 'for some t₂ ≤ (1+3ε)L/‖D₊‖' and 't₃ ≤ (1+3rε)L/‖D₋‖': we check their "
               "inequalities at those bounds, where the flow sits on the next plateau.",
               "Every bound holds 'for λ ≤ λ*' with λ* not explicit: a violation at large λ is not a contradiction; "
               "at λ = 1e-8 several bounds are vacuous (1 − 2λ^ε < 0).",
               "The paper's + is the label sign with the larger ‖D‖ (here the positive labels, r = 2)."),
        data={"checks": {_lam_text(s): [{"check": c[0], "measured": c[1], "bound": c[2], "log": c[4]} for c in cs]
                         for s, _, _, cs in results}},
    )


register(Experiment(
    name="seed000-fig1", paper=PAPER, figure="Fig. 1 (timeline), Lemmas 2–4, 7–9, 12, Fact 1",
    title="phase timeline at (λ, ε) and every stated bound checked on the flow",
    parameters={"timeline": "t₁ = −ε ln λ/‖D₋‖, t₂ ≤ −(1+3ε) ln λ/‖D₊‖, Fact 1 window, t₃ ≤ −(1+3rε) ln λ/‖D₋‖",
                "eps": "App. B.2 (admissible)"},
    quick={"log_inv_lambda": [500]}, full={"log_inv_lambda": [18.42, 100, 500, 2000]},
    seconds="full 4–11 s, quick 2.4 s (measured, 2 shared cores)", runner=_run_timeline,
))


# -- Experiment E1: a bias coordinate, gradient descent ------------------------------------------

E1_X = np.array([[-0.5, 1.0], [2.0, 1.0]])
E1_Y = np.array([-1.0, 1.0])
E1_WIDTH = 60
E1_LAM = 1e-6 / math.sqrt(E1_WIDTH)
E1_LR = 1e-3  # on MSELoss(mean) = 2L: h = 2e-3 per iteration


def e1_problem(seed: int = 0) -> Problem:
    """Seed 000's E1 (§5, Figs. 2–3): ``x = (−0.5, 1)``, ``y = −1`` and ``x = (2, 1)``,
    ``y = +1`` (an input and a bias coordinate: orthogonal, norms √1.25 and √5),
    ``m = 60``, ``W0 ~ N(0, I)`` (``λ`` factored out, seed 000 eq. 4) and
    ``a0 = s ||W0||`` with uniform signs (``default_rng(seed)``, as
    ``examples/seed000_e1.py``).

    Parameters
    ----------
    seed : int

    Returns
    -------
    Problem

    Examples
    --------
    >>> p = e1_problem()
    >>> p.input_norms.round(4).tolist(), p.m
    ([1.118, 2.2361], 60)
    """
    rng = np.random.default_rng(seed)
    W0 = rng.standard_normal((E1_WIDTH, 2))
    signs = rng.choice([-1.0, 1.0], E1_WIDTH)
    return Problem(E1_Y, W0, a0=signs * np.linalg.norm(W0, axis=1), X=E1_X)


def _first_below(steps, values, level):
    below = np.flatnonzero(values < level)
    return float(steps[below[0]]) if below.size else float("nan")


def _order_claim(rows):
    predicted = "positive first" if all(r["order"] == [[1], [0]] for r in rows) else "negative first"
    measured = "positive first" if all(r["gd"][0] < r["gd"][1] for r in rows) else "negative first"
    return Claim("the point x = (2, 1), y = +1 is fitted first (its rate |y| ||x||/n is the larger)",
                 "the loss first drops on the positive point (Fig. 3)", predicted, measured,
                 "reproduced" if predicted == measured == "positive first" else "differs",
                 f"every draw ({len(rows)})")


def _run_e1(quick, progress, outdir):
    from ..flow.gd import simulate_gd

    seeds = [0] if quick else [0, 1, 2]
    counter = Counter(progress, len(seeds))
    rows = []
    for seed in seeds:
        problem = e1_problem(seed)
        process = limit_process(problem, step=2 * E1_LR)
        finite = finite_lambda(process, E1_LAM)
        run = simulate_gd(problem, E1_LAM, step=E1_LR, reduction="mean", steps=20000, process=process)
        grid = np.arange(0, 20001, 10, dtype=float)
        predicted_2L = 2 * finite.loss(grid * 2 * E1_LR)
        observed_2L = 2 * np.interp(grid * 2 * E1_LR, run.t, run.loss)
        rows.append({
            "seed": seed, "order": [s.data.tolist() for s in process.jumps],
            "predicted": [float(v) for v in finite.steps], "leading": [float(t) / (2 * E1_LR) for t in finite.leading_times],
            "gd": [float(v) for v in run.fit_steps()[[1, 0]]],
            "landmarks_predicted": [_first_below(grid, predicted_2L, level) for level in (0.9, 0.4)],
            "landmarks_gd": [_first_below(grid, observed_2L, level) for level in (0.9, 0.4)],
            "sq_norm": float(run.theta_sq_norm[-1]), "grid": grid, "pred_curve": predicted_2L, "gd_curve": observed_2L,
        })
        counter.step()
    best = rows[0]
    optimum = float(2 * np.sum(np.abs(E1_Y) / np.linalg.norm(E1_X, axis=1)))
    claims = [
        _order_claim(rows),
        compare("first saddle left, iteration (half-fit of the positive point)", "≈ 5000 (read off Fig. 2)",
                best["predicted"][0], best["gd"][0], rtol=0.05,
                why="our GD run against our prediction (issue 14: within 5%); the paper's number is read off its figure"),
        compare("second saddle left, iteration (half-fit of the negative point)", "≈ 11000 (read off Fig. 2)",
                best["predicted"][1], best["gd"][1], rtol=0.05,
                why="our GD run against our prediction (issue 14: within 5%)"),
        compare("MSE (2L) falls below 0.9 (the first drop), iteration", 5000, best["landmarks_predicted"][0],
                best["landmarks_gd"][0], rtol=0.2,
                why="the paper's iteration is read off its figure for one unstated draw and loss level (the digest "
                    "reads 2L < 0.9 and < 0.4); draws move it by a few %"),
        compare("MSE (2L) falls below 0.4 (the second drop), iteration", 11000, best["landmarks_predicted"][1],
                best["landmarks_gd"][1], rtol=0.2, why="as above"),
        compare("final ||θ||² = 2 Σ |y_i|/||x_i|| (minimum norm, docs/general-inputs.md §1)", "—", optimum,
                best["sq_norm"], rtol=1e-3, why="GD ends on the interpolator of the limit process"),
    ]
    figure, axes = new_figure(1, size=(7.0, 4.0))
    ax = axes[0]
    ax.plot(best["grid"], best["gd_curve"], "C0", lw=2, label="gradient descent (simulate_gd)")
    ax.plot(best["grid"], best["pred_curve"], "k--", lw=1, label="finite-λ prediction")
    for mark in (5000, 11000):
        ax.axvline(mark, color="C3", lw=0.8, ls=":")
    ax.set_xlabel("iteration (lr 1e-3, MSELoss(mean))")
    ax.set_ylabel("MSELoss = 2L")
    ax.set_title("seed 000 E1: the paper's landmarks (dotted) and ours", fontsize=10)
    ax.legend(fontsize=8)
    path = save_figure(figure, outdir, "seed000-e1")
    return Reproduction(
        name="seed000-e1", title="two-point toy with a bias coordinate, gradient descent", measured_by="gradient descent",
        quick=quick, parameters={"seeds": seeds, "lambda": E1_LAM, "lr": E1_LR, "reduction": "mean"},
        claims=tuple(claims), figure=path, seconds=0.0,
        notes=(f"per draw (seed: predicted / GD half-fit iterations of +, −): " + "; ".join(
            f"{r['seed']}: {r['predicted'][0]:.0f}/{r['gd'][0]:.0f}, {r['predicted'][1]:.0f}/{r['gd'][1]:.0f}"
            for r in rows),
               "the prediction is limit_process(problem, step=2e-3) with finite_lambda (docs/gradient-descent.md §8); "
               "the leading order τ ln(1/λ)/h alone gives "
               + ", ".join(f"{v:.0f}" for v in best["leading"]) + " iterations"),
        data={"rows": [{k: v for k, v in r.items() if k not in ("grid", "pred_curve", "gd_curve")} for r in rows]},
    )


register(Experiment(
    name="seed000-e1", paper=PAPER, figure="Figs. 2–3 (§5, experiment E1)",
    title="two-point toy with a bias coordinate: the loss leaves its saddles at ~5000 and ~11000 iterations",
    parameters={"data": "x = (−0.5, 1), (2, 1) (input, bias), y = −1, 1", "m": 60, "lambda": "1e-6/√60",
                "training": "GD step 1e-3 on MSELoss(mean) = 2L (time 2e-3 per step)", "iterations": 20000,
                "reported": "first saddle left near 5000, second near 11000 iterations; frames at 0/4000/8000/15000"},
    quick={"seeds": [0]}, full={"seeds": [0, 1, 2]},
    seconds="full about 10 s, quick about 4 s (2 shared cores)", runner=_run_e1,
))

register(Experiment(
    name="seed000-e2", paper=PAPER, figure="Figs. 4–5 (App. A.1, experiment E2)",
    title="five 1-D points with a bias (non-orthogonal): groups rotate while growing; large init is lazy",
    parameters={"x": [-1.5, -1, 0, 0.25, 2], "y": [0.7, -0.3, -0.3, 0.4, 0.2], "m": 60,
                "lambda": "1e-4/√m (Fig. 4), 10/√m (Fig. 5)", "training": "GD step 1e-3"},
    status=Status.OUT_OF_SCOPE,
    reason="the inputs are not orthogonal: outside the theory and the simulator of limitproc",
))

def e3_inputs(seed: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Seed 000's E3 data (App. A.2; seeds digest §1.5): 75 points
    ``x_i ~ N(0, I_150)`` labelled by a random 6-neuron ReLU teacher
    (hidden weights of standard deviation ``1/√(6·150)``, output weights
    ``1/√6``), drawn with numpy (the paper's torch seed 4 cannot be replayed
    without torch).

    Parameters
    ----------
    seed : int
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    X : ndarray, shape (75, 150)
    y : ndarray, shape (75,)

    Examples
    --------
    >>> X, y = e3_inputs()
    >>> X.shape, y.shape
    ((75, 150), (75,))
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((75, 150))
    hidden = rng.standard_normal((6, 150)) / math.sqrt(6 * 150)
    output = rng.standard_normal(6) / math.sqrt(6)
    return X, np.maximum(X @ hidden.T, 0.0) @ output


register(Experiment(
    name="seed000-e3", paper=PAPER, figure="Figs. 6–7 (App. A.2, experiment E3)",
    title="high-dimensional nearly orthogonal data: a saddle near iteration 75,000",
    parameters={"n": 75, "d": 150, "x": "N(0, I_d)", "labels": "6-neuron Gaussian teacher", "m": 200,
                "lambda": "1e-20/√(md)", "training": "GD step 1e-3, 200,000 iterations"},
    status=Status.OUT_OF_SCOPE,
    reason="the inputs are too far from orthogonal for the theory: for 75 Gaussian points in R^150 the cosine Gram "
           "matrix has ||Ĝ − I||₂ ≈ 1.7 and cosines up to 0.36, while the near-orthogonal regime "
           "(docs/general-inputs.md §4) needs ||Ĝ − I||₂ below ε* = min|y_i| c_i/||y ∘ c||, about 0.007 with "
           "teacher labels (numpy draw, seed 4); Problem refuses such inputs with this reason",
))
