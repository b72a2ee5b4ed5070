r"""Seed 000's phases, constants and bounds evaluated on a problem (Boursier,
Pillaud-Vivien, Flammarion, NeurIPS 2022; spec §4).

Seed 000 studies the two-phase case (its Assumption 3: some positive neuron
is active on every positive datum, ``S_{+,1} ≠ ∅``, and some negative neuron
on every negative datum, ``S_{−,1} ≠ ∅``) and assumes without loss of
generality ``||D_+|| > ||D_−||``, ``r = ||D_+||/||D_−|| > 1`` (App. B.2).
Here the paper's ``+`` is **the label sign with the larger** ``||D||``:
:attr:`DataConstants.first_sign` says which one (``−1`` means the paper's
formulas apply to ``−y`` with the output signs flipped, which maps the flow
onto itself).

* :func:`data_constants`: ``||D_±||``, ``r``, ``c``, ``c̲`` (§4.1, Lemma 9)
  and the ``α``, ``β`` of App. B.2, printed and corrected;
* :func:`admissible_epsilon_printed`, :func:`admissible_epsilon_corrected`:
  the largest ``ε`` of App. B.2 (the printed ``α``, ``β`` miss a factor
  ``n²``: seeds digest §1.3);
* :func:`phase_timeline`: the times of Figure 1 (Lemmas 2–4, 7, 8 and
  Fact 1) as functions of ``λ`` and ``ε``;
* :func:`phase_bounds`: the inequalities of Lemmas 2–4, 7–9, Fact 1 and
  Lemmas 5, 12 evaluated at ``(λ, ε)``;
* :func:`lemma14_bound`, :func:`lemma15_constant`: the PL constants;
* :func:`limit_point`: Lemma 12's ``θ*`` from the λ-free ODE (28);
* :func:`stable_rank`, :func:`min_norm_stable_rank`: ``||W||_F²/||W||_2²``
  and its value ``1 + 1/r`` at the minimum-norm interpolator (seeds digest
  §1.4, derived).

One module although past 600 lines: seed 000's phases, constants and bounds read better in the order of
the paper's proof (about 300 lines of code; the rest is numpydoc and examples).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError
from ..process import Mask, label_norms, two_phase

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from ..problem.problem import Problem

__all__ = [
    "AdmissibleEpsilon",
    "DataConstants",
    "LimitPoint",
    "PhaseBounds",
    "PhaseTimeline",
    "admissible_epsilon_corrected",
    "admissible_epsilon_printed",
    "data_constants",
    "lemma14_bound",
    "lemma15_constant",
    "limit_point",
    "min_norm_stable_rank",
    "phase_bounds",
    "phase_timeline",
    "stable_rank",
]


@dataclass(frozen=True)
class DataConstants:
    """Seed 000's constants of a problem, oriented so that ``r > 1``.

    Attributes
    ----------
    first_sign : int
        The label sign the paper calls ``+`` (the larger ``||D||``, fitted
        first, spec §4).
    D_plus, D_minus : float
        The paper's ``||D_+||`` and ``||D_−||`` after orientation
        (``D_± = (1/n) Σ_{±y_k > 0} y_k x_k``, §4.1).
    r : float
        ``||D_+|| / ||D_−|| > 1``.
    c, c_low : float
        ``max_j ||w_j^0||/λ`` and ``min_j ||w_j^0||/λ`` (§4.1, Lemma 9): the
        largest and smallest ``||W0_j||`` of the problem (``w_j(0) = λ W0_j``).
    alpha, beta : float
        App. B.2 corrected: ``min_k y_k² / (2 Σ y²)`` over the ``+`` (``−``)
        data, i.e. ``y_k²/(2 n² ||D_±||²)`` (seeds digest §1.3).
    alpha_printed, beta_printed : float
        As printed: ``min_k y_k² / (2 ||D_±||²)`` (may exceed 1).
    neurons_plus, neurons_minus : tuple of int
        ``S_{+,1}``, ``S_{−,1}`` (eqs. 5–6) after orientation.
    n : int
    """

    first_sign: int
    D_plus: float
    D_minus: float
    r: float
    c: float
    c_low: float
    alpha: float
    beta: float
    alpha_printed: float
    beta_printed: float
    neurons_plus: tuple[int, ...]
    neurons_minus: tuple[int, ...]
    n: int

    @property
    def assumption3(self) -> bool:
        """Seed 000 Assumption 3: ``S_{+,1}`` and ``S_{−,1}`` are non-empty."""
        return bool(self.neurons_plus) and bool(self.neurons_minus)


def data_constants(problem: Problem) -> DataConstants:
    """The constants of seed 000 §4.1 and App. B.2 for a problem.

    Raises :class:`~limitproc.errors.InputError` unless both label signs are
    present with ``||D_+|| ≠ ||D_−||`` (seed 000 Assumption 2).

    Parameters
    ----------
    problem : Problem

    Returns
    -------
    DataConstants

    Raises
    ------
    InputError
        Labels of one sign only, or ``||D_+|| = ||D_−||`` (seed 000
        Assumption 2).

    Examples
    --------
    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -2.0, -1.0], [[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1]], signs=[1, 1, -1])
    >>> k = data_constants(p)
    >>> k.first_sign, k.D_plus, round(k.D_minus, 6), round(k.r, 6)
    (1, 1.25, 0.559017, 2.236068)
    >>> k.alpha, k.alpha_printed, k.beta, k.neurons_plus, k.neurons_minus
    (0.18, 2.88, 0.1, (0,), (2,))
    """
    n = problem.n
    plus, minus = (float(v) for v in label_norms(problem))
    if plus == 0 or minus == 0:
        raise InputError("seed 000's phases need labels of both signs (||D_+|| > 0 and ||D_−|| > 0)")
    if plus == minus:
        raise InputError("seed 000 Assumption 2 fails: Σ_{y>0} y² = Σ_{y<0} y² (||D_+|| = ||D_−||)")
    tp = two_phase(problem, Mask(problem))
    first = 1 if plus > minus else -1
    big, small = max(plus, minus) / n, min(plus, minus) / n
    y = np.asarray(problem.y, dtype=float)
    y_first, y_second = y[first * y > 0], y[first * y < 0]
    alpha = float((y_first**2).min() / (2 * (y_first**2).sum()))
    beta = float((y_second**2).min() / (2 * (y_second**2).sum()))
    S_plus, S_minus = (tp.neurons_plus, tp.neurons_minus) if first == 1 else (tp.neurons_minus, tp.neurons_plus)
    norms = np.asarray(problem.init_norms, dtype=float)
    return DataConstants(
        first_sign=first, D_plus=big, D_minus=small, r=big / small, c=float(norms.max()), c_low=float(norms.min()),
        alpha=alpha, beta=beta, alpha_printed=alpha * n * n, beta_printed=beta * n * n,
        neurons_plus=tuple(S_plus), neurons_minus=tuple(S_minus), n=n,
    )


@dataclass(frozen=True)
class AdmissibleEpsilon:
    """The largest ``ε`` allowed by seed 000 App. B.2.

    The conditions are
    ``(1 + 3ε) max(1 − α, 1/r) ≤ 1 − ε`` and ``(1 + 3rε)(1 − β) ≤ 1 − ε``,
    i.e. (derived, seeds digest §1.3) ``ε ≤ (1 − M)/(1 + 3M)`` with
    ``M = max(1 − α, 1/r)``, and ``ε ≤ β/(1 + 3r(1 − β))`` (no constraint
    when ``1 + 3r(1 − β) ≤ 0``, possible with the printed ``β``).

    Attributes
    ----------
    value : float
        ``min(first, second)``.
    first, second : float
        The bounds from the two conditions (``inf`` when a condition holds
        for every ``ε > 0``).
    alpha, beta : float
        The ``α``, ``β`` used.
    version : {"printed", "corrected"}
    binding : str
        Which term sets ``value``: ``"1 − α"``, ``"1/r"`` or ``"β"``.
    """

    value: float
    first: float
    second: float
    alpha: float
    beta: float
    version: str
    binding: str


def _admissible(constants: DataConstants, alpha: float, beta: float, version: str) -> AdmissibleEpsilon:
    r = constants.r
    M = max(1.0 - alpha, 1.0 / r)
    first = (1.0 - M) / (1.0 + 3.0 * M)
    coefficient = 1.0 + 3.0 * r * (1.0 - beta)
    second = beta / coefficient if coefficient > 0 else math.inf
    if first <= second:
        binding = "1 − α" if 1.0 - alpha >= 1.0 / r else "1/r"
    else:
        binding = "β"
    return AdmissibleEpsilon(min(first, second), first, second, alpha, beta, version, binding)


def admissible_epsilon_corrected(problem: Problem) -> AdmissibleEpsilon:
    """Seed 000 App. B.2's largest ``ε`` with ``α = min y_k²/(2 n² ||D_+||²)``
    (the proof of Lemma 10 needs ``(1/n) sqrt(Σ_{k ≠ k_j, y_k > 0} y_k²) ≤
    (1 − α) ||D_+||``; seeds digest §1.3), likewise ``β``.

    Parameters
    ----------
    problem : Problem

    Returns
    -------
    AdmissibleEpsilon

    Raises
    ------
    InputError
        Labels of one sign only, or ``||D_+|| = ||D_−||`` (seed 000
        Assumption 2).

    Examples
    --------
    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -2.0, -1.0], [[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1]], signs=[1, 1, -1])
    >>> e = admissible_epsilon_corrected(p)
    >>> round(e.value, 6), e.binding
    (0.01421, 'β')
    """
    k = data_constants(problem)
    return _admissible(k, k.alpha, k.beta, "corrected")


def admissible_epsilon_printed(problem: Problem) -> AdmissibleEpsilon:
    """Seed 000 App. B.2's largest ``ε`` with ``α``, ``β`` as printed
    (``min y_k²/(2 ||D_±||²)``, missing ``n²``; kept to show the typo's effect).

    Parameters
    ----------
    problem : Problem

    Returns
    -------
    AdmissibleEpsilon

    Raises
    ------
    InputError
        Labels of one sign only, or ``||D_+|| = ||D_−||`` (seed 000
        Assumption 2).

    Examples
    --------
    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -2.0, -1.0], [[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1]], signs=[1, 1, -1])
    >>> e = admissible_epsilon_printed(p)
    >>> round(e.value, 6), e.binding, e.second
    (0.236068, '1/r', inf)
    """
    k = data_constants(problem)
    return _admissible(k, k.alpha_printed, k.beta_printed, "printed")


def _log_inv(lam: float | None, log_inv_lam: float | None) -> float:
    from ..scale import log_inv_lambda

    return log_inv_lambda(lam, log_inv_lam)


def _check_eps(eps: float) -> float:
    eps = float(eps)
    if not 0 < eps < 1:
        raise InputError(f"ε must be in (0, 1), got {eps}")
    return eps


@dataclass(frozen=True)
class PhaseTimeline:
    """The times of seed 000 Figure 1 at ``(λ, ε)`` (un-accelerated, ``L = ln(1/λ)``).

    Attributes
    ----------
    log_inv_lam, eps : float
    t_plus1 : float
        ``εL/||D_+||`` (eq. 12): end of the alignment of ``S_{+,1}`` (Lemma 7).
    t1 : float
        ``εL/||D_−||`` (Lemma 2; ``= t_{−1} = εrL/||D_+||``, eq. 15, Lemma 8).
    t2_bound : float
        ``(1 + 3ε)L/||D_+||``: Lemma 3 holds at some ``t_2`` below it.
    saddle_window : tuple of float
        ``[(1 + 3ε)L/||D_+||, (1 − ε)L/||D_−||]``: Fact 1 (empty when the
        first exceeds the second).
    t3_bound : float
        ``(1 + 3rε)L/||D_−||``: Lemma 4 holds at some ``t_3`` below it.
    jumps : tuple of float
        ``L/||D_+||`` and ``L/||D_−||``: the two jumps of the limit process
        (spec §4), the ``ε → 0`` limit of the bounds.
    """

    log_inv_lam: float
    eps: float
    t_plus1: float
    t1: float
    t2_bound: float
    saddle_window: tuple[float, float]
    t3_bound: float
    jumps: tuple[float, float]

    def rows(self) -> list[tuple[str, float, str]]:
        """``(name, time, source)`` in time order, for tables and plots.

        Returns
        -------
        list of (str, float, str)

        Examples
        --------
        >>> from limitproc import Problem
        >>> p = Problem([3.0, 4.0, -2.0, -1.0], [[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1]], signs=[1, 1, -1])
        >>> [(name, round(t, 2)) for name, t, _ in phase_timeline(p, eps=0.02, log_inv_lam=100.0).rows()[:3]]
        [('t₊₁ alignment of S₊,₁ ends', 1.6), ('t₁ first phase ends', 3.58), ('first jump L/‖D₊‖', 80.0)]
        """
        start, end = self.saddle_window
        return [
            ("t₊₁ alignment of S₊,₁ ends", self.t_plus1, "Lemma 7, eq. (12)"),
            ("t₁ first phase ends", self.t1, "Lemma 2 (Lemma 8, eq. (15))"),
            ("first jump L/‖D₊‖", self.jumps[0], "spec §4 (limit of the bounds)"),
            ("t₂ ≤ (1+3ε)L/‖D₊‖", self.t2_bound, "Lemma 3"),
            ("saddle window start", start, "Fact 1"),
            ("saddle window end (1−ε)L/‖D₋‖", end, "Fact 1"),
            ("second jump L/‖D₋‖", self.jumps[1], "spec §4 (limit of the bounds)"),
            ("t₃ ≤ (1+3rε)L/‖D₋‖", self.t3_bound, "Lemma 4"),
        ]


def phase_timeline(
    problem: Problem, lam: float | None = None, eps: float | None = None, *, log_inv_lam: float | None = None
) -> PhaseTimeline:
    """The phase times of seed 000 Figure 1 (Lemmas 2–4, 7–8, Fact 1).

    Parameters
    ----------
    problem : Problem
    lam : float, optional
        ``λ`` (or ``log_inv_lam = ln(1/λ)``).
    eps : float
        The ``ε`` of App. B.2 (see :func:`admissible_epsilon_corrected`).
    log_inv_lam : float, optional
        ``ln(1/λ)`` instead of ``lam``.

    Returns
    -------
    PhaseTimeline

    Raises
    ------
    InputError
        No ``ε``, ``ε`` outside ``(0, 1)``, or a problem
        :func:`data_constants` refuses.
    ArgumentError
        ``lam``/``log_inv_lam`` missing or out of range.

    Examples
    --------
    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -2.0, -1.0], [[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1]], signs=[1, 1, -1])
    >>> tl = phase_timeline(p, eps=0.02, log_inv_lam=100.0)
    >>> round(tl.t1, 4), round(tl.t2_bound, 4), [round(t, 4) for t in tl.saddle_window], round(tl.t3_bound, 4)
    (3.5777, 84.8, [84.8, 175.3077], 202.8854)
    """
    if eps is None:
        raise InputError("give ε (e.g. admissible_epsilon_corrected(problem).value / 2)")
    eps = _check_eps(eps)
    L = _log_inv(lam, log_inv_lam)
    k = data_constants(problem)
    return PhaseTimeline(
        log_inv_lam=L, eps=eps,
        t_plus1=eps * L / k.D_plus,
        t1=eps * L / k.D_minus,
        t2_bound=(1 + 3 * eps) * L / k.D_plus,
        saddle_window=((1 + 3 * eps) * L / k.D_plus, (1 - eps) * L / k.D_minus),
        t3_bound=(1 + 3 * k.r * eps) * L / k.D_minus,
        jumps=(L / k.D_plus, L / k.D_minus),
    )


@dataclass(frozen=True)
class PhaseBounds:
    """The inequalities of seed 000's lemmas evaluated at ``(λ, ε)`` on a problem.

    Cosines are ``<w̄_j, D>/||D||`` (``w̄_j = w_j/||w_j||``); squared norms
    ``u_± = Σ_{j ∈ S_{±,1}} ||w_j||²``.  Each holds "for λ ≤ λ*", a constant
    the paper does not make explicit.

    Attributes
    ----------
    timeline : PhaseTimeline
    lemma7_norm_max : float
        ``2cλ^{1−ε}``: every ``||w_j||`` at ``t_{+1}`` (Lemma 7(i)).
    lemma7_cos_min : float
        ``1 − 2λ^ε``: ``S_{+,1}`` cosines with ``D_+`` at ``t_{+1}`` (Lemma 7(ii)).
    lemma2_norm_max : float
        ``2cλ^{1−rε}``: every ``||w_j||`` at ``t_1`` (Lemma 2(iii), Lemma 8(i)).
    lemma2_cos_min : float
        ``1 − 2λ^ε``: ``S_{+,1}`` with ``D_+`` and ``S_{−,1}`` with ``−D_−`` at
        ``t_1`` (Lemma 2(i)–(ii)).
    lemma9_plus_norm_min, lemma9_minus_norm_min : float
        ``c̲λ^{1+ε}/2`` on ``[0, t_{+1}]`` for ``S_{+,1}``, ``c̲λ^{1+rε}/2`` on
        ``[0, t_1]`` for ``S_{−,1}`` (Lemma 9).
    lemma3_cos_min : float
        ``1 − λ^{ε/5}/||D_+||`` at ``t_2`` (Lemma 3(i); 004 prints ``ε/2``).
    lemma3_u_plus : float
        ``n||D_+|| − λ^{ε/5}`` at ``t_2`` (Lemma 3(ii)).
    lemma3_others_norm_max : float
        ``2cλ^ε``: every neuron outside ``S_{+,1}`` at ``t_2`` (Lemma 3(iii)).
    fact1_distance : float
        ``λ^{ε/5}``: ``||θ^t − θ_S||`` on the saddle window (Fact 1).
    lemma4_cos_min : float
        ``1 − λ^{ε/14}/||D_−||`` for ``S_{−,1}`` with ``−D_−`` at ``t_3`` (Lemma 4(i)).
    lemma4_u_minus : float
        ``n||D_−|| − λ^{ε/29}`` at ``t_3`` (Lemma 4(ii)).
    lemma4_plus_moved : float
        ``λ^{ε/15}``: ``||w̄_j^{t_2} − w̄_j^{t_3}||`` for ``S_{+,1}`` (Lemma 4(iii)).
    lemma4_others_norm_max : float
        ``3cλ^ε`` outside ``S_{±,1}`` at ``t_3`` (Lemma 4(iv)).
    lemma12_distance : float
        ``λ^{ε/31}``: ``||θ^{t_3} − θ*||`` (Lemma 12).
    lemma5_radius : float
        ``λ^{ε/240}``: the ball around ``θ*`` on which ``||∇L||²/L ≥ ||D_−||``
        (Lemma 5).
    """

    timeline: PhaseTimeline
    lemma7_norm_max: float
    lemma7_cos_min: float
    lemma2_norm_max: float
    lemma2_cos_min: float
    lemma9_plus_norm_min: float
    lemma9_minus_norm_min: float
    lemma3_cos_min: float
    lemma3_u_plus: float
    lemma3_others_norm_max: float
    fact1_distance: float
    lemma4_cos_min: float
    lemma4_u_minus: float
    lemma4_plus_moved: float
    lemma4_others_norm_max: float
    lemma12_distance: float
    lemma5_radius: float
    c: float = 1.0
    c_low: float = 1.0
    r: float = 1.0

    #: The norm bounds and their ``(log constant, power of λ)``: ``ln(bound) = ln(constant) − power · L``.
    _NORMS = {
        "lemma7_norm_max": ("2c", lambda b: (1 - b.timeline.eps)),
        "lemma2_norm_max": ("2c", lambda b: (1 - b.r * b.timeline.eps)),
        "lemma9_plus_norm_min": ("c_low/2", lambda b: (1 + b.timeline.eps)),
        "lemma9_minus_norm_min": ("c_low/2", lambda b: (1 + b.r * b.timeline.eps)),
        "lemma3_others_norm_max": ("2c", lambda b: b.timeline.eps),
        "lemma4_others_norm_max": ("3c", lambda b: b.timeline.eps),
    }

    def log_norm_bound(self, name: str) -> float:
        """``ln`` of a norm bound (``lemma7_norm_max``, ``lemma2_norm_max``,
        ``lemma9_plus_norm_min``, ``lemma9_minus_norm_min``,
        ``lemma3_others_norm_max``, ``lemma4_others_norm_max``), finite where
        the bound itself underflows (``λ = e^-2000``).

        Parameters
        ----------
        name : str
            The attribute of the bound.

        Returns
        -------
        float

        Raises
        ------
        KeyError
            ``name`` is not one of the norm bounds.

        Examples
        --------
        >>> from limitproc import Problem
        >>> p = Problem([3.0, 4.0, -2.0, -1.0], [[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1]], signs=[1, 1, -1])
        >>> b = phase_bounds(p, eps=0.02, log_inv_lam=2000.0)
        >>> b.lemma7_norm_max, round(b.log_norm_bound("lemma7_norm_max"), 4)   # 2c λ^(1−ε), c = 2
        (0.0, -1958.6137)
        """
        if name not in self._NORMS:
            raise KeyError(f"{name!r} is not a norm bound; choose from {sorted(self._NORMS)}")
        constant, power = self._NORMS[name]
        value = {"2c": 2 * self.c, "3c": 3 * self.c, "c_low/2": self.c_low / 2}[constant]
        return math.log(value) - power(self) * self.timeline.log_inv_lam


def phase_bounds(
    problem: Problem, lam: float | None = None, eps: float | None = None, *, log_inv_lam: float | None = None
) -> PhaseBounds:
    """Seed 000's phase lemmas (2–4, 7–9, Fact 1, 5, 12) evaluated at ``(λ, ε)``.

    Parameters
    ----------
    problem : Problem
    lam : float, optional
        ``λ`` (or ``log_inv_lam = ln(1/λ)``).
    eps : float
        The ``ε`` of App. B.2.
    log_inv_lam : float, optional
        ``ln(1/λ)`` instead of ``lam``.

    Returns
    -------
    PhaseBounds

    Raises
    ------
    InputError, ArgumentError
        As :func:`phase_timeline`.

    Examples
    --------
    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -2.0, -1.0], [[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1]], signs=[1, 1, -1])
    >>> b = phase_bounds(p, 1e-8, 0.02)
    >>> round(b.lemma2_cos_min, 4), round(b.lemma3_u_plus, 4), round(b.fact1_distance, 4)  # 1 − 2λ^ε < 0: vacuous
    (-0.3837, 4.071, 0.929)
    """
    timeline = phase_timeline(problem, lam, eps, log_inv_lam=log_inv_lam)
    k = data_constants(problem)
    L, eps, r, c = timeline.log_inv_lam, timeline.eps, k.r, k.c

    def power(x):  # λ^x without underflow worries
        return math.exp(-x * L)

    return PhaseBounds(
        timeline=timeline,
        lemma7_norm_max=2 * c * power(1 - eps),
        lemma7_cos_min=1 - 2 * power(eps),
        lemma2_norm_max=2 * c * power(1 - r * eps),
        lemma2_cos_min=1 - 2 * power(eps),
        lemma9_plus_norm_min=k.c_low * power(1 + eps) / 2,
        lemma9_minus_norm_min=k.c_low * power(1 + r * eps) / 2,
        lemma3_cos_min=1 - power(eps / 5) / k.D_plus,
        lemma3_u_plus=k.n * k.D_plus - power(eps / 5),
        lemma3_others_norm_max=2 * c * power(eps),
        fact1_distance=power(eps / 5),
        lemma4_cos_min=1 - power(eps / 14) / k.D_minus,
        lemma4_u_minus=k.n * k.D_minus - power(eps / 29),
        lemma4_plus_moved=power(eps / 15),
        lemma4_others_norm_max=3 * c * power(eps),
        lemma12_distance=power(eps / 31),
        lemma5_radius=power(eps / 240),
        c=c, c_low=k.c_low, r=r,
    )


def _data_basis(problem: Problem, W: ArrayLike) -> NDArray[np.float64]:
    """Coefficients ``<w_j, x_i>`` of the rows of ``W`` (shape (m, n))."""
    W = np.asarray(W, dtype=float)
    return W if problem.X is None else W @ problem.X.T


def lemma14_bound(problem: Problem, a: ArrayLike, W: ArrayLike) -> float:
    r"""Seed 000 Lemma 14, eq. (31), at balanced parameters ``θ = (a, W)``:

    .. math::

        \frac{\|\nabla L(\theta)\|^2}{L(\theta)} \ge
        2 \min\Big\{\frac1n \sum_{j \in S_{-}} \|w_j\|^2,\ \frac1n \sum_{j \in S_{+}} \|w_j\|^2\Big\}.

    The proof uses that every ``j ∈ S_±`` is active on every datum of its
    sign, so ``S_±`` here are the neurons with ``sign(a_j) = ±1`` active at
    ``θ`` on all data of label sign ``±`` (at initialization these are seed
    000's ``S_{±,1}``).  A label sign without data drops out of the minimum.

    Parameters
    ----------
    problem : Problem
    a : array_like, shape (m,)
        Output weights.
    W : array_like, shape (m, d)
        Hidden weights.

    Returns
    -------
    float

    Examples
    --------
    At the two-phase saddle-free interpolator (spec §4) the bound is
    ``2 min(||D_+||, ||D_−||)``:

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0, -2.0, -1.0], [[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1]], signs=[1, 1, -1])
    >>> a, W = limit_process(p).parameters()
    >>> round(lemma14_bound(p, a, W), 6), round(2 * 5 ** 0.5 / 4, 6)
    (1.118034, 1.118034)
    """
    a = np.asarray(a, dtype=float)
    C = _data_basis(problem, W)
    y = np.asarray(problem.y, dtype=float)
    n = problem.n
    sq = (np.asarray(W, dtype=float) ** 2).sum(axis=1)
    terms = []
    for sign in (1, -1):
        data = sign * y > 0
        if not data.any():
            continue
        members = (np.sign(a) == sign) & (C[:, data] > 0).all(axis=1)
        terms.append(float(sq[members].sum()) / n)
    return 2.0 * min(terms)


def lemma15_constant(problem: Problem) -> float:
    """``min(||D_+||, ||D_−||)``: seed 000 Lemma 15 (and Lemma 5), the lower
    bound on ``||∇L||²/L`` on a ball around ``θ*`` (half of Lemma 14's value
    at ``θ*``: the ball's margin).

    Parameters
    ----------
    problem : Problem

    Returns
    -------
    float
        The smaller of the two over the label signs present.

    Examples
    --------
    >>> from limitproc import Problem
    >>> round(lemma15_constant(Problem([3.0, 4.0, -2.0, -1.0], [[1, 1, 1, 1]], signs=[1])), 6)
    0.559017
    """
    plus, minus = (float(v) for v in label_norms(problem))
    present = [v / problem.n for v in (plus, minus) if v > 0]
    return min(present)


@dataclass(frozen=True, eq=False)
class LimitPoint:
    """Seed 000 Lemma 12's limit ``θ*`` (λ-independent).

    Attributes
    ----------
    kappa : ndarray, shape (m,)
        ``κ_j = lim_t (ρ̃_j^t − ||D_j^∞|| t)`` of the λ-free ODE (28)
        (seeds digest F8; ``nan`` for a neuron that never grows).
    sq_norms : ndarray, shape (m,)
        ``||w_j*||² = n ||D_±|| e^{2κ_j} / Σ_{i ∈ S_{±,1}} e^{2κ_i}`` on
        ``S_{±,1}``, 0 elsewhere.
    a : ndarray, shape (m,)
    W : ndarray, shape (m, d)
        ``w_j* ∝ D_+`` on ``S_{+,1}``, ``∝ −D_−`` on ``S_{−,1}``.
    neurons_plus, neurons_minus : tuple of int
        ``S_{+,1}``, ``S_{−,1}`` (by label sign, not oriented).
    """

    kappa: NDArray[np.float64]
    sq_norms: NDArray[np.float64]
    a: NDArray[np.float64]
    W: NDArray[np.float64]
    neurons_plus: tuple[int, ...]
    neurons_minus: tuple[int, ...]

    @property
    def sq_norm(self) -> float:
        """``||θ*||² = Σ_j a_j² + ||w_j||²``."""
        return float(self.a @ self.a + (self.W * self.W).sum())


def _kappa(problem, j, coefficients, rest_sq):
    r"""``κ_j`` of ODE (28) for one neuron, in closed form.

    With ``h ≡ 0``, ODE (28) for ``w̃ = e^{ρ̃} w̄`` is ``dw̃/dt = s_j ||w̃|| D̃(w̃)``;
    in the time ``ds = ||w̃|| dt`` it is piecewise linear,
    ``dw̃_i/ds = s_j y_i/n`` on its active components, until a component with
    ``s_j y_i < 0`` reaches 0 and freezes (σ'(0) = 0, seed 000 Lemma 6).  On
    a piece ``w̃ = w_a + σ D`` the elapsed time is
    ``∫ dσ/sqrt(Aσ² + Bσ + C) = [ln(2√A sqrt(Aσ² + Bσ + C) + 2Aσ + B)]/√A``,
    and on the last piece (``D = D^∞``, ``σ → ∞``)
    ``ρ̃ − ||D^∞|| t → −||D^∞|| t_a + ln((||w_a|| + <w_a, D̄^∞>)/2)`` (derived).
    """
    n = problem.n
    s = float(problem.signs[j])
    y = np.asarray(problem.y, dtype=float)
    w = np.array(coefficients, dtype=float)
    active = w > 0
    grow = active & (s * y > 0)
    if not grow.any():
        return float("nan")
    t_elapsed = 0.0
    while True:
        shrink = active & (s * y < 0)
        D = np.where(active, s * y / n, 0.0)
        if not shrink.any():
            break
        hits = w[shrink] * n / np.abs(y[shrink])  # σ at which each shrinking component reaches 0
        sigma = float(hits.min())
        A = float(D @ D)
        B = 2.0 * float(w @ D)
        C = float(w @ w) + rest_sq
        root = math.sqrt(A)

        def F(x):
            return math.log(2 * root * math.sqrt(max(A * x * x + B * x + C, 0.0)) + 2 * A * x + B) / root

        t_elapsed += F(sigma) - F(0.0)
        w = w + sigma * D
        frozen = np.flatnonzero(shrink)[np.isclose(hits, sigma, rtol=1e-12, atol=0.0)]
        w[frozen] = 0.0
        active[frozen] = False
    norm_D = float(np.linalg.norm(D))
    norm_w = math.sqrt(float(w @ w) + rest_sq)
    along = float(w @ D) / norm_D
    return -norm_D * t_elapsed + math.log((norm_w + along) / 2.0)


def limit_point(problem: Problem) -> LimitPoint:
    """Seed 000 Lemma 12: the λ-independent limit ``θ*`` of the two-phase case.

    ``κ_j`` comes from ODE (28) in closed form (see ``_kappa``); the shares
    ``e^{2κ_j}/Σ e^{2κ_i}`` split ``n ||D_±||`` among ``S_{±,1}`` (Lemma 12 with
    ``e^{2 d_{i,j}} = e^{2(κ_i − κ_j)}``, seeds digest F8).  The initial
    log-norms are ``ρ̃_j^0 = ln ||W0_j||`` (``w_j(0) = λ W0_j``, seed 000 eq. 4).

    Parameters
    ----------
    problem : Problem

    Returns
    -------
    LimitPoint

    Examples
    --------
    Two positive neurons active on both positive data: neuron 0 of norm 1
    along ``D_+`` (``κ = 0``), neuron 1 of norm ``√3`` at cosine
    ``z = 1.4/√3`` (``κ = ln(√3 (1 + z)/2) = 0.4485``); they share
    ``n||D_+|| = 5`` as ``1 : e^{0.897}``:

    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -1.0], [[0.6, 0.8, 0.0], [1.0, 1.0, -1.0], [0.0, 0.0, 1.0]], signs=[1, 1, -1])
    >>> lp = limit_point(p)
    >>> lp.neurons_plus, lp.neurons_minus, [round(float(v), 4) for v in lp.sq_norms]
    ((0, 1), (2,), [1.4483, 3.5517, 1.0])
    """
    plus, minus = (float(v) for v in label_norms(problem))
    tp = two_phase(problem, Mask(problem))
    W0 = np.asarray(problem.directions) * np.asarray(problem.init_norms)[:, None]
    C = _data_basis(problem, W0)
    rest = np.maximum((W0 * W0).sum(axis=1) - (C * C).sum(axis=1), 0.0)
    m = problem.m
    kappa = np.full(m, np.nan)
    for j in set(tp.neurons_plus) | set(tp.neurons_minus):
        kappa[j] = _kappa(problem, j, C[j], float(rest[j]))
    sq = np.zeros(m)
    a = np.zeros(m)
    W = np.zeros((m, problem.d))
    y = np.asarray(problem.y, dtype=float)
    X = problem.inputs()
    for sign, members, total in ((1, tp.neurons_plus, plus), (-1, tp.neurons_minus, minus)):
        if not members or total == 0:
            continue
        idx = np.array(members)
        weights = np.exp(2 * (kappa[idx] - kappa[idx].max()))
        sq[idx] = total * weights / weights.sum()  # n ||D_±|| = ||y_±||
        direction = np.where(sign * y > 0, sign * y, 0.0) @ X
        direction /= np.linalg.norm(direction)  # D_+/||D_+|| or −D_−/||D_−||
        W[idx] = np.sqrt(sq[idx])[:, None] * direction[None, :]
        a[idx] = sign * np.sqrt(sq[idx])
    return LimitPoint(kappa, sq, a, W, tuple(tp.neurons_plus), tuple(tp.neurons_minus))


def stable_rank(W: ArrayLike) -> float:
    """``||W||_F² / ||W||_2²`` (seed 003 Theorem 1; 1 for rank one).

    Parameters
    ----------
    W : array_like, shape (m, d)
        A weight matrix.

    Returns
    -------
    float
        ``nan`` for the zero matrix.

    Examples
    --------
    >>> stable_rank([[3.0, 0.0], [0.0, 1.0]])
    1.1111111111111112
    """
    W = np.asarray(W, dtype=float)
    top = float(np.linalg.norm(W, 2)) ** 2
    return float((W * W).sum()) / top if top > 0 else float("nan")


def min_norm_stable_rank(problem: Problem) -> float:
    """``1 + 1/r`` (``1`` with one label sign): the stable rank of the first
    layer of every minimum-norm interpolator (derived from seed 000
    Proposition 1: ``W*ᵀW*`` has eigenvalues ``n||D_+||`` and ``n||D_−||`` on
    orthogonal directions; seeds digest §1.4; cf. seed 003's ``≤ 2``).

    Parameters
    ----------
    problem : Problem

    Returns
    -------
    float

    Examples
    --------
    >>> from limitproc import Problem
    >>> round(min_norm_stable_rank(Problem([3.0, 4.0, -2.0, -1.0], [[1, 1, 1, 1]], signs=[1])), 6)
    1.447214
    """
    plus, minus = (float(v) for v in label_norms(problem))
    if plus == 0 or minus == 0:
        return 1.0
    return 1.0 + min(plus, minus) / max(plus, minus)
