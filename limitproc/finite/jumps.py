r"""One jump at finite λ: the one-neuron fit of a set of data from its unstable manifold.

``docs/finite-lambda.md`` §1.3, ``docs/general-inputs.md`` §6 and
``docs/gradient-descent.md`` §7.  When a group ``G`` jumps it is aligned with
its growth direction and of size ``λ^0``; its fit of the data ``I`` is the flow
(or the gradient descent) of one neuron on ``I`` with residual ``y_I``, started
on its unstable manifold.  With ``x_i = c_i e_i`` and ``ω_i = <w, e_i>``, data of
equal norm ``c`` stay proportional to their labels (``ω_i = y_i η_κ`` on the
class ``κ`` of norm ``c_κ`` and label norm ``Y_κ``), so the jump is the reduced
system

.. math::

    \dot a = \frac1n \sum_κ c_κ Y_κ^2 η_κ (1 - q_κ), \qquad
    \dot η_κ = \frac{a c_κ}{n} (1 - q_κ), \qquad q_κ = a c_κ η_κ = h(x_i)/y_i ,

whose linearization at 0 grows at ``r = ||(c ∘ y)_I|| / n`` and whose fit has
``a² = ||w||² = N = ||(y/c)_I||``.  Normalized by ``a(s) e^{−g s} → 1`` as
``s → −∞`` (``g = r`` for the flow, ``ln(1 + h r)/h`` for gradient descent
with step ``h``), ``||w||²`` reaches ``N/2`` at ``s_half``; a group whose
growing-mode amplitudes are ``e^{κ_g}`` reaches it at

.. math::

    t = τ \ln(1/λ) + s_{half} - \tfrac12 \ln \textstyle\sum_G e^{2κ_g} / g .

Closed forms for one class (one norm ``c``, seed 000 §4.2):
``s_half = ln(N)/(2r)`` with the logistic residual ``1/(1 + e^{2 r s})`` for
the flow, ``s_half = ln(N)/(2g) + ψ(h r)/r`` with the discrete logistic
``v ← v (1 + x (1 − v))²`` for gradient descent
(:func:`~limitproc.flow.gd.transit_offset`).  Several classes: the reduced
system is integrated (flow) or iterated (gradient descent) once per jump.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = ["JumpProfile", "jump_profile", "norm_classes"]

#: Starting amplitude of the numerical profiles (relative error ``ε²`` from
#: the nonlinearity at the start).
_START = 1e-9

#: Gradient descent's profiles are iterated for at most about this many steps:
#: beyond, a slow jump is iterated with a multiple ``k h`` of the step as long
#: as ``k h r ≤ COARSE_STEP_RATE`` (:func:`_iterate`).
MAX_PROFILE_STEPS = 200_000
COARSE_STEP_RATE = 1e-3

#: The tabulated profiles run from where ``1 − p`` is below ``e^{−2 TAIL}``
#: to where ``p`` is (in units of ``1/r``).
TAIL = 20.0


def norm_classes(c: ArrayLike, rtol: float = 1e-12) -> NDArray[np.int64]:
    """Labels of the classes of equal norm in ``c`` (within ``rtol``), shape
    like ``c``, numbered from 0 in increasing norm.

    Parameters
    ----------
    c : array_like
        Input norms.
    rtol : float
        Relative tolerance within which two norms are equal.

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> norm_classes(np.array([2.0, 1.0, 2.0 * (1 + 1e-15), 0.5])).tolist()
    [2, 1, 2, 0]
    """
    c = np.asarray(c, dtype=float)
    order = np.argsort(c, kind="stable")
    labels = np.empty(c.size, dtype=np.int64)
    current, anchor = -1, None
    for i in order:
        if anchor is None or c[i] > anchor * (1.0 + rtol):
            current += 1
            anchor = c[i]
        labels[i] = current
    return labels


@dataclass(frozen=True, eq=False)
class JumpProfile:
    """The one-neuron jump on a set of data (module docstring).

    Attributes
    ----------
    n : int
    step : float
        ``h`` (0 for the gradient flow).
    norms, label_norms : ndarray, shape (P,)
        ``c_κ`` and ``Y_κ = ||y_κ||`` of the ``P`` classes of equal input norm.
    classes : ndarray
        The class of each datum of the jump (in the order given).
    rate : float
        ``r = ||(c ∘ y)_I|| / n``.
    speed : float
        ``g(r)``: ``r`` for the flow, ``ln(1 + h r)/h`` for gradient descent.
    fit : float
        ``N = ||(y/c)_I||``, the fitted ``a² = ||w||²``.
    s_half : float
        Time at which the normalized neuron's ``||w||²`` reaches ``N/2``.
    kind : {"logistic", "discrete logistic", "integrated", "iterated"}
        Closed form (one class) or numerical profile.
    settle : float
        Time after the half-fit from which every ``|p_κ| ≤ e^{−2 TAIL}``.

    Examples
    --------
    Obtained from :func:`jump_profile` (or
    the ``profiles`` of :class:`~limitproc.finite.offsets.LogNormOffsets`):

    >>> p = jump_profile(np.array([3.0, 4.0]), np.ones(2), 2)
    >>> p.kind, p.P, p.rate, p.fit, round(p.s_half, 4), round(p.settle, 4)
    ('logistic', 1, 2.5, 5.0, 0.3219, 8.0)
    """

    n: int
    step: float
    norms: np.ndarray = field(repr=False)
    label_norms: np.ndarray = field(repr=False)
    classes: np.ndarray = field(repr=False)
    rate: float
    speed: float
    fit: float
    s_half: float
    kind: str
    settle: float = 0.0
    _table: Any = field(repr=False, default=None)
    _cache: dict = field(repr=False, default_factory=dict, compare=False)

    @property
    def P(self) -> int:
        """Number of classes of equal norm."""
        return self.norms.size

    def residual(self, s: ArrayLike) -> NDArray[np.float64]:
        """``p_κ(s) = 1 − h(x_i)/y_i`` on each class at times ``s`` relative to
        the half-fit time, shape (len(s), P).  Gradient descent: the residual
        at the steps of one phase, interpolated linearly between them (its
        sign alternates when ``h r > 1/2``).

        One class: the logistic ``1/(1 + e^{2 r s})`` (seeds digest F12,
        ``docs/finite-lambda.md`` §2.1).

        Parameters
        ----------
        s : float or array_like
            Times relative to the half-fit time.

        Returns
        -------
        ndarray, shape (len(s), P)

        Examples
        --------
        >>> p = jump_profile(np.array([3.0, 4.0]), np.ones(2), 2)
        >>> p.residual([0.0, 1.0]).round(4).tolist()   # 1/(1 + e^{2 r s}), r = 2.5
        [[0.5], [0.0067]]
        """
        s = np.atleast_1d(np.asarray(s, dtype=float))
        if self.kind == "logistic":
            from scipy.special import expit

            return expit(-2.0 * self.rate * s)[:, None]
        if self.kind == "integrated":
            _, _, sol, t_half = self._table
            t = np.clip(t_half + s, sol.t[0], sol.t[-1])
            states = sol.sol(t)
            return 1.0 - states[0][:, None] * self.norms[None, :] * states[1:].T
        times, values = self._table[:2]
        out = np.empty((s.size, self.P))
        for k in range(self.P):
            out[:, k] = np.interp(s, times, values[:, k], left=1.0, right=values[-1, k])
        return out

    def growth(self, s: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(b, db/ds)`` with ``b = sqrt(||w||²)`` of the normalized jump of one
        class (``||w||² = N q``, ``q = 1 − p``) at times ``s`` relative to the
        half-fit: the growing neuron of the relaxation windows
        (:mod:`limitproc.finite.relaxation`).  Gradient descent: a cubic spline
        through the steps of ``ln q``, which is smooth (``ln q ≈ 2 g s`` early).

        Parameters
        ----------
        s : float or array_like
            Times relative to the half-fit time.

        Returns
        -------
        b, db_ds : ndarray
            Same shape as ``s``.

        Raises
        ------
        ValueError
            A numerical profile on data of more than one norm.

        Examples
        --------
        At the half-fit ``b = sqrt(N/2)`` and ``db/ds = b r / 2``:

        >>> p = jump_profile(np.array([3.0, 4.0]), np.ones(2), 2)
        >>> b, db = p.growth(np.array([0.0]))
        >>> round(float(b[0]), 4), round(float(db[0]), 4)
        (1.5811, 1.9764)
        """
        s = np.asarray(s, dtype=float)
        if self.kind == "logistic":
            from scipy.special import expit

            x = 2.0 * self.rate * s
            b = np.sqrt(self.fit * expit(x))
            return b, b * self.rate * expit(-x)
        if "spline" not in self._cache:
            from scipy.interpolate import CubicSpline

            times, values = self._table[:2]
            q = 1.0 - values[:, 0] if self.P == 1 else None
            if q is None:
                raise ValueError("growth() is defined for a jump on data of one norm")
            keep = q > 0
            self._cache["spline"] = CubicSpline(times[keep], np.log(q[keep]), extrapolate=True)
            self._cache["range"] = (times[keep][0], times[keep][-1], 2.0 * self.speed)
        spline = self._cache["spline"]
        lo, hi, slope = self._cache["range"]
        inside = np.clip(s, lo, hi)
        log_q = np.where(s < lo, spline(lo) + slope * (s - lo), spline(inside))
        rate = np.where(s < lo, slope, np.where(s > hi, 0.0, spline(inside, 1)))
        log_q = np.minimum(log_q, 0.0)
        b = np.sqrt(self.fit * np.exp(log_q))
        return b, 0.5 * b * rate

    def table_phase(self) -> float | None:
        """For gradient descent: a time (relative to the half-fit) at which
        the tabulated steps fall, so that a caller can align its steps with
        them (``None`` for the flow).

        Returns
        -------
        float or None

        Examples
        --------
        >>> jump_profile(np.array([3.0, 4.0]), np.ones(2), 2).table_phase() is None
        True
        >>> round(jump_profile(np.array([3.0, 4.0]), np.ones(2), 2, step=0.1).table_phase(), 4)
        -9.6008
        """
        return None if self.step == 0 else float(self._table[0][0])

    def offset(self, log_amplitude: float) -> float:
        """``C = s_half − log_amplitude / g``: the half-fit time relative to
        ``τ ln(1/λ)`` of a group of growing-mode amplitude ``e^{log_amplitude}``.

        ``docs/finite-lambda.md`` §1.3 (jump offsets).

        Parameters
        ----------
        log_amplitude : float
            ``ln`` of the λ-free amplitude of the growing mode at ``τ ln(1/λ)``.

        Returns
        -------
        float

        Examples
        --------
        >>> p = jump_profile(np.array([3.0, 4.0]), np.ones(2), 2)
        >>> round(p.offset(0.0), 4), round(p.offset(-2.0), 4)   # s_half + 2/r
        (0.3219, 1.1219)
        """
        return self.s_half - log_amplitude / self.speed


def _reduced_rhs(n, c, Y2):
    def rhs(t, z):
        a, eta = z[0], z[1:]
        p = 1.0 - a * c * eta
        return np.concatenate([[np.sum(c * Y2 * eta * p) / n], a * c * p / n])

    return rhs


def jump_profile(y, c, n, step=0.0):
    """The :class:`JumpProfile` of a jump on data with labels ``y`` and input
    norms ``c`` (``n`` data in the problem), for the flow (``step = 0``) or for
    gradient descent with flow-time step ``h = step``.

    Parameters
    ----------
    y : array_like
        The labels of the jump's data (signs are ignored).
    c : array_like
        Their input norms.
    n : int
        Number of data of the problem.
    step : float
        ``h`` (0 for the flow).

    Returns
    -------
    JumpProfile

    Examples
    --------
    One class: the logistic of seed 000 §4.2, ``s_half = ln(N)/(2r)``; two
    norms: the neuron rotates while it fits and ``s_half`` moves:

    >>> p = jump_profile(np.array([3.0, 4.0]), np.ones(2), 2)
    >>> p.kind, p.rate, p.fit, bool(round(p.s_half, 12) == round(np.log(5.0) / 5.0, 12))
    ('logistic', 2.5, 5.0, True)
    >>> q = jump_profile(np.array([1.0, 1.0]), np.array([0.5, 2.0]), 2)
    >>> q.kind, round(q.rate, 4), round(q.fit, 4), round(q.s_half, 4)
    ('integrated', 1.0308, 2.0616, 4.3426)
    """
    y = np.abs(np.asarray(y, dtype=float))
    c = np.asarray(c, dtype=float)
    labels = norm_classes(c)
    P = int(labels.max()) + 1
    norms = np.array([c[labels == k].mean() for k in range(P)])
    Y = np.array([np.linalg.norm(y[labels == k]) for k in range(P)])
    rate = float(np.linalg.norm(norms * Y)) / n
    fit = float(np.linalg.norm(Y / norms))
    h = float(step)
    speed = rate if h == 0 else float(np.log1p(h * rate) / h)
    common = dict(n=n, step=h, norms=norms, label_norms=Y, classes=labels, rate=rate, speed=speed, fit=fit)
    if P == 1 and h == 0:
        return JumpProfile(s_half=float(np.log(fit) / (2.0 * rate)), kind="logistic", settle=TAIL / rate, **common)
    if P == 1:
        from ..flow.gd import transit_offset

        s_half = float(np.log(fit) / (2.0 * speed) + transit_offset(h * rate) / rate)
        times, values, _ = _iterate(n, norms, Y, h, rate, speed, fit)
        return JumpProfile(s_half=s_half, kind="discrete logistic", settle=_settled(times - s_half, values),
                           _table=(times - s_half, values), **common)
    if h == 0:
        return _integrated(common, norms, Y)
    times, values, s_half = _iterate(n, norms, Y, h, rate, speed, fit)
    return JumpProfile(s_half=s_half, kind="iterated", settle=_settled(times - s_half, values),
                       _table=(times - s_half, values), **common)


def _slowest(c, Y, n, N):
    """Smallest eigenvalue of the fitted block's NTK over ``n`` on the class
    space, ``(1/n)(Y Yᵀ/N + N diag(c²))`` (``docs/general-inputs.md`` §6): the
    slowest decay of the residual after the fit."""
    return float(np.linalg.eigvalsh((np.outer(Y, Y) / N + N * np.diag(c**2)) / n)[0])


def _settled(times, values):
    """First time from which every ``|p| ≤ e^{−2 TAIL}`` (the table's end if never)."""
    big = np.flatnonzero(np.abs(values).max(axis=1) > np.exp(-2.0 * TAIL))
    return float(times[min(big[-1] + 1, times.size - 1)]) if big.size else float(times[0])


def _integrated(common, c, Y):
    """The flow's profile of several classes: the reduced system integrated
    from ``a = ε`` on the unstable manifold (``η_κ = ε c_κ/(n r)``)."""
    from scipy.integrate import solve_ivp

    n, rate, fit = common["n"], common["rate"], common["fit"]
    Y2 = Y**2
    z0 = np.concatenate([[_START], _START * c / (n * rate)])

    def half(t, z):
        return float(np.sum(Y2 * z[1:] ** 2)) - fit / 2.0

    slow = min(rate, _slowest(c, Y, n, fit))
    span = (0.0, (-np.log(_START) + np.log(fit) + TAIL) / rate + 2.5 * TAIL / slow)
    sol = solve_ivp(_reduced_rhs(n, c, Y2), span, z0, method="DOP853", rtol=1e-12, atol=1e-20, events=half,
                    dense_output=True)
    t_half = float(sol.t_events[0][0])
    s_half = float(np.log(_START) / rate + t_half)
    times = np.linspace(max(t_half - 2.0 * TAIL / rate, 0.0), sol.t[-1], 8001)
    states = sol.sol(times)
    values = 1.0 - states[0][:, None] * c[None, :] * states[1:].T
    return JumpProfile(s_half=s_half, kind="integrated", settle=_settled(times - t_half, values),
                       _table=(times - t_half, values, sol, t_half), **common)


def _iterate(n, c, Y, h, rate, speed, fit):
    """Gradient descent's profile: the reduced system iterated from ``a = ε``
    on the unstable manifold; ``(times, residuals, s_half)`` in the
    normalized time, ``s_half`` interpolated linearly in ``ln ||w||²`` between
    the two steps around it; a run crosses up to ``(h r)²/(8 r)`` later by
    where its steps fall, ``docs/gradient-descent.md`` §7)."""
    Y2 = Y**2
    a = _START
    eta = _START * c / (n * rate)
    t0 = np.log(_START) / speed
    slow = _slowest(c, Y, n, fit)
    decay = min(speed, -np.log(abs(1.0 - h * slow)) / h if h * slow != 1.0 else np.inf)
    steps = int(np.ceil((-np.log(_START) / speed + np.log(fit) / speed + TAIL / rate + 2.5 * TAIL / decay) / h)) + 2
    if steps > MAX_PROFILE_STEPS and h * rate < COARSE_STEP_RATE:
        # a slow jump (h r ≪ 1): the same map with a step k h, still with k h r ≤ COARSE_STEP_RATE, so the
        # profile moves by O(k h) in time, a fraction of a step of the run (a run crosses up to (h r)²/(8 r)
        # later by where its steps fall anyway); memory and time stay bounded
        k = int(min(np.ceil(steps / MAX_PROFILE_STEPS), max(1.0, COARSE_STEP_RATE / (h * rate))))
        h, steps = h * k, int(np.ceil(steps / k)) + 2
        speed = float(np.log1p(h * rate) / h)
        t0 = np.log(_START) / speed
    history = np.empty((steps + 1, c.size))
    sq = np.empty(steps + 1)
    if c.size == 1:  # one class: Python floats (the discrete logistic, a few hundred ns a step)
        cc, yy, aa, ee = float(c[0]), float(Y2[0]), float(a), float(eta[0])
        ps, sqs = [], []
        for _ in range(steps + 1):
            p = 1.0 - aa * cc * ee
            ps.append(p)
            sqs.append(yy * ee * ee)
            aa, ee = aa + h * cc * yy * ee * p / n, ee + h * aa * cc * p / n
        history[:, 0], sq[:] = ps, sqs
    else:
        for k in range(steps + 1):
            p = 1.0 - a * c * eta
            history[k] = p
            sq[k] = float(np.sum(Y2 * eta**2))
            a, eta = a + h * float(np.sum(c * Y2 * eta * p)) / n, eta + h * a * c * p / n
    times = t0 + h * np.arange(steps + 1)
    level = np.log(fit / 2.0)
    logs = np.log(sq)
    k = int(np.flatnonzero(logs >= level)[0])
    t_half = float(times[k - 1] + h * (level - logs[k - 1]) / (logs[k] - logs[k - 1]))
    keep = times - t_half >= -2.0 * TAIL / rate - h
    return times[keep], history[keep], t_half
