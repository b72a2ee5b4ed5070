"""Bad and extreme inputs through the command line: a table of cases.

Every case runs ``limitproc.cli.main`` and states its exit code and a
fragment of its message.  Whatever the case, the run never exits 3, an exit 2
is one line ``limitproc: error: …`` on stderr without a traceback, and no
file (nor any temporary) is left at a requested output path after a
failure.  The atomicity cases below the table break a writer midway (a full
disk, a failing second output, a signal) and check the same.
"""

import errno
import io
import json
import os
import pickle
import signal
import subprocess
import sys
import time
import warnings
import zipfile
from dataclasses import dataclass, field

import numpy as np
import pytest
from numpy.lib import format as npy_format

from limitproc.cli import EXIT_CODES, main

GOOD = dict(y=np.array([3.0, 4.0, -2.0, -1.0]), W0=np.array([[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1.0]]),
            signs=np.array([1, 1, -1]))
#: Two neurons with the same data jump at exactly 3√2/2 (an overlapping tie).
TIE = dict(y=np.array(["1", "1", "1"]), W0=np.array([[1, 1, -1], [-1, 1, 1.0]]), signs=np.array([1, 1]))
#: Two neurons with disjoint data jump together at τ = 2 (a simultaneous jump).
DISJOINT = dict(y=np.array(["1", "1"]), W0=np.array([[1, -1], [-1, 1.0]]), signs=np.array([1, 1]))


# -- files --------------------------------------------------------------------------------------

def npz(**arrays):
    def build(path):
        with open(path, "wb") as handle:
            np.savez(handle, **arrays)
    return build


def raw(data):
    def build(path):
        with open(path, "wb") as handle:
            handle.write(data)
    return build


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def header_bytes(descr, shape, data=b"", version=(1, 0)):
    buffer = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    (npy_format.write_array_header_1_0 if version == (1, 0) else npy_format.write_array_header_2_0)(buffer, header)
    return buffer.getvalue() + data


def zipped(members, good=True):
    """An npz with ``members`` ({name: bytes}) besides, when ``good``, the
    valid arrays of GOOD that ``members`` does not replace."""
    def build(path):
        with zipfile.ZipFile(path, "w") as archive:
            if good:
                for key, array in GOOD.items():
                    if f"{key}.npy" not in members:
                        archive.writestr(f"{key}.npy", npy_bytes(array))
            for name, data in members.items():
                archive.writestr(name, data)
    return build


def corrupt_crc(path):
    npz(**GOOD)(path)
    data = bytearray(open(path, "rb").read())
    start = data.index(GOOD["y"].tobytes())  # y's data, stored uncompressed
    data[start + 3] ^= 0xFF
    open(path, "wb").write(bytes(data))


def good_npz_prefix(count):
    def build(path):
        buffer = io.BytesIO()
        np.savez(buffer, **GOOD)
        open(path, "wb").write(buffer.getvalue()[:count])
    return build


def duplicated_y(path):
    zipped({})(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("y.npy", npy_bytes(GOOD["y"]))


def folder(path):
    os.mkdir(path)


def good_with(**changes):
    return npz(**dict(GOOD, **changes))


# -- the table ----------------------------------------------------------------------------------

@dataclass
class Case:
    """``args`` may name ``{data}`` (built by ``data``), ``{tmp}`` (the test
    folder) and ``{out}`` (a requested output path that must not exist after
    a failure)."""

    name: str
    args: list
    code: int
    fragment: str
    data: object = None
    outputs: tuple = ("{out}",)
    setup: object = None
    extra: dict = field(default_factory=dict)


def case(name, args, code, fragment, data=None, **options):
    return Case(name, args if isinstance(args, list) else args.split(), code, fragment, data, **options)


P = "predict {data}"
CASES = [
    # whole files that are not npz archives
    case("missing file", "predict {tmp}/nope.npz", 2, "no such file"),
    case("folder as data", P, 2, "is a folder", folder),
    case("empty file", P, 2, "the file is empty", raw(b"")),
    case("text file", P, 2, "text file", raw(b"y = 1, 2, 3\n")),
    case("gzip file", P, 2, "gzip", raw(b"\x1f\x8b\x08\x00" + b"\x00" * 20)),
    case("pickle file", P, 2, "pickle", raw(pickle.dumps({"y": [1, 2]}))),
    case("single npy", P, 2, "single array", raw(npy_bytes(np.ones(3)))),
    case("png bytes", P, 2, "not a zip archive", raw(b"\x89PNG\r\n\x1a\n" + b"\x00" * 30)),
    case("truncated zip", P, 2, "not a readable npz", good_npz_prefix(40)),
    case("zip without members", P, 2, "missing key 'y'", zipped({}, good=False)),
    # members
    case("raw pickle member", P, 2, "key 'y' is not a .npy array: it holds a raw Python pickle",
         zipped({"y.npy": pickle.dumps([1.0, 2.0])})),
    case("empty member", P, 2, "empty member", zipped({"y.npy": b""})),
    case("object member", P, 2, "holds Python objects",
         zipped({"y.npy": header_bytes("|O", (4,), pickle.dumps([1, 2, 3, 4]))})),
    case("huge declared shape", P, 2, "(1000000000000,)",
         zipped({"y.npy": header_bytes("<f8", (10**12,), b"\x00" * 64)})),
    case("huge declared 2-d shape", P, 2, "key 'W0'",
         zipped({"W0.npy": header_bytes("<f8", (10**6, 10**6), b"\x00" * 64)})),
    case("negative declared shape", P, 2, "invalid shape", zipped({"y.npy": header_bytes("<f8", (-4,))})),
    case("truncated member", P, 2, "truncated",
         zipped({"y.npy": npy_bytes(np.arange(100.0))[:300]})),
    case("malformed header", P, 2, "malformed .npy header",
         zipped({"y.npy": npy_format.MAGIC_PREFIX + b"\x01\x00\x10\x00{'descr': nonsense"})),
    case("unknown npy version", P, 2, "not supported",
         zipped({"y.npy": npy_format.MAGIC_PREFIX + b"\x09\x00" + b"\x00" * 40})),
    case("npy version 2", P, 0, "", zipped({"y.npy": header_bytes("<f8", (4,), GOOD["y"].tobytes(), (2, 0))})),
    case("big-endian labels", P, 0, "", good_with(y=GOOD["y"].astype(">f8"))),
    case("corrupt member (CRC)", P, 2, "corrupt", corrupt_crc),
    case("duplicate key", P, 2, "more than once", duplicated_y),
    case("unknown member ignored", P + " --quiet", 0, "", zipped({"extra.bin": pickle.dumps("never read")})),
    case("member named without .npy", P + " --quiet", 0, "",
         zipped({"y": npy_bytes(GOOD["y"]), "W0.npy": npy_bytes(GOOD["W0"]), "signs.npy": npy_bytes(GOOD["signs"])},
                good=False)),
    case("key both with and without .npy", P, 2, "more than once", zipped({"y": npy_bytes(GOOD["y"])})),
    # labels
    case("labels overflow float64", P, 2, "y[0] = '1e400' is beyond float64",
         good_with(y=np.array(["1e400", "4", "-2", "-1"]))),
    case("labels underflow float64", P, 2, "y[0] = '1e-400' underflows",
         good_with(y=np.array(["1e-400", "4", "-2", "-1"]))),
    case("labels with a huge exponent", P, 2, "beyond float64", good_with(y=np.array(["1e999999999", "1", "-1", "1"]))),
    case("bytes labels overflow", P, 2, "beyond float64", good_with(y=np.array([b"-1e309", b"1", b"-1", b"1"]))),
    case("text label", P, 2, "y[2] = 'two' is not a rational number", good_with(y=np.array(["1", "4", "two", "-1"]))),
    case("nan text label", P, 2, "not a rational number", good_with(y=np.array(["nan", "4", "-2", "-1"]))),
    case("inf text label", P, 2, "not a rational number", good_with(y=np.array(["inf", "4", "-2", "-1"]))),
    case("division by zero label", P, 2, "not a rational number", good_with(y=np.array(["1/0", "4", "-2", "-1"]))),
    case("complex labels", P, 2, "dtype complex128", good_with(y=GOOD["y"] + 1j)),
    case("complex labels, zero imaginary part", P, 2, "complex", good_with(y=GOOD["y"] + 0j)),
    case("datetime labels", P, 2, "dtype", good_with(y=np.array(["2020-01-01"] * 4, dtype="M8[D]"))),
    case("record labels", P, 2, "dtype", good_with(y=np.zeros(4, dtype=[("a", "<f8")]))),
    case("0-d labels", P, 2, "'y' must be 1-dimensional", good_with(y=np.array(3.0))),
    case("0-d labels with --width", P + " --width 3", 2, "'y' must be 1-dimensional", npz(y=np.array(3.0))),
    case("2-d labels", P, 2, "'y' must be 1-dimensional", good_with(y=np.ones((4, 1)))),
    case("empty labels", P, 2, "'y' is empty", good_with(y=np.zeros(0))),
    case("empty labels with --width", P + " --width 3", 2, "'y' is empty", npz(y=np.zeros(0))),
    case("nan label", P, 2, "y[1] = nan", good_with(y=np.array([1.0, np.nan, 1.0, 1.0]))),
    case("inf label", P, 2, "non-finite", good_with(y=np.array([1.0, np.inf, 1.0, 1.0]))),
    case("boolean labels", P, 2, "= 0", good_with(y=np.array([True, False, True, True]))),
    case("zero label", P, 2, "y[1] = 0", good_with(y=np.array([3.0, 0.0, -2.0, -1.0]))),
    case("zero label allowed", P + " --allow-zero-labels --quiet", 0, "", good_with(y=np.array([3.0, 0.0, -2.0, -1.0]))),
    case("float16 labels", P + " --quiet", 0, "", good_with(y=GOOD["y"].astype(np.float16))),
    case("subnormal text label", P + " --quiet", 0, "", good_with(y=np.array(["1e-310", "4", "-2", "-1"]))),
    # inputs X
    case("X not orthonormal", P, 2, "not orthonormal", good_with(X=np.eye(4) + 0.05 * np.eye(4, k=1))),
    case("X 1-d", P, 2, "X must be 2-dimensional", good_with(X=np.ones(4))),
    case("X 3-d", P, 2, "X must be 2-dimensional", good_with(X=np.ones((4, 4, 1)))),
    case("X rows differ from n", P, 2, "X has 3 rows", good_with(X=np.eye(3, 4))),
    case("X more rows than dimensions", P, 2, "at most d vectors",
         npz(y=np.ones(3), X=np.ones((3, 2)), W0=np.ones((1, 2)), signs=np.ones(1))),
    case("X nan", P, 2, "non-finite", good_with(X=np.where(np.eye(4) > 0, np.nan, 0.0))),
    case("X strings", P, 2, "key 'X' has dtype", good_with(X=np.array([["1"] * 4] * 4))),
    case("X complex", P, 2, "key 'X' has dtype complex128", good_with(X=np.eye(4) + 0j)),
    case("X without columns with --width", P + " --width 2", 2, "at least one dimension",
         npz(y=np.ones(3), X=np.zeros((3, 0)))),
    # initialization
    case("no W0", P, 2, "missing key 'W0'", npz(y=GOOD["y"])),
    case("W0 zero row", P, 2, "W0[1] is the zero vector", good_with(W0=np.array([[1, 1, -1, 1], [0, 0, 0, 0.0], [1, 0, 0, 0]]))),
    case("W0 inf", P, 2, "W0 has 3 non-finite", good_with(W0=np.where(np.eye(3, 4) > 0, np.inf, 1.0))),
    case("W0 1-d", P, 2, "W0 must be 2-dimensional", good_with(W0=np.ones(4))),
    case("W0 without rows", P, 2, "W0 has no rows", good_with(W0=np.zeros((0, 4)), signs=np.zeros(0))),
    case("W0 wrong dimension", P, 2, "W0 has shape (3, 5)", good_with(W0=np.ones((3, 5)))),
    case("W0 objects", P, 2, "Python objects", zipped({"W0.npy": header_bytes("|O", (3, 4), pickle.dumps(None))})),
    case("a0 unbalanced (accepted: docs/general-inputs.md §3)", P, 0, "",
         npz(y=GOOD["y"], W0=GOOD["W0"], a0=np.array([2.0, 2.0, -1.0])), extra={"stderr_or_stdout": "unbalanced"}),
    case("a0 wrong shape", P, 2, "a0 must have shape (3,)", npz(y=GOOD["y"], W0=GOOD["W0"], a0=np.ones(2))),
    case("a0 zero: growing mode undecided", P, 2, "growing mode vanishes",
         npz(y=GOOD["y"], W0=GOOD["W0"], a0=np.zeros(3))),
    case("a0 nan", P, 2, "a0 has 1 non-finite", npz(y=GOOD["y"], W0=GOOD["W0"], a0=np.array([2.0, np.nan, -2.0]))),
    case("signs 0", P, 2, "signs must be +1 or -1", good_with(signs=np.array([1, 0, -1]))),
    case("signs 2", P, 2, "signs[1] = 2", good_with(signs=np.array([1, 2, -1]))),
    case("signs booleans", P, 2, "signs must be +1 or -1", good_with(signs=np.array([True, False, True]))),
    case("signs wrong shape", P, 2, "signs must have shape (3,)", good_with(signs=np.ones(4))),
    case("a0 and signs disagree", P, 2, "disagree",
         npz(y=GOOD["y"], W0=GOOD["W0"], a0=np.array([2.0, 2.0, 2.0]), signs=GOOD["signs"])),
    case("signs without W0", P + " --width 3", 2, "'signs' given without 'W0'", npz(y=GOOD["y"], signs=np.ones(3))),
    case("W0 and --width", P + " --width 3", 2, "drop them", npz(**GOOD)),
    case("no signs", P, 2, "needs output signs", npz(y=GOOD["y"], W0=GOOD["W0"])),
    # problem options
    case("--width 0", P + " --width 0", 2, "argument --width: must be an integer >= 1, got 0", npz(y=GOOD["y"])),
    case("--width -3", P + " --width -3", 2, "--width", npz(y=GOOD["y"])),
    case("--width text", P + " --width many", 2, "must be an integer, got 'many'", npz(y=GOOD["y"])),
    case("--width beyond memory", P + " --width 1000000000000000000000000", 2, "more than the memory available",
         npz(y=GOOD["y"])),
    case("--seed -1 --width 3", P + " --seed -1 --width 3", 2, "argument --seed: must be an integer >= 0, got -1",
         npz(y=GOOD["y"])),
    case("--seed without --width", P + " --seed 3", 2, "--seed only applies with --width", npz(**GOOD)),
    case("--seed 1.5", P + " --seed 1.5 --width 3", 2, "--seed: must be an integer", npz(y=GOOD["y"])),
    case("--seed huge", P + " --seed 123456789012345678901234567890 --width 3 --quiet", 0, "", npz(y=GOOD["y"])),
    case("--tol 0", P + " --tol 0", 2, "--tol: must be in (0, 1)", npz(**GOOD)),
    case("--tol -1", P + " --tol -1", 2, "--tol", npz(**GOOD)),
    case("--tol nan", P + " --tol nan", 2, "must be a finite number", npz(**GOOD)),
    case("--tol inf", P + " --tol inf", 2, "must be a finite number", npz(**GOOD)),
    case("--tol 10", P + " --tol 10", 2, "--tol: must be in (0, 1)", npz(**GOOD)),
    case("--tol text", P + " --tol small", 2, "--tol: must be a number", npz(**GOOD)),
    # scales
    case("--lam 0", P + " --lam 0", 2, "λ must be in (0, 1), got 0", npz(**GOOD)),
    case("--lam 1", P + " --lam 1", 2, "λ must be in (0, 1), got 1", npz(**GOOD)),
    case("--lam 2", P + " --lam 2", 2, "λ must be in (0, 1), got 2", npz(**GOOD)),
    case("--lam negative", ["predict", "{data}", "--lam=-1e-8"], 2, "λ must be in (0, 1)", npz(**GOOD)),
    case("--lam nan", P + " --lam nan", 2, "got 'nan'", npz(**GOOD)),
    case("--lam inf", P + " --lam inf", 2, "got 'inf'", npz(**GOOD)),
    case("--lam text", P + " --lam abc", 2, "got 'abc'", npz(**GOOD)),
    case("--lam 1e-400", P + " --lam 1e-400 --quiet", 0, "", npz(**GOOD)),
    case("--lam 1e-99999999999", P + " --lam 1e-99999999999 --quiet", 0, "", npz(**GOOD)),
    case("--lam with a huge exponent", P + " --lam 1e-" + "9" * 400, 2, "beyond float64", npz(**GOOD)),
    case("--lam close to 1", P + " --lam 0.99999999999999999999 --quiet", 0, "", npz(**GOOD)),
    case("--lam and --log-inv-lam", P + " --lam 1e-8 --log-inv-lam 3", 2, "not allowed with", npz(**GOOD)),
    case("--log-inv-lam 0", P + " --log-inv-lam 0", 2, "--log-inv-lam: must be in (0, inf)", npz(**GOOD)),
    case("--log-inv-lam nan", P + " --log-inv-lam nan", 2, "must be a finite number", npz(**GOOD)),
    case("--log-inv-lam 1e400", P + " --log-inv-lam 1e400", 2, "must be a finite number", npz(**GOOD)),
    case("--log-inv-lam 1e308", P + " --log-inv-lam 1e308 --quiet", 0, "", npz(**GOOD)),
    case("--finite on beyond float resolution", P + " --lam 1e-99999999999 --finite on", 2,
         "--finite on: ln(1/λ)", npz(**GOOD)),
    case("--finite bogus", P + " --finite maybe", 2, "invalid choice: 'maybe'", npz(**GOOD)),
    case("--near-ties bogus", P + " --near-ties x", 2, "invalid choice", npz(**GOOD)),
    # ties
    case("overlapping tie", P + " --exact", 2, "neurons 0 and 1 jump at exactly the same time", npz(**TIE)),
    case("check overlapping tie", "check {data}", 1, "", npz(**TIE), extra={"stdout": "argmin unique"}),
    case("check simultaneous jump", "check {data}", 1, "", npz(**DISJOINT), extra={"stdout": "disjoint unfitted data"}),
    # output paths
    case("--json into a missing folder", P + " --json {tmp}/no/r.json", 2, "does not exist", npz(**GOOD),
         outputs=("{tmp}/no/r.json",)),
    case("--json to a folder", P + " --json {tmp}", 2, "is a folder", npz(**GOOD), outputs=()),
    case("--json and --out the same file", P + " --json {out} --out {out}", 2, "the same file as --json",
         npz(**GOOD), outputs=()),  # the error document goes to --json
    case("--out over the input", P + " --out {data}", 2, "would overwrite the input", npz(**GOOD), outputs=()),
    case("--graph into a missing folder", P + " --graph {tmp}/no/g.graphml", 2, "does not exist", npz(**GOOD),
         outputs=("{tmp}/no/g.graphml",)),
    case("--out with markup", P + " --out {tmp}/m[/]x.npz --quiet", 0, "", npz(**GOOD),
         setup=lambda tmp: os.mkdir(os.path.join(tmp, "m["))),
    # commands and options
    case("no command", "", 2, "the following arguments are required"),
    case("unknown command", "train x.npz", 2, "invalid choice: 'train'"),
    case("unknown option", P + " --fast", 2, "unrecognized arguments: --fast", npz(**GOOD)),
    case("no data", "predict", 2, "the following arguments are required: data"),
    case("empty data path", ["predict", ""], 2, "empty string"),
    case("--help", "--help", 0, ""),
    case("--version", "--version", 0, ""),
    case("predict --help", "predict --help", 0, ""),
    # sample
    case("sample -n 0", "sample -n 0 -m 2 -o {out}", 2, "-n: must be an integer >= 1"),
    case("sample -m 0", "sample -n 3 -m 0 -o {out}", 2, "-m: must be an integer >= 1"),
    case("sample -d below -n", "sample -n 3 -d 2 -m 2 -o {out}", 2, "-d 2"),
    case("sample --basis with -d", "sample -n 3 -d 5 -m 2 --basis -o {out}", 2, "--basis"),
    case("sample beyond memory", "sample -n 10000000 -m 2 -o {out}", 2, "more than the memory available"),
    case("sample --labels bogus", "sample -n 3 -m 2 --labels cauchy -o {out}", 2, "invalid choice: 'cauchy'"),
    case("sample --seed -1", "sample -n 3 -m 2 --seed -1 -o {out}", 2, "--seed: must be an integer >= 0"),
    case("sample -o missing folder", "sample -n 3 -m 2 -o {tmp}/no/x.npz", 2, "does not exist",
         outputs=("{tmp}/no/x.npz",)),
    case("sample -o folder", "sample -n 3 -m 2 -o {tmp}", 2, "is a folder", outputs=()),
    case("sample -o with markup", "sample -n 3 -m 2 -o {tmp}/m[/]x.npz", 0, "",
         setup=lambda tmp: os.mkdir(os.path.join(tmp, "m[")), extra={"stderr_or_stdout": "m[/]x.npz"}),
    case("sample -o with emoji code", "sample -n 3 -m 2 -o {tmp}/:smile:.npz", 0, "",
         extra={"stderr_or_stdout": ":smile:.npz"}),
    # validate
    case("validate without scales", "validate {data}", 2, "give at least one scale", npz(**GOOD)),
    case("validate --rtol 10", "validate {data} --lam 1e-8 --rtol 10", 2, "--rtol: must be in (0, 0.001]", npz(**GOOD)),
    case("validate --rtol 0", "validate {data} --lam 1e-8 --rtol 0", 2, "--rtol", npz(**GOOD)),
    case("validate --atol nan", "validate {data} --lam 1e-8 --atol nan", 2, "--atol", npz(**GOOD)),
    case("validate --log-inv-lam 1e308", "validate {data} --log-inv-lam 1e308", 2,
         "--log-inv-lam: must be in (0, 100000]", npz(**GOOD)),
    case("validate --lam beyond the flow range", "validate {data} --lam 1e-99999", 2, "above 100000", npz(**GOOD)),
    case("validate --lam 2", "validate {data} --lam 1e-8 2", 2, "λ must be in (0, 1), got 2", npz(**GOOD)),
    case("validate labels near 1e200", "validate {data} --lam 1e-8", 2, "simulators are checked for labels",
         npz(**{**GOOD, "y": GOOD["y"] * 1e200})),
    case("validate labels near 1e-200", "validate {data} --lam 1e-8", 2, "simulators are checked for labels",
         npz(**{**GOOD, "y": GOOD["y"] * 1e-200})),
    case("predict --simulate labels near 1e200", "predict {data} --lam 1e-8 --simulate", 2,
         "simulators are checked for labels", npz(**{**GOOD, "y": GOOD["y"] * 1e200})),
    case("validate --plot unknown format", "validate {data} --lam 1e-8 --plot {tmp}/v.xyz", 2, "image format",
         npz(**GOOD), outputs=("{tmp}/v.xyz",)),
    case("validate --plot without extension", "validate {data} --lam 1e-8 --plot {out}", 2, "image format",
         npz(**GOOD)),
    case("validate --json into a missing folder", "validate {data} --lam 1e-8 --json {tmp}/no/v.json", 2,
         "does not exist", npz(**GOOD), outputs=("{tmp}/no/v.json",)),
    # sweep
    case("sweep --n 0", "sweep --n 0 --width 3", 2, "--n: must be an integer >= 1"),
    case("sweep --width 0", "sweep --n 4 --width 0", 2, "a width must be at least 1"),
    case("sweep --width text", "sweep --n 4 --width wide", 2, "cannot read the width 'wide'"),
    case("sweep --width 0log", "sweep --n 4 --width 0log", 2, "positive and finite"),
    case("sweep --width many digits", "sweep --n 4 --width " + "9" * 5000, 2, "too many digits"),
    case("sweep --width beyond memory", "sweep --n 5 --width 99999999999999999999 --no-progress", 2,
         "more than the memory available"),
    case("sweep --repeats 0", "sweep --n 4 --width 3 --repeats 0", 2, "--repeats"),
    case("sweep --repeats beyond budget", "sweep --n 4 --width 3 --repeats 1000000000", 2, "over the budget"),
    case("sweep --seed -1", "sweep --n 4 --width 3 --seed -1", 2, "--seed"),
    case("sweep --workers 0", "sweep --n 4 --width 3 --workers 0", 2, "--workers"),
    case("sweep --chunksize 0", "sweep --n 4 --width 3 --chunksize 0", 2, "--chunksize"),
    case("sweep --labels bogus", "sweep --n 4 --width 3 --labels cauchy", 2, "invalid choice"),
    case("sweep --plot without interpolating runs",
         "sweep --n 4 --width 1 --repeats 1 --workers 1 --no-progress --plot {out}.png --json {out}", 2,
         "no run with labels gaussian interpolates", outputs=("{out}.png",)),
    case("sweep --csv into a missing folder", "sweep --n 4 --width 3 --csv {tmp}/no/r.csv", 2, "does not exist",
         outputs=("{tmp}/no/r.csv",)),
    # probability
    case("probability --n-pos -1", "probability --n-pos -1 --n-neg 1 --width 3", 2, "--n-pos"),
    case("probability no data", "probability --n-pos 0 --n-neg 0 --width 3", 2, "at least one datum"),
    case("probability --width 0", "probability --n-pos 1 --n-neg 1 --width 0", 2, "--width"),
    case("probability --samples -1", "probability --n-pos 1 --n-neg 1 --width 3 --samples -1", 2, "--samples"),
    case("probability --confidence 1", "probability --n-pos 1 --n-neg 1 --width 3 --confidence 1", 2, "--confidence"),
    case("probability --confidence nan", "probability --n-pos 1 --n-neg 1 --width 3 --confidence nan", 2,
         "must be a finite number"),
    case("probability --ci bogus", "probability --n-pos 1 --n-neg 1 --width 3 --ci bayes", 2, "invalid choice"),
    case("probability --ns 1", "probability --n-pos 1 --n-neg 1 --width 3 --ns 1 --plot {out}.png", 2, "--ns",
         outputs=("{out}.png",)),
    case("probability --ns without --plot", "probability --n-pos 1 --n-neg 1 --width 3 --ns 8", 2,
         "--ns only applies with --plot"),
    case("probability huge width", "probability --n-pos 10 --n-neg 10 --width 100000000 --samples 0", 2,
         "over the budget"),
    case("probability huge samples", "probability --n-pos 10 --n-neg 10 --width 10 --samples 1000000000000", 2,
         "over the budget"),
]


def _ids():
    return [c.name for c in CASES]


def _expand(values, tmp):
    return [v.replace("{tmp}", str(tmp)).replace("{data}", str(tmp / "data.npz")).replace("{out}", str(tmp / "out"))
            for v in values]


def _leftovers(tmp):
    """Temporary files left anywhere under ``tmp``."""
    return [os.path.join(root, f) for root, _, files in os.walk(tmp) for f in files if f.startswith(".limitproc-")]


def run(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean_exit(code, out, err, expected, fragment):
    assert code != 3, err
    assert code == expected, (code, err)
    assert "Traceback" not in err and "internal error" not in err
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("limitproc: error:"), err
    if fragment:
        assert fragment in err, err


@pytest.mark.parametrize("item", CASES, ids=_ids())
def test_bad_input(item, tmp_path, capsys):
    if item.data is not None:
        item.data(str(tmp_path / "data.npz"))
    if item.setup is not None:
        item.setup(str(tmp_path))
    before = (tmp_path / "data.npz").read_bytes() if (tmp_path / "data.npz").is_file() else None
    code, out, err = run(_expand(item.args, tmp_path), capsys)
    assert_clean_exit(code, out, err, item.code, item.fragment)
    if "stdout" in item.extra:
        assert item.extra["stdout"] in out
    if "stderr_or_stdout" in item.extra:
        assert item.extra["stderr_or_stdout"] in out + err
    if code == 2:
        for path in _expand(item.outputs, tmp_path):
            assert not os.path.exists(path), path
    assert not _leftovers(tmp_path)
    if before is not None:  # nothing a user passed in is modified
        assert (tmp_path / "data.npz").read_bytes() == before


def test_the_table_covers_every_command():
    commands = {c.args[0] for c in CASES if c.args and not c.args[0].startswith("-")}
    assert {"predict", "check", "sample", "validate", "sweep", "probability"} <= commands
    assert len(CASES) >= 150


# -- results of the extreme cases that succeed ---------------------------------------------------

def test_lambda_below_the_float_range_is_read_exactly(tmp_path, capsys):
    npz(**GOOD)(tmp_path / "data.npz")
    code, out, _ = run(["predict", str(tmp_path / "data.npz"), "--lam", "1e-400", "--json", "-", "--quiet"], capsys)
    data = json.loads(out)
    L = 400 * np.log(10)
    assert code == 0 and data["lambda"] is None and data["log_inv_lambda"] == pytest.approx(L, rel=1e-15)
    assert data["saddles"][1]["t"] == pytest.approx(0.8 * L)
    assert data["finite_lambda"]["log_inv_lam"] == pytest.approx(L)
    code, same, _ = run(["predict", str(tmp_path / "data.npz"), "--log-inv-lam", repr(float(L)), "--json", "-", "--quiet"],
                        capsys)
    assert json.loads(same)["saddles"] == data["saddles"]


def test_out_writes_exactly_the_path_asked_for(tmp_path, capsys):
    npz(**GOOD)(tmp_path / "data.npz")
    code, _, _ = run(["predict", str(tmp_path / "data.npz"), "--out", str(tmp_path / "result"), "--quiet"], capsys)
    assert code == 0 and (tmp_path / "result").is_file() and not (tmp_path / "result.npz").exists()
    with np.load(tmp_path / "result") as arrays:
        assert arrays["tau"].tolist() == pytest.approx([0.8, 4 / np.sqrt(5)])
    code, _, _ = run(["sample", "-n", "3", "-m", "2", "-o", str(tmp_path / "s")], capsys)
    assert code == 0 and (tmp_path / "s").is_file() and not (tmp_path / "s.npz").exists()


def test_check_reports_the_tie_it_cannot_refuse(tmp_path, capsys):
    npz(**TIE)(tmp_path / "data.npz")
    code, out, _ = run(["check", str(tmp_path / "data.npz"), "--json", "-"], capsys)
    data = json.loads(out)
    argmin = next(c for c in data["checks"] if c["name"] == "argmin unique")
    assert code == 1 and data["schema"] == "limitproc.assumptions" and data["ok"] is False
    assert argmin["holds"] is False and "sharing unfitted data" in argmin["detail"] and "3*sqrt(2)/2" in argmin["detail"]


def test_every_json_document_has_the_schema_keys(tmp_path, capsys):
    npz(**GOOD)(tmp_path / "data.npz")
    data = str(tmp_path / "data.npz")
    documents = {
        "prediction": ["predict", data, "--quiet"],
        "assumptions": ["check", data],
        "sweep": ["sweep", "--n", "8", "--width", "3", "--repeats", "1", "--workers", "1", "--no-progress"],
        "probability": ["probability", "--n-pos", "2", "--n-neg", "1", "--width", "3", "--samples", "50"],
        "error": ["predict", str(tmp_path / "missing.npz")],
    }
    for kind, args in documents.items():
        code, out, _ = run(args + ["--json", "-"], capsys)
        document = json.loads(out, parse_constant=_refuse)
        assert document["schema"] == f"limitproc.{kind}" and document["schema_version"] == 1, kind
        assert code == (2 if kind == "error" else 0)


def _refuse(name):
    raise AssertionError(f"not strict JSON: {name}")


@pytest.mark.parametrize("args, kind", [
    (["predict", "{data}", "--lam", "7"], "ArgumentError"),
    (["predict", "{data}", "--graph", "{tmp}/no/g.graphml"], "OutputError"),
    (["predict", "{tmp}/nope.npz"], "InputError"),
])
def test_error_document_for_argument_and_path_errors(tmp_path, capsys, args, kind):
    npz(**GOOD)(tmp_path / "data.npz")
    target = tmp_path / "error.json"
    code, _, err = run(_expand(args, tmp_path) + ["--json", str(target)], capsys)
    document = json.loads(target.read_text(), parse_constant=_refuse)
    assert code == 2 and document["schema"] == "limitproc.error" and document["error"]["type"] == kind
    assert document["error"]["message"] in err and document["error"]["exit_code"] == 2


def test_exit_codes_are_documented(capsys):
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    cli_doc = open(os.path.join(root, "docs", "cli.md"), encoding="utf-8").read()
    for command in ([], ["predict"], ["validate"], ["sweep"]):
        code, help_text, _ = run(command + ["--help"], capsys)
        assert code == 0 and "exit codes:" in help_text
        for number in EXIT_CODES:
            assert f"\n  {number} " in help_text
    for number in EXIT_CODES:
        assert f"| `{number}` |" in readme and f"| `{number}` |" in cli_doc


# -- optional dependencies ------------------------------------------------------------------------

def test_missing_dask_is_detected_before_any_work(monkeypatch, tmp_path, capsys):
    import limitproc.studies.sweeps as sweeps

    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    monkeypatch.setattr(sweeps, "_run", lambda *a: pytest.fail("work started before the dependency check"))
    out = tmp_path / "s.json"
    code, _, err = run(["sweep", "--n", "4", "--width", "3", "--scheduler", "local", "--json", str(out)], capsys)
    assert_clean_exit(code, "", err, 2, "pip install 'limitproc[dask]'")
    assert json.loads(out.read_text())["error"]["type"] == "MissingDependencyError"


def test_missing_matplotlib_is_detected_before_any_work(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    npz(**GOOD)(tmp_path / "data.npz")
    code, _, err = run(["validate", str(tmp_path / "data.npz"), "--lam", "1e-8", "--plot", str(tmp_path / "v.png")],
                       capsys)
    assert_clean_exit(code, "", err, 2, "pip install matplotlib")
    assert not (tmp_path / "v.png").exists() and not _leftovers(tmp_path)


# -- resources and streams -------------------------------------------------------------------------

def test_out_of_memory_says_what_ran_out(monkeypatch, tmp_path, capsys):
    import limitproc.prediction

    def exhausted(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(limitproc.prediction, "predict", exhausted)
    npz(**GOOD)(tmp_path / "data.npz")
    code, _, err = run(["predict", str(tmp_path / "data.npz"), "--json", str(tmp_path / "r.json")], capsys)
    assert_clean_exit(code, "", err, 2, "out of memory while running predict")
    assert json.loads((tmp_path / "r.json").read_text())["error"]["type"] == "MemoryError"


def test_json_to_a_closed_stdout(monkeypatch, tmp_path, capsys):
    npz(**GOOD)(tmp_path / "data.npz")
    closed = io.StringIO()
    closed.close()
    monkeypatch.setattr(sys, "stdout", closed)
    code = main(["predict", str(tmp_path / "data.npz"), "--json", "-", "--out", str(tmp_path / "r.npz")])
    err = capsys.readouterr().err
    assert_clean_exit(code, "", err, 2, "standard output is closed")
    assert not (tmp_path / "r.npz").exists() and not _leftovers(tmp_path)
    monkeypatch.setattr(sys, "stdout", None)
    assert main(["predict", str(tmp_path / "data.npz"), "--json", "-"]) == 2


def test_tables_to_a_closed_stdout_do_not_stop_the_outputs(monkeypatch, tmp_path, capsys):
    npz(**GOOD)(tmp_path / "data.npz")
    monkeypatch.setattr(sys, "stdout", None)
    assert main(["predict", str(tmp_path / "data.npz"), "--out", str(tmp_path / "r.npz")]) == 0
    assert (tmp_path / "r.npz").is_file()


def test_broken_pipe_on_json(monkeypatch, tmp_path, capsys):
    class Broken(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    npz(**GOOD)(tmp_path / "data.npz")
    monkeypatch.setattr(sys, "stdout", Broken())
    code = main(["predict", str(tmp_path / "data.npz"), "--json", "-", "--graph", str(tmp_path / "g.graphml"),
                 "--quiet"])
    err = capsys.readouterr().err
    assert_clean_exit(code, "", err, 2, "broken pipe")
    assert not (tmp_path / "g.graphml").exists() and not _leftovers(tmp_path)


# -- atomic outputs ---------------------------------------------------------------------------------

def _disk_full(real):
    """A writer that writes part of its output, then fails as a full disk does."""
    def write(handle, *args, **kwargs):
        handle.write(b"PK\x03\x04 partial")
        raise OSError(errno.ENOSPC, "No space left on device")
    return write


def test_full_disk_leaves_nothing_at_the_requested_paths(monkeypatch, tmp_path, capsys):
    npz(**GOOD)(tmp_path / "data.npz")
    monkeypatch.setattr(np, "savez_compressed", _disk_full(np.savez_compressed))
    outputs = {"--json": tmp_path / "r.json", "--out": tmp_path / "r.npz", "--graph": tmp_path / "g.graphml"}
    args = ["predict", str(tmp_path / "data.npz"), "--quiet"]
    for option, path in outputs.items():
        args += [option, str(path)]
    code, _, err = run(args, capsys)
    assert_clean_exit(code, "", err, 2, "No space left on device")
    assert json.loads(outputs["--json"].read_text())["schema"] == "limitproc.error"  # not the success document
    assert not outputs["--out"].exists() and not outputs["--graph"].exists() and not _leftovers(tmp_path)


def test_full_disk_keeps_the_previous_file(monkeypatch, tmp_path, capsys):
    target = tmp_path / "s.npz"
    target.write_bytes(b"previous content")
    monkeypatch.setattr(np, "savez", _disk_full(np.savez))
    code, _, err = run(["sample", "-n", "3", "-m", "2", "-o", str(target)], capsys)
    assert_clean_exit(code, "", err, 2, "No space left on device")
    assert target.read_bytes() == b"previous content" and not _leftovers(tmp_path)


def test_failing_second_output_leaves_no_success_file(monkeypatch, tmp_path, capsys):
    import limitproc.process.graphs as graphs

    def fail(process, path):
        with open(path, "w") as handle:
            handle.write("<graphml")
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(graphs, "write_graphml", fail)
    npz(**GOOD)(tmp_path / "data.npz")
    out, graph = tmp_path / "r.npz", tmp_path / "g.graphml"
    code, _, err = run(["predict", str(tmp_path / "data.npz"), "--out", str(out), "--graph", str(graph), "--quiet"],
                       capsys)
    assert_clean_exit(code, "", err, 2, "Permission denied")
    assert not out.exists() and not graph.exists() and not _leftovers(tmp_path)


def test_failing_rename_removes_the_outputs_already_renamed(monkeypatch, tmp_path, capsys):
    real = os.replace
    calls = []

    def replace(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(errno.EIO, "Input/output error")
        return real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    npz(**GOOD)(tmp_path / "data.npz")
    paths = [tmp_path / "r.json", tmp_path / "r.npz"]
    code, _, err = run(["predict", str(tmp_path / "data.npz"), "--json", str(paths[0]), "--out", str(paths[1]),
                        "--quiet"], capsys)
    assert_clean_exit(code, "", err, 2, "Input/output error")
    assert not paths[1].exists() and not _leftovers(tmp_path)
    assert json.loads(paths[0].read_text())["schema"] == "limitproc.error"


def test_sigterm_leaves_no_output(tmp_path):
    """A slow validate is terminated once its temporaries exist: exit 143,
    nothing at the requested paths, no temporaries left."""
    npz(**GOOD)(tmp_path / "data.npz")
    target, plot = tmp_path / "v.json", tmp_path / "v.png"
    command = [sys.executable, "-m", "limitproc", "validate", str(tmp_path / "data.npz"), "--log-inv-lam", "20000",
               "--json", str(target), "--plot", str(plot)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not _leftovers(tmp_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "validate ended before it could be terminated"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "interrupted by SIGTERM" in err and "Traceback" not in err
    assert not target.exists() and not plot.exists() and not _leftovers(tmp_path)


def test_special_files_and_symlinks(tmp_path, capsys):
    """A named pipe (like /dev/null or /dev/stdout) is written directly, never
    replaced by a regular file; a symbolic link is written through."""
    import stat
    import threading

    npz(**GOOD)(tmp_path / "data.npz")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(pipe, "rb").read()))
    reader.start()
    code, _, err = run(["predict", str(tmp_path / "data.npz"), "--json", str(pipe), "--quiet"], capsys)
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(os.stat(pipe).st_mode) and strict_loads(received[0])["schema"] == "limitproc.prediction"
    target = tmp_path / "target.npz"
    target.write_bytes(b"old")
    (tmp_path / "link.npz").symlink_to(target)
    code, _, _ = run(["predict", str(tmp_path / "data.npz"), "--out", str(tmp_path / "link.npz"), "--quiet"], capsys)
    assert code == 0 and (tmp_path / "link.npz").is_symlink() and target.read_bytes()[:2] == b"PK"
    assert not _leftovers(tmp_path)


def strict_loads(data):
    return json.loads(data, parse_constant=_refuse)
