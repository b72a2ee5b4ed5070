r"""Unbalanced initializations: the initial transient and the effective sign.

``docs/general-inputs.md`` §3.  Seed 000 Lemma 1 holds for any
initialization: ``δ_j = a_j² − ||w_j||²`` is conserved.  While a neuron is
of size ``λ`` the outputs are ``O(λ²)`` and the residual is the label vector,
so in the unit-input coordinates ``ω_i = <w, x_i>/||x_i||`` the flow of
spec §1 is linear (seed 000 eq. 28, written for any ``a``):

.. math::

    \dot a = \langle g_S, \omega_S\rangle, \qquad \dot\omega_S = a\, g_S,
    \qquad g_i = y_i \|x_i\| / n,

on the active coordinates ``S = {i : ω_i > 0}``; the others are constant
(``σ'(0) = 0``).  With ``γ = ||g_S||`` and ``b = <g_S, ω_S>/γ``,
``a(t) = A e^{γt} + B e^{−γt}`` with the growing amplitude ``A = (a + b)/2``
and the decaying one ``B = (a − b)/2``.  A coordinate reaches 0 (and freezes)
when ``γ ∫a = −γ ω_i / g_i``: the smallest root ``u = e^{γt} > 1`` of

.. math::

    A u^2 + (γ ω_i / g_i − b) u − B = 0 .

After the last such event the neuron grows with the sign ``σ = sign(A)`` of
its growing mode, on the coordinates left, all of label sign ``σ``:
``ln |a(t)| = κ + γ t + o(1)`` with ``κ = ln |A| − γ t_end``.

A balanced neuron (``δ = 0``), and any neuron with ``|a| ≥ ||w||``
(``δ ≥ 0``, seed 001 Assumption 1), keeps the sign of ``a``: then
``|b| ≤ ||ω_S|| ≤ ||w|| ≤ |a|``, so ``a(t)`` never vanishes.  Only ``δ < 0``
can flip it (seed 001 Appendix C's sign collapse).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = ["Transient", "initial_transient", "UNDECIDED"]

#: ``|A| ≤ UNDECIDED (|a| + |b|)``: the growing mode vanishes within rounding.
UNDECIDED = 1e-12


@dataclass(frozen=True)
class Transient:
    """The end of a neuron's initial transient (module docstring).

    Attributes
    ----------
    sign : int
        ``σ``, the sign of the growing mode: the neuron's effective output
        sign (for a neuron with nothing active, the sign of ``a``, which no
        longer moves; 0 if ``a = 0``).
    active : ndarray of bool, shape (n,)
        The coordinates still positive at the end, all of label sign ``σ``:
        the neuron's column of the mask (spec §2).
    time : float
        ``t_end``, the time of the last deactivation (0 if none), in the
        units of ``g``.
    rate : float
        ``γ`` at the end: the neuron's initial rate ``r_j^0``.
    log_amplitude : float
        ``κ = ln |A| − γ t_end`` (``nan`` when nothing is active).
    deactivated : tuple of int
        The coordinates that reached 0, in order.
    """

    sign: int
    active: NDArray[np.bool_]
    time: float
    rate: float
    log_amplitude: float
    deactivated: tuple[int, ...]

    @property
    def dead(self) -> bool:
        """Nothing active with a non-zero label: the neuron never grows."""
        return not self.active.any()


def _first_root(A: float, B: float, b: float, K: NDArray[np.float64]) -> NDArray[np.float64]:
    """Smallest ``u > 1`` with ``A u² + (K − b) u − B = 0`` for each entry of
    ``K`` (``inf`` where there is none), without cancellation."""
    q = K - b
    disc = q * q + 4.0 * A * B
    roots = np.full(K.shape, np.inf)
    real = disc >= 0
    root = np.sqrt(np.where(real, disc, 0.0))
    half = -(q + np.copysign(root, q)) / 2.0  # the root of larger modulus, times A
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.where(A != 0, half / A, np.where(q != 0, B / q, np.inf))
        second = np.where(half != 0, -B / half, np.inf)
    for candidate in (first, second):
        ok = real & np.isfinite(candidate) & (candidate > 1.0)
        roots = np.where(ok & (candidate < roots), candidate, roots)
    return roots


def initial_transient(a: float, omega: ArrayLike, g: ArrayLike, undecided: float = UNDECIDED) -> Transient | None:
    """Follow one neuron's λ-free linear flow (module docstring) to the end
    of its transient.

    Parameters
    ----------
    a : float
        Initial output weight (any sign, any size relative to ``omega``).
    omega : array_like, shape (n,)
        Initial coordinates ``<w, x_i>/||x_i||`` (same units as ``a``).
    g : array_like, shape (n,)
        ``y_i ||x_i|| / n``.
    undecided : float
        Relative size below which a growing amplitude counts as 0.

    Returns
    -------
    Transient or None
        ``None`` when the growing mode vanishes within rounding (the effective
        sign is then undecided).

    Examples
    --------
    A small positive ``a`` on a neuron whose weight points at a negative
    datum collapses to a negative neuron (seed 001 Appendix C):

    >>> t = initial_transient(0.1, [0.2, 1.0], [1.0, -1.0])
    >>> t.sign, t.active.tolist(), t.deactivated
    (-1, [False, True], (0,))
    >>> initial_transient(1.0, [0.2, 1.0], [1.0, -1.0]).sign  # balanced enough: keeps its sign
    1
    """
    g = np.asarray(g, dtype=float)
    w = np.array(omega, dtype=float)
    a = float(a)
    active = (w > 0) & (g != 0)
    t = 0.0
    gone: list[int] = []
    while True:
        gs = np.where(active, g, 0.0)
        gamma = float(np.linalg.norm(gs))
        if gamma == 0.0:  # nothing left to move a: it keeps its sign
            return Transient(int(np.sign(a)), active, t, 0.0, np.nan, tuple(gone))
        b = float(gs @ w) / gamma
        A, B = (a + b) / 2.0, (a - b) / 2.0
        if abs(A) <= undecided * (abs(a) + abs(b)):
            return None
        index = np.flatnonzero(active)
        u = _first_root(A, B, b, gamma * w[index] / g[index])
        if not np.isfinite(u).any():
            sign = 1 if A > 0 else -1
            ends = active & (sign * g > 0)
            return Transient(sign, ends, t, gamma, float(np.log(abs(A)) - gamma * t), tuple(gone))
        x = float(np.log(u.min()))
        area = (A * np.expm1(x) - B * np.expm1(-x)) / gamma  # ∫a over the step
        a = A * np.exp(x) + B * np.exp(-x)
        w = np.where(active, w + g * area, w)
        frozen = index[(u <= u.min() * (1.0 + 1e-12)) | (w[index] <= 0.0)]
        w[frozen] = 0.0
        active[frozen] = False
        gone.extend(int(i) for i in frozen)
        t += x / gamma
