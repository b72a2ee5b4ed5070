"""One run of a sweep: the width rules, the random problem of a grid point, its record.

Every run draws its problem from its own :class:`numpy.random.SeedSequence`
(the randomness contract is in :mod:`limitproc.studies.sweeps`), so a row is
a function of its grid point and repeat alone; :func:`sample_problem`
rebuilds the problem of any row.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ArgumentError, AssumptionError
from ..problem.problem import Problem
from ..problem.sampling import sample_labels
from ..process.algorithm1 import limit_process
from ..process.closed_forms import two_phase
from ..process.mask import Mask
from ..process.min_norm import min_norm_sq

if TYPE_CHECKING:
    from typing import Any, Literal

__all__ = ["LABEL_DISTRIBUTIONS", "LogWidth", "SweepRow", "parse_width", "sample_problem"]

#: Label distributions: ``N(0, 1)``, ``|N(0, 1)|``, ``U(-1, 1)`` and
#: Rademacher ``±1``.  Their position is part of the seed of the labels.
LABEL_DISTRIBUTIONS = ("gaussian", "abs-gaussian", "uniform", "sign")

_LABEL_STREAM, _INIT_STREAM = 0, 1


@dataclass(frozen=True)
class LogWidth:
    """The width rule ``m = max(1, ⌈C ln n⌉)`` (natural logarithm).

    Seed 002's Figure 5 uses a width "of order ``log n``" whose formula was
    lost; spec §4 and seed 002 Theorem 3 need ``m`` of order ``log n`` for
    interpolation.  ``str(LogWidth(4))`` is ``"4log"``, which
    :func:`parse_width` reads back.

    Examples
    --------
    >>> rule = LogWidth(4)
    >>> rule(1000), str(rule)
    (28, '4log')

    Raises
    ------
    ArgumentError
        A factor that is not positive and finite.
    """

    factor: float

    def __post_init__(self) -> None:
        if not (self.factor > 0 and math.isfinite(self.factor)):
            raise ArgumentError(f"the factor of a log width must be positive and finite, got {self.factor}")

    def __call__(self, n: int) -> int:
        """The width ``max(1, ⌈C ln n⌉)`` for ``n`` data.

        Parameters
        ----------
        n : int
            Number of data, ``n ≥ 1``.

        Returns
        -------
        int

        Examples
        --------
        >>> LogWidth(4)(1), LogWidth(4)(64), LogWidth(0.5)(64)
        (1, 17, 3)
        """
        return max(1, math.ceil(self.factor * math.log(n)))

    def __str__(self) -> str:
        return f"{self.factor:g}log"


_LOG_WIDTH = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)?\s*\*?\s*(?:log|ln)\s*(?:\(?\s*n\s*\)?)?\s*$", re.IGNORECASE)


def parse_width(text: str | int | np.integer[Any] | LogWidth) -> int | LogWidth:
    """A width from text: ``"32"`` is a fixed width, ``"4log"``, ``"4 log n"``
    or ``"4*ln(n)"`` the rule :class:`LogWidth` (4).

    Parameters
    ----------
    text : str, int or LogWidth
        The width as given on the command line or to :func:`~limitproc.sweep`;
        integers and rules are taken as they are.

    Returns
    -------
    int or LogWidth
        A fixed width ``m ≥ 1``, or the rule.

    Raises
    ------
    ArgumentError
        Text that is neither an integer nor a log rule, or a width below 1.

    Examples
    --------
    >>> parse_width("32"), parse_width("4log"), parse_width("2.5*ln(n)")
    (32, LogWidth(factor=4.0), LogWidth(factor=2.5))
    """
    if isinstance(text, (int, np.integer)) and not isinstance(text, bool):
        return _fixed_width(text)
    if isinstance(text, LogWidth):
        return text
    text = str(text)
    if text.strip().isdecimal():
        try:
            value = int(text)
        except ValueError:  # more digits than int() reads
            raise ArgumentError(f"cannot read the width {text[:20]!r}…: too many digits") from None
        return _fixed_width(value)
    match = _LOG_WIDTH.match(text)
    if match is None:
        raise ArgumentError(f"cannot read the width {text!r}: give an integer (32) or a log rule (4log, 4*log(n))")
    return LogWidth(float(match.group(1) or 1.0))


def _fixed_width(m: int | np.integer[Any]) -> int:
    if int(m) < 1:
        raise ArgumentError(f"a width must be at least 1, got {m}")
    return int(m)


def _seeds(seed: int, stream: int, *key: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(int(seed), spawn_key=(stream,) + tuple(int(k) for k in key))


def sample_problem(
    n: int,
    m: int,
    labels: Literal["gaussian", "abs-gaussian", "uniform", "sign"] = "gaussian",
    repeat: int = 0,
    seed: int = 0,
) -> Problem:
    """The random problem of one sweep run (identity inputs, spec §1 initialization).

    Labels come from the seed sequence ``(seed; 0, n, code, repeat)`` with
    ``code`` the position of ``labels`` in :data:`LABEL_DISTRIBUTIONS`; the
    signs ``s_j`` (uniform ±1) and then the Gaussian directions ``W0``
    (shape ``(m, n)``) from ``(seed; 1, n, m, repeat)``.

    Parameters
    ----------
    n : int
        Number of data (inputs: the standard basis of ``R^n``).
    m : int
        Width.
    labels : {"gaussian", "abs-gaussian", "uniform", "sign"}
        Label distribution (:data:`LABEL_DISTRIBUTIONS`).
    repeat : int
        Repeat index of the run.
    seed : int
        Base seed of the sweep.

    Returns
    -------
    Problem
        Balanced (signs given), zero labels allowed (``"sign"`` labels never
        draw one; the others with probability 0).

    Raises
    ------
    ValueError
        An unknown label distribution.

    Examples
    --------
    >>> p = sample_problem(8, 5, "gaussian", repeat=0, seed=0)
    >>> p.n, p.m, p.standard_basis
    (8, 5, True)
    >>> bool((sample_problem(8, 9, "gaussian", 0, 0).y == p.y).all())  # same labels at every width
    True
    """
    if labels not in LABEL_DISTRIBUTIONS:
        raise ValueError(f"unknown label distribution {labels!r}: choose from {LABEL_DISTRIBUTIONS}")
    code = LABEL_DISTRIBUTIONS.index(labels)
    y = sample_labels(n, labels, np.random.default_rng(_seeds(seed, _LABEL_STREAM, n, code, repeat)))
    rng = np.random.default_rng(_seeds(seed, _INIT_STREAM, n, m, repeat))
    signs = rng.integers(0, 2, m) * 2 - 1
    W0 = rng.standard_normal((m, n))
    return Problem(y, W0, signs=signs, allow_zero_labels=True)


@dataclass(frozen=True)
class SweepRow:
    """One run of Algorithm 1 in a sweep.

    Attributes
    ----------
    n, m : int
        Data and width.
    width : str
        The width as given (``"32"`` or a rule such as ``"4log"``).
    labels : str
        Label distribution.
    seed, repeat : int
        Base seed and repeat index (:func:`sample_problem`).
    status : {"ok", "tie"}
        ``"tie"``: Algorithm 1 met a true tie between overlapping neurons
        (outside the theory, spec §5; common with ``"sign"`` labels, whose
        rates ``sqrt(count)/n`` often coincide) and ``K``, ``loss``,
        ``sq_norm`` and ``ratio`` are ``None``.
    n_pos, n_neg, m_pos : int
        Positive labels, negative labels, positive neurons.
    K : int or None
        Number of jumps.
    loss : float or None
        Final loss ``L(θ_K)``.
    interpolates : bool
        Final loss 0 (no zero row, spec §3).
    sq_norm : float or None
        ``||θ_K||²``.
    min_sq_norm : float
        ``||θ*||² = 2 (||y_+|| + ||y_-||)`` (spec §4).
    ratio : float or None
        ``sq_norm / min_sq_norm``: at least 1 for an interpolator, 1 in the
        two-phase case (spec §4).
    l1_sq_norm : float
        ``2 ||y||_1``, the upper bound of spec §3 for an interpolator.
    zero_rows, zero_columns, groups : int
        Mask structure (spec §2, §5): unfitted data, idle neurons, groups of
        equal columns.
    two_phase : bool
        Seed 000 Assumption 3 holds (then ``ratio == 1``).
    assumption4 : bool
        Seed 002 Assumption 4(i) holds.
    backend : str
        ``"float"``, or ``"exact"`` when the float backend deferred a
        near-tie.
    """

    n: int
    width: str
    m: int
    labels: str
    seed: int
    repeat: int
    status: str
    n_pos: int
    n_neg: int
    m_pos: int
    K: int | None
    loss: float | None
    interpolates: bool
    sq_norm: float | None
    min_sq_norm: float
    ratio: float | None
    l1_sq_norm: float
    zero_rows: int
    zero_columns: int
    groups: int
    two_phase: bool
    assumption4: bool
    backend: str

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready values.

        Returns
        -------
        dict
            Every field, numpy scalars as Python numbers and NaN as ``None``.

        Examples
        --------
        >>> from limitproc import sweep
        >>> row = sweep([8], [3], repeats=1, seed=0, workers=1).rows[0].to_dict()
        >>> row["n"], row["m"], row["width"], row["status"]
        (8, 3, '3', 'ok')
        """
        return {key: _plain(value) for key, value in asdict(self).items()}


def _plain(value: Any) -> Any:
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    return value


def _run(n, width, m, labels, repeat, seed):
    """One sweep run: sample the problem, build the mask, run Algorithm 1."""
    problem = sample_problem(n, m, labels, repeat, seed)
    mask = Mask(problem)
    y = problem.y
    positive_neurons = problem.signs > 0
    n_pos, n_neg = int((y > 0).sum()), int((y < 0).sum())
    interpolates = mask.zero_rows.size == 0
    assumption4 = interpolates and mask.zero_columns.size == 0 and not mask.groups
    try:
        process = limit_process(problem, mask=mask)
    except AssumptionError:
        status, K, loss, sq_norm, backend = "tie", None, None, None, "float"
    else:
        status, K, backend = "ok", process.K, process.backend
        loss, sq_norm = float(process.final.loss), float(process.final.sq_norm)
    optimum = float(min_norm_sq(problem))
    return SweepRow(
        n=n, width=width, m=m, labels=labels, seed=seed, repeat=repeat, status=status,
        n_pos=n_pos, n_neg=n_neg, m_pos=int(positive_neurons.sum()), K=K, loss=loss,
        interpolates=interpolates, sq_norm=sq_norm, min_sq_norm=optimum,
        ratio=sq_norm / optimum if sq_norm is not None and optimum > 0 else None, l1_sq_norm=float(2 * np.abs(y).sum()),
        zero_rows=int(mask.zero_rows.size), zero_columns=int(mask.zero_columns.size),
        groups=len(mask.groups), two_phase=two_phase(problem, mask).condition, assumption4=assumption4, backend=backend,
    )  # fmt: skip


def _run_chunk(tasks):
    """Worker entry point: the rows of a list of ``_run`` argument tuples."""
    return [_run(*task) for task in tasks]
