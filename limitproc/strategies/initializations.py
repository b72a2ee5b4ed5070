"""Balanced initializations drawn in data coordinates, with forced structures (spec §4–§5)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ._common import (
    _CODES,
    FORMS,
    LABEL_SIGNS,
    _choice,
    _decode,
    _eager,
    _flag,
    _kept,
    _places,
    _sizes,
    _strategy,
    _used,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike, NDArray

__all__ = ["Initialization", "initializations"]


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

    W0: NDArray[np.float64]
    signs: NDArray[np.int_]
    a0: NDArray[np.float64] | None
    coordinates: NDArray[np.int_]

    def kwargs(self) -> dict[str, NDArray[np.float64] | NDArray[np.int_]]:
        """Keyword arguments for :class:`~limitproc.problem.Problem`:
        ``W0`` and either ``a0`` or ``signs``.

        Returns
        -------
        dict of str to ndarray

        Examples
        --------
        >>> C = np.array([[1, 1], [1, -1]])
        >>> init = Initialization(C.astype(float), np.array([1, -1]), None, C)
        >>> sorted(init.kwargs())
        ['W0', 'signs']
        """
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
    y: Sequence[float | str | Fraction] | NDArray[Any],
    m: int | tuple[int, int] | SearchStrategy[int],
    *,
    X: ArrayLike | None = None,
    form: Literal["signs", "a0"] | SearchStrategy[str] = "signs",
    two_phase: bool | SearchStrategy[bool] = False,
    zero_rows: bool | SearchStrategy[bool] = False,
    zero_columns: bool | SearchStrategy[bool] = False,
    equal_columns: bool | SearchStrategy[bool] = False,
    coordinates: SearchStrategy[int] | None = None,
    neuron_signs: Literal["any", "mixed", "positive", "negative"] | SearchStrategy[str] = "any",
) -> SearchStrategy[Initialization]:
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
        list(y), X, m, _strategy(form), _strategy(two_phase), _strategy(zero_rows), _strategy(zero_columns),
        _strategy(equal_columns), coordinates, _strategy(neuron_signs),
    )
