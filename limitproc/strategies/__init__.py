"""Hypothesis strategies for limitproc problems (spec §1–§5).

In the style of :mod:`hypothesis.extra.numpy`: every function returns a
:class:`~hypothesis.strategies.SearchStrategy`, every argument accepts either a
value or a strategy for that value, and the examples shrink to small readable
cases.  Numbers are built from integers and fractions with few digits, so a
failing example prints as a literal :class:`~limitproc.problem.Problem` call
that can be pasted into a test::

    Problem([1.0, -1.0], [[1, 1], [1, -1]], signs=[1, -1])

Construction (no filtering, no rejection sampling):

* Neurons are drawn in *data coordinates*: ``c_ji = <w_j, x_i>`` is a non-zero
  integer (default ``±1..±3``), so the mask ``A_ij = 1[c_ji > 0, s_j y_i > 0]``
  (spec §2) is decided by the integer signs and stays the same under any
  rotation of the inputs, however the floats round.
* Forced structures (seed 000 Assumption 3, zero rows, zero columns, equal
  columns; spec §4–§5) are made by setting the signs of chosen coordinates.
* Rotations are Cayley transforms ``(I + S)^{-1}(I − S)`` of skew-symmetric
  integer matrices ``S``, times a signed permutation: they shrink to the
  identity.
* Labels are ``±p/q`` with small ``p`` and ``q``; ``kind="fraction"`` or
  ``"string"`` keeps them exact for the exact backend (spec §6).
* Sizes given as ``(min, max)`` give every datum and neuron its own place in
  the draws, with a flag saying whether it is used: shrinking removes any
  datum or neuron by one change, so failures shrink to the fewest data and
  neurons (e.g. two of each for "more than one jump").

Examples
--------
A property test:

>>> from hypothesis import given, settings
>>> from limitproc import certify, limit_process
>>> @given(problems(kind="string"))
... @settings(max_examples=20, database=None)
... def test_certified(problem):
...     assert certify(limit_process(problem, ties="first")).ok  # exact ties are drawn too
>>> test_certified()

The examples below show values with :func:`hypothesis.find` and
``settings(phases=[Phase.generate])``: without shrinking, ``find`` returns the
first value that satisfies the condition, and for ``lambda value: True`` that
is the simplest value, the one failures shrink towards.

>>> from hypothesis import Phase, find
>>> first = settings(phases=[Phase.generate], database=None)
>>> find(problems(), lambda p: True, settings=first)
Problem(n=1, d=1, m=1, standard basis, labels +1/-0, neurons +1/-0)
"""

from ._common import BASES, FORMS, LABEL_KINDS, LABEL_SIGNS
from .initializations import Initialization, initializations
from .inputs import orthogonal_matrices, orthonormal_inputs
from .labels import label_magnitudes, labels
from .problems import problems

__all__ = [
    "BASES",
    "FORMS",
    "LABEL_KINDS",
    "LABEL_SIGNS",
    "Initialization",
    "initializations",
    "label_magnitudes",
    "labels",
    "orthogonal_matrices",
    "orthonormal_inputs",
    "problems",
]
