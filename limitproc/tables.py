"""Rich tables for the command line (imported only when rendering)."""

import numpy as np
from rich.console import Group
from rich.table import Table

from .scale import lambda_label

__all__ = ["prediction_renderable", "saddle_table", "summary_table", "number"]


def number(value, exact=False, digits=7):
    """A number for a table: ``exact ≈ float`` in exact mode."""
    if value is None:
        return "—"
    as_float = float(value)
    text = f"{as_float:.{digits}g}"
    if exact:
        literal = str(value)
        if literal != text:
            return f"{literal} ≈ {text}"
    return text


def saddle_table(prediction):
    """One row per saddle ``θ_k`` (spec §3)."""
    process = prediction.process
    exact = process.backend == "exact"
    scale = prediction.log_inv_lambda
    table = Table(
        title=f"Saddles of the limit process ({process.backend} backend, spec §3)",
        title_justify="left",
        caption="τ: accelerated time t/ln(1/λ); t: gradient-flow time; L: training loss (1/(2n))Σ(h−y)²; "
        "||θ||²: squared ℓ2 norm of all weights",
        caption_justify="left",
    )
    table.add_column("k", justify="right")
    table.add_column("τ_k (accelerated)", justify="right", overflow="fold")
    if scale is not None:
        table.add_column(f"t_k = τ_k ln(1/λ), λ={lambda_label(scale)}", justify="right")
    table.add_column("neuron j_k", justify="right")
    table.add_column("data fitted (count)", justify="right")
    table.add_column("loss L(θ_k)", justify="right", overflow="fold")
    table.add_column("||θ_k||²", justify="right", overflow="fold")
    for s in process.saddles:
        neuron = "—" if s.neuron is None else str(s.neuron)
        if len(s.group) > 1:
            neuron += f" (group of {len(s.group)})"
        row = [str(s.k), number(s.tau, exact)]
        if scale is not None:
            row.append(f"{float(s.tau) * scale:.7g}")
        row += [neuron, str(len(s.data)), number(s.loss, exact), number(s.sq_norm, exact)]
        table.add_row(*row)
    return table


def summary_table(prediction):
    """Final interpolator, minimum norm, ratio, closed forms and margin."""
    process = prediction.process
    exact = process.backend == "exact"
    final = process.final
    table = Table(title="Summary", title_justify="left", show_header=True)
    table.add_column("quantity")
    table.add_column("value", justify="right", overflow="fold")
    table.add_column("meaning / source", overflow="fold")
    table.add_row("jumps K", str(process.K), "neurons that grow, one per saddle (≤ min(m, n))")
    table.add_row("final loss L(θ_K)", number(final.loss, exact),
                  "0 iff every datum has an active neuron of its sign" if process.interpolates else
                  f"> 0: {process.mask.zero_rows.size} data can never be fitted")
    table.add_row("||θ_K||²", number(final.sq_norm, exact), "squared ℓ2 norm of the reached saddle")
    table.add_row("||θ*||²", number(prediction.min_sq_norm, exact),
                  "minimum-norm interpolator 2(||y+||+||y−||), seed 000 Prop. 1")
    table.add_row("ratio ||θ_K||²/||θ*||²", number(prediction.ratio, exact),
                  "implicit bias (≥ 1; 1 in the two-phase case)" if prediction.ratio is not None else
                  "undefined: θ_K does not interpolate")
    tp = prediction.two_phase
    times = ", ".join(number(t, exact) for t in tp.times)
    table.add_row("two-phase times 1/||D±||", times or "—",
                  "seed 000 §4: the process when its Asm. 3 holds "
                  + ("(it holds)" if tp.condition else "(it does not hold here)"))
    margin = prediction.margin
    if margin.value == np.inf:
        table.add_row("resolution margin μ", "∞", "no jump has a competitor: any small λ resolves the process")
    else:
        table.add_row("resolution margin μ", number(margin.value, exact),
                      f"spec §8: smallest exponent of a competitor at a jump (jump {margin.k}, neuron "
                      f"{margin.neuron} vs {margin.competitor})")
        table.add_row("largest λ described", f"10^{margin.log10_largest_lambda():.1f}",
                      "exp(−5/μ): below it the fitted sets match (spec §8)")
        if prediction.log_inv_lambda is not None:
            scaled = float(margin.value) * prediction.log_inv_lambda
            verdict = "resolved" if scaled >= 5 else "NOT resolved: neighbouring neurons will share the fit"
            table.add_row("μ ln(1/λ)", f"{scaled:.3g}", f"at λ = {lambda_label(prediction.log_inv_lambda)}: {verdict}")
    table.add_row("independent sub-processes", str(process.mask.n_components), "connected components of the mask graph")
    return table


def prediction_renderable(prediction):
    parts = [saddle_table(prediction), summary_table(prediction), prediction.report]
    ties = prediction.process.near_ties
    if ties:
        parts.append("[yellow]near-ties kept in float order:[/] " + "; ".join(map(repr, ties)))
    return Group(*parts)
