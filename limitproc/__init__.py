"""limitproc: the small-initialization limit of two-layer ReLU gradient flow
on orthogonal data, computed exactly and without training.

The public API is re-exported here; see the spec sections cited in each
docstring.
"""

__version__ = "0.1.0"

from .errors import (
    AssumptionError,
    BalanceError,
    InputError,
    LimitprocError,
    MissingKeyError,
    NearTieError,
    NonFiniteError,
    OrthonormalityError,
    ShapeError,
    TieError,
    ZeroLabelError,
)
from .mask import Mask
from .problem import DEFAULT_TOL, Problem
from .process import Interaction, LimitProcess, ResolutionMargin, Saddle, limit_process
from .two_phase import TwoPhase, label_norms, two_phase
from .min_norm import MinNormInterpolator, implicit_bias_ratio, min_norm_interpolator, min_norm_sq
from .assumptions import AssumptionReport, Check, assumption_report
from .certify import Certificate, certify
from .io import load_problem
from .prediction import Prediction, predict

__all__ = [
    "AssumptionError",
    "BalanceError",
    "DEFAULT_TOL",
    "InputError",
    "Interaction",
    "LimitProcess",
    "LimitprocError",
    "Mask",
    "MissingKeyError",
    "NearTieError",
    "NonFiniteError",
    "OrthonormalityError",
    "Problem",
    "Saddle",
    "ShapeError",
    "TieError",
    "ZeroLabelError",
    "limit_process",
    "ResolutionMargin",
    "TwoPhase",
    "label_norms",
    "two_phase",
    "MinNormInterpolator",
    "implicit_bias_ratio",
    "min_norm_interpolator",
    "min_norm_sq",
    "AssumptionReport",
    "Check",
    "assumption_report",
    "Certificate",
    "certify",
    "load_problem",
    "Prediction",
    "predict",
]
