"""The ``limitproc`` command: parse, call the library, render (no mathematics here).

* :mod:`~limitproc.cli.parser`: the options, each checked as it is read, and
  the exit codes;
* :mod:`~limitproc.cli.commands`: the six commands;
* :mod:`~limitproc.cli.output`: tables, JSON and files, written atomically;
* :mod:`~limitproc.cli.main`: :func:`main`, errors to exit codes, signals.
"""

from .main import main
from .parser import EXIT_CODES, build_parser

__all__ = ["EXIT_CODES", "build_parser", "main"]
