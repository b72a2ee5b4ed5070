r"""Directions of the neurons along the limit process (spec §2; seed 002 Figure 4).

Near saddle ``k`` an unfitted neuron ``j`` points, instantly in accelerated
time, in the direction

.. math::

    \bar w_j(\tau) = s_j \, \frac{D_j^k}{r_j^k}, \qquad
    D_j^k = \frac1n \sum_{i \in I_j^k} y_i x_i, \qquad
    r_j^k = \|D_j^k\|, \qquad \tau \in [\tau_k, \tau_{k+1}),

with ``I_j^k`` its unfitted active set (spec §2).  This is the fixed point of
the tangential dynamics ``dū_j/dt = s_j (D_j − <D_j, ū_j> ū_j)`` (seed 000
eq. 9; seed 002 eq. 6) while the network output on the unfitted data is 0: the
relaxation towards it takes a time ``O(1/r_j^k)`` in ``t``, ``o(1)`` in
``τ = t/ln(1/λ)``.  The parts that do not follow (components on data of the
other label sign, which freeze at their initial size ``O(λ)``, the part
orthogonal to the data span, and components on data fitted by others, whose
residual is 0) keep an absolute size ``O(λ)`` while the neuron grows like
``λ^{e_j(τ)}`` with ``e_j(τ) < 1`` for ``τ > 0``, so their share vanishes as
``λ → 0``.  When a jump fits some of ``j``'s data, ``D_j`` changes and
the neuron "turns quickly towards its new predicted direction" (seed 002
Appendix A.2, Figure 4).

A fitted neuron keeps the direction it jumped with, ``s_j D_j^{k-1}/r_j^{k-1}``
(spec §3: ``w_{j*} = s_{j*} sqrt(n/r) D_{j*}^{k-1}``).  A neuron whose data
were all fitted by others keeps the direction of the last plateau on which
it still had unfitted data: its ``D_j`` only shrinks, proportionally, while
those data are fitted (the residual of a jump is ``y_i (1 − φ(t))`` on the
data of the jump).  A neuron with no datum of its sign (a zero column of the
mask) has no predicted direction (``nan``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from typing import Literal
    from numpy.typing import NDArray

    from .algorithm1 import LimitProcess

__all__ = ["waiting_direction", "waiting_directions", "direction_plateaus"]


def _history(process):
    """For every neuron the τ from which each unfitted active set holds.

    Returns ``[(tau_start, data_indices_or_None, fitted)]`` per neuron: the
    plateaus on which its predicted direction changes; ``fitted`` marks the
    plateau that starts with its own jump.
    """
    problem, mask = process.problem, process.mask
    m = problem.m
    unfitted = np.ones(problem.n, dtype=bool)
    own = [np.asarray(mask.data_of(j), dtype=np.int64) for j in range(m)]
    fitted_neurons = np.zeros(m, dtype=bool)
    history = [[(0.0, own[j] if own[j].size else None, False)] for j in range(m)]
    jumps = process.jumps
    k = 0
    while k < len(jumps):
        tau = float(jumps[k].tau)
        batch = [jumps[k]]
        while k + len(batch) < len(jumps) and float(jumps[k + len(batch)].tau) == tau:
            batch.append(jumps[k + len(batch)])
        for saddle in batch:
            group = tuple(saddle.group) or (saddle.neuron,)
            for j in group:
                fitted_neurons[j] = True
                data = own[j][unfitted[own[j]]]
                history[j].append((tau, data, True))
        for saddle in batch:
            unfitted[np.asarray(saddle.data, dtype=np.int64)] = False
        for j in range(m):
            if fitted_neurons[j] or own[j].size == 0:
                continue
            data = own[j][unfitted[own[j]]]
            if data.size and data.size != history[j][-1][1].size:
                history[j].append((tau, data, False))
        k += len(batch)
    return history


def direction_plateaus(process: LimitProcess, j: int) -> list[tuple[float, NDArray[np.intp], bool]]:
    """The piecewise-constant predicted direction of neuron ``j``.

    Parameters
    ----------
    process : LimitProcess
    j : int
        Neuron index, ``0 ≤ j < m``.

    Returns
    -------
    list of (float, ndarray, bool)
        ``(τ_start, data, fitted)``: from ``τ_start`` on (until the next
        entry), neuron ``j`` points along ``s_j Σ_{i ∈ data} y_i x_i``
        (normalized); ``fitted`` is True from the neuron's own jump on.
        Empty for a neuron without data of its sign.

    Raises
    ------
    ValueError
        ``j`` is not a neuron index.

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
    >>> process = limit_process(p)
    >>> [(tau, data.tolist(), fitted) for tau, data, fitted in direction_plateaus(process, 0)]
    [(0.0, [0, 1], False), (0.4, [0, 1], True)]
    >>> [(tau, data.tolist(), fitted) for tau, data, fitted in direction_plateaus(process, 1)]
    [(0.0, [0], False)]
    """
    _check_neuron(process, j)
    entries = _history(process)[j]
    if entries[0][1] is None:
        return []
    out = []
    for tau, data, fitted in entries:
        if data.size == 0:  # all of its data fitted by others: the direction stays
            continue
        out.append((tau, data, fitted))
    return out


def _check_neuron(process, j):
    m = process.problem.m
    if not (isinstance(j, (int, np.integer)) and 0 <= j < m):
        raise ValueError(f"neuron index must be an integer in [0, {m}), got {j!r}")


def _check_tau(tau):
    tau = float(tau)
    if not tau > 0:
        raise ValueError(
            f"tau must be > 0, got {tau}: at τ = 0 a neuron points in its initial direction, "
            "and the limit direction s_j D_j^0 / r_j^0 holds for every τ > 0 (spec §2)"
        )
    return tau


def _direction(process, j, data, basis):
    problem = process.problem
    coefficients = np.zeros(problem.n)
    y = np.asarray(problem.y, dtype=float)
    coefficients[data] = y[data]
    coefficients *= float(problem.signs[j]) / np.linalg.norm(coefficients)
    if basis == "data" or problem.X is None:
        return coefficients
    return coefficients[data] @ problem.X[data]


def waiting_direction(
    process: LimitProcess, j: int, tau: float, *, basis: Literal["input", "data"] = "input"
) -> NDArray[np.float64]:
    r"""Predicted direction ``s_j D_j^k / r_j^k`` of neuron ``j`` at accelerated time ``τ``.

    ``k`` is the saddle of ``τ`` (``τ_k ≤ τ < τ_{k+1}``, as
    :meth:`~limitproc.process.LimitProcess.at`); see the module docstring for
    the derivation (spec §2; seed 000 eq. 9–10; seed 002 eq. 6 and
    Appendix A.2, Figure 4).

    Parameters
    ----------
    process : LimitProcess
    j : int
        Neuron index.
    tau : float
        Accelerated time, ``τ > 0``.
    basis : {"input", "data"}
        ``"input"``: a unit vector of ``R^d``; ``"data"``: its coefficients
        ``<w̄_j, x_i>`` on the data (``R^n``), as in
        :attr:`~limitproc.flow.FlowRun.directions`.

    Returns
    -------
    ndarray of float, shape (d,) or (n,)
        A unit vector, or ``nan`` for a neuron with no datum of its sign.

    Raises
    ------
    ValueError
        ``j`` is not a neuron index, ``τ ≤ 0``, or an unknown ``basis``.

    Examples
    --------
    Neuron 1 is active on datum 0 only; the jump of neuron 0 at τ = 0.4 fits
    both data, after which neuron 1 keeps pointing along ``x_0``:

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
    >>> process = limit_process(p)
    >>> waiting_direction(process, 0, 0.1).round(3).tolist()
    [0.6, 0.8]
    >>> waiting_direction(process, 1, 0.1).tolist(), waiting_direction(process, 1, 5.0).tolist()
    ([1.0, 0.0], [1.0, 0.0])
    """
    _check_neuron(process, j)
    tau = _check_tau(tau)
    if basis not in ("input", "data"):
        raise ValueError(f"basis must be 'input' or 'data', got {basis!r}")
    data = _current(direction_plateaus(process, j), tau)
    if data is None:
        return np.full(process.problem.n if basis == "data" else process.problem.d, np.nan)
    return _direction(process, j, data, basis)


def waiting_directions(
    process: LimitProcess, tau: float, *, basis: Literal["input", "data"] = "input"
) -> NDArray[np.float64]:
    """:func:`waiting_direction` of every neuron at ``τ``, shape ``(m, d)``
    (``(m, n)`` with ``basis="data"``).

    Parameters
    ----------
    process : LimitProcess
    tau : float
        Accelerated time, ``τ > 0``.
    basis : {"input", "data"}
        ``"input"``: rows in ``R^d``; ``"data"``: their coefficients on the
        data (``R^n``), as :func:`waiting_direction`.

    Returns
    -------
    ndarray of float, shape (m, d) or (m, n)
        Row ``j``: the predicted direction ``s_j D_j^k / r_j^k`` of neuron
        ``j`` (spec §2), ``nan`` for a neuron with no datum of its sign.

    Raises
    ------
    ValueError
        ``τ ≤ 0`` or an unknown ``basis``.

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0, -2.0], [[1.0, 1.0, 1.0], [1.0, -1.0, 1.0], [1.0, 1.0, -1.0]], signs=[1, 1, 1])
    >>> waiting_directions(limit_process(p), 0.1).round(3).tolist()
    [[0.6, 0.8, 0.0], [1.0, 0.0, 0.0], [0.6, 0.8, 0.0]]
    """
    tau = _check_tau(tau)
    if basis not in ("input", "data"):
        raise ValueError(f"basis must be 'input' or 'data', got {basis!r}")
    problem = process.problem
    width = problem.n if basis == "data" else problem.d
    out = np.full((problem.m, width), np.nan)
    for j, entries in enumerate(_history(process)):
        data = _current([e for e in entries if e[1] is not None and e[1].size], tau)
        if data is not None:
            out[j] = _direction(process, j, data, basis)
    return out


def _current(plateaus, tau):
    """The data of the last plateau starting at or before ``τ`` (``None`` if none)."""
    chosen = None
    for start, data, _ in plateaus:
        if start <= tau or chosen is None:
            chosen = data
    return chosen
