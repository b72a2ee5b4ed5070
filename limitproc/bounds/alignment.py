r"""Seed 003's alignment window (Min, Mallada, Vidal, ICLR 2024) on a problem.

Seed 003 Lemma 1 (formal, App. B.1) and Lemma 3: for a balanced
initialization ``W(0) = ε W_0`` with ``ε ≤ 1/(4 √h X_max W_max²)``, every
solution of the gradient flow satisfies, for all
``t ≤ T = (1/(4 n X_max)) log(1/(√h ε))``,

.. math::

    \max_j \|w_j(t)\|^2 \le \frac{2\epsilon W_{\max}^2}{\sqrt h}, \qquad
    \max_i |f(x_i)| \le 2\epsilon\sqrt h X_{\max} W_{\max}^2, \qquad
    \max_j \Big\|\frac{d}{dt}\frac{w_j}{\|w_j\|} - \mathrm{sign}(v_j(0))\,
    \mathcal P_{w_j} x_a(w_j)\Big\| \le 4\epsilon n\sqrt h X_{\max}^2 W_{\max}^2 .

(The converted statement prints ``log(1/√(hε))``; the last step of the proof
of Lemma 3, ``exp(log(·)) ε² W_max² = ε W_max²/√h``, closes only with
``log(1/(√h ε))``, the reading of the seeds digest §5.)  These lemmas do not
use seed 003's separability assumption, so they apply to orthogonal data; their
proofs use ``|y_i| ≤ 1`` (:attr:`AlignmentWindow.labels_covered`).

**Units** (seeds digest §0).  Seed 003's loss is a *sum*,
``ℓ = ½(y − ŷ)²`` allowed by its Remark 4, so ``L_003 = n L`` and
``t = n t_003``; its ``ε W_0`` is spec §1's ``λ W0`` (``ε = λ``,
``W_max = max_j ||W0_j||``, width ``h = m``), and ``x_a = Σ y_i x_i = n D``.
In spec time the window is ``T = (1/(4 X_max)) ln(1/(√m λ))`` and the
direction error ``4λ √m X_max² W_max²``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError

if TYPE_CHECKING:
    from ..problem.problem import Problem
    from ..process.algorithm1 import LimitProcess

__all__ = ["AlignmentWindow", "alignment_window"]


@dataclass(frozen=True)
class AlignmentWindow:
    """Seed 003 Lemmas 1/3 evaluated on a problem at scale ``λ``, in spec units.

    Attributes
    ----------
    log_inv_lam : float
        ``ln(1/λ)`` (seed 003's ``ε`` is ``λ``).
    width : int
        ``h = m``.
    x_max, w_max : float
        ``max_i ||x_i||`` (1 here) and ``max_j ||W0_j||``.
    label_max : float
        ``max_i |y_i|``.
    eps_admissible : bool
        ``λ ≤ 1/(4 √m X_max W_max²)``.
    labels_covered : bool
        ``max_i |y_i| ≤ 1``, used by the proofs.
    T_paper : float
        ``(1/(4 n X_max)) ln(1/(√m λ))`` in seed 003's time.
    T : float
        ``n T_paper``: the same window in spec time.
    norm_sq_max : float
        ``2 λ W_max²/√m``: bound on every ``||w_j(t)||²`` for ``t ≤ T``.
    output_max : float
        ``2 λ √m X_max W_max²``: bound on every ``|h(x_i)|`` for ``t ≤ T``.
    direction_error : float
        ``4 λ √m X_max² W_max²``: bound on ``||dw̄_j/dt − s_j P_{w_j} D_j^0||``
        in spec time (seed 003's ``4 ε n √h X_max² W_max²`` divided by ``n``).
    first_jump : float or None
        ``τ_1 ln(1/λ)``, the first jump of the limit process (spec §3).
    first_jump_corrected : float or None
        The finite-λ first jump time ``τ_1 ln(1/λ) + C_1``
        (:func:`~limitproc.finite.finite_lambda`), when computed.
    """

    log_inv_lam: float
    width: int
    n: int
    x_max: float
    w_max: float
    label_max: float
    eps_admissible: bool
    labels_covered: bool
    T_paper: float
    T: float
    norm_sq_max: float
    output_max: float
    direction_error: float
    first_jump: float | None = None
    first_jump_corrected: float | None = None

    @property
    def ratio(self) -> float | None:
        """``T / τ_1 ln(1/λ)``: how much of the way to the first jump the window covers."""
        return None if not self.first_jump else self.T / self.first_jump


def alignment_window(
    problem: Problem,
    lam: float | None = None,
    *,
    log_inv_lam: float | None = None,
    process: LimitProcess | None = None,
    corrected: bool = False,
) -> AlignmentWindow:
    """Seed 003's alignment window and bounds (Lemmas 1, 3) beside the first jump.

    Parameters
    ----------
    problem : Problem
    lam : float, optional
        ``λ`` (or ``log_inv_lam = ln(1/λ)``).
    log_inv_lam : float, optional
        ``ln(1/λ)`` instead of ``lam``.
    process : LimitProcess, optional
        Its first jump time is reported (computed when omitted).
    corrected : bool
        Also compute the finite-λ first jump time (:func:`~limitproc.finite.finite_lambda`).

    Returns
    -------
    AlignmentWindow

    Raises
    ------
    ArgumentError
        ``lam``/``log_inv_lam`` missing or out of range.
    InputError
        ``√m λ ≥ 1``: the window is empty.

    Examples
    --------
    Two positive data, 50 neurons of norm 1 at ``λ = 1e-6`` (seed 003 App. A.3
    scale): ``T = ¼ ln(1/(√50 · 1e-6)) = 2.96`` in spec time, far below the
    first jump ``ln(1e6)/||D|| = 19.5`` (``||D|| = √2/2`` for neuron 0):

    >>> from limitproc import Problem
    >>> W0 = np.tile([[1.0, 0.0]], (50, 1)); W0[0] = [0.6, 0.8]
    >>> w = alignment_window(Problem([1.0, 1.0], W0, signs=np.ones(50)), 1e-6)
    >>> round(w.T, 4), round(w.T_paper, 4), round(w.first_jump, 4), w.eps_admissible, w.labels_covered
    (2.9649, 1.4824, 19.5381, True, True)
    """
    from ..scale import log_inv_lambda

    L = log_inv_lambda(lam, log_inv_lam)
    n, m = problem.n, problem.m
    x_max = float(np.sqrt((problem.inputs() ** 2).sum(axis=1)).max())
    w_max = float(np.max(problem.init_norms))
    log_root_h = 0.5 * np.log(m)
    log_eps_limit = -np.log(4.0) - log_root_h - np.log(x_max) - 2 * np.log(w_max)  # ln(1/(4√h X W²))
    T_paper = (L - log_root_h) / (4.0 * n * x_max)  # (1/(4nX)) ln(1/(√h ε))
    if T_paper <= 0:
        raise InputError(f"√m λ ≥ 1 (m = {m}, ln(1/λ) = {L:g}): seed 003's window is empty")
    lam_value = float(np.exp(-L))
    root_h = float(np.sqrt(m))
    if process is None:
        from ..process import limit_process

        process = limit_process(problem)
    first = float(process.times[0]) * L if process.K else None
    corrected_time = None
    if corrected and process.K:
        from ..finite import finite_lambda

        corrected_time = float(finite_lambda(process, log_inv_lam=L).times[0])
    return AlignmentWindow(
        log_inv_lam=L, width=m, n=n, x_max=x_max, w_max=w_max,
        label_max=float(np.abs(problem.y).max()),
        eps_admissible=bool(-L <= log_eps_limit),
        labels_covered=bool(np.abs(problem.y).max() <= 1.0),
        T_paper=float(T_paper), T=float(n * T_paper),
        norm_sq_max=2 * lam_value * w_max**2 / root_h,
        output_max=2 * lam_value * root_h * x_max * w_max**2,
        direction_error=4 * lam_value * root_h * x_max**2 * w_max**2,
        first_jump=first, first_jump_corrected=corrected_time,
    )
