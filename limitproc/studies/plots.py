"""Figures of the parameter studies: implicit bias and the interpolation threshold.

* :func:`plot_norm_vs_n`: squared norm of the reached interpolator
  ``||θ_K||²`` and of the minimum-norm one ``||θ*||²`` against ``n``,
  log-log, mean over repeats with min/max bands and fitted slopes, and the
  ratio (seed 002 Appendix A Figure 5; spec §4).
* :func:`plot_norm_vs_width`: the same against the width ``m`` at fixed
  ``n`` (seed 002 Figure 6).
* :func:`plot_interpolation_threshold`: probability that every row of the
  mask is non-zero (= Algorithm 1 interpolates, spec §3) against ``m`` for
  several ``n``, exact curves and Monte Carlo points
  (:mod:`limitproc.studies.probability`).

matplotlib is imported inside the functions, and figures are built with
:class:`matplotlib.figure.Figure` (no pyplot, no global state); saving a PNG
uses the Agg canvas whatever the interactive backend, and writes it with a
128-colour palette (a few tens of KB).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .sweeps import SweepResult

__all__ = ["plot_norm_vs_n", "plot_norm_vs_width", "plot_interpolation_threshold"]

_COLORS = ("tab:blue", "tab:red", "tab:green", "tab:purple", "tab:orange", "tab:brown")


def _figure(panels, size=(10.0, 3.8)):
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, layout="constrained")
    return figure, figure.subplots(1, panels)


def _plain_log_ticks(ax, minor):
    """Plain numbers (not ``2 × 10^1``) on a log-scaled y axis; minor tick
    labels only when the axis spans less than a decade (``minor``)."""
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    for setter, wanted in ((ax.yaxis.set_major_formatter, True), (ax.yaxis.set_minor_formatter, minor)):
        formatter = ScalarFormatter() if wanted else NullFormatter()
        if wanted:
            formatter.set_scientific(False)
        setter(formatter)


def _save(figure, path, dpi):
    """Write a PNG with a 128-colour palette (a few tens of KB, small
    enough to commit); other formats as matplotlib writes them."""
    if path is None:
        return figure
    if not str(path).lower().endswith(".png"):
        figure.savefig(path, dpi=dpi)
        return figure
    from io import BytesIO

    from PIL import Image  # a dependency of matplotlib

    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    buffer.seek(0)
    with Image.open(buffer) as image:
        image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return figure


def _series(stats, key):
    """Arrays (x, mean, min, max) of a metric along a series of stats."""
    return (
        np.array([s.mean[key] for s in stats]),
        np.array([s.min[key] for s in stats]),
        np.array([s.max[key] for s in stats]),
    )


def _band(ax, x, metric, color, label, style="-", marker="o"):
    mean, low, high = metric
    ax.plot(x, mean, style, color=color, marker=marker, markersize=3.5, label=label)
    ax.fill_between(x, low, high, color=color, alpha=0.18, linewidth=0)


def plot_norm_vs_n(
    result: SweepResult,
    *,
    labels: str = "gaussian",
    widths: Iterable[str | int] | None = None,
    interpolating_only: bool = True,
    path: str | os.PathLike[str] | None = None,
    dpi: int = 100,
    title: str | None = None,
) -> Figure:
    """Squared norms of reached and optimal interpolators against ``n``.

    Left: log-log ``||θ_K||²`` (one line per width rule, solid) and
    ``||θ*||² = 2 (||y_+|| + ||y_-||)`` (dashed), means over repeats with
    min/max bands, with the log-log slopes of the means in the legend.
    Right: the ratio ``||θ_K||² / ||θ*||²`` (seed 002 Theorem 3 bounds it by
    a constant w.h.p.), with the value ``1 + √2`` it tends to when every
    jump fits about half of the remaining data (``docs/studies.md``).

    Parameters
    ----------
    result : SweepResult
        A :func:`~limitproc.studies.sweeps.sweep` over several ``n``.
    labels : str
        Label distribution to plot.
    widths : iterable of str, optional
        Width rules to plot (default: all of the sweep).
    interpolating_only : bool
        Summarize only runs that interpolate (default).
    path : str or path-like, optional
        Write a PNG there.
    dpi : int
        Resolution of the file.
    title : str, optional
        Title of the left panel.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from limitproc.studies import sweep
    >>> figure = plot_norm_vs_n(sweep([8, 32, 128], ["6log"], repeats=2, workers=1))
    >>> [ax.get_xlabel() for ax in figure.axes]
    ['n (data)', 'n (data)']
    """
    figure, (left, right) = _figure(2)
    stats = [s for s in result.stats(interpolating_only=interpolating_only) if s.labels == labels]
    widths = [str(w) for w in (widths or result.widths)]
    slopes = result.slopes("sq_norm", interpolating_only=interpolating_only)
    optimum_slopes = result.slopes("min_sq_norm", interpolating_only=interpolating_only)
    for color, width in zip(_COLORS, widths):
        series = sorted((s for s in stats if s.width == width and s.used), key=lambda s: s.n)
        if not series:
            continue
        n = np.array([s.n for s in series])
        fit = slopes.get((width, labels))
        name = _width_name(width) + (f", slope {fit.slope:.3f}" if fit else "")
        _band(left, n, _series(series, "sq_norm"), color, f"reached, {name}")
        _band(right, n, _series(series, "ratio"), color, _width_name(width))
    reference = sorted((s for s in stats if s.width == widths[0] and s.used), key=lambda s: s.n)
    if reference:
        fit = optimum_slopes.get((widths[0], labels))
        name = "optimal ||θ*||²" + (f", slope {fit.slope:.3f}" if fit else "")
        _band(left, np.array([s.n for s in reference]), _series(reference, "min_sq_norm"), "black", name, "--", "s")
    left.set(xscale="log", yscale="log", xlabel="n (data)", ylabel="squared norm")
    _plain_log_ticks(left, minor=False)
    left.legend(fontsize=7.5)
    left.set_title(title or f"Algorithm 1 (λ → 0), labels {labels}, X = I_n", fontsize=9)
    right.axhline(1.0, color="black", linestyle="--", linewidth=0.8)
    right.axhline(1 + math.sqrt(2), color="gray", linestyle=":", linewidth=1.0, label="1 + √2 (heuristic n → ∞ limit)")
    right.set(xscale="log", xlabel="n (data)", ylabel="||θ_K||² / ||θ*||²")
    right.legend(fontsize=7.5)
    right.set_title("implicit bias ratio (mean, min–max)", fontsize=9)
    return _save(figure, path, dpi)


def _width_name(width):
    return f"m = ⌈{width[:-3]} ln n⌉" if str(width).endswith("log") else f"m = {width}"


def plot_norm_vs_width(
    result: SweepResult,
    *,
    n: int | None = None,
    labels: str = "gaussian",
    interpolating_only: bool = True,
    path: str | os.PathLike[str] | None = None,
    dpi: int = 100,
    title: str | None = None,
) -> Figure:
    """Squared norms of reached and optimal interpolators against the width.

    Left: log-log ``||θ_K||²`` and ``||θ*||²`` against ``m`` at fixed ``n``
    (mean and min/max band over repeats; the repeats share their labels
    across widths, so the optimum, taken over all runs, is flat and its band
    is the spread of the labels).  Right: ``ratio - 1`` log-log,
    which is 0 exactly in the two-phase case (spec §4), with its fitted
    slope.

    Parameters
    ----------
    result : SweepResult
        A sweep over several fixed widths.
    n : int, optional
        The number of data (default: the only, or the first, ``n``).
    labels : str
        Label distribution to plot.
    interpolating_only : bool
        Summarize only runs that interpolate (default).
    path : str or path-like, optional
        Write a PNG there.
    dpi : int
        Resolution of the file.
    title : str, optional
        Title of the left panel.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from limitproc.studies import sweep
    >>> figure = plot_norm_vs_width(sweep([16], [8, 32, 128], repeats=2, workers=1))
    >>> figure.axes[0].get_xlabel()
    'm (width)'
    """
    n = result.ns[0] if n is None else n
    stats = sorted(
        (s for s in result.stats(interpolating_only=interpolating_only) if s.n == n and s.labels == labels and s.used),
        key=lambda s: s.m,
    )
    figure, (left, right) = _figure(2)
    m = np.array([s.m for s in stats])
    _band(left, m, _series(stats, "sq_norm"), _COLORS[0], "reached ||θ_K||²")
    every = sorted((s for s in result.stats() if s.n == n and s.labels == labels), key=lambda s: s.m)
    optimum = _series(every, "min_sq_norm")
    _band(left, np.array([s.m for s in every]), optimum, "black", "optimal ||θ*||² (all runs)", "--", "s")
    left.set(yscale="log", xlabel="m (width)", ylabel="squared norm")
    left.set_xscale("log", base=2)
    _plain_log_ticks(left, minor=True)
    left.legend(fontsize=8)
    left.set_title(title or f"Algorithm 1 (λ → 0), n = {n}, labels {labels}", fontsize=9)
    mean, low, high = _series(stats, "ratio")
    excess = (mean - 1, low - 1, high - 1)
    label = "ratio − 1"
    keep = excess[0] > 0
    if keep.sum() >= 2:
        from .fits import loglog_fit

        fit = loglog_fit(m[keep], excess[0][keep])
        label += f", slope {fit.slope:.3f}"
    _band(right, m, excess, _COLORS[1], label)
    right.set_xscale("log", base=2)
    right.set(yscale="log", xlabel="m (width)", ylabel="||θ_K||² / ||θ*||² − 1")
    right.legend(fontsize=8)
    right.set_title("excess of the implicit bias ratio (mean, min–max)", fontsize=9)
    return _save(figure, path, dpi)


def plot_interpolation_threshold(
    ns: Iterable[int] = (),
    ms: Iterable[int] | None = None,
    *,
    splits: Iterable[tuple[int, int]] = (),
    width: int | None = None,
    mc_ms: Iterable[int] | None = None,
    samples: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    method: Literal["exact", "wilson"] = "exact",
    path: str | os.PathLike[str] | None = None,
    dpi: int = 100,
) -> Figure:
    """Probability that every row of the mask is non-zero, against ``m``.

    For each ``n`` of ``ns`` (labels split ``n_+ = ⌈n/2⌉``, ``n_- = ⌊n/2⌋``)
    and each ``(n_+, n_-)`` of ``splits``: the exact
    curve of :func:`~limitproc.studies.probability.rows_nonzero_probability`
    (evaluated in floating point, ``exact=False``; the
    probability that Algorithm 1 interpolates, spec §3), the union bound
    ``1 - n (3/4)^m`` (dotted), and Monte Carlo points with confidence bars.
    Right: the same exact curves against ``m / ln n``, which collapse near
    ``1 / ln(4/3) ≈ 3.48``: interpolation needs ``m ≈ log n``.

    Parameters
    ----------
    ns : iterable of int
        Numbers of data, split evenly between the signs.
    ms : iterable of int, optional
        Widths of the exact curves (default ``1..⌈6 ln(max n)⌉``, and up to
        ``width``).
    splits : iterable of (int, int)
        Curves for given numbers of positive and negative labels.
    width : int, optional
        A width to mark with a vertical line (e.g. the network's).
    mc_ms : iterable of int, optional
        Widths of the Monte Carlo points (default: about 8 per curve).
    samples : int
        Monte Carlo samples per point (0: none).
    seed : int
        Seed of the Monte Carlo (each point draws from ``[seed, n, m]``).
    confidence : float
        Level of the Monte Carlo intervals.
    method : {"exact", "wilson"}
        Clopper–Pearson or Wilson intervals.
    path : str or path-like, optional
        Write a PNG there.
    dpi : int
        Resolution of the file.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        Neither ``ns`` nor ``splits`` is given.

    Examples
    --------
    >>> figure = plot_interpolation_threshold([16, 256], samples=100)
    >>> figure.axes[1].get_xlabel()
    'm / ln n'
    """
    from .probability import (
        MonteCarloEstimate,
        rows_nonzero_probability,
        sample_init_events,
    )

    curves = [(int(p), int(q)) for p, q in splits] + [((int(n) + 1) // 2, int(n) // 2) for n in sorted(ns)]
    if not curves:
        raise ValueError("give at least one n (ns) or one (n_+, n_-) pair (splits)")
    top = max(p + q for p, q in curves)
    if ms is None:
        ms = list(range(1, max(math.ceil(6 * math.log(max(top, 2))), int(width or 0)) + 1))
    ms = sorted(int(m) for m in ms)
    figure, (left, right) = _figure(2)
    for color, (n_pos, n_neg) in zip(_COLORS * len(curves), curves):
        n = n_pos + n_neg
        label = f"n = {n}" if (n_pos, n_neg) == ((n + 1) // 2, n // 2) else f"n+ = {n_pos}, n− = {n_neg}"
        exact = np.array([rows_nonzero_probability(n_pos, n_neg, m, exact=False) for m in ms])
        left.plot(ms, exact, "-", color=color, label=f"{label} (exact)")
        union = 1 - n * 0.75 ** np.array(ms, dtype=float)
        left.plot(ms, np.clip(union, 0, None), ":", color=color, linewidth=0.9)
        if n > 1:
            right.plot(np.array(ms) / math.log(n), exact, "-", color=color, label=label)
        if samples:
            low_m = next((m for m, p in zip(ms, exact) if p > 0.01), ms[0])
            high_m = next((m for m, p in zip(ms, exact) if p > 0.999), ms[-1])
            points = sorted(set(mc_ms or np.unique(np.linspace(low_m, high_m, 8).round().astype(int)).tolist()))
            estimates = []
            for m in points:
                events = sample_init_events(n_pos, n_neg, m, samples, seed=[seed, n, m])
                estimates.append(MonteCarloEstimate.from_counts(int(events["rows_nonzero"].sum()), samples, confidence,
                                                                method))
            mid = np.array([e.estimate for e in estimates])
            bars = np.array([mid - [e.low for e in estimates], [e.high for e in estimates] - mid])
            left.errorbar(points, mid, yerr=bars, fmt="o", color=color, markersize=3, capsize=2, linewidth=0.8)
    if width is not None:
        left.axvline(width, color="black", linestyle="--", linewidth=0.8, label=f"m = {width}")
    left.set(xlabel="m (width)", ylabel="P(every row of the mask non-zero)", ylim=(-0.02, 1.02))
    left.legend(fontsize=7.5, loc="lower right")
    sampled = f"Monte Carlo {samples} samples (points, {confidence:.0%} CI)" if samples else "no Monte Carlo"
    left.set_title(f"exact (lines), {sampled}, 1 − n(3/4)^m (dotted)", fontsize=8)
    right.axvline(1 / math.log(4 / 3), color="gray", linestyle="--", linewidth=0.8)
    right.set(xlabel="m / ln n", ylabel="P(interpolation)", xlim=(0, 8), ylim=(-0.02, 1.02))
    right.legend(fontsize=7.5, loc="lower right")
    right.set_title("threshold m ≈ ln n / ln(4/3) (dashed)", fontsize=9)
    return _save(figure, path, dpi)
