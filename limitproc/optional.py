"""Optional dependencies, checked in one place before any work starts.

Every import of a package that is not a base dependency of limitproc goes
through :func:`require`, which names the missing package and gives the
``pip install`` command of the extra that provides it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MissingDependencyError

__all__ = ["EXTRAS", "require"]

#: Optional packages: import name -> (extra of ``pyproject.toml``, what needs it).
EXTRAS: dict[str, tuple[str | None, str]] = {
    "dask": ("dask", "sweep --scheduler (dask.distributed)"),
    "dask.distributed": ("dask", "sweep --scheduler (dask.distributed)"),
    "distributed": ("dask", "sweep --scheduler (dask.distributed)"),
    "matplotlib": (None, "--plot (matplotlib)"),
}


def require(module: str, purpose: str | None = None) -> ModuleType:
    """Import ``module``, or raise :class:`~limitproc.errors.MissingDependencyError`
    with the command that installs it.

    Parameters
    ----------
    module : str
        Import name, e.g. ``"dask.distributed"``.
    purpose : str, optional
        What needs it, for the message (default: from :data:`EXTRAS`).

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    MissingDependencyError
        ``module`` cannot be imported; the message gives the ``pip install``
        command.

    Examples
    --------
    >>> require("json").__name__
    'json'
    >>> require("no_such_module_xyz", "a test")
    Traceback (most recent call last):
    ...
    limitproc.errors.MissingDependencyError: a test needs no_such_module_xyz, which is not installed: pip install no_such_module_xyz
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        extra, needs = EXTRAS.get(module, (None, None))
        install = f"pip install 'limitproc[{extra}]'" if extra else f"pip install {module.split('.')[0]}"
        detail = f" ({exc})" if getattr(exc, "name", None) not in (None, module, module.split(".")[0]) else ""
        raise MissingDependencyError(
            f"{purpose or needs or 'limitproc'} needs {module}, which is not installed{detail}: {install}",
            name=module,
        ) from None
