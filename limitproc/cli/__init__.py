"""The ``limitproc`` command: parse, call the library, render (no mathematics here)."""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
