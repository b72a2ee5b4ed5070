"""Tests of limitproc.process.exact: rigorous enclosures and proved comparisons of
numbers built from rationals, sums, products and rational powers (spec §6)."""

import pytest
import sympy
from mpmath import mp, mpf

from limitproc.process.exact import (
    EQUALITY_PREC,
    START_PREC,
    compare,
    enclose,
    is_zero,
    order_candidates,
)

sqrt, R = sympy.sqrt, sympy.Rational

EXPRESSIONS = [
    sqrt(2),
    4 / sqrt(10),
    R(3, 7) + sqrt(R(5, 3)) * sqrt(11) - R(1, 9),
    4 - (sqrt(2) - 1) * 4 / sqrt(10),  # a retimed candidate (tests/process/test_arithmetic.py)
    R(2) ** R(1, 3),
    R(7, 2) ** R(3, 4),
    (1 + sqrt(2)) ** -3,
]


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=str)
def test_enclosures_contain_the_value_and_tighten(expr):
    with mp.workprec(2000):  # endpoints and a 150-digit value, all exact or nearly
        value = mpf(str(sympy.N(expr, 150)))
        widths = []
        for prec in (START_PREC, 2 * START_PREC, 4 * START_PREC):
            box = enclose(expr, prec)
            lo, hi = (mpf(end) for end in box._mpi_)
            assert lo <= value <= hi
            widths.append(hi - lo)
        assert widths[1] < widths[0] * mpf(2) ** -40 and widths[2] < widths[1] * mpf(2) ** -40


def test_unsupported_expressions_are_refused():
    with pytest.raises(TypeError, match="cannot enclose"):
        enclose(sympy.pi)


def test_compare_separates_numbers_closer_than_float64():
    # consecutive continued-fraction convergents of sqrt(2) lie on both sides,
    # here 1e-30 apart from it: far below the 64-bit first enclosure
    convergents = [R(1)]
    p, q = 3, 2
    while abs(R(p, q) - sqrt(2)).evalf(50) > 1e-30:
        convergents.append(R(p, q))
        p, q = p + 2 * q, p + q
    below, above = sorted([R(p, q), convergents[-1]])
    assert compare(sqrt(2), below) == 1 and compare(sqrt(2), above) == -1
    assert compare(below, sqrt(2)) == -1


@pytest.mark.parametrize(
    "a, b",
    [
        (sqrt(2) + sqrt(3), sqrt(5 + 2 * sqrt(6))),
        (4 / sqrt(10), 2 * sqrt(10) / 5),
        (sqrt(2) * sqrt(3), sqrt(6)),
        ((1 + sqrt(2)) ** 2, 3 + 2 * sqrt(2)),
    ],
    ids=["denested", "rationalized", "product", "square"],
)
def test_equal_numbers_in_different_forms(a, b):
    assert compare(a, b) == 0
    assert is_zero(a - b)


def test_is_zero_is_exact():
    assert is_zero(R(0)) and not is_zero(R(1, 10**40))
    assert not is_zero(sqrt(2) - R(665857, 470832))  # |·| ≈ 1.6e-12


def test_order_candidates_returns_every_exact_minimum():
    values = [sqrt(8), 3, 2 * sqrt(2), sqrt(8) + R(1, 10**40), 4 / sqrt(2)]
    assert order_candidates(values) == [0, 2, 4]
    assert order_candidates(values[1:]) == [1, 3]
    assert order_candidates([R(5)]) == [0]


def test_precision_constants():
    assert START_PREC < EQUALITY_PREC and EQUALITY_PREC % START_PREC == 0
