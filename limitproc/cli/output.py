"""What a command writes: tables, JSON on stdout, and files, all or nothing.

A :class:`Session` holds the outputs of one command.  Output paths are
reserved when the command starts (:class:`~limitproc.atomic.OutputFiles`:
their folders are checked and a temporary file is created beside each, so a
bad path fails before any work); the command writes into the temporaries;
:meth:`Session.finish` then prints the JSON meant for stdout and renames every
file into place together.  On any failure or signal the temporaries are
removed and the requested paths are left as they were.

User text (paths, messages) never reaches rich as markup.
"""

from __future__ import annotations

import errno
import json
import math
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..atomic import OutputFiles
from ..errors import OutputError

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

__all__ = ["PIPE_WIDTH", "Session", "strict_json", "write_stdout"]

#: Width of the tables when the output is not a terminal (a file, a pipe, a CI
#: log), unless ``COLUMNS`` says otherwise: wide enough for every column.
PIPE_WIDTH = 200


def strict_json(value: Any) -> Any:
    """``value`` with numpy scalars as Python numbers and every non-finite
    float as ``None``: ``json.dumps(..., allow_nan=False)`` always succeeds.

    Parameters
    ----------
    value : object
        Nested dicts, lists, tuples, numpy arrays and numbers.

    Returns
    -------
    object
        The same structure with plain Python values (tuples and arrays as
        lists, dict keys as strings); other values unchanged.

    Examples
    --------
    >>> strict_json({"a": [1.0, float("nan")], "b": np.float64("inf"), "c": np.int64(3)})
    {'a': [1.0, None], 'b': None, 'c': 3}
    """
    if isinstance(value, dict):
        return {str(k): strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return strict_json(value.tolist())
    return value


def json_text(data: Any) -> str:
    return json.dumps(strict_json(data), indent=1, allow_nan=False, ensure_ascii=False) + "\n"


def _stdout_usable() -> bool:
    stream = sys.stdout
    return stream is not None and not getattr(stream, "closed", False)


def write_stdout(text: str, option: str = "--json -") -> None:
    """Write ``text`` to stdout; a closed stdout or a broken pipe is an
    :class:`~limitproc.errors.OutputError`.

    Parameters
    ----------
    text : str
        What to write (flushed at once).
    option : str
        The option that asked for stdout, for messages.

    Returns
    -------
    None

    Raises
    ------
    OutputError
        Standard output is closed, its reader closed it, or it cannot be
        written.

    Examples
    --------
    >>> write_stdout('{"ok": true}\\n')
    {"ok": true}
    """
    if not _stdout_usable():
        raise OutputError(f"{option}: standard output is closed")
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise OutputError(f"{option}: standard output was closed by its reader (broken pipe)") from None
    except (OSError, ValueError) as exc:
        raise OutputError(f"{option}: cannot write to standard output ({exc})") from None


def _silence_stdout() -> None:
    """After a broken pipe, point fd 1 at /dev/null so that the interpreter's
    final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


class _Shown:
    """Tables and notes for a human: to stdout, or stderr when stdout carries
    JSON.  A closed stream or a broken pipe stops the display, not the
    command."""

    def __init__(self, to_stderr: bool) -> None:
        self.to_stderr = to_stderr
        self._console: Console | None = None
        self.broken = False

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            stream = sys.stderr if self.to_stderr else sys.stdout
            if stream is None or getattr(stream, "closed", False):
                self.broken = True
                stream = open(os.devnull, "w")
            console = Console(file=stream, emoji=False, highlight=False)
            if not console.is_terminal and "COLUMNS" not in os.environ:
                console.width = PIPE_WIDTH
            self._console = console
        return self._console

    def __call__(self, renderable: RenderableType) -> None:
        if self.broken:
            return
        try:
            self.console.print(renderable)
        except (OSError, ValueError) as exc:
            if isinstance(exc, OSError) and exc.errno not in (errno.EPIPE, errno.EBADF):
                raise
            self.broken = True
            if isinstance(exc, BrokenPipeError) and not self.to_stderr:
                _silence_stdout()

    def text(self, message: str) -> None:
        """A plain line: never markup (it may hold a user's path)."""
        from rich.text import Text

        self(Text(message))


class Session:
    """The outputs of one command (module docstring).

    Parameters
    ----------
    json_to_stdout : bool
        ``--json -``: JSON on stdout, tables on stderr.
    inputs : iterable of str
        Input files no output may overwrite.

    Raises
    ------
    OutputError
        ``json_to_stdout`` while standard output is closed.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "out.json")
    >>> session = Session()
    >>> temp = session.reserve(path, "--json")
    >>> session.write_json({"mu": float("inf")}, path)
    >>> os.path.exists(path)  # written only by finish()
    False
    >>> session.finish()
    >>> print(open(path).read())
    {
     "mu": null
    }
    <BLANKLINE>
    """

    def __init__(self, json_to_stdout: bool = False, inputs: Iterable[str] = ()) -> None:
        self.files: OutputFiles = OutputFiles(inputs)
        self.show: _Shown = _Shown(to_stderr=json_to_stdout)
        self._stdout: list[str] = []
        self._temps: dict[str, str] = {}
        self._after: list[str] = []
        if json_to_stdout and not _stdout_usable():
            raise OutputError("--json -: standard output is closed")

    @property
    def console(self) -> Console:
        """The rich console of the tables (for progress bars)."""
        return self.show.console

    def reserve(self, path: str | None, option: str) -> str | None:
        """A temporary path for the output ``path`` of ``option`` (``None``
        when the option is not given or is ``-``).

        Parameters
        ----------
        path : str or None
            The output asked for.
        option : str
            The option that asked for it (``"--out"``), for messages.

        Returns
        -------
        str or None

        Raises
        ------
        OutputError
            ``path`` cannot be written
            (:meth:`~limitproc.atomic.OutputFiles.reserve`).

        Examples
        --------
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "out.json")
        >>> session = Session()
        >>> temp = session.reserve(path, "--json")
        >>> os.path.dirname(temp) == os.path.dirname(path), session.reserve("-", "--json")
        (True, None)
        >>> session.abandon()
        """
        if path is None or path == "-":
            return None
        temp = self.files.reserve(path, option)
        self._temps[path] = temp
        return temp

    def write_json(self, data: Any, path: str, option: str = "--json") -> None:
        """Write ``data`` as strict JSON to ``path`` (``-``: stdout, printed by
        :meth:`finish`).

        Parameters
        ----------
        data : object
            JSON-ready data (:func:`strict_json` is applied).
        path : str
            A path reserved with :meth:`reserve`, or ``"-"``.
        option : str
            The option, for messages.

        Returns
        -------
        None

        Examples
        --------
        >>> session = Session(json_to_stdout=True)
        >>> session.write_json({"k": 2}, "-")
        >>> session.finish()
        {
         "k": 2
        }
        """
        text = json_text(data)
        if path == "-":
            self._stdout.append(text)
            return
        with open(self.temp(path), "w", encoding="utf-8") as handle:
            handle.write(text)

    def temp(self, path: str) -> str:
        """The temporary file reserved for ``path``.

        Parameters
        ----------
        path : str
            A path reserved with :meth:`reserve`.

        Returns
        -------
        str

        Raises
        ------
        KeyError
            ``path`` was not reserved.

        Examples
        --------
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "out.json")
        >>> session = Session()
        >>> temp = session.reserve(path, "--json")
        >>> session.temp(path) == temp
        True
        >>> session.abandon()
        """
        return self._temps[path]

    def requested(self, path: str) -> str:
        """The requested path of a temporary file (``path`` itself otherwise),
        for messages that name the file.

        Parameters
        ----------
        path : str
            A temporary file, or any path.

        Returns
        -------
        str

        Examples
        --------
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "out.json")
        >>> session = Session()
        >>> temp = session.reserve(path, "--json")
        >>> session.requested(temp) == path, session.requested("other.npz")
        (True, 'other.npz')
        >>> session.abandon()
        """
        for requested, temp in self._temps.items():
            if path == temp:
                return requested
        return path

    def after(self, message: str) -> None:
        """A line to show once every file is in place (``wrote …``).

        Parameters
        ----------
        message : str
            Plain text (never read as markup).

        Returns
        -------
        None

        Examples
        --------
        >>> session = Session()
        >>> session.after("wrote nothing")
        >>> session.finish()
        wrote nothing
        """
        self._after.append(message)

    def finish(self) -> None:
        """Print the stdout JSON, then rename every file into place.

        Returns
        -------
        None

        Raises
        ------
        OutputError
            Standard output or a file cannot be written.

        Examples
        --------
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "out.json")
        >>> session = Session()
        >>> temp = session.reserve(path, "--json")
        >>> session.write_json([1, 2], path)
        >>> session.finish()
        >>> open(path).read()
        '[\\n 1,\\n 2\\n]\\n'
        """
        for text in self._stdout:
            write_stdout(text)
        self._stdout = []
        self.files.commit()
        self._temps = {}
        for message in self._after:
            self.show.text(message)

    def abandon(self) -> None:
        """Remove every temporary; nothing is printed or renamed.

        Returns
        -------
        None

        Examples
        --------
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "out.json")
        >>> session = Session()
        >>> temp = session.reserve(path, "--json")
        >>> session.abandon()
        >>> os.path.exists(temp), os.path.exists(path)
        (False, False)
        """
        self._stdout = []
        self.files.discard()
        self._temps = {}
