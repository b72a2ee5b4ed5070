"""The input: data, labels and an initialization, checked once (spec §1).

:class:`Problem` is the boundary of the library: it checks shapes,
finiteness, orthonormality and balance, and everything downstream trusts it.
:mod:`~limitproc.problem.npz` reads problems from npz files
(``docs/formats.md``); :mod:`~limitproc.problem.sampling` draws random ones.
"""

from .npz import KEYS, load_arrays, load_problem
from .problem import DEFAULT_TOL, Problem
from .sampling import (
    random_initialization,
    random_orthonormal,
    sample_dataset,
    sample_labels,
)

__all__ = [
    "DEFAULT_TOL",
    "KEYS",
    "Problem",
    "load_arrays",
    "load_problem",
    "random_initialization",
    "random_orthonormal",
    "sample_dataset",
    "sample_labels",
]
