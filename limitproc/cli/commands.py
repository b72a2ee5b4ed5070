"""The commands: parse results in, library calls, rendering out.

Each command first reserves its output paths (so a bad path fails before
any work), then checks what it can about its inputs, runs the library, and
writes into the reserved temporaries; :func:`limitproc.cli.main` renames
them into place once the command has succeeded (:mod:`.output`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..errors import ArgumentError, OutputError
from ..optional import require
from .parser import FINITE_LAMBDA_AUTO_LIMIT, FINITE_LAMBDA_GD_AUTO_LIMIT, FINITE_LAMBDA_MAX_LOG_INV_LAM

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from .output import Session

__all__ = ["COMMANDS"]

#: Work budgets of the command line: inputs that would run for many minutes
#: are refused with the estimate, before any work (the library functions
#: themselves take any size).  Measured on one core: (n_+ + n_-) m² = 2·10^9
#: takes about a minute for the exact probability; samples · m · words =
#: 5·10^8 about as long for the Monte Carlo.
MAX_SWEEP_RUNS = 10**6
MAX_EXACT_PROBABILITY_WORK = 2 * 10**9
MAX_MONTE_CARLO_WORK = 5 * 10**8

#: Image formats of ``--plot`` (matplotlib's, by file extension).
IMAGE_FORMATS = ("png", "pdf", "svg", "svgz", "eps", "ps", "jpg", "jpeg", "tif", "tiff", "webp", "pgf", "raw", "rgba")


def _inputs(args):
    return [args.data] if getattr(args, "data", None) else []


def _check_image(path, option):
    """``--plot`` needs an image extension matplotlib writes, and matplotlib."""
    if path is None:
        return
    extension = os.path.splitext(path)[1][1:].lower()
    if extension not in IMAGE_FORMATS:
        raise OutputError(f"{option} {path}: give a file name ending in an image format "
                          f"({', '.join('.' + f for f in IMAGE_FORMATS[:4])}, …)")
    require("matplotlib", f"{option}")


def _load(args):
    from ..problem.npz import load_problem

    if args.width is None and args.seed is not None:
        raise ArgumentError("--seed only applies with --width (sampling an initialization)")
    return load_problem(args.data, width=args.width, seed=0 if args.seed is None else args.seed,
                        tol=args.tol, allow_zero_labels=args.allow_zero_labels)


def predict(args, out):
    from rich.text import Text

    from ..prediction import predict as run

    _check_image(args.plot, "--plot")
    for path, option in ((args.json, "--json"), (args.out, "--out"), (args.graph, "--graph"), (args.plot, "--plot")):
        out.reserve(path, option)
    lam, log_inv_lam = args.lam if args.lam is not None else (None, args.log_inv_lam)
    if (args.finite == "on" and log_inv_lam is not None and log_inv_lam > FINITE_LAMBDA_MAX_LOG_INV_LAM):
        raise ArgumentError(f"--finite on: ln(1/λ) = {log_inv_lam:g} is above {FINITE_LAMBDA_MAX_LOG_INV_LAM:g}, "
                            "where float times τ ln(1/λ) leave too few digits for the finite-λ offsets; "
                            "use --finite auto or off")
    if args.reduction is not None and args.lr is None:
        raise ArgumentError("--reduction: applies to --lr only (the learning rate's loss); give --lr η")
    if args.lr is not None and args.exact:
        raise ArgumentError("--exact: gradient descent's limit process (--lr) runs on the float backend only")
    if args.simulate and log_inv_lam is None:
        raise ArgumentError("--simulate: give the scale (--lam or --log-inv-lam) to simulate the run at")
    problem = _load(args)
    if args.simulate:
        from ..flow.run import check_label_range

        check_label_range(problem)  # before any work
    try:
        result = run(problem, lam=lam, log_inv_lam=None if lam is not None else log_inv_lam,
                     exact=args.exact, near_ties=args.near_ties, ties=args.ties,
                     lr=args.lr, reduction=args.reduction or "mean")
    except ArgumentError as exc:
        if args.lr is not None and str(exc).startswith("lr = "):
            raise ArgumentError("--" + str(exc)) from None
        raise
    finite, note = _finite_lambda(result, args.finite, out, shown=not args.quiet or bool(args.json or args.plot))
    simulated = None
    if args.simulate:
        from ..finite.simulated import simulate_prediction

        what = (f"simulating gradient descent (lr = {args.lr:g})" if args.lr is not None
                else "simulating the gradient flow")
        with _progress(out.console, what, args.quiet or out.show.broken) as bar:
            task = bar.add_task("run", total=None)
            simulated = simulate_prediction(result.process, log_inv_lam=result.log_inv_lambda, lr=args.lr,
                                            reduction=args.reduction or "mean",
                                            progress=lambda done, total: bar.update(task, completed=done, total=total))
    if not args.quiet:
        out.show(result)
        if finite is not None:
            out.show(finite.table(simulated) if simulated is not None else finite)
        else:
            if note:
                out.show(Text(note, style="yellow"))
            if simulated is not None:
                out.show(simulated.table())
    if args.json:
        data = result.to_dict()
        if finite is not None or note:
            data["finite_lambda"] = finite.to_dict() if finite is not None else {"skipped": note}
        if finite is not None and data.get("gradient_descent") is not None:
            # the corrected half-fit steps of each jump (null where the correction does not hold)
            data["gradient_descent"]["steps"] = [j["step_index"] for j in data["finite_lambda"]["jumps"]]
            for saddle, jump in zip(data["saddles"][1:], data["finite_lambda"]["jumps"]):
                saddle["step_index"] = jump["step_index"]  # the corrected half-fit step of this jump
        if simulated is not None:
            data["simulated"] = simulated.to_dict()
        out.write_json(data, args.json)
    if args.out:
        with open(out.temp(args.out), "wb") as handle:
            result.save_npz(handle)
    if args.graph:
        from ..process.graphs import write_graphml

        write_graphml(result.process, out.temp(args.graph))
    if args.plot:
        from ..process.plots import plot_process

        plot_process(result.process, out.temp(args.plot), log_inv_lam=result.log_inv_lambda, finite=finite)
        out.after(f"wrote {args.plot}")
    return 0


def _finite_lambda(result, mode, out=None, shown=False):
    """Finite-λ corrections of ``result`` (``None`` and a note when skipped),
    computed under a progress bar (offsets per jump, then, when they will be
    ``shown``, the relaxation blocks of the loss model)."""
    scale = result.log_inv_lambda
    if scale is None or mode == "off":
        return None, None
    size = result.process.mask.size
    limit = FINITE_LAMBDA_GD_AUTO_LIMIT if result.process.step else FINITE_LAMBDA_AUTO_LIMIT
    if mode == "auto" and size > limit:
        return None, (f"finite-λ corrections not computed: the mask has {size} entries (> {limit}"
                      + (" with --lr: gradient descent's model takes its steps" if result.process.step else "")
                      + "); pass --finite on to compute them anyway, or --simulate")
    if scale > FINITE_LAMBDA_MAX_LOG_INV_LAM:
        return None, (f"finite-λ corrections not computed: ln(1/λ) = {scale:g} > {FINITE_LAMBDA_MAX_LOG_INV_LAM:g}, "
                      "where the O(1) offsets are below the float resolution of the times τ ln(1/λ)")
    from ..errors import InputError
    from ..finite.corrections import finite_lambda

    try:
        if out is None:
            return finite_lambda(result.process, log_inv_lam=scale), None
        with _progress(out.console, "finite-λ corrections", out.show.broken) as bar:
            task = bar.add_task("finite", total=None)

            def progress(stage, done, total):
                bar.update(task, completed=done, total=total)

            finite = finite_lambda(result.process, log_inv_lam=scale, progress=progress)
            if shown:
                finite.status, finite.rate  # the loss model's blocks, under the bar
        return finite, None
    except InputError as exc:  # e.g. labels far below λ²: the initialization is not small
        if mode == "on":
            raise
        return None, f"finite-λ corrections not computed: {exc}"


def check(args, out):
    from ..prediction import predict as run
    from ..schema import document

    out.reserve(args.json, "--json")
    # ties="first": an exact tie between overlapping neurons is reported as a
    # failed assumption (exit 1), not refused
    result = run(_load(args), ties="first")
    out.show(result.report)
    if args.json:
        out.write_json(document("assumptions", result.report.to_dict()), args.json)
    return 0 if result.report.ok else 1


def sample(args, out):
    import numpy as np

    from ..problem.sampling import sample_dataset

    temp = out.reserve(args.output, "--output")
    if args.basis and args.d not in (None, args.n):
        raise ArgumentError(f"--basis: the standard basis of R^n needs -d = -n = {args.n}, got -d {args.d}")
    if args.d is not None and args.d < args.n:
        raise ArgumentError(f"-d {args.d}: n = {args.n} orthonormal inputs need a dimension d >= n")
    arrays = sample_dataset(args.n, args.m, d=args.d, labels=args.labels, seed=args.seed, basis=args.basis)
    with open(temp, "wb") as handle:
        np.savez(handle, **arrays)
    out.after(f"wrote {args.output}: " + ", ".join(f"{k} {v.shape}" for k, v in arrays.items()))
    return 0


def validate(args, out):
    from ..flow.plots import plot_validation
    from ..flow.run import check_label_range
    from ..flow.validation import MAX_LOG_INV_LAM
    from ..flow.validation import validate as run
    from ..process.algorithm1 import limit_process

    _check_image(args.plot, "--plot")
    out.reserve(args.json, "--json")
    out.reserve(args.plot, "--plot")
    scales = [L for _, L in args.lam] + list(args.log_inv_lam)
    if not scales:
        raise ArgumentError("give at least one scale: --lam 1e-8 1e-16 … or --log-inv-lam 2000")
    for _, L in args.lam:
        if L > MAX_LOG_INV_LAM:
            raise ArgumentError(f"--lam: ln(1/λ) = {L:g} is above {MAX_LOG_INV_LAM:g}: the flow's time, and the "
                                "solver's work, grow like ln(1/λ) (the limit process itself: limitproc predict)")
    problem = _load(args)
    check_label_range(problem)  # before any work
    process = limit_process(problem)
    with _progress(out.console, "simulating the gradient flow", out.show.broken) as bar:
        task = bar.add_task("flow", total=len(scales))
        report = run(problem, log_inv_lams=scales, process=process,
                     progress=lambda i, n: bar.update(task, completed=i),
                     rates=process.mask.size <= FINITE_LAMBDA_AUTO_LIMIT, rtol=args.rtol, atol=args.atol)
    out.show(report)
    if args.json:
        out.write_json(report.to_dict(), args.json)
    if args.plot:
        plot_validation(report, report.process, out.temp(args.plot))
        out.after(f"wrote {args.plot}")
    return 0 if report.ok else 1


def sweep(args, out):
    from ..arguments import check_memory
    from ..studies import LogWidth, parse_width
    from ..studies import sweep as run

    if args.scheduler is not None:
        require("dask.distributed", "sweep --scheduler")
    _check_image(args.plot, "--plot")
    for path, option in ((args.csv, "--csv"), (args.stats_csv, "--stats-csv"), (args.json, "--json"),
                         (args.plot, "--plot")):
        out.reserve(path, option)
    widths = [parse_width(w) for w in args.width]
    runs = len(args.n) * len(widths) * len(args.labels) * args.repeats
    if runs > MAX_SWEEP_RUNS:
        raise ArgumentError(f"the grid has {runs} runs (n × widths × labels × repeats), over the budget {MAX_SWEEP_RUNS}")
    n = max(args.n)
    m = max(rule(n) if isinstance(rule, LogWidth) else rule for rule in widths)
    check_memory(4 * 8 * m * n, f"a sweep run with n = {n} and m = {m}")
    with _progress(out.console, "Algorithm 1 runs", args.no_progress or out.show.broken) as bar:
        task = bar.add_task("runs", total=None)
        result = run(args.n, widths, args.labels, args.repeats, seed=args.seed, scheduler=args.scheduler,
                     workers=args.workers, chunksize=args.chunksize,
                     progress=lambda done, total: bar.update(task, completed=done, total=total))
    if args.plot and not any(row.interpolates for row in result.rows if row.labels == args.labels[0]):
        raise ArgumentError(f"--plot {args.plot}: no run with labels {args.labels[0]} interpolates, so there is no "
                            "norm to plot; use wider networks (e.g. --width 6log) or drop --plot")
    out.show(result.table(interpolating_only=args.interpolating_only))
    if args.csv:
        result.to_csv(out.temp(args.csv), interpolating_only=args.interpolating_only)
    if args.stats_csv:
        result.to_csv(out.temp(args.stats_csv), stats=True, interpolating_only=args.interpolating_only)
    if args.json:
        out.write_json(result.to_dict(interpolating_only=args.interpolating_only), args.json)
    if args.plot:
        from ..studies.plots import plot_norm_vs_n, plot_norm_vs_width

        if len(set(args.n)) > 1:
            plot_norm_vs_n(result, labels=args.labels[0], path=out.temp(args.plot), interpolating_only=True)
        else:
            plot_norm_vs_width(result, n=args.n[0], labels=args.labels[0], path=out.temp(args.plot),
                               interpolating_only=True)
        out.after(f"wrote {args.plot}")
    return 0


def probability(args, out):
    from ..studies.probability import init_probabilities

    _check_image(args.plot, "--plot")
    out.reserve(args.json, "--json")
    out.reserve(args.plot, "--plot")
    if args.n_pos + args.n_neg == 0:
        raise ArgumentError("--n-pos + --n-neg must be at least 1: at least one datum is needed")
    if args.ns and not args.plot:
        raise ArgumentError("--ns only applies with --plot")
    n = args.n_pos + args.n_neg
    if n * args.width**2 > MAX_EXACT_PROBABILITY_WORK:
        raise ArgumentError(f"--n-pos {args.n_pos} --n-neg {args.n_neg} --width {args.width}: the exact probability "
                            f"would take (n_+ + n_-) m² = {n * args.width**2:.2g} big-integer steps, over the budget "
                            f"{MAX_EXACT_PROBABILITY_WORK:.0e} (about a minute); use limitproc.studies.probability from Python")
    words = -(-args.n_pos // 64) + -(-args.n_neg // 64) + 1
    if args.samples * args.width * words > MAX_MONTE_CARLO_WORK:
        raise ArgumentError(f"--samples {args.samples}: the Monte Carlo would take samples · m · words = "
                            f"{args.samples * args.width * words:.2g} steps, over the budget {MAX_MONTE_CARLO_WORK:.0e} "
                            "(about a minute); draw fewer samples")
    result = init_probabilities(args.n_pos, args.n_neg, args.width, samples=args.samples, seed=args.seed,
                                confidence=args.confidence, method=args.ci)
    out.show(result)
    if args.json:
        out.write_json(result.to_dict(), args.json)
    if args.plot:
        from ..studies.plots import plot_interpolation_threshold

        plot_interpolation_threshold(args.ns or (), splits=[(args.n_pos, args.n_neg)], width=args.width,
                                     samples=args.samples, seed=args.seed, confidence=args.confidence,
                                     method=args.ci, path=out.temp(args.plot))
        out.after(f"wrote {args.plot}")
    return 0


#: Verdicts of ``compare`` that exit 0 (the run follows the path, or ends before its last jump and agrees so far).
AGREEING = ("MATCH", "UNRESOLVED_MATCH", "INCOMPLETE")


def compare(args, out):
    from rich.text import Text

    from ..problem.npz import load_problem
    from ..process.algorithm1 import limit_process
    from ..runs import compare as run
    from ..runs import read_log

    _check_image(args.plot, "--plot")
    out.reserve(args.json, "--json")
    out.reserve(args.plot, "--plot")
    problem = load_problem(args.data, tol=args.tol, allow_zero_labels=args.allow_zero_labels)
    log = read_log(args.log)
    lam, log_inv_lam = args.lam if args.lam is not None else (None, args.log_inv_lam)
    comparison = run(limit_process(problem), log, lam=lam, log_inv_lam=None if lam is not None else log_inv_lam,
                     lr=args.lr, reduction=args.reduction)
    if not args.quiet:
        out.show(comparison)
        for note in comparison.notes:
            out.show(Text(f"note: {note}"))
    if args.json:
        out.write_json(comparison.to_dict(), args.json)
    if args.plot:
        comparison.plot(out.temp(args.plot))
        out.after(f"wrote {args.plot}")
    return 0 if comparison.verdict.name in AGREEING else 1


def reproduce(args, out):
    import dataclasses
    import os
    import tempfile

    from ..reproduce import experiment, experiments, listing

    out.reserve(args.json, "--json")
    if not args.name:
        out.show(listing(experiments()))
        return 0
    chosen = experiment(args.name)  # ExperimentUnavailable (exit 2) for an unknown name
    if not chosen.ready:
        raise ArgumentError(f"{chosen.name} is {chosen.status.value}: {chosen.reason}")
    if not os.path.isdir(args.outdir):
        raise OutputError(f"--outdir {args.outdir}: no such folder")
    png = os.path.join(args.outdir, f"{chosen.name}.png")
    out.reserve(png, "--outdir")
    with tempfile.TemporaryDirectory(dir=args.outdir, prefix=".limitproc-") as scratch, \
            _progress(out.console, f"{chosen.name}{' (--quick)' if args.quick else ''}", args.no_progress) as bar:
        task = bar.add_task("run", total=None)
        result = chosen.run(quick=args.quick, outdir=scratch,
                            progress=lambda done, total: bar.update(task, completed=done, total=total))
        os.replace(result.figure, out.temp(png))  # renamed onto png with the other outputs, once all succeeded
    result = dataclasses.replace(result, figure=png)
    out.show(result)
    if args.json:
        out.write_json(result.to_dict(), args.json)
    out.after(f"wrote {png}")
    return 0


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


#: Command name -> function ``(args, session) -> exit code``.
COMMANDS: dict[str, Callable[[argparse.Namespace, Session], int]] = {
    "predict": predict,
    "check": check,
    "sample": sample,
    "validate": validate,
    "sweep": sweep,
    "probability": probability,
    "compare": compare,
    "reproduce": reproduce,
}
