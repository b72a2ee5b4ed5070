"""Every experiment of the seed papers, with the paper's numbers beside ours.

``limitproc reproduce`` lists the registered experiments;
``limitproc reproduce NAME [--quick]`` runs one, writes its PNG and prints a
table that puts each claim of the paper beside our prediction (the limit
process, a closed form or a bound) and our measurement on the simulated flow,
with a verdict and the tolerance used (``docs/reproductions.md``).

* :mod:`~limitproc.reproduce.registry`: :class:`Experiment`,
  :class:`Reproduction`, :class:`Claim`, the registry;
* one module per paper: :mod:`~limitproc.reproduce.seed000` (Boursier,
  Pillaud-Vivien, Flammarion), :mod:`~limitproc.reproduce.seed001` (Dana,
  Pillaud-Vivien, Bach), :mod:`~limitproc.reproduce.seed002` (*Mildly
  overparameterized ReLU networks on orthogonal data*),
  :mod:`~limitproc.reproduce.seed003` (Min, Mallada, Vidal).

Experiments that need what the library cannot do yet (gradient descent with a
step, inputs of non-unit norm, non-orthogonal data) are registered with a
status that says so, and refuse to run.
"""

from . import (  # importing them registers the experiments
    seed000,
    seed001,
    seed002,
    seed003,
)
from .registry import (
    Claim,
    Experiment,
    ExperimentUnavailable,
    Reproduction,
    Status,
    compare,
    experiment,
    experiments,
    listing,
)

__all__ = [
    "seed000",
    "seed001",
    "seed002",
    "seed003",
    "Claim",
    "Experiment",
    "ExperimentUnavailable",
    "Reproduction",
    "Status",
    "compare",
    "experiment",
    "experiments",
    "listing",
]
