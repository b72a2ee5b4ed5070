"""Checks of the arguments of the public functions, done once at the front door.

The front doors (:func:`~limitproc.predict`, :class:`~limitproc.Problem`,
:func:`~limitproc.load_problem`, :func:`~limitproc.validate`,
:func:`~limitproc.sweep`, :func:`~limitproc.init_probabilities`,
:func:`~limitproc.sample_dataset`, the scale conversions of
:mod:`limitproc.scale`) check each argument's type and range with these
helpers and raise :class:`~limitproc.errors.ArgumentTypeError` or
:class:`~limitproc.errors.ArgumentError`, naming the argument and the value;
everything behind them trusts their arguments.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Collection
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ArgumentError, ArgumentTypeError, SizeError

if TYPE_CHECKING:
    from .problem.problem import Problem

__all__ = [
    "check_bool",
    "check_choice",
    "check_int",
    "check_memory",
    "check_problem",
    "check_real",
    "memory_limit",
]


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_problem(problem: Any, name: str = "problem") -> Problem:
    """``problem`` if it is a :class:`~limitproc.Problem`.

    Parameters
    ----------
    problem : object
        The value to check.
    name : str
        Its name in the message.

    Returns
    -------
    Problem
        ``problem`` itself.

    Raises
    ------
    ArgumentTypeError
        ``problem`` is not a :class:`~limitproc.Problem`.

    Examples
    --------
    >>> check_problem(None)
    Traceback (most recent call last):
    ...
    limitproc.errors.ArgumentTypeError: problem must be a limitproc.Problem, got None (NoneType)
    """
    from .problem.problem import Problem

    if not isinstance(problem, Problem):
        raise ArgumentTypeError(
            f"{name} must be a limitproc.Problem, got {_shown(problem)} ({type(problem).__name__})"
        )
    return problem


def check_choice(value: Any, choices: Collection[str], name: str) -> str:
    """``value`` if it is one of ``choices`` (strings).

    Parameters
    ----------
    value : object
        The value to check.
    choices : collection of str
        The allowed strings.
    name : str
        Its name in the message.

    Returns
    -------
    str
        ``value`` itself.

    Raises
    ------
    ArgumentTypeError
        ``value`` is not a string.
    ArgumentError
        ``value`` is not one of ``choices``.

    Examples
    --------
    >>> check_choice("exact", ("exact", "raise"), "near_ties")
    'exact'
    >>> check_choice("never", ("exact", "raise"), "near_ties")
    Traceback (most recent call last):
    ...
    limitproc.errors.ArgumentError: near_ties must be one of ('exact', 'raise'), got 'never'
    """
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be one of {tuple(choices)}, got {_shown(value)} ({type(value).__name__})")
    if value not in choices:
        raise ArgumentError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def check_bool(value: Any, name: str) -> bool:
    """``value`` as a bool if it is one (``bool`` or ``numpy.bool_``).

    Parameters
    ----------
    value : object
        The value to check.
    name : str
        Its name in the message.

    Returns
    -------
    bool

    Raises
    ------
    ArgumentTypeError
        ``value`` is not a ``bool`` (``0`` and ``1`` are refused too).

    Examples
    --------
    >>> check_bool(np.True_, "exact")
    True
    >>> check_bool(1, "exact")
    Traceback (most recent call last):
    ...
    limitproc.errors.ArgumentTypeError: exact must be True or False, got 1 (int)
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be True or False, got {_shown(value)} ({type(value).__name__})")
    return bool(value)


def check_int(value: Any, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an ``int`` if it is an integer in ``[minimum, maximum]``.

    Parameters
    ----------
    value : object
        The value to check (``bool`` is refused).
    name : str
        Its name in the message.
    minimum, maximum : int, optional
        Bounds, included; ``None`` for no bound.

    Returns
    -------
    int

    Raises
    ------
    ArgumentTypeError
        ``value`` is not an integer.
    ArgumentError
        ``value`` is out of ``[minimum, maximum]``.

    Examples
    --------
    >>> check_int(3, "m", minimum=1)
    3
    >>> check_int(-1, "seed", minimum=0)
    Traceback (most recent call last):
    ...
    limitproc.errors.ArgumentError: seed must be an integer >= 0, got -1
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(f"{name} must be an integer, got {_shown(value)} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        bound = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ArgumentError(f"{name} must be an integer {bound}, got {value}")
    if maximum is not None and value > maximum:
        bound = f"<= {maximum}" if minimum is None else f"in [{minimum}, {maximum}]"
        raise ArgumentError(f"{name} must be an integer {bound}, got {value}")
    return value


def check_real(
    value: Any,
    name: str,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = True,
    high_open: bool = True,
) -> float:
    """``value`` as a finite ``float`` in the interval from ``low`` to ``high``
    (open ends by default; ``None`` for no bound).

    Parameters
    ----------
    value : object
        The value to check: a real number (``Decimal`` and 0-d numeric
        arrays included, ``bool`` refused).
    name : str
        Its name in the message.
    low, high : float, optional
        Ends of the interval; ``None`` for no bound.
    low_open, high_open : bool
        Whether each end is excluded.

    Returns
    -------
    float

    Raises
    ------
    ArgumentTypeError
        ``value`` is not a real number.
    ArgumentError
        ``value`` is not finite, beyond float64, or out of the interval.

    Examples
    --------
    >>> check_real(1e-8, "lam", 0, 1)
    1e-08
    >>> check_real("abc", "lam", 0, 1)
    Traceback (most recent call last):
    ...
    limitproc.errors.ArgumentTypeError: lam must be a real number, got 'abc' (str)
    >>> check_real(float("nan"), "tol", 0, 1)
    Traceback (most recent call last):
    ...
    limitproc.errors.ArgumentError: tol must be a finite number in (0, 1), got nan
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, Decimal)):
        if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
            value = value.item()
        else:
            raise ArgumentTypeError(f"{name} must be a real number, got {_shown(value)} ({type(value).__name__})")
    interval = f"{'(' if low_open else '['}{'-inf' if low is None else f'{low:g}'}, " \
               f"{'inf' if high is None else f'{high:g}'}{')' if high_open else ']'}"
    try:
        number = float(value)
    except (OverflowError, ValueError):
        raise ArgumentError(f"{name} must be a finite number in {interval}, got {_shown(value)} (beyond float64)") from None
    if not math.isfinite(number):
        raise ArgumentError(f"{name} must be a finite number in {interval}, got {number:g}")
    if low is not None and (number < low or (low_open and number == low)):
        raise ArgumentError(f"{name} must be in {interval}, got {number:g}")
    if high is not None and (number > high or (high_open and number == high)):
        raise ArgumentError(f"{name} must be in {interval}, got {number:g}")
    return number


def memory_limit() -> int | None:
    """Bytes of memory this process may use at most: the smallest of the
    physical memory, the cgroup limit and the memory available now
    (``None`` when unknown).

    Returns
    -------
    int or None

    Examples
    --------
    >>> limit = memory_limit()
    >>> limit is None or limit > 0
    True
    """
    limits = []
    try:
        limits.append(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        pass
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as handle:
                text = handle.read().strip()
        except OSError:
            continue
        if text.isdigit():
            limits.append(int(text))
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    limits.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    limits = [v for v in limits if v > 0]
    return min(limits) if limits else None


def _bytes(count: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if count < 1024 or unit == "EiB":
            return f"{count:.3g} {unit}" if unit != "bytes" else f"{count} bytes"
        count /= 1024
    return f"{count:.3g} EiB"  # pragma: no cover


def check_memory(nbytes: int, what: str) -> int:
    """Raise :class:`~limitproc.errors.SizeError` when ``nbytes`` exceed
    :func:`memory_limit` (``what`` names the array in the message).

    Parameters
    ----------
    nbytes : int
        Bytes the array would take.
    what : str
        The array, for the message.

    Returns
    -------
    int
        ``nbytes``.

    Raises
    ------
    SizeError
        ``nbytes`` exceed the memory available or the address space.

    Examples
    --------
    >>> check_memory(8 * 1000, "a vector of 1000 floats")
    8000
    >>> check_memory(2**80, "W")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    limitproc.errors.SizeError: W needs 1.05e+06 EiB, more than ...
    """
    limit = memory_limit()
    if nbytes > np.iinfo(np.intp).max or (limit is not None and nbytes > limit):
        where = f"the memory available ({_bytes(limit)})" if limit is not None else "the address space"
        raise SizeError(f"{what} needs {_bytes(nbytes)}, more than {where}")
    return int(nbytes)
