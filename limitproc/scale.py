"""The initialization scale ``λ`` and its logarithm ``ln(1/λ)`` (spec §1, §7).

Everything downstream of a scale works in ``ln(1/λ)``, so scales below the
float range (``λ = e^-2000``) are as good as ``λ = 1e-8``.
"""

import math

import numpy as np

from .errors import InputError

__all__ = ["effective_log_inv_lambda", "lambda_label", "log_inv_lambda"]


def log_inv_lambda(lam=None, log_inv_lam=None):
    """``ln(1/λ)`` from ``λ``, or given directly (for λ below the float range).

    Examples
    --------
    >>> round(log_inv_lambda(1e-8), 6)
    18.420681
    >>> log_inv_lambda(log_inv_lam=2000.0)
    2000.0
    """
    if log_inv_lam is not None:
        value = float(log_inv_lam)
        if lam is not None and not np.isclose(-np.log(float(lam)), value, rtol=1e-12):
            raise InputError(f"lam = {lam:g} and log_inv_lam = {value:g} disagree")
    elif lam is None:
        raise InputError("give the initialization scale: lam (0 < λ < 1) or log_inv_lam = ln(1/λ) > 0")
    else:
        lam = float(lam)
        if not 0.0 < lam < 1.0:
            raise InputError(f"the initialization scale must satisfy 0 < λ < 1, got λ = {lam:g}")
        value = float(-np.log(lam))
    if not (np.isfinite(value) and value > 0):
        raise InputError(f"ln(1/λ) must be finite and positive, got {value:g}")
    return value


def lambda_label(log_inv_lam):
    """``λ`` for a label: ``1e-08``, or ``e^-2000`` below the float range.

    >>> lambda_label(log_inv_lambda(1e-8)), lambda_label(2000.0)
    ('1e-08', 'e^-2000')
    """
    lam = float(np.exp(-log_inv_lam))
    return f"{lam:.0e}" if lam > 1e-300 else f"e^-{log_inv_lam:g}"


def effective_log_inv_lambda(log_inv_lam, label_scale):
    """``ln(1/λ) + ½ ln c``: the log-scale of a run measured against labels of size 1.

    Labels ``c ŷ`` at scale ``λ`` are the problem ``ŷ`` at scale ``λ/√c`` with
    times divided by ``c`` (spec §1: ``θ → θ/√c`` maps one flow onto the
    other), so finite-λ corrections and the resolution ``μ ln(1/λ)`` of
    spec §8 use this value, with ``c`` the power of 4 of
    :attr:`~limitproc.problem.Problem.label_scale` (labels in ``[1, 4)``).
    It is ``ln(1/λ)`` itself for labels of size 1 to 4; labels far below
    ``λ²`` make it negative: the initialization is then not small.

    >>> effective_log_inv_lambda(18.42, 1.0), round(effective_log_inv_lambda(18.42, 4.0**-10), 4)
    (18.42, 11.4885)
    """
    return float(log_inv_lam) + 0.5 * math.log(label_scale)

