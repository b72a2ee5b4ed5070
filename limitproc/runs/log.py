"""Training logs: a documented file format for the runs people train, read
and validated at the boundary (``docs/from-training-script.md``).

Format
------
An **npz** file (read with ``allow_pickle=False``) or a **csv** file with a
header row.  One row per logged step:

==================  ==========  ========================================================
key / column        required    meaning
==================  ==========  ========================================================
``step``            yes         gradient steps taken before this row (integers ≥ 0,
                                strictly increasing; need not be every step)
``loss``            yes         the training loss at that step, as the script computes
                                it (its ``reduction`` says which loss); a first
                                non-finite value marks divergence: rows from it on are
                                dropped and ``diverged_step`` records it
``lr``              no          the learning rate (one value: a scalar, or a column
                                that never changes)
``reduction``       no          ``"mean"`` (torch ``MSELoss()``, ``= 2L``), ``"sum"``
                                (``= 2nL``) or ``"spec"`` (``L`` of spec §1)
``lam``             no          the initialization scale λ (a scalar)
``a``               no          npz: ``|a_j|`` per neuron, shape ``(T, m)``;
``a_0 … a_{m-1}``               csv: one column per neuron (signed values are taken
                                in absolute value)
``snapshot_step``   no          npz only, together: steps ``(S,)``, output weights
``snapshot_a``                  ``(S, m)`` and hidden weights ``(S, m, d)`` in input
``snapshot_W``                  coordinates at some steps (e.g. the first and last)
==================  ==========  ========================================================

In csv, ``lr`` and ``reduction`` are columns (every row the same value) and
lines starting with ``#`` are comments.  :func:`write_log` writes npz or csv
atomically (a temporary file in the same folder, then a rename).
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..atomic import atomic_path
from ..errors import InputError, MissingKeyError, NonFiniteError, ShapeError
from ..flow.gd import REDUCTIONS, flow_time_step

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ..flow.gd import GDRun

__all__ = ["LOG_KEYS", "TrainingLog", "log_from_run", "read_log", "write_log"]

#: The keys (npz) or columns (csv) of a training log, and what each holds.
LOG_KEYS = {
    "step": "gradient steps taken before the row: integers ≥ 0, strictly increasing (required)",
    "loss": "training loss at that step, in the units of `reduction` (required)",
    "lr": "learning rate: one value",
    "reduction": "'mean' (MSELoss(), = 2L), 'sum' (= 2nL) or 'spec' (L of spec §1)",
    "lam": "initialization scale λ",
    "a": "|a_j| per neuron, (T, m); csv columns a_0 … a_{m-1}",
    "snapshot_step": "steps of the weight snapshots, (S,) (npz only)",
    "snapshot_a": "output weights at those steps, (S, m)",
    "snapshot_W": "hidden weights at those steps, (S, m, d), input coordinates",
}


@dataclass(frozen=True, eq=False)
class TrainingLog:
    """A validated training log (module docstring for the format).

    The constructor takes array-likes and numbers (one value for ``lr`` and
    ``lam``, as a scalar or a constant column) and stores the validated
    arrays and floats named below; it raises
    :class:`~limitproc.errors.InputError` subclasses naming the key at fault.

    Attributes
    ----------
    steps : ndarray of int64, shape (T,)
    loss : ndarray, shape (T,)
        As logged (the units of ``reduction``); :meth:`spec_loss` converts.
    lr, lam : float or None
    reduction : str or None
    a : ndarray, shape (T, m), or None
        ``|a_j|`` at each row.
    snapshot_steps, snapshot_a, snapshot_W : ndarray or None
    diverged_step : int or None
        The step of the first non-finite loss (rows from it on dropped).
    path : str or None

    Examples
    --------
    >>> TrainingLog(steps=[0, 100], loss=[3.0, 0.5], lr=0.1, reduction="mean")
    TrainingLog(2 rows, steps 0–100, lr=0.1, reduction=mean, lam=None)
    """

    steps: NDArray[np.int64] = field(repr=False)
    loss: NDArray[np.float64] = field(repr=False)
    lr: float | None = None
    reduction: Literal["spec", "mean", "sum"] | None = None
    lam: float | None = None
    a: NDArray[np.float64] | None = field(default=None, repr=False)
    snapshot_steps: NDArray[np.int64] | None = field(default=None, repr=False)
    snapshot_a: NDArray[np.float64] | None = field(default=None, repr=False)
    snapshot_W: NDArray[np.float64] | None = field(default=None, repr=False)
    diverged_step: int | None = None
    path: str | None = None

    def __post_init__(self) -> None:
        _check(self)

    @property
    def m(self) -> int | None:
        """Number of neurons logged (``None`` without ``a``)."""
        return None if self.a is None else self.a.shape[1]

    @property
    def T(self) -> int:
        """Number of rows (logged steps)."""
        return self.steps.size

    def spec_loss(self, n: int) -> NDArray[np.float64]:
        """The loss in spec §1's units ``L = (1/2n) Σ (h − y)²``
        (``MSELoss(mean) = 2L``, ``MSELoss(sum) = 2nL``).

        Parameters
        ----------
        n : int
            Number of data (for ``reduction="sum"``).

        Returns
        -------
        ndarray, shape (T,)

        Raises
        ------
        InputError
            The log has no ``reduction``.

        Examples
        --------
        >>> log = TrainingLog(steps=[0, 100], loss=[3.0, 0.5], lr=0.1, reduction="mean")
        >>> log.spec_loss(2)
        array([1.5 , 0.25])
        """
        if self.reduction is None:
            raise InputError("the log has no 'reduction': say which loss it logs (mean, sum or spec)")
        return self.loss / {"spec": 1.0, "mean": 2.0, "sum": 2.0 * n}[self.reduction]

    def flow_step(self, n: int) -> float:
        """``h``, the flow time of one step (``docs/gradient-descent.md`` §1).

        Parameters
        ----------
        n : int
            Number of data (for ``reduction="sum"``).

        Returns
        -------
        float

        Raises
        ------
        InputError
            The log has no ``lr`` or no ``reduction``.

        Examples
        --------
        >>> log = TrainingLog(steps=[0, 100], loss=[3.0, 0.5], lr=0.1, reduction="mean")
        >>> log.flow_step(2)  # MSELoss(mean) = 2L: h = 2 lr
        0.2
        """
        if self.lr is None:
            raise InputError("the log has no 'lr': give the learning rate")
        if self.reduction is None:
            raise InputError("the log has no 'reduction': say which loss the learning rate is for")
        return flow_time_step(self.lr, self.reduction, n)

    def replace(self, **changes: Any) -> TrainingLog:
        """A copy with some fields changed (validated again).

        Parameters
        ----------
        **changes
            New values of fields.

        Returns
        -------
        TrainingLog

        Raises
        ------
        InputError
            The new values do not validate.

        Examples
        --------
        >>> log = TrainingLog(steps=[0, 100], loss=[3.0, 0.5], lr=0.1, reduction="mean")
        >>> log.replace(reduction="sum").flow_step(2)  # MSELoss(sum) = 2nL: h = 2 n lr
        0.4
        """
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values.update(changes)
        return TrainingLog(**values)

    def __repr__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        extra = "" if self.a is None else f", |a_j| of {self.m} neurons"
        snaps = "" if self.snapshot_steps is None else f", {self.snapshot_steps.size} snapshots"
        diverged = "" if self.diverged_step is None else f", diverged at step {self.diverged_step}"
        return (f"TrainingLog({where}{self.T} rows, steps {self.steps[0]}–{self.steps[-1]}, lr={self.lr}, "
                f"reduction={self.reduction}, lam={self.lam}{extra}{snaps}{diverged})")


def _check(log):
    """Validate a TrainingLog's fields in place (frozen: via object.__setattr__)."""
    set_ = object.__setattr__
    where = f"{log.path}: " if log.path else ""
    steps = _array(log.steps, "step", where)
    if steps.ndim != 1 or steps.size == 0:
        raise ShapeError(f"{where}'step' must be a non-empty 1-d array, got shape {steps.shape}")
    if not np.isfinite(steps).all():
        row = int(np.flatnonzero(~np.isfinite(steps))[0])
        raise NonFiniteError(f"{where}'step' is not finite at row {row}: {steps[row]}")
    if (steps != np.round(steps)).any() or (steps < 0).any():
        row = int(np.flatnonzero((steps != np.round(steps)) | (steps < 0))[0])
        raise InputError(f"{where}'step' must hold integers ≥ 0; row {row} has {steps[row]:g}")
    steps = steps.astype(np.int64)
    bad = np.flatnonzero(np.diff(steps) <= 0)
    if bad.size:
        row = int(bad[0]) + 1
        raise InputError(f"{where}'step' must increase strictly; row {row} has step {steps[row]} "
                         f"after {steps[row - 1]} (row {row - 1})")
    loss = _array(log.loss, "loss", where)
    if loss.shape != steps.shape:
        raise ShapeError(f"{where}'loss' has shape {loss.shape} but 'step' has {steps.shape}")
    a = None if log.a is None else _array(log.a, "a", where)
    if a is not None and (a.ndim != 2 or a.shape[0] != steps.size or a.shape[1] == 0):
        raise ShapeError(f"{where}'a' must have shape (T, m) = ({steps.size}, m), got {a.shape}")
    diverged = log.diverged_step
    finite = np.isfinite(loss)
    if not finite.all():
        first = int(np.flatnonzero(~finite)[0])
        if first == 0:
            raise NonFiniteError(f"{where}'loss' is not finite at row 0 (step {steps[0]}): nothing to compare")
        diverged = int(steps[first]) if diverged is None else diverged
        steps, loss = steps[:first], loss[:first]
        a = None if a is None else a[:first]
    if (loss < 0).any():
        row = int(np.flatnonzero(loss < 0)[0])
        raise InputError(f"{where}'loss' must be ≥ 0; row {row} (step {steps[row]}) has {loss[row]:g}")
    if a is not None:
        if not np.isfinite(a).all():
            row, col = (int(v) for v in np.argwhere(~np.isfinite(a))[0])
            raise NonFiniteError(f"{where}'a' is not finite at row {row} (step {steps[row]}), neuron {col} (a_{col})")
        a = np.abs(a)
    lr = log.lr
    if lr is not None:
        lr = _scalar(lr, "lr", where)
        if not (np.isfinite(lr) and lr > 0):
            raise InputError(f"{where}'lr' must be finite and positive, got {lr:g}")
    lam = log.lam
    if lam is not None:
        lam = _scalar(lam, "lam", where)
        if not 0 < lam < 1:
            raise InputError(f"{where}'lam' must satisfy 0 < λ < 1, got {lam:g}")
    reduction = log.reduction
    if reduction is not None:
        reduction = str(np.asarray(reduction).reshape(-1)[0]) if np.ndim(reduction) else str(reduction)
        if reduction not in REDUCTIONS:
            raise InputError(f"{where}'reduction' must be one of {', '.join(REDUCTIONS)}, got {reduction!r}")
    snaps = [log.snapshot_steps, log.snapshot_a, log.snapshot_W]
    if any(v is not None for v in snaps):
        if any(v is None for v in snaps):
            missing = [k for k, v in zip(("snapshot_step", "snapshot_a", "snapshot_W"), snaps) if v is None]
            raise MissingKeyError(f"{where}weight snapshots need snapshot_step, snapshot_a and snapshot_W; "
                                  f"missing {', '.join(missing)}")
        s_steps = _array(snaps[0], "snapshot_step", where)
        s_a = _array(snaps[1], "snapshot_a", where)
        s_W = _array(snaps[2], "snapshot_W", where)
        S = s_steps.size
        if s_steps.ndim != 1 or s_a.ndim != 2 or s_W.ndim != 3 or s_a.shape[0] != S or s_W.shape[:2] != s_a.shape:
            raise ShapeError(f"{where}snapshots must have shapes (S,), (S, m), (S, m, d); got "
                             f"{s_steps.shape}, {s_a.shape}, {s_W.shape}")
        if a is not None and s_a.shape[1] != a.shape[1]:
            raise ShapeError(f"{where}'snapshot_a' has {s_a.shape[1]} neurons but 'a' has {a.shape[1]}")
        for name, value in (("snapshot_step", s_steps), ("snapshot_a", s_a), ("snapshot_W", s_W)):
            if not np.isfinite(value).all():
                raise NonFiniteError(f"{where}'{name}' has non-finite entries")
        snaps = [s_steps.astype(np.int64), s_a, s_W]
    for array in [steps, loss] + ([a] if a is not None else []) + [v for v in snaps if v is not None]:
        array.flags.writeable = False
    set_(log, "steps", steps)
    set_(log, "loss", loss)
    set_(log, "a", a)
    set_(log, "lr", lr)
    set_(log, "lam", lam)
    set_(log, "reduction", reduction)
    set_(log, "diverged_step", diverged)
    set_(log, "snapshot_steps", snaps[0])
    set_(log, "snapshot_a", snaps[1])
    set_(log, "snapshot_W", snaps[2])


def _array(value, name, where):
    try:
        array = np.array(value, dtype=float, copy=True)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{where}'{name}' must hold numbers ({exc})") from None
    return array


def _scalar(value, name, where):
    array = _array(value, name, where).reshape(-1)
    if array.size == 0:
        raise ShapeError(f"{where}'{name}' is empty")
    if (array != array[0]).any() and not np.isnan(array).all():
        row = int(np.flatnonzero(array != array[0])[0])
        raise InputError(f"{where}'{name}' must be one value; row {row} has {array[row]:g} after {array[0]:g} "
                         "(schedules are not supported: the theory needs a constant step)")
    return float(array[0])


def read_log(path: str | os.PathLike[str]) -> TrainingLog:
    """Read and validate a training log (npz or csv; module docstring).

    Errors are :class:`~limitproc.errors.InputError` subclasses naming the
    key, column or row at fault.

    Parameters
    ----------
    path : str or path-like
        An npz file (``.npz``, or any file that is a zip archive) or a csv
        file.

    Returns
    -------
    TrainingLog

    Raises
    ------
    InputError
        No such file, an unreadable file, unknown keys or columns, values
        that are not numbers, or a log that does not validate.
    MissingKeyError
        No ``step`` or no ``loss``.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "run.csv")
    >>> _ = open(path, "w").write("step,loss,lr,reduction,a_0\\n0,3.0,0.1,mean,1e-8\\n100,0.5,0.1,mean,1.9\\n")
    >>> log = read_log(path)
    >>> log.steps.tolist(), log.spec_loss(n=2).tolist(), log.flow_step(n=2), log.m
    ([0, 100], [1.5, 0.25], 0.2, 1)
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    with open(path, "rb") as handle:
        head = handle.read(4)
    if path.endswith(".npz") or head.startswith(b"PK"):
        return _read_npz(path)
    return _read_csv(path)


def _read_npz(path):
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise InputError(f"{path}: not a readable npz file ({exc})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise InputError(f"{path}: holds a single array, not an npz archive with keys step, loss, …")
    arrays = {}
    with archive:
        for key in archive.files:
            try:
                arrays[key] = archive[key]
            except ValueError as exc:
                raise InputError(f"{path}: key '{key}' cannot be read without pickle ({exc})") from None
    for key in ("step", "loss"):
        if key not in arrays:
            raise MissingKeyError(f"{path}: missing key '{key}' (a training log needs 'step' and 'loss'; "
                                  f"keys present: {', '.join(sorted(arrays)) or 'none'})")
    unknown = sorted(set(arrays) - set(LOG_KEYS))
    if unknown:
        raise InputError(f"{path}: unknown keys {', '.join(unknown)} (known: {', '.join(LOG_KEYS)})")
    return TrainingLog(
        steps=arrays["step"], loss=arrays["loss"], lr=arrays.get("lr"), reduction=arrays.get("reduction"),
        lam=arrays.get("lam"), a=arrays.get("a"), snapshot_steps=arrays.get("snapshot_step"),
        snapshot_a=arrays.get("snapshot_a"), snapshot_W=arrays.get("snapshot_W"), path=path,
    )


def _read_csv(path):
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            lines = [line for line in handle if line.strip() and not line.lstrip().startswith("#")]
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not a text csv file ({exc})") from None
    if not lines:
        raise InputError(f"{path}: empty csv file (a header row 'step,loss,…' and data rows are needed)")
    rows = list(csv.reader(io.StringIO("".join(lines))))
    header = [name.strip() for name in rows[0]]
    if len(set(header)) != len(header):
        raise InputError(f"{path}: repeated column names in the header {header}")
    for key in ("step", "loss"):
        if key not in header:
            raise MissingKeyError(f"{path}: missing column '{key}' (header: {', '.join(header)})")
    neurons = sorted((int(name[2:]), name) for name in header if name.startswith("a_") and name[2:].isdigit())
    if neurons and [j for j, _ in neurons] != list(range(len(neurons))):
        raise InputError(f"{path}: neuron columns must be a_0 … a_{{m-1}} without gaps, got "
                         f"{', '.join(name for _, name in neurons)}")
    known = {"step", "loss", "lr", "reduction", "lam"} | {name for _, name in neurons}
    unknown = [name for name in header if name not in known]
    if unknown:
        raise InputError(f"{path}: unknown columns {', '.join(unknown)} (known: step, loss, lr, reduction, lam, a_0 …)")
    data = rows[1:]
    if not data:
        raise InputError(f"{path}: no data rows under the header")
    columns = {name: [] for name in header}
    for number, row in enumerate(data):
        if len(row) != len(header):
            raise ShapeError(f"{path}: data row {number} has {len(row)} fields, the header {len(header)}")
        for name, cell in zip(header, row):
            cell = cell.strip()
            if name == "reduction":
                columns[name].append(cell)
                continue
            try:
                columns[name].append(float(cell))
            except ValueError:
                raise InputError(f"{path}: column '{name}', data row {number}: {cell!r} is not a number") from None
    reduction = None
    if "reduction" in columns:
        values = columns["reduction"]
        differ = [i for i, v in enumerate(values) if v != values[0]]
        if differ:
            raise InputError(f"{path}: column 'reduction' must be one value; data row {differ[0]} has "
                             f"{values[differ[0]]!r} after {values[0]!r}")
        reduction = values[0]
    a = np.array([columns[name] for _, name in neurons]).T if neurons else None
    return TrainingLog(
        steps=columns["step"], loss=columns["loss"], lr=columns.get("lr"), reduction=reduction,
        lam=columns.get("lam"), a=a, path=path,
    )


def write_log(path: str | os.PathLike[str], log: TrainingLog) -> None:
    """Write a :class:`TrainingLog` as npz (``.npz``) or csv (any other
    suffix; no snapshots), atomically (:func:`limitproc.atomic.atomic_path`).

    Parameters
    ----------
    path : str or path-like
        The file to write; its suffix chooses the format.
    log : TrainingLog

    Returns
    -------
    None

    Raises
    ------
    InputError
        A csv path for a log with weight snapshots.
    OutputError
        ``path`` cannot be written.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "run.csv")
    >>> write_log(path, TrainingLog(steps=[0, 100], loss=[3.0, 0.5], lr=0.1, reduction="mean"))
    >>> print(open(path).read())
    step,loss,lr,reduction
    0,3.0,0.1,mean
    100,0.5,0.1,mean
    <BLANKLINE>
    """
    path = os.fspath(path)
    as_npz = path.endswith(".npz")
    if not as_npz and log.snapshot_steps is not None:
        raise InputError(f"{path}: csv logs hold no weight snapshots; write an .npz file")
    steps, loss, a = log.steps, log.loss, log.a
    if log.diverged_step is not None:  # the first non-finite row marks the divergence
        steps = np.append(steps, log.diverged_step)
        loss = np.append(loss, np.inf)
        a = None if a is None else np.vstack([a, np.full((1, a.shape[1]), np.nan)])
    with atomic_path(path) as temporary:
        with open(temporary, "wb" if as_npz else "w") as out:
            if as_npz:
                arrays: dict[str, Any] = {"step": steps, "loss": loss}
                for key, value in (("lr", log.lr), ("lam", log.lam), ("a", a),
                                   ("snapshot_step", log.snapshot_steps), ("snapshot_a", log.snapshot_a),
                                   ("snapshot_W", log.snapshot_W)):
                    if value is not None:
                        arrays[key] = np.asarray(value)
                if log.reduction is not None:
                    arrays["reduction"] = np.array(log.reduction)
                np.savez(out, **arrays)
            else:
                writer = csv.writer(out, lineterminator="\n")
                header = ["step", "loss"] + [name for name, v in (("lr", log.lr), ("reduction", log.reduction),
                                                                   ("lam", log.lam)) if v is not None]
                header += [f"a_{j}" for j in range(log.m or 0)]
                writer.writerow(header)
                for row in range(steps.size):
                    values = [int(steps[row]), repr(float(loss[row]))]
                    values += [v if isinstance(v, str) else repr(float(v))
                               for v in (log.lr, log.reduction, log.lam) if v is not None]
                    if a is not None:
                        values += [repr(float(v)) for v in a[row]]
                    writer.writerow(values)


def log_from_run(run: GDRun, *, snapshots: bool = True) -> TrainingLog:
    """The :class:`TrainingLog` a training script would write for a
    simulated :class:`~limitproc.flow.gd.GDRun`: its recorded steps, the loss
    in the units of its ``reduction``, ``|a_j|``, ``lr``, ``λ`` and (by
    default) weight snapshots at the first and last steps.

    Parameters
    ----------
    run : GDRun
        A simulated gradient-descent run.
    snapshots : bool
        Add the weight snapshots of the first and last steps.

    Returns
    -------
    TrainingLog

    Examples
    --------
    >>> from limitproc import Problem
    >>> from limitproc.flow import simulate_gd
    >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
    >>> log_from_run(simulate_gd(p, 1e-8, step=0.05, steps=400))
    TrainingLog(401 rows, steps 0–400, lr=0.05, reduction=spec, lam=1e-08, |a_j| of 2 neurons, 2 snapshots)
    """
    n = run.problem.n
    scale = {"spec": 1.0, "mean": 2.0, "sum": 2.0 * n}[run.reduction]
    a = np.exp(run.log_abs_a)
    snap: dict[str, Any] = {}
    if snapshots:
        first, last = (run.parameters(i) for i in (0, -1))
        snap = dict(snapshot_steps=run.step_index[[0, -1]], snapshot_a=np.array([first[0], last[0]]),
                    snapshot_W=np.array([first[1], last[1]]))
    lam = run.lam if run.lam > 0 else None
    diverged = int(run.steps) if run.diverged else None
    return TrainingLog(steps=run.step_index, loss=run.loss * scale, lr=run.lr, reduction=run.reduction, lam=lam,
                       a=a, diverged_step=diverged, **snap)
