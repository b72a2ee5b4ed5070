"""What a gradient-descent run at ``(λ, h)`` should show: the GD limit process
in steps, its plateaus and norms, and its stability limit
(``docs/gradient-descent.md`` §3, §6).

:func:`predict_run` turns a problem (or its flow :class:`LimitProcess`), a
scale ``λ`` and a learning rate into a :class:`RunPrediction`: the jump of
each saddle at step ``τ_k^GD ln(1/λ) / h``, the loss plateaus ``L(θ_k)``, the
squared norms, the resolution margin of the GD process (spec §8) and the
largest stable step along the predicted path.

The GD limit process is Algorithm 1 (spec §3) with every exponent falling at
``g(r) = ln(1 + h r)/h`` instead of ``r`` (``docs/gradient-descent.md`` §3).
Until Algorithm 1 takes that rate map (the hook is described in
``docs/gradient-descent.md`` §8), :func:`gd_limit_process` is an interim,
literal transcription of spec §3 with the map: **this is the one place to
call the library's GD limit process instead**.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, cast

import numpy as np

from ..errors import InputError
from ..flow.gd import flow_time_step, gd_rate
from ..process.algorithm1 import RESOLUTION_CONSTANT, LimitProcess
from ..process.mask import Mask
from ..scale import log_inv_lambda

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from ..problem.problem import Problem

__all__ = [
    "GDJump",
    "GDLimitProcess",
    "RunPrediction",
    "StabilityLimit",
    "gd_limit_process",
    "predict_run",
    "stability_limit",
]

#: Blocks larger than this get the bound ``2 r_l + max diag`` instead of
#: their exact largest NTK eigenvalue (``docs/gradient-descent.md`` §6).
EXACT_BLOCK_LIMIT = 400


@dataclass(frozen=True)
class GDJump:
    """Jump ``k`` of the GD limit process.

    ``tau`` is the accelerated time ``τ_k^GD``; ``rate`` is ``r = ||D||`` of
    the jumping neuron (its saddle has ``||w||² = a² = n r``, spec §3) and
    ``speed`` is ``g(r)``; ``data`` the fitted data; ``loss`` and
    ``sq_norm`` are ``L(θ_k)`` and ``||θ_k||²``.
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


@dataclass(frozen=True)
class GDLimitProcess:
    """The GD limit process at flow-time step ``h`` (``docs/gradient-descent.md`` §3).

    Attributes
    ----------
    problem, mask : Problem, Mask
    step_size : float
        ``h`` (``0`` gives Algorithm 1 of the flow).
    jumps : tuple of GDJump
    initial_loss : float
        ``L(θ_0)``.
    interactions : tuple of (k, neuron, old_speed, new_speed, exponent)
        Jump ``k`` lowered the rate of waiting ``neuron``; ``exponent`` is its
        ``e_j(τ_k)`` then.
    margin : float
        The resolution margin ``μ`` (spec §8) of this process: the smallest
        exponent of a waiting neuron that shares unfitted data with a jumper.
    waiting_rates : tuple of float
        Largest rate ``r_j^k`` of a waiting neuron at each saddle ``k = 0..K``.
    source : str
        Which implementation computed it.
    """

    problem: Problem = field(repr=False)
    mask: Mask = field(repr=False)
    step_size: float
    jumps: tuple[GDJump, ...]
    initial_loss: float
    interactions: tuple[tuple[int, int, float, float, float], ...] = field(repr=False)
    margin: float
    waiting_rates: tuple[float, ...] = field(repr=False)
    source: str = "interim"

    @property
    def K(self) -> int:
        """Number of jumps."""
        return len(self.jumps)

    @property
    def times(self) -> NDArray[np.float64]:
        """``τ_1^GD..τ_K^GD``."""
        return np.array([j.tau for j in self.jumps])

    @property
    def losses(self) -> NDArray[np.float64]:
        """``L(θ_0..θ_K)``."""
        return np.array([self.initial_loss] + [j.loss for j in self.jumps])

    @property
    def sq_norms(self) -> NDArray[np.float64]:
        """``||θ_0..θ_K||²``."""
        return np.array([0.0] + [j.sq_norm for j in self.jumps])

    def exponents(self, tau: float) -> NDArray[np.float64]:
        """Norm exponents ``e_j(τ)`` (spec §2, falling at ``g(r)``), shape (m,);
        group members share their first neuron's.

        Parameters
        ----------
        tau : float
            Accelerated time.

        Returns
        -------
        ndarray, shape (m,)

        Examples
        --------
        >>> from limitproc import Problem
        >>> process = gd_limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1]), 0.1)
        >>> process.exponents(0.2).round(4)  # 1 − τ g(r) with g(2.5) = 2.2314, g(1.5) = 1.3976
        array([0.5537, 0.7205])
        """
        m = self.problem.m
        speed = _speeds(self.mask, self.problem, np.ones(self.problem.n, dtype=bool), self.step_size)
        start, e0 = np.zeros(m), np.ones(m)
        times = [0.0] + self.times.tolist()
        for k, j, _, new, exponent in self.interactions:
            if times[k] > tau:
                break
            start[j], e0[j], speed[j] = times[k], exponent, new
        e = np.maximum(e0 - speed * (tau - start), 0.0)
        for jump in self.jumps:
            if jump.tau <= tau:
                e[jump.neuron] = 0.0
        return e[self.mask.representative]


def _speeds(mask, problem, unfitted, h):
    """``g(r_j)`` of every neuron on its unfitted data (0 when none)."""
    A = mask.by_neuron.toarray().astype(bool) & unfitted[None, :]
    rates = np.sqrt((A * problem.y**2).sum(axis=1)) / problem.n
    return np.where(rates > 0, gd_rate(rates, h), 0.0)


def gd_limit_process(problem: Problem, step_size: float) -> GDLimitProcess:
    """Algorithm 1 (spec §3) with exponents falling at ``g(r) = ln(1 + h r)/h``.

    **Interim.**  A literal transcription (every rate recomputed at every
    jump, ``O(K m n)``; ties go to the lowest index, which is also how
    groups of equal columns resolve), until :func:`limit_process` takes the
    rate map (``docs/gradient-descent.md`` §8).  Saddles, losses and norms
    are those of spec §3; only the times, and through them the order, change.

    Parameters
    ----------
    problem : Problem
    step_size : float
        The flow-time step ``h ≥ 0`` (``0``: the flow's Algorithm 1).

    Returns
    -------
    GDLimitProcess

    Raises
    ------
    InputError
        ``step_size`` is not finite and non-negative.

    Examples
    --------
    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
    >>> process = gd_limit_process(p, 0.1)   # one jump, at 1/g(2.5) instead of 1/2.5
    >>> [(j.neuron, j.data, round(j.tau, 6)) for j in process.jumps]
    [(0, (0, 1), 0.448142)]
    """
    h = float(step_size)
    if not (np.isfinite(h) and h >= 0):
        raise InputError(f"the flow-time step h must be finite and non-negative, got {h:g}")
    mask = Mask(problem)
    n, m = problem.n, problem.m
    y2 = problem.y**2
    A = mask.by_neuron.toarray().astype(bool)  # (m, n)
    unfitted = np.ones(n, dtype=bool)
    waiting = np.zeros(m, dtype=bool)
    waiting[mask.leaders] = True
    e = np.ones(m)
    tau, sq_norm = 0.0, 0.0
    margin = np.inf
    jumps: list[GDJump] = []
    interactions: list[tuple[int, int, float, float, float]] = []
    waiting_rates: list[float] = []
    groups = {g[0]: g for g in mask.groups}
    while True:
        active = A & unfitted[None, :]
        rates = np.sqrt((active * y2).sum(axis=1)) / n
        live = waiting & (rates > 0)
        waiting_rates.append(float(rates[live].max()) if live.any() else 0.0)
        if not live.any():
            break
        speeds = np.where(rates > 0, gd_rate(rates, h), 0.0)
        T = np.full(m, np.inf)
        T[live] = tau + e[live] / speeds[live]
        j = int(np.argmin(T))
        new_tau = float(T[j])
        e[live] -= speeds[live] * (new_tau - tau)
        e[j] = 0.0
        data = np.flatnonzero(active[j])
        for other in np.flatnonzero(live):
            if other != j and active[other, data].any():
                margin = min(margin, float(e[other]))
        unfitted[data] = False
        waiting[j] = False
        tau = new_tau
        sq_norm += 2 * n * float(rates[j])
        k = len(jumps) + 1
        new_rates = np.sqrt(((A & unfitted[None, :]) * y2).sum(axis=1)) / n
        for other in np.flatnonzero(live & (new_rates < rates)):
            if other != j:
                new_speed = float(gd_rate(new_rates[other], h)) if new_rates[other] > 0 else 0.0
                interactions.append((k, int(other), float(speeds[other]), new_speed, float(e[other])))
        jumps.append(GDJump(k, tau, j, groups.get(j, (j,)), tuple(int(i) for i in data), float(rates[j]),
                            float(speeds[j]), float(y2[unfitted].sum() / (2 * n)), sq_norm))
    return GDLimitProcess(problem, mask, h, tuple(jumps), float(y2.sum() / (2 * n)), tuple(interactions),
                          margin, tuple(waiting_rates), "interim: literal Algorithm 1 with the rate map")


@dataclass(frozen=True)
class StabilityLimit:
    """The largest flow-time step ``h`` for which gradient descent is stable
    along the predicted path (``docs/gradient-descent.md`` §6).

    Attributes
    ----------
    step_max : float
        ``2 / max(ν_max, r_wait)``: stable along the path iff ``h < step_max``.
    ntk_max : tuple of float
        ``ν_max(θ_k)``, the largest eigenvalue of ``K/n`` on the fitted data
        at each saddle ``k = 0..K`` (0 at the origin).
    waiting_max : tuple of float
        The largest rate of a waiting neuron at each saddle (its
        anti-aligned mode has multiplier ``1 − h r``).
    sign_step : float
        ``1 / max_j ||D_j(0)||`` over every neuron's initially active data:
        below it no output weight can change sign in the first phase, so
        the mask of gradient descent is the flow's (sufficient, not necessary).
    saddle : int
        The saddle where the limit is attained.
    """

    step_max: float
    ntk_max: tuple[float, ...]
    waiting_max: tuple[float, ...]
    sign_step: float
    saddle: int

    def stable(self, h: float) -> bool:
        """Whether gradient descent with flow-time step ``h`` is stable along
        the path, ``h < step_max``.

        Parameters
        ----------
        h : float
            Flow time of one step.

        Returns
        -------
        bool

        Examples
        --------
        >>> from limitproc import Problem
        >>> limit = stability_limit(gd_limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1]), 0.1))
        >>> limit.stable(0.3), limit.stable(0.5)  # step_max = 0.4
        (True, False)
        """
        return bool(h < self.step_max)


def stability_limit(process: GDLimitProcess) -> StabilityLimit:
    """The stability limit of a GD (or flow) limit process
    (``docs/gradient-descent.md`` §6).

    At saddle ``k`` the fitted data's residual is multiplied by ``1 − h ν``
    per step for each eigenvalue ``ν`` of ``K/n`` (docs/finite-lambda.md
    §3.1: block ``l`` is ``r_l (I + d_l d_lᵀ)`` plus, on each datum, the
    rates of the neurons that jumped later and are active on it), and each
    waiting neuron's anti-aligned mode by ``1 − h r``.  Gradient descent
    stays on the path iff every such ``|1 − h x| < 1``, i.e.
    ``h < 2 / max(ν, r)``.

    Parameters
    ----------
    process : GDLimitProcess
        From :func:`gd_limit_process` (``step_size=0`` for the flow's
        process; a :class:`~limitproc.process.algorithm1.LimitProcess` has no
        ``waiting_rates`` and is not accepted).

    Returns
    -------
    StabilityLimit

    Examples
    --------
    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
    >>> limit = stability_limit(gd_limit_process(p, 0.1))
    >>> limit.step_max, limit.ntk_max   # one block, r (I + d dᵀ): ν_max = 2 r = 5
    (0.4, (0.0, 5.0))
    """
    problem, mask = process.problem, process.mask
    n = problem.n
    y = problem.y
    A = mask.by_neuron.toarray().astype(bool)  # (m, n)
    ntk = [0.0]
    for k in range(1, process.K + 1):
        worst = 0.0
        for l, block in enumerate(process.jumps[:k]):
            data = np.array(block.data)
            extra = np.zeros(data.size)
            for later in process.jumps[l + 1 : k]:
                extra += later.rate * A[later.neuron, data]
            if data.size <= EXACT_BLOCK_LIMIT:
                d = y[data] / np.linalg.norm(y[data])
                matrix = block.rate * (np.eye(data.size) + np.outer(d, d)) + np.diag(extra)
                value = float(np.linalg.eigvalsh(matrix)[-1])
            else:
                value = 2.0 * block.rate + float(extra.max())
            worst = max(worst, value)
        ntk.append(worst)
    waiting = list(process.waiting_rates[: process.K + 1]) + [0.0] * (process.K + 1 - len(process.waiting_rates))
    per_saddle = np.maximum(ntk, waiting)
    k = int(np.argmax(per_saddle))
    top = float(per_saddle[k])
    G = problem.inner_products()
    D0 = np.sqrt(((G > 0) * y**2).sum(axis=1)) / n
    return StabilityLimit(2.0 / top if top > 0 else np.inf, tuple(ntk), tuple(waiting),
                          1.0 / float(D0.max()) if D0.max() > 0 else np.inf, k)


@dataclass(frozen=True)
class RunPrediction:
    """What a gradient-descent run should show (``docs/from-training-script.md``).

    Attributes
    ----------
    process : GDLimitProcess
    log_inv_lam : float
    step_size : float
        ``h`` (flow time per step).
    lr : float
    reduction : str
    steps : ndarray, shape (K,)
        Predicted jump steps ``τ_k^GD ln(1/λ) / h`` (leading order: the
        ``O(1)`` offsets in ``t`` are not included).
    stability : StabilityLimit
    flow_order : tuple of int
        The jumping neurons of the flow's Algorithm 1, for comparison.
    """

    process: GDLimitProcess = field(repr=False)
    log_inv_lam: float
    step_size: float
    lr: float
    reduction: Literal["spec", "mean", "sum"]
    steps: NDArray[np.float64] = field(repr=False)
    stability: StabilityLimit = field(repr=False)
    flow_order: tuple[int, ...] = ()

    @property
    def jumps(self) -> tuple[GDJump, ...]:
        """The jumps of the GD limit process."""
        return self.process.jumps

    @property
    def K(self) -> int:
        """Number of jumps."""
        return self.process.K

    @property
    def losses(self) -> NDArray[np.float64]:
        """Plateau losses ``L(θ_0..θ_K)`` (spec §1 units)."""
        return self.process.losses

    @property
    def sq_norms(self) -> NDArray[np.float64]:
        """``||θ_0..θ_K||²``."""
        return self.process.sq_norms

    @property
    def times(self) -> NDArray[np.float64]:
        """Predicted jump flow times ``τ_k^GD ln(1/λ)``."""
        return self.process.times * self.log_inv_lam

    @property
    def margin_scale(self) -> float:
        """``μ ln(1/λ)`` (spec §8): the process describes the run when ≥ 5."""
        return float(self.process.margin * self.log_inv_lam)

    @property
    def resolved(self) -> bool:
        """``μ ln(1/λ) ≥ 5`` (spec §8)."""
        return self.margin_scale >= RESOLUTION_CONSTANT

    @property
    def stable(self) -> bool:
        """Whether the step is below the stability limit along the path (:class:`StabilityLimit`)."""
        return self.stability.stable(self.step_size)

    @property
    def order_differs(self) -> bool:
        """Whether gradient descent jumps in another order than the flow."""
        return tuple(j.neuron for j in self.jumps) != tuple(self.flow_order)

    def loss_at_step(self, steps: ArrayLike) -> NDArray[np.float64]:
        """The predicted plateau loss ``L(θ_k)`` (spec §1 units) at each step.

        Parameters
        ----------
        steps : array_like
            Step numbers.

        Returns
        -------
        ndarray
            Of the shape of ``steps``.

        Examples
        --------
        >>> from limitproc import Problem
        >>> p = Problem([3.0, 4.0, -1.0], [[1, 1, -1], [1, -1, 1]], signs=[1, -1])
        >>> pred = predict_run(p, 1e-8, lr=0.1, reduction="mean")
        >>> pred.loss_at_step([0, 100, 300]).round(4)  # jumps at steps 64.0 and 285.4
        array([4.3333, 0.1667, 0.    ])
        """
        steps = np.asarray(steps, dtype=float)
        return self.losses[np.searchsorted(self.steps, steps, side="right")]

    def log_norms_at_step(self, steps: ArrayLike) -> NDArray[np.float64]:
        """Predicted ``ln ||w_j||`` at each step, shape (len(steps), m):
        ``−e_j(τ) ln(1/λ)`` while waiting (spec §2), ``ln sqrt(n r)`` of the
        saddle after its jump (a group's norm on its first neuron).

        Parameters
        ----------
        steps : array_like
            Step numbers.

        Returns
        -------
        ndarray, shape (len(steps), m)

        Examples
        --------
        >>> from limitproc import Problem
        >>> p = Problem([3.0, 4.0, -1.0], [[1, 1, -1], [1, -1, 1]], signs=[1, -1])
        >>> pred = predict_run(p, 1e-8, lr=0.1, reduction="mean")
        >>> pred.log_norms_at_step([0, 300]).round(3)  # ln λ at the start; ln sqrt(n r) = ln sqrt(5) after a jump
        array([[-18.421, -18.421],
               [  0.805,   0.   ]])
        """
        steps = np.atleast_1d(np.asarray(steps, dtype=float))
        tau = steps * self.step_size / self.log_inv_lam
        out = np.array([-self.process.exponents(t) * self.log_inv_lam for t in tau])
        for jump in self.jumps:
            after = tau >= jump.tau
            out[after, jump.neuron] = 0.5 * np.log(self.process.problem.n * jump.rate)
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

    ``problem_or_process``: a :class:`~limitproc.Problem` or its flow
    :class:`~limitproc.process.algorithm1.LimitProcess`.

    Parameters
    ----------
    problem_or_process : Problem or LimitProcess
        The problem, or its flow limit process (whose jump order is then
        reused as :attr:`RunPrediction.flow_order`).
    lam : float, optional
        Initialization scale ``0 < λ < 1``.
    log_inv_lam : float, optional
        ``ln(1/λ)`` instead of ``lam``.
    lr : float
        The learning rate.
    reduction : {"spec", "mean", "sum"}
        The loss ``lr`` applies to (:func:`~limitproc.flow.gd.flow_time_step`).

    Returns
    -------
    RunPrediction

    Raises
    ------
    ArgumentError
        ``lam``/``log_inv_lam`` missing or out of range.
    InputError
        An invalid learning rate or reduction.

    Examples
    --------
    ``lr = 0.1`` on ``MSELoss(mean)`` is ``h = 0.2``; neuron 0 (rate 5/3)
    jumps at step ``ln(1/λ) / ln(1 + h r) = 64.0`` (the flow: ``ln(1/λ)/(h r) = 55.3``):

    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -1.0], [[1, 1, -1], [1, -1, 1]], signs=[1, -1])
    >>> pred = predict_run(p, 1e-8, lr=0.1, reduction="mean")
    >>> pred.step_size, [j.neuron for j in pred.jumps], pred.steps.round(1).tolist()
    (0.2, [0, 1], [64.0, 285.4])
    >>> round(pred.stability.step_max, 4), pred.stable   # 2 / (2 r), r = 5/3
    (0.6, True)
    """
    process: LimitProcess | None
    if isinstance(problem_or_process, LimitProcess):
        process = problem_or_process
        problem = cast("Problem", process.problem)  # typed object in limitproc/process/
    else:
        process, problem = None, problem_or_process
    L = log_inv_lambda(lam, log_inv_lam)
    h = flow_time_step(lr, reduction, problem.n)
    # ---- the place to call the library's GD limit process ----------------------
    # Replace by ``limit_process(problem, step=h)`` once Algorithm 1 takes the
    # rate map (docs/gradient-descent.md §8); everything below reads only the
    # jumps' times, neurons, data, rates, losses and norms.
    gd = gd_limit_process(problem, h)
    # ------------------------------------------------------------------------------
    if process is not None:
        flow_order = process.neurons
    else:
        flow_order = tuple(j.neuron for j in gd_limit_process(problem, 0.0).jumps)
    steps = gd.times * L / h
    steps.flags.writeable = False
    return RunPrediction(gd, L, h, float(lr), reduction, steps, stability_limit(gd), flow_order)
