"""The real gradient flow at a finite λ, and its validation against the limit (spec §7).

* :mod:`~limitproc.flow.simulate`: :func:`simulate_flow`, a log-norm,
  data-basis simulator of the flow of spec §1 that works down to
  ``λ = e^-2000``;
* :mod:`~limitproc.flow.validation`: :func:`validate` measures a run's distance
  to the predicted saddles, jump times, plateaus, norms and late rate;
* :mod:`~limitproc.flow.plots`: the validation figure (matplotlib).
"""

from .simulate import FIT_FRACTION, FlowRun, crossing_time, default_t_max, simulate_flow, tolerance_error
from .validation import (
    JumpCheck,
    PlateauCheck,
    RunCheck,
    ValidationReport,
    Verdict,
    late_rate,
    late_slope,
    plateau_windows,
    run_prediction,
    validate,
)

__all__ = [
    "FIT_FRACTION",
    "FlowRun",
    "JumpCheck",
    "PlateauCheck",
    "RunCheck",
    "ValidationReport",
    "Verdict",
    "crossing_time",
    "default_t_max",
    "late_rate",
    "late_slope",
    "plateau_windows",
    "run_prediction",
    "simulate_flow",
    "tolerance_error",
    "validate",
]
