"""Limits of the flow simulator that the command line's parser needs.

They live here, outside :mod:`limitproc.flow`, so that building the parser
does not import the simulator (scipy's solvers and the finite-λ code);
:mod:`limitproc.flow.validation` re-exports them.
"""

#: Largest ``ln(1/λ)`` :func:`~limitproc.flow.validate` simulates: the
#: flow's time grows like ``ln(1/λ)`` and so does the solver's work (about
#: 7 s at ``ln(1/λ) = 10^4`` on a four-datum problem, minutes at ``10^6``).
MAX_LOG_INV_LAM = 1e5

#: Largest solver tolerances :func:`~limitproc.flow.validate` accepts: looser
#: steps can carry the log-norms to NaN before a jump.
MAX_TOLERANCE = 1e-3
