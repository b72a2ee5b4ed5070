"""The real gradient flow at a finite λ, and its validation against the limit (spec §7).

* :mod:`~limitproc.flow.simulate`: :func:`simulate_flow`, a log-norm,
  data-basis simulator of the flow of spec §1 that works down to
  ``λ = e^-2000``, returning a :class:`~limitproc.flow.run.FlowRun`;
* :mod:`~limitproc.flow.validation`: :func:`validate` measures a run's distance
  to the predicted saddles, jump times, plateaus, norms and late rate, and
  :mod:`~limitproc.flow.report` holds what it measured;
* :mod:`~limitproc.flow.gd`: :func:`simulate_gd`, exact full-batch gradient
  descent with a step, at the same tiny λ (``docs/gradient-descent.md``);
* :mod:`~limitproc.flow.plots`: the validation figure (matplotlib).
"""

from .gd import GDRun, GDStatus, flow_time_step, gd_rate, simulate_gd, transit_offset
from .plots import plot_validation
from .report import JumpCheck, PlateauCheck, RunCheck, ValidationReport, Verdict
from .run import FIT_FRACTION, FlowRun, crossing_time
from .simulate import default_t_max, simulate_flow, tolerance_error
from .validation import (
    late_rate,
    late_slope,
    plateau_windows,
    run_prediction,
    validate,
)

__all__ = [
    "FIT_FRACTION",
    "FlowRun",
    "GDRun",
    "GDStatus",
    "JumpCheck",
    "PlateauCheck",
    "RunCheck",
    "ValidationReport",
    "Verdict",
    "crossing_time",
    "default_t_max",
    "flow_time_step",
    "gd_rate",
    "late_rate",
    "late_slope",
    "plateau_windows",
    "plot_validation",
    "run_prediction",
    "simulate_flow",
    "simulate_gd",
    "tolerance_error",
    "transit_offset",
    "validate",
]
