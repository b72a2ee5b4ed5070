"""``limitproc``: parse, call the library, render.  No mathematics here.

Exit codes (:data:`~limitproc.cli.parser.EXIT_CODES`): 0 success; 1 the
command found a failure (``check``: an assumption; ``validate``: a resolved
run contradicting the prediction); 2 invalid input, an option out of range,
a problem outside the theory, an output that cannot be written, a missing
optional dependency or not enough memory, with one line on stderr; 3
internal error; 130 and 143 interrupted by SIGINT or SIGTERM.

Outputs are written to temporary files and renamed into place together once
the command has succeeded (:mod:`limitproc.cli.output`); on an error or a
signal the requested paths are left untouched.
"""

from __future__ import annotations

import signal
import sys
import threading
import warnings
from collections.abc import Sequence

from ..errors import ArgumentError, LimitprocError
from .commands import COMMANDS
from .output import Session, json_text, write_stdout
from .parser import build_parser

__all__ = ["main", "build_parser"]


class _Signal(BaseException):
    """SIGINT or SIGTERM, turned into an exception so that every ``with``
    block on the way out (temporary files, worker pools) cleans up."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _raise_signal(signum, frame):
    raise _Signal(signum)


def _install_handlers():
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous = {}
    for name in ("SIGINT", "SIGTERM"):
        number = getattr(signal, name, None)
        if number is not None:
            try:
                previous[number] = signal.signal(number, _raise_signal)
            except (OSError, ValueError):  # pragma: no cover - not allowed here
                pass
    return previous


def _restore_handlers(previous):
    for number, handler in previous.items():
        try:
            signal.signal(number, handler)
        except (OSError, ValueError, TypeError):  # pragma: no cover
            pass


def _one_line(text):
    """``text`` on one line: control characters (a newline in a path) escaped."""
    text = str(text)
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _say(prefix, message):
    try:
        print(f"limitproc: {prefix}{_one_line(message)}", file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):  # stderr closed: the exit code still tells
        pass


class _Warnings:
    """Warnings of a run, shown once each on one line after it succeeds (a
    failed run prints only its error line)."""

    def __init__(self):
        self.seen = []

    def __call__(self, message, category, filename, lineno, file=None, line=None):
        text = f"{category.__name__}: {message}"
        if text not in self.seen:
            self.seen.append(text)

    def show(self):
        for text in self.seen:
            _say("warning: ", text)


def _json_option(argv):
    """The ``--json`` path of a command line that failed to parse (or ``None``)."""
    for i, token in enumerate(argv):
        if token == "--":
            return None
        for spelling in ("--json", "--jso", "--js"):
            if token == spelling and i + 1 < len(argv):
                return argv[i + 1]
            if token.startswith(spelling + "="):
                return token.split("=", 1)[1]
    return None


def _error_document(exc, exit_code):
    from ..schema import document

    error = {"type": type(exc).__name__, "message": _one_line(exc) if str(exc) else type(exc).__name__,
             "exit_code": exit_code}
    if getattr(exc, "neurons", ()):
        error["neurons"] = [int(j) for j in exc.neurons]
    if getattr(exc, "time", None) is not None:
        error["time"] = {"exact": str(exc.time), "float": float(exc.time)}
    return document("error", {"error": error})


def _write_error_json(path, exc, exit_code, inputs=()):
    """With ``--json``, a failed run still writes a document saying why
    (``docs/json-schema.md``), atomically; if even that fails, the exit code
    and the line on stderr remain."""
    if not path:
        return
    text = json_text(_error_document(exc, exit_code))
    try:
        if path == "-":
            write_stdout(text)
            return
        from ..atomic import OutputFiles

        with OutputFiles(inputs) as files:
            with open(files.reserve(path, "--json"), "w", encoding="utf-8") as handle:
                handle.write(text)
    except (LimitprocError, OSError, ValueError):
        pass


def _memory_message(exc, command):
    detail = str(exc).strip()
    return (f"out of memory while running {command}" + (f" ({detail})" if detail else "") +
            ": the problem is too large for this machine; try fewer data, neurons or samples")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``limitproc`` with ``argv`` (default ``sys.argv[1:]``) and return
    the exit code (never raises, except with ``--debug`` on an internal error).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name.

    Returns
    -------
    int
        The exit code (:data:`~limitproc.cli.parser.EXIT_CODES`).

    Examples
    --------
    >>> main(["--version"])  # doctest: +ELLIPSIS
    limitproc ...
    0
    >>> main(["check", "no-such-file.npz"])  # one line on stderr: "limitproc: error: no-such-file.npz: no such file"
    2
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    previous = _install_handlers()
    shown, collected = warnings.showwarning, _Warnings()
    warnings.showwarning = collected
    try:
        code = _run(argv)
        if code in (0, 1):
            collected.show()
        return code
    finally:
        warnings.showwarning = shown
        _restore_handlers(previous)


def _run(argv: list[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else 0
    except ArgumentError as exc:
        _say("error: ", exc)
        _write_error_json(_json_option(argv), exc, 2)
        return 2
    except _Signal as exc:
        return 128 + exc.signum
    json_path = getattr(args, "json", None)
    inputs = [args.data] if getattr(args, "data", None) else []
    session = None
    try:
        session = Session(json_to_stdout=json_path == "-", inputs=inputs)
        code = COMMANDS[args.command](args, session)
        session.finish()
        return code
    except _Signal as exc:
        if session is not None:
            session.abandon()
        name = {2: "SIGINT", 15: "SIGTERM"}.get(exc.signum, f"signal {exc.signum}")
        _say("", f"interrupted by {name}; no output written")
        return 128 + exc.signum
    except KeyboardInterrupt:
        if session is not None:
            session.abandon()
        _say("", "interrupted; no output written")
        return 130
    except (LimitprocError, OSError, MemoryError) as exc:
        if isinstance(exc, MemoryError) and not isinstance(exc, LimitprocError):
            message = _memory_message(exc, args.command)
        elif isinstance(exc, OSError) and not isinstance(exc, LimitprocError):
            filename = getattr(exc, "filename", None)
            if filename is not None and session is not None:
                filename = session.requested(filename)
            where = f"{filename}: " if filename is not None else ""
            message = f"{where}{exc.strerror or exc}"
        else:
            message = str(exc)
        if session is not None:
            session.abandon()
        _say("error: ", message)
        _write_error_json(json_path, type(exc)(message) if isinstance(exc, MemoryError) else exc, 2, inputs)
        return 2
    except Exception as exc:  # noqa: BLE001 - last resort: no traceback for users
        if session is not None:
            session.abandon()
        if args.debug:
            raise
        _say("internal error: ", f"{type(exc).__name__}: {exc} (rerun with --debug for the traceback)")
        _write_error_json(json_path, exc, 3, inputs)
        return 3


if __name__ == "__main__":
    sys.exit(main())
