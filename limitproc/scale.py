"""The initialization scale ``λ`` and its logarithm ``ln(1/λ)`` (spec §1, §7).

Everything downstream of a scale works in ``ln(1/λ)``, so scales below the
float range (``λ = e^-2000``) are as good as ``λ = 1e-8``.
"""

from __future__ import annotations

import math
import re
import sys
from fractions import Fraction

import numpy as np

from .arguments import check_real
from .errors import ArgumentError, ArgumentTypeError

__all__ = ["effective_log_inv_lambda", "lambda_label", "log_inv_lambda", "parse_lambda"]


def log_inv_lambda(lam: float | None = None, log_inv_lam: float | None = None) -> float:
    """``ln(1/λ)`` from ``λ``, or given directly (for λ below the float range).

    Parameters
    ----------
    lam : float, optional
        The initialization scale, ``0 < λ < 1``.
    log_inv_lam : float, optional
        ``ln(1/λ) > 0`` itself; when both are given they must agree.

    Returns
    -------
    float
        ``ln(1/λ)``, finite and positive.

    Raises
    ------
    ArgumentError
        Neither is given, one is out of range, or the two disagree.
    ArgumentTypeError
        One is not a real number.

    Examples
    --------
    >>> round(log_inv_lambda(1e-8), 6)
    18.420681
    >>> log_inv_lambda(log_inv_lam=2000.0)
    2000.0
    """
    if lam is not None:
        lam = check_real(lam, "lam", 0.0, 1.0)
    if log_inv_lam is not None:
        value = check_real(log_inv_lam, "log_inv_lam = ln(1/λ)", 0.0, None)
        if lam is not None and not np.isclose(-np.log(lam), value, rtol=1e-12):
            raise ArgumentError(f"lam = {lam:g} and log_inv_lam = {value:g} disagree")
    elif lam is None:
        raise ArgumentError("give the initialization scale: lam (0 < λ < 1) or log_inv_lam = ln(1/λ) > 0")
    else:
        value = float(-np.log(lam))
    if not (np.isfinite(value) and value > 0):
        raise ArgumentError(f"ln(1/λ) must be finite and positive, got {value:g}")
    return value


_NUMBER = re.compile(r"^\s*(?P<sign>[+-]?)(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?(?:[eE](?P<exp>[+-]?[0-9]{1,400}))?\s*$")

#: Most significant digits read from the text of a scale.
_MAX_DIGITS = 400


def parse_lambda(text: str) -> tuple[float | None, float]:
    """``(λ, ln(1/λ))`` from the decimal text of a scale, read exactly.

    ``λ`` is the float when it is a normal float64 (then ``ln(1/λ)`` is
    computed from it as :func:`log_inv_lambda` does), ``None`` below the float
    range, where ``ln(1/λ)`` comes from the digits and the exponent of the
    text: ``"1e-400"`` is ``e^-921.03…``.

    Parameters
    ----------
    text : str
        A decimal number in ``(0, 1)`` such as ``"1e-8"`` or ``"0.5"``
        (underscores allowed, at most 400 significant digits).

    Returns
    -------
    lam : float or None
        ``λ`` as a float, ``None`` below the normal float range.
    log_inv_lam : float
        ``ln(1/λ)``, finite and positive.

    Raises
    ------
    ArgumentTypeError
        ``text`` is not a string.
    ArgumentError
        ``text`` is not a decimal number in ``(0, 1)``, or ``ln(1/λ)`` is
        beyond float64.

    Examples
    --------
    >>> parse_lambda("1e-8")[0]
    1e-08
    >>> lam, L = parse_lambda("1e-400")
    >>> lam, round(L, 6)
    (None, 921.034037)
    >>> parse_lambda("2")
    Traceback (most recent call last):
    ...
    limitproc.errors.ArgumentError: λ must be in (0, 1), got 2
    """
    if not isinstance(text, str):
        raise ArgumentTypeError(f"the text of λ must be a string, got {type(text).__name__}")
    shown = text if len(text) <= 40 else text[:37] + "..."
    match = _NUMBER.match(text.replace("_", ""))
    if match is None or not (match["int"] or match["frac"]):
        raise ArgumentError(f"λ must be a decimal number in (0, 1) such as 1e-8, got {shown!r}")
    whole, fraction = match["int"] or "", match["frac"] or ""
    digits = (whole + fraction).lstrip("0")
    if match["sign"] == "-" and digits:
        raise ArgumentError(f"λ must be in (0, 1), got {shown}")
    if len(digits) > _MAX_DIGITS:
        raise ArgumentError(f"λ = {shown} has more than {_MAX_DIGITS} significant digits")
    exponent = int(match["exp"] or 0) - len(fraction)
    # λ = c 10^e with c an integer of len(digits) digits: 0 < λ < 1 iff c > 0 and len(digits) <= -e
    if not digits or len(digits) > -exponent:
        raise ArgumentError(f"λ must be in (0, 1), got {shown}")
    coefficient = int(digits)
    lam = float(f"{coefficient}e{exponent}") if abs(exponent) < 100_000 else 0.0
    if sys.float_info.min <= lam < 1.0:
        return lam, log_inv_lambda(lam)
    if lam >= 1.0:  # 1 - λ is below the float resolution: ln(1/λ) = 1 - λ to first order
        value = float(Fraction(10**-exponent - coefficient, 10**-exponent))
    else:  # below the normal float range
        try:
            value = -(math.log(coefficient) + exponent * math.log(10))
        except OverflowError:
            value = math.inf
    if not (math.isfinite(value) and value > 0):
        raise ArgumentError(f"λ = {shown}: ln(1/λ) = {value:g} is beyond float64")
    return None, value


def lambda_label(log_inv_lam: float) -> str:
    """``λ`` for a label: ``1e-08``, or ``e^-2000`` below the float range.

    Parameters
    ----------
    log_inv_lam : float
        ``ln(1/λ)``.

    Returns
    -------
    str
        ``λ`` with up to three significant digits, or ``e^-<ln(1/λ)>`` when
        ``λ`` is below ``1e-300``.

    Examples
    --------
    >>> lambda_label(log_inv_lambda(1e-8)), lambda_label(log_inv_lambda(1e-6 / 60**0.5)), lambda_label(2000.0)
    ('1e-08', '1.29e-07', 'e^-2000')
    """
    lam = float(np.exp(-log_inv_lam))
    if lam <= 1e-300:
        return f"e^-{log_inv_lam:g}"
    text = f"{lam:.3g}"
    if "e" in text or lam >= 1e-3:
        return text
    mantissa, exponent = f"{lam:.2e}".split("e")  # 0.0001 as 1e-04, like the smaller ones
    return mantissa.rstrip("0").rstrip(".") + "e" + exponent


def effective_log_inv_lambda(log_inv_lam: float, label_scale: float) -> float:
    """``ln(1/λ) + ½ ln c``: the log-scale of a run measured against labels of size 1.

    Labels ``c ŷ`` at scale ``λ`` are the problem ``ŷ`` at scale ``λ/√c`` with
    times divided by ``c`` (spec §1: ``θ → θ/√c`` maps one flow onto the
    other).  The finite-λ corrections are computed that way with ``c`` the
    power of 4 of :attr:`~limitproc.problem.Problem.label_scale` (an exact
    identity), and the resolution ``μ ln(1/λ)`` of spec §8 is measured with
    ``c = max |y_i|`` (:attr:`~limitproc.problem.Problem.label_size`), so
    that it is the same at every label scale and unchanged for labels of size
    1.  Labels far below ``λ²`` make it negative: the initialization is then
    not small compared with the labels.

    Parameters
    ----------
    log_inv_lam : float
        ``ln(1/λ)`` of the run.
    label_scale : float
        The label scale ``c > 0``.

    Returns
    -------
    float
        ``ln(1/λ) + ½ ln c``.

    Examples
    --------
    >>> effective_log_inv_lambda(18.42, 1.0), round(effective_log_inv_lambda(18.42, 4.0**-10), 4)
    (18.42, 11.4885)
    """
    return float(log_inv_lam) + 0.5 * math.log(label_scale)
