"""Every error limitproc raises, in one place.

Each error carries the measured quantity that made the input invalid, so that
its message alone tells the user what to fix.  The command line turns every
:class:`LimitprocError` into one line on stderr and exit code 2.

The classes also derive from the built-in exception a caller would expect
(``ValueError`` for a bad value, ``TypeError`` for a wrong type, ``KeyError``
for a missing npz key, ``ImportError`` for a missing optional dependency), so
``except ValueError`` keeps working.

=========================  ==================================================
class                      raised for
=========================  ==================================================
:class:`InputError`        data or an initialization that cannot be used
:class:`ArgumentError`     an argument of a public function out of range
:class:`ArgumentTypeError` an argument of the wrong type
:class:`ShapeError`        wrong number of dimensions, mismatched sizes
:class:`NonFiniteError`    NaN or an infinity in an array
:class:`FloatRangeError`   a value beyond float64: overflows or underflows
:class:`FileFormatError`   an input file that is not a readable npz archive
:class:`SizeError`         an array too large to be loaded or allocated
:class:`MissingKeyError`   a required npz key is absent
:class:`OrthonormalityError`  inputs not orthonormal (spec §1, §5)
:class:`BalanceError`      an unbalanced initialization (spec §1)
:class:`ZeroLabelError`    a zero label (spec §5)
:class:`OutputError`       an output path that cannot be written as asked
:class:`MissingDependencyError`  an optional dependency is not installed
:class:`AssumptionError`   outside the theory, no sensible default (spec §5)
:class:`TieError`          a true tie between overlapping neurons
:class:`NearTieError`      the float backend cannot order two times (spec §6)
:class:`UnsupportedProblemError`  a valid problem that spec-§1 code cannot answer
:class:`SignUndecidedError`  an unbalanced neuron whose growing mode vanishes
=========================  ==================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "ExperimentUnavailable",
    "LimitprocError",
    "InputError",
    "ArgumentError",
    "ArgumentTypeError",
    "ShapeError",
    "NonFiniteError",
    "FloatRangeError",
    "FileFormatError",
    "SizeError",
    "MissingKeyError",
    "OrthonormalityError",
    "BalanceError",
    "ZeroLabelError",
    "OutputError",
    "MissingDependencyError",
    "AssumptionError",
    "TieError",
    "NearTieError",
    "UnsupportedProblemError",
    "SignUndecidedError",
]


class LimitprocError(Exception):
    """Base class of every error raised by limitproc."""


class InputError(LimitprocError, ValueError):
    """The data or initialization given by the user cannot be used."""


class ArgumentError(InputError):
    """An argument of a public function (or a command-line option) is out of
    range: ``predict(p, lam=2)``, ``Problem(..., tol=nan)``, ``--rtol 10``."""


class ArgumentTypeError(ArgumentError, TypeError):
    """An argument has the wrong type: ``predict(None)``, ``lam="abc"``."""


class ShapeError(InputError):
    """An array has the wrong number of dimensions or a mismatched size."""


class NonFiniteError(InputError):
    """An array contains NaN or an infinity."""


class FloatRangeError(InputError):
    """A value is beyond float64: it overflows to infinity (``"1e400"``) or a
    non-zero value underflows to zero (``"1e-400"``)."""


class FileFormatError(InputError):
    """An input file is not a readable npz archive of numeric arrays: a text or
    gzip file, a member that is a raw pickle or holds Python objects, a
    truncated or corrupt member (``docs/formats.md``)."""


class SizeError(InputError):
    """An array is too large to be loaded or allocated: an npz member whose
    header declares more bytes than the machine's memory, or a requested
    width or sample size that cannot fit."""


class MissingKeyError(InputError, KeyError):
    """A required key is absent from an npz file.

    Examples
    --------
    >>> str(MissingKeyError("data.npz: no key 'y'"))  # not quoted, unlike KeyError
    "data.npz: no key 'y'"
    """

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class OrthonormalityError(InputError):
    """The inputs are not orthonormal within the tolerance (spec §1, §5)."""


class BalanceError(InputError):
    """The initialization is not balanced: ``|a_j| != ||w_j||`` (spec §1)."""


class ZeroLabelError(InputError):
    """A label is exactly zero (seed 002 Assumption 4(ii)); see spec §5."""


class OutputError(ArgumentError):
    """An output cannot be written as asked: its folder does not exist, it is a
    folder, two outputs share a path, or an output would overwrite an input."""


class MissingDependencyError(LimitprocError, ImportError):
    """An optional dependency is not installed; the message gives the
    ``pip install`` command (:func:`limitproc.optional.require`).

    Parameters
    ----------
    message : str
        What needs the package and how to install it.
    name : str, optional
        Import name of the missing package (:attr:`ImportError.name`).

    Examples
    --------
    >>> error = MissingDependencyError("--plot needs matplotlib", name="matplotlib")
    >>> error.name, isinstance(error, ImportError)
    ('matplotlib', True)
    """

    def __init__(self, message: str, *, name: str | None = None) -> None:
        super().__init__(message, name=name)


class AssumptionError(LimitprocError):
    """The problem is outside the theory in a way with no sensible default.

    Raised for a true tie in the argmin of Algorithm 1 between neurons whose
    unfitted data overlap (spec §5).
    """


class TieError(AssumptionError):
    """Two neurons with overlapping unfitted data jump at exactly the same time.

    Parameters
    ----------
    message : str
        The tie, for the user.
    neurons : iterable of int
        The tied neurons (kept as :attr:`neurons`).
    time : number, optional
        The common jump time ``τ`` (float or exact; kept as :attr:`time`).

    Examples
    --------
    >>> error = TieError("neurons 0 and 1 tie at τ = 1/2", neurons=[0, 1], time=0.5)
    >>> error.neurons, error.time
    ((0, 1), 0.5)
    """

    #: The tied neurons.
    neurons: tuple[int, ...]
    #: Their common jump time (float or exact number), if known.
    time: Any

    def __init__(self, message: str, neurons: Iterable[int] = (), time: Any = None) -> None:
        super().__init__(message)
        self.neurons = tuple(neurons)
        self.time = time


class NearTieError(LimitprocError):
    """The float backend cannot order two candidate jump times (spec §6).

    Raised only when asked to (``near_ties="raise"``); by default the float
    backend hands such problems to the exact backend.

    Parameters
    ----------
    message : str
        The near-ties, for the user.
    near_ties : iterable of NearTie
        The near-ties found (kept as :attr:`near_ties`).

    Examples
    --------
    >>> NearTieError("jump 1: neurons 0 and 3 within rounding").near_ties
    ()
    """

    #: The near-ties found (:class:`~limitproc.process.arithmetic.NearTie`).
    near_ties: tuple[Any, ...]

    def __init__(self, message: str, near_ties: Iterable[Any] = ()) -> None:
        super().__init__(message)
        self.near_ties = tuple(near_ties)


class ExperimentUnavailable(ArgumentError):
    """An experiment of ``limitproc reproduce`` that cannot run: unknown, waiting
    for a feature, or outside the library's scope (the message says which and why)."""


class UnsupportedProblemError(InputError):
    """A valid problem that this computation does not handle yet.

    :class:`~limitproc.problem.Problem` accepts orthogonal inputs of any norm
    and unbalanced initializations (``docs/general-inputs.md``), and
    :func:`~limitproc.flow.simulate_flow` simulates them; code written for
    spec §1's unit-norm orthonormal inputs and balanced initialization
    (Algorithm 1, the finite-λ offsets) refuses them with this error rather
    than answer for another problem.
    """


class SignUndecidedError(BalanceError):
    """An unbalanced neuron whose growing mode vanishes within rounding.

    Its effective sign, and whether it grows at all, depend on terms of order
    ``λ²`` that the limit does not see (``docs/general-inputs.md`` §3).
    """
