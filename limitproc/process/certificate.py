"""Check a limit process against the definitions, independently of Algorithm 1.

For each saddle ``θ_k`` the parameters are rebuilt in input coordinates and
the network of spec §1 is evaluated directly:

* ``θ_k`` is a critical point of ``L`` with the subgradient ``σ'(0) = 0``
  (seed 000 eq. 3): ``∇_a L = ∇_W L = 0``;
* every non-zero neuron is balanced, ``a_j² = ||w_j||²``, and fits the data
  it is active on, ``h(x_i) = y_i``;
* neurons that have not jumped are zero;
* ``L(θ_k)`` and ``||θ_k||²`` equal the reported values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .algorithm1 import LimitProcess

__all__ = ["Certificate", "certify"]


@dataclass(frozen=True)
class Certificate:
    """Worst deviations from the definitions over all saddles.

    Attributes
    ----------
    gradient : float
        ``max_k ||∇L(θ_k)||`` (max norm over all coordinates).
    fit : float
        Largest ``|h(x_i) − y_i|`` over data on which a non-zero neuron is active.
    balance : float
        Largest ``|a_j² − ||w_j||²|``.
    loss : float
        Largest error of the reported ``L(θ_k)``, relative to ``L(θ_0)``.
    sq_norm : float
        Largest relative error of the reported ``||θ_k||²``.
    zero_neurons : bool
        Neurons that have not jumped are exactly zero.
    tol : float
        The tolerance :attr:`ok` compares the deviations with.
    """

    gradient: float
    fit: float
    balance: float
    loss: float
    sq_norm: float
    zero_neurons: bool
    tol: float

    @property
    def ok(self) -> bool:
        """Every deviation is at most :attr:`tol` and the idle neurons are zero."""
        return self.zero_neurons and max(self.gradient, self.fit, self.balance, self.loss, self.sq_norm) <= self.tol


def _relative(measured: float, reported: float) -> float:
    size = max(abs(measured), abs(reported))
    return abs(measured - reported) / size if size else 0.0


def certify(process: LimitProcess, tol: float = 1e-9) -> Certificate:
    """Rebuild every saddle and measure how far it is from the definitions.

    ``tol`` is relative to the label scale ``max |y_i|``.  The checks run on
    the labels and weights scaled by the power of 4 of
    :attr:`~limitproc.problem.Problem.label_scale` (spec §3), so they hold at
    any representable label scale.  Pre-activations
    ``<w_j, x_i>`` within rounding of 0 are taken as the exact zeros they are
    in ``θ_k`` (the hidden weights are stored in input coordinates).

    Parameters
    ----------
    process : LimitProcess
        The output of :func:`~limitproc.process.algorithm1.limit_process`
        (either backend).
    tol : float
        Largest deviation :attr:`Certificate.ok` accepts, relative to
        ``max |y_i|`` (module docstring; seed 000 eq. 3).

    Returns
    -------
    Certificate
        The worst deviation of each kind over all saddles ``θ_0..θ_K``.

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0, -1.0], [[1, 1, 1], [1, -1, 1], [1, 1, -1]], signs=[1, 1, -1])
    >>> certify(limit_process(p)).ok
    True
    """
    problem = process.problem
    n = problem.n
    c = problem.label_scale  # everything is measured on the labels y / c (spec §3), exact for powers of 4
    root = np.sqrt(c)
    y = problem.scaled_labels
    scale = max(float(np.abs(y).max()), np.finfo(float).tiny)
    scaled_losses = process.scaled_losses  # L(θ_k) / c², where the reported L(θ_k) is out of float64's range
    reported_losses = [float(s.loss) / c / c if "loss" not in process.out_of_range else scaled_losses[s.k]
                       for s in process.saddles]
    loss_scale = float(scaled_losses[0])
    rounding = 8 * problem.d * np.finfo(float).eps
    worst = dict(gradient=0.0, fit=0.0, balance=0.0, loss=0.0, sq_norm=0.0)
    zero_neurons = True
    jumped = set()
    for s in process.saddles:
        if s.neuron is not None:
            jumped.add(s.neuron)
        a, W = process.parameters(s.k)
        a, W = a / root, W / root
        pre = W if problem.X is None else W @ problem.X.T  # <w_j, x_i>, shape (m, n)
        pre[np.abs(pre) <= rounding * np.abs(W).sum(axis=1, keepdims=True)] = 0.0  # exact zeros of θ_k
        active = pre > 0
        h = a @ np.maximum(pre, 0.0)
        residual = h - y
        grad_a = np.maximum(pre, 0.0) @ residual / n
        grad_W_data = a[:, None] * (active * residual[None, :]) / n  # in the data basis
        worst["gradient"] = max(worst["gradient"], np.abs(grad_a).max() / scale, np.abs(grad_W_data).max() / scale)
        fitted = active.any(axis=0)
        if fitted.any():
            worst["fit"] = max(worst["fit"], np.abs(residual[fitted]).max() / scale)
        worst["balance"] = max(worst["balance"], np.abs(a**2 - (W**2).sum(axis=1)).max() / scale)
        loss = residual @ residual / (2 * n)
        worst["loss"] = max(worst["loss"], abs(loss - reported_losses[s.k]) / loss_scale if loss_scale else 0.0)
        worst["sq_norm"] = max(worst["sq_norm"], _relative(a @ a + (W**2).sum(), float(s.sq_norm) / c))
        idle = [j for j in range(problem.m) if j not in jumped]
        if np.any(a[idle]) or np.any(W[idle]):
            zero_neurons = False
    return Certificate(zero_neurons=zero_neurons, tol=tol, **{k: float(v) for k, v in worst.items()})
