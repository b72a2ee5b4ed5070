"""Exact real numbers built from rationals and square roots, compared with a proof.

Jump times of Algorithm 1 with rational labels are sums of quotients of
square roots of rationals (spec §6).  They are held as :class:`ExactReal`
numbers: a graph of ``+ − × ÷`` and roots over exact rationals
(python-flint ``fmpq``).  Each number gives

* a ball (python-flint ``arb``) that contains it, at any precision, computed
  once per node and precision and kept: a later comparison at the same or a
  lower precision re-walks nothing;
* its normal form ``Σ c_k √q_k`` (rational ``c_k``, ``q_k``), when it has
  one, to decide an equality exactly: square roots of rationals in distinct
  classes modulo rational squares are linearly independent over ``Q``
  (Besicovitch 1940), so the sum is 0 iff the coefficients of every class
  cancel;
* a sympy expression, built once and only when shown (``str``, ``_sympy_``).

:func:`compare` decides an order with a proof: arb balls refined until they
separate; when they do not, an exact equality test (the normal form, or
sympy's minimal polynomial for numbers outside it, such as nested roots).
Nothing is decided by rounding.

One module although past 600 lines: :class:`ExactReal`, its normal form and its written form share the node
graph and its op codes, and split apart they would import each other (about 700 lines of code).
"""

from __future__ import annotations

from fractions import Fraction
from numbers import Integral, Rational
from typing import TYPE_CHECKING, cast

from flint import arb, ctx, fmpq, fmpz

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any, TypeAlias

    import sympy
    from mpmath import iv

    #: What :func:`exact` takes: an int, a Fraction (any rational), an fmpz or
    #: fmpq, a finite float (its binary value), an ExactReal or a sympy number.
    ExactLike: TypeAlias = "int | float | Fraction | Rational | fmpz | fmpq | ExactReal | sympy.Expr"

__all__ = [
    "ExactReal",
    "exact",
    "enclose",
    "compare",
    "order_candidates",
    "is_zero",
    "to_sympy",
    "START_PREC",
    "EQUALITY_PREC",
]

#: Working precision (bits) of the first enclosure.
START_PREC = 64
#: Precision (bits) at which every new number gets its ball when it is built
#: (from its children's balls: one arb operation, nothing re-walked later).
WORKING_PREC = 128
#: Precision (bits) past which two unseparated numbers are tested for equality
#: without a bound on the size of their normal forms.
EQUALITY_PREC = 1024
#: Below EQUALITY_PREC an equality test is tried once the balls overlap at
#: twice START_PREC, if the normal forms stay within this many terms.
_EARLY_TERMS = 256

_RAT, _SURD, _ADD, _SUB, _MUL, _DIV, _NEG, _POW = range(8)
_NOT_NORMAL = object()  # marker: the number has no normal form Σ c √q


def _square_root(q: fmpq) -> fmpq | None:
    """``√q`` as an fmpq when ``q ≥ 0`` is the square of a rational, else ``None``."""
    p, d = q.p, q.q
    if p < 0 or not (p.is_square() and d.is_square()):
        return None
    return fmpq(p.isqrt(), d.isqrt())


def _fmpq(value: int | float | Rational | fmpz | fmpq) -> fmpq:
    """An exact rational (fmpq) from an int, Fraction, fmpz, fmpq or a finite float."""
    if isinstance(value, fmpq):
        return value
    if isinstance(value, (int, fmpz, Integral)):
        return fmpq(int(value))
    if isinstance(value, float):
        value = Fraction(value)
    if isinstance(value, Rational):
        return fmpq(int(value.numerator), int(value.denominator))
    raise TypeError(f"not a rational number: {value!r}")


class ExactReal:
    """An exact real number: rationals combined by ``+ − × ÷`` and roots.

    Build from a rational with :func:`exact`; combine with the usual
    operators (with ints, Fractions, exact floats, sympy numbers or other
    ``ExactReal``).  ``float(x)`` is the nearest float up to an error below
    ``2^-60`` relative; ``str(x)`` is the sympy form; ``==``, ``<``, … are
    decided with a proof (:func:`compare`).  Jump times, rates and norms of
    the exact backend are these numbers (spec §6).

    Parameters
    ----------
    op : int
        The node's operation (an internal code: a rational, a surd
        ``c √q``, ``+``, ``−``, ``×``, ``÷``, a negation or a power).
    args : tuple
        Its operands: fmpq values for a rational or a surd, ExactReal
        children otherwise (and the exponent ``p/q`` of a power).  Build
        numbers with :func:`exact`, :meth:`rational`, :meth:`surd` and the
        operators rather than directly.

    Examples
    --------
    >>> t = 4 / exact(5).sqrt()
    >>> str(t), float(t)
    ('4*sqrt(5)/5', 1.7888543819998317)
    >>> t == exact(16, 5).sqrt(), t < 2
    (True, True)
    """

    __slots__ = ("op", "args", "_prec", "_ball", "_normal", "_sympy", "_text")

    op: int
    args: tuple[Any, ...]
    _prec: int
    _ball: arb | None
    _normal: Any  # the normal form {q: c}, _NOT_NORMAL, or None before it is computed
    _sympy: Any
    _text: str | None

    def __init__(self, op: int, args: tuple[Any, ...]) -> None:
        self.op = op
        self.args = args
        self._prec = 0
        self._ball = None
        self._normal = None
        self._sympy = None
        self._text = None
        if op <= _SURD:
            prec = WORKING_PREC
        elif op >= _NEG:
            prec = args[0]._prec
        else:
            prec = min(args[0]._prec, args[1]._prec)
        if prec:
            saved = ctx.prec
            if saved == prec:
                self._ball = self._compute_ball()
            else:
                ctx.prec = prec
                try:
                    self._ball = self._compute_ball()
                finally:
                    ctx.prec = saved
            self._prec = prec

    # -------------------------------------------------------------- building

    @classmethod
    def rational(cls, value: int | float | Rational | fmpz | fmpq) -> ExactReal:
        """The rational ``value`` (int, Fraction, fmpq or float, taken exactly).

        Parameters
        ----------
        value : int, Fraction, fmpz, fmpq or float
            A rational number; a float is taken at its binary value.

        Returns
        -------
        ExactReal

        Raises
        ------
        TypeError
            ``value`` is not a rational number.

        Examples
        --------
        >>> from fractions import Fraction
        >>> str(ExactReal.rational(Fraction(3, 4))), str(ExactReal.rational(0.1))
        ('3/4', '3602879701896397/36028797018963968')
        """
        return cls(_RAT, (_fmpq(value),))

    @classmethod
    def surd(cls, c: int | float | Rational | fmpz | fmpq, q: int | float | Rational | fmpz | fmpq) -> ExactReal:
        """``c √q`` for rationals ``c`` and ``q ≥ 0`` (a rational when ``q`` is a square).

        Rates ``√S_j / n`` of the exact backend are surds (spec §6).

        Parameters
        ----------
        c : int, Fraction, fmpz, fmpq or float
            The rational coefficient.
        q : int, Fraction, fmpz, fmpq or float
            The rational radicand, ``q ≥ 0``.

        Returns
        -------
        ExactReal

        Raises
        ------
        ValueError
            ``q < 0``.

        Examples
        --------
        >>> from fractions import Fraction
        >>> str(ExactReal.surd(2, 3)), str(ExactReal.surd(3, Fraction(1, 2))), str(ExactReal.surd(5, 4))
        ('2*sqrt(3)', '3*sqrt(2)/2', '10')
        """
        c, q = _fmpq(c), _fmpq(q)
        if q < 0:
            raise ValueError(f"square root of a negative rational {q}")
        root = _square_root(q)
        if root is not None:
            return cls(_RAT, (c * root,))
        if c == 0:
            return cls(_RAT, (fmpq(0),))
        return cls(_SURD, (c, q))

    def sqrt(self) -> ExactReal:
        """``√self`` (``self ≥ 0``).

        Returns
        -------
        ExactReal
            A surd when ``self`` is rational, else the root node.

        Examples
        --------
        >>> str(exact(12).sqrt()), str((exact(1) + exact(2).sqrt()).sqrt())
        ('2*sqrt(3)', 'sqrt(1 + sqrt(2))')
        """
        if self.op == _RAT:
            return ExactReal.surd(1, self.args[0])
        return ExactReal(_POW, (self, 1, 2))

    @property
    def is_rational_leaf(self) -> bool:
        """Whether ``self`` is stored as a rational (not whether it is one: :meth:`rational_value`)."""
        return self.op == _RAT

    def _binary(self, other: ExactLike, op: int, swap: bool = False) -> ExactReal:
        try:
            other = exact(other)
        except TypeError:
            return NotImplemented
        a, b = (other, self) if swap else (self, other)
        return _combine(op, a, b)

    def __add__(self, other: ExactLike) -> ExactReal:
        return self._binary(other, _ADD)

    def __radd__(self, other: ExactLike) -> ExactReal:
        return self._binary(other, _ADD, swap=True)

    def __sub__(self, other: ExactLike) -> ExactReal:
        return self._binary(other, _SUB)

    def __rsub__(self, other: ExactLike) -> ExactReal:
        return self._binary(other, _SUB, swap=True)

    def __mul__(self, other: ExactLike) -> ExactReal:
        return self._binary(other, _MUL)

    def __rmul__(self, other: ExactLike) -> ExactReal:
        return self._binary(other, _MUL, swap=True)

    def __truediv__(self, other: ExactLike) -> ExactReal:
        return self._binary(other, _DIV)

    def __rtruediv__(self, other: ExactLike) -> ExactReal:
        return self._binary(other, _DIV, swap=True)

    def __neg__(self) -> ExactReal:
        if self.op == _RAT:
            return ExactReal(_RAT, (-self.args[0],))
        return ExactReal(_NEG, (self,))

    def __pos__(self) -> ExactReal:
        return self

    def __abs__(self) -> ExactReal:
        return -self if compare(self, 0) < 0 else self

    def __pow__(self, exponent: int | Fraction) -> ExactReal:
        if isinstance(exponent, Integral):
            return ExactReal(_POW, (self, int(exponent), 1))
        exponent = Fraction(exponent)
        return ExactReal(_POW, (self, exponent.numerator, exponent.denominator))

    # -------------------------------------------------------------- children

    def _children(self) -> tuple[ExactReal, ...]:
        op = self.op
        if op <= _SURD:
            return ()
        if op in (_NEG, _POW):
            return (self.args[0],)
        return self.args

    def _postorder(self, done: Callable[[ExactReal], bool]) -> list[ExactReal]:
        """Nodes below ``self`` (itself last) for which ``done(node)`` is false,
        children before parents; iterative, so deep graphs are fine."""
        order: list[ExactReal] = []
        stack = [self]
        seen: set[int] = set()
        while stack:
            node = stack[-1]
            if id(node) in seen or done(node):
                stack.pop()
                continue
            pending = [c for c in node._children() if id(c) not in seen and not done(c)]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            seen.add(id(node))
            order.append(node)
        return order

    # -------------------------------------------------------------- balls

    def ball(self, prec: int = START_PREC) -> arb:
        """An arb ball containing ``self``, computed at ``prec`` bits at least.

        Balls are kept per node: a later call at the same or a lower
        precision re-walks nothing (module docstring).

        Parameters
        ----------
        prec : int
            Working precision in bits.

        Returns
        -------
        flint.arb
            A ball that contains ``self`` (computed at ``prec`` bits or more).

        Examples
        --------
        >>> box = exact(2).sqrt().ball(64)
        >>> box < 1.41421357, box > 1.41421356, box.rel_accuracy_bits() >= 60
        (True, True, True)
        """
        if self._prec >= prec:
            return cast(arb, self._ball)
        saved = ctx.prec
        ctx.prec = prec
        try:
            if all(child._prec >= prec for child in self._children()):  # the usual case: one new node
                self._ball = ball = self._compute_ball()
                self._prec = prec
                return ball
            for node in self._postorder(lambda node: node._prec >= prec):
                node._ball = node._compute_ball()
                node._prec = prec
        finally:
            ctx.prec = saved
        return cast(arb, self._ball)

    def _compute_ball(self, ball_of: Callable[[ExactReal], Any] = lambda child: child._ball) -> arb:
        op, args = self.op, self.args
        if op == _RAT:
            return arb(args[0])
        if op == _SURD:
            return arb(args[0]) * arb(args[1]).sqrt()
        if op == _NEG:
            return -ball_of(args[0])
        if op == _POW:
            base, p, q = ball_of(args[0]), args[1], args[2]
            if q == 1:
                return base**p
            root = base.nonnegative_part().sqrt() if q == 2 else base.nonnegative_part().root(q)
            return root**p
        a, b = ball_of(args[0]), ball_of(args[1])
        if op == _ADD:
            return a + b
        if op == _SUB:
            return a - b
        if op == _MUL:
            return a * b
        return a / b

    def __float__(self) -> float:
        if self.op == _RAT:
            q = self.args[0]
            try:
                return int(q.p) / int(q.q)  # correctly rounded
            except OverflowError:
                return float("inf") if q > 0 else float("-inf")
        prec = max(WORKING_PREC, self._prec)
        while True:
            box = self.ball(prec)
            if box.rel_accuracy_bits() >= 60 or box.rad() < arb(2) ** -1100:
                return float(box.mid())
            prec *= 2

    # -------------------------------------------------------------- normal form

    def normal_form(self, limit: int | None = None) -> dict[fmpq, fmpq] | None:
        """``{q: c}`` with ``self = Σ c √q`` (``q = 1`` for the rational part),
        or ``None`` when ``self`` has no such form (a root of a sum, a
        quotient by a sum) or, with ``limit``, needs more than ``limit`` terms.

        Equalities are decided on this form (square-class cancellation,
        module docstring; spec §6).

        Parameters
        ----------
        limit : int, optional
            Give up (``None``) on forms of more than ``limit`` terms.

        Returns
        -------
        dict of fmpq to fmpq, or None
            Radicand ``q`` to coefficient ``c``; terms are not merged across
            square classes (``√8`` and ``√2`` stay apart).

        Examples
        --------
        >>> form = (exact(2).sqrt() + exact(8).sqrt() + 1).normal_form()
        >>> sorted((str(q), str(c)) for q, c in form.items())
        [('1', '1'), ('2', '1'), ('8', '1')]
        >>> (exact(1) + exact(2).sqrt()).sqrt().normal_form() is None
        True
        """
        if self._normal is not None:
            return None if self._normal is _NOT_NORMAL else self._normal
        for node in self._postorder(lambda node: node._normal is not None):
            form = node._compute_normal(limit)
            if form is None and limit is not None:
                return None  # over the budget: remember nothing, a later call may have none
            node._normal = _NOT_NORMAL if form is None else form
        return None if self._normal is _NOT_NORMAL else self._normal

    def _compute_normal(self, limit: int | None) -> dict[fmpq, fmpq] | None:
        op, args = self.op, self.args
        if op == _RAT:
            return {fmpq(1): args[0]} if args[0] != 0 else {}
        if op == _SURD:
            return {args[1]: args[0]}
        forms = [c._normal for c in self._children()]
        if any(f is _NOT_NORMAL for f in forms):
            return None
        if op == _NEG:
            return {q: -c for q, c in forms[0].items()}
        if op in (_ADD, _SUB):
            out = dict(forms[0])
            sign = 1 if op == _ADD else -1
            for q, c in forms[1].items():
                value = out.get(q, 0) + sign * c
                if value == 0:
                    out.pop(q, None)
                else:
                    out[q] = value
            return out if limit is None or len(out) <= limit else None
        if op == _MUL:
            return _product(forms[0], forms[1], limit)
        if op == _DIV:
            return _quotient(forms[0], forms[1], limit)
        base, p, q = forms[0], args[1], args[2]
        if q == 1:
            if p >= 0:
                out = {fmpq(1): fmpq(1)}
                for _ in range(p):
                    out = _product(out, base, limit)
                    if out is None:
                        return None
                return out
            return _quotient({fmpq(1): fmpq(1)}, _power(base, -p, limit), limit)
        if q == 2 and len(base) <= 1:
            radicand, value = next(iter(base.items()), (fmpq(1), fmpq(0)))
            if radicand != 1 or value < 0 or (value == 0 and p < 0):
                return None
            form = ExactReal.surd(1, value)._compute_normal(limit)  # √v, then the integer power p
            if p >= 0:
                return _power(form, p, limit)
            return _quotient({fmpq(1): fmpq(1)}, _power(form, -p, limit), limit)
        return None

    def rational_value(self) -> fmpq | None:
        """``self`` as an fmpq when it is provably rational, else ``None``.

        Returns
        -------
        fmpq or None
            The value, when the square classes of the normal form cancel
            except the rational one.

        Examples
        --------
        >>> two = exact(2).sqrt()
        >>> str((two * two).rational_value()), two.rational_value()
        ('2', None)
        """
        if self.op == _RAT:
            return self.args[0]
        form = self.normal_form()
        if form is None:
            return None
        classes = _square_classes(form)
        if any(c != 0 for q, c in classes if q != 1):
            return None
        return next((c for q, c in classes if q == 1), fmpq(0))

    # -------------------------------------------------------------- display

    def _sympy_(self) -> sympy.Expr:
        """The sympy expression of ``self`` (built once, on demand)."""
        if self._sympy is not None:
            return self._sympy
        import sympy

        for node in self._postorder(lambda node: node._sympy is not None):
            node._sympy = node._compute_sympy(sympy)
        return self._sympy

    def _compute_sympy(self, sympy: Any) -> sympy.Expr:
        op, args = self.op, self.args
        if op == _RAT:
            return _sympy_rational(sympy, args[0])
        if op == _SURD:
            return _sympy_rational(sympy, args[0]) * sympy.sqrt(_sympy_rational(sympy, args[1]))
        if op == _NEG:
            return -args[0]._sympy
        if op == _POW:
            if args[2] == 2 and args[1] == 1:
                return sympy.sqrt(args[0]._sympy)
            return args[0]._sympy ** sympy.Rational(args[1], args[2])
        a, b = args[0]._sympy, args[1]._sympy
        return a + b if op == _ADD else a - b if op == _SUB else a * b if op == _MUL else a / b

    def sympy(self) -> sympy.Expr:
        """The sympy expression of ``self``.

        Returns
        -------
        sympy.Expr
            Built once and kept; ``sympy.sympify(str(self))`` gives the same
            number.

        Examples
        --------
        >>> (4 / exact(5).sqrt()).sympy()
        4*sqrt(5)/5
        """
        return self._sympy_()

    def __str__(self) -> str:
        """The exact value as text that ``sympy.sympify`` reads back: sympy's
        own form for small numbers (``4*sqrt(5)/5``), else the graph written
        out (sympy's canonical form of large numbers costs integer
        factorizations and a numerical sort of every sum)."""
        if self._text is None:
            if self.op == _RAT:
                self._text = str(self.args[0])  # as sympy writes a Rational
            elif self.op == _SURD:
                self._text = _surd_text(*self.args)
            elif self._printed_length(_SYMPY_TEXT) <= _SYMPY_TEXT:
                self._text = str(self._sympy_())
            else:
                self._text = self._plain_text()
        return self._text

    def _printed_length(self, limit: int) -> int:
        """An upper estimate of the length of :meth:`_plain_text` (stops past ``limit``)."""
        lengths: dict[int, int] = {}
        for node in self._postorder(lambda node: id(node) in lengths):
            op, args = node.op, node.args
            if op <= _SURD:
                size = sum(len(str(q.p)) + len(str(q.q)) + 8 for q in args)
                if any(q.p.bit_length() > 64 or q.q.bit_length() > 64 for q in args):
                    size += limit  # large integers: sympy would factor them
            else:
                size = 12 + sum(lengths[id(c)] for c in node._children())
            lengths[id(node)] = size
            if size > limit:
                return size
        return lengths[id(self)]

    def _plain_text(self) -> str:
        """The graph written out as an expression: sums flattened and like
        terms collected, as sympy's ``Add`` does (module ``_linear``)."""
        forms: dict[int, Any] = {}
        for node in self._postorder(lambda node: id(node) in forms):
            forms[id(node)] = _linear(node, forms)
        return _form_text(forms[id(self)])[0]

    def __repr__(self) -> str:
        return str(self)

    # -------------------------------------------------------------- comparisons

    def _compare_to(self, other: object) -> int | None:
        if isinstance(other, float) and other != other:
            return None
        if isinstance(other, float) and abs(other) == float("inf"):
            return -1 if other > 0 else 1
        try:
            other = exact(other)
        except TypeError:
            return None
        return compare(self, other)

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        sign = self._compare_to(other)
        return NotImplemented if sign is None else sign == 0

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __lt__(self, other: ExactLike) -> bool:
        sign = self._compare_to(other)
        return NotImplemented if sign is None else sign < 0

    def __le__(self, other: ExactLike) -> bool:
        sign = self._compare_to(other)
        return NotImplemented if sign is None else sign <= 0

    def __gt__(self, other: ExactLike) -> bool:
        sign = self._compare_to(other)
        return NotImplemented if sign is None else sign > 0

    def __ge__(self, other: ExactLike) -> bool:
        sign = self._compare_to(other)
        return NotImplemented if sign is None else sign >= 0

    def __bool__(self) -> bool:
        return compare(self, 0) != 0

    def __hash__(self) -> int:
        # Equal numbers must hash alike: rationals hash as the Fraction (so as
        # ints and floats of the same value); every other number alike.
        value = self.rational_value()
        return hash(Fraction(int(value.p), int(value.q))) if value is not None else hash(ExactReal)

    def __reduce__(self) -> tuple[type[ExactReal], tuple[int, tuple[Any, ...]]]:
        # arb balls do not pickle; the graph does (the balls are recomputed)
        return (ExactReal, (self.op, self.args))


#: Numbers whose written form is at most this long (and whose integers fit
#: in 64 bits) are shown in sympy's canonical form.
_SYMPY_TEXT = 400

# precedence of written expressions: 0 a sum (or anything with a leading minus),
# 1 a product or quotient, 2 an atom (integer, sqrt(...), parenthesized)
_SUM, _PRODUCT, _ATOM = range(3)


#: Primes whose squares are taken out of large radicands when they are written.
_SMALL_PRIMES = (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61)


def _surd_text(c, q):
    """The text of ``c √q`` as sympy writes it: ``√q = √(p d)/d = s √r / d``
    with the square factors of ``p d`` taken out.  Up to ``2^30`` the
    factorization is complete, as sympy's; beyond, only the squares of 2 and
    of the primes below 64 are taken out (no factorization of large
    integers), so the text is exact but may keep a square factor sympy
    would find."""
    N = q.p * q.q
    s, r = fmpz(1), fmpz(1)
    if N.bit_length() <= 30:
        for prime, power in N.factor():
            s *= prime ** (power // 2)
            r *= prime ** (power % 2)
    else:
        r = int(N)
        twos = (r & -r).bit_length() - 1
        r >>= 2 * (twos // 2)
        s = 1 << (twos // 2)
        for prime in _SMALL_PRIMES:
            square = prime * prime
            while r % square == 0:
                r //= square
                s *= prime
        s, r = fmpz(s), fmpz(r)
    coefficient = c * s / q.q
    if r == 1:
        return str(coefficient)
    sign = "-" if coefficient < 0 else ""
    top, bottom = abs(coefficient.p), coefficient.q
    text = f"sqrt({r})" if top == 1 else f"{top}*sqrt({r})"
    return sign + (text if bottom == 1 else f"{text}/{bottom}")


def _rational_text(q):
    text = str(q)
    if q < 0:
        return text, _SUM
    return text, (_PRODUCT if q.q != 1 else _ATOM)


def _wrap(entry, level):
    text, prec = entry
    return text if prec >= level else f"({text})"


_CONST = "1"


def _scaled(form, k):
    return {key: (c * k, text) for key, (c, text) in form.items()} if k != 0 else {}


def _merged(a, b, sign=1):
    out = dict(a)
    for key, (c, text) in b.items():
        value = out[key][0] + sign * c if key in out else sign * c
        if value == 0:
            out.pop(key, None)
        else:
            out[key] = (value, text)
    return out


def _constant(form):
    """The rational value of a form without roots or atoms, else ``None``."""
    if not form:
        return fmpq(0)
    if len(form) == 1 and _CONST in form:
        return form[_CONST][0]
    return None


def _surd_times(form, c, q):
    """``form · c √q`` when ``form`` has only rational and surd terms, else ``None``."""
    out = {}
    for key, (coefficient, _) in form.items():
        if key == _CONST:
            radicand, value = q, coefficient * c
        elif isinstance(key, tuple):
            radicand, value = _multiply_terms(key[1], coefficient, q, c)
        else:
            return None
        out = _merged(out, {_CONST if radicand == 1 else ("sqrt", radicand): (value, None)})
    return out


def _linear(node, forms):
    """``node`` as a linear combination ``{key: (coefficient, text)}`` of a
    rational (key ``_CONST``), surds ``√q`` (key ``("sqrt", q)``) and atoms
    (key ``id``: products and quotients of sums, roots of sums, with their
    text): sums are flattened, like terms collected and rational factors
    distributed, as in sympy's ``Add`` and two-argument ``Mul``; a root
    times a sum stays a product."""
    op, args = node.op, node.args
    if op == _RAT:
        return {_CONST: (args[0], None)} if args[0] != 0 else {}
    if op == _SURD:
        return {("sqrt", args[1]): (args[0], None)}
    if op == _NEG:
        return _scaled(forms[id(args[0])], fmpq(-1))
    if op == _POW:
        inner = _form_text(forms[id(args[0])])
        if (args[1], args[2]) == (1, 2):
            return {id(node): (fmpq(1), (f"sqrt({inner[0]})", _ATOM))}
        power = f"{args[1]}/{args[2]}" if args[2] != 1 else f"{args[1]}"
        return {id(node): (fmpq(1), (f"{_wrap(inner, _ATOM)}**({power})", _ATOM))}
    a, b = forms[id(args[0])], forms[id(args[1])]
    if op in (_ADD, _SUB):
        return _merged(a, b, 1 if op == _ADD else -1)
    if op == _MUL:
        for one, other in ((a, b), (b, a)):
            k = _constant(one)
            if k is not None:
                return _scaled(other, k)
            if len(one) == 1 and isinstance(next(iter(one)), tuple) and len(other) == 1:
                (key, (c, _)), = one.items()  # √a √b = √(ab); a root times a sum stays a product
                product = _surd_times(other, c, key[1])
                if product is not None:
                    return product
        text = f"{_wrap(_form_text(a), _PRODUCT)}*{_wrap(_form_text(b), _PRODUCT)}"
        return {id(node): (fmpq(1), (text, _PRODUCT))}
    k = _constant(b)
    if k is not None and k != 0:
        return _scaled(a, 1 / k)
    if len(b) == 1 and isinstance(next(iter(b)), tuple) and len(a) <= 1:
        (key, (c, _)), = b.items()
        quotient = _surd_times(a, 1 / (c * key[1]), key[1])  # 1/(c √q) = √q/(c q)
        if quotient is not None:
            return quotient
    text = f"{_wrap(_form_text(a), _PRODUCT)}/{_wrap(_form_text(b), _ATOM)}"
    return {id(node): (fmpq(1), (text, _PRODUCT))}


def _term_text(key, c, text):
    if key == _CONST:
        return _rational_text(c)
    if isinstance(key, tuple):
        written = _surd_text(c, key[1])
        return written, (_SUM if written.startswith("-") else _PRODUCT)
    if c == 1:
        return text
    if c == -1:
        return f"-{_wrap(text, _PRODUCT)}", _SUM
    sign, size = ("-", -c) if c < 0 else ("", c)
    return f"{sign}{_wrap(_rational_text(size), _PRODUCT)}*{_wrap(text, _PRODUCT)}", (_SUM if sign else _PRODUCT)


def _form_text(form):
    """``(text, precedence)`` of a linear form: its terms in order of appearance."""
    if not form:
        return "0", _ATOM
    terms = [_term_text(key, c, text) for key, (c, text) in form.items()]
    if len(terms) == 1:
        return terms[0]
    pieces = [terms[0][0]]
    for text, _ in terms[1:]:
        pieces.append(f" - {text[1:]}" if text.startswith("-") else f" + {text}")
    return "".join(pieces), _SUM


def _combine(op, a, b):
    """``a op b``, folding rationals and single surds ``c √q`` at once (the
    graph stays small, its balls cheap and its text short)."""
    if a.op == _RAT and b.op == _RAT:
        x, y = a.args[0], b.args[0]
        if op == _DIV:
            if y == 0:
                raise ZeroDivisionError("division of an exact number by 0")
            return ExactReal(_RAT, (x / y,))
        return ExactReal(_RAT, ((x + y) if op == _ADD else (x - y) if op == _SUB else x * y,))
    zero_a = a.op == _RAT and a.args[0] == 0
    zero_b = b.op == _RAT and b.args[0] == 0
    if op == _DIV and zero_b:
        raise ZeroDivisionError("division of an exact number by 0")
    if op == _ADD and (zero_a or zero_b):
        return b if zero_a else a
    if op == _SUB and (zero_a or zero_b):
        return -b if zero_a else a
    if op == _MUL and (zero_a or zero_b):
        return ExactReal(_RAT, (fmpq(0),))
    if op in (_MUL, _DIV) and a.op <= _SURD and b.op <= _SURD:  # c √q forms (a rational has q = 1)
        c1, q1 = (a.args[0], fmpq(1)) if a.op == _RAT else a.args
        c2, q2 = (b.args[0], fmpq(1)) if b.op == _RAT else b.args
        if op == _MUL:
            return ExactReal.surd(c1 * c2, q1 * q2)
        return ExactReal.surd(c1 / (c2 * q2), q1 * q2)  # 1/(c √q) = √q/(c q)
    if op in (_MUL, _DIV) and b.op == _RAT and b.args[0] == 1:
        return a
    if op == _MUL and a.op == _RAT and a.args[0] == 1:
        return b
    return ExactReal(op, (a, b))


def _sympy_rational(sympy, q):
    return sympy.Rational(int(q.p), int(q.q))


def _multiply_terms(q1, c1, q2, c2):
    q, c = q1 * q2, c1 * c2
    root = _square_root(q)
    return (fmpq(1), c * root) if root is not None else (q, c)


def _product(a, b, limit):
    if len(a) < len(b):
        a, b = b, a
    out = {}
    for q2, c2 in b.items():
        for q1, c1 in a.items():
            q, c = _multiply_terms(q1, c1, q2, c2)
            value = out.get(q, 0) + c
            if value == 0:
                out.pop(q, None)
            else:
                out[q] = value
        if limit is not None and len(out) > limit:
            return None
    return out


def _quotient(a, b, limit):
    """``a / b`` when ``b`` is a single term ``c √q`` (``1/(c√q) = √q / (c q)``)."""
    if b is None or len(b) != 1:
        return None
    (q, c), = b.items()
    return _product(a, {q: 1 / (c * q)}, limit)


def _power(form, p, limit):
    out = {fmpq(1): fmpq(1)}
    for _ in range(p):
        out = _product(out, form, limit)
        if out is None:
            return None
    return out


def _square_classes(form):
    """Terms of ``Σ c √q`` gathered by class of ``q`` modulo rational squares:
    ``[(q_class, coefficient)]`` with ``Σ c √q = Σ coefficient √q_class``."""
    classes = []
    for q, c in form.items():
        for entry in classes:
            r = entry[0]
            root = _square_root(q * r)  # √q = √(q r) / √r = (√(q r) / r) √r
            if root is not None:
                entry[1] += c * root / r
                break
        else:
            classes.append([q, c])
    return [(q, c) for q, c in classes]


def _normal_is_zero(form):
    return all(c == 0 for _, c in _square_classes(form))


def exact(value: ExactLike, denominator: int | None = None) -> ExactReal:
    """An :class:`ExactReal` from an int, Fraction, fmpq, finite float (its
    binary value), sympy number or ``ExactReal``; ``exact(p, q)`` is ``p/q``.

    Parameters
    ----------
    value : int, float, Fraction, fmpz, fmpq, ExactReal or sympy number
        The number; a sympy expression may use rationals, ``+``, ``×`` and
        rational powers.  With ``denominator``, an integer numerator.
    denominator : int, optional
        Take ``value / denominator`` (two integers).

    Returns
    -------
    ExactReal
        ``value`` itself when it is already one.

    Raises
    ------
    TypeError
        A NaN or infinite float, or a value that is not an exact number.

    Examples
    --------
    >>> exact(3, 4) + exact(1, 4) == 1
    True
    >>> import sympy
    >>> str(exact(0.5)), str(exact(sympy.sqrt(8)))
    ('1/2', '2*sqrt(2)')
    """
    if denominator is not None:
        return ExactReal.rational(Fraction(int(cast(int, value)), int(denominator)))  # p/q: two integers
    if isinstance(value, ExactReal):
        return value
    if isinstance(value, float):
        if value != value or abs(value) == float("inf"):
            raise TypeError(f"{value} is not a finite number")
        return ExactReal.rational(value)
    if isinstance(value, (int, fmpz, fmpq, Integral, Rational)):
        return ExactReal.rational(value)
    if hasattr(value, "is_Rational"):  # a sympy expression
        return _from_sympy(value)
    raise TypeError(f"cannot take {value!r} as an exact number")


def _from_sympy(expr: Any) -> ExactReal:
    if expr.is_Rational:
        node = ExactReal.rational(Fraction(int(expr.p), int(expr.q)))
    elif expr.is_Add or expr.is_Mul:
        parts = [_from_sympy(a) for a in expr.args]
        node = parts[0]
        for part in parts[1:]:
            node = ExactReal(_ADD if expr.is_Add else _MUL, (node, part))
    elif expr.is_Pow and expr.exp.is_Rational:
        base = _from_sympy(expr.base)
        p, q = int(expr.exp.p), int(expr.exp.q)
        if base.op == _RAT and q == 2 and p in (1, -1) and base.args[0] > 0:
            r = base.args[0]
            node = ExactReal.surd(1 if p == 1 else 1 / r, r)
        else:
            node = ExactReal(_POW, (base, p, q))
    else:
        raise TypeError(f"cannot enclose {expr!r}: only rationals, +, ×, and rational powers are supported")
    node._sympy = expr
    return node


def to_sympy(value: ExactLike) -> sympy.Expr:
    """An exact sympy number from an int, Fraction, fmpq, ExactReal or sympy expression.

    Parameters
    ----------
    value : int, Fraction, fmpq, ExactReal or sympy expression
        Anything else goes through ``sympy.sympify``.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> from fractions import Fraction
    >>> to_sympy(Fraction(1, 3)), to_sympy(exact(5).sqrt() / 5)
    (1/3, sqrt(5)/5)
    """
    import sympy

    if isinstance(value, ExactReal):
        return value._sympy_()
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, fmpq):
        return _sympy_rational(sympy, value)
    return sympy.sympify(value)


def enclose(expr: ExactLike, prec: int = START_PREC) -> iv.mpf:
    """A rigorous interval ``[lo, hi]`` (mpmath ``iv.mpf``) containing ``expr``,
    from the arb ball of :meth:`ExactReal.ball` at ``prec`` bits.

    Parameters
    ----------
    expr : ExactReal, sympy expression or rational
        Anything :func:`exact` takes.
    prec : int
        Working precision in bits (computed afresh, no cached ball).

    Returns
    -------
    mpmath.iv.mpf
        An interval with exact endpoints that contains ``expr``.

    Examples
    --------
    >>> import sympy
    >>> print(enclose(sympy.sqrt(2), 20))
    [1.4142093658447265625, 1.4142169952392578125]
    """
    from mpmath import iv, mpf

    box = _evaluate(exact(expr), prec)
    saved = ctx.prec
    ctx.prec = prec
    try:
        lo, hi = box.lower(), box.upper()
    finally:
        ctx.prec = saved
    ends = [mpf(tuple(int(x) for x in end.man_exp())) if not end.is_zero() else mpf(0) for end in (lo, hi)]
    saved = iv.prec
    iv.prec = prec + 64  # the endpoints have at most prec bits: kept exactly
    try:
        return iv.mpf(ends)
    finally:
        iv.prec = saved


def _evaluate(number: ExactReal, prec: int) -> arb:
    """The ball of ``number`` computed afresh at exactly ``prec`` bits (no cache)."""
    balls: dict[int, arb] = {}
    saved = ctx.prec
    ctx.prec = prec
    try:
        for node in number._postorder(lambda node: id(node) in balls):
            balls[id(node)] = node._compute_ball(lambda child: balls[id(child)])
    finally:
        ctx.prec = saved
    return balls[id(number)]


def _zero_by_minimal_polynomial(a: ExactReal) -> bool:
    import sympy

    x = sympy.Symbol("x")
    return sympy.minimal_polynomial(a._sympy_(), x) == x


def is_zero(expr: ExactLike, limit: int | None = None) -> bool | None:
    """Whether ``expr`` is exactly 0, proved: by its normal form ``Σ c √q``
    (square-class cancellation), or by sympy's minimal polynomial for numbers
    outside that form.  With ``limit``, gives ``None`` instead of working on a
    normal form of more than ``limit`` terms.

    The exact equality test behind :func:`compare` (spec §6).

    Parameters
    ----------
    expr : ExactReal, sympy expression or rational
        Anything :func:`exact` takes.
    limit : int, optional
        Largest normal form worked on.

    Returns
    -------
    bool or None
        Whether ``expr == 0``; ``None`` when ``limit`` was reached.

    Examples
    --------
    >>> two = exact(2).sqrt()
    >>> is_zero(two * two - 2), is_zero(two - 1), is_zero(exact(8).sqrt() - 2 * two)
    (True, False, True)
    """
    a = exact(expr)
    if a.op == _RAT:
        return a.args[0] == 0
    form = a.normal_form(limit)
    if form is not None:
        return _normal_is_zero(form)
    if limit is not None:
        return None
    return _zero_by_minimal_polynomial(a)


def compare(a: ExactLike, b: ExactLike) -> int:
    """The sign of ``a - b`` (-1, 0 or 1), decided with a proof.

    Balls refined until they separate, with an exact equality test when they
    do not (module docstring; spec §6): nothing is decided by rounding.

    Parameters
    ----------
    a, b : ExactReal, sympy expression or rational
        Anything :func:`exact` takes.

    Returns
    -------
    int
        -1 if ``a < b``, 0 if ``a == b``, 1 if ``a > b``.

    Examples
    --------
    >>> import sympy
    >>> compare(sympy.sqrt(2) + sympy.sqrt(3), sympy.sqrt(5 + 2 * sympy.sqrt(6)))
    0
    >>> compare(sympy.sqrt(2), sympy.Rational(99, 70)), compare(sympy.sqrt(2), sympy.Rational(140, 99))
    (-1, 1)
    """
    a, b = exact(a), exact(b)
    if a is b:
        return 0
    if a.op == _RAT and b.op == _RAT:
        x, y = a.args[0], b.args[0]
        return (x > y) - (x < y)
    prec = START_PREC
    early, tested = True, False
    while True:
        ia, ib = a.ball(prec), b.ball(prec)
        if ia < ib:
            return -1
        if ib < ia:
            return 1
        if not tested and prec >= 2 * START_PREC and (early or prec >= EQUALITY_PREC):
            # a cheap exact test first (small normal forms), an unbounded one at EQUALITY_PREC
            zero = is_zero(a - b, None if prec >= EQUALITY_PREC else _EARLY_TERMS)
            early = False
            if zero is not None:
                if zero:
                    return 0
                tested = True  # proved unequal: the balls separate at some precision
        prec *= 2


def order_candidates(values: Iterable[ExactLike], prec: int = START_PREC) -> list[int]:
    """Indices of the minimal elements of ``values`` (exact numbers), proved.

    Refines only the candidates whose balls overlap the smallest upper bound;
    returns every index whose value equals the minimum exactly.  The argmin
    of the exact backend's candidate jump times (spec §3, §6).

    Parameters
    ----------
    values : iterable of ExactReal, sympy expressions or rationals
        Anything :func:`exact` takes.
    prec : int
        Starting precision (bits) of the balls.

    Returns
    -------
    list of int
        The indices of the minimum, in increasing order (several on an
        exact tie; empty for no values).

    Examples
    --------
    >>> import sympy
    >>> order_candidates([sympy.sqrt(8), 3, 2 * sympy.sqrt(2)])
    [0, 2]
    """
    numbers = [exact(v) for v in values]
    indices = list(range(len(numbers)))
    if len(indices) <= 1:
        return indices
    while True:
        boxes = [numbers[i].ball(prec) for i in indices]
        saved = ctx.prec
        ctx.prec = prec
        try:
            best = min(range(len(indices)), key=lambda t: _Upper(boxes[t]))
        finally:
            ctx.prec = saved
        indices = [i for i, box in zip(indices, boxes) if not (boxes[best] < box)]
        if len(indices) == 1:
            return indices
        if prec >= 2 * START_PREC:
            break
        prec *= 2
    # Balls still overlap: settle them one by one, with equality tests.
    minimal = [indices[0]]
    for i in indices[1:]:
        sign = compare(numbers[i], numbers[minimal[0]])
        if sign < 0:
            minimal = [i]
        elif sign == 0:
            minimal.append(i)
    return minimal


class _Upper:
    """Sort key: the upper end of a ball, compared exactly."""

    __slots__ = ("end",)

    def __init__(self, box: arb) -> None:
        self.end = box.upper()

    def __lt__(self, other: _Upper) -> bool:
        return bool(self.end < other.end)
