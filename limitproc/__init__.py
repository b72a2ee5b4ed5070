"""limitproc: the small-initialization limit of two-layer ReLU gradient flow
on orthogonal data, computed exactly and without training.

The package is organized by families of concepts, one subpackage each:

* :mod:`limitproc.problem`: the input (:class:`Problem`, npz files, sampling);
* :mod:`limitproc.process`: the λ → 0 limit process (Algorithm 1, exact
  backend, closed forms, minimum-norm interpolator, assumption report);
* :mod:`limitproc.finite`: finite-λ corrections (offsets, corrected times,
  loss curve, final rate);
* :mod:`limitproc.flow`: the real gradient flow simulated at a finite λ, and
  its validation against the prediction;
* :mod:`limitproc.studies`: sweeps over many problems and probabilities of
  the assumptions;
* :mod:`limitproc.strategies`: hypothesis strategies for property tests;
* :mod:`limitproc.cli`: the ``limitproc`` command.

The public API is re-exported here; each docstring cites the spec section or
seed equation it implements.
"""

__version__ = "0.1.0"

from .errors import (
    ArgumentError,
    ArgumentTypeError,
    AssumptionError,
    BalanceError,
    ExperimentUnavailable,
    FileFormatError,
    FloatRangeError,
    InputError,
    LimitprocError,
    MissingDependencyError,
    MissingKeyError,
    NearTieError,
    NonFiniteError,
    OrthonormalityError,
    OutputError,
    ShapeError,
    SizeError,
    TieError,
    ZeroLabelError,
)
import importlib
from typing import TYPE_CHECKING

#: Where each re-exported name lives: imported on first use (PEP 562), so that
#: ``import limitproc`` and the command line start fast and load scipy, sympy
#: or python-flint only for the work that needs them.
_EXPORTS = {
    **dict.fromkeys(("FiniteLambdaPrediction", "finite_lambda", "log_norm_offsets"), "finite"),
    **dict.fromkeys(("FlowRun", "ValidationReport", "simulate_flow", "validate"), "flow"),
    **dict.fromkeys(("Prediction", "predict"), "prediction"),
    **dict.fromkeys(("DEFAULT_TOL", "Problem", "load_problem", "sample_dataset"), "problem"),
    **dict.fromkeys((
        "AssumptionReport", "Certificate", "Check", "Interaction", "LimitProcess", "Mask", "MinNormInterpolator",
        "ResolutionMargin", "Saddle", "TwoPhase", "assumption_report", "certify", "implicit_bias_ratio", "label_norms",
        "limit_process", "min_norm_interpolator", "min_norm_sq", "two_phase",
    ), "process"),
    **dict.fromkeys(("SweepResult", "init_probabilities", "sweep"), "studies"),
}


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'limitproc' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # the same names, for type checkers and editors
    from .finite import FiniteLambdaPrediction, finite_lambda, log_norm_offsets
    from .flow import FlowRun, ValidationReport, simulate_flow, validate
    from .prediction import Prediction, predict
    from .problem import DEFAULT_TOL, Problem, load_problem, sample_dataset
    from .process import (
        AssumptionReport,
        Certificate,
        Check,
        Interaction,
        LimitProcess,
        Mask,
        MinNormInterpolator,
        ResolutionMargin,
        Saddle,
        TwoPhase,
        assumption_report,
        certify,
        implicit_bias_ratio,
        label_norms,
        limit_process,
        min_norm_interpolator,
        min_norm_sq,
        two_phase,
    )
    from .studies import SweepResult, init_probabilities, sweep

__all__ = [
    "ExperimentUnavailable",
    # errors
    "ArgumentError",
    "ArgumentTypeError",
    "AssumptionError",
    "BalanceError",
    "FileFormatError",
    "FloatRangeError",
    "InputError",
    "LimitprocError",
    "MissingDependencyError",
    "MissingKeyError",
    "NearTieError",
    "NonFiniteError",
    "OrthonormalityError",
    "OutputError",
    "ShapeError",
    "SizeError",
    "TieError",
    "ZeroLabelError",
    # the input
    "DEFAULT_TOL",
    "Problem",
    "load_problem",
    "sample_dataset",
    # the limit process
    "AssumptionReport",
    "Certificate",
    "Check",
    "Interaction",
    "LimitProcess",
    "Mask",
    "MinNormInterpolator",
    "ResolutionMargin",
    "Saddle",
    "TwoPhase",
    "assumption_report",
    "certify",
    "implicit_bias_ratio",
    "label_norms",
    "limit_process",
    "min_norm_interpolator",
    "min_norm_sq",
    "two_phase",
    # finite λ
    "FiniteLambdaPrediction",
    "finite_lambda",
    "log_norm_offsets",
    # the flow
    "FlowRun",
    "ValidationReport",
    "simulate_flow",
    "validate",
    # studies
    "SweepResult",
    "init_probabilities",
    "sweep",
    # everything about one problem
    "Prediction",
    "predict",
]
