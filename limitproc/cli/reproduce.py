"""``limitproc reproduce``: list the seed papers' experiments, or run one.

Parse, call :mod:`limitproc.reproduce`, render (no mathematics here).  The
table and the progress bar go to stderr when ``--json -`` sends the JSON to
stdout.  Exit codes: 0 success; 2 an unknown experiment, or one that waits for
a feature or is out of scope (its reason on stderr); 3 internal error (under
``limitproc.cli.main``).

    limitproc reproduce                         # list every experiment and its status
    limitproc reproduce seed002-fig1 --quick    # run one (reduced sizes), write its PNG
    limitproc reproduce seed000-fig1 --outdir out --json out/seed000-fig1.json
    python -m limitproc.cli.reproduce seed002-fig1   # the same, before the command is wired into limitproc
"""

import json
import os
import sys

__all__ = ["add_parser", "main", "run"]

#: Table width when the output is not a terminal (a file, a pipe, a CI log).
PIPE_WIDTH = 200


def add_parser(subparsers):
    """Add the ``reproduce`` command to an ``argparse`` subparsers object."""
    parser = subparsers.add_parser(
        "reproduce",
        help="list or run the seed papers' experiments, with the papers' numbers beside ours",
        description="Without NAME: list every registered experiment with its status, sizes and run times. "
                    "With NAME: run it, write its PNG in --outdir and print the paper's numbers beside ours "
                    "(docs/reproductions.md).",
    )
    parser.add_argument("name", nargs="?", help="experiment to run, e.g. seed002-fig1 (omit to list them)")
    parser.add_argument("--quick", action="store_true", help="reduced sizes (for CI; each experiment states them)")
    parser.add_argument("--outdir", default=".", metavar="DIR", help="directory for the PNG (default: .)")
    parser.add_argument("--json", metavar="PATH", help="write the result as JSON ('-' for stdout)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)
    return parser


def _console(to_stderr):
    from rich.console import Console

    console = Console(stderr=to_stderr)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPE_WIDTH
    return console


def _listing(console):
    from rich.table import Table

    from ..reproduce import experiments

    table = Table(title="Experiments of the seed papers (limitproc reproduce NAME [--quick])", title_justify="left",
                  show_lines=False)
    for column in ("name", "paper", "figure", "status", "what / why", "run time"):
        table.add_column(column, overflow="fold")
    for e in experiments():
        style = {"ready": "green", "waiting": "yellow"}.get(e.status.value, "red")
        table.add_row(e.name, e.paper.split()[0], e.figure, f"[{style}]{e.status.value}[/]",
                      e.title if e.ready else f"{e.title}. [{style}]{e.reason}[/]", e.seconds or "—")
    console.print(table)


def _write_json(data, path):
    from ..reproduce.registry import write_json

    if path == "-":
        sys.stdout.write(json.dumps(data, indent=1, allow_nan=False) + "\n")
    else:
        write_json(data, path)


def run(args):
    """Run the ``reproduce`` command from parsed ``args``; returns the exit code."""
    from ..reproduce import ExperimentUnavailable, experiment

    to_stderr = getattr(args, "json", None) == "-"
    console = _console(to_stderr)
    if not args.name:
        _listing(console)
        return 0
    try:
        chosen = experiment(args.name)
        if not chosen.ready:
            raise ExperimentUnavailable(f"{chosen.name} is {chosen.status.value}: {chosen.reason}")
    except ExperimentUnavailable as exc:
        print(f"limitproc: error: {exc}", file=sys.stderr)
        if args.json:
            _write_json({"schema_version": 1, "error": {"type": type(exc).__name__, "message": str(exc)}}, args.json)
        return 2
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(f"{chosen.name}{' (--quick)' if args.quick else ''}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=_console(True), disable=args.no_progress) as bar:
        task = bar.add_task("run", total=None)
        result = chosen.run(quick=args.quick, outdir=args.outdir,
                            progress=lambda done, total: bar.update(task, completed=done, total=total))
    console.print(result)
    if args.json:
        _write_json(result.to_dict(), args.json)
    return 0


def main(argv=None):
    """``python -m limitproc.cli.reproduce [NAME] [--quick] …`` (the same as ``limitproc reproduce``)."""
    import argparse

    parser = argparse.ArgumentParser(prog="limitproc")
    add_parser(parser.add_subparsers(dest="command", required=True))
    return run(parser.parse_args(["reproduce", *(sys.argv[1:] if argv is None else argv)]))


if __name__ == "__main__":
    sys.exit(main())
