"""What a validation measured: per jump, per plateau, per run, and the whole report.

Frozen result objects of :func:`~limitproc.flow.validation.validate` (the
detection rules are in that module's docstring), each with ``to_dict()`` for
JSON and a readable table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np

from ..process.algorithm1 import RESOLUTION_CONSTANT
from ..scale import lambda_label
from ..schema import document, json_number

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ..finite.corrections import FiniteLambdaPrediction
    from ..process.algorithm1 import LimitProcess
    from ..tables import DataTable
    from .run import FlowRun

__all__ = ["SCHEMA_VERSION", "JumpCheck", "PlateauCheck", "RunCheck", "ValidationReport", "Verdict"]

SCHEMA_VERSION = 1


class Verdict(Enum):
    """Outcome of one run; the value is a readable message."""

    MATCH = "same neurons and data as the limit process"
    UNRESOLVED_MATCH = "same neurons and data, although μ ln(1/λ) < 5"
    UNRESOLVED = "μ ln(1/λ) < 5: neighbouring neurons share the fit; the flow is not expected to match yet"
    MISMATCH = "the flow fits other data or with other neurons than predicted, although μ ln(1/λ) ≥ 5"

    @property
    def ok(self) -> bool:
        """Whether the run is consistent with the theory."""
        return self is not Verdict.MISMATCH


@dataclass(frozen=True)
class JumpCheck:
    """Jump ``k`` of the limit process against one flow.

    Attributes
    ----------
    k : int
    neuron : int
        Predicted jumping neuron ``j_k`` (first of its group).
    group : tuple of int
    data : tuple of int
        Predicted fitted data ``I_{j_k}^{k-1}``.
    tau : float
        Predicted accelerated time ``τ_k``.
    t_flow : float
        Detected un-accelerated time ``t̂_k`` (``nan`` if never).
    error : float
        ``t̂_k / ln(1/λ) − τ_k``.
    offset : float
        ``t̂_k − τ_k ln(1/λ)``.
    fitters : tuple of int
        Neurons (group leaders) that fit the data of ``I_k`` in the flow.
    flow_data : tuple of int
        Data fitted in the flow by this jump's group.
    matches : bool
        ``flow_data == data`` and ``fitters == (neuron,)``.
    offset_model : float
        First-order estimate of the limit offset (:func:`offset_model`).
    offset_bound : float
        ``B_k`` of :func:`offset_bound`.
    within_bound : bool
        ``|offset| ≤ B_k``, i.e. ``|error| ≤ B_k / ln(1/λ)``.
    """

    k: int
    neuron: int
    group: tuple[int, ...]
    data: tuple[int, ...]
    tau: float
    t_flow: float
    error: float
    offset: float
    fitters: tuple[int, ...]
    flow_data: tuple[int, ...]
    matches: bool
    offset_model: float = np.nan
    offset_bound: float = np.nan

    @property
    def within_bound(self) -> bool:
        """``|t̂_k − τ_k ln(1/λ)| ≤ B_k`` (module docstring, "Offsets")."""
        return bool(abs(self.offset) <= self.offset_bound)


@dataclass(frozen=True)
class PlateauCheck:
    """Saddle ``θ_k`` against the flow on its window.

    Attributes
    ----------
    k : int
    window : (float, float)
        Accelerated window ``[τ_lo, τ_hi]`` (clipped to the run).
    loss : float
        Predicted plateau loss ``L(θ_k)``.
    loss_error : float
        ``sup |L(θ(t)) − L(θ_k)|`` on the window.
    distance : float
        ``sup ||θ̃(τ) − θ_k||`` on the window.
    """

    k: int
    window: tuple[float, float]
    loss: float
    loss_error: float
    distance: float


@dataclass(frozen=True, eq=False)
class RunCheck:
    """One flow at one ``λ`` against the limit process.

    Attributes
    ----------
    log_inv_lam : float
        ``ln(1/λ)``.
    margin_scale : float
        ``μ ln(1/λ)`` (spec §8; ``inf`` without competitors).
    verdict : Verdict
    jumps : tuple of JumpCheck
    plateaus : tuple of PlateauCheck
    unfitted : tuple of int
        Data the flow has not fitted at its end.
    unfitted_predicted : tuple of int
        Data the limit process never fits.
    order : bool
        The detected jump times are in the predicted order.
    min_share : float
        Smallest share of its fitter in a fitted datum's output at the end,
        ``max_j contribution / h(x_i)``: near 1 when one neuron fits each
        datum, about 1/2 when neighbours share.
    balance : float
        ``max |a_j² − ||w_j||²|`` over the run (seed 000 Lemma 1: 0).
    balance_relative : float
        ``max |1 − ||ū_j||²|``, the same relative to ``a_j²``.
    sq_norm, sq_norm_predicted : float
        Final ``||θ||²`` of the flow, and ``||θ_K||²``.
    final_loss : float
    nfev, steps : int
    seconds : float
    run : FlowRun
        The simulated flow (not serialized).
    late_rate, late_rate_predicted : float
        ``ν`` of ``L − L(θ_K) ∝ e^{−2νt}`` fitted where the excess falls
        through ``RATE_WINDOW`` of the drop: measured on the flow
        (:func:`late_rate`) and predicted at this ``λ``
        (:attr:`~limitproc.finite.corrections.FiniteLambdaPrediction.rate`);
        ``nan`` when not computed or not reached.
    finite : FiniteLambdaPrediction or None
        That prediction (:func:`run_prediction`; not serialized), reused by
        :func:`~limitproc.flow.plots.plot_validation`.
    """

    log_inv_lam: float
    margin_scale: float
    verdict: Verdict
    jumps: tuple[JumpCheck, ...]
    plateaus: tuple[PlateauCheck, ...]
    unfitted: tuple[int, ...]
    unfitted_predicted: tuple[int, ...]
    order: bool
    min_share: float
    balance: float
    balance_relative: float
    sq_norm: float
    sq_norm_predicted: float
    final_loss: float
    nfev: int
    steps: int
    seconds: float
    run: FlowRun | None = field(repr=False, default=None)
    late_rate: float = np.nan
    late_rate_predicted: float = np.nan
    finite: FiniteLambdaPrediction | None = field(repr=False, default=None)

    @property
    def lam(self) -> float:
        """``λ`` (0.0 below the float range)."""
        return float(np.exp(-self.log_inv_lam))

    @property
    def resolved(self) -> bool:
        """``μ ln(1/λ) ≥ 5`` (spec §8)."""
        return self.margin_scale >= RESOLUTION_CONSTANT

    @property
    def max_jump_error(self) -> float:
        """Largest ``|t̂_k / ln(1/λ) − τ_k|`` (``nan`` if a jump was not seen)."""
        errors = [abs(j.error) for j in self.jumps]
        return float(max(errors)) if errors else 0.0

    @property
    def within_bounds(self) -> bool:
        """Every jump error is within its derived tolerance ``B_k / ln(1/λ)``."""
        return all(j.within_bound for j in self.jumps)

    @property
    def max_distance(self) -> float:
        """Largest ``sup ||θ̃ − θ_k||`` over the plateau windows."""
        return float(max((p.distance for p in self.plateaus), default=0.0))

    @property
    def max_loss_error(self) -> float:
        """Largest ``sup |L − L(θ_k)|`` over the plateau windows."""
        return float(max((p.loss_error for p in self.plateaus), default=0.0))

    def __repr__(self) -> str:
        return (
            f"RunCheck(λ={lambda_label(self.log_inv_lam)}, μ ln(1/λ)={self.margin_scale:.3g}, {self.verdict.name}, "
            f"max |Δτ|={self.max_jump_error:.3g}, sup ||θ̃−θ_k||={self.max_distance:.2e}, "
            f"||θ||²={self.sq_norm:.6g}/{self.sq_norm_predicted:.6g})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (non-finite numbers as ``None``).

        Returns
        -------
        dict
            The fields and properties above, jumps and plateaus as lists of
            dicts, the solver's work under ``"solver"`` (``run`` and
            ``finite`` are not serialized).

        Examples
        --------
        >>> from limitproc import Problem, validate
        >>> report = validate(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1]), [1e-8])
        >>> run = report.runs[0].to_dict()
        >>> run["verdict"], run["jumps"][0]["data"], run["within_bounds"]
        ('MATCH', [0, 1], True)
        """
        return {
            "log_inv_lam": json_number(self.log_inv_lam),
            "lam": json_number(self.lam),
            "margin_scale": json_number(self.margin_scale),
            "resolved": bool(self.resolved),
            "verdict": self.verdict.name,
            "message": self.verdict.value,
            "jumps": [
                {
                    "k": j.k, "neuron": j.neuron, "group": list(j.group), "data": list(j.data),
                    "tau": json_number(j.tau), "t_flow": json_number(j.t_flow), "error": json_number(j.error),
                    "offset": json_number(j.offset), "offset_model": json_number(j.offset_model),
                    "offset_bound": json_number(j.offset_bound), "within_bound": j.within_bound,
                    "fitters": list(j.fitters), "flow_data": list(j.flow_data), "matches": bool(j.matches),
                }
                for j in self.jumps
            ],
            "plateaus": [
                {
                    "k": p.k, "window": [json_number(p.window[0]), json_number(p.window[1])],
                    "loss": json_number(p.loss), "loss_error": json_number(p.loss_error),
                    "distance": json_number(p.distance),
                }
                for p in self.plateaus
            ],
            "unfitted": list(self.unfitted),
            "unfitted_predicted": list(self.unfitted_predicted),
            "order": bool(self.order),
            "min_share": json_number(self.min_share),
            "balance": json_number(self.balance),
            "balance_relative": json_number(self.balance_relative),
            "sq_norm": json_number(self.sq_norm),
            "sq_norm_predicted": json_number(self.sq_norm_predicted),
            "final_loss": json_number(self.final_loss),
            "max_jump_error": json_number(self.max_jump_error),
            "within_bounds": bool(self.within_bounds),
            "max_distance": json_number(self.max_distance),
            "max_loss_error": json_number(self.max_loss_error),
            "late_rate": json_number(self.late_rate),
            "late_rate_predicted": json_number(self.late_rate_predicted),
            "solver": {"nfev": int(self.nfev), "steps": int(self.steps), "seconds": json_number(self.seconds)},
        }


@dataclass(frozen=True, eq=False)
class ValidationReport:
    """The limit process against simulated flows at several ``λ`` (spec §7).

    Attributes
    ----------
    process : LimitProcess
    runs : tuple of RunCheck
        One per ``λ``, in the order given.
    margin : float
        The resolution margin ``μ`` (spec §8).
    """

    process: LimitProcess = field(repr=False)
    runs: tuple[RunCheck, ...]
    margin: float

    @property
    def ok(self) -> bool:
        """No run contradicts the theory (unresolved runs are not failures)."""
        return all(r.verdict.ok for r in self.runs)

    @property
    def scaled_errors(self) -> NDArray[np.float64]:
        """``(t̂_k/ln(1/λ) − τ_k) · ln(1/λ)``, shape (runs, K): constant in
        ``λ`` when the errors shrink like ``1/ln(1/λ)`` (spec §8)."""
        return np.array([[j.offset for j in r.jumps] for r in self.runs]).reshape(len(self.runs), self.process.K)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict with a schema version.

        Returns
        -------
        dict
            The ``limitproc.validation`` document (:mod:`limitproc.schema`):
            ``ok``, the margin, the prediction and one
            :meth:`RunCheck.to_dict` per run.

        Examples
        --------
        >>> from limitproc import Problem, validate
        >>> report = validate(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1]), [1e-8])
        >>> doc = report.to_dict()
        >>> doc["schema"], doc["ok"], doc["prediction"]["times"]
        ('limitproc.validation', True, [0.4])
        """
        p = self.process
        return document("validation", {
            "ok": bool(self.ok),
            "margin": json_number(self.margin),
            "largest_resolved_lambda": json_number(p.resolution_margin.largest_lambda()),
            "prediction": {
                "K": p.K,
                "times": [json_number(t) for t in p.times],
                "neurons": list(p.neurons),
                "losses": [json_number(v) for v in p.losses],
                "sq_norm": json_number(p.final.sq_norm),
            },
            "runs": [r.to_dict() for r in self.runs],
        })

    def table(self) -> DataTable:
        """A :class:`~limitproc.tables.DataTable`, one row per ``λ``, with a legend.

        Returns
        -------
        DataTable

        Examples
        --------
        >>> from limitproc import Problem, validate
        >>> report = validate(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1]), [1e-8])
        >>> table = report.table()
        >>> [c.header for c in table.columns[:3]], table.rows[0][:2]
        (['λ', 'μ ln(1/λ)', 'verdict'], ('1e-08', '7.65'))
        """
        from ..tables import Column, DataTable

        columns = (
            Column("λ", meaning="initialization scale of the simulated run"),
            Column("μ ln(1/λ)", meaning="resolution (spec §8): the limit describes the run when it is ≥ 5"),
            Column("verdict", numeric=False, meaning="neurons and fitted data of the flow against the prediction"),
            Column("max |Δτ|", meaning="largest error of the accelerated jump times t̂_k/ln(1/λ) − τ_k"),
            Column("× ln(1/λ)", meaning="the same error in gradient-flow time (converges to the offsets C_k)"),
            Column("≤ B/ln(1/λ)", meaning="whether every jump error is within its derived bound B_k/ln(1/λ)"),
            Column("sup ||θ̃−θ_k||", meaning="largest parameter distance to the saddles on the plateau windows"),
            Column("sup |ΔL|", meaning="largest loss error on the plateau windows"),
            Column("||θ||² flow / pred", meaning="final squared norm of the flow, and of the predicted θ_K"),
            Column("late ν flow / pred", meaning="rate ν of L − L(θ_K) ∝ e^(−2νt) after the last jump, fitted on the "
                                                 "flow and predicted (— when not computed)"),
            Column("balance", meaning="largest |a_j² − ||w_j||²| along the run (0 for the exact flow)"),
            Column("nfev", meaning="right-hand side evaluations of the solver"),
            Column("seconds", meaning="wall-clock time of the simulation"),
        )
        style = {Verdict.MATCH: "green", Verdict.UNRESOLVED_MATCH: "green", Verdict.UNRESOLVED: "yellow",
                 Verdict.MISMATCH: "bold red"}
        rows = tuple(
            (lambda_label(r.log_inv_lam), f"{r.margin_scale:.3g}",
             f"[{style[r.verdict]}]{r.verdict.name.lower().replace('_', ' ')}[/]",
             f"{r.max_jump_error:.3g}", f"{r.max_jump_error * r.log_inv_lam:.3g}",
             "yes" if r.within_bounds else ("[yellow]no[/]" if not r.resolved else "[bold red]no[/]"),
             f"{r.max_distance:.2e}", f"{r.max_loss_error:.2e}",
             f"{r.sq_norm:.5g} / {r.sq_norm_predicted:.5g}", _pair(r.late_rate, r.late_rate_predicted),
             f"{r.balance:.1e}", str(r.nfev), f"{r.seconds:.2f}")
            for r in self.runs
        )
        notes = {r.verdict for r in self.runs}
        return DataTable(f"Flow vs limit process (K = {self.process.K} jumps, μ = {self.margin:.4g})", columns, rows,
                         tuple(f"{v.name.lower().replace('_', ' ')}: {v.value}" for v in Verdict if v in notes))

    def __rich__(self) -> DataTable:
        return self.table()

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def __str__(self) -> str:
        lines = [f"Flow vs limit process: K = {self.process.K}, μ = {self.margin:.4g}"]
        for r in self.runs:
            lines.append(
                f"  λ = {lambda_label(r.log_inv_lam)}: μ ln(1/λ) = {r.margin_scale:.3g}, {r.verdict.name}; "
                f"max |Δτ| = {r.max_jump_error:.3g}, sup ||θ̃−θ_k|| = {r.max_distance:.2e}, "
                f"||θ||² = {r.sq_norm:.6g} (predicted {r.sq_norm_predicted:.6g}), "
                f"late ν = {_pair(r.late_rate, r.late_rate_predicted)} (flow / predicted)"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        verdicts = ", ".join(f"{lambda_label(r.log_inv_lam)}: {r.verdict.name}" for r in self.runs)
        return f"ValidationReport(K={self.process.K}, μ={self.margin:.4g}, {verdicts})"


def _pair(measured: float, predicted: float) -> str:
    """``measured / predicted`` for a table, ``—`` where not available."""
    return " / ".join("—" if np.isnan(v) else f"{v:.4g}" for v in (measured, predicted))
