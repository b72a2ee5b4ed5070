r"""Finite-λ predictions: jump times, loss curve, shared norms, final rate.

Algorithm 1 (spec §3) is the ``λ → 0`` limit of the gradient flow in
accelerated time.  At a finite scale ``λ`` the un-accelerated jump times are
``t_k = τ_k ln(1/λ) + C_k + o(1)``, where the offsets ``C_k`` do not depend on
``λ`` (:mod:`limitproc.finite.offsets`).  This module turns them into predictions at
a given ``λ``: the jump times, the loss curve they imply, the squared norms
shared inside groups of equal columns (seeds digest F8), the rate of
convergence after the last saddle, and the resolution verdict of spec §8.
The derivation is in ``docs/finite-lambda.md``; in short:

**Loss curve and rate** (seeds digest F12, F14, §5.3): each fitted block
relaxes along the neural tangent kernel of the fitted neurons
(:mod:`limitproc.finite.relaxation`).

**Resolution** (spec §8).  A competitor with exponent ``e`` at a jump holds a
share ``≈ e^{−2 e ln(1/λ)}`` of the fit; below ``e ln(1/λ) = 5`` it shares
the fit visibly and the corrections (like the limit) do not describe the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from ..errors import InputError
from ..process.algorithm1 import RESOLUTION_CONSTANT
from ..scale import effective_log_inv_lambda, lambda_label, log_inv_lambda
from ..schema import json_number
from .offsets import group_members, log_norm_offsets
from .relaxation import (
    RATE_WINDOW,
    SLOPE_LEVELS,
    local_slope,
    loss_blocks,
    ntk_blocks,
    window_rate,
)

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from ..process.algorithm1 import LimitProcess
    from .offsets import LogNormOffsets
    from .validity import JumpStatus

__all__ = [
    "SCHEMA_VERSION",
    "Competitor",
    "FiniteLambdaPrediction",
    "finite_lambda",
]

#: Version of the JSON schema of :meth:`FiniteLambdaPrediction.to_dict`.
SCHEMA_VERSION = 2

# -- the prediction --------------------------------------------------------------------


@dataclass(frozen=True)
class Competitor:
    """A waiting neuron that shares unfitted data with a jumping one (spec §8).

    Attributes
    ----------
    k : int
        The jump (index of the cluster's last jump).
    jumps : tuple of int
        The jump(s) whose data it shares.
    neuron : int
        The competitor (first of its group); ``group`` lists all members.
    group : tuple of int
    exponent : float
        ``e_j(τ_k)``.
    scale : float
        ``e_j(τ_k) ln(1/λ)`` (with ``ln(1/λ) + ½ ln max |y_i|``, labels of
        size 1); below 5 it takes a visible share of the fit.
    gap : float
        ``ln`` of the norm ratio jumper / competitor at the jumper's half-fit
        time with the finite-λ offsets, ``scale + lead``; the competitor holds
        about ``e^{−2 gap}`` of the fit, and jumps first if ``gap < 0``.

    Examples
    --------
    Obtained from :attr:`FiniteLambdaPrediction.competitors`: neuron 1 was
    active on datum 0, which neuron 0's jump takes (spec §8); at ``λ = 1e-8``
    it is ``λ^0.368`` small there and keeps a negligible share of the fit:

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0, 1.0], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
    >>> (c,) = finite_lambda(limit_process(p), 1e-8).competitors
    >>> c.k, c.neuron, round(c.exponent, 4), round(c.scale, 3), round(c.gap, 3)
    (1, 1, 0.3675, 7.025, 6.599)
    >>> c.shares, round(c.fit_share * 1e6, 2)
    (False, 1.85)
    """

    k: int
    jumps: tuple
    neuron: int
    group: tuple
    exponent: float
    scale: float
    gap: float

    @property
    def shares(self) -> bool:
        """``e ln(1/λ) < 5``: it shares the fit (spec §8)."""
        return self.scale < RESOLUTION_CONSTANT

    @property
    def fit_share(self) -> float:
        """``1/(1 + e^{2 gap})``: the part of the fit of the shared data it
        holds (two aligned neurons fit in proportion to their squared norms;
        :mod:`limitproc.finite.validity`)."""
        from .validity import share_of_gap

        return share_of_gap(self.gap)


@dataclass(frozen=True, eq=False)
class FiniteLambdaPrediction:
    """Predictions of the limit process corrected for a finite ``λ``
    (:func:`finite_lambda`; ``docs/finite-lambda.md``).

    Attributes
    ----------
    process : LimitProcess
    offsets : LogNormOffsets
        The λ-free offsets behind the corrections.
    log_inv_lam : float
        ``ln(1/λ)``.
    times : ndarray, shape (K,)
        Corrected jump times ``t_k = τ_k ln(1/λ) + C_k`` (un-accelerated; the
        half-fit times of :mod:`limitproc.flow.validation`).
    leading_times : ndarray, shape (K,)
        ``τ_k ln(1/λ)``.
    sq_norms : ndarray, shape (m,)
        Final ``||w_j||² = a_j²`` per neuron (groups split, seeds digest F8).
    rate : float
        ``ν`` with ``L − L(θ_K) ∝ e^{−2νt}``, fitted where that excess falls
        through :data:`RATE_WINDOW` of ``L(θ_0) − L(θ_K)``: the slope a run
        shows at its end (``nan`` without jumps).
    asymptotic_rate : float
        ``ν`` as ``t → ∞``: the smallest eigenvalue of the final NTK ``K/n``
        on the fitted data (seeds digest F14, §5.3).
    ntk_eigenvalues : ndarray
        Eigenvalues of ``K/n`` at ``θ_K`` on the fitted data, increasing.
    margin : float
        ``μ`` (spec §8; ``inf`` without competitors).
    competitors : tuple of Competitor
        Every competitor at every jump; :attr:`sharing` those below 5.
    label_scale : float
        The power of 4 ``c`` of :attr:`~limitproc.problem.Problem.label_scale`.
        For ``c ≠ 1`` every number is computed on the labels ``y / c`` at the
        scale ``λ/√c`` (:func:`~limitproc.scale.effective_log_inv_lambda`) and
        given back in the units of the labels (spec §3: times ``/c``, rates and
        norms ``×c``, losses ``×c²``); :attr:`offsets` stay in the scaled units.
    stability : StabilityLimit or None
        Gradient descent (``process.step = h > 0``): the stability limit of its
        path (``docs/gradient-descent.md`` §6); ``None`` for the flow.

    Gradient descent (a process of ``limit_process(problem, step=h)``): times
    are flow times ``t = h · step`` (:attr:`steps` gives them in steps), the
    linear phases grow at ``g(r) = ln(1 + h r)/h``, each jump crosses half its
    fit ``ψ(h r)/r`` after the flow's transit, and the residual's modes decay
    at ``−ln|1 − h ν|/h`` (``docs/gradient-descent.md`` §8).

    Examples
    --------
    Obtained from :func:`finite_lambda`; neuron 0 fits data 0 and 1 at
    ``τ_1 = 0.6``, neuron 1 datum 2 at ``τ_2 = 1.5`` (spec §3):

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> pred = finite_lambda(limit_process(p), 1e-8)
    >>> pred.times.round(4).tolist(), pred.jump_offsets.round(4).tolist()
    ([11.2661, 27.683], [0.2137, 0.052])
    >>> pred.sq_norms.tolist(), round(pred.rate, 4), round(pred.asymptotic_rate, 4)
    ([5.0, 2.0], 1.3327, 1.3333)
    >>> pred.resolved, pred.valid, pred.competitors
    (True, True, ())
    """

    process: Any = field(repr=False)
    offsets: Any = field(repr=False)
    log_inv_lam: float
    times: np.ndarray
    leading_times: np.ndarray
    sq_norms: np.ndarray = field(repr=False)
    asymptotic_rate: float
    ntk_eigenvalues: np.ndarray = field(repr=False)
    margin: float
    competitors: tuple = field(repr=False)
    label_scale: float = 1.0
    _scaled: Any = field(repr=False, default=None)
    _cache: dict = field(repr=False, default_factory=dict)
    progress: Any = field(repr=False, default=None, compare=False)
    stability: Any = field(repr=False, default=None)

    # -- gradient descent ----------------------------------------------------------------

    @property
    def step(self) -> float:
        """The flow-time step ``h`` of gradient descent (0 for the flow)."""
        return float(self.process.step)

    @property
    def steps(self) -> NDArray[np.float64] | None:
        """The corrected jump times in steps, ``t_k / h`` (``None`` for the flow)."""
        return None if not self.step else self.times / self.step

    @property
    def stable(self) -> bool:
        """Gradient descent: ``h`` below the stability limit (always ``True`` for the flow)."""
        return self.stability is None or self.stability.stable(self.step)

    # -- where the corrections hold (limitproc.finite.validity) --------------------------

    @property
    def status(self) -> tuple[JumpStatus, ...]:
        """Per jump, whether its corrected time holds
        (:class:`~limitproc.finite.validity.JumpStatus`; built on first use)."""
        if "status" not in self._cache:
            if self._scaled is not None:
                from dataclasses import replace

                c = self.label_scale
                self._cache["status"] = tuple(replace(st, earliest=st.earliest / c, latest=st.latest / c)
                                              for st in self._scaled.status)
            else:
                from .offsets import offset_bound
                from .validity import jump_status

                try:
                    bounds = offset_bound(self.process.problem, self.process)
                except (ValueError, ArithmeticError):
                    bounds = None
                self._cache["status"] = jump_status(self, bounds=bounds)
        return self._cache["status"]

    @property
    def valid(self) -> bool:
        """Every corrected time holds (:mod:`limitproc.finite.validity`)."""
        return all(st.valid for st in self.status)

    @property
    def reported_times(self) -> NDArray[np.float64]:
        """:attr:`times` where they hold, ``nan`` where they do not (:attr:`status`)."""
        out = np.array([t if st.valid else np.nan for t, st in zip(self.times, self.status)])
        out.flags.writeable = False
        return out

    @property
    def valid_until(self) -> float:
        """The loss curve is predicted up to this time: the earliest possible
        fit of the data of the first jump whose correction does not hold
        (``inf`` when all hold)."""
        bad = [st.earliest for st in self.status if not st.valid]
        return float(min(bad)) if bad else np.inf

    @property
    def shared_sq_norms(self) -> NDArray[np.float64]:
        """Final ``||w_j||²`` with the competitors' shares of the fits
        (:func:`~limitproc.finite.validity.shared_sq_norms`); :attr:`sq_norms`
        when no competitor holds a visible share."""
        if "shared" not in self._cache:
            if self._scaled is not None:
                self._cache["shared"] = self._scaled.shared_sq_norms * self.label_scale
            else:
                from .validity import shared_sq_norms

                self._cache["shared"] = shared_sq_norms(self)
        return self._cache["shared"]

    # -- the relaxation model, built on first use ----------------------------------------

    @property
    def _blocks(self):
        if "blocks" not in self._cache:
            blocks = ()
            if self.process.K and self.offsets._states is not None:
                blocks = loss_blocks(self.process, self.offsets, self.log_inv_lam, self.times, self.progress)
            self._cache["blocks"] = blocks
        return self._cache["blocks"]

    @property
    def rate(self) -> float:
        """``ν`` with ``L − L(θ_K) ∝ e^{−2νt}``, fitted where that excess falls
        through :data:`RATE_WINDOW` of ``L(θ_0) − L(θ_K)`` (``nan`` without jumps)."""
        if "rate" not in self._cache:
            self._cache["rate"] = (window_rate(self, RATE_WINDOW) if self._scaled is None
                                   else self.label_scale * self._scaled.rate)
        return self._cache["rate"]

    # -- scalars -------------------------------------------------------------------------

    @property
    def lam(self) -> float:
        """``λ`` (0.0 below the float range)."""
        return float(np.exp(-self.log_inv_lam))

    @property
    def effective_log_inv_lam(self) -> float:
        """``ln(1/λ) + ½ ln max |y_i|``: the log-scale the resolution is measured
        with (:func:`~limitproc.scale.effective_log_inv_lambda`)."""
        return effective_log_inv_lambda(self.log_inv_lam, self.process.problem.label_size)

    @property
    def jump_offsets(self) -> NDArray[np.float64]:
        """``C_k = t_k − τ_k ln(1/λ)`` (λ-free for labels of size 1 to 4)."""
        if self._scaled is None:
            return self.offsets.jump_offsets
        inner = self._scaled  # (t̂_k − τ̂_k ln(1/λ)) / c: finite where t_k and τ_k ln(1/λ) overflow
        with np.errstate(over="ignore", under="ignore"):
            return (inner.times - inner.process.times * self.log_inv_lam) / self.label_scale

    @property
    def out_of_range(self) -> tuple[str, ...]:
        """Outputs beyond float64 in the units of the labels (times of labels
        near 1e-320, losses of labels near 1e200): their names.  They are
        computed on the labels ``y / c`` (:attr:`label_scale`), where they are
        finite; the corresponding fields here are ``inf`` or 0."""
        if self._scaled is None:
            return ()
        inner = self._scaled
        pairs = (("time", self.times, inner.times), ("sq_norm", self.sq_norms, inner.sq_norms),
                 ("rate", self.ntk_eigenvalues, inner.ntk_eigenvalues),
                 ("loss", np.array([self.process.losses[0]]), np.array([inner.process.losses[0]])))
        tiny = np.finfo(float).tiny
        return tuple(kind for kind, mine, theirs in pairs
                     if np.any(~np.isfinite(mine) | ((np.abs(mine) < tiny) & (theirs != 0))))

    @property
    def accelerated_times(self) -> NDArray[np.float64]:
        """``t_k / ln(1/λ)``: the corrected jump times in accelerated time."""
        return self.times / self.log_inv_lam

    @property
    def margin_scale(self) -> float:
        """``μ ln(1/λ)`` (spec §8), with the effective ``ln(1/λ)``."""
        return self.margin * self.effective_log_inv_lam

    @property
    def resolved(self) -> bool:
        """``μ ln(1/λ) ≥ 5``: the limit (and these corrections) describe the run."""
        return bool(self.margin_scale >= RESOLUTION_CONSTANT)

    @property
    def largest_lambda(self) -> float:
        """``e^{−5/μ}``: the largest λ the limit describes (spec §8)."""
        return self.process.resolution_margin.largest_lambda()

    @property
    def sharing(self) -> tuple[Competitor, ...]:
        """The competitors with ``e ln(1/λ) < 5``: they share the fit."""
        return tuple(c for c in self.competitors if c.shares)

    @property
    def verdict(self) -> str:
        """One sentence on the resolution of this λ (spec §8), on the jumps
        whose corrections do not hold (:attr:`status`) and, for gradient
        descent, on the stability limit."""
        parts = [self._resolution_text()]
        bad = [st for st in self.status if not st.valid]
        if bad:
            parts.append("corrected times not predicted at this λ for jump" + ("s " if len(bad) > 1 else " ")
                         + ", ".join(str(st.k) for st in bad) + " (the first-order corrections do not hold: "
                         + bad[0].reason + "); intervals and the leading order are given instead, "
                         "or simulate the run (--simulate)")
        if self.stability is not None:
            parts.append(self.stability.statement(self.step))
        return "; ".join(parts)

    def _resolution_text(self):
        if self.resolved:
            return (f"resolved: μ ln(1/λ) = {self.margin_scale:.3g} ≥ {RESOLUTION_CONSTANT:g}; "
                    "the corrected times and curves describe the run")
        jumps = self.process.jumps
        who = "; ".join(
            f"at jump {c.jumps[0]} (neuron {jumps[c.jumps[0] - 1].neuron}) neuron {c.neuron}"
            + (f" (group {list(c.group)})" if len(c.group) > 1 else "")
            + f" with e ln(1/λ) = {c.scale:.3g}" for c in self.sharing
        )
        return (f"unresolved: μ ln(1/λ) = {self.margin_scale:.3g} < {RESOLUTION_CONSTANT:g} (λ > "
                f"{_lam_text(self.process.resolution_margin)}); these neurons share the fit: {who}")

    # -- curves --------------------------------------------------------------------------

    def predicted_loss_curve(
        self, num: int = 129, t_max: float | None = None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], str]:
        """``(t, L(t), note)``: :meth:`loss_curve` where it is predicted, i.e.
        before :attr:`valid_until` and before the first point where the
        first-order curve would rise (a loss curve never rises under the
        flow; at that λ the model then does not describe the run); ``note``
        says where and why it stops (empty when it does not).

        Parameters
        ----------
        num : int
            Number of points of :meth:`loss_curve` before the cut.
        t_max : float, optional
            Horizon (flow time); default as in :meth:`loss_curve`.

        Returns
        -------
        t, loss : ndarray
            The predicted part of the curve.
        note : str
            Where and why the curve stops (empty when it is predicted
            throughout).

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> pred = finite_lambda(limit_process(p), 1e-8)
        >>> t, loss, note = pred.predicted_loss_curve(5, t_max=30.0)
        >>> t.tolist(), loss.round(4).tolist(), note
        ([0.0, 7.5, 15.0, 22.5, 30.0], [4.8333, 4.8333, 0.6667, 0.6653, 0.0013], '')
        """
        t, loss = self.loss_curve(num, t_max)
        keep = t < self.valid_until
        note = "" if keep.all() else (f"not predicted from t = {self.valid_until:.4g} on (the earliest fit of the "
                                      "data of a jump whose correction does not hold)")
        # a rise is judged where the loss is finite: in the scaled units of labels far from 1
        ref, shape = (self, loss) if self._scaled is None else (self._scaled, self._scaled.loss(t * self.label_scale))
        drop = float(ref.process.losses[0] - ref.process.final.loss)
        rises = np.flatnonzero(np.diff(shape) > 1e-9 * max(drop, 1e-300))
        if rises.size and t[rises[0] + 1] < self.valid_until:
            keep &= t <= t[rises[0]]
            note = f"not predicted from t = {t[rises[0] + 1]:.4g} on (the first-order curve would rise there)"
        return t[keep], loss[keep], note

    def loss(self, t: ArrayLike) -> NDArray[np.float64]:
        """Predicted training loss ``L(t)`` (un-accelerated ``t``; seeds digest
        F12 with the relaxation of module docstring), same shape as ``t``.

        ``L(t) = L(θ_K) + Σ_blocks`` (excess of each fitted block,
        ``docs/finite-lambda.md`` §2), i.e. ``L(θ_K)`` plus :meth:`excess`.

        Parameters
        ----------
        t : float or array_like
            Flow times.

        Returns
        -------
        ndarray
            ``L(t)`` in spec §1 units, shape of ``t``.

        Examples
        --------
        The plateaus are ``L(θ_0) = 29/6``, ``L(θ_1) = 2/3`` and ``L(θ_2) = 0``;
        at each corrected jump time the loss is halfway down its drop:

        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> pred = finite_lambda(limit_process(p), 1e-8)
        >>> pred.loss(np.array([0.0, pred.times[1], 40.0])).round(4).tolist()
        [4.8333, 0.1667, 0.0]
        """
        return float(self.process.final.loss) + self.excess(t)

    def loss_curve(self, num: int = 512, t_max: float | None = None) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(t, L(t))`` on ``num`` points up to ``t_max`` (default: the
        default horizon of :func:`~limitproc.flow.simulate.simulate_flow`).

        The curve of :meth:`loss` (``docs/finite-lambda.md`` §2), also where
        it is not predicted (:meth:`predicted_loss_curve` cuts it there).

        Parameters
        ----------
        num : int
            Number of equally spaced points from ``t = 0``.
        t_max : float, optional
            Last time (flow time).

        Returns
        -------
        t, loss : ndarray, shape (num,)

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> t, loss = finite_lambda(limit_process(p), 1e-8).loss_curve(4, t_max=30.0)
        >>> t.tolist(), loss.round(4).tolist()
        ([0.0, 10.0, 20.0, 30.0], [4.8333, 4.7135, 0.6666, 0.0013])
        """
        if t_max is None:
            from ..flow.simulate import default_t_max

            if self._scaled is None:
                t_max = default_t_max(self.process, self.log_inv_lam)
            else:  # the scaled run's horizon, in the labels' units (inf where beyond float64)
                with np.errstate(over="ignore"):
                    t_max = default_t_max(self._scaled.process, self._scaled.log_inv_lam) / self.label_scale
        with np.errstate(invalid="ignore", over="ignore"):
            t = np.linspace(0.0, float(t_max), int(num))
            return t, self.loss(t)

    def excess(self, t: ArrayLike) -> NDArray[np.float64]:
        """``L(t) − L(θ_K)``, summed over the fitted blocks (no cancellation).

        Each block relaxes along the neural tangent kernel of its fitted
        neurons (``docs/finite-lambda.md`` §2, §3.1; seeds digest F12).

        Parameters
        ----------
        t : float or array_like
            Flow times.

        Returns
        -------
        ndarray
            The excess loss, shape of ``t``.

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> pred = finite_lambda(limit_process(p), 1e-8)
        >>> pred.excess(np.array([0.0, 20.0])).round(4).tolist()
        [4.8333, 0.6666]
        """
        t = np.asarray(t, dtype=float)
        if self._scaled is not None:
            c = self.label_scale
            with np.errstate(over="ignore", under="ignore"):
                return self._scaled.excess(t * c) * c * c
        out = np.zeros(t.shape)
        for block in self._blocks:
            out = out + block.loss(t)
        return out

    def slope(self, level: float) -> float:
        """``ν = −½ d ln(L − L(θ_K))/dt`` of the predicted curve where the excess
        first falls to ``level · (L(θ_0) − L(θ_K))`` after the last jump.

        The local rate of the curve (``docs/finite-lambda.md`` §3.2; seeds digest F14;
        :func:`~limitproc.finite.relaxation.local_slope`); ``nan`` without jumps.

        Parameters
        ----------
        level : float
            Fraction of the total drop, e.g. one of :data:`SLOPE_LEVELS`.

        Returns
        -------
        float

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> round(finite_lambda(limit_process(p), 1e-8).slope(1e-6), 4)
        1.3297
        """
        if self._scaled is not None:
            return self.label_scale * self._scaled.slope(level)
        return local_slope(self, level)

    # -- output --------------------------------------------------------------------------

    def to_dict(self):
        """JSON-safe dict with a schema version (non-finite numbers as ``None``).

        The ``"limitproc.finite_lambda"`` schema of ``docs/json-schema.md``
        (``finite_lambda``).

        Returns
        -------
        dict

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> d = finite_lambda(limit_process(p), 1e-8).to_dict()
        >>> d["schema"], d["resolved"], [round(j["t"], 4) for j in d["jumps"]]
        ('limitproc.finite_lambda', True, [11.2661, 27.683])
        """
        p = self.process
        curve_t, curve_loss, curve_note = self.predicted_loss_curve(129)
        status = self.status
        steps = self.steps
        h = self.step
        return {
            "schema": "limitproc.finite_lambda",
            "schema_version": SCHEMA_VERSION,
            "log_inv_lam": json_number(self.log_inv_lam),
            "label_scale": json_number(self.label_scale),
            "effective_log_inv_lam": json_number(self.effective_log_inv_lam),
            "lam": json_number(self.lam),
            "margin": json_number(self.margin),
            "margin_scale": json_number(self.margin_scale),
            "resolved": self.resolved,
            "largest_lambda": json_number(self.largest_lambda),
            "log10_largest_lambda": json_number(p.resolution_margin.log10_largest_lambda()),
            "verdict": self.verdict,
            "valid": self.valid,
            "gradient_descent": bool(h),
            "step": json_number(h),
            "stability": None if self.stability is None else self.stability.to_dict(h),
            "jumps": [
                {"k": s.k, "neuron": int(s.neuron), "group": [int(g) for g in (s.group or (s.neuron,))],
                 "tau": json_number(float(s.tau)), "t_leading": json_number(self.leading_times[i]),
                 "offset": json_number(self.jump_offsets[i]),
                 "t": json_number(self.times[i]) if status[i].valid else None,
                 "step_index": None if not h or not status[i].valid else json_number(steps[i]),
                 "step_index_leading": None if not h else json_number(self.leading_times[i] / h),
                 "valid": status[i].valid, "reason": status[i].reason,
                 "interval": None if status[i].valid else [json_number(status[i].earliest), json_number(status[i].latest)],
                 "earliest": json_number(status[i].earliest), "depends_on": list(status[i].depends)}
                for i, s in enumerate(p.jumps)
            ],
            "sq_norms": [json_number(v) for v in self.sq_norms],
            "shared_sq_norms": [json_number(v) for v in self.shared_sq_norms],
            "rate": json_number(self.rate),
            "rate_window": list(RATE_WINDOW),
            "slopes": [{"level": level, "rate": json_number(self.slope(level))} for level in SLOPE_LEVELS],
            "asymptotic_rate": json_number(self.asymptotic_rate),
            "ntk_eigenvalues": [json_number(v) for v in self.ntk_eigenvalues],
            "competitors": [
                {"k": c.k, "jumps": list(c.jumps), "neuron": c.neuron, "group": list(c.group),
                 "exponent": json_number(c.exponent), "scale": json_number(c.scale), "gap": json_number(c.gap), "shares": c.shares,
                 "fit_share": json_number(c.fit_share)}
                for c in self.competitors
            ],
            "offsets": self.offsets.to_dict(),
            "loss_curve": {"t": [json_number(v) for v in curve_t], "loss": [json_number(v) for v in curve_loss],
                           "valid_until": json_number(self.valid_until), "note": curve_note},
        }

    def table(self, simulated=None):
        """A :class:`~limitproc.tables.DataTable`: one row per jump, with a
        legend, the resolution verdict and the rate after the last jump;
        with a :class:`~limitproc.finite.simulated.SimulatedRun`, its measured
        times and norms side by side ("simulated" columns).

        The columns follow ``docs/finite-lambda.md`` §1 (offsets ``C_k``) and
        §4 (intervals where a correction does not hold).

        Parameters
        ----------
        simulated : SimulatedRun, optional
            A run of :func:`~limitproc.finite.simulated.simulate_prediction`
            to compare with.

        Returns
        -------
        DataTable

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
        >>> table = finite_lambda(limit_process(p), 1e-8).table()
        >>> table.rows
        (('1', '0', '0.6', '11.0524', '+0.2137', '11.2661', '5'), ('2', '1', '1.5', '27.631', '+0.052', '27.683', '2'))
        """
        from ..tables import Column, DataTable

        gd = bool(self.step)
        columns = [
            Column("k", meaning="jump index (spec §3)"),
            Column("neuron", meaning="the jumping neuron, or its group of equal mask columns"),
            Column("τ_k", meaning="accelerated jump time of the limit process"
                                  + (" of gradient descent (docs/gradient-descent.md §3)" if gd else "")),
            Column("τ_k ln(1/λ)", meaning="leading-order time (flow time)"),
            Column("offset C_k", meaning="λ-free correction t_k − τ_k ln(1/λ) (docs/finite-lambda.md §1)"),
            Column("t_k corrected", meaning="predicted half-fit time of the jump, τ_k ln(1/λ) + C_k (flow time); "
                                            "'—' where the correction does not hold, with the interval "
                                            "(earliest, latest) of docs/finite-lambda.md §4, printed in brackets"),
        ]
        if gd:
            columns.append(Column("step", meaning="t_k corrected / h: the gradient-descent step of the half-fit"))
        columns.append(Column("||w||² after", meaning="squared norm of each group member once the jump has fitted its "
                                                      "data (groups split by their offsets, seeds digest F8; with the "
                                                      "competitors' shares where they hold a visible part)"))
        if simulated is not None:
            columns.append(Column("t_k simulated", meaning=f"half-fit time measured on the simulated {simulated.kind}"))
            if gd:
                columns.append(Column("step simulated", meaning="the simulated half-fit time / h"))
            columns.append(Column("||w||² simulated", meaning="squared norm at the end of the simulation"))
        rows = []
        status = self.status
        norms = self.shared_sq_norms
        for i, s in enumerate(self.process.jumps):
            group = list(s.group or (s.neuron,))
            if status[i].valid:
                t_text = f"{self.times[i]:.6g}"
                step_text = f"{self.times[i] / self.step:.6g}" if gd else None
            else:
                t_text = f"— [{status[i].earliest:.4g}, {status[i].latest:.4g}]"
                step_text = f"— [{status[i].earliest / self.step:.4g}, {status[i].latest / self.step:.4g}]" if gd else None
            norm_text = ("\n".join(f"{norms[g]:.4g}" for g in group) if len(group) <= 4
                         else f"{norms[group].sum():.4g} (sum of {len(group)})")
            row = [str(s.k), ", ".join(map(str, group)) if len(group) <= 4 else f"{group[0]} (+{len(group) - 1})",
                   f"{float(s.tau):.6g}", f"{self.leading_times[i]:.6g}", f"{self.jump_offsets[i]:+.4g}", t_text]
            if gd:
                row.append(step_text)
            row.append(norm_text)
            if simulated is not None:
                t_sim = simulated.times[i]
                row.append("—" if not np.isfinite(t_sim) else f"{t_sim:.6g}")
                if gd:
                    row.append("—" if not np.isfinite(t_sim) else f"{t_sim / self.step:.6g}")
                sim_norms = simulated.sq_norms
                row.append("\n".join(f"{sim_norms[g]:.4g}" for g in group) if len(group) <= 4
                           else f"{sim_norms[group].sum():.4g} (sum of {len(group)})")
            rows.append(tuple(row))
        style = "green" if self.resolved and self.valid and self.stable else "yellow"
        eig = ", ".join(f"{v:.4g}" for v in self.ntk_eigenvalues[:4])
        kind = "per unit flow time, −ln|1 − hν|/h for gradient descent" if gd else "the flow"
        notes = [
            f"[{style}]{self.verdict}[/]",
            f"rate after the last jump: L − L(θ_K) ∝ e^(−2νt), ν = {self.rate:.4g} (fitted from {RATE_WINDOW[0]:g} to "
            f"{RATE_WINDOW[1]:g} of the drop), asymptotically ν = {self.asymptotic_rate:.4g} ({kind}); eigenvalues of "
            f"the neural tangent kernel over n at θ_K: {eig}" + (" …" if self.ntk_eigenvalues.size > 4 else ""),
        ]
        sharing = [c for c in self.competitors if c.fit_share >= 0.01]
        if sharing:
            notes.append("competitors holding a visible share of a fit: " + "; ".join(
                f"neuron {c.neuron} at jump {c.jumps[0]}: {c.fit_share:.0%} (gap {c.gap:.3g})" for c in sharing[:8])
                + (" …" if len(sharing) > 8 else ""))
        if simulated is not None:
            notes.append(simulated.summary())
        if self.out_of_range:
            notes.append(f"[yellow]beyond float64 in the labels' units: {', '.join(self.out_of_range)} (computed on the "
                         f"labels / {self.label_scale:.3g}, where they are finite)[/]")
        what = f"gradient descent, h = {self.step:.4g}" if gd else "gradient flow"
        title = (f"Finite-λ predictions ({what}), λ = {lambda_label(self.log_inv_lam)} "
                 f"(μ = {self.margin:.4g}, μ ln(1/λ) = {self.margin_scale:.3g})")
        return DataTable(title, tuple(columns), tuple(rows), tuple(notes))

    def _repr_html_(self):
        return self.table()._repr_html_()

    def __rich__(self):
        return self.table()

    def __str__(self):
        lines = [f"Finite-λ predictions at λ = {lambda_label(self.log_inv_lam)}: {self.verdict}"]
        for i, s in enumerate(self.process.jumps):
            if not self.status[i].valid:
                st = self.status[i]
                lines.append(f"  jump {s.k} (neuron {s.neuron}): not predicted at this λ, t in [{st.earliest:.6g}, "
                             f"{st.latest:.6g}] (τ ln(1/λ) = {self.leading_times[i]:.6g})")
                continue
            lines.append(f"  jump {s.k} (neuron {s.neuron}): t = {self.times[i]:.6g} "
                         f"(τ ln(1/λ) = {self.leading_times[i]:.6g}, offset {self.jump_offsets[i]:+.4g})")
        lines.append(f"  rate ν = {self.rate:.4g} (asymptotic {self.asymptotic_rate:.4g})")
        return "\n".join(lines)

    def __repr__(self):
        times = ", ".join(f"{t:.4g}" for t in self.times)
        rate = f", rate={self._cache['rate']:.4g}" if "rate" in self._cache else ""  # the model is built lazily
        return (f"FiniteLambdaPrediction(λ={lambda_label(self.log_inv_lam)}, times=[{times}]{rate}, "
                f"μ ln(1/λ)={self.margin_scale:.3g}, {'resolved' if self.resolved else 'unresolved'})")


def decay_rates(ntk: ArrayLike, step: float = 0.0) -> NDArray[np.float64]:
    """Decay rate per unit flow time of the residual along each NTK eigenvalue
    ``ν``: ``ν`` for the flow, ``−ln|1 − h ν|/h`` for gradient descent with
    step ``h`` (``docs/gradient-descent.md`` §8; a mode alternates in sign when
    ``h ν > 1`` and grows when ``h ν > 2``).

    >>> decay_rates(np.array([0.5, 2.0]), 0.0).tolist(), decay_rates(np.array([0.5]), 1.0).round(6).tolist()
    ([0.5, 2.0], [0.693147])
    """
    ntk = np.asarray(ntk, dtype=float)
    if not step:
        return ntk
    with np.errstate(divide="ignore"):
        return -np.log(np.abs(1.0 - step * ntk)) / step


def _lam_text(margin):
    """The largest resolved λ of spec §8, readable even below the float range."""
    exponent = margin.log10_largest_lambda()
    if not np.isfinite(exponent):
        return "0"
    return f"{10.0 ** exponent:.2g}" if exponent > -300 else f"1e{exponent:.4g}"


def finite_lambda(
    process: Any,
    lam: float | None = None,
    *,
    log_inv_lam: float | None = None,
    unit_init: bool = False,
    offsets: LogNormOffsets | None = None,
    progress: Callable[[str, int, int], object] | None = None,
) -> FiniteLambdaPrediction:
    """Predictions of the limit process at a finite initialization scale ``λ``
    (module docstring; ``docs/finite-lambda.md``; seeds digest F8, F11, F12,
    F14; spec §8).

    Parameters
    ----------
    process : LimitProcess or Problem
        The limit process (computed with :func:`limit_process` from a
        problem); ``limit_process(problem, step=h)`` for gradient descent with
        flow-time step ``h`` (``docs/gradient-descent.md`` §8).
    lam : float, optional
        ``0 < λ < 1``.
    log_inv_lam : float, optional
        ``ln(1/λ)`` instead, for scales below the float range.
    unit_init : bool
        As in :func:`~limitproc.flow.simulate.simulate_flow`: ``w_j(0) = λ z_j``
        instead of ``λ W0_j``.
    offsets : LogNormOffsets, optional
        Precomputed :func:`log_norm_offsets` (they do not depend on ``λ``).
    progress : callable, optional
        Called as ``progress(stage, done, total)``: ``"offsets"`` after each
        cluster of simultaneous jumps (here), ``"relaxation"`` after each
        fitted block when the loss model is first needed (:attr:`~FiniteLambdaPrediction.rate`,
        :meth:`~FiniteLambdaPrediction.loss`, ``to_dict``, the table: the longer part,
        about a second per block of a few hundred data).

    Returns
    -------
    FiniteLambdaPrediction

    Examples
    --------
    One neuron fits two data at ``τ = 0.4`` (spec §3); at ``λ = 1e-8`` the
    half-fit time is ``0.4 ln(1e8) + 0.1853`` (the flow gives ``0.185273``,
    :func:`limitproc.flow.validation.validate`), then the loss decays at ``ν = 2.5``
    (``r`` along the two data orthogonal to the labels, ``2r`` along them):

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])
    >>> pred = finite_lambda(limit_process(p), 1e-8)
    >>> round(float(pred.times[0]), 4), round(float(pred.jump_offsets[0]), 6)
    (7.5534, 0.185273)
    >>> round(pred.rate, 3), pred.asymptotic_rate, pred.resolved
    (5.0, 2.5, True)
    """
    from ..process.algorithm1 import limit_process

    if not hasattr(process, "saddles"):
        process = limit_process(process)
    L = log_inv_lambda(lam, log_inv_lam)
    c = process.label_scale
    if c != 1.0:
        return _in_label_units(process, L, unit_init, None if offsets is None or offsets.process is process else offsets,
                               progress)
    if offsets is None:
        offsets = log_norm_offsets(process, unit_init=unit_init, progress=progress)
    elif offsets.process is not process:
        raise ValueError("offsets were computed for another limit process")
    mask = process.mask
    taus = process.times
    times = taus * L + offsets.jump_offsets
    leading = taus * L
    margin = float(process.resolution_margin.value)

    resolution = effective_log_inv_lambda(L, process.problem.label_size)  # spec §8's ln(1/λ), labels of size 1
    competitors = tuple(
        Competitor(step.k, step.jumps, step.neuron, tuple(int(g) for g in group_members(mask, step.neuron)),
                   step.exponent, step.exponent * resolution, step.exponent * L + step.lead)
        for step in offsets.realignments
    )

    blocks_K = ntk_blocks(process)
    eigen = [np.linalg.eigvalsh(Kb) for Kb in blocks_K]
    ntk = np.sort(np.concatenate(eigen)) if eigen else np.empty(0)
    asymptotic = float(np.min(decay_rates(ntk, process.step))) if ntk.size else np.nan

    stability = None
    if process.step:
        from .stability import stability_limit

        stability = stability_limit(process)
    prediction = FiniteLambdaPrediction(process, offsets, L, times, leading, offsets.shares.copy(), asymptotic,
                                        ntk, margin, competitors, progress=progress, stability=stability)
    for arr in (times, leading, ntk):
        arr.flags.writeable = False
    return prediction


def _in_label_units(process, L, unit_init, offsets, progress=None):
    """:func:`finite_lambda` of a process whose labels are scaled by ``c ≠ 1``:
    computed on the labels ``y / c`` at ``ln(1/λ) + ½ ln c`` and given back in
    the units of the labels (class docstring of :class:`FiniteLambdaPrediction`)."""
    from ..process.algorithm1 import limit_process

    c = process.label_scale
    effective = effective_log_inv_lambda(L, c)
    if not effective > 0:
        raise InputError(
            f"λ = {lambda_label(L)} is not small against labels of size {process.problem.label_norm() :.3g}: "
            f"ln(1/λ) + ½ ln c = {effective:.4g} ≤ 0 (labels c·ŷ at λ are labels ŷ at λ/√c, spec §1, §3), "
            "so the limit process does not describe the run"
        )
    scaled_process = limit_process(process.problem.rescaled(), exact=process.backend == "exact",
                                   ties="first" if process.ties else "raise", step=process.step * c or None)
    inner = finite_lambda(scaled_process, log_inv_lam=effective, unit_init=unit_init, offsets=offsets,
                          progress=progress)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        fields = dict(times=inner.times / c, sq_norms=inner.sq_norms * c, asymptotic_rate=inner.asymptotic_rate * c,
                      ntk_eigenvalues=inner.ntk_eigenvalues * c)
        leading = process.times * L
    for name in ("times", "sq_norms", "ntk_eigenvalues"):
        fields[name].flags.writeable = False
    leading.flags.writeable = False
    stability = None
    if inner.stability is not None:
        from dataclasses import replace

        limit = inner.stability
        stability = replace(limit, step_max=limit.step_max / c, sign_step=limit.sign_step / c,
                            ntk_max=tuple(v * c for v in limit.ntk_max), waiting_max=tuple(v * c for v in limit.waiting_max))
    return FiniteLambdaPrediction(process, inner.offsets, L, leading_times=leading, margin=inner.margin,
                                  competitors=inner.competitors, label_scale=c, _scaled=inner, stability=stability,
                                  **fields)

