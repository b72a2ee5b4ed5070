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


# -- ExactReal: the numbers of the exact backend (python-flint) --------------------------------

import pickle  # noqa: E402
import random  # noqa: E402
from fractions import Fraction  # noqa: E402

from limitproc.process.exact import ExactReal, exact  # noqa: E402


def random_number(rng, depth):
    """A random graph of +, −, ×, ÷ (by single surds) over rationals and surds."""
    if depth == 0 or rng.random() < 0.3:
        q = Fraction(rng.randint(-50, 50), rng.randint(1, 30))
        return exact(q) if rng.random() < 0.5 else ExactReal.surd(Fraction(rng.randint(1, 5), rng.randint(1, 4)), abs(q) + 1)
    a, b = random_number(rng, depth - 1), random_number(rng, depth - 1)
    op = rng.choice("+-*/n")
    if op == "/":
        return a / ExactReal.surd(rng.randint(1, 7), rng.randint(2, 40))
    return a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else -a


def test_text_reads_back_as_the_same_number():
    rng = random.Random(0)
    for _ in range(200):
        x = random_number(rng, 5)
        back = sympy.sympify(str(x))
        assert compare(back, x) == 0, str(x)
        assert sympy.sympify(x._plain_text()) - back == 0 or compare(sympy.sympify(x._plain_text()), x) == 0


def test_small_numbers_are_written_as_sympy_writes_them():
    rng = random.Random(1)
    for _ in range(300):
        c = Fraction(rng.randint(-20, 20) or 1, rng.randint(1, 30))
        q = Fraction(rng.randint(1, 3000), rng.randint(1, 500))
        assert str(ExactReal.surd(c, q)) == str(sympy.Rational(c.numerator, c.denominator)
                                                 * sympy.sqrt(sympy.Rational(q.numerator, q.denominator)))
    assert str(4 / exact(5).sqrt()) == "4*sqrt(5)/5" and str(exact(-3, 7)) == "-3/7"


def test_equality_by_square_classes_with_large_radicands():
    big = 10**40 + 7
    a = ExactReal.surd(1, big * 9) + ExactReal.surd(2, big)  # 3√big + 2√big
    b = ExactReal.surd(5, Fraction(big * 4, 4))
    assert a == b and is_zero(a - b) and hash(a - b) == hash(0)
    assert is_zero(ExactReal.surd(1, 2) * ExactReal.surd(1, 8) - 4)
    assert not is_zero(a - b + ExactReal.surd(Fraction(1, 10**30), 3))


def test_comparison_below_the_equality_precision():
    # √2 against a rational 1e-400 away: separated only past EQUALITY_PREC bits
    import math

    q = Fraction(math.isqrt(2 * 10**800), 10**400)
    assert compare(exact(2).sqrt(), q) == 1 and compare(q, exact(2).sqrt()) == -1


def test_rational_hash_and_pickle():
    x = ExactReal.surd(3, 2) * ExactReal.surd(1, 2)  # 6, through a product of surds
    assert x == 6 and hash(x) == hash(6) == hash(Fraction(6))
    y = 1 + exact(2).sqrt() / 3
    assert pickle.loads(pickle.dumps(y)) == y
    assert float(y) == pytest.approx(1 + 2**0.5 / 3, rel=1e-16)
