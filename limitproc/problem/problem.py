"""The problem: orthogonal data, labels and an initialization (spec §1; docs/general-inputs.md).

:class:`Problem` is the boundary of the library.  It checks shapes and
finiteness, classifies the inputs (orthogonal of any norms, near-orthogonal,
or refused: :mod:`~limitproc.problem.regimes`) and the initialization
(balanced, or unbalanced with effective signs: :mod:`~limitproc.problem.balance`)
once; everything downstream trusts it.

One module although past 600 lines: :class:`Problem` is one concept, its checks read better beside the attributes
they guard (about 390 lines of code; the rest is numpydoc and examples).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Rational
from typing import TYPE_CHECKING, Any, NoReturn, cast

import numpy as np

from ..arguments import check_bool, check_real
from ..errors import (
    FloatRangeError,
    InputError,
    NonFiniteError,
    ShapeError,
    SignUndecidedError,
    UnsupportedProblemError,
    ZeroLabelError,
)
from .balance import initial_transient
from .regimes import classify_inputs, coupling_scale, row_norms

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from .balance import Transient
    from .regimes import InputRegime

__all__ = ["Problem", "DEFAULT_TOL"]

#: Default tolerance on ``max |cos(x_i, x_k)|`` (near-orthogonal inputs), on
#: ``max |‖x_i‖² − 1|`` (unit norms for code written for spec §1) and on the
#: relative balance deviation ``| |a_j| - ||w_j|| | / ||w_j||``.
DEFAULT_TOL = 1e-8


def _kept_as_given(value: Any) -> bool:
    """Whether ``value`` is a float64 array that :class:`Problem` can keep
    without a copy: native byte order, C-contiguous, read-only, and owning
    its memory (so that nothing else can write it: arrays read from an npz
    file by :func:`~limitproc.problem.load_problem`, for instance: every
    array of its chain of bases is read-only, down to one that owns its
    memory)."""
    if not (type(value) is np.ndarray and value.dtype == np.float64 and value.dtype.isnative
            and value.flags.c_contiguous):
        return False
    array: Any = value
    while isinstance(array, np.ndarray):
        if array.flags.writeable:
            return False
        if array.base is None:
            return bool(array.flags.owndata)
        array = array.base
    return False  # memory of another object (a buffer, a memory map)


def _all_finite(array: NDArray[np.float64]) -> bool:
    """Whether every entry of a float array is finite, without a temporary
    of its size (NaN propagates through min and max; an infinity is one of
    them)."""
    return not array.size or (math.isfinite(array.min()) and math.isfinite(array.max()))


def _norms_finite(W0: NDArray[np.float64], out: list[NDArray[np.float64]]) -> bool:
    """Whether ``W0`` is finite, from its row norms (appended to ``out``):
    a NaN or an infinity makes its row's norm NaN, and the norm of finite
    entries is finite (one pass over ``W0`` for both)."""
    with np.errstate(invalid="ignore", over="ignore"):  # inf / inf: the NaN that says so
        norms = row_norms(W0)
    out.append(norms)
    return bool(np.isfinite(norms).all())


def _real_array(
    value: Any, name: str, ndim: int, finite: Callable[[NDArray[np.float64]], bool] = _all_finite
) -> NDArray[np.float64]:
    """``value`` as a read-only float64 array with ``ndim`` dimensions: a
    copy, or ``value`` itself when it is already a read-only float64 array
    owning its memory (:func:`_kept_as_given`; ``finite`` tells whether such
    an array is finite, so that a caller can fuse that pass with its own).

    Refuses ragged nesting, complex numbers (which a float conversion would
    silently truncate), values beyond float64 and non-finite entries, naming
    the first offending index.
    """
    if _kept_as_given(value):
        if value.ndim != ndim:
            raise ShapeError(f"{name} must be {ndim}-dimensional, got shape {value.shape}")
        if finite(value):
            return cast("NDArray[np.float64]", value)
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
    if _all_finite(array):
        array.flags.writeable = False
        return array
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
    if isinstance(y, np.ndarray) and y.dtype.kind in "biuf":
        return None  # plain numbers: no label can be a fraction
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


def _output_weights(a0, signs, norms, m, tol):
    """The signs ``s_j = sign(a0_j)`` (or the given ``signs``) and the balance
    offsets ``δ_j = a0_j² − ||W0_j||²`` (0 where ``| |a0_j| − ||W0_j|| |`` is
    within ``tol`` of ``||W0_j||``: taken as balanced), in the units of ``W0``.
    """
    if a0 is None and signs is None:
        raise InputError(
            "the output signs are missing: give a0 (output weights) or signs (+1/-1, balanced)"
        )
    result = None
    offsets = np.zeros(m)
    if a0 is not None:
        a0 = _real_array(a0, "a0", 1)
        if a0.shape != (m,):
            raise ShapeError(f"a0 has shape {a0.shape} but W0 has {m} rows: a0 must have shape ({m},)")
        deviation = np.abs(np.abs(a0) - norms) / norms
        unbalanced = ~(deviation <= tol)
        offsets = np.where(unbalanced, (np.abs(a0) - norms) * (np.abs(a0) + norms), 0.0)
        result = np.where(a0 > 0, 1, np.where(a0 < 0, -1, 0)).astype(np.int8)
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
        if result is not None and ((given != result) & (result != 0)).any():
            j = int(np.flatnonzero((given != result) & (result != 0))[0])
            raise InputError(f"a0 and signs disagree at neuron {j}: a0[{j}] = {a0[j]:g}, signs[{j}] = {given[j]}")
        result = given
    return result, offsets


def _effective_signs(signs, offsets, coordinates, norms, g):
    """Effective signs ``σ_j`` and the transients of the neurons that can flip
    (``δ_j < 0``, :mod:`~limitproc.problem.balance`; docs/general-inputs.md §3).

    ``coordinates(j)`` is row ``j`` of ``<W0_j, x_i>/||x_i||`` (shape (n,),
    in the units of ``W0``) and ``g = y ∘ c / n`` on the scaled labels.
    """
    effective = signs.copy()
    transients = {}
    for j in np.flatnonzero(offsets < 0):
        a = signs[j] * np.sqrt(max(norms[j] ** 2 + offsets[j], 0.0))
        transient = initial_transient(a, coordinates(int(j)), g)
        if transient is None:
            raise SignUndecidedError(
                f"unbalanced neuron {j}: its growing mode vanishes within rounding (a0[{j}] = {a:.6g}, ||W0[{j}]|| = "
                f"{norms[j]:.6g}): whether and with which sign it grows depends on O(λ²) terms the limit does not "
                "see (docs/general-inputs.md §3)"
            )
        transients[int(j)] = transient
        if transient.sign != 0:
            effective[j] = transient.sign
        elif signs[j] == 0:
            effective[j] = 1
    effective = effective.astype(np.int8)
    effective.flags.writeable = False
    return effective, transients


class Problem:
    """Orthogonal inputs, labels and an initialization (spec §1; docs/general-inputs.md).

    Spec §1 is the unit-norm, orthonormal, balanced case.  ``Problem`` also
    accepts orthogonal inputs of any norms, unbalanced output weights, and
    near-orthogonal inputs within the tolerance and the derived ceiling, and
    says which it got: :attr:`regime`, :attr:`input_norms`,
    :attr:`balance_offsets`, :attr:`effective_signs` and :attr:`extensions`
    (what goes beyond spec §1; code written for spec §1 refuses such problems,
    see :meth:`require_spec_setting`).

    Parameters
    ----------
    y : array_like, shape (n,)
        Labels.  Strings such as ``"1/3"``, :class:`fractions.Fraction` or
        sympy Rationals are kept exactly for the exact backend.
    W0 : array_like, shape (m, d)
        Initial hidden weights; only their directions ``z_j = W0_j/||W0_j||``
        enter the limit process of balanced problems (their norms are kept for
        the finite-λ flow).
    a0 : array_like, shape (m,), optional
        Initial output weights.  ``|a0_j| = ||W0_j||`` within ``tol`` is
        balanced (seed 002 Assumption 3) and only its sign is used; otherwise
        the neuron is unbalanced, with the conserved offset
        ``δ_j = a0_j² − ||W0_j||²`` (seed 000 Lemma 1) and an effective sign
        that may differ from ``sign(a0_j)`` (docs/general-inputs.md §3).
    signs : array_like, shape (m,), optional
        Output signs ``s_j`` in ``{-1, +1}`` of a balanced initialization
        (instead of, or with, ``a0``).
    X : array_like, shape (n, d), optional
        Inputs with orthogonal rows of any norms (or near-orthogonal ones, see
        ``tol``).  ``None`` means the standard basis of ``R^n`` (``d = n``).
    tol : float
        The largest ``|cos(x_i, x_k)|`` accepted as near-orthogonal (up to the
        ceiling of docs/general-inputs.md §4; cosines within rounding are
        orthogonal whatever ``tol``), the largest ``|‖x_i‖² − 1|`` that code
        written for unit norms takes as 1, and the relative deviation
        ``| |a0_j| − ||W0_j|| | / ||W0_j||`` taken as balanced.
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

    Seed 000's worked example (a 1-D input and a bias coordinate): orthogonal
    rows of norms √1.25 and √5, accepted as they are:

    >>> e1 = Problem([-1.0, 1.0], [[1.0, 0.5], [0.3, -1.0]], signs=[-1, 1], X=[[-0.5, 1.0], [2.0, 1.0]])
    >>> e1.regime.name, e1.input_norms.round(4).tolist(), e1.extensions
    ('orthogonal', [1.118, 2.2361], ('orthogonal inputs of norms ≠ 1',))

    Raises
    ------
    ArgumentTypeError, ArgumentError
        ``tol`` or ``allow_zero_labels`` of the wrong type or out of range.
    ShapeError
        Arrays of the wrong number of dimensions or mismatched sizes, no
        datum or no neuron.
    NonFiniteError, FloatRangeError
        A NaN, an infinity, or a value beyond float64.
    InputError
        Complex or non-numeric values, a zero row of ``W0``, missing or
        invalid signs, ``a0`` and ``signs`` that disagree.
    ZeroLabelError
        A zero label, unless ``allow_zero_labels``.
    OrthonormalityError
        Inputs neither orthogonal nor near-orthogonal within ``tol`` and the
        ceiling (:func:`~limitproc.problem.regimes.classify_inputs`).
    SignUndecidedError
        An unbalanced neuron whose effective sign is undecided.
    """

    y: NDArray[np.float64]
    """Labels, shape (n,) (read-only float64; exact values in :attr:`y_exact`)."""
    X: NDArray[np.float64] | None
    """Inputs, shape (n, d), or ``None`` for the standard basis of ``R^n``."""
    weights: NDArray[np.float64]
    """``W0`` as given, read-only float64, shape (m, d) (not copied when it
    already is a read-only float64 array owning its memory)."""
    init_norms: NDArray[np.float64]
    """``||W0_j||``, shape (m,)."""
    signs: NDArray[np.int8]
    """Output signs ``s_j = sign(a0_j)`` (or as given), shape (m,)."""
    tol: float
    """The tolerance (class docstring)."""
    gram_deviation: float
    """``max |<x_i, x_k> − 1[i = k]|``: the distance to orthonormal inputs."""
    label_scale: float
    """The power of 4 ``c`` with ``max |y_i| / c ∈ [1, 4)`` (:attr:`scaled_labels`)."""
    regime: InputRegime
    """The geometry of the inputs (:mod:`~limitproc.problem.regimes`)."""
    balance_offsets: NDArray[np.float64]
    """``δ_j = a0_j² − ||W0_j||²`` (0 for balanced neurons), shape (m,)."""
    effective_signs: NDArray[np.int8]
    """The sign each neuron grows with after its initial transient, shape (m,)."""
    transients: dict[int, Transient]
    """The initial transients of the neurons that can flip (``δ_j < 0``), by neuron."""
    coupling_scale: float
    """``λ_c`` of near-orthogonal inputs (0 for orthogonal ones;
    :func:`~limitproc.problem.regimes.coupling_scale`)."""
    _y_exact: tuple[Fraction, ...] | None
    _directions: NDArray[np.float64] | None
    _coordinates: NDArray[np.float64] | None

    def __init__(
        self,
        y: ArrayLike,
        W0: ArrayLike,
        *,
        a0: ArrayLike | None = None,
        signs: ArrayLike | None = None,
        X: ArrayLike | None = None,
        tol: float = DEFAULT_TOL,
        allow_zero_labels: bool = False,
    ) -> None:
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
        label_scale = _label_scale(y_float)
        scaled = y_float / label_scale
        if X is not None:
            X = _real_array(X, "X", 2)
            if X.shape[0] != n:
                raise ShapeError(f"X has {X.shape[0]} rows but y has {n} labels: X must have shape ({n}, d)")
            d = X.shape[1]
        else:
            d = n
        regime = classify_inputs(X, scaled, tol)
        fused: list[NDArray[np.float64]] = []
        W0 = _real_array(W0, "W0", 2, lambda kept: _norms_finite(kept, fused))
        if W0.shape[1] != d:
            where = f"X has d = {d} columns" if X is not None else f"without X the inputs are the standard basis of R^{n}"
            raise ShapeError(f"W0 has shape {W0.shape} but {where}: W0 must have shape (m, {d})")
        m = W0.shape[0]
        if m == 0:
            raise ShapeError("W0 has no rows: the network needs at least one neuron")
        norms = fused[0] if fused else row_norms(W0)
        zero = np.flatnonzero(norms == 0)
        if zero.size:
            raise InputError(
                f"W0[{zero[0]}] is the zero vector ({zero.size} such rows): every neuron needs an initial direction"
            )
        s, offsets = _output_weights(a0, signs, norms, m, tol)
        set_ = object.__setattr__
        set_(self, "weights", W0)
        set_(self, "init_norms", norms)
        set_(self, "X", X)
        set_(self, "_directions", None)
        set_(self, "_coordinates", None)
        if X is not None:  # the standard basis computes directions (= coordinates) on first use
            coordinates = (self.directions @ X.T) / regime.norms
            coordinates.flags.writeable = False
            set_(self, "_coordinates", coordinates)
        effective, transients = _effective_signs(s, offsets, self._weighted_coordinates, norms, scaled * regime.norms / n)
        for array in (norms, s, offsets, regime.norms):
            array.flags.writeable = False
        set_(self, "y", y_float)
        set_(self, "signs", s)
        set_(self, "tol", float(tol))
        set_(self, "gram_deviation", regime.gram_deviation)
        set_(self, "_y_exact", exact)
        set_(self, "label_scale", label_scale)
        set_(self, "regime", regime)
        set_(self, "balance_offsets", offsets)
        set_(self, "effective_signs", effective)
        set_(self, "transients", transients)
        scale = 0.0
        if not regime.orthogonal:
            scale = np.sqrt(label_scale) * coupling_scale(regime, self.data_coordinates(), norms, effective, scaled,
                                                           self.effective_activity())
        set_(self, "coupling_scale", float(scale))

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError("Problem is immutable")

    def __getstate__(self) -> dict[str, Any]:
        # the directions (and the standard basis's coordinates, the same array) are recomputed on first use
        state = dict(vars(self))
        state["_directions"] = None
        if self.X is None:
            state["_coordinates"] = None
        return state

    @property
    def directions(self) -> NDArray[np.float64]:
        """Initial directions ``z_j = W0_j / ||W0_j||``, shape (m, d)
        (read-only; computed on first use from :attr:`weights`)."""
        if self._directions is None:
            directions = self.weights / self.init_norms[:, None]
            directions.flags.writeable = False
            object.__setattr__(self, "_directions", directions)
            return directions
        return self._directions

    def _weighted_coordinates(self, j: int) -> NDArray[np.float64]:
        """``<W0_j, x_i> / ||x_i||``, shape (n,): row ``j`` of the data
        coordinates in the units of ``W0`` (one row: no (m, n) temporary)."""
        if self.X is None:
            return (self.weights[j] / self.init_norms[j]) * self.init_norms[j]
        return self.data_coordinates()[j] * self.init_norms[j]

    @property
    def n(self) -> int:
        """Number of data."""
        return self.y.shape[0]

    @property
    def m(self) -> int:
        """Width: number of neurons."""
        return self.weights.shape[0]

    @property
    def d(self) -> int:
        """Input dimension."""
        return self.weights.shape[1]

    @property
    def standard_basis(self) -> bool:
        """Whether the inputs are the standard basis of ``R^n`` (no ``X``)."""
        return self.X is None

    @property
    def labels_exact(self) -> bool:
        """Whether the labels were given as exact fractions."""
        return self._y_exact is not None

    @property
    def y_exact(self) -> tuple[Fraction, ...]:
        """The labels as exact :class:`~fractions.Fraction` values.

        Given fractions are kept; float labels are converted exactly (the
        binary value of the float, never rounded).
        """
        if self._y_exact is not None:
            return self._y_exact
        return tuple(Fraction(float(v)) for v in self.y)

    @property
    def scaled_labels(self) -> NDArray[np.float64]:
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

    def rescaled(self) -> Problem:
        """The same problem with the labels ``y / c`` of :attr:`scaled_labels`
        (exact labels divided exactly); its :attr:`label_scale` is 1.

        Returns
        -------
        Problem
            ``self`` when :attr:`label_scale` is already 1.

        Examples
        --------
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

    @property
    def label_size(self) -> float:
        """``max |y_i|`` (1 when every label is 0): the size of the labels that
        the resolution of spec §8 measures ``λ`` against
        (:func:`~limitproc.scale.effective_log_inv_lambda`)."""
        top = float(np.abs(self.y).max()) if self.n else 0.0
        return top if top > 0 else 1.0

    def label_norm(self, where: Any = slice(None)) -> float:
        """``||y[where]||`` computed on :attr:`scaled_labels`, so that it
        neither overflows nor underflows where the result is representable.

        Parameters
        ----------
        where : index, optional
            Any numpy index of the labels (a slice, indices, a boolean mask);
            every label by default.

        Returns
        -------
        float

        Examples
        --------
        >>> Problem([3e200, 4e200, -1.0], [[1.0, 0.0, 0.0]], signs=[1]).label_norm([0, 1])
        5e+200
        """
        if isinstance(where, np.ndarray) and where.dtype == np.bool_ and where.shape == self.y.shape:
            values = np.compress(where, self.y)  # = y[where], faster than a boolean index
        else:
            values = self.y[where]
        return float(self.label_scale * np.linalg.norm(values / self.label_scale))  # = scaled_labels[where]

    def loss(self, outputs: ArrayLike) -> Any:
        """Training loss ``L = (1/(2n)) Σ_i (h(x_i) − y_i)²`` (spec §1) of
        outputs ``h`` of shape ``(..., n)``.

        Parameters
        ----------
        outputs : array_like, shape (..., n)
            Network outputs ``h(x_i)``, possibly stacked (one row per time).

        Returns
        -------
        float or ndarray, shape (...)
            One loss per row of outputs (a numpy float for one row).

        Examples
        --------
        >>> Problem([3.0, 4.0], [[1.0, 0.0]], signs=[1]).loss([[0.0, 0.0], [3.0, 2.0]]).tolist()
        [6.25, 1.0]
        """
        return ((np.asarray(outputs, dtype=float) - self.y) ** 2).sum(axis=-1) / (2 * self.n)

    # -- what was accepted (docs/general-inputs.md) ----------------------------------

    @property
    def input_norms(self) -> NDArray[np.float64]:
        """``||x_i||``, shape (n,) (ones for the standard basis)."""
        return self.regime.norms

    @property
    def balanced(self) -> bool:
        """Every neuron balanced, ``|a0_j| = ||W0_j||`` within ``tol`` (spec §1)."""
        return not self.balance_offsets.any()

    @property
    def output_weights(self) -> NDArray[np.float64]:
        """``a0_j`` in the units of ``W0``: ``s_j ||W0_j||`` for balanced neurons."""
        weights = self.signs * np.sqrt(np.maximum(self.init_norms**2 + self.balance_offsets, 0.0))
        return cast("NDArray[np.float64]", weights)  # int8 times float64: numpy's stubs say int8

    @property
    def sign_collapses(self) -> tuple[int, ...]:
        """Neurons whose effective sign is not the sign of ``a0`` (seed 001
        Appendix C; docs/general-inputs.md §3)."""
        return tuple(int(j) for j in np.flatnonzero(self.effective_signs != self.signs))

    @property
    def extensions(self) -> tuple[str, ...]:
        """What this problem has beyond spec §1's unit-norm orthonormal
        inputs and balanced initialization, as readable names (empty in the
        spec's setting; near-orthogonal inputs are :attr:`regime`'s business).

        >>> Problem([1.0, -1.0], np.eye(2), a0=[0.5, -1.0]).extensions
        ('unbalanced initialization',)
        """
        out = []
        if not self.regime.unit_norms(self.tol):
            out.append("orthogonal inputs of norms ≠ 1")
        if not self.balanced:
            out.append("unbalanced initialization")
        return tuple(out)

    def require_spec_setting(self, what: str) -> None:
        """Raise :class:`~limitproc.errors.UnsupportedProblemError` unless the
        problem is in spec §1's setting (no :attr:`extensions`): for code
        written for unit norms and balanced neurons, named by ``what``.

        Parameters
        ----------
        what : str
            The computation that needs spec §1's setting, for the message.

        Returns
        -------
        None

        Raises
        ------
        UnsupportedProblemError
            The problem has :attr:`extensions`.

        Examples
        --------
        >>> Problem([1.0, -1.0], np.eye(2), signs=[1, -1]).require_spec_setting("Algorithm 1")
        >>> Problem([1.0, -1.0], np.eye(2), a0=[0.5, -1.0]).require_spec_setting("Algorithm 1")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        limitproc.errors.UnsupportedProblemError: Algorithm 1: written for unit-norm orthonormal inputs and a balanced initialization (spec §1); this problem has unbalanced initialization (1 of 2 neurons unbalanced): ...
        """
        if not self.extensions:
            return
        details = []
        if not self.regime.unit_norms(self.tol):
            details.append(f"||x_i|| from {self.input_norms.min():.6g} to {self.input_norms.max():.6g}")
        if not self.balanced:
            unbalanced = np.flatnonzero(self.balance_offsets)
            collapsed = self.sign_collapses
            details.append(f"{unbalanced.size} of {self.m} neurons unbalanced"
                           + (f", sign collapse of neurons {list(collapsed)[:8]}" if collapsed else ""))
        raise UnsupportedProblemError(
            f"{what}: written for unit-norm orthonormal inputs and a balanced initialization (spec §1); this problem "
            f"has {' and '.join(self.extensions)} ({'; '.join(details)}): Problem accepted it, and limit_process, "
            "finite_lambda, simulate_flow and simulate_gd handle it (docs/general-inputs.md §6), but this reader of "
            "spec §1's coordinates does not: use data_coordinates() and input_norms"
        )

    def data_coordinates(self) -> NDArray[np.float64]:
        """``<z_j, x_i> / ||x_i||``, shape (m, n): the initial directions in
        the unit inputs (the data basis of spec §7 when the inputs are
        orthogonal; cosines otherwise).  A view for the standard basis.

        Returns
        -------
        ndarray, shape (m, n)
            Read-only.

        Examples
        --------
        >>> p = Problem([1.0, -1.0], [[3.0, 4.0]], signs=[1], X=[[0.0, 2.0], [1.0, 0.0]])
        >>> p.data_coordinates().tolist()
        [[0.8, 0.6]]
        """
        if self._coordinates is None:  # the standard basis: the directions themselves
            object.__setattr__(self, "_coordinates", self.directions)
        return cast("NDArray[np.float64]", self._coordinates)

    def effective_activity(self) -> NDArray[np.bool_]:
        """``A^T``, shape (m, n): datum ``i`` is active for neuron ``j`` after
        the initial transient and agrees with its effective sign
        (docs/general-inputs.md §3; spec §2's mask for balanced neurons).

        Returns
        -------
        ndarray of bool, shape (m, n)

        Examples
        --------
        >>> p = Problem([1.0, -1.0, 2.0], [[1, 1, -1], [-1, 1, 1]], signs=[1, -1])
        >>> p.effective_activity().astype(int).tolist()
        [[1, 0, 0], [0, 1, 0]]
        """
        agree = self.effective_signs[:, None] * np.sign(self.y)[None, :] > 0
        active = (self.data_coordinates() > 0) & agree
        for j, transient in self.transients.items():
            active[j] = transient.active & agree[j]
        return active

    def inner_products(self) -> NDArray[np.float64]:
        """``G[j, i] = <z_j, x_i>``, shape (m, n) (a view for the standard basis).

        These are the orthonormal data-basis coordinates of spec §1: code
        that reads them assumes unit norms and balanced neurons, so problems
        with :attr:`extensions` raise
        :class:`~limitproc.errors.UnsupportedProblemError`; use
        :meth:`data_coordinates` and :meth:`effective_activity` instead.

        Returns
        -------
        ndarray, shape (m, n)

        Raises
        ------
        UnsupportedProblemError
            The problem has :attr:`extensions`.

        Examples
        --------
        >>> p = Problem([1.0, -1.0], [[3.0, 4.0]], signs=[1], X=[[0.0, 1.0], [1.0, 0.0]])
        >>> p.inner_products().tolist()
        [[0.8, 0.6]]
        """
        self.require_spec_setting("inner_products() (spec §1's <z_j, x_i>)")
        if self.X is None:
            return self.directions
        return self.directions @ self.X.T

    def inputs(self) -> NDArray[np.float64]:
        """The inputs ``X`` as an (n, d) array (the identity for the standard basis).

        Returns
        -------
        ndarray, shape (n, d)

        Examples
        --------
        >>> Problem([1.0, -1.0], [[1.0, 1.0]], signs=[1]).inputs().tolist()
        [[1.0, 0.0], [0.0, 1.0]]
        """
        return np.eye(self.n) if self.X is None else self.X

    def __repr__(self) -> str:
        basis = "standard basis" if self.X is None else f"X {self.n}×{self.d}"
        n_pos = int((self.y > 0).sum())
        n_neg = int((self.y < 0).sum())
        if self.regime.name != "orthogonal" or not self.regime.unit_norms(self.tol):
            basis += f" ({self.regime.name}, ||x_i|| {self.input_norms.min():.3g}..{self.input_norms.max():.3g})"
        if not self.balanced:
            basis += f", {int(np.count_nonzero(self.balance_offsets))} unbalanced"
        return (
            f"Problem(n={self.n}, d={self.d}, m={self.m}, {basis}, "
            f"labels +{n_pos}/-{n_neg}, neurons +{int((self.signs > 0).sum())}/-{int((self.signs < 0).sum())})"
        )
