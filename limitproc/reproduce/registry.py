"""The registry of the seed papers' experiments and the results they produce.

An :class:`Experiment` is one figure or quantitative claim of a seed paper:
its name (``seed002-fig1``), the paper's parameters, the reduced sizes of
``--quick`` and the full sizes with their measured run times, and a status.
Only ``ready`` experiments run; the others say what they wait for (a
feature of the library that other work is adding) or why they are outside
this library's scope, and :meth:`Experiment.run` raises
:class:`ExperimentUnavailable` with that reason.

Running an experiment returns a frozen :class:`Reproduction`: one
:class:`Claim` per statement of the paper, the paper's number beside ours
(the limit-process or closed-form prediction, and the measurement on the
simulated flow), a verdict ("reproduced", "differs by …", or
"not comparable: …") with the tolerance used and why, and the PNG written.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import IO, TYPE_CHECKING, Any, cast

import numpy as np

from ..atomic import atomic_path
from ..errors import ExperimentUnavailable
from ..schema import document

if TYPE_CHECKING:
    from rich.console import Group
    from rich.table import Table

    from ..tables import DataTable

__all__ = [
    "Claim",
    "Experiment",
    "ExperimentUnavailable",
    "Reproduction",
    "Status",
    "compare",
    "experiment",
    "experiments",
    "register",
    "write_atomically",
]

#: Version of the JSON document of :meth:`Reproduction.to_dict`.


class Status(Enum):
    """Whether an experiment runs with today's library."""

    READY = "ready"
    WAITING = "waiting"
    OUT_OF_SCOPE = "out of scope"


@dataclass(frozen=True)
class Claim:
    """One statement of a paper, the paper's number beside ours.

    Attributes
    ----------
    claim : str
        What the paper states (and where).
    paper : str
        The paper's number or statement, as printed (``"—"`` when the paper
        gives none, e.g. a value lost in conversion).
    predicted : str
        Our prediction: the limit process, a closed form or a bound.
    measured : str
        Our measurement on the simulated gradient flow (``"—"`` when none).
    verdict : str
        ``"reproduced"``, ``"differs by …"`` or ``"not comparable: …"``.
    tolerance : str
        The tolerance used and why.
    """

    claim: str
    paper: str
    predicted: str
    measured: str
    verdict: str
    tolerance: str

    @property
    def reproduced(self) -> bool:
        """Whether the verdict is ``"reproduced"``."""
        return self.verdict == "reproduced"

    def to_dict(self) -> dict[str, str]:
        """JSON-ready dict of the six fields.

        Returns
        -------
        dict of str to str

        Examples
        --------
        >>> compare("plateau loss", "—", 0.5, 0.5004, rtol=1e-3, why="O(λ^μ)").to_dict()["tolerance"]
        'rtol 0.001: O(λ^μ)'
        """
        return {name: getattr(self, name) for name in
                ("claim", "paper", "predicted", "measured", "verdict", "tolerance")}


def _text(value: Any, digits: int = 4) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "—"
    value = float(value)
    if not np.isfinite(value):
        return str(value)
    return f"{value:.{digits}g}"


def compare(
    claim: str,
    paper: float | str | None,
    predicted: float | str | None,
    measured: float | str | None,
    *,
    ours: float | str | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    why: str = "",
    digits: int = 4,
    reference: float | str | None = None,
) -> Claim:
    """A :class:`Claim` whose verdict compares two numbers.

    ``ours`` (default ``measured``, or ``predicted`` when nothing is
    measured) is compared with ``reference`` (default ``paper``, or
    ``predicted`` when the paper gives no number): "reproduced" when
    ``|ours − reference| ≤ atol + rtol |reference|``, otherwise
    "differs by Δ (x%)".  ``why`` explains the tolerance.

    Parameters
    ----------
    claim : str
        What the paper states, and where.
    paper, predicted, measured : float, str or None
        The paper's number (a string when it gives a statement or none),
        our prediction and our measurement (``None``: none).
    ours : float or str, optional
        The number compared (default above).
    rtol, atol : float, optional
        Relative and absolute tolerances (default 0).
    why : str
        Why this tolerance.
    digits : int
        Significant digits of the numbers shown.
    reference : float or str, optional
        The number compared with (default above).

    Returns
    -------
    Claim

    Examples
    --------
    >>> compare("plateau loss", "—", 0.5, 0.5004, rtol=1e-3, why="O(λ^μ)").verdict
    'reproduced'
    >>> compare("slope", 0.5, None, 0.62, atol=0.05, why="fit error").verdict
    'differs by +0.12 (+24%)'
    """
    if ours is None:
        ours = measured if measured is not None else predicted
    if reference is None:
        reference = paper if not isinstance(paper, str) and paper is not None else predicted
    rtol = 0.0 if rtol is None else float(rtol)
    atol = 0.0 if atol is None else float(atol)
    # both are numbers (or numeric text) for the claims compare is called for
    ours_f, reference_f = float(cast("float | str", ours)), float(cast("float | str", reference))
    gap = ours_f - reference_f
    if np.isfinite(gap) and abs(gap) <= atol + rtol * abs(reference_f):
        verdict = "reproduced"
    else:
        relative = f" ({gap / abs(reference_f):+.0%})" if reference_f != 0 and np.isfinite(gap) else ""
        verdict = f"differs by {gap:+.{min(digits, 3)}g}{relative}"
    parts = []
    if rtol:
        parts.append(f"rtol {rtol:g}")
    if atol:
        parts.append(f"atol {atol:g}")
    tolerance = (" + ".join(parts) or "exact") + (f": {why}" if why else "")
    return Claim(claim, _text(paper, digits), _text(predicted, digits), _text(measured, digits), verdict, tolerance)


@dataclass(frozen=True, eq=False)
class Reproduction:
    """The result of running one experiment.

    Attributes
    ----------
    name, title : str
    quick : bool
        Whether the reduced ``--quick`` sizes were used.
    parameters : dict
        The parameters actually used (sizes, λ, seeds).
    claims : tuple of Claim
    figure : str or None
        The PNG written.
    seconds : float
        Wall-clock time of the run.
    notes : tuple of str
        Differences of setting from the paper and how they were handled.
    data : dict
        JSON-ready measurements behind the table.
    measured_by : str
        What produced the measured column: ``"flow"`` (the simulated gradient
        flow), ``"gradient descent"``, …
    """

    name: str
    title: str
    quick: bool
    parameters: dict[str, Any] = field(repr=False)
    claims: tuple[Claim, ...] = field(repr=False)
    figure: str | None
    seconds: float
    notes: tuple[str, ...] = field(repr=False, default=())
    data: dict[str, Any] = field(repr=False, default_factory=dict)
    measured_by: str = "flow"

    @property
    def reproduced(self) -> int:
        """Number of claims reproduced, out of the claims with a verdict."""
        return sum(c.reproduced for c in self.claims)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with a schema version (``limitproc.reproduction``).

        Returns
        -------
        dict
            The fields, the claims as dicts, numpy values as Python numbers
            and non-finite floats as ``None``.

        Examples
        --------
        >>> claim = compare("slope", 0.5, None, 0.52, atol=0.05, why="fit error")
        >>> doc = Reproduction("demo", "a demo", True, {"n": 8}, (claim,), None, 1.0).to_dict()
        >>> doc["schema"], doc["claims"][0]["verdict"]
        ('limitproc.reproduction', 'reproduced')
        """
        return document("reproduction", {
            "name": self.name,
            "title": self.title,
            "quick": self.quick,
            "parameters": _plain(self.parameters),
            "claims": [c.to_dict() for c in self.claims],
            "figure": self.figure,
            "seconds": self.seconds,
            "notes": list(self.notes),
            "measured_by": self.measured_by,
            "data": _plain(self.data),
        })

    def table(self) -> Table:
        """A rich Table of the claims, the paper's numbers beside ours.

        Returns
        -------
        rich.table.Table

        Examples
        --------
        >>> claim = compare("slope", 0.5, None, 0.52, atol=0.05, why="fit error")
        >>> table = Reproduction("demo", "a demo", True, {}, (claim,), None, 1.0).table()
        >>> table.row_count, table.caption
        (1, '1/1 claims reproduced in 1.0 s')
        """
        from rich.table import Table

        table = Table(title=f"{self.name}: {self.title}" + (" (--quick)" if self.quick else ""),
                      title_justify="left", show_lines=True,
                      caption=f"{self.reproduced}/{len(self.claims)} claims reproduced in {self.seconds:.1f} s"
                              + (f"; figure {self.figure}" if self.figure else ""),
                      caption_justify="left")
        for column in ("claim", "paper", "ours: predicted", f"ours: measured ({self.measured_by})", "verdict",
                       "tolerance and why"):
            table.add_column(column, overflow="fold")
        for c in self.claims:
            style = "green" if c.reproduced else ("yellow" if c.verdict.startswith("not comparable") else "red")
            table.add_row(c.claim, c.paper, c.predicted, c.measured, f"[{style}]{c.verdict}[/]", c.tolerance)
        return table

    def __rich__(self) -> Group:
        from rich.console import Group

        parts: list[Any] = [self.table()]
        if self.notes:
            parts.append("Notes:\n" + "\n".join(f"  • {note}" for note in self.notes))
        return Group(*parts)

    def __str__(self) -> str:
        lines = [f"{self.name}: {self.title}" + (" (--quick)" if self.quick else "")]
        for c in self.claims:
            lines.append(f"  - {c.claim}: paper {c.paper} | predicted {c.predicted} | measured {c.measured} "
                         f"-> {c.verdict} [{c.tolerance}]")
        lines.append(f"  {self.reproduced}/{len(self.claims)} reproduced in {self.seconds:.1f} s"
                     + (f"; figure {self.figure}" if self.figure else ""))
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"Reproduction({self.name!r}, quick={self.quick}, {self.reproduced}/{len(self.claims)} claims "
                f"reproduced, {self.seconds:.1f} s)")


def _plain(value: Any) -> Any:
    """JSON-ready: numpy scalars and arrays to Python, non-finite floats to None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    return value


def write_atomically(path: str, writer: Callable[[IO[Any]], object], mode: str = "w") -> str:
    """Write ``path`` through a temporary file in the same directory, renamed
    over ``path`` once complete (:func:`limitproc.atomic.atomic_path`; the
    directory is created if needed).  ``writer(handle)`` writes the content;
    returns ``path``.

    Parameters
    ----------
    path : str
        The file to write.
    writer : callable
        ``writer(handle)`` writes the content to the open temporary file.
    mode : str
        Mode of :func:`open` (``"w"`` or ``"wb"``).

    Returns
    -------
    str
        ``path``.

    Raises
    ------
    OutputError
        ``path`` cannot be written.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "new", "notes.txt")
    >>> open(write_atomically(path, lambda handle: handle.write("done"))).read()
    'done'
    """
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with atomic_path(path) as temporary, open(temporary, mode) as handle:
        writer(handle)
    return path


def write_json(data: Any, path: str) -> str:
    """``data`` as indented JSON at ``path`` (atomically)."""
    text = json.dumps(data, indent=1, allow_nan=False)
    return write_atomically(path, lambda handle: handle.write(text + "\n"))


@dataclass(frozen=True, eq=False)
class Experiment:
    """One experiment of a seed paper.

    Attributes
    ----------
    name : str
        ``seedNNN-…`` (``seed002-fig1``).
    paper : str
        The seed (``"002"``) and the paper's short name.
    figure : str
        The figure(s) or section reproduced.
    title : str
    parameters : dict
        The paper's parameters (as stated; ``"stripped"`` where lost in
        conversion).
    quick, full : dict
        Our sizes with ``--quick`` and without.
    status : Status
    reason : str
        For a waiting or out-of-scope experiment: what it waits for, or why.
    seconds : str
        Measured wall-clock time of the full and quick runs (2-core machine).
    runner : callable or None
        ``runner(quick, progress, outdir) -> Reproduction``.
    """

    name: str
    paper: str
    figure: str
    title: str
    parameters: dict[str, Any] = field(repr=False)
    quick: dict[str, Any] = field(repr=False, default_factory=dict)
    full: dict[str, Any] = field(repr=False, default_factory=dict)
    status: Status = Status.READY
    reason: str = ""
    seconds: str = ""
    runner: Callable[[bool, Callable[[int, int], object], str], Reproduction] | None = field(repr=False, default=None)

    @property
    def ready(self) -> bool:
        """Whether the status is :attr:`Status.READY`."""
        return self.status is Status.READY

    def run(
        self,
        quick: bool = False,
        progress: Callable[[int, int], object] | None = None,
        outdir: str | os.PathLike[str] = ".",
    ) -> Reproduction:
        """Run the experiment; writes its PNG in ``outdir`` and returns a
        :class:`Reproduction`.

        ``progress(done, total)`` is called as the work advances.  Raises
        :class:`ExperimentUnavailable` unless the status is ready.

        Parameters
        ----------
        quick : bool
            Use the reduced ``--quick`` sizes.
        progress : callable, optional
            ``progress(done, total)``.
        outdir : str or path-like
            Folder of the PNG.

        Returns
        -------
        Reproduction
            With :attr:`Reproduction.seconds` the measured run time.

        Raises
        ------
        ExperimentUnavailable
            The experiment is waiting or out of scope.

        Examples
        --------
        >>> experiment("seed000-e2").run()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        limitproc.errors.ExperimentUnavailable: seed000-e2 is out of scope: ...
        >>> demo = Experiment("demo", "000 demo", "—", "a demo", {},
        ...                   runner=lambda quick, progress, outdir: Reproduction("demo", "a demo", quick, {}, (), None, 0.0))
        >>> demo.run(quick=True).quick
        True
        """
        if not self.ready:
            raise ExperimentUnavailable(f"{self.name} is {self.status.value}: {self.reason}")
        started = time.perf_counter()
        runner = cast("Callable[[bool, Callable[[int, int], object], str], Reproduction]", self.runner)  # ready: set
        result = runner(bool(quick), progress or (lambda done, total: None), str(outdir))
        return _with_seconds(result, time.perf_counter() - started)


def _with_seconds(result: Reproduction, seconds: float) -> Reproduction:
    object.__setattr__(result, "seconds", float(seconds))
    return result


_REGISTRY: dict[str, Experiment] = {}


def register(experiment_: Experiment) -> Experiment:
    """Add an :class:`Experiment` (names are unique).

    Parameters
    ----------
    experiment_ : Experiment
        A ready experiment needs a runner; any other a reason.

    Returns
    -------
    Experiment
        ``experiment_``.

    Raises
    ------
    ValueError
        The name is taken, or a runner or reason is missing.

    Examples
    --------
    >>> register(Experiment("seed002-fig1", "002", "Fig. 1", "again", {}))
    Traceback (most recent call last):
    ...
    ValueError: experiment 'seed002-fig1' is already registered
    """
    if experiment_.name in _REGISTRY:
        raise ValueError(f"experiment {experiment_.name!r} is already registered")
    if experiment_.ready and experiment_.runner is None:
        raise ValueError(f"ready experiment {experiment_.name!r} needs a runner")
    if not experiment_.ready and not experiment_.reason:
        raise ValueError(f"experiment {experiment_.name!r} is {experiment_.status.value} but gives no reason")
    _REGISTRY[experiment_.name] = experiment_
    return experiment_


def experiments() -> tuple[Experiment, ...]:
    """Every registered experiment, by paper then name.

    Returns
    -------
    tuple of Experiment

    Examples
    --------
    >>> [e.name for e in experiments() if e.name.startswith("seed003")]
    ['seed003-alignment', 'seed003-fig10-13', 'seed003-fig5', 'seed003-fig6', 'seed003-fig7-8', 'seed003-fig9']
    """
    return tuple(sorted(_REGISTRY.values(), key=lambda e: e.name))


def experiment(name: str) -> Experiment:
    """The experiment called ``name`` (:class:`ExperimentUnavailable` if unknown).

    Parameters
    ----------
    name : str
        ``seedNNN-…``.

    Returns
    -------
    Experiment

    Raises
    ------
    ExperimentUnavailable
        No experiment has that name (the message lists the paper's).

    Examples
    --------
    >>> experiment("seed002-fig1").ready
    True
    >>> experiment("seed003-nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    limitproc.errors.ExperimentUnavailable: no experiment called 'seed003-nope'; experiments of that paper: seed003-alignment, ...
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        close = [e.name for e in experiments() if name.split("-")[0] in e.name]
        hint = f"; experiments of that paper: {', '.join(close)}" if close else ""
        raise ExperimentUnavailable(f"no experiment called {name!r}{hint} (limitproc reproduce lists them)") from None


def listing(entries: Iterable[Experiment]) -> DataTable:
    """A :class:`~limitproc.tables.DataTable` of experiments: name, paper,
    figure, status, what it reproduces (or why it cannot run yet) and its
    measured run times.

    Parameters
    ----------
    entries : iterable of Experiment
        E.g. :func:`experiments`.

    Returns
    -------
    DataTable

    Examples
    --------
    >>> listing([experiment("seed002-fig1")]).rows[0][:4]
    ('seed002-fig1', '002', 'Fig. 1 (App. A.1)', '[green]ready[/]')
    """
    from ..tables import Column, DataTable

    columns = (
        Column("name", numeric=False, meaning="run it with limitproc reproduce NAME [--quick]", max_width=19),
        Column("paper", numeric=False, meaning="the seed paper (000, 001, 002, 003)", max_width=5),
        Column("figure", numeric=False, meaning="the figure or section reproduced", max_width=14),
        Column("status", numeric=False, meaning="ready; waiting (for a feature named in the last column); "
                                                "out of scope (why, in the last column)", max_width=8),
        Column("what / why", numeric=False),
        Column("run time", numeric=False, meaning="measured full / --quick run (2-core machine)", max_width=12),
    )
    rows = []
    for e in entries:
        style = {"ready": "green", "waiting": "yellow"}.get(e.status.value, "red")
        what = e.title if e.ready else f"{e.title}. [{style}]{e.reason}[/]"
        rows.append((e.name, e.paper.split()[0], e.figure, f"[{style}]{e.status.value}[/]", what, e.seconds or "—"))
    return DataTable("Experiments of the seed papers", columns, tuple(rows))

