"""Studies over many problems: implicit bias against n and m, probability of the assumptions.

* :mod:`~limitproc.studies.sweep`: Algorithm 1 over grids of sizes, label
  laws and seeds, in parallel (seed 002 Figures 5–6);
* :mod:`~limitproc.studies.probability`: exact and Monte Carlo probabilities
  that a random initialization satisfies the assumptions (spec §5);
* :mod:`~limitproc.studies.plots`: their figures (matplotlib).
"""

from .probability import (
    InitProbabilities,
    MonteCarloEstimate,
    assumption4_probability,
    init_probabilities,
    proposition2_bound,
    rows_nonzero_probability,
    rows_union_bound,
    sample_init_events,
    two_phase_probability,
)
from .sweeps import LogLogFit, LogWidth, SweepResult, SweepRow, SweepStats, loglog_fit, parse_width, sample_problem, sweep

__all__ = [
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
    "proposition2_bound",
    "rows_nonzero_probability",
    "rows_union_bound",
    "sample_init_events",
    "sample_problem",
    "sweep",
    "two_phase_probability",
]
