"""Finite-λ corrections of the limit process (``docs/finite-lambda.md``).

* :mod:`~limitproc.finite.offsets`: the λ-free log-norm offsets ``C_k`` of
  every jump, ``t_k = τ_k ln(1/λ) + C_k + o(1)``;
* :mod:`~limitproc.finite.relaxation`: the loss curve after each jump and
  the rate after the last one (the neural tangent kernel of the saddles);
* :mod:`~limitproc.finite.corrections`: the predictions at a given ``λ``:
  corrected jump times, loss curve, shared norms, the final rate and the
  resolution verdict of spec §8.
"""

from .corrections import Competitor, FiniteLambdaPrediction, finite_lambda
from .offsets import (
    LogNormOffsets,
    Realignment,
    log_norm_offsets,
    offset_bound,
    offset_model,
)
from .relaxation import RATE_WINDOW, SLOPE_LEVELS, fitted_rate

__all__ = [
    "RATE_WINDOW",
    "SLOPE_LEVELS",
    "Competitor",
    "FiniteLambdaPrediction",
    "LogNormOffsets",
    "Realignment",
    "finite_lambda",
    "fitted_rate",
    "log_norm_offsets",
    "offset_bound",
    "offset_model",
]
