"""Helpers shared by the experiment modules: figures written atomically,
progress counting, small formatting functions."""

import os

import numpy as np

from .registry import write_atomically


def new_figure(panels, size=(12.0, 4.0), rows=1):
    """A matplotlib ``Figure`` (Agg, no pyplot) and its axes."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, layout="constrained")
    axes = figure.subplots(rows, panels, squeeze=False)
    return figure, axes.ravel() if rows == 1 else axes


def save_figure(figure, outdir, name, dpi=110):
    """Write ``figure`` to ``outdir/name.png`` through a temporary file; returns the path."""
    path = os.path.join(outdir, f"{name}.png")
    write_atomically(path, lambda handle: figure.savefig(handle, format="png", dpi=dpi), mode="wb")
    return path


class Counter:
    """Calls ``progress(done, total)`` as units of work finish."""

    def __init__(self, progress, total):
        self.progress, self.total, self.done = progress, int(total), 0
        progress(0, self.total)

    def step(self, amount=1):
        self.done += amount
        self.progress(min(self.done, self.total), self.total)


def fmt(value, digits=4):
    """A number for a table cell."""
    if value is None:
        return "—"
    value = float(value)
    if not np.isfinite(value):
        return str(value)
    return f"{value:.{digits}g}"


def fmt_list(values, digits=3):
    return "(" + ", ".join(fmt(v, digits) for v in values) + ")"


def slope_text(fit):
    """``slope ± se`` of a :class:`~limitproc.studies.LogLogFit`."""
    return f"{fit.slope:.3f} ± {fit.stderr:.3f}"
