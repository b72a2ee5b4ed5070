"""The stability limit of gradient descent along a predicted path
(``docs/gradient-descent.md`` §6).

Gradient descent with flow-time step ``h`` stays on the path of its limit
process only when every multiplier of the linearizations along it has modulus
below 1: at each saddle ``θ_k`` the fitted data's residual is multiplied by
``1 − h ν`` per step for each eigenvalue ``ν`` of the NTK ``K/n``
(:func:`~limitproc.finite.relaxation.ntk_blocks`), and each waiting neuron's
anti-aligned mode by ``1 − h r``.  :func:`stability_limit` returns the largest
such ``h``, ``2 / max(ν_max, r_wait)``, and the step below which no output
weight changes sign in the first phase.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..process.algorithm1 import LimitProcess

__all__ = ["EXACT_BLOCK_LIMIT", "StabilityLimit", "stability_limit"]

#: Blocks larger than this get the bound ``2 r_l + max diag`` (``(1 + max c²) N/n
#: + max diag`` beyond unit norms) instead of their exact largest NTK eigenvalue.
EXACT_BLOCK_LIMIT = 400


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

    Examples
    --------
    Obtained from :func:`stability_limit`; at saddle 1 the fitted block's
    largest NTK eigenvalue is ``2 r_1 = 10/3``, so ``h_max = 0.6``:

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> limit = stability_limit(limit_process(p, step=0.1))
    >>> round(limit.step_max, 6), limit.saddle, [round(v, 4) for v in limit.ntk_max]
    (0.6, 1, [0.0, 3.3333, 3.3333])
    >>> [round(v, 4) for v in limit.waiting_max], round(limit.sign_step, 6)
    ([1.6667, 0.6667, 0.0], 0.6)
    """

    step_max: float
    ntk_max: tuple[float, ...]
    waiting_max: tuple[float, ...]
    sign_step: float
    saddle: int

    def stable(self, h: float) -> bool:
        """Whether ``h < step_max``.

        Parameters
        ----------
        h : float
            The flow-time step.

        Returns
        -------
        bool

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> limit = stability_limit(limit_process(p, step=0.1))
        >>> limit.stable(0.1), limit.stable(0.7)
        (True, False)
        """
        return bool(h < self.step_max)

    def statement(self, h: float) -> str:
        """One sentence on ``h`` against the limit (for tables and JSON).

        Parameters
        ----------
        h : float
            The flow-time step.

        Returns
        -------
        str

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> limit = stability_limit(limit_process(p, step=0.1))
        >>> limit.statement(0.1)
        'h = 0.1 is below the stability limit h_max = 0.6 (attained at saddle 1)'
        """
        if h < self.step_max:
            return (f"h = {h:.4g} is below the stability limit h_max = {self.step_max:.4g} "
                    f"(attained at saddle {self.saddle})")
        return (f"h = {h:.4g} is at or above the stability limit h_max = {self.step_max:.4g} (saddle {self.saddle}): "
                "gradient descent cannot settle on the predicted saddles; it catapults a neuron through the ReLU "
                "kink, oscillates or finds another minimum (docs/gradient-descent.md §6), and the predicted times, "
                "losses and norms do not describe the run")

    def to_dict(self, h: float | None = None) -> dict[str, Any]:
        """JSON-safe dict.

        Parameters
        ----------
        h : float, optional
            With a step: also ``stable`` and ``statement``.

        Returns
        -------
        dict

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> limit = stability_limit(limit_process(p, step=0.1))
        >>> d = limit.to_dict(0.7)
        >>> round(d["step_max"], 6), d["saddle"], d["stable"]
        (0.6, 1, False)
        """
        from ..schema import json_number

        out: dict[str, Any] = {"step_max": json_number(self.step_max), "sign_step": json_number(self.sign_step),
               "saddle": self.saddle, "ntk_max": [json_number(v) for v in self.ntk_max],
               "waiting_max": [json_number(v) for v in self.waiting_max]}
        if h is not None:
            out["stable"] = self.stable(h)
            out["statement"] = self.statement(h)
        return out


def _block_ntk(problem, jump, later, A):
    """``K/n`` of the block fitted by ``jump`` with the diagonal terms of the
    ``later`` jumps active on it (:func:`~limitproc.finite.relaxation.ntk_blocks`)."""
    data = jump.data
    c = problem.input_norms[data]
    N = float(jump.a) ** 2
    extra = np.zeros(data.size)
    for other in later:
        extra += float(other.a) ** 2 * c**2 * A[other.neuron, data] / problem.n
    y = problem.y[data]
    if data.size <= EXACT_BLOCK_LIMIT:
        matrix = (np.outer(y, y) / N + N * np.diag(c**2)) / problem.n + np.diag(extra)
        return float(np.linalg.eigvalsh(matrix)[-1])
    return float((y @ y / N + N * (c**2).max()) / problem.n + extra.max())


def stability_limit(process: LimitProcess) -> StabilityLimit:
    """The stability limit of a limit process (gradient descent's or the
    flow's; ``docs/gradient-descent.md`` §6).

    At saddle ``k`` the fitted data's residual is multiplied by ``1 − h ν``
    per step for each eigenvalue ``ν`` of ``K/n`` (docs/finite-lambda.md
    §3.1: block ``l`` is ``r_l (I + d_l d_lᵀ)`` plus, on each datum, the
    rates of the neurons that jumped later and are active on it; inputs of
    any norms: ``(y yᵀ/N + N diag(c²))/n`` plus ``N_G c_i²/n``), and each
    waiting neuron's anti-aligned mode by ``1 − h r``.  Gradient descent
    stays on the path iff every such ``|1 − h x| < 1``, i.e.
    ``h < 2 / max(ν, r)``.

    Parameters
    ----------
    process : LimitProcess
        ``limit_process(problem)`` or ``limit_process(problem, step=h)``.

    Returns
    -------
    StabilityLimit

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
    >>> limit = stability_limit(limit_process(p, step=0.1))
    >>> limit.step_max, limit.ntk_max   # one block, r (I + d dᵀ): ν_max = 2 r = 5
    (0.4, (0.0, 5.0))

    Labels far from 1 (:attr:`~limitproc.process.algorithm1.LimitProcess.label_scale`
    ``c ≠ 1``) are handled as the rest of the package does (spec §3): the
    limit of the labels ``y/c`` with step ``h c``, whose rates, eigenvalues
    and steps are those of ``y`` divided by ``c`` (so the squares of labels
    near 1e200 never overflow into a limit of ``inf``).

    >>> big = Problem([3e200, 4e200], [[1, 1], [1, -1]], signs=[1, 1])
    >>> limit = stability_limit(limit_process(big, step=1e-201))
    >>> round(limit.step_max * 1e200, 12), round(limit.ntk_max[1] / 1e200, 12)
    (0.4, 5.0)
    """
    c = float(process.label_scale)
    if c != 1.0:
        from ..process.algorithm1 import limit_process

        scaled = limit_process(process.problem.rescaled(), ties="first" if process.ties else "raise",
                               step=process.step * c or None)
        inner = stability_limit(scaled)
        return StabilityLimit(inner.step_max / c, tuple(v * c for v in inner.ntk_max),
                              tuple(v * c for v in inner.waiting_max), inner.sign_step / c, inner.saddle)
    problem: Any = process.problem
    mask: Any = process.mask
    n = problem.n
    A = mask.by_neuron.toarray().astype(bool)  # (m, n)
    jumps = process.jumps
    ntk = [0.0]
    for k in range(1, process.K + 1):
        ntk.append(max(_block_ntk(problem, jumps[l], jumps[l + 1:k], A) for l in range(k)))
    # the rates of the waiting neurons at each saddle (spec §2: lowered by the interactions)
    rates = np.array([float(r) for r in process.initial_rates])[mask.representative]
    done = np.zeros(problem.m, dtype=bool)
    by_k: dict[int, list[Any]] = {}
    for step in process.interactions:
        by_k.setdefault(step.k, []).append(step)
    waiting = []
    for k in range(process.K + 1):
        if k:
            for g in jumps[k - 1].group or (jumps[k - 1].neuron,):
                done[g] = True
            for step in by_k.get(k, []):
                rates[mask.representative == mask.representative[step.neuron]] = float(step.new_rate)
        live = ~done & (rates > 0)
        waiting.append(float(rates[live].max()) if live.any() else 0.0)
    per_saddle = np.maximum(ntk, waiting)
    k = int(np.argmax(per_saddle))
    top = float(per_saddle[k])
    G = problem.data_coordinates()
    D0 = np.sqrt(((G > 0) * (problem.y * problem.input_norms) ** 2).sum(axis=1)) / n
    return StabilityLimit(2.0 / top if top > 0 else np.inf, tuple(ntk), tuple(waiting),
                          1.0 / float(D0.max()) if D0.max() > 0 else np.inf, k)
