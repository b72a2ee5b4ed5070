"""Reading problems from npz files (format: ``docs/formats.md``).

Keys: ``y`` (n labels, required), ``X`` (n×d orthonormal rows; absent means
the standard basis of ``R^n``), ``W0`` (m×d initial hidden weights) and
``a0`` (balanced output weights) or ``signs`` (±1).

An npz file is a zip archive of ``.npy`` members.  Each member is read in
two steps: its ``.npy`` header first (:mod:`numpy.lib.format`), whose
declared shape and dtype are checked against the member's size, the
machine's memory and the dtypes limitproc reads; then its data, without
pickle.  A file that is not a zip archive (text, gzip, a single ``.npy``, a
pickle), a member that is a raw pickle or holds Python objects, a truncated
or corrupt member and an array too large to load are each refused with
one line naming the file, the key and what was found.
"""

from __future__ import annotations

import math
import os
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable
from typing import IO, Any

import numpy as np
from numpy.lib import format as npy_format

from ..arguments import check_bool, check_int, check_memory
from ..errors import (
    ArgumentTypeError,
    FileFormatError,
    InputError,
    MissingKeyError,
    ShapeError,
)
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

#: dtype kinds read for each key: booleans, integers and floats; strings for
#: the labels (exact values such as "1/3").
_KINDS = {"y": "biufUS", "X": "biuf", "W0": "biuf", "a0": "biuf", "signs": "biuf"}

_KIND_NAMES = {"b": "booleans", "i": "integers", "u": "integers", "f": "floats", "c": "complex numbers",
               "U": "strings", "S": "byte strings", "O": "Python objects", "V": "raw records",
               "M": "dates", "m": "time deltas"}

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

#: Errors a corrupt zip member can raise while it is decompressed.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


def _shown(path):
    text = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else repr(path)
    return text if text.isprintable() else repr(text)


def _size(count):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if count < 1024 or unit == "EiB":
            return f"{count} bytes" if unit == "bytes" else f"{count:.3g} {unit}"
        count /= 1024
    return ""  # pragma: no cover


def _what_file(head):
    """What a file that is not a zip archive holds, from its first bytes."""
    if not head:
        return "the file is empty"
    if head.startswith(npy_format.MAGIC_PREFIX):
        return None  # a single .npy array: said by the caller
    if head.startswith(b"\x1f\x8b"):
        return "it is gzip-compressed data; decompress it (gunzip) or write the arrays with numpy.savez"
    if head[:1] == b"\x80" and len(head) > 1 and head[1] <= 5:
        return "it is a Python pickle, which is never loaded; write the arrays with numpy.savez"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "it starts with the bytes " + " ".join(f"{b:02x}" for b in head[:8]) + ", not a zip archive"
    if all(c.isprintable() or c in "\t\r\n" for c in text):
        start = text.strip().splitlines()[0][:20] if text.strip() else ""
        return f"it is a text file (starting {start!r}); write the arrays with numpy.savez"
    return "it starts with the bytes " + " ".join(f"{b:02x}" for b in head[:8]) + ", not a zip archive"


def _what_member(head):
    """What a zip member that is not a ``.npy`` array holds."""
    if not head:
        return "an empty member"
    if head[:1] == b"\x80":
        return "a raw Python pickle, which is never loaded"
    if head.startswith(b"\x1f\x8b"):
        return "gzip-compressed data"
    return "bytes " + " ".join(f"{b:02x}" for b in head[:8])


def _header(member):
    """``(shape, fortran_order, dtype)`` from the ``.npy`` header of an open member."""
    version = npy_format.read_magic(member)
    if version == (1, 0):
        return npy_format.read_array_header_1_0(member)
    if version in ((2, 0), (3, 0)):  # 3.0 differs only by UTF-8 field names
        return npy_format.read_array_header_2_0(member)
    raise ValueError(f".npy format version {version[0]}.{version[1]} is not supported")


def _read_member(archive, info, key, where, kinds):
    """The array of one member, after its header has been checked."""
    prefix = f"{where}: key '{key}'"
    try:
        with archive.open(info) as member:
            head = member.read(len(npy_format.MAGIC_PREFIX))
            if head != npy_format.MAGIC_PREFIX:
                raise FileFormatError(f"{prefix} is not a .npy array: it holds {_what_member(head)}")
            with archive.open(info) as again:
                try:
                    shape, _, dtype = _header(again)
                except _READ_ERRORS:
                    raise
                except Exception as exc:  # noqa: BLE001 - numpy's parser of untrusted text raises many kinds
                    why = (str(exc).splitlines() or [type(exc).__name__])[0]
                    raise FileFormatError(f"{prefix} has a malformed .npy header ({why})") from None
                data_bytes = info.file_size - again.tell()
    except _READ_ERRORS as exc:
        raise FileFormatError(f"{prefix} cannot be read: the member is corrupt ({exc})") from None
    if dtype.hasobject:
        raise FileFormatError(
            f"{prefix} holds Python objects (dtype {dtype}); only numeric or string arrays are read "
            "(allow_pickle=False)"
        )
    if kinds is not None and dtype.kind not in kinds:
        needed = "real numbers" + (" or strings" if "U" in kinds else "")
        raise InputError(
            f"{where}: key '{key}' has dtype {dtype} ({_KIND_NAMES.get(dtype.kind, 'other values')}); {needed} are needed"
        )
    if any(s < 0 for s in shape):
        raise FileFormatError(f"{prefix} declares an invalid shape {shape}")
    count = math.prod(shape)
    nbytes = count * dtype.itemsize
    declared = f"shape {shape}, dtype {dtype} ({_size(nbytes)})"
    if nbytes > data_bytes:
        raise FileFormatError(
            f"{prefix} is truncated: its header declares {declared} but the member holds "
            f"{_size(max(data_bytes, 0))} of data"
        )
    check_memory(nbytes, f"{prefix} (its header declares {declared})")
    try:
        with archive.open(info) as member:
            return npy_format.read_array(member, allow_pickle=False)
    except ValueError as exc:
        raise FileFormatError(f"{prefix} is truncated or corrupt ({str(exc).splitlines()[0]})") from None
    except _READ_ERRORS as exc:
        raise FileFormatError(f"{prefix} cannot be read: the member is corrupt ({exc})") from None


def _open(path):
    """An open binary handle on ``path`` (a path or a readable file object)."""
    if hasattr(path, "read") and hasattr(path, "seek"):
        return path, False
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise ArgumentTypeError(f"path must be a file path or a binary file object, got {type(path).__name__}")
    where = _shown(path)
    try:
        return open(path, "rb"), True
    except FileNotFoundError:
        raise InputError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{where}: is a folder, not an npz file") from None
    except PermissionError:
        raise InputError(f"{where}: permission denied") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{where}: cannot be opened ({getattr(exc, 'strerror', None) or exc})") from None


def _load(path, kinds=None):
    """``{key: array}`` for the keys of ``kinds`` (``None``: every member)."""
    where = _shown(getattr(path, "name", path))
    handle, own = _open(path)
    try:
        try:
            head = handle.read(8)
            handle.seek(0)
        except (OSError, ValueError) as exc:
            raise InputError(f"{where}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
        if not head.startswith(_ZIP_MAGIC):
            what = _what_file(head)
            if what is None:
                raise FileFormatError(
                    f"{where}: holds a single array (a .npy file), not an npz archive with keys {', '.join(KEYS)}"
                )
            raise FileFormatError(f"{where}: not a readable npz file: {what}")
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            raise FileFormatError(f"{where}: not a readable npz file: a damaged zip archive ({exc})") from None
        with archive:
            members = {}
            counts = Counter()
            for info in archive.infolist():
                if info.is_dir():
                    continue
                key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
                counts[key] += 1
                members[key] = info
            duplicated = sorted(k for k, c in counts.items() if c > 1 and (kinds is None or k in kinds))
            if duplicated:
                raise FileFormatError(f"{where}: key '{duplicated[0]}' appears more than once in the archive")
            wanted = members if kinds is None else {k: v for k, v in members.items() if k in kinds}
            arrays = {key: _read_member(archive, info, key, where, None if kinds is None else kinds[key])
                      for key, info in wanted.items()}
            arrays["__keys__"] = sorted(members)
            return arrays
    finally:
        if own:
            handle.close()


def load_arrays(path: str | bytes | os.PathLike[str] | IO[bytes], keys: Iterable[str] | None = None) -> dict[str, np.ndarray[Any, Any]]:
    """Arrays of an npz file, read without pickle, each member's header
    checked before its data (module docstring).

    Parameters
    ----------
    path : str, path-like or binary file object
        The npz file.
    keys : iterable of str, optional
        Read only these keys (default: every member).

    Returns
    -------
    dict of str to numpy.ndarray

    Raises
    ------
    InputError
        The file cannot be opened or read.
    FileFormatError
        It is not an npz archive of numeric or string arrays, or a member is
        truncated, corrupt, duplicated or holds Python objects.
    SizeError
        A member declares more bytes than the memory available.

    Examples
    --------
    >>> import io
    >>> buffer = io.BytesIO()
    >>> np.savez(buffer, y=np.array([1.0, -2.0]), note=np.array(["kept"]))
    >>> _ = buffer.seek(0)
    >>> arrays = load_arrays(buffer)
    >>> sorted(arrays), arrays["y"]
    (['note', 'y'], array([ 1., -2.]))
    """
    kinds = None if keys is None else {key: None for key in keys}
    arrays = _load(path, kinds)
    arrays.pop("__keys__")
    return arrays


def load_problem(
    path: str | bytes | os.PathLike[str] | IO[bytes],
    *,
    width: int | None = None,
    seed: int | None = None,
    tol: float = DEFAULT_TOL,
    allow_zero_labels: bool = False,
) -> Problem:
    """A validated :class:`~limitproc.problem.Problem` from an npz file.

    When the file has no ``W0``, ``width`` neurons are sampled with
    :func:`~limitproc.problem.sampling.random_initialization` from ``seed``
    (default 0).  Keys other than those of :data:`KEYS` are not read.

    Parameters
    ----------
    path : str, path-like or binary file object
        The npz file (keys: :data:`KEYS`, ``docs/formats.md``).
    width : int, optional
        Number of neurons to sample when the file has no ``W0`` (refused
        when it has one).
    seed : int, optional
        Seed of the sampled initialization (default 0).
    tol : float
        Tolerance of :class:`~limitproc.problem.Problem`.
    allow_zero_labels : bool
        Accept zero labels (:class:`~limitproc.problem.Problem`).

    Returns
    -------
    Problem

    Raises
    ------
    MissingKeyError
        No ``y``; no ``W0`` and no ``width``; a ``W0`` without ``a0`` or
        ``signs``.
    ShapeError, InputError
        Arrays of the wrong shape or type, or ``width`` given with a ``W0``
        (and everything :class:`~limitproc.problem.Problem` refuses).
    FileFormatError, SizeError
        As for :func:`load_arrays`.

    Examples
    --------
    >>> import io
    >>> buffer = io.BytesIO()
    >>> np.savez(buffer, y=np.array([1.0, -2.0]))
    >>> _ = buffer.seek(0)
    >>> load_problem(buffer, width=3, seed=1)
    Problem(n=2, d=2, m=3, standard basis, labels +1/-1, neurons +1/-2)
    """
    if width is not None:
        width = check_int(width, "width", minimum=1)
    if seed is not None:
        seed = check_int(seed, "seed", minimum=0)
    check_bool(allow_zero_labels, "allow_zero_labels")
    arrays = _load(path, _KINDS)
    where = _shown(getattr(path, "name", path))
    present = ", ".join(arrays.pop("__keys__")) or "none"
    if "y" not in arrays:
        raise MissingKeyError(f"{where}: missing key 'y' (the labels); keys present: {present}")
    y = arrays["y"]
    if y.ndim != 1:
        raise ShapeError(f"{where}: key 'y' must be 1-dimensional (n labels), got shape {y.shape}")
    if y.size == 0:
        raise ShapeError(f"{where}: key 'y' is empty: at least one datum is needed")
    if "W0" in arrays:
        if width is not None:
            raise InputError(f"{where} has an initialization W0; --width/--seed would ignore it: drop them")
        if "a0" not in arrays and "signs" not in arrays:
            raise MissingKeyError(f"{where}: key 'W0' needs output signs: add 'a0' (balanced) or 'signs'; keys present: {present}")
        W0, a0, signs = arrays["W0"], arrays.get("a0"), arrays.get("signs")
    else:
        if width is None:
            raise MissingKeyError(
                f"{where}: missing key 'W0' (the initialization); keys present: {present}; "
                "pass --width M --seed S to sample one"
            )
        stray = [key for key in ("a0", "signs") if key in arrays]
        if stray:
            raise InputError(f"{where}: key '{stray[0]}' given without 'W0': add W0 or remove it")
        X = arrays.get("X")
        d = len(y) if X is None or X.ndim != 2 else X.shape[1]
        if d < 1:
            raise ShapeError(f"{where}: key 'X' has shape {X.shape}: the inputs need at least one dimension")
        check_memory(3 * 8 * width * max(d, 1), f"sampling --width {width} neurons in dimension {d}")
        W0, signs = random_initialization(width, d, np.random.default_rng(0 if seed is None else seed))
        a0 = None
    return Problem(y, W0, a0=a0, signs=signs, X=arrays.get("X"), tol=tol, allow_zero_labels=allow_zero_labels)
