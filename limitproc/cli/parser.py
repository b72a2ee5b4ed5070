"""The ``limitproc`` argument parser: every option checked as it is read.

Each option's type function refuses a bad value with a message naming the
option and the value, so that no bad value reaches the library; a parse
error is one line (``limitproc: error: …``) and exit code 2, like every
other invalid input.
"""

from __future__ import annotations

import argparse

from .. import __version__
from ..errors import ArgumentError
from ..problem.problem import DEFAULT_TOL

__all__ = ["EXIT_CODES", "FINITE_LAMBDA_AUTO_LIMIT", "FINITE_LAMBDA_GD_AUTO_LIMIT", "FINITE_LAMBDA_MAX_LOG_INV_LAM", "build_parser"]

#: ``--finite auto`` computes the finite-λ corrections only for masks up to
#: this many entries: they integrate small ODEs per neuron and jump (about
#: 20 s at n = 1000, m = 40), while Algorithm 1 is linear and runs at 10^7.
FINITE_LAMBDA_AUTO_LIMIT = 20_000

#: The same for gradient descent (``--lr``): its finite-λ model takes the
#: steps of each jump's one-neuron fit and realignments (about 10 s at
#: n = 200, m = 20 and 90 s at n = 1000, m = 40 with lr 0.01).
FINITE_LAMBDA_GD_AUTO_LIMIT = 5_000

#: Largest ``ln(1/λ)`` of the finite-λ corrections: beyond it the times
#: ``τ ln(1/λ)`` leave too few float digits for the O(1) offsets (at
#: ``ln(1/λ) = 10^13`` the fitted rate is already wrong).
FINITE_LAMBDA_MAX_LOG_INV_LAM = 1e9

#: Exit codes of every command, and what each means.
EXIT_CODES: dict[int, str] = {
    0: "success",
    1: "the command ran and found a failure: `check`, a required assumption fails; "
       "`validate`, a resolved run contradicts the prediction; `compare`, the logged run departs from the "
       "predicted path, is above the stability limit or diverged",
    2: "invalid input or option, a problem outside the theory, an output that cannot be written, "
       "a missing optional dependency or not enough memory (one line `limitproc: error: …` on stderr; "
       "with --json, an error document)",
    3: "internal error, a bug in limitproc (--debug shows the traceback)",
    130: "interrupted by SIGINT (Ctrl-C); no output written",
    143: "terminated by SIGTERM; no output written",
}


def _epilog():
    lines = ["exit codes:"]
    lines += [f"  {code:<4d}{meaning.replace('`', '')}" for code, meaning in EXIT_CODES.items()]
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are :class:`ArgumentError` exceptions
    (one line, handled by :func:`limitproc.cli.main`), not a usage dump."""

    def error(self, message):
        command = self.prog.replace("limitproc", "", 1).strip()
        where = f"{command}: " if command else ""
        raise ArgumentError(f"{where}{message} (see limitproc {command + ' ' if command else ''}--help)")


def _shown(text):
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _integer(minimum, maximum=None):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {_shown(text)}") from None
        if value < minimum or (maximum is not None and value > maximum):
            bound = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
            raise argparse.ArgumentTypeError(f"must be an integer {bound}, got {value}")
        return value

    parse.__name__ = "integer"
    return parse


def _real(low, high=None, *, high_open=True, what="a number"):
    """A finite number in ``(low, high)`` (``high]`` with ``high_open=False``)."""

    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {what}, got {_shown(text)}") from None
        bound = f"({low:g}, {'inf' if high is None else f'{high:g}'}{')' if high_open or high is None else ']'}"
        if not (value == value and abs(value) != float("inf")):
            raise argparse.ArgumentTypeError(f"must be a finite number in {bound}, got {text.strip()}")
        if not value > low or (high is not None and (value > high or (high_open and value == high))):
            raise argparse.ArgumentTypeError(f"must be in {bound}, got {text.strip()}")
        return value

    parse.__name__ = "number"
    return parse


def _lambda(text):
    """``(λ or None, ln(1/λ))`` from the exact decimal text of λ."""
    from ..scale import parse_lambda

    try:
        return parse_lambda(text)
    except ArgumentError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _width_rule(text):
    from ..studies.grid import parse_width

    try:
        parse_width(text)
    except ArgumentError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _path(text):
    if not text:
        raise argparse.ArgumentTypeError("must be a file path, got an empty string")
    return text


def _problem_options(parser):
    parser.add_argument("data", type=_path,
                        help="npz file with keys y, X (optional), W0, a0 or signs (docs/formats.md)")
    parser.add_argument("--width", type=_integer(1), metavar="M", help="sample M neurons when the file has no W0")
    parser.add_argument("--seed", type=_integer(0), default=None, metavar="S",
                        help="seed of the sampled initialization, >= 0 (default 0)")
    parser.add_argument("--tol", type=_real(0.0, 1.0), default=DEFAULT_TOL,
                        help=f"tolerance on orthonormality and balance, in (0, 1) (default {DEFAULT_TOL:g})")
    parser.add_argument("--allow-zero-labels", action="store_true",
                        help="treat data with label 0 as fitted from the start (spec §5) instead of refusing them")


def _command(commands, name, help):
    return commands.add_parser(name, help=help, description=help, epilog=_epilog(),
                               formatter_class=argparse.RawDescriptionHelpFormatter)


def build_parser() -> argparse.ArgumentParser:
    """The ``limitproc`` parser (``docs/cli.md``).

    Its errors are :class:`~limitproc.errors.ArgumentError` exceptions, one
    line each, not a usage dump and ``SystemExit``.

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> args = build_parser().parse_args(["predict", "data.npz", "--lam", "1e-8"])
    >>> args.command, args.data, args.lam  # (λ, ln(1/λ)), read exactly
    ('predict', 'data.npz', (1e-08, 18.420680743952367))
    >>> build_parser().parse_args(["predict"])
    Traceback (most recent call last):
    ...
    limitproc.errors.ArgumentError: predict: the following arguments are required: data (see limitproc predict --help)
    """
    from .._limits import MAX_LOG_INV_LAM, MAX_TOLERANCE  # not limitproc.flow: the parser stays light

    parser = _Parser(
        prog="limitproc",
        description="The small-initialization limit process of two-layer ReLU gradient flow on orthogonal data.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"limitproc {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    predict = _command(commands, "predict", "run Algorithm 1 and print the saddles")
    _problem_options(predict)
    scale = predict.add_mutually_exclusive_group()
    scale.add_argument("--lam", type=_lambda, metavar="λ",
                       help="initialization scale 0 < λ < 1, read exactly (1e-400 is fine): "
                            "show t = τ ln(1/λ) and μ ln(1/λ)")
    scale.add_argument("--log-inv-lam", type=_real(0.0), metavar="L",
                       help="the scale given as ln(1/λ) > 0 instead of --lam")
    predict.add_argument("--finite", choices=("auto", "on", "off"), default="auto",
                         help="with a scale, finite-λ corrected times and the convergence rate (docs/finite-lambda.md): "
                              f"auto computes them for masks of at most {FINITE_LAMBDA_AUTO_LIMIT} entries "
                              f"({FINITE_LAMBDA_GD_AUTO_LIMIT} with --lr) "
                              f"and ln(1/λ) <= {FINITE_LAMBDA_MAX_LOG_INV_LAM:g}")
    predict.add_argument("--lr", type=_real(0.0), metavar="η",
                         help="gradient descent with this learning rate instead of the gradient flow: its limit "
                              "process, finite-λ corrections and stability limit, times in flow time and in steps "
                              "(docs/gradient-descent.md)")
    predict.add_argument("--reduction", choices=("mean", "sum", "spec"), default=None,
                         help="the loss --lr applies to: mean = torch MSELoss() (2L, h = 2η; the default, as "
                              "in PyTorch), sum = MSELoss(reduction='sum') (2nL, h = 2nη), spec = L of spec §1 (h = η)")
    predict.add_argument("--simulate", action="store_true",
                         help="with a scale, also simulate the run from the same initialization (the flow, or "
                              "gradient descent with --lr) and report its jump times and norms beside the prediction")
    predict.add_argument("--exact", action="store_true", help="exact backend: proved comparisons, exact values")
    predict.add_argument("--near-ties", choices=("exact", "raise", "report"), default="exact",
                         help="float backend on a near-tie: rerun exactly (default), fail, or report and go on")
    predict.add_argument("--ties", choices=("raise", "first"), default="raise",
                         help="a true tie between neurons sharing data (outside the theory): exit 2 (default), "
                              "or let the lowest-index neuron jump and report it")
    predict.add_argument("--json", metavar="PATH", type=_path,
                         help="write the JSON result (docs/json-schema.md); '-' for stdout")
    predict.add_argument("--out", metavar="PATH", type=_path, help="write arrays to an npz file (docs/formats.md)")
    predict.add_argument("--graph", metavar="PATH", type=_path, help="write the mask and interaction graphs as GraphML")
    predict.add_argument("--plot", metavar="IMAGE", type=_path,
                         help="the loss staircase (with the finite-λ curve) and the norm exponents, as an image")
    predict.add_argument("--quiet", action="store_true", help="no tables")

    check = _command(commands, "check", "print the assumption report (exit 1 if an assumption fails)")
    _problem_options(check)
    check.add_argument("--json", metavar="PATH", type=_path, help="write the report as JSON; '-' for stdout")

    sample = _command(commands, "sample", "write a random dataset with a balanced initialization")
    sample.add_argument("-n", type=_integer(1), required=True, help="number of data, >= 1")
    sample.add_argument("-d", type=_integer(1), default=None, help="input dimension, >= n (default n)")
    sample.add_argument("-m", type=_integer(1), required=True, help="number of neurons, >= 1")
    sample.add_argument("--labels", choices=("gaussian", "abs-gaussian", "uniform", "sign"), default="gaussian")
    sample.add_argument("--seed", type=_integer(0), default=0, help="seed, >= 0 (default 0)")
    sample.add_argument("--basis", action="store_true", help="standard basis inputs (no X key, d = n)")
    sample.add_argument("-o", "--output", required=True, metavar="PATH", type=_path,
                        help="npz file to write (exactly this path)")

    validate = _command(commands, "validate", "simulate the real gradient flow and compare it with the prediction "
                                              "(exit 1 if a resolved run contradicts it)")
    _problem_options(validate)
    validate.add_argument("--lam", type=_lambda, nargs="+", default=[], metavar="λ",
                          help="initialization scales to simulate, e.g. 1e-4 1e-8 1e-16 1e-32 (read exactly)")
    validate.add_argument("--log-inv-lam", type=_real(0.0, MAX_LOG_INV_LAM, high_open=False), nargs="+", default=[],
                          metavar="L", help=f"scales given as ln(1/λ), in (0, {MAX_LOG_INV_LAM:g}] (e.g. 2000)")
    validate.add_argument("--rtol", type=_real(0.0, MAX_TOLERANCE, high_open=False), default=1e-10,
                          help=f"solver relative tolerance, in (0, {MAX_TOLERANCE:g}] (default 1e-10)")
    validate.add_argument("--atol", type=_real(0.0, MAX_TOLERANCE, high_open=False), default=1e-12,
                          help=f"solver absolute tolerance, in (0, {MAX_TOLERANCE:g}] (default 1e-12)")
    validate.add_argument("--json", metavar="PATH", type=_path, help="write the report as JSON; '-' for stdout")
    validate.add_argument("--plot", metavar="IMAGE", type=_path,
                          help="loss curves and log-norms over the prediction (.png, .pdf, .svg…)")

    sweep = _command(commands, "sweep", "Algorithm 1 over grids of n, width, label laws and seeds")
    sweep.add_argument("--n", type=_integer(1), nargs="+", required=True, help="numbers of data, >= 1")
    sweep.add_argument("--width", type=_width_rule, nargs="+", required=True, metavar="W",
                       help="widths: integers or rules such as 5log for m = ceil(5 ln n)")
    sweep.add_argument("--labels", nargs="+", default=["gaussian"],
                       choices=("gaussian", "abs-gaussian", "uniform", "sign"))
    sweep.add_argument("--repeats", type=_integer(1), default=3, help="runs per grid point, >= 1 (default 3)")
    sweep.add_argument("--seed", type=_integer(0), default=0, help="base seed, >= 0 (default 0)")
    sweep.add_argument("--workers", type=_integer(1), default=None,
                       help="local processes (default: all cores; 1: in-process)")
    sweep.add_argument("--scheduler", metavar="ADDRESS", type=_path,
                       help="dask scheduler address, or 'local' for a LocalCluster (pip install 'limitproc[dask]')")
    sweep.add_argument("--chunksize", type=_integer(1), default=None, help="runs per task, >= 1")
    sweep.add_argument("--interpolating-only", action="store_true", help="summaries over interpolating runs only")
    sweep.add_argument("--csv", metavar="PATH", type=_path, help="one row per run")
    sweep.add_argument("--stats-csv", metavar="PATH", type=_path, help="one row per grid point (mean, min, max)")
    sweep.add_argument("--json", metavar="PATH", type=_path, help="write rows and summaries as JSON; '-' for stdout")
    sweep.add_argument("--plot", metavar="IMAGE", type=_path,
                       help="squared norms against n (several n) or against the width, over interpolating runs")
    sweep.add_argument("--no-progress", action="store_true")

    probability = _command(commands, "probability", "probability that the assumptions hold at initialization")
    probability.add_argument("--n-pos", type=_integer(0), required=True, metavar="P", help="number of positive labels")
    probability.add_argument("--n-neg", type=_integer(0), required=True, metavar="Q", help="number of negative labels")
    probability.add_argument("--width", type=_integer(1), required=True, metavar="M", help="number of neurons, >= 1")
    probability.add_argument("--samples", type=_integer(0), default=10_000,
                             help="Monte Carlo samples (default 10000; 0: none)")
    probability.add_argument("--seed", type=_integer(0), default=0)
    probability.add_argument("--confidence", type=_real(0.0, 1.0), default=0.95, help="in (0, 1) (default 0.95)")
    probability.add_argument("--ci", choices=("exact", "wilson"), default="exact",
                             help="Clopper–Pearson (exact) or Wilson intervals")
    probability.add_argument("--json", metavar="PATH", type=_path, help="write the result as JSON; '-' for stdout")
    probability.add_argument("--plot", metavar="IMAGE", type=_path,
                             help="probability that every row is non-zero against m, for --ns")
    probability.add_argument("--ns", type=_integer(2, 4096), nargs="+", default=None,
                             help="numbers of data for --plot, in [2, 4096] (besides the given n_+/n_- split)")

    compare = _command(commands, "compare", "hold a training log against the predicted path "
                                            "(exit 1 if the run departs from it)")
    compare.add_argument("data", type=_path, help="npz file with the run's y, X (optional), W0 and a0 or signs: "
                                                   "its data and initialization (docs/formats.md)")
    compare.add_argument("--log", type=_path, required=True, metavar="PATH",
                         help="training log, npz or csv: step, loss; optional lr, reduction, lam, a_j "
                              "(docs/from-training-script.md)")
    scale = compare.add_mutually_exclusive_group()
    scale.add_argument("--lam", type=_lambda, metavar="λ", help="initialization scale (default: the log's lam)")
    scale.add_argument("--log-inv-lam", type=_real(0.0), metavar="L", help="the scale given as ln(1/λ) instead")
    compare.add_argument("--lr", type=_real(0.0), metavar="η", help="learning rate (default: the log's lr)")
    compare.add_argument("--reduction", choices=("mean", "sum", "spec"),
                         help="the loss the learning rate and the logged loss are for: mean = torch MSELoss() (2L), "
                              "sum = MSELoss(reduction='sum') (2nL), spec = L of spec §1 (default: the log's)")
    compare.add_argument("--tol", type=_real(0.0, 1.0), default=DEFAULT_TOL,
                         help=f"tolerance on orthonormality and balance, in (0, 1) (default {DEFAULT_TOL:g})")
    compare.add_argument("--allow-zero-labels", action="store_true",
                         help="treat data with label 0 as fitted from the start (spec §5)")
    compare.add_argument("--json", metavar="PATH", type=_path, help="write the comparison as JSON; '-' for stdout")
    compare.add_argument("--plot", metavar="IMAGE", type=_path, help="logged loss and log-norms over the predicted ones")
    compare.add_argument("--quiet", action="store_true", help="no table")

    reproduce = _command(commands, "reproduce", "list the seed papers' experiments, or run one with the papers' "
                                                "numbers beside ours (docs/reproductions.md)")
    reproduce.add_argument("name", nargs="?", help="experiment to run, e.g. seed002-fig1 (omit to list them)")
    reproduce.add_argument("--quick", action="store_true", help="reduced sizes (each experiment states them)")
    reproduce.add_argument("--outdir", type=_path, default=".", metavar="DIR",
                           help="folder for the experiment's PNG (default: the current folder)")
    reproduce.add_argument("--json", metavar="PATH", type=_path, help="write the result as JSON; '-' for stdout")
    reproduce.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser
