"""PyTorch bridge: a problem from a torch model at initialization, and a
logger that writes training logs (``docs/from-training-script.md``).

PyTorch is imported only when these are used; without it they raise an
:class:`~limitproc.errors.InputError` saying how to install it.

The model must be the network of spec §1::

    nn.Sequential(nn.Linear(d, m, bias=False), nn.ReLU(), nn.Linear(m, 1, bias=False))

with a balanced initialization ``|a_j| = ||w_j||`` (seed 002 Assumption 3;
PyTorch's default initialization is not balanced: set the weights, as
``examples/torch_compare.py`` does).
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..errors import InputError
from .log import TrainingLog, write_log

if TYPE_CHECKING:
    import torch
    from numpy.typing import ArrayLike

    from ..problem.problem import Problem

__all__ = ["TrainingLogger", "problem_from_torch"]

#: Relative balance tolerance for models built in float32 (``| |a_j| − ||w_j|| | / ||w_j||``).
FLOAT32_BALANCE_TOL = 1e-6


def _torch():
    try:
        import torch
    except ImportError:
        raise InputError(
            "this needs PyTorch, which is not installed: pip install torch "
            "(a CPU build is enough; see docs/from-training-script.md)"
        ) from None
    return torch


def _layers(model):
    """The two weight matrices of a spec §1 network, as float64 numpy arrays."""
    torch = _torch()
    nn = torch.nn
    if not isinstance(model, nn.Sequential) or len(model) != 3:
        raise InputError(f"the model must be nn.Sequential(Linear(d, m, bias=False), ReLU(), Linear(m, 1, bias=False)); "
                         f"got {type(model).__name__} with {len(model) if hasattr(model, '__len__') else '?'} layers")
    first, relu, second = model
    if not isinstance(first, nn.Linear) or not isinstance(relu, nn.ReLU) or not isinstance(second, nn.Linear):
        raise InputError(f"the model's layers must be Linear, ReLU, Linear; got {type(first).__name__}, "
                         f"{type(relu).__name__}, {type(second).__name__}")
    if first.bias is not None or second.bias is not None:
        raise InputError("the model's Linear layers must have bias=False (spec §1 has no biases; append a "
                         "constant input coordinate instead)")
    if second.out_features != 1 or second.in_features != first.out_features:
        raise InputError(f"the output layer must be Linear(m, 1) with m = {first.out_features}; got "
                         f"Linear({second.in_features}, {second.out_features})")
    W = first.weight.detach().cpu().double().numpy().copy()
    a = second.weight.detach().cpu().double().numpy()[0].copy()
    return a, W


def _numpy(value, name):
    if hasattr(value, "detach"):
        value = value.detach().cpu().double().numpy()
    try:
        return np.array(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be an array or tensor of numbers ({exc})") from None


def problem_from_torch(
    model: torch.nn.Sequential,
    X: torch.Tensor | ArrayLike,
    y: torch.Tensor | ArrayLike,
    *,
    tol: float = FLOAT32_BALANCE_TOL,
) -> tuple[Problem, float]:
    """The :class:`~limitproc.Problem` and scale ``λ`` of a torch model at
    initialization.

    ``λ`` is the root mean square of the hidden neurons' norms; the
    problem's ``W0 = W(0)/λ`` and ``a0 = a(0)/λ`` keep the relative norms, so
    ``simulate_gd(problem, λ, ...)`` starts from the model's exact weights.

    Parameters
    ----------
    model : torch.nn.Sequential
        ``Linear(d, m, bias=False), ReLU(), Linear(m, 1, bias=False)``, before training.
    X : tensor or array, shape (n, d)
        Orthonormal inputs (checked by :class:`Problem`).
    y : tensor or array, shape (n,) or (n, 1)
        Labels.
    tol : float
        Tolerance on orthonormality and balance (float32 models need about 1e-6).

    Returns
    -------
    problem : Problem
    lam : float
        ``λ``.

    Raises
    ------
    InputError
        PyTorch is not installed, the model is not the network of spec §1,
        a hidden neuron is zero, or ``λ ≥ 1`` (and everything
        :class:`~limitproc.Problem` refuses, e.g. an unbalanced
        initialization).

    Examples
    --------
    Skipped where PyTorch is not installed:

    >>> import pytest; torch = pytest.importorskip("torch")
    >>> model = torch.nn.Sequential(torch.nn.Linear(2, 2, bias=False), torch.nn.ReLU(),
    ...                             torch.nn.Linear(2, 1, bias=False)).double()
    >>> with torch.no_grad():
    ...     _ = model[0].weight.copy_(1e-4 * torch.eye(2, dtype=torch.float64))
    ...     _ = model[2].weight.copy_(torch.tensor([[1e-4, -1e-4]], dtype=torch.float64))
    >>> problem, lam = problem_from_torch(model, np.eye(2), [1.0, -1.0])
    >>> problem, round(lam, 12)
    (Problem(n=2, d=2, m=2, X 2×2, labels +1/-1, neurons +1/-1), 0.0001)
    """
    from ..problem.problem import Problem

    a, W = _layers(model)
    X = _numpy(X, "X")
    y = _numpy(y, "y")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    norms = np.linalg.norm(W, axis=1)
    if not (norms > 0).all():
        raise InputError(f"hidden neuron {int(np.flatnonzero(norms == 0)[0])} has zero weights")
    lam = float(np.sqrt(np.mean(norms**2)))
    if not 0 < lam < 1:
        raise InputError(f"the initialization scale (RMS neuron norm) is λ = {lam:g}; the theory needs a small "
                         "initialization, λ < 1")
    return Problem(y, W / lam, a0=a / lam, X=X, tol=tol), lam


class TrainingLogger:
    """Record a training run in the log format of :mod:`limitproc.runs.log`.

    Call :meth:`record` after computing each step's loss (every step, or as
    often as you like; rows are kept every ``every`` steps, plus the last
    one), and :meth:`write` at the end (or use it as a context manager).
    The file is written atomically.

    Parameters
    ----------
    path : str
        ``.npz`` (with weight snapshots) or ``.csv``.
    lr : float
    reduction : {"mean", "sum", "spec"}
        The loss the script minimizes: ``"mean"`` for ``nn.MSELoss()``.
    lam : float, optional
        The initialization scale (from :func:`problem_from_torch`).
    every : int
        Keep one row every ``every`` steps.
    neurons : bool
        Record ``|a_j|`` from the model's output layer (needs ``model`` in
        :meth:`record`).
    snapshots : bool
        Keep the weights of the first and the last recorded step (npz only).

    Raises
    ------
    InputError
        ``every < 1``.

    Examples
    --------
    In a training script::

        with TrainingLogger("run.npz", lr=0.05, lam=lam, every=10) as logger:
            for step in range(steps):
                loss = criterion(model(X).squeeze(1), y)
                logger.record(step, loss, model)
                optimizer.zero_grad(); loss.backward(); optimizer.step()

    The losses alone (no model, no PyTorch needed):

    >>> import os, tempfile
    >>> from limitproc.runs import read_log
    >>> path = os.path.join(tempfile.mkdtemp(), "run.csv")
    >>> with TrainingLogger(path, lr=0.1, every=10, neurons=False) as logger:
    ...     for step in range(25):
    ...         logger.record(step, 3.0 / (1 + step))
    >>> read_log(path).steps.tolist()  # every 10th step, and the last
    [0, 10, 20, 24]
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        lr: float,
        reduction: Literal["spec", "mean", "sum"] = "mean",
        lam: float | None = None,
        every: int = 1,
        neurons: bool = True,
        snapshots: bool = True,
    ) -> None:
        if int(every) < 1:
            raise InputError(f"every must be at least 1, got {every}")
        self.path: str | os.PathLike[str] = path
        self.lr: float = lr
        self.reduction: Literal["spec", "mean", "sum"] = reduction
        self.lam: float | None = lam
        self.every: int = int(every)
        self.neurons: bool = neurons
        self.snapshots: bool = snapshots and str(path).endswith(".npz")
        self._rows: list[tuple[int, float, Any]] = []
        self._last: tuple[int, float, Any] | None = None
        self._first_snapshot: tuple[int, Any] | None = None
        self._last_snapshot: tuple[int, Any] | None = None

    def record(self, step: int, loss: float | torch.Tensor, model: torch.nn.Sequential | None = None) -> None:
        """One step's loss (a float or a 0-d tensor) and, with ``model``, its
        ``|a_j|`` and weights.

        Parameters
        ----------
        step : int
            Gradient steps taken before this loss.
        loss : float or 0-d tensor
            The training loss, as the script computes it.
        model : torch.nn.Sequential, optional
            The model, for ``|a_j|`` and the snapshots.

        Returns
        -------
        None

        Raises
        ------
        InputError
            ``neurons=True`` without ``model``, or a model outside spec §1.

        Examples
        --------
        >>> import os, tempfile
        >>> logger = TrainingLogger(os.path.join(tempfile.mkdtemp(), "run.csv"), lr=0.1, every=10, neurons=False)
        >>> for step in range(25):
        ...     logger.record(step, 3.0 / (1 + step))
        >>> logger.log().steps.tolist()
        [0, 10, 20, 24]
        """
        loss = float(loss.detach()) if hasattr(loss, "detach") else float(loss)
        a = None
        weights = None
        if model is not None and (self.neurons or self.snapshots):
            weights = _layers(model)
            a = np.abs(weights[0])
        elif self.neurons:
            raise InputError("TrainingLogger(neurons=True) needs the model in record(step, loss, model)")
        row = (int(step), loss, a)
        if self.snapshots and weights is not None:
            if self._first_snapshot is None:
                self._first_snapshot = (int(step), weights)
            self._last_snapshot = (int(step), weights)
        if int(step) % self.every == 0 or not np.isfinite(loss):
            self._rows.append(row)
            self._last = None
        else:
            self._last = row

    def log(self) -> TrainingLog:
        """The :class:`TrainingLog` recorded so far.

        Returns
        -------
        TrainingLog

        Raises
        ------
        InputError
            Nothing was recorded.

        Examples
        --------
        >>> import os, tempfile
        >>> logger = TrainingLogger(os.path.join(tempfile.mkdtemp(), "run.csv"), lr=0.1, every=10, neurons=False)
        >>> for step in range(25):
        ...     logger.record(step, 3.0 / (1 + step))
        >>> logger.log()
        TrainingLog(4 rows, steps 0–24, lr=0.1, reduction=mean, lam=None)
        """
        rows = self._rows + ([self._last] if self._last is not None else [])
        if not rows:
            raise InputError("nothing recorded: call record(step, loss, model) during training")
        steps = np.array([r[0] for r in rows])
        loss = np.array([r[1] for r in rows])
        a = np.array([r[2] for r in rows]) if self.neurons and rows[0][2] is not None else None
        snap: dict[str, Any] = {}
        if self.snapshots and self._first_snapshot is not None and self._last_snapshot is not None:
            first, last = self._first_snapshot, self._last_snapshot  # set together
            pair = [first, last] if last[0] != first[0] else [first]
            snap = dict(snapshot_steps=[s for s, _ in pair], snapshot_a=np.array([w[0] for _, w in pair]),
                        snapshot_W=np.array([w[1] for _, w in pair]))
        return TrainingLog(steps=steps, loss=loss, lr=self.lr, reduction=self.reduction, lam=self.lam, a=a, **snap)

    def write(self) -> TrainingLog:
        """Write the log (atomically) and return it.

        Returns
        -------
        TrainingLog

        Raises
        ------
        InputError
            Nothing was recorded.
        OutputError
            The path cannot be written.

        Examples
        --------
        >>> import os, tempfile
        >>> logger = TrainingLogger(os.path.join(tempfile.mkdtemp(), "run.csv"), lr=0.1, every=10, neurons=False)
        >>> for step in range(25):
        ...     logger.record(step, 3.0 / (1 + step))
        >>> logger.write().T, os.path.exists(logger.path)
        (4, True)
        """
        log = self.log()
        write_log(self.path, log)
        return log

    def __enter__(self) -> TrainingLogger:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> Literal[False]:
        if self._rows or self._last is not None:
            self.write()
        return False
