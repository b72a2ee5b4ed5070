"""Shared pieces of the strategies: the values of their choice arguments and argument checks."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

#: Values of the ``signs`` argument of :func:`labels`.
LABEL_SIGNS = ("any", "mixed", "positive", "negative")
#: Values of the ``kind`` argument of :func:`labels`.
LABEL_KINDS = ("float", "fraction", "string")
#: Values of the ``form`` argument of :func:`initializations`.
FORMS = ("signs", "a0")
#: Values of the ``basis`` argument of :func:`problems`.
BASES = ("any", "standard", "rotated")

#: The default data coordinates ``c_ji``: an integer ``k`` in 0..11 read as
#: ``±(1 + k mod 3)``, negative for ``k >= 9`` (probability 1/4), shrinking to 1.
_CODES = st.integers(0, 11)


def _decode(k):
    return -(1 + k % 3) if k >= 9 else 1 + k % 3


def _strategy(value):
    """``value`` itself if it is a strategy, else ``just(value)``."""
    return value if isinstance(value, SearchStrategy) else st.just(value)


def _size(value, name, minimum):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InvalidArgument(f"{name}={value!r} must be an integer >= {minimum}")
    return int(value)


def _choice(value, name, choices):
    if value not in choices:
        raise InvalidArgument(f"{name}={value!r} must be one of {choices}")
    return value


def _flag(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidArgument(f"{name}={value!r} must be a bool")
    return bool(value)


def _eager(value, check, *args):
    """Check a literal argument now; a strategy's values are checked when drawn."""
    if not isinstance(value, SearchStrategy):
        check(value, *args)


def _sizes(value, name, minimum):
    """Check a size argument: an int, a ``(min, max)`` tuple, or a strategy."""
    if isinstance(value, SearchStrategy):
        return value
    if isinstance(value, tuple):
        if len(value) != 2:
            raise InvalidArgument(f"{name}={value!r} must be an int, a (min, max) tuple or a strategy")
        lo, hi = (_size(v, name, minimum) for v in value)
        if lo > hi:
            raise InvalidArgument(f"{name}={value!r}: min > max")
        return (lo, hi)
    return _size(value, name, minimum)


def _upper(spec):
    """The largest size ``spec`` allows (``None`` for a strategy)."""
    return spec[1] if isinstance(spec, tuple) else None if isinstance(spec, SearchStrategy) else spec


#: Whether a place of a ``(min, max)`` size is used: with probability 2/3,
#: shrinking to unused.
_PRESENT = st.integers(0, 2)


def _places(draw, spec, name, at_least=0, minimum=0):
    """``(slots, flagged, minimum)``: how many places to draw for a size.

    Every datum (or neuron) has a place, up to the largest size allowed.  With
    a ``(min, max)`` size each place also draws whether it is used
    (``flagged``), so that shrinking removes any datum or neuron by one change
    and moves no other draw.  An int, or a size drawn from a strategy, uses
    every place.
    """
    if isinstance(spec, tuple):
        lo, hi = max(spec[0], at_least), max(spec[1], at_least)
        return hi, True, lo
    k = max(_size(draw(spec), name, minimum) if isinstance(spec, SearchStrategy) else spec, at_least)
    return k, False, k


def _used(draw, flagged):
    return not flagged or draw(_PRESENT) > 0


def _kept(flags, minimum):
    """Indices of the used places, completed from the first ones up to ``minimum``."""
    kept = [i for i, f in enumerate(flags) if f]
    for i, f in enumerate(flags):
        if len(kept) >= minimum:
            break
        if not f:
            kept.append(i)
    return sorted(kept)
