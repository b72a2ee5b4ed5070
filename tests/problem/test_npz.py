"""Tests of limitproc.problem.npz: reading problems from npz files (docs/formats.md)
through the library API; the command-line messages and exit codes of bad
files are tested in tests/cli/test_main.py."""

from fractions import Fraction

import numpy as np
import pytest

from limitproc import InputError, Problem
from limitproc.errors import MissingKeyError
from limitproc.problem.npz import KEYS, load_arrays, load_problem
from limitproc.problem.sampling import sample_dataset
from limitproc.schema import json_number


def save(tmp_path, **arrays):
    path = tmp_path / "data.npz"
    np.savez(path, **arrays)
    return path


def test_round_trip_of_a_sampled_dataset(tmp_path):
    arrays = sample_dataset(5, 3, d=7, seed=4)
    problem = load_problem(save(tmp_path, **arrays))
    direct = Problem(**arrays)
    assert np.array_equal(problem.y, arrays["y"]) and np.array_equal(problem.X, arrays["X"])
    assert np.array_equal(problem.signs, np.sign(arrays["a0"]))
    assert problem.init_norms == pytest.approx(np.linalg.norm(arrays["W0"], axis=1), rel=1e-15)
    assert np.array_equal(problem.inner_products(), direct.inner_products())


def test_string_labels_are_read_exactly(tmp_path):
    path = save(tmp_path, y=np.array(["1/3", "-2", "0.1"]), W0=np.eye(3), signs=np.array([1, -1, 1]))
    problem = load_problem(path)
    assert problem.labels_exact
    assert problem.y_exact == (Fraction(1, 3), Fraction(-2), Fraction(1, 10))


def test_width_and_seed_sample_a_reproducible_initialization(tmp_path):
    path = save(tmp_path, y=np.array([1.0, -2.0, 0.5, 3.0]))
    first, again = load_problem(path, width=6, seed=3), load_problem(path, width=6, seed=3)
    other = load_problem(path, width=6, seed=4)
    assert first.m == 6 and first.d == 4
    assert np.array_equal(first.directions, again.directions) and np.array_equal(first.signs, again.signs)
    assert not np.array_equal(first.directions, other.directions)
    assert np.linalg.norm(first.directions, axis=1) == pytest.approx(np.ones(6))


def test_sampled_width_follows_the_input_dimension(tmp_path):
    X = np.eye(3, 5)
    problem = load_problem(save(tmp_path, y=np.ones(3), X=X), width=2, seed=0)
    assert problem.directions.shape == (2, 5)


@pytest.mark.parametrize(
    "arrays, options, error, words",
    [
        (dict(W0=np.eye(2), signs=np.ones(2)), {}, MissingKeyError, "missing key 'y'"),
        (dict(y=np.ones(2)), {}, MissingKeyError, "--width M --seed S"),
        (dict(y=np.ones(2), W0=np.eye(2)), {}, MissingKeyError, "add 'a0' (balanced) or 'signs'"),
        (dict(y=np.ones(2), W0=np.eye(2), signs=np.ones(2)), dict(width=3), InputError, "drop them"),
        (dict(y=np.ones(2), signs=np.ones(2)), dict(width=3), InputError, "'signs' given without 'W0'"),
        (dict(y=np.ones(2)), dict(width=0), InputError, "width must be an integer >= 1"),
        (dict(y=np.ones(2) + 1j, W0=np.eye(2), signs=np.ones(2)), {}, InputError, "real numbers"),
        (dict(y=np.ones(2), W0=np.array([["a", "b"], ["c", "d"]]), signs=np.ones(2)), {}, InputError,
         "key 'W0' has dtype"),
    ],
    ids=["no y", "no W0", "no signs", "width with W0", "signs without W0", "width 0", "complex", "strings"],
)
def test_bad_files_name_the_key(tmp_path, arrays, options, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        load_problem(save(tmp_path, **arrays), **options)


def test_unreadable_files(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_arrays(tmp_path / "missing.npz")
    single = tmp_path / "single.npy"
    np.save(single, np.ones(3))
    with pytest.raises(InputError, match="single array"):
        load_arrays(single)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(InputError, match="not a readable npz"):
        load_arrays(junk)
    objects = tmp_path / "objects.npz"
    np.savez(objects, y=np.array([1, "a", None], dtype=object))
    with pytest.raises(InputError, match="Python objects"):
        load_arrays(objects)


def test_keys_and_json_numbers():
    assert set(KEYS) == {"y", "X", "W0", "a0", "signs"}
    assert [json_number(v) for v in (3, -0.5, np.float32(2.0), np.inf, -np.inf, np.nan)] == [
        3.0, -0.5, 2.0, None, None, None]
