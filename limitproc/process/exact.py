"""Certified comparison of exact real numbers built from rationals and roots.

Jump times of Algorithm 1 with rational labels are sums of quotients of
square roots of rationals (spec §6).  They are held as sympy expressions;
:func:`compare` decides their order with a proof: interval arithmetic
(mpmath's outward-rounded ``iv`` context) refined until the enclosures
separate, and, when they never separate, an exact equality test by the
minimal polynomial of the difference.  Nothing is decided by rounding.
"""

from contextlib import contextmanager
from fractions import Fraction

import sympy
from mpmath import iv

__all__ = ["enclose", "compare", "order_candidates", "is_zero", "to_sympy", "START_PREC", "EQUALITY_PREC"]

#: Working precision (bits) of the first enclosure.
START_PREC = 64
#: Precision (bits) past which two unseparated numbers are tested for equality.
EQUALITY_PREC = 1024

_X = sympy.Symbol("x")


def to_sympy(value):
    """An exact sympy number from an int, Fraction or sympy expression."""
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return sympy.sympify(value)


@contextmanager
def _precision(bits):
    saved = iv.prec
    iv.prec = bits
    try:
        yield
    finally:
        iv.prec = saved


def _enclose(expr, cache):
    found = cache.get(expr)
    if found is not None:
        return found
    if expr.is_Rational:
        value = iv.mpf(int(expr.p)) / int(expr.q)
    elif expr.is_Add:
        value = sum((_enclose(a, cache) for a in expr.args[1:]), _enclose(expr.args[0], cache))
    elif expr.is_Mul:
        value = _enclose(expr.args[0], cache)
        for factor in expr.args[1:]:
            value = value * _enclose(factor, cache)
    elif expr.is_Pow and expr.exp.is_Rational:
        base = _enclose(expr.base, cache)
        p, q = int(expr.exp.p), int(expr.exp.q)
        if q == 1:
            value = base**p
        elif q in (2, 4):
            root = iv.sqrt(base) if q == 2 else iv.sqrt(iv.sqrt(base))
            value = root**p
        else:
            value = iv.exp(iv.log(base) * p / q)
    else:
        raise TypeError(f"cannot enclose {expr!r}: only rationals, +, ×, and rational powers are supported")
    cache[expr] = value
    return value


def enclose(expr, prec=START_PREC):
    """A rigorous interval ``[lo, hi]`` (mpmath ``iv.mpf``) containing ``expr``.

    >>> print(enclose(sympy.sqrt(2), 20))
    [1.4142131805419921875, 1.414215087890625]
    """
    with _precision(prec):
        return _enclose(sympy.sympify(expr), {})


def is_zero(expr):
    """Whether ``expr`` is exactly 0, proved by its minimal polynomial."""
    expr = sympy.sympify(expr)
    if expr.is_Rational:
        return expr == 0
    return sympy.minimal_polynomial(expr, _X) == _X


def compare(a, b):
    """The sign of ``a - b`` (-1, 0 or 1), decided with a proof.

    >>> compare(sympy.sqrt(2) + sympy.sqrt(3), sympy.sqrt(5 + 2 * sympy.sqrt(6)))
    0
    >>> compare(sympy.sqrt(2), sympy.Rational(99, 70)), compare(sympy.sqrt(2), sympy.Rational(140, 99))
    (-1, 1)
    """
    a, b = sympy.sympify(a), sympy.sympify(b)
    prec = START_PREC
    tested = False
    while True:
        with _precision(prec):
            cache = {}
            ia, ib = _enclose(a, cache), _enclose(b, cache)
            if ia < ib:
                return -1
            if ib < ia:
                return 1
        if prec >= EQUALITY_PREC and not tested:
            if is_zero(a - b):
                return 0
            tested = True
        prec *= 2


def order_candidates(values, prec=START_PREC):
    """Indices of the minimal elements of ``values`` (sympy numbers), proved.

    Refines only the candidates whose enclosures overlap the smallest upper
    bound; returns every index whose value equals the minimum exactly.

    >>> order_candidates([sympy.sqrt(8), 3, 2 * sympy.sqrt(2)])
    [0, 2]
    """
    values = [sympy.sympify(v) for v in values]
    indices = list(range(len(values)))
    while True:
        with _precision(prec):
            cache = {}
            boxes = {i: _enclose(values[i], cache) for i in indices}
            best = min(indices, key=lambda i: boxes[i].b)
            indices = [i for i in indices if not (boxes[best] < boxes[i])]
        if len(indices) == 1:
            return indices
        if prec >= EQUALITY_PREC:
            break
        prec *= 2
    # Enclosures still overlap at EQUALITY_PREC: settle them one by one.
    minimal = [indices[0]]
    for i in indices[1:]:
        sign = compare(values[i], values[minimal[0]])
        if sign < 0:
            minimal = [i]
        elif sign == 0:
            minimal.append(i)
    return minimal
