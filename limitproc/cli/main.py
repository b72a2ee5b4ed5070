"""Command line: parse, call the library, render.  No mathematics here.

Exit codes: 0 success; 1 ``check`` found a failed assumption; 2 invalid
input or a problem outside the theory (one line on stderr); 3 internal error.
"""

import argparse
import json
import os
import sys

from .. import __version__
from ..errors import LimitprocError
from ..problem.problem import DEFAULT_TOL

__all__ = ["main", "build_parser"]

#: ``--finite auto`` computes the finite-λ corrections only for masks up to
#: this many entries: they integrate small ODEs per neuron and jump (about
#: 20 s at n = 1000, m = 40), while Algorithm 1 is linear and runs at 10^7.
FINITE_LAMBDA_AUTO_LIMIT = 20_000


def _positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _lambda(text):
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"λ must be in (0, 1), got {text}")
    return value


def _problem_options(parser):
    parser.add_argument("data", help="npz file with keys y, X (optional), W0, a0 or signs (docs/formats.md)")
    parser.add_argument("--width", type=int, metavar="M", help="sample M neurons when the file has no W0")
    parser.add_argument("--seed", type=int, default=None, metavar="S", help="seed of the sampled initialization (default 0)")
    parser.add_argument("--tol", type=_positive_float, default=DEFAULT_TOL,
                        help=f"tolerance on orthonormality and balance (default {DEFAULT_TOL:g})")
    parser.add_argument("--allow-zero-labels", action="store_true",
                        help="treat data with label 0 as fitted from the start (spec §5) instead of refusing them")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="limitproc",
        description="The small-initialization limit process of two-layer ReLU gradient flow on orthogonal data.",
    )
    parser.add_argument("--version", action="version", version=f"limitproc {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", required=True)

    predict = commands.add_parser("predict", help="run Algorithm 1 and print the saddles")
    _problem_options(predict)
    predict.add_argument("--lam", type=_lambda, metavar="λ", help="initialization scale: show t = τ ln(1/λ) and μ ln(1/λ)")
    predict.add_argument("--finite", choices=("auto", "on", "off"), default="auto",
                         help="with --lam, finite-λ corrected times and the convergence rate (docs/finite-lambda.md): "
                              f"auto computes them for masks of at most {FINITE_LAMBDA_AUTO_LIMIT} entries")
    predict.add_argument("--exact", action="store_true", help="exact backend: proved comparisons, exact values")
    predict.add_argument("--near-ties", choices=("exact", "raise", "report"), default="exact",
                         help="float backend on a near-tie: rerun exactly (default), fail, or report and go on")
    predict.add_argument("--ties", choices=("raise", "first"), default="raise",
                         help="a true tie between neurons sharing data (outside the theory): exit 2 (default), "
                              "or let the lowest-index neuron jump and report it")
    predict.add_argument("--json", metavar="PATH", help="write the JSON result (docs/json-schema.md); '-' for stdout")
    predict.add_argument("--out", metavar="PATH", help="write arrays to an npz file (docs/formats.md)")
    predict.add_argument("--graph", metavar="PATH", help="write the mask and interaction graphs as GraphML")
    predict.add_argument("--quiet", action="store_true", help="no tables")

    check = commands.add_parser("check", help="print the assumption report (exit 1 if an assumption fails)")
    _problem_options(check)
    check.add_argument("--json", metavar="PATH", help="write the report as JSON; '-' for stdout")

    sample = commands.add_parser("sample", help="write a random dataset with a balanced initialization")
    sample.add_argument("-n", type=int, required=True, help="number of data")
    sample.add_argument("-d", type=int, default=None, help="input dimension (default n)")
    sample.add_argument("-m", type=int, required=True, help="number of neurons")
    sample.add_argument("--labels", choices=("gaussian", "abs-gaussian", "uniform", "sign"), default="gaussian")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--basis", action="store_true", help="standard basis inputs (no X key, d = n)")
    sample.add_argument("-o", "--output", required=True, metavar="PATH", help="npz file to write")
    validate = commands.add_parser("validate", help="simulate the real gradient flow and compare it with the prediction")
    _problem_options(validate)
    validate.add_argument("--lam", type=_lambda, nargs="+", default=[], metavar="λ",
                          help="initialization scales to simulate, e.g. 1e-4 1e-8 1e-16 1e-32")
    validate.add_argument("--log-inv-lam", type=_positive_float, nargs="+", default=[], metavar="L",
                          help="scales given as ln(1/λ), for λ below the float range (e.g. 2000)")
    validate.add_argument("--rtol", type=_positive_float, default=1e-10, help="solver relative tolerance (default 1e-10)")
    validate.add_argument("--atol", type=_positive_float, default=1e-12, help="solver absolute tolerance (default 1e-12)")
    validate.add_argument("--json", metavar="PATH", help="write the report as JSON; '-' for stdout")
    validate.add_argument("--plot", metavar="PNG", help="loss curves and log-norms over the prediction")

    sweep = commands.add_parser("sweep", help="Algorithm 1 over grids of n, width, label laws and seeds")
    sweep.add_argument("--n", type=int, nargs="+", required=True, help="numbers of data")
    sweep.add_argument("--width", nargs="+", required=True, metavar="W",
                       help="widths: integers or rules such as 5log for m = ceil(5 ln n)")
    sweep.add_argument("--labels", nargs="+", default=["gaussian"],
                       choices=("gaussian", "abs-gaussian", "uniform", "sign"))
    sweep.add_argument("--repeats", type=int, default=3, help="runs per grid point (default 3)")
    sweep.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    sweep.add_argument("--workers", type=int, default=None, help="local processes (default: all cores; 1: in-process)")
    sweep.add_argument("--scheduler", metavar="ADDRESS", help="dask scheduler address, or 'local' for a LocalCluster")
    sweep.add_argument("--chunksize", type=int, default=None, help="runs per task")
    sweep.add_argument("--interpolating-only", action="store_true", help="summaries over interpolating runs only")
    sweep.add_argument("--csv", metavar="PATH", help="one row per run")
    sweep.add_argument("--stats-csv", metavar="PATH", help="one row per grid point (mean, min, max)")
    sweep.add_argument("--json", metavar="PATH", help="write rows and summaries as JSON; '-' for stdout")
    sweep.add_argument("--plot", metavar="PNG", help="squared norms against n (several n) or against the width")
    sweep.add_argument("--no-progress", action="store_true")

    probability = commands.add_parser("probability", help="probability that the assumptions hold at initialization")
    probability.add_argument("--n-pos", type=int, required=True, metavar="P", help="number of positive labels")
    probability.add_argument("--n-neg", type=int, required=True, metavar="Q", help="number of negative labels")
    probability.add_argument("--width", type=int, required=True, metavar="M", help="number of neurons")
    probability.add_argument("--samples", type=int, default=10_000, help="Monte Carlo samples (default 10000; 0: none)")
    probability.add_argument("--seed", type=int, default=0)
    probability.add_argument("--confidence", type=float, default=0.95)
    probability.add_argument("--ci", choices=("exact", "wilson"), default="exact",
                             help="Clopper–Pearson (exact) or Wilson intervals")
    probability.add_argument("--json", metavar="PATH", help="write the result as JSON; '-' for stdout")
    probability.add_argument("--plot", metavar="PNG", help="probability that every row is non-zero against m, for --ns")
    probability.add_argument("--ns", type=int, nargs="+", default=None, help="numbers of data for --plot")
    return parser


def _progress(console, description, disabled=False):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, disable=disabled)


#: Width of the tables when the output is not a terminal (a file, a pipe, a CI
#: log), unless ``COLUMNS`` says otherwise: wide enough for every column.
PIPE_WIDTH = 200


def _console(to_stderr):
    from rich.console import Console

    console = Console(stderr=to_stderr)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPE_WIDTH
    return console


def _write_json(data, path):
    text = json.dumps(data, indent=1, allow_nan=False)
    if path == "-":
        sys.stdout.write(text + "\n")
    else:
        with open(path, "w") as handle:
            handle.write(text + "\n")


def _write_error_json(args, exc):
    """With ``--json``, a failed run still writes a document saying why
    (``docs/json-schema.md``): machine readers see ties and bad inputs."""
    path = getattr(args, "json", None)
    if not path:
        return
    error = {"type": type(exc).__name__, "message": str(exc)}
    if getattr(exc, "neurons", ()):
        error["neurons"] = [int(j) for j in exc.neurons]
    if getattr(exc, "time", None) is not None:
        error["time"] = {"exact": str(exc.time), "float": float(exc.time)}
    try:
        _write_json({"schema_version": 1, "error": error}, path)
    except OSError:
        pass


def _load(args):
    from ..problem.npz import load_problem

    seed = args.seed
    if args.width is None and seed is not None:
        raise LimitprocError("--seed only applies with --width (sampling an initialization)")
    return load_problem(args.data, width=args.width, seed=0 if seed is None else seed,
                        tol=args.tol, allow_zero_labels=args.allow_zero_labels)


def _predict(args):
    from ..prediction import predict

    result = predict(_load(args), lam=args.lam, exact=args.exact, near_ties=args.near_ties, ties=args.ties)
    console = _console(args.json == "-")
    finite, note = _finite_lambda(result, args.finite)
    if not args.quiet:
        console.print(result)
        if finite is not None:
            console.print(finite)
        elif note:
            console.print(f"[yellow]{note}[/]")
    if args.json:
        data = result.to_dict()
        if finite is not None or note:
            data["finite_lambda"] = finite.to_dict() if finite is not None else {"skipped": note}
        _write_json(data, args.json)
    if args.out:
        result.save_npz(args.out)
    if args.graph:
        from ..process.graphs import write_graphml

        write_graphml(result.process, args.graph)
    return 0


def _finite_lambda(result, mode):
    """Finite-λ corrections of ``result`` (``None`` and a note when skipped)."""
    if result.lam is None or mode == "off":
        return None, None
    size = result.process.mask.size
    if mode == "auto" and size > FINITE_LAMBDA_AUTO_LIMIT:
        return None, (f"finite-λ corrections not computed: the mask has {size} entries "
                      f"(> {FINITE_LAMBDA_AUTO_LIMIT}); pass --finite on to compute them anyway")
    from ..finite.corrections import finite_lambda

    return finite_lambda(result.process, result.lam), None


def _check(args):
    from ..prediction import predict

    result = predict(_load(args))
    console = _console(args.json == "-")
    console.print(result.report)
    if args.json:
        _write_json(result.report.to_dict(), args.json)
    return 0 if result.report.ok else 1


def _sample(args):
    import numpy as np

    from ..problem.sampling import sample_dataset

    for name in ("n", "m"):
        if getattr(args, name) < 1:
            raise LimitprocError(f"-{name} must be at least 1, got {getattr(args, name)}")
    try:
        arrays = sample_dataset(args.n, args.m, d=args.d, labels=args.labels, seed=args.seed, basis=args.basis)
    except ValueError as exc:
        raise LimitprocError(str(exc)) from None
    np.savez(args.output, **arrays)
    _console(True).print(f"wrote {args.output}: " + ", ".join(f"{k} {v.shape}" for k, v in arrays.items()))
    return 0


def _validate(args):
    from ..flow.plots import plot_validation
    from ..flow.validation import validate
    from ..process.algorithm1 import limit_process

    if not args.lam and not args.log_inv_lam:
        raise LimitprocError("give at least one scale: --lam 1e-8 1e-16 … or --log-inv-lam 2000")
    problem = _load(args)
    process = limit_process(problem)
    console = _console(args.json == "-")
    total = len(args.lam) + len(args.log_inv_lam)
    with _progress(console, "simulating the gradient flow") as bar:
        task = bar.add_task("flow", total=total)
        report = validate(problem, args.lam or None, log_inv_lams=args.log_inv_lam or None, process=process,
                          progress=lambda i, n: bar.update(task, completed=i),
                          rates=process.mask.size <= FINITE_LAMBDA_AUTO_LIMIT, rtol=args.rtol, atol=args.atol)
    console.print(report)
    if args.json:
        _write_json(report.to_dict(), args.json)
    if args.plot:
        plot_validation(report, report.process, args.plot)
        console.print(f"wrote {args.plot}")
    return 0 if report.ok else 1


def _sweep(args):
    from ..studies import parse_width, sweep

    try:
        widths = [parse_width(w) for w in args.width]
    except ValueError as exc:
        raise LimitprocError(str(exc)) from None
    console = _console(args.json == "-")
    with _progress(console, "Algorithm 1 runs", args.no_progress) as bar:
        task = bar.add_task("runs", total=None)
        try:
            result = sweep(args.n, widths, args.labels, args.repeats, seed=args.seed, scheduler=args.scheduler,
                           workers=args.workers, chunksize=args.chunksize,
                           progress=lambda done, total: bar.update(task, completed=done, total=total))
        except ValueError as exc:
            raise LimitprocError(str(exc)) from None
    console.print(result)
    if args.csv:
        result.to_csv(args.csv, interpolating_only=args.interpolating_only)
    if args.stats_csv:
        result.to_csv(args.stats_csv, stats=True, interpolating_only=args.interpolating_only)
    if args.json:
        _write_json(result.to_dict(interpolating_only=args.interpolating_only), args.json)
    if args.plot:
        from ..studies.plots import plot_norm_vs_n, plot_norm_vs_width

        if len(set(args.n)) > 1:
            plot_norm_vs_n(result, labels=args.labels[0], path=args.plot, interpolating_only=True)
        else:
            plot_norm_vs_width(result, n=args.n[0], labels=args.labels[0], path=args.plot, interpolating_only=True)
        console.print(f"wrote {args.plot}")
    return 0


def _probability(args):
    from ..studies.probability import init_probabilities

    try:
        result = init_probabilities(args.n_pos, args.n_neg, args.width, samples=args.samples, seed=args.seed,
                                    confidence=args.confidence, method=args.ci)
    except ValueError as exc:
        raise LimitprocError(str(exc)) from None
    console = _console(args.json == "-")
    console.print(result)
    if args.json:
        data = result.to_dict()
        _write_json(data, args.json)
    if args.plot:
        from ..studies.plots import plot_interpolation_threshold

        ns = args.ns or [args.n_pos + args.n_neg]
        plot_interpolation_threshold(ns, path=args.plot, seed=args.seed)
        console.print(f"wrote {args.plot}")
    return 0


_COMMANDS = {
    "predict": _predict,
    "check": _check,
    "sample": _sample,
    "validate": _validate,
    "sweep": _sweep,
    "probability": _probability,
}


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except LimitprocError as exc:
        print(f"limitproc: error: {exc}", file=sys.stderr)
        _write_error_json(args, exc)
        return 2
    except OSError as exc:
        print(f"limitproc: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - last resort: no traceback for users
        if args.debug:
            raise
        print(f"limitproc: internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
