"""What a gradient-descent run at ``(λ, lr)`` should show: the GD limit process
in steps with its finite-λ corrections, plateaus, norms and stability limit
(``docs/gradient-descent.md`` §3, §6, §8).

:func:`predict_run` turns a problem (or its flow :class:`LimitProcess`), a
scale ``λ`` and a learning rate into a :class:`RunPrediction`: the GD limit
process ``limit_process(problem, step=h)`` (Algorithm 1 of spec §3 with every
exponent falling at ``g(r) = ln(1 + h r)/h``), the half-fit step of each jump
from :func:`~limitproc.finite.corrections.finite_lambda` (``t_k / h`` with
``t_k = τ_k^GD ln(1/λ) + C_k``; the leading order ``τ_k^GD ln(1/λ)/h`` where
the correction does not hold or cannot be computed), the loss plateaus
``L(θ_k)``, the squared norms, the resolution margin of the GD process
(spec §8) and the stability limit (:mod:`limitproc.finite.stability`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..finite.stability import StabilityLimit, stability_limit
from ..flow.gd import flow_time_step
from ..process.algorithm1 import RESOLUTION_CONSTANT, LimitProcess, limit_process
from ..scale import log_inv_lambda

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from ..finite.corrections import FiniteLambdaPrediction
    from ..problem.problem import Problem

__all__ = ["GDJump", "RunPrediction", "StabilityLimit", "predict_run", "stability_limit"]


@dataclass(frozen=True)
class GDJump:
    """Jump ``k`` of the GD limit process, as floats.

    ``tau`` is the accelerated time ``τ_k^GD``; ``rate`` is ``r`` of the
    jumping neuron (spec §3; ``||(c ∘ y)_I||/n`` for inputs of any norms) and
    ``speed`` is ``g(r)``; ``data`` the fitted data; ``loss`` and
    ``sq_norm`` are ``L(θ_k)`` and ``||θ_k||²``; ``fit_sq_norm`` is the
    jumping group's ``a² = ||w||²`` once it has fitted (``n r`` on unit norms).

    Examples
    --------
    Obtained from :attr:`RunPrediction.jumps`; with ``h = 0.2`` the first
    jump's growth is ``g(r) = ln(1 + h r)/h`` (``docs/gradient-descent.md`` §3):

    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -1.0], [[1, 1, -1], [1, -1, 1]], signs=[1, -1])
    >>> pred = predict_run(p, 1e-8, lr=0.1, reduction="mean")
    >>> j = pred.jumps[0]
    >>> j.k, j.neuron, j.data, round(j.tau, 4), round(j.rate, 4), round(j.speed, 4)
    (1, 0, (0, 1), 0.6952, 1.6667, 1.4384)
    >>> round(j.loss, 4), j.sq_norm, round(j.fit_sq_norm, 6)
    (0.1667, 10.0, 5.0)
    """

    k: int
    tau: float
    neuron: int
    group: tuple[int, ...]
    data: tuple[int, ...]
    rate: float
    speed: float
    loss: float
    sq_norm: float
    fit_sq_norm: float


@dataclass(frozen=True, eq=False)
class RunPrediction:
    """What a gradient-descent run should show (``docs/from-training-script.md``).

    Attributes
    ----------
    process : LimitProcess
        ``limit_process(problem, step=h)``.
    log_inv_lam : float
    step_size : float
        ``h`` (flow time per step).
    lr : float
    reduction : str
    steps : ndarray, shape (K,)
        Predicted half-fit steps: the finite-λ corrected ``t_k / h`` where the
        correction holds, the leading order ``τ_k^GD ln(1/λ)/h`` elsewhere.
    leading_steps : ndarray, shape (K,)
        ``τ_k^GD ln(1/λ) / h``.
    stability : StabilityLimit
    flow_order : tuple of int
        The jumping neurons of the flow's Algorithm 1, for comparison.
    finite : FiniteLambdaPrediction or None
        The finite-λ prediction of the GD process (``None`` when it cannot
        be computed at this scale; :attr:`note` says why).
    jumps : tuple of GDJump
    note : str

    Examples
    --------
    Obtained from :func:`predict_run`:

    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -1.0], [[1, 1, -1], [1, -1, 1]], signs=[1, -1])
    >>> pred = predict_run(p, 1e-8, lr=0.1, reduction="mean")
    >>> pred.K, pred.steps.round(1).tolist(), pred.resolved, pred.stable, pred.order_differs
    (2, [64.8, 282.3], True, True, False)
    >>> pred.losses.round(4).tolist()
    [4.3333, 0.1667, 0.0]
    """

    process: LimitProcess = field(repr=False)
    log_inv_lam: float
    step_size: float
    lr: float
    reduction: str
    steps: NDArray[np.float64] = field(repr=False)
    leading_steps: NDArray[np.float64] = field(repr=False)
    stability: StabilityLimit = field(repr=False)
    flow_order: tuple[int, ...] = ()
    finite: FiniteLambdaPrediction | None = field(repr=False, default=None)
    jumps: tuple[GDJump, ...] = field(repr=False, default=())
    note: str = ""

    @property
    def K(self) -> int:
        """Number of jumps."""
        return len(self.jumps)

    @property
    def losses(self) -> NDArray[np.float64]:
        """``L(θ_0..θ_K)`` (spec §1 units)."""
        return np.asarray(self.process.losses, dtype=float)

    @property
    def sq_norms(self) -> NDArray[np.float64]:
        """``||θ_0..θ_K||²``."""
        return np.asarray(self.process.sq_norms, dtype=float)

    @property
    def times(self) -> NDArray[np.float64]:
        """Predicted half-fit flow times, ``steps · h``."""
        return self.steps * self.step_size

    @property
    def margin(self) -> float:
        """The resolution margin ``μ`` of the GD process (spec §8)."""
        return float(self.process.resolution_margin.value)

    @property
    def margin_scale(self) -> float:
        """``μ ln(1/λ)`` (spec §8, effective ``ln(1/λ)``): the process describes the run when ≥ 5."""
        margin = self.process.resolution_margin
        return float(margin.scale(log_inv_lam=self.log_inv_lam)) if np.isfinite(self.margin) else np.inf

    @property
    def resolved(self) -> bool:
        """``μ ln(1/λ) ≥ 5`` (spec §8)."""
        return self.margin_scale >= RESOLUTION_CONSTANT

    @property
    def stable(self) -> bool:
        """``h`` below the stability limit (``docs/gradient-descent.md`` §6)."""
        return self.stability.stable(self.step_size)

    @property
    def order_differs(self) -> bool:
        """Whether gradient descent jumps in another order than the flow."""
        return tuple(j.neuron for j in self.jumps) != tuple(self.flow_order)

    @property
    def source(self) -> str:
        """Which computation gave :attr:`steps`."""
        if self.finite is None:
            return "limit_process(step=h), leading order τ ln(1/λ)/h" + (f" ({self.note})" if self.note else "")
        return "limit_process(step=h) + finite_lambda (corrected half-fit steps where they hold)"

    def loss_at_step(self, steps: ArrayLike) -> NDArray[np.float64]:
        """The predicted plateau loss ``L(θ_k)`` (spec §1 units) at each step.

        Parameters
        ----------
        steps : array_like of float

        Returns
        -------
        ndarray
            ``L(θ_k)`` with ``k`` the number of predicted jumps before each step.

        Examples
        --------
        The jumps are predicted at steps 64.8 and 282.3:

        >>> from limitproc import Problem
        >>> p = Problem([3.0, 4.0, -1.0], [[1, 1, -1], [1, -1, 1]], signs=[1, -1])
        >>> pred = predict_run(p, 1e-8, lr=0.1, reduction="mean")
        >>> pred.loss_at_step([0, 100, 1000]).round(4).tolist()
        [4.3333, 0.1667, 0.0]
        """
        steps = np.asarray(steps, dtype=float)
        return self.losses[np.searchsorted(self.steps, steps, side="right")]

    def log_norms_at_step(self, steps: ArrayLike) -> NDArray[np.float64]:
        """Predicted ``ln ||w_j||`` at each step, shape (len(steps), m):
        ``−e_j(τ) ln(1/λ)`` while waiting (spec §2), ``ln sqrt(a²)`` of the
        saddle after its jump (a group's norm on its first neuron).

        Parameters
        ----------
        steps : array_like of float

        Returns
        -------
        ndarray, shape (len(steps), m)

        Examples
        --------
        At step 0 both neurons are at ``ln λ``; at step 100 neuron 0 has
        jumped (``ln sqrt(5)``) and neuron 1 is still small:

        >>> from limitproc import Problem
        >>> p = Problem([3.0, 4.0, -1.0], [[1, 1, -1], [1, -1, 1]], signs=[1, -1])
        >>> pred = predict_run(p, 1e-8, lr=0.1, reduction="mean")
        >>> pred.log_norms_at_step([0, 100]).round(3).tolist()
        [[-18.421, -18.421], [0.805, -11.967]]
        """
        steps = np.atleast_1d(np.asarray(steps, dtype=float))
        tau = steps * self.step_size / self.log_inv_lam
        out = np.array([-self.process.exponents(float(t)) * self.log_inv_lam for t in tau])
        for jump in self.jumps:
            after = tau >= jump.tau
            out[after, jump.neuron] = 0.5 * np.log(jump.fit_sq_norm)
        return out


def predict_run(
    problem_or_process: Problem | LimitProcess,
    lam: float | None = None,
    *,
    log_inv_lam: float | None = None,
    lr: float,
    reduction: Literal["spec", "mean", "sum"] = "spec",
) -> RunPrediction:
    """The prediction for a gradient-descent run at scale ``λ`` with learning
    rate ``lr`` on the loss named by ``reduction`` (``docs/from-training-script.md``).

    Parameters
    ----------
    problem_or_process : Problem or LimitProcess
        The problem, or its flow limit process (used for :attr:`RunPrediction.flow_order`).
    lam, log_inv_lam : float, optional
        The scale ``λ`` or ``ln(1/λ)``.
    lr : float
        The learning rate.
    reduction : {"spec", "mean", "sum"}
        The loss ``lr`` applies to (:func:`~limitproc.flow.gd.flow_time_step`).

    Returns
    -------
    RunPrediction

    Raises
    ------
    InputError
        A bad ``lr``, ``reduction`` or scale.

    Examples
    --------
    ``lr = 0.1`` on ``MSELoss(mean)`` is ``h = 0.2``; neuron 0 (rate 5/3)
    jumps at step ``ln(1/λ) / ln(1 + h r) = 64.0`` to leading order (the
    flow: ``ln(1/λ)/(h r) = 55.3``), at step 64.8 with the finite-λ correction:

    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -1.0], [[1, 1, -1], [1, -1, 1]], signs=[1, -1])
    >>> pred = predict_run(p, 1e-8, lr=0.1, reduction="mean")
    >>> pred.step_size, [j.neuron for j in pred.jumps], pred.leading_steps.round(1).tolist()
    (0.2, [0, 1], [64.0, 285.4])
    >>> pred.steps.round(1).tolist()
    [64.8, 282.3]
    >>> round(pred.stability.step_max, 4), pred.stable   # 2 / (2 r), r = 5/3
    (0.6, True)
    """
    from ..errors import InputError
    from ..finite.corrections import finite_lambda

    flow = problem_or_process if isinstance(problem_or_process, LimitProcess) else None
    problem: Any = flow.problem if flow is not None else problem_or_process
    L = log_inv_lambda(lam, log_inv_lam)
    h = flow_time_step(lr, reduction, problem.n)
    gd = limit_process(problem, step=h, ties="first")
    if flow is None:
        flow = limit_process(problem, ties="first")
    flow_order = tuple(int(s.neuron or 0) for s in flow.jumps)  # jumps always have a neuron
    jumps = tuple(
        GDJump(s.k, float(s.tau), int(s.neuron or 0), tuple(int(g) for g in (s.group or (s.neuron or 0,))),
               tuple(int(i) for i in s.data), float(s.rate), float(gd.speed(float(s.rate))), float(s.loss),
               float(s.sq_norm), float(s.a) ** 2)
        for s in gd.jumps
    )
    leading = np.array([j.tau for j in jumps]) * L / h
    finite, note = None, ""
    steps = leading.copy()
    try:
        finite = finite_lambda(gd, log_inv_lam=L)
        corrected = np.asarray(finite.times, dtype=float) / h
        valid = np.array([st.valid for st in finite.status], dtype=bool)
        steps = np.where(valid & np.isfinite(corrected), corrected, leading)
    except (InputError, ValueError, ArithmeticError) as exc:  # e.g. labels far below λ²
        note = f"finite-λ corrections not computed: {exc}"
    for arr in (steps, leading):
        arr.flags.writeable = False
    return RunPrediction(gd, L, h, float(lr), reduction, steps, leading, stability_limit(gd), flow_order,
                         finite, jumps, note)
