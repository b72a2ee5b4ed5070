"""Hypothesis strategies for limitproc problems (spec §1–§5).

In the style of :mod:`hypothesis.extra.numpy`: every function returns a
:class:`~hypothesis.strategies.SearchStrategy`, every argument accepts either a
value or a strategy for that value, and the examples shrink to small readable
cases.  Numbers are built from integers and fractions with few digits, so a
failing example prints as a literal :class:`~limitproc.problem.Problem` call
that can be pasted into a test::

    Problem([1.0, -1.0], [[1, 1], [1, -1]], signs=[1, -1])

Construction (no filtering, no rejection sampling):

* Neurons are drawn in *data coordinates*: ``c_ji = <w_j, x_i>`` is a non-zero
  integer (default ``±1..±3``), so the mask ``A_ij = 1[c_ji > 0, s_j y_i > 0]``
  (spec §2) is decided by the integer signs and stays the same under any
  rotation of the inputs, however the floats round.
* Forced structures (seed 000 Assumption 3, zero rows, zero columns, equal
  columns; spec §4–§5) are made by setting the signs of chosen coordinates.
* Rotations are Cayley transforms ``(I + S)^{-1}(I − S)`` of skew-symmetric
  integer matrices ``S``, times a signed permutation: they shrink to the
  identity.
* Labels are ``±p/q`` with small ``p`` and ``q``; ``kind="fraction"`` or
  ``"string"`` keeps them exact for the exact backend (spec §6).
* Sizes given as ``(min, max)`` give every datum and neuron its own place in
  the draws, with a flag saying whether it is used: shrinking removes any
  datum or neuron by one change, so failures shrink to the fewest data and
  neurons (e.g. two of each for "more than one jump").

Examples
--------
A property test:

>>> from hypothesis import given, settings
>>> from limitproc import certify, limit_process
>>> @given(problems(kind="string"))
... @settings(max_examples=20, database=None)
... def test_certified(problem):
...     assert certify(limit_process(problem)).ok
>>> test_certified()

The examples below show values with :func:`hypothesis.find` and
``settings(phases=[Phase.generate])``: without shrinking, ``find`` returns the
first value that satisfies the condition, and for ``lambda value: True`` that
is the simplest value, the one failures shrink towards.

>>> from hypothesis import Phase, find
>>> first = settings(phases=[Phase.generate], database=None)
>>> find(problems(), lambda p: True, settings=first)
Problem(n=1, d=1, m=1, standard basis, labels +1/-0, neurons +1/-0)
"""

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ..problem.problem import Problem

__all__ = [
    "Initialization",
    "initializations",
    "label_magnitudes",
    "labels",
    "orthogonal_matrices",
    "orthonormal_inputs",
    "problems",
]

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


# ---------------------------------------------------------------- argument checks


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


# ---------------------------------------------------------------- inputs


@st.composite
def _orthogonal(draw, d, max_entry, signed_permutations):
    d = _size(draw(d), "d", 0)
    upper = d * (d - 1) // 2
    entries = draw(st.lists(st.integers(-max_entry, max_entry), min_size=upper, max_size=upper))
    S = np.zeros((d, d))
    S[np.triu_indices(d, 1)] = entries
    S -= S.T
    eye = np.eye(d)
    Q = np.linalg.solve(eye + S, eye - S)  # Cayley transform: orthogonal, I when S = 0
    Q = Q @ (3 * eye - Q.T @ Q) / 2  # one Newton–Schulz step: orthonormal to rounding
    if signed_permutations and d:
        order = draw(st.permutations(range(d)))
        flips = draw(st.lists(st.booleans(), min_size=d, max_size=d))
        Q = np.where(flips, -1.0, 1.0)[:, None] * Q[order]
    return Q


def orthogonal_matrices(d, *, max_entry=2, signed_permutations=True):
    """Orthogonal ``d × d`` float matrices that shrink to the identity.

    ``Q = P (I + S)^{-1} (I − S)`` with ``S`` skew-symmetric with integer
    entries in ``[-max_entry, max_entry]`` (a Cayley transform, a rotation)
    and ``P`` a signed permutation (reflections and the rotations the Cayley
    transform misses).  ``Q Qᵀ = I`` to a few units of rounding.

    Parameters
    ----------
    d : int or strategy
        Dimension (``>= 0``).
    max_entry : int
        Bound on the entries of ``S``; 0 gives signed permutations only.
    signed_permutations : bool
        Compose with a signed permutation.

    Returns
    -------
    SearchStrategy[ndarray]

    Examples
    --------
    >>> from hypothesis import Phase, find, settings
    >>> first = settings(phases=[Phase.generate], database=None)
    >>> find(orthogonal_matrices(3), lambda Q: True, settings=first).tolist()  # the simplest: I
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    >>> Q = find(orthogonal_matrices(4), lambda Q: abs(Q[0, 0]) < 0.9, settings=first)
    >>> bool(np.abs(Q @ Q.T - np.eye(4)).max() < 1e-14)
    True
    """
    _eager(d, _size, "d", 0)
    _size(max_entry, "max_entry", 0)
    return _orthogonal(_strategy(d), int(max_entry), _flag(signed_permutations, "signed_permutations"))


@st.composite
def _orthonormal_inputs(draw, n, d, standard_basis, max_entry):
    n = _size(draw(n), "n", 0)
    d = n + draw(st.integers(0, 2)) if d is None else _size(draw(d), "d", 0)
    if d < n:
        raise InvalidArgument(f"d={d} < n={n}: at most d vectors of R^d are orthonormal")
    if not draw(st.booleans()):  # not rotated: the standard basis
        return None if standard_basis and d == n else np.eye(n, d)
    return draw(_orthogonal(st.just(d), max_entry, True))[:n]


def orthonormal_inputs(n, d=None, *, standard_basis=True, max_entry=2):
    """Input matrices ``X`` (``n × d``) with orthonormal rows (spec §1).

    ``X`` is the first ``n`` rows of a rotation from
    :func:`orthogonal_matrices`, or the standard basis, to which examples
    shrink.

    Parameters
    ----------
    n : int or strategy
        Number of data.
    d : int or strategy, optional
        Dimension, ``>= n``; default ``n``, ``n + 1`` or ``n + 2``.
    standard_basis : bool
        Allow ``None``, which :class:`~limitproc.problem.Problem` reads as the
        standard basis of ``R^n`` (only when ``d == n``; otherwise the
        unrotated case is ``np.eye(n, d)``).
    max_entry : int
        Passed to :func:`orthogonal_matrices`.

    Returns
    -------
    SearchStrategy[ndarray or None]

    Examples
    --------
    >>> from hypothesis import Phase, find, settings
    >>> first = settings(phases=[Phase.generate], database=None)
    >>> find(orthonormal_inputs(3), lambda X: True, settings=first) is None  # the simplest: standard basis
    True
    >>> X = find(orthonormal_inputs(2, 4), lambda X: X[0, 0] != 1, settings=first)
    >>> X.shape, bool(np.abs(X @ X.T - np.eye(2)).max() < 1e-14)
    ((2, 4), True)
    """
    _eager(n, _size, "n", 0)
    if d is not None:
        _eager(d, _size, "d", 0)
        if not isinstance(n, SearchStrategy) and not isinstance(d, SearchStrategy) and d < n:
            raise InvalidArgument(f"d={d} < n={n}: at most d vectors of R^d are orthonormal")
    _size(max_entry, "max_entry", 0)
    return _orthonormal_inputs(
        _strategy(n), None if d is None else _strategy(d), _flag(standard_basis, "standard_basis"), int(max_entry)
    )


# ---------------------------------------------------------------- labels


def label_magnitudes(*, max_numerator=99, denominators=(1, 2, 4, 5, 8, 10)):
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


def labels(n, *, signs="any", kind="float", magnitudes=None, repeated=False, allow_zero=False):
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


# ---------------------------------------------------------------- initializations


@dataclass(frozen=True, eq=False)
class Initialization:
    """A balanced initialization (spec §1): directions and output signs.

    Attributes
    ----------
    W0 : ndarray, shape (m, d)
        Initial hidden weights (only their directions enter the limit).
    signs : ndarray, shape (m,)
        Output signs ``s_j`` in ``{-1, +1}``.
    a0 : ndarray or None
        Balanced output weights ``s_j ||W0_j||`` when drawn with
        ``form="a0"``.
    coordinates : ndarray, shape (m, n)
        The integers ``c_ji = <W0_j, x_i>`` (never 0).
    """

    W0: np.ndarray
    signs: np.ndarray
    a0: object
    coordinates: np.ndarray

    def kwargs(self):
        """Keyword arguments for :class:`~limitproc.problem.Problem`:
        ``W0`` and either ``a0`` or ``signs``."""
        if self.a0 is not None:
            return {"W0": self.W0, "a0": self.a0}
        return {"W0": self.W0, "signs": self.signs}


def _label_signs(y):
    return np.array([int(np.sign(float(Fraction(str(v)) if isinstance(v, str) else v))) for v in y], dtype=int)


def _check_structure(two_phase, zero_rows, equal_columns, label_signs):
    nonzero = int(np.count_nonzero(label_signs))
    if two_phase and zero_rows:
        raise InvalidArgument("two_phase=True (seed 000 Assumption 3) leaves no zero row: zero_rows must be False")
    if zero_rows and nonzero < 1:
        raise InvalidArgument("zero_rows=True needs a non-zero label")
    if equal_columns and nonzero < 1 + zero_rows:
        raise InvalidArgument(
            f"equal_columns=True needs {1 + zero_rows} non-zero label(s) (zero_rows={zero_rows}), got {nonzero}"
        )


def _width(two_phase, zero_columns, equal_columns, label_signs=None, neuron_signs="any"):
    """Neurons the forced structures need (both label signs if unknown), plus
    one free to take the other sign for ``neuron_signs="mixed"``."""
    present = 2 if label_signs is None else len({int(v) for v in label_signs if v})
    roles = present * two_phase + zero_columns + 2 * equal_columns
    return max(roles + 1, 2) if neuron_signs == "mixed" else roles


def _roles(order, ys, two_phase, zero_columns, equal_columns):
    """Distinct neurons, in the order of a permutation, for the forced structures."""
    order = iter(order)
    full = [(next(order), sign) for sign in (1, -1) if two_phase and (ys == sign).any()]
    zero = next(order) if zero_columns else None
    pair = (next(order), next(order)) if equal_columns else None
    return full, zero, pair


def _force(active, s, ys, roles, row, keep):
    """Set the signs of coordinates (``active``) and of neurons (``s``) for the
    forced structures; ``row`` is the zero row, ``keep`` a datum of the equal pair."""
    full, zero, pair = roles
    for j, sign in full:  # seed 000 Assumption 3: S_{+,1} and S_{-,1} non-empty
        s[j] = sign
        active[j, ys == sign] = True
    if zero is not None:  # a zero column
        active[zero, ys * s[zero] > 0] = False
    if pair is not None:  # two equal non-zero columns
        first, second = pair
        s[first] = s[second] = ys[keep]
        active[first, keep] = True
        agree = ys * s[first] > 0
        active[second, agree] = active[first, agree]
    if row is not None:  # no neuron of the label's sign is active on the datum
        active[s == ys[row], row] = False


def _coordinates(draw, count, coordinates):
    """``count`` data coordinates ``c_ji``, non-zero integers."""
    if coordinates is None:  # one draw per coordinate: fast to generate and to shrink
        return [_decode(draw(_CODES)) for _ in range(count)]
    out = [draw(coordinates) for _ in range(count)]
    for c in out:
        if isinstance(c, (bool, np.bool_)) or not isinstance(c, (int, np.integer)) or c == 0:
            raise InvalidArgument(f"coordinates must generate non-zero integers, got {c!r}")
    return [int(c) for c in out]


def _neuron_sign(draw, neuron_signs):
    """One output sign ``s_j``, before "mixed" is enforced and the forced structures."""
    if neuron_signs in ("any", "mixed"):
        return -1 if draw(st.booleans()) else 1
    return -1 if neuron_signs == "negative" else 1


def _mix(s, ys, roles, keep, neuron_signs, pick):
    """Set the signs the forced structures impose, then, for
    ``neuron_signs="mixed"``, flip a neuron without a role if all signs agree."""
    full, zero, pair = roles
    for j, sign in full:
        s[j] = sign
    if pair is not None:
        s[pair[0]] = s[pair[1]] = ys[keep]
    if neuron_signs == "mixed" and len(set(s.tolist())) == 1:
        taken = {j for j, _ in full} | {zero} | set(pair or ())
        free = [j for j in range(len(s)) if j not in taken]
        s[free[pick % len(free)]] *= -1


def _weights(draw, C, X):
    """``W0`` with ``<W0_j, x_i> = C[j, i]``, plus a component orthogonal to the
    data span when ``d > n`` (frozen under the flow, spec §7)."""
    if X is None:
        return C.astype(float)
    m, (n, d) = C.shape[0], X.shape
    W0 = C @ X
    if d > n:
        E = np.array(draw(st.lists(st.integers(-2, 2), min_size=m * d, max_size=m * d)), dtype=float).reshape(m, d)
        W0 = W0 + (E - (E @ X.T) @ X)
    return W0


@st.composite
def _initializations(draw, y, X, m, form, two_phase, zero_rows, zero_columns, equal_columns, coordinates, neuron_signs):
    ys = _label_signs(y)
    n = len(ys)
    form = _choice(draw(form), "form", FORMS)
    two_phase = _flag(draw(two_phase), "two_phase")
    zero_rows = _flag(draw(zero_rows), "zero_rows")
    zero_columns = _flag(draw(zero_columns), "zero_columns")
    equal_columns = _flag(draw(equal_columns), "equal_columns")
    _check_structure(two_phase, zero_rows, equal_columns, ys)
    neuron_signs = _choice(draw(neuron_signs), "neuron_signs", LABEL_SIGNS)
    width = _width(two_phase, zero_columns, equal_columns, ys, neuron_signs)
    slots, flagged, minimum = _places(draw, m, "m", width, 1)
    permutation = draw(st.permutations(range(slots)))
    pick = draw(st.integers(0, slots - 1)) if neuron_signs == "mixed" else 0
    labelled = np.flatnonzero(ys).tolist()
    row = labelled.pop(draw(st.integers(0, len(labelled) - 1))) if zero_rows else None
    keep = labelled[draw(st.integers(0, len(labelled) - 1))] if equal_columns else None
    # Neuron-major: a neuron's output sign and its coordinates on every datum.
    flags, s, C = [], np.ones(slots, dtype=int), np.zeros((slots, n), dtype=np.int64)
    for j in range(slots):
        flags.append(_used(draw, flagged))
        s[j] = _neuron_sign(draw, neuron_signs)
        C[j] = _coordinates(draw, n, coordinates)
    neurons = _kept(flags, minimum)
    s, C, m = s[neurons], C[neurons], len(neurons)
    position = {j: k for k, j in enumerate(neurons)}
    roles = _roles([position[j] for j in permutation if j in position], ys, two_phase, zero_columns, equal_columns)
    _mix(s, ys, roles, keep, neuron_signs, pick)
    active = C > 0
    _force(active, s, ys, roles, row, keep)
    C = np.where(active, np.abs(C), -np.abs(C))
    W0 = _weights(draw, C, X)
    a0 = s * np.linalg.norm(W0, axis=1) if form == "a0" else None
    return Initialization(W0, s, a0, C)


def initializations(
    y,
    m,
    *,
    X=None,
    form="signs",
    two_phase=False,
    zero_rows=False,
    zero_columns=False,
    equal_columns=False,
    coordinates=None,
    neuron_signs="any",
):
    """Balanced initializations for given labels and inputs (spec §1).

    Each neuron ``j`` gets integer data coordinates ``c_ji = <W0_j, x_i>``,
    never 0, so that the mask ``A_ij = 1[c_ji > 0 and s_j y_i > 0]`` (spec §2)
    is unambiguous; with ``d > n`` a component orthogonal to the inputs is
    added.

    Parameters
    ----------
    y : array_like
        The labels (only their signs are used; strings such as ``"3/7"`` allowed).
    m : int, (int, int) or strategy
        Width.  With a ``(min, max)`` tuple each neuron has its own place and
        shrinking can remove any of them.  The width is raised to the smallest
        the forced structures need.
    X : ndarray or None
        Orthonormal inputs (``None``: the standard basis of ``R^n``).
    form : {"signs", "a0"} or strategy
        How :meth:`Initialization.kwargs` gives the output weights: the signs
        ``s_j``, or balanced ``a0_j = s_j ||W0_j||`` (seed 002 Assumption 3).
    two_phase : bool or strategy
        Force seed 000 Assumption 3: a positive neuron active on all positive
        data and a negative one on all negative data (spec §4).
    zero_rows : bool or strategy
        Force a datum with a non-zero label and no active neuron of its sign.
    zero_columns : bool or strategy
        Force a neuron active on no datum of its sign.
    equal_columns : bool or strategy
        Force two neurons with the same non-zero column (spec §5).
    coordinates : strategy, optional
        Non-zero integers, the data coordinates ``c_ji`` before the forced
        structures flip some signs (``c_ji < 0``: neuron ``j`` is initially
        inactive on datum ``i``).  Default ``±1..±3``, negative with
        probability 1/4, shrinking to 1; ``st.sampled_from([1, -1])`` gives
        sparser masks with more partial overlaps.
    neuron_signs : {"any", "mixed", "positive", "negative"} or strategy
        Output signs ``s_j`` before the forced structures set some:
        independent, at least one of each (``m >= 2``), or all of one sign.

    Returns
    -------
    SearchStrategy[Initialization]

    Raises
    ------
    hypothesis.errors.InvalidArgument
        For structures the labels do not allow (``two_phase`` with
        ``zero_rows``; ``zero_rows`` or ``equal_columns`` without non-zero
        labels).

    Examples
    --------
    >>> from hypothesis import Phase, find, settings
    >>> from limitproc import Mask, Problem
    >>> first = settings(phases=[Phase.generate], database=None)
    >>> y = [2.0, -1.0, 3.0]
    >>> init = find(initializations(y, (1, 4), two_phase=True), lambda i: True, settings=first)
    >>> init.W0.tolist(), init.signs.tolist()  # the simplest: one neuron per label sign
    ([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [1, -1])
    >>> init = find(initializations(y, 3, zero_rows=True, zero_columns=True, form="a0"), lambda i: True, settings=first)
    >>> mask = Mask(Problem(y, **init.kwargs()))
    >>> mask.zero_rows.size > 0, mask.zero_columns.size > 0
    (True, True)
    """
    ys = _label_signs(y)
    m = _sizes(m, "m", 1)
    _eager(form, _choice, "form", FORMS)
    flags = dict(two_phase=two_phase, zero_rows=zero_rows, zero_columns=zero_columns, equal_columns=equal_columns)
    for name, value in flags.items():
        _eager(value, _flag, name)
    if not any(isinstance(v, SearchStrategy) for v in flags.values()):
        _check_structure(two_phase, zero_rows, equal_columns, ys)
    if X is not None:
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[0] != len(ys):
            raise InvalidArgument(f"X has shape {X.shape} but y has {len(ys)} labels")
    _eager(neuron_signs, _choice, "neuron_signs", LABEL_SIGNS)
    return _initializations(
        list(y), X, m, _strategy(form), *(_strategy(v) for v in flags.values()), coordinates, _strategy(neuron_signs)
    )


# ---------------------------------------------------------------- problems


def _readable(array):
    """Integers where exact, so that failing examples print as short literals."""
    array = np.asarray(array, dtype=float)
    if np.all(array == np.round(array)) and np.abs(array).max(initial=0) < 2**53:
        return array.astype(np.int64).tolist()
    return array.tolist()


@st.composite
def _problems(
    draw, n, m, extra_dims, basis, kind, signs, magnitudes, repeated, allow_zero_labels, form,
    two_phase, zero_rows, zero_columns, equal_columns, coordinates, neuron_signs,
):
    signs = _choice(draw(signs), "signs", LABEL_SIGNS)
    neuron_signs = _choice(draw(neuron_signs), "neuron_signs", LABEL_SIGNS)
    kind = _choice(draw(kind), "kind", LABEL_KINDS)
    repeated = _flag(draw(repeated), "repeated")
    allow_zero = _flag(draw(allow_zero_labels), "allow_zero_labels")
    form = _choice(draw(form), "form", FORMS)
    two_phase = _flag(draw(two_phase), "two_phase")
    zero_rows = _flag(draw(zero_rows), "zero_rows") and not two_phase
    zero_columns = _flag(draw(zero_columns), "zero_columns")
    equal_columns = _flag(draw(equal_columns), "equal_columns")
    width = _width(two_phase, zero_columns, equal_columns, None if signs in ("any", "mixed") else [1], neuron_signs)
    anchors = _anchors(signs, int(zero_rows) + int(equal_columns))

    # Every neuron and every datum has a place (see _places); data last.
    m_slots, m_flagged, m_min = _places(draw, m, "m", width, 1)
    n_slots, n_flagged, n_min = _places(draw, n, "n", anchors, 1)
    m_flags, s = [], []
    for _ in range(m_slots):
        m_flags.append(_used(draw, m_flagged))
        s.append(_neuron_sign(draw, neuron_signs))
    neurons = _kept(m_flags, m_min)
    s, m = np.array(s)[neurons], len(neurons)
    pick = draw(st.integers(0, m_slots - 1)) if neuron_signs == "mixed" else 0
    position = {j: k for k, j in enumerate(neurons)}
    order = [position[j] for j in draw(st.permutations(range(m_slots))) if j in position]
    picks = _forced(draw, anchors, n_slots)
    row_pick = draw(st.integers(0, anchors - 1)) if zero_rows else None
    pool = _pool(draw, magnitudes, repeated, n_slots)
    extra = _size(draw(extra_dims), "extra_dims", 0)
    basis = _choice(draw(basis), "basis", BASES)
    rotated = basis == "rotated" or (basis == "any" and draw(st.booleans()))
    # Datum-major: a datum's label and its coordinates on every neuron's place.
    n_flags, records, C = [], [], np.zeros((n_slots, m_slots), dtype=np.int64)
    for i in range(n_slots):
        n_flags.append(_used(draw, n_flagged))
        records.append(_label_record(draw, magnitudes, pool, signs, allow_zero))
        C[i] = _coordinates(draw, m_slots, coordinates)
    data = _kept(n_flags, n_min)
    records = [records[i] for i in data]
    C = C[np.ix_(data, neurons)].T
    n = len(data)
    y, forced = _label_values(records, pool, signs, picks)
    ys = np.sign(np.array([float(v) for v in y])).astype(int)
    roles = _roles(order, ys, two_phase, zero_columns, equal_columns)
    row = forced[row_pick] if zero_rows else None
    keep = [i for i in forced if i != row][0] if equal_columns else None
    _mix(s, ys, roles, keep, neuron_signs, pick)
    active = C > 0
    _force(active, s, ys, roles, row, keep)
    C = np.where(active, np.abs(C), -np.abs(C))
    d = n + extra
    if rotated:
        X = draw(_orthogonal(st.just(d), 2, True))[:n]
    else:
        X = None if extra == 0 else np.eye(n, d)
    W0 = _weights(draw, C, X)
    labels_ = _as_kind(y, kind)
    labels_ = labels_.tolist() if kind == "float" else labels_
    out = {"a0": (s * np.linalg.norm(W0, axis=1)).tolist()} if form == "a0" else {"signs": s.tolist()}
    if X is not None:
        out["X"] = _readable(X)
    if allow_zero:
        out["allow_zero_labels"] = True
    # st.builds records the call: a failing example prints as ``Problem(...)``.
    return draw(st.builds(Problem, st.just(labels_), st.just(_readable(W0)), **{k: st.just(v) for k, v in out.items()}))


def problems(
    n=(1, 5),
    m=(1, 5),
    *,
    extra_dims=st.integers(0, 2),
    basis="any",
    kind="float",
    signs="any",
    magnitudes=None,
    repeated=False,
    allow_zero_labels=False,
    form="signs",
    two_phase=False,
    zero_rows=False,
    zero_columns=False,
    equal_columns=False,
    coordinates=None,
    neuron_signs="any",
):
    """Whole :class:`~limitproc.problem.Problem` instances (spec §1).

    Labels as in :func:`labels`, inputs from a rotation
    (:func:`orthogonal_matrices`) or the standard basis, the initialization
    as in :func:`initializations`.  A failing example prints as a literal
    ``Problem(y, W0, signs=..., X=...)`` call.

    Parameters
    ----------
    n, m : int, (int, int) or strategy
        Number of data and width.  With a ``(min, max)`` tuple (the default
        ``(1, 5)``) every datum and neuron has its own place and shrinking can
        remove any of them, so failures shrink to the fewest data and neurons;
        a size drawn from a strategy shrinks less well.  Both are raised to
        what ``signs`` and the forced structures need.
    extra_dims : int or strategy
        ``d − n``, the input dimensions beyond the data span.
    basis : {"any", "standard", "rotated"} or strategy
        ``"standard"``: ``X = None`` (or ``np.eye(n, d)`` when ``d > n``);
        ``"rotated"``: ``X`` = ``n`` rows of a random rotation of ``R^d``.
    kind, signs, magnitudes, repeated : see :func:`labels`
    allow_zero_labels : bool or strategy
        Labels may be 0 (spec §5); the problem then allows them.
    form, two_phase, zero_rows, zero_columns, equal_columns, coordinates, neuron_signs : see :func:`initializations`
        When ``two_phase`` and ``zero_rows`` are both drawn true,
        ``two_phase`` wins (they exclude each other).

    Returns
    -------
    SearchStrategy[Problem]

    Examples
    --------
    >>> from hypothesis import Phase, find, settings
    >>> first = settings(phases=[Phase.generate], database=None)
    >>> find(problems(), lambda p: True, settings=first)  # the simplest problem
    Problem(n=1, d=1, m=1, standard basis, labels +1/-0, neurons +1/-0)
    >>> from limitproc import Mask, limit_process, two_phase as closed_forms
    >>> p = find(problems(n=3, signs="mixed", two_phase=True, kind="string"), lambda p: True, settings=first)
    >>> p
    Problem(n=3, d=3, m=2, standard basis, labels +2/-1, neurons +1/-1)
    >>> closed_forms(p, Mask(p)).condition, limit_process(p, exact=True).K
    (True, 2)
    """
    n, m = _sizes(n, "n", 1), _sizes(m, "m", 1)
    for name, value, check, extra in (
        ("extra_dims", extra_dims, _size, (0,)), ("basis", basis, _choice, (BASES,)),
        ("kind", kind, _choice, (LABEL_KINDS,)), ("signs", signs, _choice, (LABEL_SIGNS,)),
        ("form", form, _choice, (FORMS,)), ("neuron_signs", neuron_signs, _choice, (LABEL_SIGNS,)),
    ):
        _eager(value, check, name, *extra)
    flags = dict(
        repeated=repeated, allow_zero_labels=allow_zero_labels, two_phase=two_phase, zero_rows=zero_rows,
        zero_columns=zero_columns, equal_columns=equal_columns,
    )
    for name, value in flags.items():
        _eager(value, _flag, name)
    if two_phase is True and zero_rows is True:
        raise InvalidArgument("two_phase=True (seed 000 Assumption 3) leaves no zero row: zero_rows must be False")
    magnitudes = label_magnitudes() if magnitudes is None else magnitudes
    return _problems(
        n, m, _strategy(extra_dims), _strategy(basis), _strategy(kind), _strategy(signs),
        magnitudes, _strategy(repeated), _strategy(allow_zero_labels), _strategy(form), _strategy(two_phase),
        _strategy(zero_rows), _strategy(zero_columns), _strategy(equal_columns), coordinates, _strategy(neuron_signs),
    )
