"""Tests of the public strategies themselves (limitproc/strategies.py)."""

import os
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from limitproc import Mask, Problem, limit_process, two_phase
from limitproc.strategies import (
    Initialization,
    initializations,
    label_magnitudes,
    labels,
    orthogonal_matrices,
    orthonormal_inputs,
    problems,
)

#: Hypothesis's own defaults (100 examples, deadline, every health check),
#: whatever profile tests/conftest.py loaded.
DEFAULT = settings.get_profile("default")
#: No shrinking: ``find`` returns the first match (the simplest value for ``lambda v: True``).
FIRST = settings(phases=[Phase.generate], database=None)
#: Shrinking from scratch (``find`` would otherwise replay its saved example).
FRESH = settings(database=None, max_examples=2000, deadline=None)


def exact(values):
    return [Fraction(v) for v in values]


# ---------------------------------------------------------------- inputs


@given(orthogonal_matrices(st.integers(0, 9)))
def test_orthogonal_matrices_are_orthogonal(Q):
    d = Q.shape[0]
    assert Q.shape == (d, d)
    np.testing.assert_allclose(Q @ Q.T, np.eye(d), rtol=0, atol=1e-14)


@given(st.data())
def test_orthonormal_inputs(data):
    n = data.draw(st.integers(0, 6), label="n")
    d = data.draw(st.none() | st.integers(n, n + 3), label="d")
    allow = data.draw(st.booleans(), label="standard_basis")
    X = data.draw(orthonormal_inputs(n, d, standard_basis=allow), label="X")
    if X is None:
        assert allow and (d is None or d == n)
        return
    assert X.shape[0] == n and (X.shape[1] == d if d is not None else n <= X.shape[1] <= n + 2)
    np.testing.assert_allclose(X @ X.T, np.eye(n), rtol=0, atol=1e-14)


def test_inputs_shrink_to_the_standard_basis():
    assert find(orthonormal_inputs(4), lambda X: True, settings=FIRST) is None
    X = find(orthonormal_inputs(2, 3, standard_basis=False), lambda X: True, settings=FIRST)
    assert X.tolist() == [[1, 0, 0], [0, 1, 0]]
    Q = find(orthogonal_matrices(3), lambda Q: Q[0, 0] != 1, settings=FRESH)  # shrinks to a signed permutation
    assert sorted(np.abs(Q).ravel().tolist()) == [0.0] * 6 + [1.0] * 3


# ---------------------------------------------------------------- labels


@given(st.data())
def test_labels(data):
    signs = data.draw(st.sampled_from(["any", "mixed", "positive", "negative"]), label="signs")
    kind = data.draw(st.sampled_from(["float", "fraction", "string"]), label="kind")
    allow_zero = data.draw(st.booleans(), label="allow_zero")
    repeated = data.draw(st.booleans(), label="repeated")
    n = data.draw(st.integers({"mixed": 2, "any": 0}.get(signs, 1), 8), label="n")
    y = data.draw(labels(n, signs=signs, kind=kind, allow_zero=allow_zero, repeated=repeated), label="y")
    assert len(y) == n
    if kind == "float":
        assert isinstance(y, np.ndarray) and y.dtype == float
    else:
        assert all(isinstance(v, Fraction if kind == "fraction" else str) for v in y)
    values = exact(y) if kind != "float" else [Fraction(float(v)) for v in y]
    assert allow_zero or all(values)
    if signs == "mixed":
        assert any(v > 0 for v in values) and any(v < 0 for v in values)
    if signs == "positive":
        assert all(v >= 0 for v in values) and any(values)
    if signs == "negative":
        assert all(v <= 0 for v in values) and any(values)
    if repeated and n >= 2 and all(values):  # (zero labels replace drawn magnitudes)
        magnitudes = [abs(v) for v in values]
        assert len(set(magnitudes)) < n
    if n:  # accepted by the library as they are
        Problem(y, np.ones((1, n)), signs=[1], allow_zero_labels=True)


def test_labels_start_from_ones():
    assert find(labels(3, signs="mixed", kind="string"), lambda y: True, settings=FIRST) == ["1", "-1", "1"]
    assert find(label_magnitudes(), lambda v: True, settings=FIRST) == Fraction(1)


@pytest.mark.slow
def test_labels_shrink_to_small_integers():
    assert find(label_magnitudes(), lambda v: v > 1, settings=FRESH) == Fraction(2)
    y = find(labels((1, 6), kind="fraction"), lambda y: any(v.denominator > 1 for v in y), settings=FRESH)
    assert y == [Fraction(1, 2)]


# ---------------------------------------------------------------- initializations


@given(st.data())
def test_initializations_build_the_requested_structure(data):
    y = data.draw(labels(st.integers(2, 6), allow_zero=st.booleans()), label="y")
    basis = data.draw(st.sampled_from(["standard", "rotated"]), label="basis")
    X = None if basis == "standard" else data.draw(orthonormal_inputs(len(y), standard_basis=False), label="X")
    nonzero = int(np.count_nonzero(y))
    two = data.draw(st.booleans(), label="two_phase")
    rows = nonzero >= 2 and not two and data.draw(st.booleans(), label="zero_rows")
    cols = data.draw(st.booleans(), label="zero_columns")
    equal = nonzero >= 1 + rows and data.draw(st.booleans(), label="equal_columns")
    form = data.draw(st.sampled_from(["signs", "a0"]), label="form")
    neuron_signs = data.draw(st.sampled_from(["any", "mixed", "positive", "negative"]), label="neuron_signs")
    width = data.draw(st.sampled_from([3, (1, 5), st.integers(1, 5)]), label="m")
    init = data.draw(
        initializations(y, width, X=X, form=form, two_phase=two, zero_rows=rows,
                        zero_columns=cols, equal_columns=equal, neuron_signs=neuron_signs),
        label="init",
    )
    assert isinstance(init, Initialization)
    assert (init.a0 is not None) == (form == "a0")
    problem = Problem(y, X=X, allow_zero_labels=True, **init.kwargs())
    inputs = problem.inputs()
    np.testing.assert_allclose(init.W0 @ inputs.T, init.coordinates, rtol=0, atol=1e-12)
    assert np.all(init.coordinates != 0)
    mask = Mask(problem)
    if two:
        assert two_phase(problem, mask).condition
    if rows:
        assert mask.zero_rows.size
    if cols:
        assert mask.zero_columns.size
    if equal:
        assert mask.groups
    if neuron_signs == "mixed":
        assert set(init.signs.tolist()) == {-1, 1}
    elif neuron_signs != "any" and not (two or equal):
        assert set(init.signs.tolist()) == {1 if neuron_signs == "positive" else -1}


def test_initialization_arguments_are_checked():
    with pytest.raises(InvalidArgument, match="zero_rows"):
        initializations([1.0, -1.0], 2, two_phase=True, zero_rows=True)
    with pytest.raises(InvalidArgument, match="non-zero label"):
        initializations([0.0, 0.0], 2, zero_rows=True)
    with pytest.raises(InvalidArgument, match="m="):
        initializations([1.0], 0)
    with pytest.raises(InvalidArgument, match="form"):
        initializations([1.0], 1, form="weights")
    with pytest.raises(InvalidArgument, match="shape"):
        initializations([1.0, 2.0], 1, X=np.eye(3))


# ---------------------------------------------------------------- problems


@given(
    problems(
        n=st.integers(1, 6),
        m=st.integers(1, 6),
        basis=st.sampled_from(["any", "standard", "rotated"]),
        kind=st.sampled_from(["float", "fraction", "string"]),
        signs=st.sampled_from(["any", "mixed", "positive", "negative"]),
        neuron_signs=st.sampled_from(["any", "mixed", "positive", "negative"]),
        repeated=st.booleans(),
        allow_zero_labels=st.booleans(),
        form=st.sampled_from(["signs", "a0"]),
        two_phase=st.booleans(),
        zero_rows=st.booleans(),
        zero_columns=st.booleans(),
        equal_columns=st.booleans(),
    )
)
def test_problems_are_valid_with_an_unambiguous_mask(problem):
    assert isinstance(problem, Problem)
    assert problem.gram_deviation <= 1e-13
    G = problem.inner_products()
    # data coordinates are non-zero integers: |<z_j, x_i>| >= 1/||c_j||, far from rounding
    assert np.abs(G).min() >= 0.5 / np.sqrt(9 * problem.n + 4 * problem.d)
    assert Mask(problem).undecided.size == 0


@given(problems(two_phase=True, signs="mixed", zero_columns=True, equal_columns=True))
def test_problems_force_the_requested_structure(problem):
    mask = Mask(problem)
    assert two_phase(problem, mask).condition
    assert mask.zero_columns.size and mask.groups
    assert limit_process(problem).K == 2


@given(problems(basis="standard", extra_dims=0, kind="string"))
def test_standard_basis_problems_have_no_X(problem):
    assert problem.X is None and problem.labels_exact


def test_problems_start_from_the_simplest():
    p = find(problems(), lambda p: True, settings=FIRST)
    assert repr(p) == "Problem(n=1, d=1, m=1, standard basis, labels +1/-0, neurons +1/-0)"


@pytest.mark.slow
@pytest.mark.parametrize("jumps, size", [(2, (2, 2)), (3, (3, 3))])
def test_failures_shrink_to_the_fewest_data_and_neurons(jumps, size):
    """Each datum and neuron has its own place, so any of them can be removed."""
    p = find(problems(basis="any"), lambda p: limit_process(p, ties="first").K >= jumps, settings=FRESH)
    assert (p.n, p.m) == size and p.X is None
    assert set(np.abs(p.y)) == {1.0}


def test_failing_examples_print_as_problem_calls():
    @settings(DEFAULT, database=None, phases=[Phase.generate, Phase.shrink])
    @given(problems())
    def inner(problem):
        assert problem.n < 2

    with pytest.raises(AssertionError) as info:
        inner()
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "problem=Problem([1.0, 1.0], [[1, 1]], signs=[1])" in notes, notes


def test_problem_arguments_are_checked():
    with pytest.raises(InvalidArgument, match="zero_rows"):
        problems(two_phase=True, zero_rows=True)
    with pytest.raises(InvalidArgument, match="basis"):
        problems(basis="skewed")
    with pytest.raises(InvalidArgument, match="kind"):
        labels(3, kind="decimal")
    with pytest.raises(InvalidArgument, match="mixed"):
        labels(1, signs="mixed")
    with pytest.raises(InvalidArgument, match="d=2 < n=3"):
        orthonormal_inputs(3, 2)

    @settings(DEFAULT, database=None)
    @given(problems(n=st.just(0)))
    def drawn(problem):
        pass

    with pytest.raises(InvalidArgument, match="n=0"):
        drawn()


# ---------------------------------------------------------------- default settings, outside use


@pytest.mark.parametrize(
    "strategy",
    [
        problems(),
        problems(n=st.integers(1, 8), m=st.integers(1, 8), kind="string", allow_zero_labels=True, repeated=True),
        problems(two_phase=True, zero_columns=True, equal_columns=True, form="a0", basis="rotated"),
        problems(zero_rows=True, equal_columns=True, signs="negative", extra_dims=3),
        labels(st.integers(0, 10), signs="any", allow_zero=True, repeated=st.booleans()),
        orthonormal_inputs(st.integers(0, 8)),
    ],
    ids=["problems", "exact-ties", "two-phase", "zero-rows", "labels", "inputs"],
)
def test_hypothesis_default_settings_pass_every_health_check(strategy):
    @settings(DEFAULT, database=None)
    @given(strategy)
    def inner(value):
        pass

    inner()


OUTSIDE_TEST = '''
from hypothesis import given, strategies as st
from limitproc import certify, limit_process
from limitproc.strategies import initializations, labels, problems


@given(problems(kind="string", allow_zero_labels=True, zero_columns=st.booleans()))
def test_outside(problem):
    assert certify(limit_process(problem)).ok


@given(st.data())
def test_composed(data):
    y = data.draw(labels(3, signs="mixed"))
    init = data.draw(initializations(y, 2, two_phase=True))
    assert limit_process(__import__("limitproc").Problem(y, **init.kwargs())).K == 2
'''


def test_strategies_work_from_an_outside_test_file(tmp_path):
    (tmp_path / "test_outside.py").write_text(textwrap.dedent(OUTSIDE_TEST))
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_PROFILE"}
    # the package under test, whether or not (and wherever) it is installed
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_outside.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
