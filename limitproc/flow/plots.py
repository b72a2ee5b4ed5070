"""Plots of simulated flows over the limit process (seed 002 Figures 1 and 3).

matplotlib is imported inside :func:`plot_validation` only, and through the
object-oriented API with the Agg canvas (no pyplot, no global backend
switch), so ``import limitproc`` stays free of it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from ..scale import lambda_label

if TYPE_CHECKING:
    from ..problem.problem import Problem
    from ..process.algorithm1 import LimitProcess
    from .report import ValidationReport
    from .run import FlowRun

__all__ = ["plot_validation"]

#: Points of the dense output drawn per run (besides the recorded steps).
SAMPLES = 600


def _runs_of(report_or_runs):
    runs = getattr(report_or_runs, "runs", report_or_runs)
    if hasattr(runs, "log_norms"):  # a single FlowRun
        runs = [runs]
    runs = [getattr(r, "run", r) for r in runs]
    if not runs or any(r is None or not hasattr(r, "log_norms") for r in runs):
        raise ValueError("plot_validation needs a ValidationReport, a FlowRun or a sequence of FlowRuns")
    return sorted(runs, key=lambda r: -r.log_inv_lam)  # smallest λ first


def _curves(run, tau_end):
    """Accelerated times and (loss, scaled log-norms, fitted count) of a run,
    on its recorded steps plus a uniform grid from the dense output."""
    t_end = min(tau_end * run.log_inv_lam, run.t_max)
    grid = np.linspace(0.0, t_end, SAMPLES)
    keep = run.t <= t_end
    try:
        rho, _, h = run.sample(grid)
        t = np.concatenate([run.t[keep], grid])
        rho = np.concatenate([run.log_norms[keep], rho])
        h = np.concatenate([run.outputs[keep], h])
    except ValueError:  # no dense output
        t, rho, h = run.t[keep], run.log_norms[keep], run.outputs[keep]
    order = np.argsort(t, kind="stable")
    t, rho, h = t[order], rho[order], h[order]
    y = run.problem.y
    loss = run.problem.loss(h)
    fitted = ((h / np.where(y != 0, y, np.inf)) >= 0.5).sum(axis=1)
    return t / run.log_inv_lam, loss, rho / run.log_inv_lam, fitted


def _finite_curves(runs, process, tau_max, known):
    """Finite-λ loss curves of each run, on its own accelerated grid; ``None``
    where they fail.  ``known`` maps ``id(run)`` to a prediction already made
    by :func:`~limitproc.flow.validation.validate`."""
    from .validation import run_prediction

    offsets = {}
    curves = []
    for run in runs:
        prediction = known.get(id(run)) or run_prediction(process, run, offsets)
        tau = np.linspace(0.0, tau_max, 1200)
        try:
            curves.append(None if prediction is None else (tau, prediction.loss(tau * run.log_inv_lam)))
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):
            curves.append(None)
    return curves


def plot_validation(
    report_or_runs: ValidationReport | FlowRun | Sequence[FlowRun],
    process: LimitProcess,
    path: str | os.PathLike[str],
    *,
    tau_max: float | None = None,
    title: str | None = None,
    dpi: int = 120,
    finite: bool = True,
) -> str:
    """Write a PNG comparing flows with the limit process.

    Three panels against accelerated time ``τ = t / ln(1/λ)`` (spec §1):

    1. the training loss of every run over the predicted plateaus
       ``L(θ_k)`` (dashed step function; dotted lines at the jump times
       ``τ_k``), as in seed 002 Figure 1, and, dashed in each run's colour,
       the finite-λ prediction of that run (logistic jumps at the corrected
       times and the relaxation after them; :mod:`limitproc.finite.corrections`);
    2. ``ln ||w_j|| / ln(1/λ)`` per neuron for the smallest ``λ`` (solid;
       larger ``λ`` faint) over the predicted piecewise-linear ``−e_j(τ)``
       (dashed; spec §2), as in seed 002 Figure 3;
    3. the number of fitted data (``h(x_i) ≥ y_i / 2``, spec §7) over the
       predicted cumulative count.

    Parameters
    ----------
    report_or_runs : ValidationReport, FlowRun or sequence of FlowRun
        The flows to draw.
    process : LimitProcess
        The prediction (``report.process`` for a report).
    path : str or path-like
        Where to write the PNG.
    tau_max : float, optional
        Right end of the τ axis (default: the shortest run, at most
        ``1.5 τ_K``).
    title : str, optional
        Title of the figure (default: sizes, ``K`` and ``μ``).
    dpi : int
        Resolution.
    finite : bool
        Draw the finite-λ loss curves (``docs/finite-lambda.md``).

    Returns
    -------
    str
        ``path``.

    Raises
    ------
    ValueError
        ``report_or_runs`` holds no flow.

    Examples
    --------
    >>> import os, tempfile
    >>> from limitproc import Problem, validate
    >>> report = validate(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1]), [1e-8])
    >>> path = os.path.join(tempfile.mkdtemp(), "validation.png")
    >>> plot_validation(report, report.process, path) == path, os.path.getsize(path) > 0
    (True, True)
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    runs = _runs_of(report_or_runs)
    times = list(process.times)
    tau_K = times[-1] if times else 1.0
    if tau_max is None:
        tau_max = min(min(r.t_max / r.log_inv_lam for r in runs), 1.5 * tau_K if times else np.inf)
        tau_max = tau_max if np.isfinite(tau_max) else 1.0
    problem = cast("Problem", process.problem)  # typed object in limitproc/process/
    m = problem.m

    fig = Figure(figsize=(9.0, 10.0), layout="constrained")
    FigureCanvasAgg(fig)
    ax_loss, ax_norm, ax_fit = fig.subplots(3, 1, sharex=True, height_ratios=[1.0, 1.4, 0.7])
    import matplotlib as mpl

    shades = mpl.colormaps["viridis"](np.linspace(0.1, 0.85, len(runs)))
    neuron_colors = mpl.colormaps["tab10" if m <= 10 else "tab20"](np.arange(m) % (10 if m <= 10 else 20))

    # Predicted curves.
    tau_grid = np.linspace(0.0, tau_max, 800)
    edges = [0.0] + times + [tau_max]
    losses = process.losses
    ax_loss.step(edges[:-1] + [tau_max], list(losses) + [losses[-1]], where="post",
                 color="black", lw=1.6, ls="--", label="limit process L(θ_k)", zorder=5)
    exponents = np.array([process.exponents(t) for t in tau_grid])
    for j in range(m):
        ax_norm.plot(tau_grid, -exponents[:, j], color=neuron_colors[j], ls="--", lw=1.4, zorder=5)
    counts = np.cumsum([0] + [len(s.data) for s in process.jumps])
    ax_fit.step(edges[:-1] + [tau_max], list(counts) + [counts[-1]], where="post",
                color="black", lw=1.6, ls="--", label="predicted", zorder=5)
    for ax in (ax_loss, ax_norm, ax_fit):
        for t in times:
            if t <= tau_max:
                ax.axvline(t, color="grey", lw=0.8, ls=":")

    # Flows, and their finite-λ predictions.
    known = {id(c.run): c.finite for c in getattr(report_or_runs, "runs", ()) if getattr(c, "finite", None)}
    finite_curves = _finite_curves(runs, process, tau_max, known) if finite and times else [None] * len(runs)
    labelled = False
    for index, (run, shade, curve) in enumerate(zip(runs, shades, finite_curves)):
        tau, loss, scaled, fitted = _curves(run, tau_max)
        smallest = index == 0
        ax_loss.plot(tau, loss, color=shade, lw=1.3, label=f"λ = {lambda_label(run.log_inv_lam)}")
        if curve is not None:
            ax_loss.plot(*curve, color=shade, lw=1.1, ls=(0, (4, 2)), alpha=0.9, zorder=6,
                         label=None if labelled else "finite-λ prediction (same colour)")
            labelled = True
        ax_fit.plot(tau, fitted, color=shade, lw=1.2, label=f"λ = {lambda_label(run.log_inv_lam)}")
        for j in range(m):
            ax_norm.plot(tau, scaled[:, j], color=neuron_colors[j], lw=1.5 if smallest else 0.8,
                         alpha=1.0 if smallest else 0.35,
                         label=f"neuron {j} (s = {int(problem.signs[j]):+d})" if smallest else None)

    ax_loss.set_ylabel("training loss L")
    ax_loss.set_ylim(bottom=0.0)
    ax_loss.legend(fontsize=8, loc="upper right")
    ax_norm.set_ylabel("ln ||w_j|| / ln(1/λ)")
    lowest = min(float(np.min(r.scaled_log_norms)) for r in runs)
    ax_norm.set_ylim(max(lowest, -1.6) - 0.05, 0.15)
    ax_norm.legend(fontsize=7, loc="lower right", ncol=2 if m > 6 else 1,
                   title=f"solid: λ = {lambda_label(runs[0].log_inv_lam)}; dashed: −e_j(τ)", title_fontsize=7)
    ax_fit.set_ylabel("fitted data")
    ax_fit.set_xlabel("accelerated time τ = t / ln(1/λ)")
    ax_fit.set_xlim(0.0, tau_max)
    margin = process.resolution_margin
    fig.suptitle(title or (
        f"Gradient flow vs limit process: n = {problem.n}, m = {m}, K = {process.K}, "
        f"μ = {float(margin.value):.3g}"
    ))
    fig.savefig(path, dpi=dpi)
    return str(path)
