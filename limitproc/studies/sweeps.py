"""Parameter sweeps of Algorithm 1: implicit bias against ``n`` and ``m``.

:func:`sweep` runs Algorithm 1 (spec §3) on random problems over a grid of
data counts ``n``, widths ``m`` (fixed, or a rule ``m = ⌈C ln n⌉``), label
distributions and repeats, with identity inputs (``X = I_n``, as in seed 002
Appendix A), and records per run the number of jumps, the final loss, whether
it interpolates, the squared norm ``||θ_K||²`` of the final saddle, the
minimum-norm value ``||θ*||² = 2 (||y_+|| + ||y_-||)`` (spec §4) and their
ratio, the implicit bias ratio of seed 002 Theorem 3.

Randomness.  Every run draws its problem from its own
:class:`numpy.random.SeedSequence`: the labels from
``(seed; 0, n, labels, repeat)`` and the initialization (spec §1: Gaussian
directions, which :class:`~limitproc.problem.Problem` normalizes, and
uniform ±1 signs) from ``(seed; 1, n, m, repeat)``.  A run is thus a
function of its grid point and repeat alone: results do not depend on the
number of workers, the chunking or the order of completion, the labels of a
repeat are the same at every width (so a width study compares widths on the
same data), and the initialization of a repeat is shared by the label
distributions.  :func:`sample_problem` rebuilds the problem of any row.

Parallelism.  Runs take milliseconds, so they are sent in chunks of about
equal work, heaviest first (:func:`_chunks`).  Locally
the default is a :class:`concurrent.futures.ProcessPoolExecutor`: it starts
in a fraction of a second and needs nothing beyond the standard library,
where a dask ``LocalCluster`` takes seconds to start (scheduler, nannies,
dashboard) for a study that itself takes seconds.  Given ``scheduler`` (an
address such as ``"tcp://host:8786"``, a ``distributed.Client``, a cluster
object, or ``"local"`` for a fresh ``LocalCluster``), the same chunks run
on dask; ``limitproc`` must be importable on its workers.

One module although past 600 lines: the sweep grid, its chunked evaluation on processes or dask and its result table are one
concept that reads better whole (about 300 lines of code; the rest is numpydoc and examples).
"""

from __future__ import annotations

import csv
import json
import math
import os
import time
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

import numpy as np

from ..arguments import check_choice, check_int
from ..errors import ArgumentError, ArgumentTypeError
from ..optional import require
from ..schema import document
from .fits import loglog_fit
from .grid import (
    LABEL_DISTRIBUTIONS,
    LogWidth,
    SweepRow,
    _plain,
    _run,
    _run_chunk,
    parse_width,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any, Literal

    from ..tables import DataTable
    from .fits import LogLogFit

__all__ = ["METRICS", "SCHEMA", "SweepResult", "SweepStats", "sweep"]

#: Schema tag of :meth:`SweepResult.to_dict` (``limitproc.schema``; the
#: document also has ``"schema_version"``).
SCHEMA = "limitproc.sweep"

#: Tags read by :meth:`SweepResult.from_dict` (``"limitproc.sweep/1"``: before
#: schema_version).
_READ_SCHEMAS = (SCHEMA, "limitproc.sweep/1")

#: Per-run numbers summarized by :meth:`SweepResult.stats`.
METRICS = ("K", "loss", "sq_norm", "min_sq_norm", "ratio", "l1_sq_norm", "zero_rows", "zero_columns", "groups")

@dataclass(frozen=True)
class SweepStats:
    """Summary of the runs of one grid point ``(n, width, labels)``.

    Attributes
    ----------
    n : int
    width : str
    m : int
        The width (the same for every run of the point).
    labels : str
    runs : int
        Runs at this point.
    used : int
        Runs summarized in ``mean``/``min``/``max``: those with status
        ``"ok"`` (and interpolating, when asked).
    interpolating, two_phase, assumption4, ties : float
        Fractions of all runs that interpolate, satisfy seed 000
        Assumption 3, satisfy seed 002 Assumption 4(i), and hit a tie.
    mean, min, max : dict of str to float
        Per metric of :data:`METRICS` (NaN when ``used == 0``).

    Examples
    --------
    >>> point = sweep([8], [3], repeats=2, seed=0, workers=1).stats()[0]
    >>> point.n, point.m, point.runs, sorted(point.mean) == sorted(METRICS)
    (8, 3, 2, True)
    """

    n: int
    width: str
    m: int
    labels: str
    runs: int
    used: int
    interpolating: float
    two_phase: float
    assumption4: float
    ties: float
    mean: dict[str, float]
    min: dict[str, float]
    max: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """The summary as one flat JSON-ready record (a CSV row).

        Returns
        -------
        dict
            ``n``, ``width``, ``m``, ``labels``, ``runs``, ``used``, the four
            fractions, then ``mean_<metric>``, ``min_<metric>`` and
            ``max_<metric>`` for every metric of :data:`METRICS` (NaN as
            ``None``).

        Examples
        --------
        >>> record = sweep([8], [3], repeats=2, seed=0, workers=1).stats()[0].to_dict()
        >>> list(record)[:6], "mean_ratio" in record
        (['n', 'width', 'm', 'labels', 'runs', 'used'], True)
        """
        out = {key: _plain(getattr(self, key)) for key in ("n", "width", "m", "labels", "runs", "used")}
        out.update({key: getattr(self, key) for key in ("interpolating", "two_phase", "assumption4", "ties")})
        for kind in ("mean", "min", "max"):
            out.update({f"{kind}_{metric}": _plain(value) for metric, value in getattr(self, kind).items()})
        return out


@dataclass(frozen=True)
class SweepResult:
    """Rows of a :func:`sweep`, in grid order, with summaries.

    Attributes
    ----------
    rows : tuple of SweepRow
        Sorted by ``n``, width, labels (in the order given) and repeat.
    ns : tuple of int
    widths : tuple of str
    labels : tuple of str
    repeats : int
    seed : int
    seconds : float
        Wall-clock time of the sweep (not compared).

    Examples
    --------
    >>> result = sweep([8, 16], [3], repeats=2, seed=0, workers=1)
    >>> len(result.rows), result.ns, result.widths, result.labels
    (4, (8, 16), ('3',), ('gaussian',))
    """

    rows: tuple[SweepRow, ...]
    ns: tuple[int, ...]
    widths: tuple[str, ...]
    labels: tuple[str, ...]
    repeats: int
    seed: int
    seconds: float = field(default=0.0, compare=False)

    def select(
        self, *, n: int | None = None, width: str | int | LogWidth | None = None, labels: str | None = None
    ) -> tuple[SweepRow, ...]:
        """The rows with the given ``n``, width and/or labels.

        Parameters
        ----------
        n : int, optional
            Number of data.
        width : str, int or LogWidth, optional
            A width as :func:`~limitproc.studies.grid.parse_width` reads it
            (``3``, ``"3"``, ``"4log"``).
        labels : str, optional
            Label distribution.

        Returns
        -------
        tuple of SweepRow
            The matching rows in grid order (all rows when nothing is given).

        Raises
        ------
        ArgumentError
            A width that cannot be read.

        Examples
        --------
        >>> result = sweep([8, 16], [3], repeats=2, seed=0, workers=1)
        >>> [(row.n, row.repeat) for row in result.select(n=16, width=3)]
        [(16, 0), (16, 1)]
        """
        width = None if width is None else str(parse_width(width))
        return tuple(
            row
            for row in self.rows
            if (n is None or row.n == n)
            and (width is None or row.width == width)
            and (labels is None or row.labels == labels)
        )

    def stats(self, *, interpolating_only: bool = False) -> tuple[SweepStats, ...]:
        """Mean, min and max of :data:`METRICS` per grid point.

        With ``interpolating_only`` only interpolating runs enter the
        summaries of the metrics (the non-interpolating ones stop short and
        their squared norm is not that of an interpolator).

        Parameters
        ----------
        interpolating_only : bool
            Summarize the interpolating runs only (the fractions still count
            every run).

        Returns
        -------
        tuple of SweepStats
            One per grid point ``(n, width, labels)``, in grid order.

        Examples
        --------
        >>> result = sweep([8, 16], [3], repeats=2, seed=0, workers=1)
        >>> [(point.n, point.runs) for point in result.stats()]
        [(8, 2), (16, 2)]
        >>> all(point.used <= point.runs for point in result.stats(interpolating_only=True))
        True
        """
        groups: dict[tuple[int, str, str], list[SweepRow]] = {}
        for row in self.rows:
            groups.setdefault((row.n, row.width, row.labels), []).append(row)
        out = []
        for (n, width, labels), rows in groups.items():
            used = [r for r in rows if r.status == "ok" and (r.interpolates or not interpolating_only)]
            values = {
                metric: np.array([getattr(r, metric) for r in used], dtype=float)  # "ok" rows: no None
                for metric in METRICS
            }

            def reduce(function):
                return {metric: float(function(v)) if v.size else math.nan for metric, v in values.items()}

            def fraction(key):
                return float(np.mean([bool(getattr(r, key)) for r in rows]))

            out.append(
                SweepStats(
                    n, width, rows[0].m, labels, len(rows), len(used),
                    fraction("interpolates"), fraction("two_phase"), fraction("assumption4"),
                    float(np.mean([r.status == "tie" for r in rows])),
                    reduce(np.mean), reduce(np.min), reduce(np.max),
                )  # fmt: skip
            )
        return tuple(out)

    def slopes(
        self, metric: str = "sq_norm", *, x: Literal["n", "m"] = "n", interpolating_only: bool = True
    ) -> dict[tuple[str | int, str], LogLogFit]:
        """Log-log slopes of the mean of ``metric`` against ``n`` (or ``m``).

        One fit per series: per (width, labels) against ``n``, or per
        (n, labels) against ``m`` with ``x="m"``.  Series with fewer than two
        distinct abscissae are left out.  Seed 002 Figure 5: how
        ``||θ_K||²`` grows with ``n``.

        Parameters
        ----------
        metric : str
            One of :data:`METRICS`.
        x : {"n", "m"}
            The abscissa.
        interpolating_only : bool
            Fit the means over interpolating runs only (:meth:`stats`).

        Returns
        -------
        dict of (str or int, str) to LogLogFit
            Keyed by (width, labels) for ``x="n"``, by (n, labels) for
            ``x="m"``.

        Raises
        ------
        ValueError
            ``x`` is neither ``"n"`` nor ``"m"``.

        Examples
        --------
        >>> result = sweep([16, 64], ["6log"], repeats=2, seed=1, workers=1)
        >>> fits = result.slopes()
        >>> list(fits), fits["6log", "gaussian"].points
        ([('6log', 'gaussian')], 2)
        """
        if x not in ("n", "m"):
            raise ValueError(f"x must be 'n' or 'm', got {x!r}")
        series: dict[tuple[str | int, str], list[tuple[int, float]]] = {}
        for point in self.stats(interpolating_only=interpolating_only):
            key = (point.width if x == "n" else point.n, point.labels)
            series.setdefault(key, []).append((point.n if x == "n" else point.m, point.mean[metric]))
        fits = {}
        for key, values in series.items():
            xs, ys = np.array(values).T
            try:
                fits[key] = loglog_fit(xs, ys)
            except ValueError:
                continue
        return fits

    def to_dict(self, *, interpolating_only: bool = False) -> dict[str, Any]:
        """JSON-ready dictionary: settings, rows and per-point stats.

        Parameters
        ----------
        interpolating_only : bool
            Passed to :meth:`stats`.

        Returns
        -------
        dict
            A ``limitproc.sweep`` document (:data:`SCHEMA`, with
            ``schema_version``): the grid, ``rows`` (:meth:`SweepRow.to_dict`)
            and ``stats`` (:meth:`SweepStats.to_dict`).

        Examples
        --------
        >>> doc = sweep([8], [3], repeats=1, seed=0, workers=1).to_dict()
        >>> doc["schema"], doc["ns"], len(doc["rows"]), len(doc["stats"])
        ('limitproc.sweep', [8], 1, 1)
        """
        return document("sweep", {
            "ns": list(self.ns),
            "widths": list(self.widths),
            "labels": list(self.labels),
            "repeats": self.repeats,
            "seed": self.seed,
            "seconds": self.seconds,
            "interpolating_only": interpolating_only,
            "rows": [row.to_dict() for row in self.rows],
            "stats": [point.to_dict() for point in self.stats(interpolating_only=interpolating_only)],
        })

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SweepResult:
        """Rebuild a result from :meth:`to_dict` output (e.g. a JSON file).

        Parameters
        ----------
        data : mapping
            A ``limitproc.sweep`` document (also the older
            ``limitproc.sweep/1``).

        Returns
        -------
        SweepResult
            Equal to the result that wrote ``data`` (``seconds`` is not
            compared).

        Raises
        ------
        ValueError
            ``data`` is not a sweep document.

        Examples
        --------
        >>> result = sweep([8], [3], repeats=2, seed=0, workers=1)
        >>> SweepResult.from_dict(result.to_dict()) == result
        True
        """
        if data.get("schema") not in _READ_SCHEMAS:
            raise ValueError(f"not a sweep result: schema {data.get('schema')!r}, expected {SCHEMA!r}")
        names = [f.name for f in fields(SweepRow)]
        rows = tuple(SweepRow(**{k: row[k] for k in names}) for row in data["rows"])
        return cls(
            rows, tuple(data["ns"]), tuple(data["widths"]), tuple(data["labels"]),
            data["repeats"], data["seed"], data.get("seconds", 0.0),
        )  # fmt: skip

    def to_json(self, path: str | os.PathLike[str], *, interpolating_only: bool = False) -> str | None:
        """Write :meth:`to_dict` as JSON to ``path`` (``"-"``: return the text).

        Parameters
        ----------
        path : str or path-like
            The file, or ``"-"`` for the text itself.
        interpolating_only : bool
            Passed to :meth:`to_dict`.

        Returns
        -------
        str or None
            The JSON text for ``"-"``, else ``None``.

        Examples
        --------
        >>> import json
        >>> text = sweep([8], [3], repeats=1, seed=0, workers=1).to_json("-")
        >>> json.loads(text)["schema"]
        'limitproc.sweep'
        """
        text = json.dumps(self.to_dict(interpolating_only=interpolating_only), indent=1)
        if str(path) == "-":
            return text
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        return None

    @classmethod
    def read_json(cls, path: str | os.PathLike[str]) -> SweepResult:
        """Read a result written by :meth:`to_json`.

        Parameters
        ----------
        path : str or path-like
            A JSON file of :meth:`to_json`.

        Returns
        -------
        SweepResult

        Raises
        ------
        ValueError
            The file is not a sweep document.

        Examples
        --------
        >>> import os, tempfile
        >>> result = sweep([8], [3], repeats=2, seed=0, workers=1)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     result.to_json(os.path.join(folder, "sweep.json"))
        ...     SweepResult.read_json(os.path.join(folder, "sweep.json")) == result
        True
        """
        with open(path, encoding="utf-8") as handle:
            return cls.from_dict(json.load(handle))

    def to_csv(self, path: str | os.PathLike[str], *, stats: bool = False, interpolating_only: bool = False) -> None:
        """Write the rows (or, with ``stats``, the per-point summaries) as CSV.

        Parameters
        ----------
        path : str or path-like
            The file.
        stats : bool
            One line per grid point (:meth:`SweepStats.to_dict`) instead of
            one per run (:meth:`SweepRow.to_dict`).
        interpolating_only : bool
            Passed to :meth:`stats`.

        Returns
        -------
        None

        Raises
        ------
        ValueError
            The sweep has no rows.

        Examples
        --------
        >>> import os, tempfile
        >>> result = sweep([8], [3], repeats=2, seed=0, workers=1)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     result.to_csv(os.path.join(folder, "rows.csv"))
        ...     with open(os.path.join(folder, "rows.csv")) as handle:
        ...         handle.readline().split(",")[:4], len(handle.readlines())
        (['n', 'width', 'm', 'labels'], 2)
        """
        records = (
            [point.to_dict() for point in self.stats(interpolating_only=interpolating_only)]
            if stats
            else [row.to_dict() for row in self.rows]
        )
        if not records:
            raise ValueError("the sweep has no rows")
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in records)

    def table(self, *, interpolating_only: bool = False) -> DataTable:
        """A :class:`~limitproc.tables.DataTable`: one row per grid point, with
        a legend.

        The implicit-bias ratio ``||θ_K||²/||θ*||²`` (seed 002 Theorem 3) is
        summarized over the interpolating runs only, whatever
        ``interpolating_only`` says: a run that stops short of interpolation
        has no interpolator to compare; ``—`` where none interpolates.

        Parameters
        ----------
        interpolating_only : bool
            Summarize ``K`` and the squared norms over the interpolating runs
            only (the fractions still count every run).

        Returns
        -------
        DataTable
            Printable with rich, ``_repr_html_`` in notebooks.

        Examples
        --------
        >>> result = sweep([8], [1], repeats=2, seed=0, workers=1)
        >>> table = result.table(interpolating_only=True)
        >>> [column.header for column in table.columns][-2:], table.rows[0][-2:]
        (['ratio', 'ratio min–max'], ('—', '—'))
        """
        from ..tables import Column, DataTable

        scope = "interpolating runs" if interpolating_only else "runs that completed (status ok)"
        columns = (
            Column("n", meaning="number of data"),
            Column("width", meaning="the width asked for: an integer, or a rule such as 5log for m = ⌈5 ln n⌉"),
            Column("m", meaning="number of neurons"),
            Column("labels", numeric=False, meaning="label distribution"),
            Column("runs", meaning="runs at this grid point"),
            Column("interp.", meaning="share of the runs whose last saddle interpolates (loss 0)"),
            Column("ties", meaning="share of the runs stopped by a true tie (spec §5)"),
            Column("K", meaning=f"mean number of jumps over the {scope}"),
            Column("||θ_K||²", meaning=f"mean squared norm of the last saddle over the {scope}"),
            Column("||θ*||²", meaning=f"mean minimum-norm value 2(||y₊|| + ||y₋||) (spec §4) over the {scope}"),
            Column("ratio", meaning="mean ||θ_K||²/||θ*||² over the interpolating runs (seed 002 Theorem 3); "
                                    "'—' when none interpolates"),
            Column("ratio min–max", meaning="its smallest and largest value over the interpolating runs"),
        )
        chosen = self.stats(interpolating_only=interpolating_only)
        ratios = self.stats(interpolating_only=True)

        def value(x: float, form: str = ".4g") -> str:
            return "—" if math.isnan(x) else format(x, form)

        rows = []
        for point, bias in zip(chosen, ratios):
            rows.append((
                str(point.n), point.width, str(point.m), point.labels, str(point.runs),
                f"{point.interpolating:.0%}", f"{point.ties:.0%}",
                value(point.mean["K"]), value(point.mean["sq_norm"]), value(point.mean["min_sq_norm"]),
                value(bias.mean["ratio"]),
                "—" if not bias.used else f"{bias.min['ratio']:.3f}–{bias.max['ratio']:.3f}",
            ))  # fmt: skip
        title = f"Algorithm 1 sweep: {len(self.rows)} runs, seed {self.seed}"
        notes = ("summaries over the interpolating runs only (--interpolating-only)",) if interpolating_only else ()
        return DataTable(title, columns, tuple(rows), notes)

    def __str__(self) -> str:
        table = self.table()
        head = [c.header for c in table.columns]
        widths = [max(len(h), *(len(r[i]) for r in table.rows)) if table.rows else len(h) for i, h in enumerate(head)]
        lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths))]
        lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in table.rows]
        return "\n".join(lines)

    def __rich__(self) -> DataTable:
        return self.table()

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def _available_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def sweep(
    ns: Iterable[int],
    ms: Iterable[int | str | LogWidth],
    labels: str | Iterable[str] = ("gaussian",),
    repeats: int = 3,
    *,
    seed: int = 0,
    scheduler: Any = None,
    workers: int | None = None,
    progress: Callable[[int, int], object] | None = None,
    chunksize: int | None = None,
) -> SweepResult:
    """Run Algorithm 1 over a grid of ``n``, widths, label laws and repeats.

    Each run samples a problem with identity inputs and the initialization
    of spec §1 (:func:`sample_problem`), runs :func:`~limitproc.limit_process`
    (spec §3) and compares the final squared norm with the minimum-norm
    interpolator's ``2 (||y_+|| + ||y_-||)`` (spec §4; seed 002 Theorem 3,
    Figures 5–6).

    Parameters
    ----------
    ns : iterable of int
        Numbers of data.
    ms : iterable of int, str or LogWidth
        Widths: fixed integers, or rules such as ``"4log"`` for
        ``m = ⌈4 ln n⌉`` (:func:`parse_width`).
    labels : str or iterable of str
        Label distributions from :data:`LABEL_DISTRIBUTIONS`.
    repeats : int
        Runs per grid point (repeat indices ``0..repeats-1``).
    seed : int
        Base seed; the numbers are a function of ``seed`` and the grid
        point only.
    scheduler : str, distributed.Client or cluster, optional
        Run on dask: a scheduler address, a client, a cluster, or
        ``"local"`` for a new ``LocalCluster``.  Default: local processes.
    workers : int, optional
        Local processes (default: the available cores; 1 runs in this
        process), or the workers of a ``"local"`` dask cluster.
    progress : callable, optional
        Called as ``progress(done, total)`` (runs) at the start and after
        each finished chunk, in this process.
    chunksize : int, optional
        Runs per task (default: about four tasks per worker).

    Returns
    -------
    SweepResult
        One row per run, in grid order (independent of the workers).

    Raises
    ------
    ArgumentTypeError
        ``ns``, ``ms`` or ``labels`` not a list, or an argument of the wrong
        type.
    ArgumentError
        An empty grid, an unknown label distribution, an unreadable width,
        or a count out of range.
    MissingDependencyError
        ``scheduler`` given without dask.distributed installed.

    Notes
    -----
    A script that calls ``sweep`` with several local workers needs the usual
    ``if __name__ == "__main__":`` guard where processes start by ``spawn``
    or ``forkserver`` (macOS, Windows, Python ≥ 3.14).

    Examples
    --------
    >>> result = sweep([16, 64], ["6log"], repeats=2, seed=1, workers=1)
    >>> [(row.n, row.m, row.repeat) for row in result.rows]
    [(16, 17, 0), (16, 17, 1), (64, 25, 0), (64, 25, 1)]
    >>> all(row.ratio >= 1 for row in result.rows if row.interpolates)
    True
    """
    start = time.perf_counter()
    ns = _sequence(ns, "ns")
    ns = tuple(check_int(n, f"ns[{i}]", minimum=1) for i, n in enumerate(ns))
    if not ns:
        raise ArgumentError("ns must be a non-empty list of positive integers, got []")
    rules = tuple(parse_width(m) for m in _sequence(ms, "ms"))
    if not rules:
        raise ArgumentError("ms must list at least one width")
    labels = (labels,) if isinstance(labels, str) else _sequence(labels, "labels")
    for kind in labels:
        check_choice(kind, LABEL_DISTRIBUTIONS, "labels")
    repeats = check_int(repeats, "repeats", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    if workers is not None:
        workers = check_int(workers, "workers", minimum=1)
    if chunksize is not None:
        chunksize = check_int(chunksize, "chunksize", minimum=1)
    if scheduler is not None:
        require("dask.distributed", "sweep(scheduler=...)")
    tasks = [
        (n, str(rule), rule(n) if isinstance(rule, LogWidth) else rule, kind, repeat, seed)
        for n in ns
        for rule in rules
        for kind in labels
        for repeat in range(repeats)
    ]
    total = len(tasks)
    rows: list[SweepRow] = []

    def finished(chunk_rows: list[SweepRow]) -> None:
        rows.extend(chunk_rows)
        if progress is not None:
            progress(len(rows), total)

    if progress is not None:
        progress(0, total)
    if scheduler is not None:
        _run_dask(scheduler, tasks, workers, chunksize, finished)
    else:
        workers = _available_cores() if workers is None else int(workers)
        if workers <= 1 or total == 1:
            for task in tasks:
                finished([_run(*task)])
        else:
            _run_processes(_chunks(tasks, chunksize, workers), workers, finished)
    order = {task[:2] + task[3:5]: i for i, task in enumerate(tasks)}
    rows.sort(key=lambda r: order[(r.n, r.width, r.labels, r.repeat)])
    return SweepResult(tuple(rows), ns, tuple(str(r) for r in rules), labels, repeats, seed, time.perf_counter() - start)


def _sequence(values, name):
    """``values`` as a tuple, if it is an iterable (not a string)."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ArgumentTypeError(f"{name} must be a list, got {values!r} ({type(values).__name__})")
    return tuple(values)


def _cost(task):
    """Estimated work of a run: the initialization and the mask are ``m × n``."""
    n, _, m = task[:3]
    return n * (m + 8)


def _chunks(tasks, chunksize, workers):
    """Chunks of about equal work, largest runs first.

    Runs go, in decreasing cost, to the chunk with the least work so far
    (longest processing time first), and chunks are handed out heaviest
    first: the last chunks to start are light, so the workers finish
    together.  By default there are ``8 × workers`` chunks (never more than
    the runs); with ``chunksize``, about that many runs per chunk."""
    count = max(1, math.ceil(len(tasks) / chunksize)) if chunksize else min(len(tasks), 8 * workers)
    chunks = [[] for _ in range(count)]
    loads = [0] * count
    for task in sorted(tasks, key=_cost, reverse=True):
        lightest = min(range(count), key=loads.__getitem__)
        chunks[lightest].append(task)
        loads[lightest] += _cost(task)
    order = sorted(range(count), key=loads.__getitem__, reverse=True)
    return [chunks[i] for i in order if chunks[i]]


def _run_processes(chunks, workers, finished):
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = ProcessPoolExecutor(max_workers=min(workers, len(chunks)))
    try:
        futures = [pool.submit(_run_chunk, chunk) for chunk in chunks]
        for future in as_completed(futures):
            finished(future.result())
    finally:  # on an error or Ctrl-C, drop the chunks not yet started
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(scheduler, tasks, workers, chunksize, finished):
    distributed = require("dask.distributed", "sweep(scheduler=...)")
    Client, LocalCluster, as_completed = distributed.Client, distributed.LocalCluster, distributed.as_completed

    cluster = None
    if isinstance(scheduler, Client):
        client, own = scheduler, False
    else:
        if isinstance(scheduler, str) and scheduler == "local":
            cluster = LocalCluster(
                n_workers=workers or _available_cores(), threads_per_worker=1, processes=True, dashboard_address=None
            )
            scheduler = cluster
        client, own = Client(scheduler), True
    try:
        threads = sum(client.nthreads().values()) or 1
        futures = client.map(_run_chunk, _chunks(tasks, chunksize, threads), pure=False)
        for future in as_completed(futures):
            finished(future.result())
    finally:
        if own:
            client.close()
        if cluster is not None:
            cluster.close()
