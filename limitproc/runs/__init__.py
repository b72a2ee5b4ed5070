"""Training runs: logs, predictions in steps and comparisons (``docs/from-training-script.md``).

* :mod:`~limitproc.runs.log`: the training-log format (npz or csv) and
  :func:`read_log`, which validates it;
* :mod:`~limitproc.runs.prediction`: :func:`predict_run`, the jump steps,
  plateaus and norms a gradient-descent run at ``(λ, lr)`` should show, from
  the GD limit process ``limit_process(problem, step=h)`` and its finite-λ
  corrections (``docs/gradient-descent.md`` §8), and its stability limit;
* :mod:`~limitproc.runs.compare`: :func:`compare` a log with the prediction
  (a frozen :class:`Comparison`: table, JSON, figure);
* :mod:`~limitproc.runs.torch_bridge`: :func:`problem_from_torch` and
  :class:`TrainingLogger` for PyTorch scripts (imports torch only when used).
"""

from .compare import Comparison, JumpComparison, PlateauComparison, RunVerdict, compare
from .log import LOG_KEYS, TrainingLog, log_from_run, read_log, write_log
from .prediction import GDJump, RunPrediction, StabilityLimit, predict_run, stability_limit
from .torch_bridge import TrainingLogger, problem_from_torch

__all__ = [
    "LOG_KEYS",
    "Comparison",
    "GDJump",
    "JumpComparison",
    "PlateauComparison",
    "RunPrediction",
    "RunVerdict",
    "StabilityLimit",
    "TrainingLog",
    "TrainingLogger",
    "compare",
    "log_from_run",
    "predict_run",
    "problem_from_torch",
    "read_log",
    "stability_limit",
    "write_log",
]
