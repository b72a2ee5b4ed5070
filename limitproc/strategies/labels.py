"""Labels ``±p/q`` with small ``p`` and ``q``: floats, exact fractions or strings (spec §6)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ._common import (
    LABEL_KINDS,
    LABEL_SIGNS,
    _choice,
    _eager,
    _flag,
    _kept,
    _places,
    _size,
    _sizes,
    _strategy,
    _upper,
    _used,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["label_magnitudes", "labels"]


def label_magnitudes(
    *, max_numerator: int = 99, denominators: Sequence[int] = (1, 2, 4, 5, 8, 10)
) -> SearchStrategy[Fraction]:
    """Positive label magnitudes ``p/q`` with few digits, as Fractions.

    They shrink to 1.  With the defaults distinct draws rarely tie; small
    values do (``3² + 4² = 5²``), which the exact backend decides (spec §6).

    Parameters
    ----------
    max_numerator : int
        ``p`` is drawn from ``1..max_numerator``.
    denominators : sequence of int
        ``q`` is drawn from these (the first is the simplest).

    Returns
    -------
    SearchStrategy[Fraction]

    Examples
    --------
    >>> from hypothesis import Phase, find, settings
    >>> first = settings(phases=[Phase.generate], database=None)
    >>> find(label_magnitudes(), lambda v: True, settings=first)
    Fraction(1, 1)
    >>> v = find(label_magnitudes(), lambda v: v.denominator > 1, settings=first)
    >>> 0 < v <= 99 and v.denominator in (2, 4, 5, 8, 10)
    True
    """
    _size(max_numerator, "max_numerator", 1)
    denominators = tuple(_size(q, "denominator", 1) for q in denominators)
    if not denominators:
        raise InvalidArgument("denominators must not be empty")
    return st.builds(Fraction, st.integers(1, max_numerator), st.sampled_from(denominators))


def _as_kind(values, kind):
    if kind == "float":
        return np.array([float(v) for v in values], dtype=float)
    if kind == "fraction":
        return [Fraction(v) for v in values]
    return [str(Fraction(v)) for v in values]


def _anchors(signs, at_least=0):
    """How many labels must be non-zero (one of each sign for ``"mixed"``)."""
    return max({"any": 0, "mixed": 2}.get(signs, 1), at_least)


def _label_record(draw, magnitudes, pool, signs, allow_zero):
    """One datum's label, before the anchors: (magnitude or pool index, negative?, zero?)."""
    if pool is not None:
        value = draw(st.integers(0, len(pool) - 1))
    else:
        value = draw(magnitudes)
        if not isinstance(value, Fraction) or value <= 0:
            raise InvalidArgument(f"magnitudes must generate positive Fractions, got {value!r}")
    negative = draw(st.booleans()) if signs in ("any", "mixed") else signs == "negative"
    zero = draw(st.booleans()) if allow_zero else False
    return value, negative, zero


def _forced(draw, anchors, slots):
    """Positions of the anchors (labels forced non-zero), as indices into ``slots``
    places; :func:`_label_values` maps them to distinct data."""
    return [draw(st.integers(0, max(0, slots - 1 - a))) for a in range(anchors)]


def _label_values(records, pool, signs, picks):
    """The labels, as Fractions, and the anchors' data."""
    n = len(records)
    forced = []
    for pick in picks:
        free = [i for i in range(n) if i not in forced]
        forced.append(free[pick % len(free)])
    y = []
    for i, (value, negative, zero) in enumerate(records):
        if pool is not None:  # at most n - 1 distinct magnitudes: some repeat
            value = pool[value % max(1, min(len(pool), n - 1))]
        if signs == "mixed" and i in forced[:2]:
            negative = i == forced[1]
        y.append(Fraction(0) if zero and i not in forced else -value if negative else value)
    return y, forced


def _pool(draw, magnitudes, repeated, largest):
    if not repeated:
        return None
    pool = draw(st.lists(magnitudes, min_size=1, max_size=max(1, largest - 1)))
    for value in pool:
        if not isinstance(value, Fraction) or value <= 0:
            raise InvalidArgument(f"magnitudes must generate positive Fractions, got {value!r}")
    return pool


@st.composite
def _labels(draw, n, signs, kind, magnitudes, repeated, allow_zero):
    signs = _choice(draw(signs), "signs", LABEL_SIGNS)
    kind = _choice(draw(kind), "kind", LABEL_KINDS)
    repeated = _flag(draw(repeated), "repeated")
    allow_zero = _flag(draw(allow_zero), "allow_zero")
    anchors = _anchors(signs)
    slots, flagged, minimum = _places(draw, n, "n")
    if slots < anchors:
        raise InvalidArgument(f"n={slots} labels cannot have {anchors} non-zero entries (signs={signs!r})")
    pool = _pool(draw, magnitudes, repeated, slots)
    picks = _forced(draw, anchors, slots)
    flags, records = [], []
    for _ in range(slots):
        flags.append(_used(draw, flagged))
        records.append(_label_record(draw, magnitudes, pool, signs, allow_zero))
    records = [records[i] for i in _kept(flags, max(minimum, anchors))]
    y, _ = _label_values(records, pool, signs, picks)
    return _as_kind(y, kind)


def labels(
    n: int | tuple[int, int] | SearchStrategy[int],
    *,
    signs: Literal["any", "mixed", "positive", "negative"] | SearchStrategy[str] = "any",
    kind: Literal["float", "fraction", "string"] | SearchStrategy[str] = "float",
    magnitudes: SearchStrategy[Fraction] | None = None,
    repeated: bool | SearchStrategy[bool] = False,
    allow_zero: bool | SearchStrategy[bool] = False,
) -> SearchStrategy[NDArray[np.float64] | list[Fraction] | list[str]]:
    """Label vectors ``y`` (spec §1).

    Parameters
    ----------
    n : int, (int, int) or strategy
        Number of labels.  With a ``(min, max)`` tuple each label has its own
        place and shrinking can remove any of them.
    signs : {"any", "mixed", "positive", "negative"} or strategy
        ``"mixed"``: at least one positive and one negative label (``n >= 2``);
        ``"positive"``/``"negative"``: every non-zero label has that sign (and
        one is non-zero); ``"any"``: independent signs.
    kind : {"float", "fraction", "string"} or strategy
        ``"float"`` gives a float64 array; ``"fraction"`` a list of
        :class:`~fractions.Fraction`; ``"string"`` a list of strings such as
        ``"3/7"``.  The last two are exact labels for the exact backend
        (``limit_process(problem, exact=True)``, spec §6).
    magnitudes : strategy, optional
        Positive Fractions; default :func:`label_magnitudes`.
    repeated : bool or strategy
        Draw the magnitudes from a pool smaller than ``n``, so that some
        repeat (ties between candidate jump times become likely).
    allow_zero : bool or strategy
        Some labels may be 0 (spec §5; pass ``allow_zero_labels=True`` to
        :class:`~limitproc.problem.Problem`).

    Returns
    -------
    SearchStrategy[ndarray or list]

    Examples
    --------
    >>> from hypothesis import Phase, find, settings
    >>> first = settings(phases=[Phase.generate], database=None)
    >>> find(labels(3, signs="mixed", kind="string"), lambda y: True, settings=first)
    ['1', '-1', '1']
    >>> y = find(labels((2, 6), repeated=True), lambda y: len(set(np.abs(y))) == 2, settings=first)
    >>> y.dtype, len(set(np.abs(y))) < len(y)  # some magnitude repeats
    (dtype('float64'), True)
    """
    n = _sizes(n, "n", 0)
    _eager(signs, _choice, "signs", LABEL_SIGNS)
    _eager(kind, _choice, "kind", LABEL_KINDS)
    _eager(repeated, _flag, "repeated")
    _eager(allow_zero, _flag, "allow_zero")
    if not isinstance(signs, SearchStrategy) and not isinstance(n, SearchStrategy) and _upper(n) < _anchors(signs):
        raise InvalidArgument(f"signs={signs!r} needs n >= {_anchors(signs)}, got n={n}")
    magnitudes = label_magnitudes() if magnitudes is None else magnitudes
    if not isinstance(magnitudes, SearchStrategy):
        raise InvalidArgument(f"magnitudes={magnitudes!r} must be a strategy")
    return _labels(n, _strategy(signs), _strategy(kind), magnitudes, _strategy(repeated), _strategy(allow_zero))
