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

import math
import numbers
import os
from decimal import Decimal

import numpy as np

from .errors import ArgumentError, ArgumentTypeError, SizeError

__all__ = [
    "check_bool",
    "check_choice",
    "check_int",
    "check_memory",
    "check_problem",
    "check_real",
    "memory_limit",
]


def _shown(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_problem(problem, name="problem"):
    """``problem`` if it is a :class:`~limitproc.Problem`.

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


def check_choice(value, choices, name):
    """``value`` if it is one of ``choices`` (strings)."""
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be one of {tuple(choices)}, got {_shown(value)} ({type(value).__name__})")
    if value not in choices:
        raise ArgumentError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def check_bool(value, name):
    """``value`` as a bool if it is one (``bool`` or ``numpy.bool_``)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be True or False, got {_shown(value)} ({type(value).__name__})")
    return bool(value)


def check_int(value, name, minimum=None, maximum=None):
    """``value`` as an ``int`` if it is an integer in ``[minimum, maximum]``.

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


def check_real(value, name, low=None, high=None, *, low_open=True, high_open=True):
    """``value`` as a finite ``float`` in the interval from ``low`` to ``high``
    (open ends by default; ``None`` for no bound).

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


def memory_limit():
    """Bytes of memory this process may use at most: the smallest of the
    physical memory, the cgroup limit and the memory available now
    (``None`` when unknown)."""
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


def _bytes(count):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if count < 1024 or unit == "EiB":
            return f"{count:.3g} {unit}" if unit != "bytes" else f"{count} bytes"
        count /= 1024
    return f"{count:.3g} EiB"  # pragma: no cover


def check_memory(nbytes, what):
    """Raise :class:`~limitproc.errors.SizeError` when ``nbytes`` exceed
    :func:`memory_limit` (``what`` names the array in the message)."""
    limit = memory_limit()
    if nbytes > np.iinfo(np.intp).max or (limit is not None and nbytes > limit):
        where = f"the memory available ({_bytes(limit)})" if limit is not None else "the address space"
        raise SizeError(f"{what} needs {_bytes(nbytes)}, more than {where}")
    return int(nbytes)
