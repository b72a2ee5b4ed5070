"""Measurements behind docs/general-inputs.md (orthogonal inputs of any norms,
unbalanced initializations, near-orthogonal inputs).

Parts (``--part``, default all; each prints the markdown block of the doc):

``reference``
    Random orthogonal problems (norms in [0.5, 2], labels ±[0.5, 2], Gaussian
    ``W0``, ``|a0_j| / ||W0_j||`` log-uniform in [0.3, 3], so some neurons
    collapse) simulated at several ``ln(1/λ)`` against the generalized limit
    process of ``tests/reference_general.py``: same effective signs and
    columns, fitted data and fitters, final ``||θ||²``, and accelerated
    jump-time errors times ``ln(1/λ)``.
``offsets``
    First-jump offsets ``t̂ − τ ln(1/λ)`` of the flow at ``ln(1/λ) = 150``
    against ``s_half(I) − ½ ln Σ_G e^{2κ_g} / r`` (docs/general-inputs.md §6)
    and against the logistic form ``(ln N − ln Σ e^{2κ}) / (2r)``.
``near``
    Near-orthogonal problems (a symmetric coupling of size ``ε`` added to
    orthogonal rows) at several ``λ``: whether the flow fits the data the
    orthogonal problem with the same norms predicts, whether a component at
    or below 0 comes back, and how far its half-fit times and final
    ``||θ||²`` are from those of its orthogonal twin (the closest orthogonal
    rows of the same norms) at the same ``λ``, beside the coupling scale
    ``λ_c`` of the problem.
``e3``
    The regime numbers of seed 000's E3 setting (n = 75 Gaussian points in
    d = 150, Gaussian labels; the draw of ``tests/problem/test_regimes.py``).
``speed``
    The simulator on spec §1 problems (unchanged path) and on the same
    problems with non-unit norms or an unbalanced initialization.

    python benchmarks/general_inputs.py [--part reference offsets near e3 speed]
"""

import argparse
import os
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp
from scipy.special import logsumexp

from limitproc import Problem, limit_process, load_problem
from limitproc.flow import default_t_max, simulate_flow
from limitproc.problem.balance import initial_transient

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tests.cases import REF3  # noqa: E402
from tests.flow.test_general_inputs import random_problem  # noqa: E402
from tests.reference_general import reference_general, reference_margin  # noqa: E402


def prediction(problem):
    coordinates = problem.data_coordinates() * problem.init_norms[:, None]
    return reference_general(problem.y, problem.input_norms, coordinates, problem.output_weights)


def groups_of(mask, signs, j):
    return np.flatnonzero((mask == mask[:, [j]]).all(axis=0) & (signs == signs[j]))


def compare(problem, signs, mask, jumps, run):
    """Whether every jump's data are fitted by its group, and the set fitted at
    the end is the predicted one; the half-fit times of the groups."""
    fitted = np.zeros(problem.n, dtype=bool)
    ok = True
    times = []
    previous = 0.0
    contributions = run.contributions(-1)
    for tau, j, data, loss, sq_norm, a, weights in jumps:
        group = groups_of(mask, signs, j)
        times.append(run.growth_time(group, (sq_norm - previous) / 4.0))
        previous = sq_norm
        owner = np.argmax(contributions[:, data] * np.sign(problem.y[data]), axis=0)
        ok &= set(owner.tolist()) <= set(group.tolist())
        fitted[data] = True
    ok &= bool((run.fitted[-1] == fitted).all())
    return ok, np.array(times)


def part_reference(count=20):
    problems = []
    for seed in range(1000):
        n, m = (5, 4) if seed % 2 else (8, 6)
        p = random_problem(seed, n=n, m=m)
        signs, mask, jumps = prediction(p)
        if not jumps:
            continue
        margin = reference_margin(p.y, p.input_norms, mask, jumps)
        if margin * 20 < 5:  # resolved at every ln(1/λ) below
            continue
        problems.append((p, signs, mask, jumps))
        if len(problems) == count:
            break
    collapses = sum(len(p.sign_collapses) for p, *_ in problems)
    neurons = sum(int(np.count_nonzero(p.balance_offsets)) for p, *_ in problems)
    agree = all((s == p.effective_signs).all() and (mk.T == p.effective_activity()).all()
                for p, s, mk, _ in problems)
    print(f"{len(problems)} problems (n ≤ 8, m ≤ 6), {neurons} unbalanced neurons, {collapses} sign collapses; "
          f"effective signs and columns of Problem = the reference's numerical transients: {agree}\n")
    print("| ln(1/λ) | runs matching | max \\|Δτ\\| | max \\|Δτ\\|·ln(1/λ) | max rel. error of final ‖θ‖² | seconds |")
    print("|---|---|---|---|---|---|")
    for L in (20.0, 40.0, 80.0, 160.0):
        started = time.perf_counter()
        matching, worst, worst_norm = 0, 0.0, 0.0
        for p, signs, mask, jumps in problems:
            slowest = min(np.linalg.norm((p.y * p.input_norms)[data]) / p.n for _, _, data, *_ in jumps)
            run = simulate_flow(p, log_inv_lam=L, t_max=1.3 * jumps[-1][0] * L + 40.0 / slowest)
            ok, times = compare(p, signs, mask, jumps, run)
            matching += ok
            worst = max(worst, float(np.abs(times / L - np.array([j[0] for j in jumps])).max()))
            worst_norm = max(worst_norm, abs(run.theta_sq_norm[-1] / jumps[-1][4] - 1))
        print(f"| {L:g} | {matching}/{len(problems)} | {worst:.4f} | {worst * L:.3f} | {worst_norm:.1e} | "
              f"{time.perf_counter() - started:.1f} |")


def unstable_half_time(y, c, n):
    """``s_half`` of the one-neuron flow on data ``(y, c)`` (residual ``y``) on
    its unstable manifold normalized by ``a(s) e^{−rs} → 1`` (s → −∞): the
    time its ``||w||²`` reaches ``N/2``, ``N = ||y/c||``."""
    g = y * c / n
    r = float(np.linalg.norm(g))
    N = float(np.linalg.norm(y / c))
    start = 1e-9

    def rhs(t, z):
        a, w = z[0], z[1:]
        R = y - a * c * w
        return np.concatenate([[np.sum(R * c * w) / n], a * R * c / n])

    def half(t, z):
        return float(np.sum(z[1:] ** 2)) - N / 2

    half.terminal = True
    sol = solve_ivp(rhs, (0.0, 200.0 / r), np.concatenate([[start], start * g / r]), method="DOP853",
                    rtol=1e-12, atol=1e-20, events=half)
    return np.log(start) / r + float(sol.t_events[0][0]), r, N


def part_offsets(count=20, L=150.0):
    rows = []
    skipped = 0
    for seed in range(count):
        p = random_problem(seed)
        signs, mask, jumps = prediction(p)
        if not jumps:
            continue
        if reference_margin(p.y, p.input_norms, mask, jumps) * L < 5:  # a competitor shares the fit (spec §8)
            skipped += 1
            continue
        tau, j, data, *_ = jumps[0]
        group = groups_of(mask, signs, j)
        g = p.y * p.input_norms / p.n
        coordinates = p.data_coordinates() * p.init_norms[:, None]
        kappa = np.array([initial_transient(p.output_weights[k], coordinates[k], g).log_amplitude for k in group])
        s_half, r, N = unstable_half_time(p.y[data], p.input_norms[data], p.n)
        predicted = s_half - 0.5 * logsumexp(2 * kappa) / r
        logistic = (np.log(N) - logsumexp(2 * kappa)) / (2 * r)
        run = simulate_flow(p, log_inv_lam=L, t_max=tau * L + 40.0 / r)
        flow = run.growth_time(group, N / 2) - tau * L
        unbalanced = bool(np.any(p.balance_offsets[group]))
        rows.append((len(data), unbalanced, flow, predicted, logistic))
    rows = np.array(rows, dtype=float)
    single = rows[:, 0] == 1
    print(f"{len(rows)} resolved first jumps ({skipped} problems with μ ln(1/λ) < 5 left out; {int(single.sum())} "
          f"of one datum, {int(rows[:, 1].sum())} of unbalanced groups)")
    print(f"max |flow − s_half form| = {np.abs(rows[:, 2] - rows[:, 3]).max():.1e}; "
          f"logistic form: max error {np.abs(rows[single, 2] - rows[single, 4]).max():.1e} on one datum, "
          f"{np.abs(rows[~single, 2] - rows[~single, 4]).max():.2f} on several")


def woken(problem, run):
    """Components that are positive at some recorded time after being ``≤ 0``
    at an earlier one: sleeping components woken by the coupling, and
    deactivated ones revived once their datum is fitted."""
    positive = run.directions > 0
    below = np.maximum.accumulate(~positive, axis=0)  # been ≤ 0 by then
    return int((positive[1:] & below[:-1]).any(axis=0).sum())


def orthogonal_twin(problem):
    """The problem with the rows replaced by the closest orthogonal ones of the
    same norms (Löwdin: ``Ĝ^{-1/2}`` applied to the unit rows)."""
    units = problem.X / problem.input_norms[:, None]
    values, vectors = np.linalg.eigh(units @ units.T)
    rows = (vectors * values**-0.5) @ vectors.T @ units
    X = problem.input_norms[:, None] * rows / np.linalg.norm(rows, axis=1)[:, None]
    return Problem(problem.y, problem.directions * problem.init_norms[:, None], a0=problem.output_weights, X=X)


def part_near(count=8):
    print("| ε (max \\|cos\\|) | λ | λ_c (median) | runs fitting the predicted data | runs where a component came back "
          "| max rel. Δ half-fit times vs twin | max rel. Δ final ‖θ‖² vs twin | ε/2 |")
    print("|---|---|---|---|---|---|---|---|")
    for eps in (1e-8, 1e-6, 1e-4, 1e-2):
        chosen = []
        for seed in range(200):
            p = random_problem(seed, near=eps)
            signs, mask, jumps = prediction(p)
            if jumps and reference_margin(p.y, p.input_norms, mask, jumps) * np.log(1e6) >= 5:
                chosen.append((p, orthogonal_twin(p), signs, mask, jumps))
            if len(chosen) == count:
                break
        scales = np.median([p.coupling_scale for p, *_ in chosen])
        coupling = max(p.regime.coupling for p, *_ in chosen)
        for lam in (1e-2, 1e-6, 1e-12, 1e-24):
            matching = wakes = 0
            time_gap = norm_gap = 0.0
            for p, twin, signs, mask, jumps in chosen:
                L = np.log(1 / lam)
                slowest = min(np.linalg.norm((p.y * p.input_norms)[data]) / p.n for _, _, data, *_ in jumps)
                t_max = 1.3 * jumps[-1][0] * L + 40.0 / slowest
                run, other = simulate_flow(p, lam, t_max=t_max), simulate_flow(twin, lam, t_max=t_max)
                ok, times = compare(p, signs, mask, jumps, run)
                _, twin_times = compare(twin, signs, mask, jumps, other)
                matching += ok
                wakes += woken(p, run) > 0
                if ok:
                    time_gap = max(time_gap, float(np.nanmax(np.abs(times / twin_times - 1))))
                    norm_gap = max(norm_gap, abs(run.theta_sq_norm[-1] / other.theta_sq_norm[-1] - 1))
            print(f"| {eps:.0e} | {lam:.0e} | {scales:.1e} | {matching}/{len(chosen)} | {wakes}/{len(chosen)} | "
                  f"{time_gap:.1e} | {norm_gap:.1e} | {coupling / 2:.1e} |")


def part_e3():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((75, 150))
    y = rng.standard_normal(75)
    units = X / np.linalg.norm(X, axis=1)[:, None]
    cosines = units @ units.T - np.eye(75)
    weighted = np.abs(y) * np.linalg.norm(X, axis=1)
    print(f"max |cos| = {np.abs(cosines).max():.2f}, ε = ||Ĝ − I||₂ = {np.abs(np.linalg.eigvalsh(cosines)).max():.2f}, "
          f"ceiling ε* = {weighted.min() / np.linalg.norm(weighted):.1e}")


def part_speed():
    print("| problem | λ | evaluations | seconds |")
    print("|---|---|---|---|")
    figure1 = load_problem("examples/figure1.npz")
    base = Problem(**REF3)
    norms = np.array([0.5, 0.8, 1.2, 1.5, 2.0, 0.7])
    cases = [
        ("examples/figure1.npz", figure1),
        ("REF3", base),
        ("REF3, norms 0.5 to 2", Problem(REF3["y"], REF3["W0"], signs=REF3["signs"], X=np.diag(norms))),
        ("REF3, a0 = 0.5 s ‖W0‖", Problem(REF3["y"], REF3["W0"],
                                            a0=0.5 * np.array(REF3["signs"]) * np.linalg.norm(REF3["W0"], axis=1))),
    ]
    reference = limit_process(base)
    for name, p in cases:
        for lam in (1e-8, 1e-32):
            # the REF3 variants run as long as REF3 itself
            t_max = None if p is figure1 else default_t_max(reference, np.log(1 / lam))
            best = np.inf
            for _ in range(3):
                run = simulate_flow(p, lam, t_max=t_max)
                best = min(best, run.seconds)
            print(f"| {name} | {lam:.0e} | {run.nfev} | {best:.2f} |")


PARTS = {"reference": part_reference, "offsets": part_offsets, "near": part_near, "e3": part_e3, "speed": part_speed}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=sorted(PARTS), nargs="*", default=list(PARTS))
    parts = parser.parse_args().part
    for index, name in enumerate(parts):
        if index:
            print()
        PARTS[name]()


if __name__ == "__main__":
    main()
