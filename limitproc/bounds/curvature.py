r"""Seed 001's local-PL curvature and its bounds (Dana, Pillaud-Vivien, Bach).

The **local-PL curvature** of seed 001 eq. (5) is

.. math::

    \mu(t) = p\,\frac{\|\nabla L(\theta_t)\|^2}{L(\theta_t)} = -\frac{\dot L(\theta_t)}{L(\theta_t)},
    \qquad \langle\mu(t)\rangle = \frac1t\int_0^t \mu = \frac1t \ln\frac{L(0)}{L(t)}
    \quad\text{(seed 001 Lemma 2)} .

Seed 001's ``(1/p)``-normalized, ``p``-accelerated flow on ``(a', w')`` is the
flow of spec §1 on ``(a, w) = (a', w')/√p`` at the same time, and ``μ`` is
invariant under this change (seeds digest §0): in spec units
``μ = ||∇L||²/L`` and every ``(1/p) Σ_j |a'_j|²`` of seed 001 is ``Σ_j a_j²``.
All functions here use spec units (``h = Σ_j a_j σ(<w_j, x>)``,
``L = (1/2n) Σ (h − y)²``).

* :func:`curvature` measures ``μ(t)`` and ``<μ>(t)`` on any sampled
  trajectory: a :class:`~limitproc.flow.FlowRun` (exact ``dL/dt`` from its
  stored output rates), or arrays of times and losses (a gradient-descent
  log: finite differences of ``ln L``);
* :func:`pl_ratio` is ``||∇L(θ)||²/L(θ)`` at given parameters (σ'(0) = 0);
* :func:`pl_bracket` is seed 001 Lemma 6 at given parameters, with the
  squared norms of eq. (7) and the proof (20)–(22) (the statement prints
  ``C_x^±`` unsquared: seeds digest §2.2);
* :func:`theorem1_bound` is seed 001 Theorem 1, eq. (6), the constant of its
  proof, and the orthonormal form ``μ ≥ (2/n) min_i |h(x_i)|`` (seeds
  digest §2.2, derived from (21) and (29)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, cast

import numpy as np

from ..errors import InputError

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from ..flow.run import FlowRun
    from ..problem.problem import Problem

__all__ = [
    "Curvature",
    "PLBracket",
    "Theorem1Bound",
    "average_curvature",
    "curvature",
    "last_step_curvature",
    "pl_bracket",
    "pl_ratio",
    "theorem1_bound",
]


@dataclass(frozen=True, eq=False)
class Curvature:
    """``μ(t) = −L'/L`` and ``<μ>(t) = (1/t) ln(L(0)/L(t))`` on a sampled trajectory.

    Attributes
    ----------
    t, loss : ndarray, shape (T,)
    mu : ndarray, shape (T,)
        ``−dL/dt / L`` (``nan`` where ``L = 0``).
    average : ndarray, shape (T,)
        ``<μ>(t)`` (seed 001 Lemma 2; ``nan`` at ``t = 0`` and where ``L = 0``).
    method : str
        ``"exact"`` (derivatives of the flow) or ``"finite differences"``.
    """

    t: NDArray[np.float64] = field(repr=False)
    loss: NDArray[np.float64] = field(repr=False)
    mu: NDArray[np.float64] = field(repr=False)
    average: NDArray[np.float64] = field(repr=False)
    method: str

    @property
    def final(self) -> float:
        """``μ`` at the last sample with a positive loss."""
        good = np.flatnonzero(np.isfinite(self.mu))
        return float(self.mu[good[-1]]) if good.size else float("nan")

    @property
    def final_average(self) -> float:
        """``<μ>`` at the last sample with a positive loss (seed 001's ``<μ_∞>``)."""
        good = np.flatnonzero(np.isfinite(self.average))
        return float(self.average[good[-1]]) if good.size else float("nan")

    def __repr__(self) -> str:
        return (f"Curvature({self.t.size} samples, t ∈ [{self.t[0]:.4g}, {self.t[-1]:.4g}], "
                f"final μ = {self.final:.6g}, final <μ> = {self.final_average:.6g}, {self.method})")


def _arrays(t: ArrayLike, loss: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    t = np.asarray(t, dtype=float)
    loss = np.asarray(loss, dtype=float)
    if t.ndim != 1 or loss.shape != t.shape:
        raise InputError(f"t and loss must be 1-D arrays of the same length, got shapes {t.shape} and {loss.shape}")
    if t.size < 2:
        raise InputError("a curvature needs at least two samples")
    if not (np.isfinite(t).all() and np.isfinite(loss).all()):
        raise InputError("t and loss must be finite")
    if (np.diff(t) <= 0).any():
        raise InputError("t must be strictly increasing")
    if (loss < 0).any():
        raise InputError(f"a loss is negative: min {loss.min():.3g}")
    return t, loss


def average_curvature(t: ArrayLike, loss: ArrayLike) -> NDArray[np.float64]:
    """``<μ>(t) = (1/(t − t_0)) ln(L(t_0)/L(t))`` (seed 001 Lemma 2 and §5.2).

    Parameters
    ----------
    t : array_like, shape (T,)
        Strictly increasing sample times.
    loss : array_like, shape (T,)
        Non-negative losses at those times.

    Returns
    -------
    ndarray, shape (T,)
        ``nan`` at ``t_0`` and where ``L = 0``.

    Raises
    ------
    InputError
        Arrays of different shapes, fewer than two samples, non-finite
        values, times not increasing, or a negative loss.

    Examples
    --------
    >>> t = np.linspace(0.0, 2.0, 5)
    >>> average_curvature(t, 3.0 * np.exp(-0.7 * t))[1:].round(12).tolist()
    [0.7, 0.7, 0.7, 0.7]
    """
    t, loss = _arrays(t, loss)
    elapsed = t - t[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(loss[0] / loss) / elapsed
    out[(elapsed == 0) | (loss <= 0) | ~np.isfinite(out)] = np.nan
    return out


def last_step_curvature(t: ArrayLike, loss: ArrayLike) -> float:
    """``ln(L(t_{T−1})/L(t_T)) / (t_T − t_{T−1})``: seed 001's measure
    ``μ(t_∞) = log(L(t_∞ − 1)/L(t_∞))`` (§5.2, App. B, Experiment 2, with one
    epoch of learning rate 1 as one unit of time), for any last step.

    Parameters
    ----------
    t : array_like, shape (T,)
        Strictly increasing sample times.
    loss : array_like, shape (T,)
        Non-negative losses at those times.

    Returns
    -------
    float
        ``nan`` when the last loss is 0.

    Raises
    ------
    InputError
        As :func:`average_curvature`.

    Examples
    --------
    >>> last_step_curvature([0.0, 1.0, 2.0], [1.0, np.exp(-0.5), np.exp(-1.25)])
    0.75
    """
    t, loss = _arrays(t, loss)
    if not loss[-1] > 0:
        return float("nan")
    return float(np.log(loss[-2] / loss[-1]) / (t[-1] - t[-2]))


def curvature(
    trajectory: FlowRun | ArrayLike, loss: ArrayLike | None = None, *, loss_rate: ArrayLike | None = None
) -> Curvature:
    """The local-PL curvature ``μ(t) = −L'/L`` along a trajectory (seed 001 eq. 5).

    Parameters
    ----------
    trajectory : FlowRun or array_like
        A simulated run (:func:`~limitproc.flow.simulate_flow`: ``dL/dt`` is
        computed exactly from its outputs and output rates,
        ``L' = (1/n) Σ_i (h_i − y_i) h_i'``), or the sample times of a
        training log.
    loss : array_like, optional
        The losses at those times (with an array ``trajectory``).  For a
        gradient-descent log, ``t = step × learning rate`` in the units of
        the loss optimized (with PyTorch's ``MSELoss(reduction="mean")``,
        which is ``2L``, one step is a time ``2 × lr`` of spec §1: seeds
        digest §0).
    loss_rate : array_like, optional
        ``dL/dt`` at those times, if known; otherwise ``−μ`` is the
        second-order finite difference of ``ln L`` (:func:`numpy.gradient`).

    Returns
    -------
    Curvature

    Raises
    ------
    InputError
        No losses with an array ``trajectory``, arrays of different shapes,
        or samples :func:`average_curvature` refuses.

    Examples
    --------
    A loss ``e^{−t}`` (``μ = 1``) sampled unevenly:

    >>> t = np.array([0.0, 0.1, 0.3, 0.6, 1.0])
    >>> c = curvature(t, np.exp(-t))
    >>> bool(np.allclose(c.mu, 1.0, atol=0.02)), round(c.final_average, 12)
    (True, 1.0)
    """
    if loss is None and hasattr(trajectory, "output_rates"):
        run = cast("FlowRun", trajectory)
        t, values = np.asarray(run.t, dtype=float), np.asarray(run.loss, dtype=float)
        residual = run.outputs - run.problem.y
        rate = (residual * run.output_rates).sum(axis=1) / run.problem.n
        method = "exact"
    else:
        if loss is None:
            raise InputError("give the losses: curvature(t, loss), or a FlowRun")
        t, values = _arrays(cast("ArrayLike", trajectory), loss)
        if loss_rate is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                log_loss = np.log(values)
            rate = None
            method = "finite differences"
        else:
            rate = np.asarray(loss_rate, dtype=float)
            if rate.shape != t.shape:
                raise InputError(f"loss_rate must have shape {t.shape}, got {rate.shape}")
            method = "exact"
    with np.errstate(divide="ignore", invalid="ignore"):
        if rate is None:
            mu = -np.gradient(log_loss, t)
        else:
            mu = -rate / values
    positive = values > 0
    mu = np.where(positive & np.isfinite(mu), mu, np.nan)
    return Curvature(t, values, mu, average_curvature(t, values), method)


def _inputs(X: Problem | ArrayLike) -> NDArray[np.float64]:
    """Rows ``x_i`` from an array or a :class:`~limitproc.problem.Problem`."""
    if hasattr(X, "inputs"):
        X = X.inputs()
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise InputError(f"X must be an (n, d) array, got shape {X.shape}")
    return X


def _parameters(
    X: NDArray[np.float64], a: ArrayLike, W: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    a = np.asarray(a, dtype=float)
    W = np.asarray(W, dtype=float)
    if a.ndim != 1 or W.ndim != 2 or W.shape != (a.size, X.shape[1]):
        raise InputError(f"a must have shape (m,) and W shape (m, {X.shape[1]}); got {a.shape} and {W.shape}")
    return a, W


def pl_ratio(X: Problem | ArrayLike, y: ArrayLike, a: ArrayLike, W: ArrayLike) -> float:
    r"""``||∇L(θ)||² / L(θ)`` at ``θ = (a, W)`` (spec §1, ``σ'(0) = 0``).

    With ``R_i = h(x_i) − y_i``: ``∂L/∂a_j = (1/n) Σ_i R_i σ(<w_j, x_i>)`` and
    ``∂L/∂w_j = (1/n) a_j Σ_i R_i 1[<w_j, x_i> > 0] x_i`` (seed 000 eq. 3).
    Along the gradient flow this is ``μ = −L'/L`` (seed 001 eq. 5).

    Parameters
    ----------
    X : array_like, shape (n, d), or Problem
        The inputs (a problem's :meth:`~limitproc.problem.Problem.inputs`).
    y : array_like, shape (n,)
        Labels.
    a : array_like, shape (m,)
        Output weights.
    W : array_like, shape (m, d)
        Hidden weights.

    Returns
    -------
    float
        ``nan`` where ``L = 0``.

    Raises
    ------
    InputError
        Arrays of the wrong shapes.

    Examples
    --------
    One neuron on ``x_0`` with ``a = ||w|| = 1`` and labels (3, 4): the
    residual is (−2, −4), ``||∇L||² = 1 + 1`` and ``L = 5``:

    >>> pl_ratio(np.eye(2), [3.0, 4.0], [1.0], [[1.0, 0.0]])
    0.4
    """
    X = _inputs(X)
    a, W = _parameters(X, a, W)
    y = np.asarray(y, dtype=float)
    n = X.shape[0]
    pre = W @ X.T  # (m, n)
    h = a @ np.maximum(pre, 0.0)
    R = h - y
    loss = float(R @ R) / (2 * n)
    grad_a = np.maximum(pre, 0.0) @ R / n
    grad_W = (a[:, None] * ((pre > 0) * R[None, :])) @ X / n
    if loss == 0:
        return float("nan")
    return float((grad_a @ grad_a + (grad_W * grad_W).sum()) / loss)


@dataclass(frozen=True)
class PLBracket:
    """Seed 001 Lemma 6 at given parameters: ``lower ≤ μ ≤ upper``.

    Attributes
    ----------
    lower, upper : float
        ``(2/n)((C_x^-)² − δ) min_i Σ_j a_j² 1_{j,i}`` and
        ``(2/n)((C_x^+)² + δ) max_i Σ_j (a_j² + ||w_j||²) 1_{j,i}``
        (``1_{j,i} = 1[<w_j, x_i> > 0]``, ``δ = ||XᵀX − D_X||``, the Gram
        matrix's off-diagonal part in spectral norm).
    cx_minus, cx_plus : float
        ``min_i ||x_i||``, ``max_i ||x_i||``.
    gram_deviation : float
        ``δ``.
    statement : str
        ``"corrected"`` (squared ``C_x^±``, eq. (7) and proof (20)–(22)) or
        ``"printed"`` (the statement's unsquared ``C_x^±``).
    """

    lower: float
    upper: float
    cx_minus: float
    cx_plus: float
    gram_deviation: float
    statement: str

    def contains(self, mu: float, rtol: float = 1e-12) -> bool:
        """``lower ≤ μ ≤ upper`` up to a relative rounding margin.

        Parameters
        ----------
        mu : float
            A curvature, e.g. :func:`pl_ratio` at the same parameters.
        rtol : float
            Relative margin on each end.

        Returns
        -------
        bool

        Examples
        --------
        >>> b = pl_bracket(np.eye(2), [1.0, 2.0], [[1.0, 0.0], [1.0, 1.0]])  # [4, 8]
        >>> b.contains(4.0), b.contains(9.0)
        (True, False)
        """
        return bool(self.lower * (1 - rtol) <= mu <= self.upper * (1 + rtol))


def pl_bracket(
    X: Problem | ArrayLike, a: ArrayLike, W: ArrayLike, *, statement: Literal["corrected", "printed"] = "corrected"
) -> PLBracket:
    r"""Seed 001 Lemma 6: bounds on the local-PL curvature at any parameters.

    In spec units (module docstring):

    .. math::

        \frac2n\big((C_x^-)^2 - \delta\big)\min_i \sum_j a_j^2 1_{j,i}
        \;\le\; \mu \;\le\;
        \frac2n\big((C_x^+)^2 + \delta\big)\max_i \sum_j (a_j^2 + \|w_j\|^2) 1_{j,i}.

    The statement of Lemma 6 prints ``C_x^±`` where eq. (7) and its proof
    (20)–(22) have ``(C_x^±)²`` (seeds digest §2.2); ``statement="printed"``
    evaluates the printed form.  The two agree for unit-norm inputs.

    Parameters
    ----------
    X : array_like, shape (n, d), or Problem
        The inputs.
    a : array_like, shape (m,)
        Output weights.
    W : array_like, shape (m, d)
        Hidden weights.
    statement : {"corrected", "printed"}
        Which form of the lemma to evaluate.

    Returns
    -------
    PLBracket

    Raises
    ------
    InputError
        An unknown ``statement`` or arrays of the wrong shapes.

    Examples
    --------
    >>> b = pl_bracket(np.eye(2), [1.0, 2.0], [[1.0, 0.0], [1.0, 1.0]])
    >>> b.lower, b.upper    # min_i Σ a² 1 = min(1 + 4, 4); max_i Σ (a² + ||w||²) 1 = max(2 + 6, 6)
    (4.0, 8.0)
    >>> b.contains(pl_ratio(np.eye(2), [3.0, 4.0], [1.0, 2.0], [[1.0, 0.0], [1.0, 1.0]]))
    True
    """
    if statement not in ("corrected", "printed"):
        raise InputError(f"statement must be 'corrected' or 'printed', got {statement!r}")
    X = _inputs(X)
    a, W = _parameters(X, a, W)
    n = X.shape[0]
    gram = X @ X.T
    norms = np.sqrt(np.diag(gram))
    delta = float(np.linalg.norm(gram - np.diag(np.diag(gram)), 2)) if n > 1 else 0.0
    cx_minus, cx_plus = float(norms.min()), float(norms.max())
    power = 2 if statement == "corrected" else 1
    active = (W @ X.T) > 0  # (m, n)
    a2 = a * a
    w2 = (W * W).sum(axis=1)
    low = float((a2 @ active).min())
    high = float(((a2 + w2) @ active).max())
    return PLBracket(
        lower=2.0 / n * (cx_minus**power - delta) * low,
        upper=2.0 / n * (cx_plus**power + delta) * high,
        cx_minus=cx_minus, cx_plus=cx_plus, gram_deviation=delta, statement=statement,
    )


@dataclass(frozen=True, eq=False)
class Theorem1Bound:
    """Lower bounds on ``μ`` from seed 001 Theorem 1 (arrays over the samples).

    Attributes
    ----------
    stated : ndarray
        Eq. (6): ``(C/n) min_i |1 − r_i/y_i| = (C/n) min_i |h_i/y_i|`` with
        ``C = (C_x^-)²/C_x^+ · C_y^-`` (``r_i = y_i − h_i``, seed 001's
        residual).
    proof : ndarray
        The constant the proof (30)–(33) reaches: ``(2 − √2)`` times
        ``stated`` (seeds digest §2.2).
    orthonormal : ndarray
        ``(2/n) min_i |h(x_i)|``, from (21) and (29) with ``XᵀX = I``
        (derived, seeds digest §2.2); ``nan`` when the inputs are not
        orthonormal (``δ`` or ``| ||x_i|| − 1 |`` above ``1e-8``).
    constant : float
        ``C``.
    """

    stated: NDArray[np.float64]
    proof: NDArray[np.float64]
    orthonormal: NDArray[np.float64]
    constant: float


def theorem1_bound(X: Problem | ArrayLike, y: ArrayLike, outputs: ArrayLike) -> Theorem1Bound:
    """Seed 001 Theorem 1, eq. (6), at network outputs ``h(x_i)``.

    Valid along the flow for an initialization with ``|a_j(0)| ≥ ||w_j(0)||``
    (seed 001 Assumption 1; balanced initializations have equality) and
    weakly correlated inputs (Assumption 2; orthogonal inputs have ``δ = 0``).

    Parameters
    ----------
    X : array_like (n, d) or Problem
        The inputs.
    y : array_like (n,)
        Labels, non-zero.
    outputs : array_like (..., n)
        ``h(x_i)``, e.g. :attr:`~limitproc.flow.FlowRun.outputs`.

    Returns
    -------
    Theorem1Bound
        Arrays of the shape ``outputs.shape[:-1]``.

    Raises
    ------
    InputError
        Arrays of the wrong shapes, or a zero label.

    Examples
    --------
    >>> b = theorem1_bound(np.eye(2), [1.0, -2.0], [0.5, -0.5])
    >>> float(b.stated), float(b.orthonormal)      # C = 1: (1/2) min(0.5, 0.25); (2/2) min(0.5, 0.5)
    (0.125, 0.5)
    """
    X = _inputs(X)
    y = np.asarray(y, dtype=float)
    h = np.asarray(outputs, dtype=float)
    n = X.shape[0]
    if h.shape[-1] != n or y.shape != (n,):
        raise InputError(f"y must have shape ({n},) and outputs shape (..., {n})")
    if (y == 0).any():
        raise InputError("seed 001 Theorem 1 divides by the labels: they must be non-zero")
    gram = X @ X.T
    norms = np.sqrt(np.diag(gram))
    delta = float(np.linalg.norm(gram - np.diag(np.diag(gram)), 2)) if n > 1 else 0.0
    constant = float(norms.min() ** 2 / norms.max() * np.abs(y).min())
    stated = constant / n * np.abs(h / y).min(axis=-1)
    orthonormal_inputs = delta <= 1e-8 and np.abs(norms - 1).max() <= 1e-8
    ortho = 2.0 / n * np.abs(h).min(axis=-1)
    if not orthonormal_inputs:
        ortho = np.full_like(ortho, np.nan)
    return Theorem1Bound(stated, (2 - np.sqrt(2)) * stated, ortho, constant)
