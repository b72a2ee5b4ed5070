"""Validation at the boundary (spec §1, §5): every bad input is refused with
a message that names the quantity, and nothing passed in is modified."""

from fractions import Fraction

import numpy as np
import pytest

from limitproc import (
    InputError,
    NonFiniteError,
    OrthonormalityError,
    Problem,
    ShapeError,
    ZeroLabelError,
)
from limitproc.errors import SignUndecidedError


def test_directions_and_signs_from_balanced_a0():
    W0 = np.array([[3.0, 4.0], [0.0, -2.0]])
    p = Problem([1.0, -1.0], W0, a0=[-5.0, 2.0])
    np.testing.assert_allclose(p.directions, [[0.6, 0.8], [0.0, -1.0]])
    assert p.signs.tolist() == [-1, 1]
    np.testing.assert_allclose(p.init_norms, [5.0, 2.0])
    assert p.standard_basis and (p.n, p.m, p.d) == (2, 2, 2)


def test_arrays_are_copied_and_read_only():
    y = np.array([1.0, 2.0])
    W0 = np.array([[1.0, 0.0]])
    p = Problem(y, W0, signs=[1])
    y[0] = 99.0
    W0[0, 0] = 5.0
    assert p.y[0] == 1.0 and p.directions[0, 0] == 1.0
    with pytest.raises(ValueError):
        p.y[0] = 3.0
    with pytest.raises(AttributeError):
        p.tol = 1.0


def test_read_only_float64_inputs_are_kept_without_a_copy():
    """A read-only float64 array owning its memory (what load_problem reads)
    is kept as given; a writeable one, or a read-only view of a writeable
    one, is copied.  The directions are computed on first use, the same as
    W0 / ||W0_j||, and a pickled problem does not carry them."""
    import pickle

    W0 = np.array([[3.0, 4.0, 0.0], [0.0, -2.0, 1.0]])
    W0.flags.writeable = False
    p = Problem([1.0, -1.0, 2.0], W0, signs=[1, -1])
    assert p.weights is W0 and p._directions is None
    np.testing.assert_array_equal(p.directions, W0 / p.init_norms[:, None])
    assert not p.directions.flags.writeable and p.data_coordinates() is p.directions
    clone = pickle.loads(pickle.dumps(p))
    assert clone._directions is None and np.array_equal(clone.directions, p.directions)
    writeable = np.array([[3.0, 4.0, 0.0]])
    view = writeable.view()
    view.flags.writeable = False
    for given in (writeable, view, np.asfortranarray(np.array([[3.0, 4.0, 0.0]]))):
        q = Problem([1.0, -1.0, 2.0], given, signs=[1])
        assert q.weights is not given and not q.weights.flags.writeable
    writeable[0, 0] = 5.0
    assert q.weights[0, 0] == 3.0


def test_kept_inputs_are_still_checked():
    W0 = np.array([[1.0, np.nan]])
    W0.flags.writeable = False
    with pytest.raises(NonFiniteError, match=r"W0\[0, 1\]"):
        Problem([1.0, -1.0], W0, signs=[1])
    W0 = np.array([1.0, 0.0])
    W0.flags.writeable = False
    with pytest.raises(ShapeError, match="2-dimensional"):
        Problem([1.0, -1.0], W0, signs=[1])


def test_exact_labels_from_strings_and_floats():
    p = Problem(["1/3", "-0.1", "2"], np.eye(3), signs=[1, 1, 1])
    assert p.labels_exact and p.y_exact == (Fraction(1, 3), Fraction(-1, 10), Fraction(2))
    assert p.y[0] == pytest.approx(1 / 3)
    q = Problem([0.1], [[1.0]], signs=[1])
    assert not q.labels_exact and q.y_exact == (Fraction(0.1),)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(y=[[1.0, 2.0]], W0=np.eye(2), signs=[1, 1]), ShapeError, "y must be 1-dimensional"),
        (dict(y=[], W0=np.eye(2), signs=[1, 1]), ShapeError, "empty"),
        (dict(y=[1.0, np.nan], W0=np.eye(2), signs=[1, 1]), NonFiniteError, "y[1]"),
        (dict(y=[1.0, 2.0], W0=[[1.0, np.inf], [1.0, 0.0]], signs=[1, 1]), NonFiniteError, "W0[0, 1]"),
        (dict(y=[1.0, 2.0], W0=np.eye(3), signs=[1, 1, 1]), ShapeError, "W0 has shape (3, 3)"),
        (dict(y=[1.0, 2.0], W0=np.eye(2), signs=[1]), ShapeError, "signs has shape (1,)"),
        (dict(y=[1.0, 2.0], W0=np.eye(2), a0=[1.0]), ShapeError, "a0 has shape (1,)"),
        (dict(y=[1.0, 2.0], W0=np.eye(2)), InputError, "output signs are missing"),
        (dict(y=[1.0, 2.0], W0=np.eye(2), signs=[1, 0]), InputError, "signs[1] = 0"),
        (dict(y=[1.0, 2.0], W0=[[0.0, 0.0], [1.0, 0.0]], signs=[1, 1]), InputError, "W0[0] is the zero vector"),
        (dict(y=[1.0, 2.0], W0=[[3.0, 4.0], [2.0, -1.0]], a0=[5.0, -2.0]), SignUndecidedError, "unbalanced neuron 1: its growing mode vanishes"),
        (dict(y=[1.0, 2.0], W0=np.eye(2), a0=[1.0, 1.0], signs=[1, -1]), InputError, "disagree at neuron 1"),
        (dict(y=[1.0, 0.0], W0=np.eye(2), signs=[1, 1]), ZeroLabelError, "y[1] = 0"),
        (dict(y=[1.0, 2.0], W0=np.eye(2), signs=[1, 1], X=np.eye(3)), ShapeError, "X has 3 rows but y has 2"),
        (dict(y=[1.0, 2.0, 3.0], W0=np.eye(2), signs=[1, 1], X=np.ones((3, 2))), OrthonormalityError, "n = 3 rows in dimension d = 2"),
        (dict(y=["1/0"], W0=[[1.0]], signs=[1]), InputError, "not a rational number"),
        (dict(y=[1.0, 2.0], W0=np.eye(2), signs=[1, 1], X=[[1.0, 0.0], [0.1, 1.0]]), OrthonormalityError, "at (0, 1)"),
        (dict(y=[1.0, 2.0], W0=np.eye(2), signs=[1, 1], X=[[1.0, 0.0], [0.5, 1.0]], tol=0.99), OrthonormalityError, "≥ ceiling ε*"),
        (dict(y=[1.0, 2.0], W0=[["a", "b"], ["c", "d"]], signs=[1, 1]), InputError, "W0 must be an array of real numbers"),
    ],
)
def test_bad_inputs_are_named(kwargs, error, words):
    y = kwargs.pop("y")
    W0 = kwargs.pop("W0")
    with pytest.raises(error) as info:
        Problem(y, W0, **kwargs)
    assert words in str(info.value)


def test_orthonormality_error_lists_the_worst_pairs_and_sizes():
    X = np.eye(4)
    X[1, 3] = 0.03
    X[0, 2] = 0.01
    with pytest.raises(OrthonormalityError) as info:
        Problem([1.0] * 4, np.eye(4), signs=[1] * 4, X=X)
    message = str(info.value)
    assert "3.0e-02 at (1, 3)" in message and "(0, 2) 1.0e-02" in message


def test_tolerance_is_configurable():
    X = np.eye(2) + np.array([[0, 1e-7], [0, 0]])
    with pytest.raises(OrthonormalityError):
        Problem([1.0, 2.0], np.eye(2), signs=[1, 1], X=X)
    assert Problem([1.0, 2.0], np.eye(2), signs=[1, 1], X=X, tol=1e-6).gram_deviation == pytest.approx(1e-7)


def test_zero_labels_allowed_on_request():
    p = Problem([1.0, 0.0], np.eye(2), signs=[1, 1], allow_zero_labels=True)
    assert p.y[1] == 0.0
