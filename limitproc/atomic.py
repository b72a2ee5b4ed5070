"""Writing output files atomically.

Every file limitproc writes goes first to a temporary file in the folder of
the requested path, and is renamed onto that path only once it is complete
(:func:`os.replace`, atomic within a file system).  A full disk, an error or
a signal therefore never leaves a truncated file at a requested path.  A
symbolic link is written through (its target is replaced); a path that is
not a regular file (``/dev/null``, ``/dev/stdout``, a named pipe) is written
directly, since renaming onto it would replace the device.
:class:`OutputFiles` groups the outputs of one command: they are renamed
into place together, only after every one of them has been written, and
their temporaries are removed on any failure.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Literal

from .errors import ArgumentTypeError, OutputError

__all__ = ["OutputFiles", "atomic_path"]

_TEMP_PREFIX = ".limitproc-"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _same_file(a: str, b: str) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _shown(path: str) -> str:
    return path if path.isprintable() else repr(path)


class OutputFiles:
    """Output files written together (module docstring).

    Parameters
    ----------
    inputs : iterable of path-like, optional
        Files that must never be overwritten (the command's inputs).

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with OutputFiles() as outputs:
    ...     temp = outputs.reserve(os.path.join(folder, "a.txt"))
    ...     with open(temp, "w") as handle:
    ...         _ = handle.write("complete")
    >>> sorted(os.listdir(folder))
    ['a.txt']
    """

    def __init__(self, inputs: Iterable[str | os.PathLike[str] | None] = ()) -> None:
        self._inputs = [os.fspath(p) for p in inputs if p is not None]
        # (requested path, temporary path or None, option, path replaced)
        self._entries: list[tuple[str, str | None, str | None, str]] = []

    def reserve(self, path: str | os.PathLike[str], option: str | None = None) -> str:
        """A temporary path to write the output ``path`` to.

        Checks, before any work is done, that ``path`` can be written: its
        folder exists, it is not a folder, no other output of the group and
        no input is the same file.  The temporary file is created at once,
        empty, in the same folder.

        Parameters
        ----------
        path : str or path-like
            The output file asked for.
        option : str, optional
            The command-line option that asked for it (``"--json"``), for
            messages.

        Returns
        -------
        str
            The temporary file to write; ``path`` itself when it is not a
            regular file (``/dev/null``, a pipe), which is written directly.

        Raises
        ------
        ArgumentTypeError
            ``path`` is not a string or path-like.
        OutputError
            ``path`` is a folder, its folder does not exist or cannot be
            written, or it is the same file as another output or an input.

        Examples
        --------
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> outputs = OutputFiles()
        >>> temp = outputs.reserve(os.path.join(folder, "r.json"), "--json")
        >>> os.path.dirname(temp) == folder, outputs.paths == [os.path.join(folder, "r.json")]
        (True, True)
        >>> outputs.reserve(os.path.join(folder, "r.json"), "--out")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        limitproc.errors.OutputError: --out ...r.json: the same file as --json; give each output its own path
        >>> outputs.discard()
        """
        if not isinstance(path, (str, os.PathLike)):
            raise ArgumentTypeError(f"an output path must be a string or path-like, got {type(path).__name__}")
        path = os.fspath(path)
        name = f"{option} {_shown(path)}" if option else _shown(path)
        if not path or path.endswith(os.sep) or os.path.basename(path) in ("", ".", ".."):
            raise OutputError(f"{name}: give a file name, not a folder")
        folder = os.path.dirname(path) or "."
        if not os.path.isdir(folder):
            raise OutputError(f"{name}: the folder {_shown(folder)} does not exist")
        if os.path.isdir(path):
            raise OutputError(f"{name}: is a folder")
        target = os.path.realpath(path) if os.path.islink(path) else path  # write through a symlink
        special = _special(path)
        for other, _, other_option, _ in self._entries:
            if not special and _same_file(other, path):
                raise OutputError(f"{name}: the same file as {other_option or other}; give each output its own path")
        for source in self._inputs:
            if not special and os.path.exists(path) and _same_file(source, path):
                raise OutputError(f"{name} would overwrite the input {_shown(source)}; choose another path")
        if special:
            # a device, a pipe or a socket (/dev/null, /dev/stdout, a FIFO): written
            # directly, since renaming onto it would replace it
            if os.path.exists(path) and not os.access(path, os.W_OK):
                raise OutputError(f"{name}: permission denied")
            self._entries.append((path, None, option, path))
            return path
        folder = os.path.dirname(target) or "."
        if not os.path.isdir(folder):
            raise OutputError(f"{name}: the folder {_shown(folder)} does not exist")
        suffix = os.path.splitext(path)[1].lower()
        suffix = suffix if 1 < len(suffix) <= 16 and suffix[1:].isalnum() else ""
        try:
            handle, temp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".tmp" + suffix, dir=folder)
        except OSError as exc:
            raise OutputError(f"{name}: cannot write in {_shown(folder)} ({exc.strerror or exc})") from None
        os.close(handle)
        self._entries.append((path, temp, option, target))
        try:
            mode = os.stat(target).st_mode & 0o777 if os.path.exists(target) else 0o666 & ~_umask()
            os.chmod(temp, mode)
        except OSError:
            pass
        return temp

    @property
    def paths(self) -> list[str]:
        """The requested paths, in the order reserved."""
        return [path for path, _, _, _ in self._entries]

    def commit(self) -> None:
        """Rename every temporary onto its requested path.

        Signals are held while renaming, so that SIGINT/SIGTERM cannot
        leave some outputs renamed and others not; if a rename fails, the
        outputs already renamed are removed and the others discarded.

        Returns
        -------
        None

        Raises
        ------
        OutputError
            A rename failed (nothing of the group is left behind).

        Examples
        --------
        >>> import os, tempfile
        >>> target = os.path.join(tempfile.mkdtemp(), "a.txt")
        >>> outputs = OutputFiles()
        >>> with open(outputs.reserve(target), "w") as handle:
        ...     _ = handle.write("complete")
        >>> os.path.exists(target)
        False
        >>> outputs.commit()
        >>> open(target).read()
        'complete'
        """
        blocked = _block_signals()
        done: list[str] = []
        try:
            for path, temp, option, target in self._entries:
                if temp is None:  # written directly
                    continue
                try:
                    _flush_to_disk(temp)
                    os.replace(temp, target)
                except OSError as exc:
                    for finished in done:
                        with contextlib.suppress(OSError):
                            os.unlink(finished)
                    self.discard()
                    name = f"{option} {_shown(path)}" if option else _shown(path)
                    raise OutputError(f"{name}: cannot be written ({exc.strerror or exc})") from None
                done.append(target)
            self._entries = []
        finally:
            _unblock_signals(blocked)

    def discard(self) -> None:
        """Remove every temporary file (the requested paths are untouched).

        Returns
        -------
        None

        Examples
        --------
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> outputs = OutputFiles()
        >>> _ = outputs.reserve(os.path.join(folder, "a.txt"))
        >>> outputs.discard()
        >>> os.listdir(folder)
        []
        """
        for _, temp, _, _ in self._entries:
            if temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
        self._entries = []

    def __enter__(self) -> OutputFiles:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> Literal[False]:
        if kind is None:
            self.commit()
        else:
            self.discard()
        return False


def _special(path: str) -> bool:
    """Whether ``path`` is not a regular file to replace: a device, a pipe, a
    socket, or a name under ``/dev`` or ``/proc`` (``/dev/stdout`` leads to
    whatever the standard output is)."""
    names = (os.path.abspath(path), os.path.realpath(path))
    if any(name.startswith(("/dev/", "/proc/")) for name in names):
        return True
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:  # does not exist (yet): a regular file will be created
        return False


def _flush_to_disk(path: str) -> None:
    """``fsync`` a written temporary: a full disk shows up here, not after
    the rename (some file systems allocate blocks late)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


_SIGNALS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)}


def _block_signals():
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)


def _unblock_signals(previous):
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], option: str | None = None) -> Iterator[str]:
    """A temporary path to write ``path`` to, renamed into place when the
    ``with`` block succeeds and removed when it fails.

    Parameters
    ----------
    path : str or path-like
        The output file asked for.
    option : str, optional
        The command-line option that asked for it, for messages.

    Yields
    ------
    str
        The temporary file to write (:meth:`OutputFiles.reserve`).

    Raises
    ------
    OutputError
        ``path`` cannot be written (:meth:`OutputFiles.reserve`,
        :meth:`OutputFiles.commit`).

    Examples
    --------
    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "x.txt")
    >>> with atomic_path(target) as temp:
    ...     with open(temp, "w") as handle:
    ...         _ = handle.write("done")
    >>> open(target).read()
    'done'
    """
    with OutputFiles() as outputs:
        yield outputs.reserve(path, option)
