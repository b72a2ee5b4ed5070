"""The seeds' stated bounds and constants, evaluated on a problem or a trajectory.

Each module implements the inequalities of one seed paper as functions of a
:class:`~limitproc.problem.Problem`, of parameters ``(a, W)``, or of a sampled
trajectory (a :class:`~limitproc.flow.FlowRun` or arrays from a training
log), in the units of spec §1 (conversions from each paper's normalization
are in its module docstring; seeds digest §0):

* :mod:`~limitproc.bounds.curvature`: seed 001's local-PL curvature
  ``μ = −L'/L``, its average, the Lemma 6 bracket and the Theorem 1 bounds;
* :mod:`~limitproc.bounds.widths`: seed 001 Lemma 5's width thresholds;
* :mod:`~limitproc.bounds.phases`: seed 000's admissible ``ε``, the phase
  timeline of its Figure 1, the bounds of Lemmas 2–4 and 7–9, the PL
  constants of Lemmas 14–15, Lemma 12's limit point and the stable rank;
* :mod:`~limitproc.bounds.alignment`: seed 003's alignment window
  (Lemmas 1, 3) beside the first jump of the limit process.

Bounds are stated by the seeds for ``λ`` below constants they do not make
explicit; comparing them with a simulated flow (:mod:`limitproc.reproduce`)
shows how loose they are, never whether the flow "is right".
"""

from .alignment import AlignmentWindow, alignment_window
from .curvature import (
    Curvature,
    PLBracket,
    Theorem1Bound,
    average_curvature,
    curvature,
    last_step_curvature,
    pl_bracket,
    pl_ratio,
    theorem1_bound,
)
from .phases import (
    AdmissibleEpsilon,
    DataConstants,
    LimitPoint,
    PhaseBounds,
    PhaseTimeline,
    admissible_epsilon_corrected,
    admissible_epsilon_printed,
    data_constants,
    lemma14_bound,
    lemma15_constant,
    limit_point,
    min_norm_stable_rank,
    phase_bounds,
    phase_timeline,
    stable_rank,
)
from .widths import (
    coverage_lower_bound,
    coverage_upper_bound,
    experiment_width,
    failing_width,
    sufficient_width,
)

__all__ = [
    "AdmissibleEpsilon",
    "AlignmentWindow",
    "Curvature",
    "DataConstants",
    "LimitPoint",
    "PLBracket",
    "PhaseBounds",
    "PhaseTimeline",
    "Theorem1Bound",
    "admissible_epsilon_corrected",
    "admissible_epsilon_printed",
    "alignment_window",
    "average_curvature",
    "coverage_lower_bound",
    "coverage_upper_bound",
    "curvature",
    "data_constants",
    "experiment_width",
    "failing_width",
    "last_step_curvature",
    "lemma14_bound",
    "lemma15_constant",
    "limit_point",
    "min_norm_stable_rank",
    "phase_bounds",
    "phase_timeline",
    "pl_bracket",
    "pl_ratio",
    "stable_rank",
    "sufficient_width",
    "theorem1_bound",
]
