"""A picture of the limit process: the loss staircase and the norm exponents.

Left, the training loss against time: the limit process is the staircase
``L(θ_k)`` on ``[τ_k, τ_{k+1})`` (spec §3); given finite-λ predictions
(:func:`~limitproc.finite.corrections.finite_lambda`), their smooth loss
curve is drawn over it, where it is predicted.  Right, the norm exponents
``e_j(τ)`` with ``||w_j|| ≈ λ^{e_j(τ)}`` (spec §2): they start at 1, fall
at the neuron's rate between jumps, bend where a jump takes some of its
data, and reach 0 at its own jump (seed 002 Figure 3 in the limit).  Rates
change only at jumps, so the exponents at ``0, τ_1, …, τ_K`` and one point
after draw them exactly.

matplotlib is imported inside :func:`plot_process` only, through the
object-oriented API with the Agg canvas, so ``import limitproc`` stays free
of it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..finite.corrections import FiniteLambdaPrediction
    from .algorithm1 import LimitProcess

__all__ = ["plot_process"]

#: Neurons whose exponents are drawn: the first jumping ones.
MAX_NEURONS = 12


def plot_process(
    process: LimitProcess,
    path: str | os.PathLike[str],
    *,
    log_inv_lam: float | None = None,
    finite: FiniteLambdaPrediction | None = None,
    max_neurons: int = MAX_NEURONS,
) -> str | os.PathLike[str]:
    """Draw the loss staircase and the norm exponents of ``process`` (module
    docstring) and write the figure to ``path``.

    Parameters
    ----------
    process : LimitProcess
        The limit process (:func:`~limitproc.limit_process`).
    path : str or path-like
        Image file; the format follows its extension (``.png``, ``.pdf``, …).
    log_inv_lam : float, optional
        ``ln(1/λ)``: the loss is drawn against the time ``t = τ ln(1/λ)``
        (against ``τ`` without it).
    finite : FiniteLambdaPrediction, optional
        Finite-λ predictions at that scale: their loss curve is drawn too.
    max_neurons : int
        Exponents drawn for the first ``max_neurons`` jumping neurons.

    Returns
    -------
    str or path-like
        ``path``.

    Examples
    --------
    >>> import os, tempfile
    >>> from limitproc import Problem, limit_process
    >>> process = limit_process(Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1]))
    >>> path = os.path.join(tempfile.mkdtemp(), "process.png")
    >>> plot_process(process, path, log_inv_lam=18.4) == path and os.path.getsize(path) > 0
    True
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ..scale import lambda_label

    figure = Figure(figsize=(11.0, 4.2), layout="constrained")
    FigureCanvasAgg(figure)
    loss_axes, exponent_axes = figure.subplots(1, 2)
    taus = np.concatenate([[0.0], process.times])
    end = 1.15 * taus[-1] if taus[-1] > 0 else 1.0
    scale = 1.0 if log_inv_lam is None else float(log_inv_lam)
    unit = "τ (accelerated time)" if log_inv_lam is None else f"t = τ ln(1/λ), λ = {lambda_label(scale)}"

    steps = np.concatenate([taus, [end]]) * scale
    loss_axes.step(steps, np.concatenate([process.losses, process.losses[-1:]]), where="post", color="C0",
                   label="limit process: L(θ_k) from τ_k on")
    if finite is not None:
        t, loss = finite.loss_curve(600, t_max=end * scale)
        loss_axes.plot(t, loss, color="C3", lw=1.2, label="finite-λ prediction")
    for tau in taus[1:]:
        loss_axes.axvline(tau * scale, color="gray", lw=0.5, alpha=0.5)
    loss_axes.set_xlabel(unit)
    loss_axes.set_ylabel("training loss L")
    loss_axes.set_title("Loss: plateaus at the saddles θ_k, drops at the jumps", fontsize=10)
    loss_axes.legend(fontsize=8)

    shown = list(dict.fromkeys(process.neurons))[:max_neurons]
    if shown:
        last = min(len(taus) - 1, max(process.neurons.index(j) + 1 for j in shown))
        # exact: the exponents are linear between consecutive jumps
        grid = taus[: last + 2] if last < len(taus) - 1 else np.concatenate([taus, [end]])
        values = np.array([process.exponents(float(tau))[shown] for tau in grid])
        for column, neuron in enumerate(shown):
            exponent_axes.plot(grid, values[:, column], lw=1.2, label=f"neuron {neuron}")
    for tau in taus[1:]:
        exponent_axes.axvline(tau, color="gray", lw=0.5, alpha=0.5)
    exponent_axes.set_xlabel("τ (accelerated time)")
    exponent_axes.set_ylabel("e_j(τ): ||w_j|| ≈ λ^e_j")
    exponent_axes.set_ylim(-0.03, 1.03)
    more = f" (first {len(shown)} of {process.K} jumps)" if process.K > len(shown) else ""
    exponent_axes.set_title("Norm exponents of the jumping neurons" + more, fontsize=10)
    if shown:
        exponent_axes.legend(fontsize=7, ncol=2)
    figure.savefig(path, dpi=110)
    return path
