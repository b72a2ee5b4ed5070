"""``limitproc compare``: a training log against the predicted path
(``docs/from-training-script.md``).  Parse, call the library, render.

    limitproc compare data.npz --log run.npz --lam 1e-8 --lr 0.05 [--reduction mean]
                      [--json PATH|-] [--plot PNG]

Exit codes: 0 the run follows the path (or the log ends before the last
jump and agrees so far); 1 it departs, is above the stability limit or
diverged; 2 invalid input (one line on stderr).  JSON and PNG are written
atomically.  Wire into :mod:`limitproc.cli.main` with ``add_parser(commands)``
and ``{"compare": run}``.
"""

import argparse
import json
import os
import sys

from ..errors import LimitprocError
from ..problem.problem import DEFAULT_TOL

__all__ = ["add_parser", "run"]

#: Verdicts that exit 0.
AGREEING = ("MATCH", "UNRESOLVED_MATCH", "INCOMPLETE")

#: Width of the tables off a terminal (as ``limitproc.cli.main``).
PIPE_WIDTH = 200


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _lambda(text):
    value = _positive_float(text)
    if not value < 1:
        raise argparse.ArgumentTypeError(f"λ must be in (0, 1), got {text}")
    return value


def add_parser(subparsers):
    """Add the ``compare`` command to an ``argparse`` subparsers object;
    returns its parser (``args.handler`` is :func:`run`)."""
    parser = subparsers.add_parser("compare", help="compare a training log with the predicted saddle-to-saddle path")
    parser.add_argument("data", help="npz file with y, X (optional), W0 and a0 or signs: the run's data and "
                                     "initialization directions (docs/formats.md)")
    parser.add_argument("--log", required=True, metavar="PATH",
                        help="training log, npz or csv: step, loss; optional lr, reduction, lam, a_j (docs/from-training-script.md)")
    parser.add_argument("--lam", type=_lambda, metavar="λ", help="initialization scale (default: the log's lam)")
    parser.add_argument("--log-inv-lam", type=_positive_float, metavar="L", help="the scale as ln(1/λ)")
    parser.add_argument("--lr", type=_positive_float, metavar="η", help="learning rate (default: the log's lr)")
    parser.add_argument("--reduction", choices=("mean", "sum", "spec"),
                        help="the loss the learning rate and the logged loss are for: mean = torch MSELoss() (= 2L), "
                             "sum = MSELoss(reduction='sum') (= 2nL), spec = L of spec §1 (default: the log's)")
    parser.add_argument("--tol", type=_positive_float, default=DEFAULT_TOL,
                        help=f"tolerance on orthonormality and balance (default {DEFAULT_TOL:g})")
    parser.add_argument("--allow-zero-labels", action="store_true", help="treat label-0 data as fitted from the start")
    parser.add_argument("--json", metavar="PATH", help="write the comparison as JSON; '-' for stdout")
    parser.add_argument("--plot", metavar="PNG", help="loss and log-norms, logged over predicted")
    parser.add_argument("--quiet", action="store_true", help="no table")
    parser.set_defaults(handler=run)
    return parser


def run(args):
    """Run ``limitproc compare``; returns the exit code (errors: one line on
    stderr and 2, with an error document when ``--json`` is given)."""
    try:
        return _run(args)
    except (LimitprocError, OSError) as exc:
        print(f"limitproc: error: {exc}", file=sys.stderr)
        _write_error(args, exc)
        return 2


def _run(args):
    from ..problem.npz import load_problem
    from ..process.algorithm1 import limit_process
    from ..runs import compare, read_log

    problem = load_problem(args.data, tol=args.tol, allow_zero_labels=args.allow_zero_labels)
    log = read_log(args.log)
    comparison = compare(limit_process(problem), log, lam=args.lam, log_inv_lam=args.log_inv_lam, lr=args.lr,
                         reduction=args.reduction)
    console = _console(args.json == "-")
    if not args.quiet:
        console.print(comparison)
        for note in comparison.notes:
            console.print(f"  {note}")
    if args.json == "-":
        sys.stdout.write(json.dumps(comparison.to_dict(), indent=1, allow_nan=False) + "\n")
    elif args.json:
        comparison.write_json(args.json)
    if args.plot:
        comparison.plot(args.plot)
        console.print(f"wrote {args.plot}")
    return 0 if comparison.verdict.name in AGREEING else 1


def _console(to_stderr):
    from rich.console import Console

    console = Console(stderr=to_stderr)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPE_WIDTH
    return console


def _write_error(args, exc):
    """With ``--json``, a failed run still writes a document saying why."""
    path = getattr(args, "json", None)
    if not path:
        return
    text = json.dumps({"schema": "limitproc.compare", "schema_version": 1,
                       "error": {"type": type(exc).__name__, "message": str(exc)}}, indent=1) + "\n"
    try:
        if path == "-":
            sys.stdout.write(text)
        else:
            from ..runs.compare import atomic_write_text

            atomic_write_text(path, text)
    except OSError:
        pass
