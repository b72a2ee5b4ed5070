"""Everything ``limitproc predict`` reports about one problem.

A :class:`Prediction` bundles the limit process (spec §3), the closed forms
of seed 000 (spec §4), the implicit-bias ratio, the resolution margin
(spec §8) and the assumption report (spec §5), with a JSON form of stable
schema (``docs/json-schema.md``) and an npz form.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Literal, cast

import numpy as np

from . import __version__
from .arguments import check_bool, check_choice, check_problem
from .process.algorithm1 import limit_process
from .process.assumptions import assumption_report
from .process.closed_forms import two_phase
from .process.min_norm import implicit_bias_ratio, min_norm_sq
from .schema import document, json_number

if TYPE_CHECKING:
    from rich.console import Group

    from .finite.corrections import FiniteLambdaPrediction
    from .problem.problem import Problem
    from .process.algorithm1 import LimitProcess, ResolutionMargin
    from .process.assumptions import AssumptionReport
    from .process.closed_forms import TwoPhase
    from .process.mask import Mask

__all__ = ["Prediction", "predict", "check_stable_step", "SCHEMA_VERSION"]


#: Version of the JSON schema of :meth:`Prediction.to_dict`
#: (``limitproc.schema.SCHEMAS["prediction"]``).
SCHEMA_VERSION = 1


@dataclass(frozen=True, eq=False)
class Prediction:
    """The limit process of a problem and what follows from it.

    Attributes
    ----------
    process : LimitProcess
    two_phase : TwoPhase
    min_sq_norm : number
        ``||θ*||² = 2(||y_+|| + ||y_−||)`` (seed 000 Proposition 1).
    ratio : number or None
        ``||θ_K||² / ||θ*||²`` when ``θ_K`` interpolates.
    report : AssumptionReport
    lam : float or None
        Initialization scale for un-accelerated times ``t = τ ln(1/λ)``
        (``None`` when no scale was given or when it is below the float
        range; then only ``log_inv_lam`` holds it).
    log_inv_lam : float or None
        ``ln(1/λ)``.
    lr : float or None
        Gradient descent's learning rate (``None``: the gradient flow of
        spec §1); :attr:`process` is then ``limit_process(problem, step=h)``.
    reduction : {"spec", "mean", "sum"}
        The loss ``lr`` applies to (``docs/gradient-descent.md`` §1).
    """

    process: LimitProcess = field(repr=False)
    two_phase: TwoPhase = field(repr=False)
    min_sq_norm: Any
    ratio: Any
    report: AssumptionReport = field(repr=False)
    lam: float | None = None
    log_inv_lam: float | None = None
    lr: float | None = None
    reduction: str = "mean"

    @property
    def step(self) -> float:
        """Flow time ``h`` of one gradient-descent step (0 for the flow)."""
        return float(self.process.step)

    def finite_lambda(self, progress: Any = None) -> FiniteLambdaPrediction:
        """The finite-λ corrections at the prediction's scale
        (:func:`~limitproc.finite.corrections.finite_lambda`; gradient
        descent's when :attr:`lr` is set: times in flow time and in steps).

        Parameters
        ----------
        progress : callable, optional
            ``progress(stage, done, total)``.

        Returns
        -------
        FiniteLambdaPrediction

        Raises
        ------
        InputError
            No scale was given, or the finite-λ model does not apply.

        Examples
        --------
        >>> from limitproc import Problem
        >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
        >>> finite = predict(p, lam=1e-8, lr=0.05, reduction="mean").finite_lambda()
        >>> finite.step, finite.steps.round(1).tolist()   # h = 2 lr; simulate_gd crosses half at step 84.2
        (0.1, [84.2])
        """
        from .errors import InputError
        from .finite.corrections import finite_lambda

        scale = self.log_inv_lambda
        if scale is None:
            raise InputError("finite-λ corrections need the scale λ (lam or log_inv_lam)")
        return finite_lambda(self.process, log_inv_lam=scale, progress=progress)

    @property
    def margin(self) -> ResolutionMargin:
        """The resolution margin ``μ`` of the process (spec §8)."""
        return self.process.resolution_margin

    @property
    def log_inv_lambda(self) -> float | None:
        """``ln(1/λ)``, or ``None`` without a scale."""
        if self.log_inv_lam is not None:
            return float(self.log_inv_lam)
        return None if self.lam is None else float(np.log(1.0 / self.lam))

    def __str__(self) -> str:
        """What ``limitproc predict`` prints (saddles, summary, assumptions),
        as plain text 100 columns wide: ``print(prediction)`` in a notebook."""
        from .tables import plain_text

        return plain_text(self)

    def _repr_html_(self) -> str:
        from html import escape

        from .tables import plain_text, saddle_table, summary_table

        report = escape(plain_text(self.report))
        return (saddle_table(self.process, self.log_inv_lambda)._repr_html_() + summary_table(self)._repr_html_()
                + f"<pre style='font-size:smaller'>{report}</pre>")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict, schema ``docs/json-schema.md``.

        Returns
        -------
        dict
            The ``limitproc.prediction`` document (:mod:`limitproc.schema`):
            saddles, final interpolator, closed forms, margin, structure,
            interactions, assumptions and ties; exact values as strings under
            ``"exact"`` for the exact backend.

        Examples
        --------
        >>> from limitproc import Problem
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> doc = predict(p, lam=1e-8).to_dict()
        >>> doc["schema"], [s["tau"] for s in doc["saddles"]], doc["final"]["ratio"]
        ('limitproc.prediction', [0.0, 0.6, 1.5], 1.0)
        """
        process = self.process
        # LimitProcess types its problem and mask as object (limitproc/process/ is typed later)
        problem, mask = cast("Problem", process.problem), cast("Mask", process.mask)
        exact = process.backend == "exact"
        scale = self.log_inv_lambda
        saddles = []
        for s in process.saddles:
            entry = {
                "k": s.k,
                "tau": float(s.tau),
                "t": None if scale is None else json_number(float(s.tau) * scale),
                "step_leading": None if scale is None or self.lr is None else json_number(float(s.tau) * scale / self.step),
                "neuron": s.neuron,
                "group": list(s.group),
                "data": s.data.tolist(),
                "n_data": len(s.data),
                "rate": float(s.rate),
                "loss": float(s.loss),
                "sq_norm": float(s.sq_norm),
                "a": float(s.a),
            }
            if exact:
                entry["exact"] = {key: str(getattr(s, key)) for key in ("tau", "rate", "loss", "sq_norm", "a")}
            saddles.append(entry)
        final = process.final
        margin = self.margin
        two_phase_dict = self.two_phase.to_dict()
        if scale is not None:
            two_phase_dict["times_unaccelerated"] = [json_number(float(t) * scale) for t in self.two_phase.times]
        out = document("prediction", {
            "limitproc_version": __version__,
            "backend": process.backend,
            "lambda": None if self.lam is None else float(self.lam),
            "log_inv_lambda": scale,
            "problem": {
                "n": problem.n,
                "d": problem.d,
                "m": problem.m,
                "standard_basis": problem.standard_basis,
                "n_positive": int((problem.y > 0).sum()),
                "n_negative": int((problem.y < 0).sum()),
                "positive_neurons": int((problem.signs > 0).sum()),
                "negative_neurons": int((problem.signs < 0).sum()),
                "gram_deviation": problem.gram_deviation,
            },
            "saddles": saddles,
            "gradient_descent": None if self.lr is None else {
                "lr": float(self.lr),
                "reduction": self.reduction,
                "step": self.step,
                "leading_steps": None if scale is None else [json_number(float(s.tau) * scale / self.step)
                                                             for s in process.jumps],
                "stability": _stability(process).to_dict(self.step),
            },
            "label_scale": {
                "c": problem.label_scale,
                "out_of_range": list(process.out_of_range),
                "scaled_times": [json_number(t) for t in process.scaled_times],
                "scaled_losses": [json_number(v) for v in process.scaled_losses],
            },
            "final": {
                "K": process.K,
                "loss": float(final.loss),
                "sq_norm": float(final.sq_norm),
                "min_sq_norm": float(self.min_sq_norm),
                "ratio": None if self.ratio is None else float(self.ratio),
                "interpolates": process.interpolates,
            },
            "two_phase": two_phase_dict,
            "resolution_margin": {
                "mu": None if margin.value == np.inf else float(margin.value),
                "k": margin.k,
                "neuron": margin.neuron,
                "competitor": margin.competitor,
                "largest_lambda": margin.largest_lambda(),
                "log10_largest_lambda": None if margin.value == 0 else margin.log10_largest_lambda(),
                "mu_log_inv_lambda": None if scale is None or margin.value == np.inf else json_number(margin.scale(log_inv_lam=scale)),
            },
            "structure": {
                "components": mask.n_components,
                "mask_entries": mask.size,
                "zero_rows": mask.zero_rows.tolist(),
                "zero_columns": mask.zero_columns.tolist(),
                "groups": [list(g) for g in mask.groups],
            },
            "interactions": [
                {"k": i.k, "neuron": i.neuron, "old_rate": float(i.old_rate), "new_rate": float(i.new_rate),
                 "exponent": float(i.exponent)}
                for i in process.interactions
            ],
            "assumptions": self.report.to_dict(),
            "near_ties": [t.to_dict() for t in process.near_ties],
            "deferred_to_exact": [{"reason": t} if isinstance(t, str) else t.to_dict() for t in process.deferred],
            "ties_broken": [{"tau": float(t), "exact": str(t) if exact else None, "neurons": list(pair)}
                            for t, pair in process.ties],
        })
        if exact:
            out["final"]["exact"] = {
                "loss": str(final.loss), "sq_norm": str(final.sq_norm), "min_sq_norm": str(self.min_sq_norm),
                "ratio": None if self.ratio is None else str(self.ratio),
            }
            out["resolution_margin"]["exact"] = None if margin.value == np.inf else str(margin.value)
        return out

    def save_npz(self, path: str | os.PathLike[str] | IO[bytes]) -> str | os.PathLike[str] | IO[bytes]:
        """Write the arrays of the prediction (keys documented in
        ``docs/formats.md``) to exactly ``path`` (no ``.npz`` is appended),
        atomically (:mod:`limitproc.atomic`); ``path`` may also be a binary
        file object.

        Parameters
        ----------
        path : str, path-like or binary file object
            Where to write.

        Returns
        -------
        str, path-like or file object
            ``path``.

        Raises
        ------
        OutputError
            ``path`` cannot be written (:func:`~limitproc.atomic.atomic_path`).

        Examples
        --------
        >>> import io
        >>> from limitproc import Problem
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> buffer = predict(p).save_npz(io.BytesIO())
        >>> _ = buffer.seek(0)
        >>> np.load(buffer)["tau"]
        array([0.6, 1.5])
        """
        process = self.process
        jumps = process.jumps
        problem = cast("Problem", process.problem)  # typed object in limitproc/process/
        arrays: dict[str, Any] = {
            "tau": process.times,
            "neuron": np.array([s.neuron for s in jumps], dtype=np.int64),
            "loss": process.losses,
            "sq_norm": process.sq_norms,
            "rate": np.array([float(s.rate) for s in jumps]),
            "a": np.array([float(s.a) for s in jumps]),
            "data": np.concatenate([s.data for s in jumps]) if jumps else np.empty(0, dtype=np.int64),
            "data_offsets": np.cumsum([0] + [len(s.data) for s in jumps]),
            "coefficients": np.concatenate([np.asarray(s.coefficients, dtype=float) for s in jumps]) if jumps else np.empty(0),
            "initial_rates": np.array([float(r) for r in process.initial_rates]),
            "exponents_at_jumps": np.array([process.exponents(t) for t in [0.0] + process.times.tolist()]),
        }
        if problem.m * problem.d <= 10**7:
            arrays["final_a"], arrays["final_W"] = process.parameters()
        if hasattr(path, "write"):
            np.savez_compressed(path, **arrays)
            return path
        from .atomic import atomic_path

        with atomic_path(path) as temp, open(temp, "wb") as handle:
            np.savez_compressed(handle, **arrays)
        return path

    def __rich__(self) -> Group:
        from .tables import prediction_renderable

        return prediction_renderable(self)


def predict(
    problem: Problem,
    *,
    lam: float | None = None,
    log_inv_lam: float | None = None,
    exact: bool = False,
    near_ties: Literal["exact", "raise", "report"] = "exact",
    ties: Literal["raise", "first"] = "raise",
    lr: float | None = None,
    reduction: Literal["spec", "mean", "sum"] = "mean",
) -> Prediction:
    """Algorithm 1 and everything ``limitproc predict`` reports (spec §3–§5, §8).

    Parameters
    ----------
    problem : Problem
    lam : float, optional
        Initialization scale ``0 < λ < 1``, for the un-accelerated times
        ``t = τ ln(1/λ)``.
    log_inv_lam : float, optional
        ``ln(1/λ) > 0`` instead of ``lam``, for scales below the float range.
    exact : bool
        Run the exact backend.
    near_ties : {"exact", "raise", "report"}
    ties : {"raise", "first"}
        See :func:`~limitproc.limit_process`.
    lr : float, optional
        Gradient descent with this learning rate instead of the gradient
        flow: the limit process of gradient descent,
        ``limit_process(problem, step=h)`` (``docs/gradient-descent.md`` §3).
    reduction : {"spec", "mean", "sum"}
        The loss ``lr`` applies to: spec §1's ``L`` (``h = lr``), torch's
        ``MSELoss()`` (``2L``, ``h = 2 lr``) or ``MSELoss(reduction="sum")``
        (``2nL``, ``h = 2n lr``) (:func:`~limitproc.flow.gd.flow_time_step`).
        Default ``"mean"``: PyTorch's default, what a training script with
        ``nn.MSELoss()`` uses.

    Returns
    -------
    Prediction

    Raises
    ------
    ArgumentTypeError, ArgumentError
        For an argument of the wrong type or out of range, a learning rate
        at or above the stability limit of the predicted path
        (``docs/gradient-descent.md`` §6), or ``lr`` with ``exact``.
    TieError, NearTieError, UnsupportedProblemError
        From :func:`~limitproc.limit_process`.

    Examples
    --------
    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> result = predict(p, lam=1e-8)
    >>> [round(float(s.tau), 6) for s in result.process.jumps], result.ratio
    ([0.6, 1.5], 1.0)

    Gradient descent with torch's ``MSELoss()`` and ``lr = 0.05`` (``h = 0.1``):
    each exponent falls at ``ln(1 + h r)/h`` instead of ``r``:

    >>> gd = predict(p, lam=1e-8, lr=0.05, reduction="mean")
    >>> gd.step, [round(float(s.tau), 4) for s in gd.process.jumps]
    (0.1, [0.6487, 1.5495])
    """
    from .process.algorithm1 import NEAR_TIE_POLICIES, TIE_POLICIES
    from .scale import log_inv_lambda

    check_problem(problem)
    exact = check_bool(exact, "exact")
    check_choice(near_ties, NEAR_TIE_POLICIES, "near_ties")
    check_choice(ties, TIE_POLICIES, "ties")
    scale = None if lam is None and log_inv_lam is None else log_inv_lambda(lam, log_inv_lam)
    if lam is None and scale is not None:
        lam = float(np.exp(-scale))
        lam = lam if lam >= np.finfo(float).tiny else None
    step = None
    if lr is not None:
        from .errors import ArgumentError
        from .flow.gd import flow_time_step

        if exact:
            raise ArgumentError("lr: gradient descent's limit process runs on the float backend only (not exact)")
        step = flow_time_step(lr, reduction, problem.n)
    process = limit_process(problem, exact=exact, near_ties=near_ties, ties=ties, step=step)
    if lr is not None:
        check_stable_step(process, float(lr), reduction)
    exact_values = process.backend == "exact"
    phases = two_phase(problem, process.mask, exact_values)
    return Prediction(
        process=process,
        two_phase=phases,
        min_sq_norm=min_norm_sq(problem, exact_values),
        ratio=implicit_bias_ratio(process, exact_values),
        report=assumption_report(process, phases),
        lam=None if lam is None else float(lam),
        log_inv_lam=scale,
        lr=None if lr is None else float(lr),
        reduction=reduction,
    )


def _stability(process: LimitProcess) -> Any:
    from .finite.stability import stability_limit

    return stability_limit(process)


def check_stable_step(process: LimitProcess, lr: float, reduction: str, option: str = "lr") -> None:
    """Refuse a learning rate at or above the stability limit of the path.

    Parameters
    ----------
    process : LimitProcess
        ``limit_process(problem, step=h)``.
    lr : float
        The learning rate ``h`` came from.
    reduction : str
        Its loss (``h = lr``, ``2 lr`` or ``2n lr``).
    option : str
        The name to put in the message (``"--lr"`` for the command line).

    Returns
    -------
    None

    Raises
    ------
    ArgumentError
        ``h ≥ h_max`` (``docs/gradient-descent.md`` §6): gradient descent
        cannot settle on the predicted saddles.

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
    >>> check_stable_step(limit_process(p, step=0.5), 0.25, "mean")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    limitproc.errors.ArgumentError: lr = 0.25 (reduction mean: h = 0.5) is at or above the stability limit lr < 0.2 ...
    """
    from .errors import ArgumentError

    h = float(process.step)
    limit = _stability(process)
    if limit.stable(h):
        return
    lr_max = limit.step_max * lr / h
    raise ArgumentError(
        f"{option} = {lr:g} (reduction {reduction}: h = {h:g}) is at or above the stability limit "
        f"{option.lstrip('-')} < {lr_max:.4g} (h < {limit.step_max:.4g}, saddle {limit.saddle}) of the predicted "
        "path: gradient descent cannot settle on its saddles (docs/gradient-descent.md §6)"
    )
