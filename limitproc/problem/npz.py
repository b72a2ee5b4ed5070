"""Reading problems from npz files (format: ``docs/formats.md``).

Keys: ``y`` (n labels, required), ``X`` (n×d orthonormal rows; absent means
the standard basis of ``R^n``), ``W0`` (m×d initial hidden weights) and
``a0`` (balanced output weights) or ``signs`` (±1).  Files are read with
``allow_pickle=False``: object arrays are refused.
"""

import zipfile

import numpy as np

from ..errors import InputError, MissingKeyError
from .problem import DEFAULT_TOL, Problem
from .sampling import random_initialization

__all__ = ["KEYS", "load_arrays", "load_problem"]

#: The npz keys limitproc reads, and what each holds.
KEYS = {
    "y": "labels, shape (n,); numbers, or strings such as '1/3' for exact labels",
    "X": "inputs with orthonormal rows, shape (n, d); absent: the standard basis of R^n",
    "W0": "initial hidden weights, shape (m, d); absent: sample with --width M --seed S",
    "a0": "initial output weights, shape (m,), balanced: |a0_j| = ||W0_j||",
    "signs": "output signs, shape (m,), each +1 or -1 (instead of a0)",
}


def load_arrays(path):
    """Every array of an npz file, read without pickle."""
    try:
        archive = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise InputError(f"{path}: not a readable npz file ({exc})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise InputError(f"{path}: holds a single array, not an npz archive with keys {', '.join(KEYS)}")
    arrays = {}
    with archive:
        for key in archive.files:
            try:
                arrays[key] = archive[key]
            except ValueError:
                raise InputError(
                    f"{path}: key '{key}' holds Python objects; only numeric or string arrays are read (allow_pickle=False)"
                ) from None
            except (OSError, zipfile.BadZipFile, EOFError) as exc:
                raise InputError(f"{path}: key '{key}' cannot be read ({exc})") from None
    return arrays


def load_problem(path, *, width=None, seed=None, tol=DEFAULT_TOL, allow_zero_labels=False):
    """A validated :class:`~limitproc.problem.Problem` from an npz file.

    When the file has no ``W0``, ``width`` neurons are sampled with
    :func:`~limitproc.problem.sampling.random_initialization` from ``seed``.
    """
    arrays = load_arrays(path)
    present = ", ".join(sorted(arrays)) or "none"
    if "y" not in arrays:
        raise MissingKeyError(f"{path}: missing key 'y' (the labels); keys present: {present}")
    for key in ("y", "X", "W0", "a0", "signs"):
        if key in arrays and arrays[key].dtype.kind not in "biuf" + ("US" if key == "y" else ""):
            raise InputError(f"{path}: key '{key}' has dtype {arrays[key].dtype}; real numbers are needed")
    if "W0" in arrays:
        if width is not None:
            raise InputError(f"{path} has an initialization W0; --width/--seed would ignore it: drop them")
        if "a0" not in arrays and "signs" not in arrays:
            raise MissingKeyError(f"{path}: key 'W0' needs output signs: add 'a0' (balanced) or 'signs'; keys present: {present}")
        W0, a0, signs = arrays["W0"], arrays.get("a0"), arrays.get("signs")
    else:
        if width is None:
            raise MissingKeyError(
                f"{path}: missing key 'W0' (the initialization); keys present: {present}; "
                "pass --width M --seed S to sample one"
            )
        stray = [key for key in ("a0", "signs") if key in arrays]
        if stray:
            raise InputError(f"{path}: key '{stray[0]}' given without 'W0': add W0 or remove it")
        if width < 1:
            raise InputError(f"--width must be at least 1, got {width}")
        X = arrays.get("X")
        d = len(arrays["y"]) if X is None or np.ndim(X) != 2 else X.shape[1]
        W0, signs = random_initialization(width, d, np.random.default_rng(seed))
        a0 = None
    return Problem(
        arrays["y"], W0, a0=a0, signs=signs, X=arrays.get("X"), tol=tol, allow_zero_labels=allow_zero_labels
    )
