"""limitproc: the small-initialization limit of two-layer ReLU gradient flow
on orthogonal data, computed exactly and without training.

The public API is re-exported here; see the spec sections cited in each
docstring.
"""

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
from .process import Interaction, LimitProcess, Saddle, limit_process

__version__ = "0.1.0"

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
]
