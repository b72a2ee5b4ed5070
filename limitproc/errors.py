"""Every error limitproc raises, in one place.

Each error carries the measured quantity that made the input invalid, so that
its message alone tells the user what to fix.  The command line turns an
:class:`InputError` into one line on stderr and exit code 2.
"""

__all__ = [
    "LimitprocError",
    "InputError",
    "ShapeError",
    "NonFiniteError",
    "MissingKeyError",
    "OrthonormalityError",
    "BalanceError",
    "ZeroLabelError",
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


class ShapeError(InputError):
    """An array has the wrong number of dimensions or a mismatched size."""


class NonFiniteError(InputError):
    """An array contains NaN or an infinity."""


class MissingKeyError(InputError, KeyError):
    """A required key is absent from an npz file."""

    def __str__(self):  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class OrthonormalityError(InputError):
    """The inputs are not orthonormal within the tolerance (spec §1, §5)."""


class BalanceError(InputError):
    """The initialization is not balanced: ``|a_j| != ||w_j||`` (spec §1)."""


class ZeroLabelError(InputError):
    """A label is exactly zero (seed 002 Assumption 4(ii)); see spec §5."""


class AssumptionError(LimitprocError):
    """The problem is outside the theory in a way with no sensible default.

    Raised for a true tie in the argmin of Algorithm 1 between neurons whose
    unfitted data overlap (spec §5).
    """


class TieError(AssumptionError):
    """Two neurons with overlapping unfitted data jump at exactly the same time."""

    def __init__(self, message, neurons=(), time=None):
        super().__init__(message)
        self.neurons = tuple(neurons)
        self.time = time


class NearTieError(LimitprocError):
    """The float backend cannot order two candidate jump times (spec §6).

    Raised only when asked to (``near_ties="raise"``); by default the float
    backend hands such problems to the exact backend.
    """

    def __init__(self, message, near_ties=()):
        super().__init__(message)
        self.near_ties = tuple(near_ties)


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
