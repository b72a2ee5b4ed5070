"""The λ → 0 limit process: Algorithm 1 and what is computed from it (spec §2–§6).

* :mod:`~limitproc.process.mask`: the mask ``A`` of spec §2 and its structure;
* :mod:`~limitproc.process.algorithm1`: the saddle-to-saddle jump process
  (spec §3), written once over the number systems of
  :mod:`~limitproc.process.arithmetic` (float with error bounds, exact) and
  the certified comparisons of :mod:`~limitproc.process.exact` (spec §6);
* :mod:`~limitproc.process.closed_forms` and :mod:`~limitproc.process.min_norm`:
  seed 000's closed forms and the minimum-norm interpolator (spec §4);
* :mod:`~limitproc.process.assumptions`: the report of spec §5;
* :mod:`~limitproc.process.certificate`: a check of the saddles against their
  definition; :mod:`~limitproc.process.graphs`: networkx views;
* :mod:`~limitproc.process.directions`: the predicted directions of the
  neurons (spec §2); :mod:`~limitproc.process.summation`: the pairwise sums
  behind the float backend's error bound (spec §6).
"""

from .algorithm1 import (
    NEAR_TIE_POLICIES,
    RESOLUTION_CONSTANT,
    TIE_POLICIES,
    Interaction,
    LimitProcess,
    ResolutionMargin,
    Saddle,
    limit_process,
)
from .assumptions import AssumptionReport, Check, assumption_report
from .certificate import Certificate, certify
from .directions import direction_plateaus, waiting_direction, waiting_directions
from .closed_forms import TwoPhase, label_norms, two_phase
from .mask import Mask
from .min_norm import (
    MinNormInterpolator,
    implicit_bias_ratio,
    min_norm_interpolator,
    min_norm_sq,
)

__all__ = [
    "NEAR_TIE_POLICIES",
    "RESOLUTION_CONSTANT",
    "TIE_POLICIES",
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
    "direction_plateaus",
    "implicit_bias_ratio",
    "label_norms",
    "limit_process",
    "min_norm_interpolator",
    "min_norm_sq",
    "two_phase",
    "waiting_direction",
    "waiting_directions",
]
