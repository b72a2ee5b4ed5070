"""The finite-λ trajectory, simulated: the answer for runs the corrections do not resolve.

``docs/finite-lambda.md`` §4.  Where a jump's first-order correction does not
hold (:mod:`limitproc.finite.validity`: a competitor shares its fit, or it
depends on a jump that is not predicted), no formula is given; what is
offered instead is the run itself, computed from the same initialization at
the same ``λ``: the gradient flow of spec §1 with
:func:`~limitproc.flow.simulate.simulate_flow`, or gradient descent with a
learning rate with :func:`~limitproc.flow.gd.simulate_gd` (exact in
``(a, W)``, ``docs/gradient-descent.md`` §5).  :func:`simulate_prediction`
returns a :class:`SimulatedRun`: per jump of the limit process the time at
which the jumping group's squared norm reaches half its fitted ``a²`` (the
half-fit rule of :mod:`limitproc.flow.validation`, the time
:class:`~limitproc.finite.corrections.FiniteLambdaPrediction` predicts), the
half-fit time of every datum, and every neuron's final ``||w_j||²``, in flow
time and, for gradient descent, in steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ..process.algorithm1 import LimitProcess
    from ..tables import DataTable

__all__ = ["SimulatedRun", "simulate_prediction", "simulation_horizon"]


@dataclass(frozen=True, eq=False)
class SimulatedRun:
    """A run simulated from the problem's initialization (module docstring).

    Attributes
    ----------
    kind : str
        ``"gradient flow"`` or ``"gradient descent"``.
    log_inv_lam : float
    step : float
        Flow time ``h`` of one step (0 for the flow).
    lr : float or None
    reduction : str
    times : ndarray, shape (K,)
        Per jump of the limit process: the flow time at which its group's
        ``Σ ||w_g||²`` first reaches ``a²/2`` (``nan`` if never).
    fit_times : ndarray, shape (n,)
        Per datum: the first flow time with ``h(x_i)/y_i ≥ 1/2`` (``nan`` if never).
    sq_norms : ndarray, shape (m,)
        ``||w_j||²`` at the end of the simulation.
    t_end : float
        The simulated horizon (flow time).
    final_loss : float
        ``L`` at the end (spec §1 units).
    status : str
        How the simulation ended (``"completed"``, or the simulator's message).
    seconds : float
    run : FlowRun or GDRun
        The simulation itself (not serialized).

    Examples
    --------
    Obtained from :func:`simulate_prediction`; the measured half-fit times
    are those of :func:`~limitproc.finite.corrections.finite_lambda`
    (11.2661, 27.683; ``docs/finite-lambda.md`` §6):

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> sim = simulate_prediction(limit_process(p), 1e-8)
    >>> sim.kind, sim.times.round(4).tolist(), sim.sq_norms.round(4).tolist(), sim.status
    ('gradient flow', [11.2661, 27.683], [5.0, 2.0], 'completed')
    """

    kind: str
    log_inv_lam: float
    step: float
    lr: float | None
    reduction: str
    times: NDArray[np.float64] = field(repr=False)
    fit_times: NDArray[np.float64] = field(repr=False)
    sq_norms: NDArray[np.float64] = field(repr=False)
    t_end: float
    final_loss: float
    status: str
    seconds: float
    run: Any = field(repr=False, default=None)

    @property
    def steps(self) -> NDArray[np.float64] | None:
        """:attr:`times` in steps (``None`` for the flow)."""
        return None if not self.step else self.times / self.step

    def summary(self) -> str:
        """One line: what was simulated, how far and how long it took.

        Returns
        -------
        str

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> sim = simulate_prediction(limit_process(p), 1e-8)
        >>> sim.summary().split(":")[0]
        'simulated gradient flow to t = 101.447 from the same initialization at λ = e^-18.4207'
        """
        what = (f"gradient descent (lr = {self.lr:g}, {self.reduction}, h = {self.step:g}), "
                f"{self.t_end / self.step:.0f} steps" if self.step else f"gradient flow to t = {self.t_end:.6g}")
        return (f"simulated {what} from the same initialization at λ = e^-{self.log_inv_lam:.6g}: final loss "
                f"{self.final_loss:.4g}, {self.status} ({self.seconds:.1f} s)")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (``docs/json-schema.md``, ``"simulated"``).

        Returns
        -------
        dict

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> sim = simulate_prediction(limit_process(p), 1e-8)
        >>> d = sim.to_dict()
        >>> d["kind"], [round(j["t"], 4) for j in d["jumps"]], d["step"]
        ('gradient flow', [11.2661, 27.683], 0.0)
        """
        from ..schema import json_number

        return {
            "kind": self.kind,
            "log_inv_lambda": float(self.log_inv_lam),
            "step": json_number(self.step),
            "lr": None if self.lr is None else float(self.lr),
            "reduction": self.reduction if self.step else None,
            "jumps": [{"k": k + 1, "t": json_number(t),
                       "step_index": None if not self.step else json_number(t / self.step)}
                      for k, t in enumerate(self.times)],
            "fit_times": [json_number(t) for t in self.fit_times],
            "sq_norms": [json_number(v) for v in self.sq_norms],
            "t_end": json_number(self.t_end),
            "final_loss": json_number(self.final_loss),
            "status": self.status,
            "seconds": round(float(self.seconds), 3),
        }

    def table(self) -> DataTable:
        """The simulated jumps alone (when no finite-λ table is shown).

        Returns
        -------
        DataTable

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> sim = simulate_prediction(limit_process(p), 1e-8)
        >>> sim.table().rows
        (('1', '11.2661'), ('2', '27.683'))
        """
        from ..tables import Column, DataTable

        gd = bool(self.step)
        columns = [Column("k", meaning="jump of the limit process"),
                   Column("t_k simulated", meaning="flow time at which the group's ||w||² reaches half its a²")]
        if gd:
            columns.append(Column("step simulated", meaning="t_k simulated / h"))
        rows = []
        for k, t in enumerate(self.times):
            row = [str(k + 1), "—" if not np.isfinite(t) else f"{t:.6g}"]
            if gd:
                row.append("—" if not np.isfinite(t) else f"{t / self.step:.6g}")
            rows.append(tuple(row))
        return DataTable(f"Simulated {self.kind}", tuple(columns), tuple(rows), (self.summary(),))


def simulation_horizon(process: LimitProcess, log_inv_lam: float) -> float:
    """Flow time to simulate: past the last jump of the process by its slack.

    ``1.5 τ_K ln(1/λ) + 40/g(r_min)`` (``g`` the process's speed; ``r_min``
    the smallest jump rate): unresolved runs jump up to tens of ``1/r`` off
    the leading order, and the last fit relaxes over ``1/g(r)``.

    Parameters
    ----------
    process : LimitProcess
    log_inv_lam : float

    Returns
    -------
    float

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
    >>> round(simulation_horizon(limit_process(p), 10.0), 6)   # 1.5 · 0.4 · 10 + 40/2.5
    22.0
    """
    if process.K == 0:
        return float(log_inv_lam)
    slowest = min(float(process.speed(float(s.rate))) for s in process.jumps)
    return float(1.5 * float(process.times[-1]) * log_inv_lam + 40.0 / slowest)


def simulate_prediction(
    process: LimitProcess,
    lam: float | None = None,
    *,
    log_inv_lam: float | None = None,
    lr: float | None = None,
    reduction: Literal["spec", "mean", "sum"] = "spec",
    t_max: float | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> SimulatedRun:
    """Simulate the run a prediction is about (module docstring).

    Parameters
    ----------
    process : LimitProcess
        The limit process of the prediction (``limit_process(problem)``, or
        ``limit_process(problem, step=h)`` for gradient descent): its jumps
        name the groups whose times are measured.
    lam, log_inv_lam : float, optional
        The scale ``λ`` or ``ln(1/λ)``.
    lr : float, optional
        Gradient descent with this learning rate (``None``: the flow).
    reduction : {"spec", "mean", "sum"}
        The loss ``lr`` applies to.
    t_max : float, optional
        Flow-time horizon; default :func:`simulation_horizon`.
    progress : callable, optional
        ``progress(done, total)`` (steps of gradient descent; ``(0, 1)`` and
        ``(1, 1)`` around the flow's integration).

    Returns
    -------
    SimulatedRun

    Raises
    ------
    InputError
        A bad scale, learning rate or reduction.

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
    >>> sim = simulate_prediction(limit_process(p, step=0.1), 1e-8, lr=0.05, reduction="mean")
    >>> sim.kind, sim.steps.round(1).tolist(), sim.sq_norms.round(3).tolist()
    ('gradient descent', [84.2], [5.0, 0.0])
    """
    import time

    from ..flow.gd import flow_time_step, simulate_gd
    from ..flow.simulate import simulate_flow
    from ..scale import log_inv_lambda

    problem: Any = process.problem
    L = log_inv_lambda(lam, log_inv_lam)
    horizon = simulation_horizon(process, L) if t_max is None else float(t_max)
    started = time.perf_counter()
    if lr is not None:
        h = flow_time_step(lr, reduction, problem.n)
        steps = int(np.ceil(horizon / h))
        run: Any = simulate_gd(problem, log_inv_lam=L, step=lr, reduction=reduction, steps=steps, process=process,
                               progress=progress)
        kind, status = "gradient descent", run.status.name.lower() if not run.diverged else run.message
    else:
        h = 0.0
        if progress is not None:
            progress(0, 1)
        run = simulate_flow(problem, log_inv_lam=L, t_max=horizon, process=process)
        if progress is not None:
            progress(1, 1)
        kind, status = "gradient flow", "completed"
    times = np.array([run.growth_time(list(s.group or (s.neuron,)), float(s.a) ** 2 / 2.0) for s in process.jumps],
                     dtype=float)
    fits = np.asarray(run.fit_times(), dtype=float)
    sq = np.asarray(run.sq_norms[-1], dtype=float)
    for arr in (times, fits, sq):
        arr.flags.writeable = False
    return SimulatedRun(kind, float(L), float(h), None if lr is None else float(lr), reduction, times, fits, sq,
                        float(run.t[-1]), float(run.loss[-1]), status, time.perf_counter() - started, run)
