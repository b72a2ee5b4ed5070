"""The comparison figure: a logged run over its predicted path (matplotlib).

Two panels against the step: the logged loss (spec §1 units) over the
predicted plateaus ``L(θ_k)`` (dashed step function), and, when the log has
``|a_j|``, ``ln|a_j|`` per neuron over the predicted log-norms
``−e_j(τ) ln(1/λ)`` (spec §2; dashed), with dotted lines at the predicted
jump steps.  Written atomically (temporary file, then rename).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from ..atomic import atomic_path

if TYPE_CHECKING:
    from .compare import Comparison

__all__ = ["plot_comparison"]


def plot_comparison(comparison: Comparison, path: str | os.PathLike[str]) -> None:
    """Write the comparison figure of ``comparison`` to ``path`` (PNG).

    Parameters
    ----------
    comparison : Comparison
        From :func:`~limitproc.runs.compare.compare`.
    path : str or path-like
        Where to write the PNG (atomically).

    Returns
    -------
    None

    Raises
    ------
    OutputError
        ``path`` cannot be written.

    Examples
    --------
    >>> import os, tempfile
    >>> from limitproc import Problem, limit_process
    >>> from limitproc.flow import simulate_gd
    >>> from limitproc.runs import compare, log_from_run
    >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
    >>> comparison = compare(limit_process(p), log_from_run(simulate_gd(p, 1e-8, step=0.05, steps=400)))
    >>> path = os.path.join(tempfile.mkdtemp(), "run.png")
    >>> plot_comparison(comparison, path); os.path.getsize(path) > 0
    True
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..scale import lambda_label

    pred = comparison.prediction
    log = comparison.log
    steps = log.steps.astype(float)
    loss = comparison.observed_loss
    end = max(float(steps[-1]), float(pred.steps[-1]) * 1.1 if pred.K else float(steps[-1]))
    grid = np.linspace(0.0, end, 2000)
    panels = 2 if log.a is not None else 1
    fig, axes = plt.subplots(panels, 1, figsize=(8.5, 3.6 * panels), sharex=True, squeeze=False)
    ax = axes[0, 0]
    ax.semilogy(steps, np.maximum(loss, 1e-300), color="C0", lw=1.4, label="logged loss (spec §1 units)")
    ax.semilogy(grid, pred.loss_at_step(grid), "k--", lw=1.0, label="predicted plateaus L(θ_k)")
    floor = max(float(np.min(loss[loss > 0])) if (loss > 0).any() else 1e-12, 1e-12)
    ax.set_ylim(bottom=min(floor, max(pred.losses[-1], 1e-12)) / 3)
    ax.set_ylabel("loss")
    title = (f"λ = {lambda_label(pred.log_inv_lam)}, lr = {pred.lr:g} ({pred.reduction}), h = {pred.step_size:g}: "
             f"{comparison.verdict.name.lower()}")
    ax.set_title(title, fontsize=10)
    for j in comparison.jumps:
        for axis in axes[:, 0]:
            axis.axvline(j.predicted_step, color="grey", ls=":", lw=0.8)
        if np.isfinite(j.observed_step):
            ax.plot([j.observed_step], [np.interp(j.observed_step, steps, loss)], "o", color="C3", ms=4)
    ax.plot([], [], "o", color="C3", ms=4, label="observed jump")
    ax.legend(fontsize=8, loc="lower left")
    if log.a is not None:
        ax2 = axes[1, 0]
        predicted = pred.log_norms_at_step(grid)
        with np.errstate(divide="ignore"):
            observed = np.log(log.a)
        for neuron in range(log.a.shape[1]):
            color = f"C{neuron % 10}"
            ax2.plot(steps, observed[:, neuron], color=color, lw=1.2)
            ax2.plot(grid, predicted[:, neuron], color=color, ls="--", lw=0.9)
        ax2.set_ylabel("ln |a_j|  (dashed: predicted ln ‖w_j‖)")
        ax2.set_ylim(bottom=max(-1.05 * pred.log_inv_lam - 5, np.nanmin(observed[np.isfinite(observed)]) - 1))
    axes[-1, 0].set_xlabel("step")
    fig.tight_layout()
    try:
        with atomic_path(os.fspath(path)) as temporary:
            fig.savefig(temporary, dpi=110, format="png")
    finally:
        plt.close(fig)
