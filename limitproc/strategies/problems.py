"""Whole problems: inputs, labels and an initialization, printing as a literal ``Problem(...)``."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Literal

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..problem.problem import Problem
from ._common import (
    BASES,
    FORMS,
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
    _used,
)
from .initializations import (
    _coordinates,
    _force,
    _mix,
    _neuron_sign,
    _roles,
    _weights,
    _width,
)
from .inputs import _orthogonal
from .labels import (
    _anchors,
    _as_kind,
    _forced,
    _label_record,
    _label_values,
    _pool,
    label_magnitudes,
)

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["problems"]


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
    n: int | tuple[int, int] | SearchStrategy[int] = (1, 5),
    m: int | tuple[int, int] | SearchStrategy[int] = (1, 5),
    *,
    extra_dims: int | SearchStrategy[int] = st.integers(0, 2),
    basis: Literal["any", "standard", "rotated"] | SearchStrategy[str] = "any",
    kind: Literal["float", "fraction", "string"] | SearchStrategy[str] = "float",
    signs: Literal["any", "mixed", "positive", "negative"] | SearchStrategy[str] = "any",
    magnitudes: SearchStrategy[Fraction] | None = None,
    repeated: bool | SearchStrategy[bool] = False,
    allow_zero_labels: bool | SearchStrategy[bool] = False,
    form: Literal["signs", "a0"] | SearchStrategy[str] = "signs",
    two_phase: bool | SearchStrategy[bool] = False,
    zero_rows: bool | SearchStrategy[bool] = False,
    zero_columns: bool | SearchStrategy[bool] = False,
    equal_columns: bool | SearchStrategy[bool] = False,
    coordinates: SearchStrategy[int] | None = None,
    neuron_signs: Literal["any", "mixed", "positive", "negative"] | SearchStrategy[str] = "any",
) -> SearchStrategy[Problem]:
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
