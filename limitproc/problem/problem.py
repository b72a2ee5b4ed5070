"""The problem: orthonormal data, labels and a balanced initialization (spec §1).

:class:`Problem` is the boundary of the library.  It checks shapes,
finiteness, orthonormality of the inputs and balance of the initialization
once; everything downstream trusts it.
"""

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Rational

import numpy as np

from ..arguments import check_bool, check_real
from ..errors import (
    BalanceError,
    FloatRangeError,
    InputError,
    NonFiniteError,
    OrthonormalityError,
    ShapeError,
    ZeroLabelError,
)

__all__ = ["Problem", "DEFAULT_TOL"]

#: Default tolerance on ``max |<x_i, x_k> - 1[i = k]|`` and on the relative
#: balance deviation ``| |a_j| - ||w_j|| | / ||w_j||``.
DEFAULT_TOL = 1e-8

_MAX_LISTED = 3


def _real_array(value, name, ndim):
    """``value`` as a read-only float64 copy with ``ndim`` dimensions.

    Refuses ragged nesting, complex numbers (which a float conversion would
    silently truncate), values beyond float64 and non-finite entries, naming
    the first offending index.
    """
    try:
        source = np.asarray(value)
    except ValueError:  # ragged nesting: numpy refuses an inhomogeneous shape
        raise ShapeError(f"{name} is ragged: its rows have different lengths; {ndim}-dimensional arrays are needed") from None
    except (TypeError, RecursionError, OverflowError) as exc:
        raise InputError(f"{name} must be an array of real numbers ({exc})") from None
    if source.dtype.kind == "c" or (source.dtype.kind == "O" and any(isinstance(v, complex) for v in source.ravel().tolist())):
        raise InputError(f"{name} has complex values (dtype {source.dtype}); real numbers are needed")
    if source.dtype.kind not in "biufUSO":
        raise InputError(f"{name} has dtype {source.dtype}; real numbers are needed")
    try:
        array = np.array(source, dtype=float, copy=True)
    except OverflowError as exc:
        raise FloatRangeError(f"{name} has a value beyond float64 ({exc})") from None
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be an array of real numbers ({exc}; dtype {source.dtype})") from None
    if array.ndim != ndim:
        raise ShapeError(
            f"{name} must be {ndim}-dimensional, got shape {array.shape}"
        )
    bad = ~np.isfinite(array)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        index = where[0] if ndim == 1 else where
        label = f"{name}[{', '.join(map(str, np.atleast_1d(index)))}]"
        original = source[where] if source.shape == array.shape else None
        if _finite_beyond_float64(original):
            raise FloatRangeError(f"{label} = {_shown(original)} is beyond float64 (magnitude above 1.8e308)")
        raise NonFiniteError(
            f"{name} has {int(bad.sum())} non-finite entries (NaN or inf); "
            f"first at {label} = {array[where]}"
        )
    array.flags.writeable = False
    return array


def _shown(value):
    text = str(value.item() if isinstance(value, np.generic) else value)
    return text if len(text) <= 40 else text[:37] + "..."


def _finite_beyond_float64(value):
    """Whether ``value`` (a long double, a Decimal or numeric text) is finite
    but too large for float64."""
    if isinstance(value, np.floating):
        return bool(np.isfinite(value))
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    if isinstance(value, (str, Decimal)):
        try:
            return Decimal(value.strip() if isinstance(value, str) else value).is_finite()
        except (InvalidOperation, ValueError):
            return False
    return False


#: Decimal exponents beyond which a label cannot be a non-zero finite float64.
_EXPONENT_RANGE = (-330, 310)


def _exact_label(text):
    """The exact value of a label written as text (``"1/3"``, ``"-0.25"``,
    ``"1e-5"``), without building huge integers for huge exponents."""
    text = text.strip()
    if "/" not in text:
        number = Decimal(text)  # InvalidOperation (a ValueError) if not a number
        if not number.is_finite():
            raise ValueError(text)
        if number and not _EXPONENT_RANGE[0] <= number.adjusted() <= _EXPONENT_RANGE[1]:
            return number  # checked against float64 by the caller
        return Fraction(number)
    return Fraction(text)


def _exact_labels(y):
    """Labels given as fractions (strings such as ``"1/3"``, Fractions, sympy
    Rationals): their exact values; ``None`` when ``y`` is plain numbers.

    A label beyond float64 (``"1e400"``) or a non-zero label that would
    underflow to 0 (``"1e-400"``) raises :class:`FloatRangeError`.
    """
    try:
        items = np.asarray(y, dtype=object).ravel().tolist() if np.ndim(y) == 1 else None
    except (ValueError, TypeError, RecursionError, OverflowError):
        return None  # ragged or not an array: _real_array says why
    if items is None or not any(isinstance(v, (str, bytes, Rational)) and not isinstance(v, int) for v in items):
        return None
    exact = []
    for i, value in enumerate(items):
        try:
            text = value.decode() if isinstance(value, bytes) else value
            if isinstance(text, Rational):
                fraction = Fraction(int(text.numerator), int(text.denominator))
            else:
                fraction = _exact_label(str(text))
        except (TypeError, ValueError, ZeroDivisionError, ArithmeticError, UnicodeDecodeError) as exc:
            why = " (too many digits)" if "digits" in str(exc) else ""
            raise InputError(f"y[{i}] = {_shown(repr(value))} is not a rational number{why}") from None
        try:
            as_float = float(fraction)
        except OverflowError:
            as_float = math.inf
        if not math.isfinite(as_float):
            raise FloatRangeError(
                f"y[{i}] = {_shown(repr(value))} is beyond float64 (magnitude above 1.8e308): rescale the labels"
            )
        if as_float == 0 and fraction != 0:
            raise FloatRangeError(
                f"y[{i}] = {_shown(repr(value))} underflows float64: non-zero but below 4.9e-324 in magnitude, "
                "it would be read as 0; rescale the labels"
            )
        exact.append(fraction)
    return tuple(exact)


def _label_scale(y):
    """``c = 4^k`` with ``max |y_i| / c`` in ``[1, 4)`` (1 when every label is 0);
    representable for every finite label (``2^-1074 ≤ c ≤ 2^1022``)."""
    top = float(np.abs(y).max()) if y.size else 0.0
    if top == 0.0:
        return 1.0
    exponent = math.frexp(top)[1]  # top = f 2^e, f in [1/2, 1)
    return math.ldexp(1.0, 2 * ((exponent - 1) // 2))
def _check_options(tol, allow_zero_labels):
    """The tolerance and the zero-label switch of :class:`Problem`."""
    check_real(tol, "tol", 0.0, 1.0)
    check_bool(allow_zero_labels, "allow_zero_labels")


def _format_pairs(pairs, values):
    return ", ".join(f"({i}, {k}) {v:.1e}" for (i, k), v in zip(pairs, values))


def _check_orthonormal(X, tol):
    """Largest deviation of the Gram matrix of the rows of ``X`` from I.

    Raises :class:`OrthonormalityError` naming the worst pairs when it
    exceeds ``tol`` (spec §1 Assumption 1, §5).
    """
    n, d = X.shape
    if n > d:
        raise OrthonormalityError(
            f"X has n = {n} rows in dimension d = {d}: at most d vectors of R^d are orthonormal"
        )
    deviation = np.abs(X @ X.T - np.eye(n))
    worst = float(deviation.max()) if n else 0.0
    if worst <= tol:
        return worst
    off = deviation.copy()
    np.fill_diagonal(off, 0.0)
    if off.max() <= tol:
        norms = np.sqrt(np.diag(X @ X.T))
        bad = np.flatnonzero(np.abs(norms**2 - 1) > tol)
        listed = ", ".join(f"||x_{i}|| = {norms[i]:.6g}" for i in bad[:_MAX_LISTED])
        raise OrthonormalityError(
            f"X rows are orthogonal but not unit norm ({len(bad)} rows; {listed}; tolerance {tol:.0e}): "
            "the theory needs ||x_i|| = 1 (spec §5); normalize the rows and rescale the labels"
        )
    upper = np.triu(deviation)
    order = np.argsort(upper, axis=None)[::-1]
    failing = int((upper > tol).sum())
    pairs = [tuple(int(t) for t in np.unravel_index(flat, upper.shape)) for flat in order[: min(_MAX_LISTED, failing)]]
    values = [upper[p] for p in pairs]
    raise OrthonormalityError(
        f"X rows are not orthonormal: max |<x_i, x_k> - 1[i = k]| = {worst:.1e} at {pairs[0]} "
        f"(tolerance {tol:.0e}); {failing} pairs fail, worst: {_format_pairs(pairs, values)}"
    )


def _row_norms(W):
    scale = np.abs(W).max(axis=1)
    safe = np.where(scale > 0, scale, 1.0)
    return scale * np.sqrt(((W / safe[:, None]) ** 2).sum(axis=1))


def _output_signs(a0, signs, norms, m, tol):
    """The signs ``s_j`` from a balanced ``a0`` or from explicit ``signs``."""
    if a0 is None and signs is None:
        raise InputError(
            "the output signs are missing: give a0 (balanced, |a0_j| = ||W0_j||) or signs (+1/-1)"
        )
    result = None
    if a0 is not None:
        a0 = _real_array(a0, "a0", 1)
        if a0.shape != (m,):
            raise ShapeError(f"a0 has shape {a0.shape} but W0 has {m} rows: a0 must have shape ({m},)")
        deviation = np.abs(np.abs(a0) - norms) / norms
        bad = np.flatnonzero(~(deviation <= tol))
        if bad.size:
            j = int(bad[np.argmax(deviation[bad])])
            raise BalanceError(
                f"unbalanced initialization: |a0[{j}]| = {abs(a0[j]):.6g} but ||W0[{j}]|| = {norms[j]:.6g} "
                f"(relative deviation {deviation[j]:.1e} > {tol:.0e}; {bad.size} neurons fail); "
                "seed 002 Assumption 3 needs |a_j(0)| = ||w_j(0)||"
            )
        result = np.where(a0 > 0, 1, -1).astype(np.int8)
    if signs is not None:
        values = _real_array(signs, "signs", 1)
        if values.shape != (m,):
            raise ShapeError(f"signs has shape {values.shape} but W0 has {m} rows: signs must have shape ({m},)")
        bad = np.flatnonzero(np.abs(values) != 1)
        if bad.size:
            raise InputError(
                f"signs must be +1 or -1: signs[{bad[0]}] = {values[bad[0]]:g} ({bad.size} entries fail)"
            )
        given = values.astype(np.int8)
        if result is not None and (given != result).any():
            j = int(np.flatnonzero(given != result)[0])
            raise InputError(f"a0 and signs disagree at neuron {j}: a0[{j}] = {a0[j]:g}, signs[{j}] = {given[j]}")
        result = given
    result.flags.writeable = False
    return result


class Problem:
    """Orthonormal inputs, labels and a balanced initialization (spec §1).

    Parameters
    ----------
    y : array_like, shape (n,)
        Labels.  Strings such as ``"1/3"``, :class:`fractions.Fraction` or
        sympy Rationals are kept exactly for the exact backend.
    W0 : array_like, shape (m, d)
        Initial hidden weights; only their directions ``z_j = W0_j/||W0_j||``
        enter the limit process (their norms are kept for the finite-λ flow).
    a0 : array_like, shape (m,), optional
        Initial output weights; must be balanced, ``|a0_j| = ||W0_j||``
        (seed 002 Assumption 3).  Only their signs are used.
    signs : array_like, shape (m,), optional
        Output signs ``s_j`` in ``{-1, +1}`` (instead of, or with, ``a0``).
    X : array_like, shape (n, d), optional
        Inputs with orthonormal rows.  ``None`` means the standard basis of
        ``R^n`` (then ``d = n``).
    tol : float
        Tolerance on the orthonormality of ``X`` and on the relative balance
        deviation of ``a0``.
    allow_zero_labels : bool
        Zero labels are outside seed 002 Assumption 4(ii) and usually a data
        error, so they are refused unless allowed; allowed, such a datum is
        fitted from the start (spec §5).

    Examples
    --------
    >>> p = Problem([1.0, -2.0], [[1.0, 1.0], [-1.0, 1.0]], signs=[1, -1])
    >>> p.n, p.m, p.d
    (2, 2, 2)
    >>> p.directions.round(4).tolist()
    [[0.7071, 0.7071], [-0.7071, 0.7071]]
    """

    def __init__(self, y, W0, *, a0=None, signs=None, X=None, tol=DEFAULT_TOL, allow_zero_labels=False):
        _check_options(tol, allow_zero_labels)
        exact = _exact_labels(y)
        y_float = _real_array([float(v) for v in exact] if exact is not None else y, "y", 1)
        n = y_float.shape[0]
        if n == 0:
            raise ShapeError("y is empty: at least one datum is needed")
        zeros = np.flatnonzero(y_float == 0)
        if zeros.size and not allow_zero_labels:
            raise ZeroLabelError(
                f"y[{zeros[0]}] = 0 ({zeros.size} zero labels): seed 002 Assumption 4(ii) needs non-zero labels; "
                "allow them (CLI: --allow-zero-labels) to treat such data as fitted from the start (spec §5)"
            )
        if X is not None:
            X = _real_array(X, "X", 2)
            if X.shape[0] != n:
                raise ShapeError(f"X has {X.shape[0]} rows but y has {n} labels: X must have shape ({n}, d)")
            deviation = _check_orthonormal(X, tol)
            d = X.shape[1]
        else:
            deviation = 0.0
            d = n
        W0 = _real_array(W0, "W0", 2)
        if W0.shape[1] != d:
            where = f"X has d = {d} columns" if X is not None else f"without X the inputs are the standard basis of R^{n}"
            raise ShapeError(f"W0 has shape {W0.shape} but {where}: W0 must have shape (m, {d})")
        m = W0.shape[0]
        if m == 0:
            raise ShapeError("W0 has no rows: the network needs at least one neuron")
        norms = _row_norms(W0)
        zero = np.flatnonzero(norms == 0)
        if zero.size:
            raise InputError(
                f"W0[{zero[0]}] is the zero vector ({zero.size} such rows): every neuron needs an initial direction"
            )
        s = _output_signs(a0, signs, norms, m, tol)
        directions = W0 / norms[:, None]
        directions.flags.writeable = False
        norms.flags.writeable = False
        set_ = object.__setattr__
        set_(self, "y", y_float)
        set_(self, "X", X)
        set_(self, "directions", directions)
        set_(self, "init_norms", norms)
        set_(self, "signs", s)
        set_(self, "tol", float(tol))
        set_(self, "gram_deviation", deviation)
        set_(self, "_y_exact", exact)
        set_(self, "label_scale", _label_scale(y_float))

    def __setattr__(self, name, value):
        raise AttributeError("Problem is immutable")

    @property
    def n(self):
        """Number of data."""
        return self.y.shape[0]

    @property
    def m(self):
        """Width: number of neurons."""
        return self.directions.shape[0]

    @property
    def d(self):
        """Input dimension."""
        return self.directions.shape[1]

    @property
    def standard_basis(self):
        """Whether the inputs are the standard basis of ``R^n`` (no ``X``)."""
        return self.X is None

    @property
    def labels_exact(self):
        """Whether the labels were given as exact fractions."""
        return self._y_exact is not None

    @property
    def y_exact(self):
        """The labels as exact :class:`~fractions.Fraction` values.

        Given fractions are kept; float labels are converted exactly (the
        binary value of the float, never rounded).
        """
        if self._y_exact is not None:
            return self._y_exact
        return tuple(Fraction(float(v)) for v in self.y)

    @property
    def scaled_labels(self):
        """``y / c`` with ``c`` = :attr:`label_scale`, a power of 4 such that
        ``max |y_i| / c ∈ [1, 4)``.

        Spec §3: scaling the labels by ``c`` divides every jump time by ``c``
        and multiplies rates and squared norms by ``c``, losses by ``c²`` and
        the weights ``a``, ``w`` by ``√c``.  The float computations run on
        these labels and scale back, so their answers are the same at every
        representable label scale (the division by a power of 2 is exact, and
        bitwise neutral where nothing under- or overflows).

        >>> p = Problem([3e200, -1e200], [[1.0, 0.0]], signs=[1])
        >>> p.label_scale == 4.0**332, bool(1 <= p.scaled_labels.max() < 4)
        (True, True)
        """
        return self.y / self.label_scale

    def rescaled(self):
        """The same problem with the labels ``y / c`` of :attr:`scaled_labels`
        (exact labels divided exactly); its :attr:`label_scale` is 1.

        >>> float(Problem([3e200, -1e200], [[1.0, 0.0]], signs=[1]).rescaled().y.max()) < 4
        True
        """
        if self.label_scale == 1.0:
            return self
        c = self.label_scale
        copy = object.__new__(Problem)
        for name, value in vars(self).items():
            object.__setattr__(copy, name, value)
        y = self.scaled_labels
        y.flags.writeable = False
        exact = None if self._y_exact is None else tuple(v / Fraction(c) for v in self._y_exact)
        object.__setattr__(copy, "y", y)
        object.__setattr__(copy, "_y_exact", exact)
        object.__setattr__(copy, "label_scale", 1.0)
        return copy

    def label_norm(self, where=slice(None)):
        """``||y[where]||`` computed on :attr:`scaled_labels`, so that it
        neither overflows nor underflows where the result is representable.

        >>> Problem([3e200, 4e200, -1.0], [[1.0, 0.0, 0.0]], signs=[1]).label_norm([0, 1])
        5e+200
        """
        return float(self.label_scale * np.linalg.norm(self.scaled_labels[where]))

    def loss(self, outputs):
        """Training loss ``L = (1/(2n)) Σ_i (h(x_i) − y_i)²`` (spec §1) of
        outputs ``h`` of shape ``(..., n)``.

        >>> Problem([3.0, 4.0], [[1.0, 0.0]], signs=[1]).loss([[0.0, 0.0], [3.0, 2.0]]).tolist()
        [6.25, 1.0]
        """
        return ((np.asarray(outputs, dtype=float) - self.y) ** 2).sum(axis=-1) / (2 * self.n)

    def inner_products(self):
        """``G[j, i] = <z_j, x_i>``, shape (m, n) (a view for the standard basis)."""
        if self.X is None:
            return self.directions
        return self.directions @ self.X.T

    def inputs(self):
        """The inputs ``X`` as an (n, d) array (the identity for the standard basis)."""
        return np.eye(self.n) if self.X is None else self.X

    def __repr__(self):
        basis = "standard basis" if self.X is None else f"X {self.n}×{self.d}"
        n_pos = int((self.y > 0).sum())
        n_neg = int((self.y < 0).sum())
        return (
            f"Problem(n={self.n}, d={self.d}, m={self.m}, {basis}, "
            f"labels +{n_pos}/-{n_neg}, neurons +{int((self.signs > 0).sum())}/-{int((self.signs < 0).sum())})"
        )
