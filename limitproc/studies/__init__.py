"""Studies over many problems: implicit bias against n and m, probability of the assumptions.

* :mod:`~limitproc.studies.sweep`: Algorithm 1 over grids of sizes, label
  laws and seeds, in parallel (seed 002 Figures 5–6);
* :mod:`~limitproc.studies.probability`: exact and Monte Carlo probabilities
  that a random initialization satisfies the assumptions (spec §5), the
  draws in :mod:`~limitproc.studies.monte_carlo`;
* :mod:`~limitproc.studies.plots`: their figures (matplotlib).
"""

from .fits import LogLogFit, loglog_fit
from .grid import LABEL_DISTRIBUTIONS, LogWidth, SweepRow, parse_width, sample_problem
from .monte_carlo import MonteCarloEstimate, sample_init_events
from .plots import plot_interpolation_threshold, plot_norm_vs_n, plot_norm_vs_width
from .probability import (
    InitProbabilities,
    assumption4_probability,
    init_probabilities,
    proposition2_bound,
    rows_nonzero_probability,
    rows_union_bound,
    two_phase_probability,
)
from .sweeps import METRICS, SweepResult, SweepStats, sweep

__all__ = [
    "LABEL_DISTRIBUTIONS",
    "METRICS",
    "InitProbabilities",
    "LogLogFit",
    "LogWidth",
    "MonteCarloEstimate",
    "SweepResult",
    "SweepRow",
    "SweepStats",
    "assumption4_probability",
    "init_probabilities",
    "loglog_fit",
    "parse_width",
    "plot_interpolation_threshold",
    "plot_norm_vs_n",
    "plot_norm_vs_width",
    "proposition2_bound",
    "rows_nonzero_probability",
    "rows_union_bound",
    "sample_init_events",
    "sample_problem",
    "sweep",
    "two_phase_probability",
]
