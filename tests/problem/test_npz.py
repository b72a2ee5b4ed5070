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


def _zip(path, members):
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _npy(array):
    import io

    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _header(descr, shape, data=b""):
    import io

    from numpy.lib import format as npy_format

    buffer = io.BytesIO()
    npy_format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue() + data


def test_members_are_checked_from_their_header_before_their_data(tmp_path, monkeypatch):
    """A member declaring 10^12 float64 is refused from its header alone,
    naming the key and the declared shape (no 7 TiB allocation)."""
    import pickle

    from limitproc.errors import FileFormatError, SizeError
    from numpy.lib import format as npy_format

    monkeypatch.setattr(npy_format, "read_array", lambda *a, **k: pytest.fail("data read before the header check"))
    huge = _zip(tmp_path / "huge.npz", {"y.npy": _header("<f8", (10**12,), b"\0" * 64)})
    with pytest.raises(FileFormatError, match=r"key 'y' is truncated: its header declares shape \(1000000000000,\)"):
        load_arrays(huge)
    objects = _zip(tmp_path / "objects.npz", {"y.npy": _header("|O", (3,), pickle.dumps([1, 2, 3]))})
    with pytest.raises(FileFormatError, match="holds Python objects"):
        load_arrays(objects)
    raw = _zip(tmp_path / "raw.npz", {"y.npy": pickle.dumps([1, 2, 3])})
    with pytest.raises(FileFormatError, match="not a .npy array: it holds a raw Python pickle"):
        load_arrays(raw)
    monkeypatch.undo()
    # a size that matches the member but not the memory available
    from limitproc import arguments

    monkeypatch.setattr(arguments, "memory_limit", lambda: 1000)
    big = _zip(tmp_path / "big.npz", {"y.npy": _npy(np.zeros(1000))})
    with pytest.raises(SizeError, match=r"key 'y' \(its header declares shape \(1000,\), dtype float64"):
        load_arrays(big)


def test_truncated_members_and_files_that_are_not_archives(tmp_path):
    import gzip

    from limitproc.errors import FileFormatError

    cut = _zip(tmp_path / "cut.npz", {"y.npy": _npy(np.arange(100.0))[:300]})
    with pytest.raises(FileFormatError, match="truncated"):
        load_arrays(cut)
    text = tmp_path / "text.npz"
    text.write_text("1, 2, 3\n")
    with pytest.raises(FileFormatError, match="text file"):
        load_arrays(text)
    packed = tmp_path / "packed.npz"
    with gzip.open(packed, "wb") as handle:
        handle.write(b"data")
    with pytest.raises(FileFormatError, match="gzip"):
        load_arrays(packed)


def test_only_the_keys_limitproc_reads_are_loaded(tmp_path):
    import pickle

    path = _zip(tmp_path / "extra.npz", {"y.npy": _npy(np.ones(2)), "W0.npy": _npy(np.eye(2)),
                                         "signs.npy": _npy(np.ones(2)), "notes.npy": pickle.dumps("never read")})
    assert load_problem(path).n == 2
    assert set(load_arrays(path, keys=["y", "W0"])) == {"y", "W0"}


def test_loading_changes_nothing_and_reads_file_objects(tmp_path):
    path = save(tmp_path, **sample_dataset(4, 3, seed=1))
    before = path.read_bytes()
    with open(path, "rb") as handle:
        problem = load_problem(handle)
    assert problem.n == 4 and path.read_bytes() == before


def test_seed_defaults_to_zero_and_is_checked(tmp_path):
    from limitproc.errors import ArgumentError, ArgumentTypeError

    path = save(tmp_path, y=np.array([1.0, -2.0, 3.0]))
    assert np.array_equal(load_problem(path, width=4).directions, load_problem(path, width=4, seed=0).directions)
    with pytest.raises(ArgumentError, match="seed must be an integer >= 0, got -1"):
        load_problem(path, width=4, seed=-1)
    with pytest.raises(ArgumentTypeError, match="width must be an integer"):
        load_problem(path, width=2.5)


def test_load_problem_keeps_float64_arrays_and_never_normalizes_them(tmp_path, monkeypatch):
    """The float64 arrays read from the file are kept (read-only, no copy of
    W0), and predicting on the standard basis never computes the dense
    directions (issue 16: memory of the inputs only)."""
    import limitproc.problem.npz as npz
    from limitproc import predict

    read = []
    stored = npz._read_stored
    monkeypatch.setattr(npz, "_read_stored", lambda *args: read.append(stored(*args)) or read[-1])
    path = tmp_path / "data.npz"
    np.savez(path, **sample_dataset(50, 6, basis=True, seed=3))
    p = load_problem(path)
    assert any(array is p.weights for array in read) and not p.weights.flags.writeable
    result = predict(p)
    assert p._directions is None and p._coordinates is None
    expected = predict(Problem(p.y, np.array(p.weights), a0=np.load(path)["a0"]))
    assert result.process.K == expected.process.K
    assert result.to_dict() == expected.to_dict()


def test_stored_members_read_directly_match_numpy(tmp_path):
    """Uncompressed members are read straight into their arrays (a CRC-32
    check included); compressed ones through numpy: the same arrays as
    numpy.load, in every layout and dtype."""
    rng = np.random.default_rng(0)
    arrays = {"a": rng.standard_normal((3, 4)), "b": np.asfortranarray(rng.standard_normal((5, 3))),
              "c": np.arange(10, dtype=">i4"), "d": np.array(["x", "yy"]), "e": np.zeros((0, 3)),
              "f": np.array(3.5), "g": np.ones(7, dtype=np.float32)}
    for save in (np.savez, np.savez_compressed):
        path = tmp_path / f"{save.__name__}.npz"
        save(path, **arrays)
        got = load_arrays(path)
        for key, value in arrays.items():
            assert got[key].dtype == value.dtype and got[key].shape == value.shape
            np.testing.assert_array_equal(got[key], value)
