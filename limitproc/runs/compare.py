"""Compare a logged training run with its predicted saddle-to-saddle path
(``docs/from-training-script.md``).

:func:`compare` takes the limit process of a problem, a
:class:`~limitproc.runs.log.TrainingLog`, the scale ``λ`` and the learning
rate, and returns a frozen :class:`Comparison`: per predicted jump the
predicted and observed steps, the fitted data, the plateau loss and the
neuron's norm, each with a status, and a verdict for the run.

Detection rules (the observed side)
-----------------------------------
* **Jump steps.**  When the log has ``|a_j|``: jump ``k`` of neuron ``j_k`` is
  observed at the first step where ``Σ_{g ∈ group} a_g²`` reaches half its
  predicted ``n r_k`` (linear in ``ln a²`` between logged rows): the half-fit
  rule of :mod:`limitproc.flow.validation` with ``a² = ||w||²`` (balance).
  Without ``|a_j|``: the first step where the loss (spec §1 units) falls to the
  midpoint of the two predicted plateaus ``(L(θ_{k−1}) + L(θ_k))/2`` (also
  reported when ``|a_j|`` are there, as ``loss_step``).
* **Plateaus.**  The median logged loss between the *observed* jumps ``k``
  and ``k + 1`` (the predicted steps where not observed: the run's ``O(1)``
  offsets can exceed the gap between two close jumps), leaving out each
  jump's logistic tail, ``ln(20)/(2 g(r))`` of flow time on its side (seeds
  digest F12), against ``L(θ_k)``.  A plateau with no logged row left is not
  judged: its jumps' transits overlap and the loss never settles there.
* **Norms and fitted data.**  At the last logged row, each jumped group's
  ``Σ a_g²`` against ``n r_k``; with weight snapshots, the last snapshot's
  largest contributor ``a_j σ(<w_j, x_i>)`` to each datum against the jump
  that should fit it.

Tolerances
----------
A jump is *on time* when ``|observed − predicted|`` is within the ``O(1)``
offset the leading order leaves out: in flow time, the flow's derived
bound :func:`~limitproc.finite.offsets.offset_bound` stretched by ``r/g(r)``,
plus ``1/(2 r)`` for the transit of a step (``docs/gradient-descent.md`` §7) and
one step, when gradient descent jumps in the flow's order; else 25% of the
predicted time.  A plateau agrees when its loss is within a tenth of the
smaller adjacent drop.
"""

from __future__ import annotations

import enum
import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np

from ..atomic import atomic_path
from ..errors import InputError
from ..process.algorithm1 import RESOLUTION_CONSTANT, LimitProcess
from ..scale import lambda_label, log_inv_lambda
from ..schema import json_number, schema_of
from .prediction import predict_run

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from rich.table import Table

    from ..problem.problem import Problem
    from .log import TrainingLog
    from .prediction import RunPrediction

__all__ = ["Comparison", "JumpComparison", "PlateauComparison", "RunVerdict", "compare"]


#: Fallback tolerance, relative to the predicted time, for jumps in another
#: order than the flow's (no derived bound there yet).
RELATIVE_TOLERANCE = 0.25

#: A plateau agrees when its loss is within this fraction of the smaller adjacent drop.
PLATEAU_FRACTION = 0.1


class RunVerdict(enum.Enum):
    """What the comparison concludes (the value is a readable message)."""

    MATCH = "the run follows the predicted path"
    UNRESOLVED_MATCH = "the run follows the path, though λ is above the resolution limit (spec §8)"
    UNRESOLVED = "the run departs from the path, as expected when μ ln(1/λ) < 5 (spec §8)"
    MISMATCH = "the run departs from the predicted path"
    UNSTABLE = "the step is above the stability limit of the path (docs/gradient-descent.md §6)"
    DIVERGED = "the run diverged"
    INCOMPLETE = "the log ends before the last predicted jump; the jumps it covers agree"


@dataclass(frozen=True)
class JumpComparison:
    """One predicted jump against the log (module docstring)."""

    k: int
    neuron: int
    group: tuple[int, ...]
    data: tuple[int, ...]
    rate: float
    predicted_step: float
    observed_step: float
    loss_step: float
    tolerance_steps: float
    plateau_loss: float
    predicted_sq_norm: float
    observed_sq_norm: float
    fitted_by: tuple[int, ...] | None
    status: str

    @property
    def error_steps(self) -> float:
        """``observed_step − predicted_step`` (``nan`` when not observed)."""
        return self.observed_step - self.predicted_step

    @property
    def relative_error(self) -> float:
        """:attr:`error_steps` relative to the predicted step."""
        return self.error_steps / self.predicted_step

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (non-finite numbers as ``None``).

        Returns
        -------
        dict
            The fields, :attr:`error_steps` and :attr:`relative_error`.

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> from limitproc.flow import simulate_gd
        >>> from limitproc.runs import log_from_run
        >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
        >>> comparison = compare(limit_process(p), log_from_run(simulate_gd(p, 1e-8, step=0.05, steps=400)))
        >>> jump = comparison.jumps[0].to_dict()
        >>> jump["data"], round(jump["predicted_step"], 1), round(jump["observed_step"], 1), jump["status"]
        ([0, 1], 159.8, 159.8, 'on time')
        """
        return {
            "k": self.k, "neuron": self.neuron, "group": list(self.group), "data": list(self.data),
            "rate": self.rate, "predicted_step": json_number(self.predicted_step),
            "observed_step": json_number(self.observed_step), "loss_step": json_number(self.loss_step),
            "error_steps": json_number(self.error_steps), "relative_error": json_number(self.relative_error),
            "tolerance_steps": json_number(self.tolerance_steps), "plateau_loss": self.plateau_loss,
            "predicted_sq_norm": self.predicted_sq_norm, "observed_sq_norm": json_number(self.observed_sq_norm),
            "fitted_by": None if self.fitted_by is None else [int(j) for j in self.fitted_by],
            "status": self.status,
        }


@dataclass(frozen=True)
class PlateauComparison:
    """Saddle ``k``'s loss against the median logged loss on the middle half
    of its predicted plateau (steps ``window``)."""

    k: int
    window: tuple[float, float]
    predicted_loss: float
    observed_loss: float
    tolerance: float
    judged: bool = True

    @property
    def agrees(self) -> bool | None:
        """Whether the logged plateau is at ``L(θ_k)``; ``None`` when not
        judged (no logged row in its window, module docstring)."""
        if not self.judged or not np.isfinite(self.observed_loss):
            return None
        return bool(abs(self.observed_loss - self.predicted_loss) <= self.tolerance)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (non-finite numbers as ``None``).

        Returns
        -------
        dict
            The fields and :attr:`agrees`.

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> from limitproc.flow import simulate_gd
        >>> from limitproc.runs import log_from_run
        >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
        >>> comparison = compare(limit_process(p), log_from_run(simulate_gd(p, 1e-8, step=0.05, steps=400)))
        >>> plateau = comparison.plateaus[0].to_dict()
        >>> plateau["predicted_loss"], round(plateau["observed_loss"], 6), plateau["agrees"]
        (6.25, 6.25, True)
        """
        return {"k": self.k, "window": [json_number(v) for v in self.window], "predicted_loss": self.predicted_loss,
                "observed_loss": json_number(self.observed_loss), "tolerance": self.tolerance,
                "agrees": self.agrees}


@dataclass(frozen=True, eq=False)
class Comparison:
    """A logged run against its prediction (:func:`compare`).

    Attributes
    ----------
    prediction : RunPrediction
    log : TrainingLog
    jumps : tuple of JumpComparison
    plateaus : tuple of PlateauComparison
    final_loss : float
        The last logged loss, spec §1 units.
    verdict : RunVerdict
    notes : tuple of str
        What led to the verdict.
    """

    prediction: RunPrediction = field(repr=False)
    log: TrainingLog = field(repr=False)
    jumps: tuple[JumpComparison, ...]
    plateaus: tuple[PlateauComparison, ...]
    final_loss: float
    verdict: RunVerdict
    notes: tuple[str, ...] = ()

    @property
    def observed_loss(self) -> NDArray[np.float64]:
        """The logged loss in spec §1's units, per logged row."""
        return self.log.spec_loss(self.prediction.process.problem.n)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with a schema version (``limitproc.comparison``).

        Returns
        -------
        dict
            The verdict, notes, scale, step and stability limit, one
            :meth:`JumpComparison.to_dict` per jump and one
            :meth:`PlateauComparison.to_dict` per plateau, and a summary of
            the log.

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> from limitproc.flow import simulate_gd
        >>> from limitproc.runs import log_from_run
        >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
        >>> comparison = compare(limit_process(p), log_from_run(simulate_gd(p, 1e-8, step=0.05, steps=400)))
        >>> doc = comparison.to_dict()
        >>> doc["schema"], doc["verdict"], doc["stability"]["step_max"]
        ('limitproc.comparison', 'match', 0.4)
        """
        pred = self.prediction
        limit = pred.stability
        return {
            **schema_of("comparison"),
            "verdict": self.verdict.name.lower(),
            "message": self.verdict.value,
            "notes": list(self.notes),
            "lam": json_number(np.exp(-pred.log_inv_lam)),
            "log_inv_lam": pred.log_inv_lam,
            "lr": pred.lr,
            "reduction": pred.reduction,
            "step_size": pred.step_size,
            "margin": json_number(pred.margin),
            "margin_scale": json_number(pred.margin_scale),
            "resolved": pred.resolved,
            "stability": {"step_max": json_number(limit.step_max), "stable": pred.stable,
                          "sign_step": json_number(limit.sign_step), "saddle": limit.saddle},
            "order_differs_from_flow": pred.order_differs,
            "prediction_source": pred.source,
            "jumps": [j.to_dict() for j in self.jumps],
            "plateaus": [p.to_dict() for p in self.plateaus],
            "final_loss": json_number(self.final_loss),
            "predicted_final_loss": float(pred.losses[-1]),
            "log": {"path": self.log.path, "rows": int(self.log.T), "first_step": int(self.log.steps[0]),
                    "last_step": int(self.log.steps[-1]), "diverged_step": self.log.diverged_step,
                    "neurons_logged": self.log.m},
        }

    def table(self) -> Table:
        """A rich Table of the jumps.

        Returns
        -------
        rich.table.Table
            One row per predicted jump; the scale, step, margin, stability
            limit and verdict in the title.

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> from limitproc.flow import simulate_gd
        >>> from limitproc.runs import log_from_run
        >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
        >>> comparison = compare(limit_process(p), log_from_run(simulate_gd(p, 1e-8, step=0.05, steps=400)))
        >>> table = comparison.table()
        >>> table.row_count, table.title.endswith("MATCH")
        (1, True)
        """
        from rich.table import Table

        pred = self.prediction
        title = (f"Run vs prediction: λ = {lambda_label(pred.log_inv_lam)}, lr = {pred.lr:g} ({pred.reduction}), "
                 f"h = {pred.step_size:g}; μ ln(1/λ) = {pred.margin_scale:.3g}; "
                 f"stability limit h < {pred.stability.step_max:.4g}; {self.verdict.name}")
        table = Table(title=title)
        for name in ("k", "neuron", "data", "predicted step", "observed step", "Δ steps", "Δ/pred",
                     "± tol", "plateau L", "observed L", "‖w‖² pred", "‖w‖² obs", "status"):
            table.add_column(name, justify="right" if name not in ("data", "status") else "left")
        observed = {p.k: p.observed_loss for p in self.plateaus}
        for j in self.jumps:
            table.add_row(
                str(j.k), str(j.neuron), _short(j.data), f"{j.predicted_step:.1f}", _num(j.observed_step, ".1f"),
                _num(j.error_steps, "+.1f"), _num(j.relative_error, "+.1%"), f"{j.tolerance_steps:.1f}",
                f"{j.plateau_loss:.4g}", _num(observed.get(j.k, np.nan), ".4g"), f"{j.predicted_sq_norm:.4g}",
                _num(j.observed_sq_norm, ".4g"), j.status,
            )
        return table

    def __rich__(self) -> Table:
        return self.table()

    def __str__(self) -> str:
        pred = self.prediction
        lines = [f"Run vs prediction ({self.verdict.name}: {self.verdict.value}); λ = {lambda_label(pred.log_inv_lam)}, "
                 f"h = {pred.step_size:g}, μ ln(1/λ) = {pred.margin_scale:.3g}, h_max = {pred.stability.step_max:.4g}"]
        for j in self.jumps:
            lines.append(f"  jump {j.k}: neuron {j.neuron} fits {_short(j.data)}; step predicted {j.predicted_step:.1f}, "
                         f"observed {_num(j.observed_step, '.1f')} ({_num(j.relative_error, '+.1%')}); {j.status}")
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)

    def plot(self, path: str | os.PathLike[str]) -> str | os.PathLike[str]:
        """Write a PNG: logged and predicted loss against steps, and logged
        ``ln|a_j|`` over the predicted log-norms (``docs/from-training-script.md``).

        Parameters
        ----------
        path : str or path-like
            Where to write it (atomically).

        Returns
        -------
        str or path-like
            ``path``.

        Raises
        ------
        OutputError
            ``path`` cannot be written.

        Examples
        --------
        >>> import os, tempfile
        >>> from limitproc import Problem, limit_process
        >>> from limitproc.flow import simulate_gd
        >>> from limitproc.runs import log_from_run
        >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
        >>> comparison = compare(limit_process(p), log_from_run(simulate_gd(p, 1e-8, step=0.05, steps=400)))
        >>> path = comparison.plot(os.path.join(tempfile.mkdtemp(), "run.png"))
        >>> os.path.getsize(path) > 0
        True
        """
        from .plots import plot_comparison

        plot_comparison(self, path)
        return path

    def write_json(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_dict` as JSON, atomically.

        Parameters
        ----------
        path : str or path-like
            Where to write it.

        Returns
        -------
        None

        Raises
        ------
        OutputError
            ``path`` cannot be written.

        Examples
        --------
        >>> import json, os, tempfile
        >>> from limitproc import Problem, limit_process
        >>> from limitproc.flow import simulate_gd
        >>> from limitproc.runs import log_from_run
        >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
        >>> comparison = compare(limit_process(p), log_from_run(simulate_gd(p, 1e-8, step=0.05, steps=400)))
        >>> path = os.path.join(tempfile.mkdtemp(), "run.json")
        >>> comparison.write_json(path)
        >>> json.load(open(path))["verdict"]
        'match'
        """
        with atomic_path(path) as temporary, open(temporary, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(self.to_dict(), indent=1, allow_nan=False) + "\n")


def _short(data, limit=4):
    data = list(data)
    return "{" + ", ".join(map(str, data[:limit])) + (f", … ({len(data)})" if len(data) > limit else "") + "}"


def _num(value, spec):
    return "—" if value is None or not np.isfinite(value) else format(value, spec)


def compare(
    process: LimitProcess | Problem,
    log: TrainingLog,
    *,
    lam: float | None = None,
    log_inv_lam: float | None = None,
    lr: float | None = None,
    reduction: Literal["spec", "mean", "sum"] | None = None,
) -> Comparison:
    """Compare a training log with the predicted path (module docstring).

    The predicted jump steps come from
    :func:`~limitproc.runs.prediction.predict_run`: ``τ_k^GD ln(1/λ)/h`` (the
    place where the library's GD limit process plugs in).

    Parameters
    ----------
    process : LimitProcess or Problem
        The problem's limit process (spec §3), or the problem.
    log : TrainingLog
    lam, log_inv_lam : float, optional
        The initialization scale; default the log's ``lam``.
    lr : float, optional
        The learning rate; default the log's.
    reduction : {"spec", "mean", "sum"}, optional
        Which loss ``lr`` and the logged ``loss`` refer to; default the log's.

    Returns
    -------
    Comparison

    Raises
    ------
    InputError
        No scale (neither given nor in the log), values that disagree with
        the log's, a log of another width or dimension than the problem, or
        no learning rate or reduction.

    Examples
    --------
    A simulated gradient-descent run, logged as a training script would:

    >>> from limitproc import Problem, limit_process
    >>> from limitproc.flow import simulate_gd
    >>> from limitproc.runs import log_from_run
    >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
    >>> comparison = compare(limit_process(p), log_from_run(simulate_gd(p, 1e-8, step=0.05, steps=400)))
    >>> comparison.verdict.name, [j.status for j in comparison.jumps]
    ('MATCH', ['on time'])
    """
    # LimitProcess types its problem as object (limitproc/process/ is typed later)
    problem = cast("Problem", process.problem) if isinstance(process, LimitProcess) else process
    flow = process if isinstance(process, LimitProcess) else None
    lr = _agree("lr", lr, log.lr)
    reduction = _agree("reduction", reduction, log.reduction)
    if lam is None and log_inv_lam is None:
        if log.lam is None:
            raise InputError("give the initialization scale λ (the log has no 'lam')")
        lam = log.lam
    elif lam is not None and log.lam is not None and not np.isclose(lam, log.lam, rtol=1e-9):
        raise InputError(f"λ = {lam:g} given, but the log says lam = {log.lam:g}")
    L = log_inv_lambda(lam, log_inv_lam)
    log = log.replace(lr=lr, reduction=reduction)
    if log.m is not None and log.m != problem.m:
        raise InputError(f"the log has |a_j| of {log.m} neurons but the problem has m = {problem.m}")
    if log.snapshot_W is not None and log.snapshot_W.shape[2] != problem.d:
        raise InputError(f"the log's snapshot_W has d = {log.snapshot_W.shape[2]} but the problem has d = {problem.d}")
    prediction = predict_run(flow if flow is not None else problem, log_inv_lam=L, lr=lr, reduction=reduction)
    return _compare(problem, flow, prediction, log)


def _agree(name, given, logged):
    if given is None and logged is None:
        raise InputError(f"give the {name} (the log has no '{name}')")
    if given is not None and logged is not None and given != logged and not (
            isinstance(given, float) and np.isclose(given, logged, rtol=1e-12)):
        raise InputError(f"{name} = {given!r} given, but the log says {logged!r}")
    return given if given is not None else logged


def _compare(problem, flow, prediction, log):
    n = problem.n
    steps = log.steps.astype(float)
    loss = log.spec_loss(n)
    gd = prediction  # its jumps: GDJump views of the GD limit process
    losses = prediction.losses
    tolerances = _tolerances(problem, flow, prediction)
    fitted_by = _fitters(problem, log)
    jumps = []
    for idx, jump in enumerate(gd.jumps):
        level = 0.5 * (losses[idx] + losses[idx + 1])
        loss_step = _first_down(steps, loss, level)
        if log.a is not None:
            sq = (log.a[:, list(jump.group)] ** 2).sum(axis=1)
            with np.errstate(divide="ignore"):
                observed = _first_up(steps, np.log(sq), float(np.log(jump.fit_sq_norm / 2)))
            final_sq = float(sq[-1])
        else:
            observed, final_sq = loss_step, np.nan
        who = None if fitted_by is None else tuple(sorted({int(fitted_by[i]) for i in jump.data}))
        predicted = float(prediction.steps[idx])
        if not np.isfinite(observed):
            status = "not reached" if steps[-1] < predicted + tolerances[idx] else "missing"
        elif abs(observed - predicted) <= tolerances[idx]:
            status = "on time"
        else:
            status = "late" if observed > predicted else "early"
        if who is not None and set(who) - set(jump.group):
            status += ", other fitter"
        jumps.append(JumpComparison(
            jump.k, jump.neuron, tuple(jump.group), tuple(jump.data), jump.rate, predicted, observed, loss_step,
            float(tolerances[idx]), float(losses[idx + 1]), jump.fit_sq_norm, final_sq, who, status,
        ))
    plateaus = _plateaus(prediction, steps, loss, np.array([j.observed_step for j in jumps]))
    final_loss = float(loss[-1])
    verdict, notes = _verdict(prediction, log, jumps, plateaus)
    return Comparison(prediction, log, tuple(jumps), tuple(plateaus), final_loss, verdict, tuple(notes))


def _tolerances(problem, flow, prediction):
    """Per jump, the tolerance in steps (module docstring)."""
    from ..finite.offsets import offset_bound
    from ..flow.gd import gd_rate
    from ..process.algorithm1 import limit_process

    h = prediction.step_size
    gd = prediction  # its jumps: GDJump views of the GD limit process
    rates = np.array([j.rate for j in gd.jumps])
    relative = RELATIVE_TOLERANCE * prediction.steps
    if not gd.jumps:
        return relative
    flow = limit_process(problem) if flow is None else flow
    if [s.neuron for s in flow.jumps] != [j.neuron for j in gd.jumps]:
        return relative
    try:
        bound = np.asarray(offset_bound(problem, flow), dtype=float)
    except (ValueError, ArithmeticError):
        return relative
    t_tol = bound * rates / gd_rate(rates, h) + 0.5 / rates + h
    return t_tol / h


def _fitters(problem, log):
    """Largest contributor to each datum in the last snapshot (``None`` without snapshots)."""
    if log.snapshot_W is None:
        return None
    a, W = log.snapshot_a[-1], log.snapshot_W[-1]
    contributions = a[:, None] * np.maximum(W @ problem.inputs().T, 0.0)  # (m, n)
    return np.argmax(contributions * np.sign(problem.y)[None, :], axis=0)


def _plateaus(prediction, steps, loss, observed):
    """Plateau ``k`` is read between the jumps ``k`` and ``k + 1`` (observed
    steps, else predicted), leaving out each jump's logistic tail: ``d =
    ln(1/ε)/(2 g(r))`` of flow time on its side, where the jump's remaining
    share of its drop is about ``ε = PLATEAU_FRACTION/2``."""
    marks = np.where(np.isfinite(observed), observed, prediction.steps)
    losses = prediction.losses
    drops = -np.diff(losses)
    tails = [np.log(2.0 / PLATEAU_FRACTION) / (2.0 * j.speed) / prediction.step_size for j in prediction.jumps]
    out = []
    for k in range(len(losses)):
        lo = 0.0 if k == 0 else marks[k - 1] + tails[k - 1]
        hi = marks[k] - tails[k] if k < marks.size else float(steps[-1])
        window = (float(lo), float(hi))
        inside = (steps >= lo) & (steps <= hi)
        observed_loss = float(np.median(loss[inside])) if inside.any() else np.nan
        adjacent = [d for d in (drops[k - 1] if k >= 1 else None, drops[k] if k < drops.size else None) if d is not None]
        tolerance = PLATEAU_FRACTION * min(adjacent) if adjacent else PLATEAU_FRACTION * losses[0]
        out.append(PlateauComparison(k, window, float(losses[k]), observed_loss, float(tolerance), bool(inside.any())))
    return out


def _verdict(prediction, log, jumps, plateaus):
    notes = []
    if prediction.order_differs:
        notes.append(f"gradient descent jumps in another order than the flow: neurons "
                     f"{[j.neuron for j in jumps]} against {list(prediction.flow_order)}")
    if log.diverged_step is not None:
        notes.append(f"the loss is not finite from step {log.diverged_step} on")
        return RunVerdict.DIVERGED, notes
    if not prediction.stable:
        notes.append(f"h = {prediction.step_size:g} ≥ h_max = {prediction.stability.step_max:.4g}: "
                     "GD cannot converge to the predicted saddles")
        return RunVerdict.UNSTABLE, notes
    bad = [j for j in jumps if j.status not in ("on time", "not reached")]
    wrong_plateaus = [p for p in plateaus if p.agrees is False]
    for j in bad:
        notes.append(f"jump {j.k} (neuron {j.neuron}): {j.status}")
    for p in wrong_plateaus:
        notes.append(f"plateau {p.k}: loss {p.observed_loss:.4g}, predicted {p.predicted_loss:.4g}")
    agrees = not bad and not wrong_plateaus
    resolved = prediction.margin_scale >= RESOLUTION_CONSTANT
    if not resolved:
        notes.append(f"μ ln(1/λ) = {prediction.margin_scale:.3g} < {RESOLUTION_CONSTANT:g}: neighbouring neurons "
                     "may share fits (spec §8)")
    if agrees and any(j.status == "not reached" for j in jumps):
        return RunVerdict.INCOMPLETE, notes
    if agrees:
        return (RunVerdict.MATCH if resolved else RunVerdict.UNRESOLVED_MATCH), notes
    return (RunVerdict.MISMATCH if resolved else RunVerdict.UNRESOLVED), notes


def _first_down(steps, values, level):
    """First (interpolated) step where ``values`` fall to ``level``; nan if never."""
    below = np.flatnonzero(values <= level)
    if below.size == 0:
        return np.nan
    k = int(below[0])
    if k == 0:
        return float(steps[0])
    v0, v1 = values[k - 1], values[k]
    return float(steps[k - 1] + (steps[k] - steps[k - 1]) * (v0 - level) / (v0 - v1))


def _first_up(steps, values, level):
    """First (interpolated) step where ``values`` rise to ``level``; nan if never."""
    above = np.flatnonzero(values >= level)
    if above.size == 0:
        return np.nan
    k = int(above[0])
    if k == 0 or not np.isfinite(values[k - 1]):
        return float(steps[k])
    v0, v1 = values[k - 1], values[k]
    return float(steps[k - 1] + (steps[k] - steps[k - 1]) * (level - v0) / (v1 - v0))
